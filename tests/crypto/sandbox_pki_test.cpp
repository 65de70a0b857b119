#include "crypto/sandbox_pki.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <regex>
#include <set>

#include "core/time_format.hpp"
#include "crypto/crypto_test_support.hpp"
#include "crypto/signature.hpp"

namespace sandbank::crypto {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::expect_error;
using testing::q;
using testing::run;
using testing::TempDir;

const std::vector<Psd2Role> kAllRoles = {Psd2Role::AccountServicing, Psd2Role::PaymentInitiation,
                                         Psd2Role::AccountInformation,
                                         Psd2Role::IssuingCardInstruments};

mode_t file_mode(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 0777;
}

bool has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// One sandbox PKI per test process (four RSA keys); damage tests work on copies.
class SandboxPkiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    now_ = testing::real_now();
    SystemRandom random;
    pki_ = new SandboxPki(create_sandbox_pki(dir_->path() / "certs", {"sandbank.test", "10.1.2.3"},
                                             now_, random, testing::fixed_keys()));
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete dir_;
  }
  static fs::path certs() { return dir_->path() / "certs"; }
  static const SandboxPki& pki() { return *pki_; }

  // A copy of the certs folder to damage.
  fs::path copy_certs() {
    fs::path to = scratch_ / "certs";
    fs::copy(certs(), to, fs::copy_options::recursive);
    return to;
  }
  std::string openssl(const std::string& args) {
    auto r = run("cd " + q(certs()) + " && openssl " + args + " 2>&1");
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    return r.output;
  }

  static inline TempDir* dir_ = nullptr;
  static inline SandboxPki* pki_ = nullptr;
  static inline TimePoint now_;
  TempDir scratch_;
  SystemRandom random_;
};

TEST_F(SandboxPkiTest, WritesTheGuideFilesWithPrivateKeys) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(certs())) names.insert(e.path().filename().string());
  EXPECT_EQ(names,
            (std::set<std::string>{".complete", "ca.cer", "ca.key", "server.cer", "server.key",
                                   "example_client_tls.cer", "example_client_tls.key",
                                   "example_client_signing.cer", "example_client_signing.key"}));
  for (const auto& key :
       {"ca.key", "server.key", "example_client_tls.key", "example_client_signing.key"}) {
    EXPECT_EQ(file_mode(certs() / key), 0600u) << key;
    EXPECT_TRUE(has(testing::read_file(certs() / key), "-----BEGIN PRIVATE KEY-----")) << key;
  }
  EXPECT_EQ(file_mode(certs() / "ca.cer"), 0644u);
  EXPECT_EQ(pki().paths.signing_cert, certs() / "example_client_signing.cer");
  EXPECT_EQ(pki().paths.tls_key, certs() / "example_client_tls.key");
  EXPECT_TRUE(sandbox_pki_complete(certs()));
}

TEST_F(SandboxPkiTest, OpensslVerifiesEveryCertificateAgainstTheCa) {
  std::string out =
      openssl("verify -CAfile ca.cer server.cer example_client_tls.cer example_client_signing.cer");
  EXPECT_TRUE(has(out, "server.cer: OK")) << out;
  EXPECT_TRUE(has(out, "example_client_tls.cer: OK")) << out;
  EXPECT_TRUE(has(out, "example_client_signing.cer: OK")) << out;
  // The server certificate is good for TLS on every configured name.
  for (const std::string check :
       {"-verify_hostname localhost", "-verify_ip 127.0.0.1", "-verify_ip ::1",
        "-verify_hostname sandbank.test", "-verify_ip 10.1.2.3"}) {
    openssl("verify -CAfile ca.cer -purpose sslserver " + check + " server.cer");
  }
  openssl("verify -CAfile ca.cer -purpose sslclient example_client_tls.cer");
}

TEST_F(SandboxPkiTest, CertificatesMatchTheirKeys) {
  for (const std::string name : {"ca", "server", "example_client_tls", "example_client_signing"}) {
    std::string from_cert = openssl("x509 -noout -pubkey -in " + name + ".cer");
    std::string from_key = openssl("pkey -pubout -in " + name + ".key");
    EXPECT_EQ(from_cert, from_key) << name;
  }
}

