#include "crypto/pki.hpp"

#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>

#include "crypto/crypto_test_support.hpp"

namespace sandbank::crypto {
namespace {

using namespace std::chrono_literals;
using testing::expect_error;
using testing::q;
using testing::run;
using testing::TempDir;

IssueRequest request(CertificateProfile profile, TimePoint from, TimePoint until) {
  IssueRequest r;
  r.profile = profile;
  r.organization = "Example TPP";
  r.organization_identifier = "PSDNL-SBX-42";
  r.roles = {Psd2Role::AccountInformation};
  r.not_before = from;
  r.not_after = until;
  return r;
}

Certificate make_root(const PrivateKey& key, const std::string& cn, TimePoint now) {
  IssueRequest r = request(CertificateProfile::RootCa, now - 24h * 30, now + 24h * 3650);
  r.organization = "Sandbank";
  r.organization_identifier.clear();
  r.common_name = cn;
  return issue_certificate(r, key.public_key(), std::nullopt, key);
}

// Root (key A) -> leaves (key B or the EC key), and the openssl CLI's view of them.
class PkiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ = testing::real_now();
    root_.emplace(make_root(testing::rsa_key_a(), "Root", now_));
    testing::write_file(dir_ / "ca.cer", root_->pem());
  }
  Certificate issue(const IssueRequest& r, const PrivateKey& subject = testing::rsa_key_b()) {
    return issue_certificate(r, subject.public_key(), *root_, testing::rsa_key_a());
  }
  // `openssl x509 -text` of a certificate.
  std::string text(const Certificate& c) {
    testing::write_file(dir_ / "c.pem", c.pem());
    auto r = run("openssl x509 -text -noout -in " + q(dir_ / "c.pem") + " 2>&1");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.output;
  }
  // `openssl verify -CAfile ca.cer <extra> cert`; true when it says OK.
  bool openssl_verify(const Certificate& c, const std::string& extra = "") {
    testing::write_file(dir_ / "v.pem", c.pem());
    auto r = run("openssl verify -CAfile " + q(dir_ / "ca.cer") + " " + extra + " " +
                 q(dir_ / "v.pem") + " 2>&1");
    return r.exit_code == 0 && r.output.find(": OK") != std::string::npos;
  }
  static bool has(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
  }

  TimePoint now_;
  std::optional<Certificate> root_;
  TempDir dir_;
};

TEST_F(PkiTest, RootCaProfile) {
  std::string t = text(*root_);
  EXPECT_TRUE(has(t, "X509v3 Basic Constraints: critical\n                CA:TRUE")) << t;
  EXPECT_TRUE(has(t, "X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"))
      << t;
  EXPECT_TRUE(has(t, "X509v3 Subject Key Identifier")) << t;
  EXPECT_TRUE(has(t, "Signature Algorithm: sha256WithRSAEncryption")) << t;
  EXPECT_TRUE(root_->is_ca());
  EXPECT_EQ(root_->subject(), root_->issuer());
  EXPECT_TRUE(openssl_verify(*root_));
}

TEST_F(PkiTest, ServerProfileWithSans) {
  IssueRequest r = request(CertificateProfile::Server, now_ - 1h, now_ + 24h);
  r.common_name = "localhost";
  r.organization_identifier.clear();
  r.dns_names = {"localhost", "sandbank.test"};
  r.ip_addresses = {"127.0.0.1", "::1"};
  Certificate c = issue(r);
  std::string t = text(c);
  EXPECT_TRUE(has(t, "CA:FALSE")) << t;
  EXPECT_TRUE(has(t, "TLS Web Server Authentication")) << t;
  EXPECT_FALSE(has(t, "TLS Web Client Authentication")) << t;
  EXPECT_TRUE(has(t,
                  "DNS:localhost, DNS:sandbank.test, IP Address:127.0.0.1, "
                  "IP Address:0:0:0:0:0:0:0:1"))
      << t;
  EXPECT_TRUE(has(t, "X509v3 Authority Key Identifier")) << t;
  EXPECT_FALSE(has(t, "qcStatements")) << t;
  EXPECT_TRUE(openssl_verify(c, "-purpose sslserver -verify_hostname sandbank.test"));
  EXPECT_TRUE(openssl_verify(c, "-purpose sslserver -verify_ip ::1"));
  EXPECT_FALSE(openssl_verify(c, "-purpose sslserver -verify_hostname other.test"));
  EXPECT_FALSE(openssl_verify(c, "-purpose sslclient"));
}

