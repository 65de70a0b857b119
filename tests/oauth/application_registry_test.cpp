// ApplicationRegistry's key rules that need a clock: certificates that expire while an
// application is registered, and keys listed twice.
#include "oauth/application_registry.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "crypto/sandbox_pki.hpp"
#include "support/error_code.hpp"

namespace sandbank::oauth {
namespace {

using namespace std::chrono_literals;

using ::sandbank::testing::code_of;

class ApplicationRegistryTest : public ::testing::Test {
 protected:
  ApplicationRegistryTest()
      : store_(store::open_memory_store()),
        clock_(TimePoint(std::chrono::seconds(1'800'000'000))),
        ca_key_(crypto::PrivateKey::generate_ec_p256()),
        ca_(issue(crypto::CertificateProfile::RootCa, "Test CA", 3650 * 24h, std::nullopt)),
        trust_(std::make_shared<crypto::TrustStore>()),
        registry_(*store_, trust_, clock_, random_) {
    trust_->add(ca_);
  }

  crypto::Certificate issue(crypto::CertificateProfile profile, const std::string& name,
                            std::chrono::hours lifetime,
                            const std::optional<crypto::Certificate>& issuer) {
    crypto::IssueRequest request;
    request.profile = profile;
    request.common_name = name;
    request.organization = name;
    request.organization_identifier = "PSDNL-SBX-3000000001";
    if (profile != crypto::CertificateProfile::RootCa) {
      request.roles = {crypto::Psd2Role::AccountInformation, crypto::Psd2Role::PaymentInitiation};
    }
    request.not_before = clock_.now() - 1h;
    request.not_after = clock_.now() + lifetime;
    auto key = issuer ? crypto::PrivateKey::generate_ec_p256() : ca_key_;
    return crypto::issue_certificate(request, key.public_key(), issuer, ca_key_);
  }
  crypto::Certificate qwac(const std::string& name, std::chrono::hours lifetime = 720h) {
    return issue(crypto::CertificateProfile::Qwac, name, lifetime, ca_);
  }
  crypto::Certificate qsealc(const std::string& name, std::chrono::hours lifetime = 720h) {
    return issue(crypto::CertificateProfile::Qsealc, name, lifetime, ca_);
  }

  ApplicationRequest request(std::optional<KeySet> keys = std::nullopt) {
    ApplicationRequest r;
    r.contact = "unit@example.com";
    r.redirect_uris = {"https://example.com/cb"};
    r.keys = std::move(keys);
    return r;
  }

  std::unique_ptr<store::Store> store_;
  ManualClock clock_;
  SystemRandom random_;
  crypto::PrivateKey ca_key_;
  crypto::Certificate ca_;
  std::shared_ptr<crypto::TrustStore> trust_;
  ApplicationRegistry registry_;
};

TEST_F(ApplicationRegistryTest, PutWithACertificateThatExpiredIsRefused) {
  auto tls = qwac("tls");
  auto sign = qsealc("sign");
  auto short_lived = qwac("short", 2h);
  auto app = registry_.register_application(request(), tls, sign).application;

  clock_.advance(3h);
  EXPECT_EQ(
      code_of([&] {
        registry_.update(app.client_id, request(KeySet{{tls, short_lived}, {sign}}), tls, sign);
      }),
      "dcr.certificate_expired");
  EXPECT_EQ(code_of([&] {
              registry_.register_application(request(KeySet{{short_lived}, {sign}}), tls, sign);
            }),
            "dcr.certificate_expired");
  // The refused PUT left the keys alone.
  EXPECT_EQ(ApplicationRegistry::certificates(*registry_.find(app.client_id), "tls").size(), 1u);
}

// ING's production prerequisite: 400 for a registered key valid longer than 39 months, 401
// when such a certificate signs the call.
TEST_F(ApplicationRegistryTest, CertificatesLivingLongerThan39MonthsAreRefused) {
  auto tls = qwac("tls");
  auto sign = qsealc("sign");
  auto long_tls = qwac("long", 24h * 365 * 4);
  auto long_sign = qsealc("long-sign", 24h * 365 * 4);
  EXPECT_EQ(code_of([&] {
              registry_.register_application(request(KeySet{{long_tls}, {sign}}), tls, sign);
            }),
            "dcr.certificate_lifespan");
  EXPECT_EQ(code_of([&] {
              registry_.register_application(request(KeySet{{tls}, {long_sign}}), tls, sign);
            }),
            "dcr.certificate_lifespan");
  EXPECT_EQ(code_of([&] { registry_.check_certificate(long_sign, "signing"); }),
            "certificate.lifespan_exceeded");
  // Three years (36 months) are fine.
  auto three_years = qwac("three", 24h * (365 * 3));
  EXPECT_EQ(code_of([&] {
              registry_.register_application(request(KeySet{{three_years}, {sign}}), tls, sign);
            }),
            "");
}

// UK Open Banking certificates (OBWac/OBSeal) of a CA the sandbox trusts register like eIDAS
// ones: the PSD2 statement's roles decide, no eIDAS QcCompliance is needed.
TEST_F(ApplicationRegistryTest, OpenBankingCertificatesOfATrustedCaRegister) {
  auto issued = crypto::issue_obie_pair("UK TPP Ltd", "", {crypto::Psd2Role::AccountInformation},
                                        crypto::KeyType::Ec, clock_.now(), random_);
  EXPECT_EQ(code_of([&] {
              registry_.register_application(request(), issued.pair.tls, issued.pair.signing);
            }),
            "dcr.certificate_untrusted");
  trust_->add(issued.ca);
  auto app =
      registry_.register_application(request(), issued.pair.tls, issued.pair.signing).application;
  EXPECT_EQ(app.organization_identifier.substr(0, 10), "PSDGB-FCA-");
  EXPECT_EQ(app.roles, std::vector<std::string>{"PSP_AI"});
  EXPECT_TRUE(app.redirect_uris_registered);
}

TEST_F(ApplicationRegistryTest, ACertificateListedTwiceIsRegisteredOnce) {
  auto tls = qwac("tls");
  auto second = qwac("second");
  auto sign = qsealc("sign");
  auto app = registry_.register_application(request(KeySet{{tls, tls}, {sign, sign}}), tls, sign)
                 .application;
  EXPECT_EQ(ApplicationRegistry::certificates(app, "tls").size(), 1u);
  EXPECT_EQ(ApplicationRegistry::certificates(app, "sign").size(), 1u);

  auto updated = registry_.update(app.client_id,
                                  request(KeySet{{tls, second, second, tls}, {sign}}), tls, sign);
  auto registered = ApplicationRegistry::certificates(updated, "tls");
  ASSERT_EQ(registered.size(), 2u);
  EXPECT_EQ(registered[0], tls);  // in the order first listed
  EXPECT_EQ(registered[1], second);
  EXPECT_EQ(ApplicationRegistry::certificates(*registry_.find(app.client_id), "tls").size(), 2u);
}

}  // namespace
}  // namespace sandbank::oauth