TEST_F(SandboxPkiTest, CaAndServerCertificates) {
  EXPECT_EQ(pki().ca.common_name(), "Sandbank Sandbox Root CA");
  EXPECT_TRUE(pki().ca.is_ca());
  EXPECT_EQ(pki().ca.not_after(), now_ + 24h * 3650);
  EXPECT_FALSE(pki().server.is_ca());
  EXPECT_EQ(pki().server.issuer(), pki().ca.subject());
  EXPECT_EQ(pki().server.not_after(), now_ + 24h * 730);
  std::string text = openssl("x509 -noout -text -in server.cer");
  EXPECT_TRUE(has(text,
                  "DNS:localhost, DNS:sandbank.test, IP Address:127.0.0.1, "
                  "IP Address:0:0:0:0:0:0:0:1, IP Address:10.1.2.3"))
      << text;
}

TEST_F(SandboxPkiTest, ExampleSigningCertificateIsTheGuides) {
  const Certificate& c = pki().example_signing;
  EXPECT_EQ(c.serial_hex(), "49BA5C71");  // keyId="SN=49BA5C71"
  EXPECT_EQ(c.organization_identifier(), "PSDNL-SBX-1234512345");
  EXPECT_TRUE(has(c.subject(), "OU=sandbox_eidas_qsealc")) << c.subject();
  EXPECT_TRUE(has(c.subject(), "O=Sandbank Example TPP")) << c.subject();
  EXPECT_EQ(c.qc_type(), QcType::ESeal);
  auto psd2 = c.psd2();
  ASSERT_TRUE(psd2);
  EXPECT_EQ(psd2->roles, kAllRoles);
  EXPECT_EQ(psd2->nca_name, "Sandbank Test NCA");
  EXPECT_EQ(psd2->nca_id, "NL-SBX");
  EXPECT_EQ(c.public_key().type(), KeyType::Rsa);
  EXPECT_EQ(c.public_key().bits(), 2048);
  EXPECT_EQ(c.not_after(), now_ + 24h * 730);
  EXPECT_TRUE(has(openssl("x509 -noout -text -in example_client_signing.cer"), "qcStatements"));
}

TEST_F(SandboxPkiTest, ExampleTlsCertificateIsAQwac) {
  const Certificate& c = pki().example_tls;
  EXPECT_EQ(c.serial_hex(), "5A4D1C3B");
  EXPECT_NE(c.serial_hex(), pki().example_signing.serial_hex());
  EXPECT_EQ(c.organization_identifier(), "PSDNL-SBX-1234512345");
  EXPECT_TRUE(has(c.subject(), "OU=sandbox_eidas_qwac")) << c.subject();
  EXPECT_EQ(c.qc_type(), QcType::Web);
  ASSERT_TRUE(c.psd2());
  EXPECT_EQ(c.psd2()->roles, kAllRoles);
  std::string text = openssl("x509 -noout -text -in example_client_tls.cer");
  EXPECT_TRUE(has(text, "qcStatements")) << text;
  EXPECT_TRUE(has(text, "TLS Web Client Authentication")) << text;
}

TEST_F(SandboxPkiTest, GuideHeaderPipelineGivesTheSigningCertificate) {
  auto r = run("tr -d \"\\n\\r\" < " + q(certs() / "example_client_signing.cer"));
  ASSERT_EQ(r.exit_code, 0);
  Certificate c = Certificate::from_header_value(r.output);
  EXPECT_EQ(c, pki().example_signing);
  EXPECT_EQ(c.serial_hex(), "49BA5C71");
}