TEST_F(PkiTest, QwacProfile) {
  Certificate c = issue(request(CertificateProfile::Qwac, now_ - 1h, now_ + 24h));
  std::string t = text(c);
  EXPECT_TRUE(has(t, "TLS Web Client Authentication, TLS Web Server Authentication")) << t;
  EXPECT_TRUE(has(t, "Digital Signature, Key Encipherment")) << t;
  EXPECT_TRUE(has(t, "qcStatements")) << t;
  EXPECT_EQ(c.qc_type(), QcType::Web);
  EXPECT_TRUE(openssl_verify(c, "-purpose sslclient"));
  // An EC QWAC has no keyEncipherment.
  Certificate ec =
      issue(request(CertificateProfile::Qwac, now_ - 1h, now_ + 24h), testing::ec_key());
  std::string te = text(ec);
  EXPECT_TRUE(has(te, "Key Usage: critical\n                Digital Signature\n")) << te;
  EXPECT_TRUE(openssl_verify(ec, "-purpose sslclient"));
}

TEST_F(PkiTest, QsealcProfile) {
  Certificate c = issue(request(CertificateProfile::Qsealc, now_ - 1h, now_ + 24h));
  std::string t = text(c);
  EXPECT_TRUE(has(t, "Digital Signature, Non Repudiation")) << t;
  EXPECT_FALSE(has(t, "Extended Key Usage")) << t;
  EXPECT_TRUE(has(t, "qcStatements")) << t;
  EXPECT_EQ(c.qc_type(), QcType::ESeal);
  EXPECT_TRUE(openssl_verify(c));
}

TEST_F(PkiTest, DuplicateRolesAreWrittenOnce) {
  IssueRequest r = request(CertificateProfile::Qsealc, now_ - 1h, now_ + 24h);
  r.roles = {Psd2Role::PaymentInitiation, Psd2Role::AccountInformation,
             Psd2Role::PaymentInitiation};
  auto psd2 = issue(r).psd2();
  ASSERT_TRUE(psd2);
  EXPECT_EQ(psd2->roles,
            (std::vector<Psd2Role>{Psd2Role::PaymentInitiation, Psd2Role::AccountInformation}));
}

TEST_F(PkiTest, EcCaIssuesVerifiableCertificates) {
  IssueRequest r = request(CertificateProfile::RootCa, now_ - 1h, now_ + 24h);
  r.common_name = "EC Root";
  Certificate ec_root =
      issue_certificate(r, testing::ec_key().public_key(), std::nullopt, testing::ec_key());
  Certificate leaf =
      issue_certificate(request(CertificateProfile::Qsealc, now_ - 1h, now_ + 24h),
                        testing::rsa_key_b().public_key(), ec_root, testing::ec_key());
  EXPECT_TRUE(has(text(leaf), "Signature Algorithm: ecdsa-with-SHA256"));
  TrustStore store;
  store.add(ec_root);
  EXPECT_TRUE(store.verify(leaf, {}, now_).ok);
}

TEST_F(PkiTest, InvalidRequestsAreRejected) {
  IssueRequest r = request(CertificateProfile::Server, now_, now_ + 24h);
  r.ip_addresses = {"localhost"};
  expect_error([&] { issue(r); }, "certificate.invalid_request");
  r = request(CertificateProfile::Qsealc, now_, now_);
  expect_error([&] { issue(r); }, "certificate.invalid_request");
  r = request(CertificateProfile::Qsealc, now_, now_ + 24h);
  r.nca_id.clear();
  expect_error([&] { issue(r); }, "certificate.invalid_request");
  r = request(CertificateProfile::Qsealc, now_, now_ + 24h);
  r.serial = Bytes{0x00};
  expect_error([&] { issue(r); }, "certificate.invalid_request");
  r.serial = Bytes(21, 0x11);
  expect_error([&] { issue(r); }, "certificate.invalid_request");
  r = request(CertificateProfile::Qsealc, now_, now_ + 24h);
  r.country = "Netherlands";
  expect_error([&] { issue(r); }, "certificate.invalid_request");
  // The issuer key must be the issuer certificate's key.
  expect_error(
      [&] {
        issue_certificate(request(CertificateProfile::Qsealc, now_, now_ + 24h),
                          testing::rsa_key_b().public_key(), *root_, testing::rsa_key_b());
      },
      "certificate.invalid_request");
  // A self-signed certificate is signed with its own key.
  expect_error(
      [&] {
        issue_certificate(request(CertificateProfile::RootCa, now_, now_ + 24h),
                          testing::rsa_key_b().public_key(), std::nullopt, testing::rsa_key_a());
      },
      "certificate.invalid_request");
}

// ----- TrustStore ---------------------------------------------------------------------------

TEST_F(PkiTest, TrustStoreAcceptsAValidChain) {
  TrustStore store;
  store.add(*root_);
  Certificate leaf = issue(request(CertificateProfile::Qsealc, now_ - 1h, now_ + 24h));
  auto result = store.verify(leaf, {}, now_);
  EXPECT_TRUE(result.ok) << result.reason;
  EXPECT_TRUE(result.reason.empty());
}

