#include "app/client_authenticator.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "crypto/pki.hpp"
#include "store/store.hpp"

namespace sandbank::app {
namespace {

using namespace std::chrono_literals;

TimePoint t0() {
  return TimePoint(std::chrono::seconds(1'800'000'000));
}

struct Pki {
  crypto::PrivateKey ca_key = crypto::PrivateKey::generate_ec_p256();
  crypto::Certificate ca = issue(crypto::CertificateProfile::RootCa, "Test Root", ca_key, nullptr);

  crypto::Certificate issue(crypto::CertificateProfile profile, const std::string& cn,
                            const crypto::PrivateKey& subject_key,
                            const crypto::Certificate* issuer,
                            TimePoint not_after = t0() + 24h) const {
    crypto::IssueRequest r;
    r.profile = profile;
    r.common_name = cn;
    r.organization = cn;
    r.organization_identifier = "PSDNL-SBX-0000000001";
    r.roles = {crypto::Psd2Role::AccountInformation};
    r.not_before = t0() - 1h;
    r.not_after = not_after;
    std::optional<crypto::Certificate> iss;
    if (issuer) iss = *issuer;
    return crypto::issue_certificate(r, subject_key.public_key(), iss,
                                     issuer ? ca_key : subject_key);
  }
};

class ClientAuthenticatorTest : public ::testing::Test {
 protected:
  Pki pki;
  crypto::PrivateKey client_key = crypto::PrivateKey::generate_ec_p256();
  std::shared_ptr<crypto::TrustStore> trust = std::make_shared<crypto::TrustStore>();
  std::unique_ptr<store::Store> store = store::open_memory_store();
  ManualClock clock{t0()};

  void SetUp() override { trust->add(pki.ca); }

  std::shared_ptr<const crypto::Certificate> client(TimePoint not_after = t0() + 24h) {
    return std::make_shared<const crypto::Certificate>(
        pki.issue(crypto::CertificateProfile::Qwac, "TPP", client_key, &pki.ca, not_after));
  }

  std::string rejection(ClientAuthenticator& auth,
                        const std::shared_ptr<const crypto::Certificate>& leaf) {
    try {
      auth.authenticate(leaf, {});
    } catch (const Error& e) {
      EXPECT_EQ(e.status(), 401);
      return e.code();
    }
    return "accepted";
  }
};

TEST_F(ClientAuthenticatorTest, AcceptsACertificateOfTheTrustedCaAndReadsItsPsd2Attributes) {
  ClientAuthenticator auth(trust, *store, clock);
  auto leaf = client();
  auto identity = auth.authenticate(leaf, {});
  const auto& id = *identity;
  EXPECT_EQ(id.serial_hex, leaf->serial_hex());
  EXPECT_EQ(id.fingerprint, leaf->x5t_s256());
  EXPECT_EQ(id.organization_identifier, "PSDNL-SBX-0000000001");
  ASSERT_EQ(id.roles.size(), 1u);
  EXPECT_EQ(id.roles[0], crypto::Psd2Role::AccountInformation);
}

// ING's production prerequisite, in every mode: a lifespan of at most 39 months.
TEST_F(ClientAuthenticatorTest, RefusesACertificateLivingLongerThan39Months) {
  ClientAuthenticator auth(trust, *store, clock);
  // notBefore is t0 - 1h; 39 months on is the limit, one second more is refused.
  auto not_before = t0() - 1h;
  auto limit = std::chrono::sys_days(
                   std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(not_before)} +
                   std::chrono::months(39)) +
               (not_before - std::chrono::floor<std::chrono::days>(not_before));
  EXPECT_EQ(rejection(auth, client(limit)), "accepted");
  auto longer = std::make_shared<const crypto::Certificate>(
      pki.issue(crypto::CertificateProfile::Qwac, "Long", client_key, &pki.ca,
                limit + std::chrono::seconds(1)));
  EXPECT_EQ(rejection(auth, longer), "mtls.certificate_lifespan");
}

// A leaf of an intermediate CA: refused while the intermediate is missing, accepted on the
// next connection that sends it (the verdict is not cached by the leaf alone).
TEST_F(ClientAuthenticatorTest, AVerdictWithoutTheIntermediateDoesNotStickToTheLeaf) {
  ClientAuthenticator auth(trust, *store, clock);
  auto intermediate_key = crypto::PrivateKey::generate_ec_p256();
  crypto::IssueRequest ir;
  ir.profile = crypto::CertificateProfile::RootCa;
  ir.common_name = "Intermediate";
  ir.organization = "Intermediate";
  ir.not_before = t0() - 1h;
  ir.not_after = t0() + 48h;
  auto intermediate =
      crypto::issue_certificate(ir, intermediate_key.public_key(), pki.ca, pki.ca_key);
  crypto::IssueRequest lr;
  lr.profile = crypto::CertificateProfile::Qwac;
  lr.common_name = "Leaf";
  lr.organization = "Leaf";
  lr.organization_identifier = "PSDNL-SBX-0000000002";
  lr.roles = {crypto::Psd2Role::AccountInformation};
  lr.not_before = t0() - 1h;
  lr.not_after = t0() + 24h;
  auto leaf = std::make_shared<const crypto::Certificate>(
      crypto::issue_certificate(lr, client_key.public_key(), intermediate, intermediate_key));
  EXPECT_EQ(rejection(auth, leaf), "mtls.certificate_untrusted");
  EXPECT_NO_THROW(auth.authenticate(leaf, {intermediate}));
}

TEST_F(ClientAuthenticatorTest, NamesAMissingCertificate) {
  ClientAuthenticator auth(trust, *store, clock);
  EXPECT_EQ(rejection(auth, nullptr), "mtls.certificate_missing");
}

TEST_F(ClientAuthenticatorTest, RefusesACertificateOfAnotherCa) {
  ClientAuthenticator auth(trust, *store, clock);
  Pki other;
  auto foreign = std::make_shared<const crypto::Certificate>(
      other.issue(crypto::CertificateProfile::Qwac, "Other", client_key, &other.ca));
  EXPECT_EQ(rejection(auth, foreign), "mtls.certificate_untrusted");
}

TEST_F(ClientAuthenticatorTest, RefusesAnExpiredCertificateEvenAfterACachedSuccess) {
  ClientAuthenticator auth(trust, *store, clock);
  auto leaf = client(t0() + 1h);
  EXPECT_EQ(rejection(auth, leaf), "accepted");
  clock.advance(2h);  // past notAfter and past the cached verdict's lifetime
  EXPECT_EQ(rejection(auth, leaf), "mtls.certificate_untrusted");
}

TEST_F(ClientAuthenticatorTest, HonoursARevocationMadeAfterTheFirstRequest) {
  ClientAuthenticator auth(trust, *store, clock);
  auto leaf = client();
  EXPECT_EQ(rejection(auth, leaf), "accepted");
  store->revocations().revoke(
      store::RevokedCertificate{leaf->x5t_s256(), leaf->serial_hex(), leaf->subject(), t0()});
  EXPECT_EQ(rejection(auth, leaf), "mtls.certificate_revoked");
  // Another certificate of the same TPP still works.
  EXPECT_EQ(rejection(auth, client()), "accepted");
}

}  // namespace
}  // namespace sandbank::app