TEST_F(SandboxPkiTest, ExampleKeySignsWhatTheCertificateVerifies) {
  // The guide signs with example_client_signing.key via openssl; we check with the cert.
  testing::write_file(scratch_ / "msg", "date: Tue, 01 Oct 2024 10:00:00 GMT");
  auto r = run("openssl dgst -sha256 -sign " + q(certs() / "example_client_signing.key") +
               " -sigopt rsa_padding_mode:pss -out " + q(scratch_ / "sig") + " " +
               q(scratch_ / "msg") + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string sig = testing::read_file(scratch_ / "sig");
  EXPECT_TRUE(verify(pki().example_signing.public_key(),
                     {SignatureScheme::RsaPss, HashAlgorithm::Sha256},
                     as_bytes("date: Tue, 01 Oct 2024 10:00:00 GMT"), as_bytes(sig)));
  EXPECT_FALSE(verify(pki().example_tls.public_key(),
                      {SignatureScheme::RsaPss, HashAlgorithm::Sha256},
                      as_bytes("date: Tue, 01 Oct 2024 10:00:00 GMT"), as_bytes(sig)));
}

TEST_F(SandboxPkiTest, TrustStoreWithTheCaAcceptsTheCertificates) {
  TrustStore store;
  store.add(pki().ca);
  for (const Certificate* c : {&pki().server, &pki().example_tls, &pki().example_signing}) {
    auto result = store.verify(*c, {}, now_);
    EXPECT_TRUE(result.ok) << result.reason;
  }
  EXPECT_EQ(store.verify(pki().example_tls, {}, now_ + 24h * 731).reason,
            "certificate has expired");
}

TEST_F(SandboxPkiTest, LoadGivesBackWhatWasCreated) {
  SandboxPki loaded = load_sandbox_pki(certs());
  EXPECT_EQ(loaded.ca, pki().ca);
  EXPECT_EQ(loaded.server, pki().server);
  EXPECT_EQ(loaded.example_tls, pki().example_tls);
  EXPECT_EQ(loaded.example_signing, pki().example_signing);
  EXPECT_TRUE(loaded.ca_key.public_key().equals(pki().ca_key.public_key()));
  EXPECT_TRUE(loaded.example_signing_key.public_key().equals(pki().example_signing.public_key()));
  EXPECT_EQ(loaded.paths.server_key, certs() / "server.key");
}

TEST_F(SandboxPkiTest, OpenLoadsAnExistingPki) {
  SandboxPki opened = open_sandbox_pki(certs(), {}, now_ + 24h, random_);
  EXPECT_EQ(opened.ca, pki().ca);
  EXPECT_EQ(opened.example_signing, pki().example_signing);
}

// ----- damaged folders ----------------------------------------------------------------------

void expect_damaged(const fs::path& dir, const std::string& file_named) {
  auto e = expect_error([&] { load_sandbox_pki(dir); }, "pki.damaged");
  EXPECT_TRUE(has(e.message(), file_named)) << e.message();
  EXPECT_TRUE(has(e.message(), "will not regenerate")) << e.message();
  EXPECT_TRUE(has(e.message(), dir.string())) << e.message();
}

TEST_F(SandboxPkiTest, RemovedFileIsDetected) {
  fs::path dir = copy_certs();
  fs::remove(dir / "server.key");
  expect_damaged(dir, "server.key is missing");
  // And open does not recreate over it.
  expect_error([&] { open_sandbox_pki(dir, {}, now_, random_); }, "pki.damaged");
  EXPECT_FALSE(fs::exists(dir / "server.key"));
}

TEST_F(SandboxPkiTest, TruncatedFilesAreDetected) {
  for (const std::string name : {"example_client_signing.cer", "example_client_tls.key"}) {
    fs::path dir = copy_certs();
    std::string content = testing::read_file(dir / name);
    testing::write_file(dir / name, content.substr(0, content.size() / 2));
    expect_damaged(dir, name);
    fs::remove_all(dir);
  }
}

TEST_F(SandboxPkiTest, MissingMarkerMeansAnInterruptedCreation) {
  fs::path dir = copy_certs();
  fs::remove(dir / ".complete");
  expect_damaged(dir, ".complete");
  EXPECT_FALSE(sandbox_pki_complete(dir));
  expect_error([&] { open_sandbox_pki(dir, {}, now_, random_); }, "pki.damaged");
}

TEST_F(SandboxPkiTest, SwappedKeyIsDetected) {
  fs::path dir = copy_certs();
  fs::remove(dir / "example_client_tls.key");
  fs::copy_file(dir / "example_client_signing.key", dir / "example_client_tls.key");
  expect_damaged(dir, "example_client_tls.key does not belong to example_client_tls.cer");
}

TEST_F(SandboxPkiTest, CertificateFromAnotherCaIsDetected) {
  fs::path dir = copy_certs();
  PrivateKey key = PrivateKey::from_pem(testing::read_file(dir / "server.key"));
  IssueRequest r;
  r.profile = CertificateProfile::RootCa;
  r.common_name = "Sandbank Sandbox Root CA";
  r.not_before = now_ - 1h;
  r.not_after = now_ + 24h;
  Certificate self_signed = issue_certificate(r, key.public_key(), std::nullopt, key);
  fs::remove(dir / "server.cer");
  testing::write_file(dir / "server.cer", self_signed.pem());
  expect_damaged(dir, "server.cer is not signed by ca.cer");
}

TEST_F(SandboxPkiTest, EmptyOrMissingFolderHoldsNoPki) {
  expect_error([&] { load_sandbox_pki(scratch_.path()); }, "pki.missing");
  expect_error([&] { load_sandbox_pki(scratch_ / "nope"); }, "pki.missing");
  EXPECT_FALSE(sandbox_pki_complete(scratch_ / "nope"));
}

TEST_F(SandboxPkiTest, CreateNeverOverwrites) {
  fs::path dir = copy_certs();
  std::string before = testing::read_file(dir / "ca.key");
  auto e = expect_error([&] { create_sandbox_pki(dir, {}, now_, random_); }, "pki.exists");
  EXPECT_TRUE(has(e.message(), "ca.cer")) << e.message();
  EXPECT_EQ(testing::read_file(dir / "ca.key"), before);
  // Even a single stray file stops it.
  fs::path stray = scratch_ / "stray";
  fs::create_directories(stray);
  testing::write_file(stray / "example_client_tls.key", "mine");
  expect_error([&] { create_sandbox_pki(stray, {}, now_, random_); }, "pki.exists");
  EXPECT_EQ(testing::read_file(stray / "example_client_tls.key"), "mine");
}

TEST_F(SandboxPkiTest, OpenCreatesAFreshPkiInAnEmptyFolder) {
  fs::path dir = scratch_ / "data" / "certs";  // with freshly generated keys, as in production
  SandboxPki created = open_sandbox_pki(dir, {}, now_, random_);
  EXPECT_TRUE(sandbox_pki_complete(dir));
  EXPECT_NE(created.ca, pki().ca);  // a new CA, new keys
  EXPECT_EQ(created.example_signing.serial_hex(), "49BA5C71");
  SandboxPki again = open_sandbox_pki(dir, {}, now_ + 24h, random_);
  EXPECT_EQ(again.ca, created.ca);
  // No temporary files are left behind.
  for (const auto& e : fs::directory_iterator(dir)) {
    EXPECT_FALSE(has(e.path().filename().string(), ".tmp")) << e.path();
  }
}

// ----- further TPPs -------------------------------------------------------------------------

TEST_F(SandboxPkiTest, IssuesATppPairWithChosenRoles) {
  IssuedTpp tpp = issue_tpp_pair(pki(), "Acme Payments B.V.", "PSDNL-SBX-987654",
                                 {Psd2Role::AccountInformation, Psd2Role::PaymentInitiation},
                                 KeyType::Rsa, now_, random_, testing::fixed_keys());
  for (const Certificate* c : {&tpp.tls, &tpp.signing}) {
    EXPECT_EQ(c->organization_identifier(), "PSDNL-SBX-987654");
    EXPECT_EQ(c->common_name(), "Acme Payments B.V.");
    ASSERT_TRUE(c->psd2());
    EXPECT_EQ(c->psd2()->roles,
              (std::vector<Psd2Role>{Psd2Role::AccountInformation, Psd2Role::PaymentInitiation}));
    EXPECT_EQ(c->psd2()->nca_id, "NL-SBX");
    EXPECT_EQ(c->issuer(), pki().ca.subject());
    EXPECT_EQ(c->public_key().bits(), 2048);
  }
  EXPECT_EQ(tpp.tls.qc_type(), QcType::Web);
  EXPECT_EQ(tpp.signing.qc_type(), QcType::ESeal);
  EXPECT_NE(tpp.tls.serial_hex(), tpp.signing.serial_hex());
  EXPECT_TRUE(tpp.tls_key.public_key().equals(tpp.tls.public_key()));
  EXPECT_TRUE(tpp.signing_key.public_key().equals(tpp.signing.public_key()));
  EXPECT_FALSE(tpp.tls_key.public_key().equals(tpp.signing_key.public_key()));
  TrustStore store;
  store.add(pki().ca);
  EXPECT_TRUE(store.verify(tpp.tls, {}, now_).ok);
  EXPECT_TRUE(store.verify(tpp.signing, {}, now_).ok);
}

TEST_F(SandboxPkiTest, EcPairWithDerivedOrganizationIdentifiers) {
  IssuedTpp a =
      issue_tpp_pair(pki(), "A", "", {Psd2Role::AccountInformation}, KeyType::Ec, now_, random_);
  IssuedTpp b =
      issue_tpp_pair(pki(), "B", "", {Psd2Role::AccountInformation}, KeyType::Ec, now_, random_);
  const std::regex pattern("^PSDNL-SBX-[0-9]{10}$");
  std::string id_a = a.signing.organization_identifier().value_or("");
  std::string id_b = b.signing.organization_identifier().value_or("");
  EXPECT_TRUE(std::regex_match(id_a, pattern)) << id_a;
  EXPECT_TRUE(std::regex_match(id_b, pattern)) << id_b;
  EXPECT_NE(id_a, id_b);
  EXPECT_EQ(a.tls.organization_identifier(), id_a);  // one identity for both certificates
  EXPECT_EQ(a.signing.public_key().curve(), "P-256");
  EXPECT_EQ(a.tls_key.type(), KeyType::Ec);
}

TEST_F(SandboxPkiTest, NcaIdFollowsTheOrganizationIdentifier) {
  IssuedTpp t = issue_tpp_pair(pki(), "German TPP", "PSDDE-BAFIN-123456",
                               {Psd2Role::PaymentInitiation}, KeyType::Ec, now_, random_);
  EXPECT_EQ(t.signing.psd2()->nca_id, "DE-BAFIN");
  expect_error([&] { issue_tpp_pair(pki(), "", "", {}, KeyType::Ec, now_, random_); },
               "certificate.invalid_request");
}

TEST_F(SandboxPkiTest, WritesATppPair) {
  IssuedTpp t = issue_tpp_pair(pki(), "Writer", "PSDNL-SBX-1", {Psd2Role::AccountInformation},
                               KeyType::Ec, now_, random_);
  fs::path out = scratch_ / "acme";
  write_tpp_pair(t, out);
  EXPECT_EQ(Certificate::load_file((out / "tls.cer").string()), t.tls);
  EXPECT_EQ(Certificate::load_file((out / "signing.cer").string()), t.signing);
  EXPECT_TRUE(PrivateKey::load_file((out / "signing.key").string())
                  .public_key()
                  .equals(t.signing.public_key()));
  EXPECT_EQ(file_mode(out / "tls.key"), 0600u);
  EXPECT_EQ(file_mode(out / "signing.key"), 0600u);
  auto r = run("openssl verify -CAfile " + q(certs() / "ca.cer") + " " + q(out / "tls.cer") + " " +
               q(out / "signing.cer") + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  expect_error([&] { write_tpp_pair(t, out); }, "pki.exists");
}

TEST_F(SandboxPkiTest, DescribeShowsWhatATppDeveloperNeeds) {
  std::string d = describe_certificate(pki().example_signing);
  auto fp = run("openssl x509 -noout -fingerprint -sha256 -in " +
                q(certs() / "example_client_signing.cer") + " | cut -d '=' -f2 | tr -d ':\\n'");
  ASSERT_EQ(fp.exit_code, 0);
  EXPECT_TRUE(has(d, "49BA5C71")) << d;
  EXPECT_TRUE(has(d, "SN=49BA5C71")) << d;
  EXPECT_TRUE(has(d, fp.output)) << d << "\n" << fp.output;
  EXPECT_TRUE(has(d, pki().example_signing.x5t_s256())) << d;
  EXPECT_TRUE(has(d, pki().example_signing.subject())) << d;
  EXPECT_TRUE(has(d, pki().ca.subject())) << d;
  EXPECT_TRUE(has(d, "PSDNL-SBX-1234512345")) << d;
  EXPECT_TRUE(has(d, "PSP_AS, PSP_PI, PSP_AI, PSP_IC")) << d;
  EXPECT_TRUE(has(d, "Sandbank Test NCA (NL-SBX)")) << d;
  EXPECT_TRUE(has(d, "eseal")) << d;
  EXPECT_TRUE(has(d, "RSA 2048")) << d;
  std::string ca = describe_certificate(pki().ca);
  EXPECT_TRUE(has(ca, "no PSD2 statement")) << ca;
}

// `sandbank certs issue --style obie`: UK Open Banking style, issued by a CA of its own that
// openssl verifies them against (and the sandbox CA does not).
TEST_F(SandboxPkiTest, OpenBankingStylePairHasItsOwnCaAndThePsd2StatementOnly) {
  auto issued = issue_obie_pair("UK TPP Ltd", "", {Psd2Role::AccountInformation}, KeyType::Rsa,
                                now_, random_, testing::fixed_keys());
  for (const auto* cert : {&issued.pair.tls, &issued.pair.signing}) {
    EXPECT_TRUE(has(cert->subject(), "C=GB")) << cert->subject();
    EXPECT_TRUE(has(cert->subject(), "O=UK TPP Ltd")) << cert->subject();
    ASSERT_TRUE(cert->organization_identifier());
    EXPECT_TRUE(
        std::regex_match(*cert->organization_identifier(), std::regex("PSDGB-FCA-[0-9]{6}")))
        << *cert->organization_identifier();
    ASSERT_TRUE(cert->psd2());
    EXPECT_EQ(cert->psd2()->roles, std::vector<Psd2Role>{Psd2Role::AccountInformation});
    EXPECT_EQ(cert->psd2()->nca_id, "GB-FCA");
    EXPECT_FALSE(cert->qc_type());  // not an eIDAS qualified certificate
    EXPECT_FALSE(lifespan_exceeds(*cert));
  }
  write_obie_pair(issued, scratch_.path() / "obie");
  auto dir = q(scratch_.path() / "obie");
  auto ok = run("cd " + dir + " && openssl verify -CAfile ca.cer tls.cer signing.cer 2>&1");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  auto foreign =
      run("openssl verify -CAfile " + q(certs() / "ca.cer") + " " + dir + "/tls.cer 2>&1");
  EXPECT_NE(foreign.exit_code, 0) << foreign.output;
  EXPECT_EQ(file_mode(scratch_.path() / "obie" / "ca.key"), 0600u);
}

TEST_F(SandboxPkiTest, LifespanIsCountedInCalendarMonths) {
  auto with_validity = [&](const std::string& from, const std::string& to) {
    IssueRequest r;
    r.profile = CertificateProfile::Qsealc;
    r.common_name = "t";
    r.organization = "t";
    r.organization_identifier = "PSDNL-SBX-0000000001";
    r.roles = {Psd2Role::AccountInformation};
    r.not_before = *parse_rfc3339(from);
    r.not_after = *parse_rfc3339(to);
    return issue_certificate(r, pki().example_signing_key.public_key(), pki().ca, pki().ca_key);
  };
  EXPECT_FALSE(lifespan_exceeds(with_validity("2024-05-31T10:00:00Z", "2027-08-31T10:00:00Z")));
  EXPECT_TRUE(lifespan_exceeds(with_validity("2024-05-31T10:00:00Z", "2027-08-31T10:00:01Z")));
  // 30 November + 39 months is the last day of February.
  EXPECT_FALSE(lifespan_exceeds(with_validity("2023-11-30T00:00:00Z", "2027-02-28T00:00:00Z")));
  EXPECT_TRUE(lifespan_exceeds(with_validity("2023-11-30T00:00:00Z", "2027-03-01T00:00:00Z")));
  // The sandbox's own example certificates are within it.
  EXPECT_FALSE(lifespan_exceeds(pki().example_tls));
  EXPECT_FALSE(lifespan_exceeds(pki().example_signing));
}

}  // namespace
}  // namespace sandbank::crypto