TEST_F(PkiTest, TrustStoreRejectsExpiredAndNotYetValid) {
  TrustStore store;
  store.add(*root_);
  Certificate leaf = issue(request(CertificateProfile::Qsealc, now_ - 48h, now_ - 24h));
  auto expired = store.verify(leaf, {}, now_);
  EXPECT_FALSE(expired.ok);
  EXPECT_EQ(expired.reason, "certificate has expired");
  EXPECT_EQ(expired.openssl_error, X509_V_ERR_CERT_HAS_EXPIRED);
  // The verification time is the one given, not the machine's.
  EXPECT_TRUE(store.verify(leaf, {}, now_ - 36h).ok);
  auto early = store.verify(leaf, {}, now_ - 72h);
  EXPECT_FALSE(early.ok);
  EXPECT_EQ(early.reason, "certificate is not yet valid");
}

TEST_F(PkiTest, TrustStoreRejectsACertificateFromAnotherCa) {
  TrustStore store;
  store.add(*root_);
  Certificate other_root = make_root(testing::rsa_key_b(), "Other Root", now_);
  Certificate foreign =
      issue_certificate(request(CertificateProfile::Qsealc, now_ - 1h, now_ + 24h),
                        testing::ec_key().public_key(), other_root, testing::rsa_key_b());
  auto result = store.verify(foreign, {}, now_);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.reason, "unable to get local issuer certificate");
  auto self = store.verify(other_root, {}, now_);
  EXPECT_FALSE(self.ok);
  EXPECT_EQ(self.reason, "self-signed certificate");
  // Same issuer name, other key: the signature does not verify.
  Certificate impostor_root = make_root(testing::rsa_key_b(), "Root", now_);
  Certificate impostor =
      issue_certificate(request(CertificateProfile::Qsealc, now_ - 1h, now_ + 24h),
                        testing::ec_key().public_key(), impostor_root, testing::rsa_key_b());
  EXPECT_FALSE(store.verify(impostor, {}, now_).ok);
}

TEST_F(PkiTest, TrustStoreUsesIntermediates) {
  IssueRequest ir = request(CertificateProfile::RootCa, now_ - 1h, now_ + 24h * 30);
  ir.common_name = "Intermediate";
  Certificate inter = issue(ir, testing::rsa_key_b());
  Certificate leaf = issue_certificate(request(CertificateProfile::Qwac, now_ - 1h, now_ + 24h),
                                       testing::ec_key().public_key(), inter, testing::rsa_key_b());
  TrustStore store;
  store.add(*root_);
  EXPECT_TRUE(store.verify(leaf, {inter}, now_).ok);
  auto missing = store.verify(leaf, {}, now_);
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.reason, "unable to get local issuer certificate");
}

// ING's sandbox TPP certificates have no keyUsage, extendedKeyUsage or basicConstraints.
TEST_F(PkiTest, TrustStoreAcceptsLeafWithoutKeyUsageOrEku) {
  testing::write_file(dir_ / "ca.key", testing::rsa_key_a().pem());
  testing::write_file(dir_ / "leaf.key", testing::rsa_key_b().pem());
  auto r = run("openssl req -new -key " + q(dir_ / "leaf.key") +
               " -subj '/OU=sandbox_eidas_qsealc/organizationIdentifier=PSDNL-SBX-1234512345' "
               "-out " +
               q(dir_ / "leaf.csr") + " 2>&1 && openssl x509 -req -in " + q(dir_ / "leaf.csr") +
               " -CA " + q(dir_ / "ca.cer") + " -CAkey " + q(dir_ / "ca.key") +
               " -set_serial 0x546212FB -days 30 -out " + q(dir_ / "leaf.pem") + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  Certificate leaf = Certificate::load_file((dir_ / "leaf.pem").string());
  ASSERT_FALSE(has(text(leaf), "Key Usage"));
  TrustStore store;
  store.add(*root_);
  auto result = store.verify(leaf, {}, now_ + 1min);  // openssl dated it from its own clock
  EXPECT_TRUE(result.ok) << result.reason;
}

TEST_F(PkiTest, TrustStoreLoadsABundle) {
  Certificate other_root = make_root(testing::rsa_key_b(), "Other Root", now_);
  testing::write_file(dir_ / "bundle.pem", other_root.pem() + root_->pem());
  TrustStore store;
  store.add_pem_file((dir_ / "bundle.pem").string());
  Certificate leaf = issue(request(CertificateProfile::Qsealc, now_ - 1h, now_ + 24h));
  Certificate foreign =
      issue_certificate(request(CertificateProfile::Qsealc, now_ - 1h, now_ + 24h),
                        testing::ec_key().public_key(), other_root, testing::rsa_key_b());
  EXPECT_TRUE(store.verify(leaf, {}, now_).ok);
  EXPECT_TRUE(store.verify(foreign, {}, now_).ok);
  expect_error([&] { store.add_pem_file((dir_ / "missing.pem").string()); },
               "certificate.unreadable");
}

}  // namespace
}  // namespace sandbank::crypto
