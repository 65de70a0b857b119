#include "crypto/certificate.hpp"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "crypto/crypto_test_support.hpp"
#include "crypto/pki.hpp"

namespace sandbank::crypto {
namespace {

using namespace std::chrono_literals;
using testing::expect_error;
using testing::q;
using testing::run;
using testing::TempDir;

// The value of one extension, as DER bytes.
Bytes extension_value(const Certificate& cert, int nid) {
  int i = X509_get_ext_by_NID(cert.native(), nid, -1);
  if (i < 0) return {};
  const ASN1_OCTET_STRING* os = X509_EXTENSION_get_data(X509_get_ext(cert.native(), i));
  const unsigned char* p = ASN1_STRING_get0_data(os);
  return Bytes(p, p + ASN1_STRING_length(os));
}

std::string strip(std::string s, const std::string& chars) {
  s.erase(std::remove_if(s.begin(), s.end(),
                         [&](char c) { return chars.find(c) != std::string::npos; }),
          s.end());
  return s;
}

// A small CA (key A) and a QSealC for key B, issued once per test process.
class CertificateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    now_ = testing::real_now();
    IssueRequest ca;
    ca.profile = CertificateProfile::RootCa;
    ca.organization = "Sandbank Test QTSP";
    ca.common_name = "Sandbank Test CA";
    ca.not_before = now_ - 1h;
    ca.not_after = now_ + 24h * 365;
    ca_ = new Certificate(issue_certificate(ca, testing::rsa_key_a().public_key(), std::nullopt,
                                            testing::rsa_key_a()));

    IssueRequest seal;
    seal.profile = CertificateProfile::Qsealc;
    seal.common_name = "Example TPP B.V.";
    seal.organization = "Example TPP B.V.";
    seal.organizational_unit = "sandbox_eidas_qsealc";
    seal.organization_identifier = "PSDNL-SBX-1234512345";
    seal.roles = {Psd2Role::AccountInformation, Psd2Role::PaymentInitiation};
    seal.serial = Bytes{0x49, 0xBA, 0x5C, 0x71};
    seal.not_before = now_ - 1h;
    seal.not_after = now_ + 24h * 730;
    seal_ = new Certificate(
        issue_certificate(seal, testing::rsa_key_b().public_key(), *ca_, testing::rsa_key_a()));
  }
  static void TearDownTestSuite() {
    delete ca_;
    delete seal_;
  }
  void SetUp() override {
    testing::write_file(dir_ / "seal.cer", seal_->pem());
    testing::write_file(dir_ / "ca.cer", ca_->pem());
  }

  static const Certificate& ca() { return *ca_; }
  static const Certificate& seal() { return *seal_; }

  static inline TimePoint now_;
  static inline Certificate* ca_ = nullptr;
  static inline Certificate* seal_ = nullptr;
  TempDir dir_;
};

TEST(Roles, NamesAndOidOrder) {
  EXPECT_EQ(role_name(Psd2Role::AccountServicing), "PSP_AS");
  EXPECT_EQ(role_name(Psd2Role::PaymentInitiation), "PSP_PI");
  EXPECT_EQ(role_name(Psd2Role::AccountInformation), "PSP_AI");
  EXPECT_EQ(role_name(Psd2Role::IssuingCardInstruments), "PSP_IC");
  EXPECT_EQ(role_from_name("psp_ai"), Psd2Role::AccountInformation);
  EXPECT_EQ(role_from_name("PSP_IC"), Psd2Role::IssuingCardInstruments);
  EXPECT_FALSE(role_from_name("PSP_XX"));
  Psd2Statement s{{Psd2Role::AccountInformation}, "", ""};
  EXPECT_TRUE(s.has(Psd2Role::AccountInformation));
  EXPECT_FALSE(s.has(Psd2Role::PaymentInitiation));
}

TEST_F(CertificateTest, IssuedQsealcParsesBack) {
  const auto& c = seal();
  EXPECT_EQ(c.serial_hex(), "49BA5C71");
  EXPECT_EQ(c.organization_identifier(), "PSDNL-SBX-1234512345");
  EXPECT_EQ(c.common_name(), "Example TPP B.V.");
  EXPECT_EQ(c.subject(),
            "CN=Example TPP B.V.,organizationIdentifier=PSDNL-SBX-1234512345,"
            "OU=sandbox_eidas_qsealc,O=Example TPP B.V.,C=NL");
  EXPECT_EQ(c.issuer(), "CN=Sandbank Test CA,O=Sandbank Test QTSP,C=NL");
  EXPECT_EQ(c.issuer(), ca().subject());
  auto psd2 = c.psd2();
  ASSERT_TRUE(psd2);
  EXPECT_EQ(psd2->roles,
            (std::vector<Psd2Role>{Psd2Role::AccountInformation, Psd2Role::PaymentInitiation}));
  EXPECT_EQ(psd2->nca_name, "Sandbank Test NCA");
  EXPECT_EQ(psd2->nca_id, "NL-SBX");
  EXPECT_EQ(c.qc_type(), QcType::ESeal);
  EXPECT_FALSE(c.is_ca());
  EXPECT_TRUE(ca().is_ca());
  EXPECT_EQ(c.not_before(), now_ - 1h);
  EXPECT_EQ(c.not_after(), now_ + 24h * 730);
  EXPECT_TRUE(c.public_key().equals(testing::rsa_key_b().public_key()));
  // A CA has no PSD2 statement.
  EXPECT_FALSE(ca().psd2());
  EXPECT_FALSE(ca().qc_type());
  EXPECT_FALSE(ca().organization_identifier());
}

TEST_F(CertificateTest, OrganizationIdentifierIsAUtf8String) {
  auto r = run("openssl x509 -in " + q(dir_ / "seal.cer") + " -outform DER | openssl asn1parse " +
               "-inform DER 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto at = r.output.find("organizationIdentifier");
  ASSERT_NE(at, std::string::npos) << r.output;
  auto next_line = r.output.find('\n', at);
  EXPECT_NE(r.output.substr(next_line, 120).find("UTF8STRING"), std::string::npos) << r.output;
}

TEST_F(CertificateTest, FingerprintEqualsOpenssl) {
  auto r = run("openssl x509 -noout -fingerprint -sha256 -in " + q(dir_ / "seal.cer"));
  ASSERT_EQ(r.exit_code, 0);
  // "sha256 Fingerprint=AB:CD:..."
  std::string hex = strip(r.output.substr(r.output.find('=') + 1), ":\n");
  EXPECT_EQ(hex_encode(seal().sha256_fingerprint(), true), hex);
}

// The guide computes x5t#S256 with exactly this pipeline.
TEST_F(CertificateTest, X5tS256EqualsTheGuidePipeline) {
  auto r = run("openssl x509 -noout -fingerprint -sha256 -inform pem -in " + q(dir_ / "seal.cer") +
               " | cut -d '=' -f2 | sed s/://g | xxd -r -p | base64 | tr -d '=' | tr '/+' '_-' | "
               "tr -d '\\n'");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(seal().x5t_s256(), r.output);
  EXPECT_EQ(seal().x5t_s256().size(), 43u);
  EXPECT_EQ(seal().x5t_s256().find('='), std::string::npos);
}

TEST_F(CertificateTest, X5tSha1EqualsOpenssl) {
  auto r = run("openssl x509 -noout -fingerprint -sha1 -in " + q(dir_ / "seal.cer") +
               " | cut -d '=' -f2 | sed s/://g | xxd -r -p | base64 | tr -d '=\\n' | tr '/+' '_-'");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(seal().x5t_sha1(), r.output);
  EXPECT_EQ(seal().x5t_sha1().size(), 27u);
}

TEST_F(CertificateTest, OpensslShowsQcStatements) {
  auto r = run("openssl x509 -text -noout -in " + q(dir_ / "seal.cer"));
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.output.find("qcStatements") != std::string::npos ||
              r.output.find("1.3.6.1.5.5.7.1.3") != std::string::npos)
      << r.output;
  auto ca_text = run("openssl x509 -text -noout -in " + q(dir_ / "ca.cer"));
  EXPECT_EQ(ca_text.output.find("qcStatements"), std::string::npos);
}

// Our encoder writes exactly what the standards page's openssl configuration writes.
TEST_F(CertificateTest, QcStatementsBytesEqualOpensslConfigOutput) {
  testing::write_file(dir_ / "key.pem", testing::rsa_key_b().pem());
  testing::write_file(dir_ / "psd2.cnf", R"([ req ]
distinguished_name = dn
[ dn ]
[ ext ]
1.3.6.1.5.5.7.1.3 = ASN1:SEQUENCE:qcs_seal
[ qcs_seal ]
s1 = SEQUENCE:qc_compliance
s2 = SEQUENCE:qc_type_eseal
s3 = SEQUENCE:qc_psd2
[ qc_compliance ]
id = OID:0.4.0.1862.1.1
[ qc_type_eseal ]
id   = OID:0.4.0.1862.1.6
info = SEQUENCE:qct_eseal
[ qct_eseal ]
t = OID:0.4.0.1862.1.6.2
[ qc_psd2 ]
id   = OID:0.4.0.19495.2
info = SEQUENCE:psd2_type
[ psd2_type ]
roles   = SEQUENCE:psd2_roles
ncaName = UTF8String:De Nederlandsche Bank
ncaId   = UTF8String:NL-DNB
[ psd2_roles ]
r1 = SEQUENCE:role_ai
r2 = SEQUENCE:role_pi
[ role_ai ]
oid  = OID:0.4.0.19495.1.3
name = UTF8String:PSP_AI
[ role_pi ]
oid  = OID:0.4.0.19495.1.2
name = UTF8String:PSP_PI
)");
  auto r = run("openssl req -x509 -new -key " + q(dir_ / "key.pem") + " -config " +
               q(dir_ / "psd2.cnf") +
               " -extensions ext -subj '/C=NL/O=Example TPP B.V./"
               "organizationIdentifier=PSDNL-DNB-123456/CN=Example TPP B.V.' -days 30 -out " +
               q(dir_ / "theirs.pem") + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  Certificate theirs = Certificate::load_file((dir_ / "theirs.pem").string());

  IssueRequest req;
  req.profile = CertificateProfile::Qsealc;
  req.organization = "Example TPP B.V.";
  req.organization_identifier = "PSDNL-DNB-123456";
  req.roles = {Psd2Role::AccountInformation, Psd2Role::PaymentInitiation};
  req.nca_name = "De Nederlandsche Bank";
  req.nca_id = "NL-DNB";
  req.not_before = now_;
  req.not_after = now_ + 24h;
  Certificate ours =
      issue_certificate(req, testing::rsa_key_b().public_key(), ca(), testing::rsa_key_a());
  Bytes expected = extension_value(theirs, NID_qcStatements);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(hex_encode(extension_value(ours, NID_qcStatements)), hex_encode(expected));

  // And the parser reads openssl's certificate the same way.
  auto psd2 = theirs.psd2();
  ASSERT_TRUE(psd2);
  EXPECT_EQ(psd2->roles,
            (std::vector<Psd2Role>{Psd2Role::AccountInformation, Psd2Role::PaymentInitiation}));
  EXPECT_EQ(psd2->nca_name, "De Nederlandsche Bank");
  EXPECT_EQ(psd2->nca_id, "NL-DNB");
  EXPECT_EQ(theirs.qc_type(), QcType::ESeal);
  EXPECT_EQ(theirs.organization_identifier(), "PSDNL-DNB-123456");
}

// ING's sandbox certificates: an empty UTF8String as QcCompliance statementInfo, no CN, no
// keyUsage; roles in the order AI, PI, AS.
TEST_F(CertificateTest, ParsesIngStyleCertificateWithStatementInfoOnQcCompliance) {
  testing::write_file(dir_ / "key.pem", testing::rsa_key_b().pem());
  testing::write_file(dir_ / "ing.cnf", R"([ req ]
distinguished_name = dn
[ dn ]
[ ext ]
1.3.6.1.5.5.7.1.3 = ASN1:SEQUENCE:qcs
[ qcs ]
s1 = SEQUENCE:qc_compliance
s2 = SEQUENCE:qc_type
s3 = SEQUENCE:qc_psd2
[ qc_compliance ]
id = OID:0.4.0.1862.1.1
info = UTF8String:
[ qc_type ]
id = OID:0.4.0.1862.1.6
info = SEQUENCE:qct
[ qct ]
t = OID:0.4.0.1862.1.6.2
[ qc_psd2 ]
id = OID:0.4.0.19495.2
info = SEQUENCE:psd2_type
[ psd2_type ]
roles = SEQUENCE:roles
ncaName = UTF8String:X-WING
ncaId = UTF8String:NL-XWG
[ roles ]
r1 = SEQUENCE:r_ai
r2 = SEQUENCE:r_pi
r3 = SEQUENCE:r_as
r4 = SEQUENCE:r_unknown
[ r_ai ]
oid = OID:0.4.0.19495.1.3
name = UTF8String:PSP_AI
[ r_pi ]
oid = OID:0.4.0.19495.1.2
name = UTF8String:PSP_PI
[ r_as ]
oid = OID:0.4.0.19495.1.1
name = UTF8String:PSP_AS
[ r_unknown ]
oid = OID:0.4.0.19495.1.9
name = UTF8String:PSP_IC
)");
  auto r =
      run("openssl req -x509 -new -key " + q(dir_ / "key.pem") + " -config " + q(dir_ / "ing.cnf") +
          " -extensions ext -subj "
          "'/OU=sandbox_eidas_qsealc/organizationIdentifier=PSDNL-SBX-1234512345' "
          "-set_serial 0x546212FB -days 30 -out " +
          q(dir_ / "ing.pem") + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  Certificate c = Certificate::load_file((dir_ / "ing.pem").string());
  EXPECT_EQ(c.serial_hex(), "546212FB");
  EXPECT_EQ(c.organization_identifier(), "PSDNL-SBX-1234512345");
  EXPECT_FALSE(c.common_name());
  EXPECT_EQ(c.qc_type(), QcType::ESeal);
  auto psd2 = c.psd2();
  ASSERT_TRUE(psd2);
  // The OID decides: 0.4.0.19495.1.9 named "PSP_IC" is not a role.
  EXPECT_EQ(psd2->roles,
            (std::vector<Psd2Role>{Psd2Role::AccountInformation, Psd2Role::PaymentInitiation,
                                   Psd2Role::AccountServicing}));
  EXPECT_EQ(psd2->nca_name, "X-WING");
  EXPECT_EQ(psd2->nca_id, "NL-XWG");
}

TEST_F(CertificateTest, MalformedQcStatementsGiveNoStatementInsteadOfCrashing) {
  testing::write_file(dir_ / "key.pem", testing::rsa_key_b().pem());
  testing::write_file(dir_ / "bad.cnf", R"([ req ]
distinguished_name = dn
[ dn ]
[ ext ]
1.3.6.1.5.5.7.1.3 = DER:30:05:06:03:2A:03:04:FF
[ ext2 ]
1.3.6.1.5.5.7.1.3 = ASN1:SEQUENCE:qcs
[ qcs ]
s1 = SEQUENCE:qc_psd2
[ qc_psd2 ]
id = OID:0.4.0.19495.2
info = UTF8String:not a sequence
)");
  for (std::string ext : {"ext", "ext2"}) {
    auto r = run("openssl req -x509 -new -key " + q(dir_ / "key.pem") + " -config " +
                 q(dir_ / "bad.cnf") + " -extensions " + ext + " -subj '/CN=x' -days 1 -out " +
                 q(dir_ / "bad.pem") + " 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    Certificate c = Certificate::load_file((dir_ / "bad.pem").string());
    EXPECT_FALSE(c.psd2()) << ext;
    EXPECT_FALSE(c.qc_type()) << ext;
  }
}

TEST_F(CertificateTest, SerialHexHasNoLeadingZeros) {
  IssueRequest req;
  req.profile = CertificateProfile::Qsealc;
  req.organization = "T";
  req.not_before = now_;
  req.not_after = now_ + 24h;
  auto serial_of = [&](Bytes serial) {
    req.serial = serial;
    return issue_certificate(req, testing::rsa_key_b().public_key(), ca(), testing::rsa_key_a())
        .serial_hex();
  };
  EXPECT_EQ(serial_of({0x00, 0x0A, 0xBC}), "ABC");
  EXPECT_EQ(serial_of({0x01}), "1");
  EXPECT_EQ(serial_of({0x80, 0x01}), "8001");  // positive although the top bit is set
  EXPECT_EQ(serial_of({0x54, 0x62, 0x12, 0xFB}), "546212FB");
  // Random serials: 16 bytes, positive.
  req.serial.reset();
  auto a = issue_certificate(req, testing::rsa_key_b().public_key(), ca(), testing::rsa_key_a());
  auto b = issue_certificate(req, testing::rsa_key_b().public_key(), ca(), testing::rsa_key_a());
  EXPECT_EQ(a.serial_hex().size(), 32u);
  EXPECT_NE(a.serial_hex(), b.serial_hex());
}

TEST_F(CertificateTest, FromHeaderValueAcceptsTheFourForms) {
  const Certificate& c = seal();
  // 1. The guide: -H "TPP-Signature-Certificate: $(tr -d "\n\r" < $signCertificate)"
  auto r = run("tr -d \"\\n\\r\" < " + q(dir_ / "seal.cer"));
  ASSERT_EQ(r.exit_code, 0);
  ASSERT_EQ(r.output.find('\n'), std::string::npos);
  ASSERT_EQ(r.output.rfind("-----BEGIN CERTIFICATE-----MII", 0), 0u) << r.output;
  EXPECT_EQ(Certificate::from_header_value(r.output), c);

  // 2. PEM with literal "\n" escapes (JSON, Postman environments).
  std::string escaped;
  for (char ch : c.pem()) {
    if (ch == '\n')
      escaped += "\\n";
    else
      escaped += ch;
  }
  EXPECT_EQ(Certificate::from_header_value(escaped), c);
  std::string crlf_escaped;
  for (char ch : c.pem()) {
    if (ch == '\n')
      crlf_escaped += "\\r\\n";
    else
      crlf_escaped += ch;
  }
  EXPECT_EQ(Certificate::from_header_value(crlf_escaped), c);

  // 3. Multi-line PEM, also with CRLF and surrounding space.
  EXPECT_EQ(Certificate::from_header_value(c.pem()), c);
  std::string crlf;
  for (char ch : c.pem()) {
    if (ch == '\n') crlf += '\r';
    crlf += ch;
  }
  EXPECT_EQ(Certificate::from_header_value("  " + crlf), c);

  // 4. Bare base64 of the DER, as openssl and base64 print it.
  auto b64 = run("openssl x509 -in " + q(dir_ / "seal.cer") + " -outform DER | base64 -w0");
  ASSERT_EQ(b64.exit_code, 0);
  EXPECT_EQ(Certificate::from_header_value(b64.output), c);
  EXPECT_EQ(Certificate::from_header_value(base64_encode(c.der())), c);
  EXPECT_EQ(Certificate::from_header_value(base64url_encode(c.der())), c);

  // Also: a URL-encoded PEM as reverse proxies forward it.
  EXPECT_EQ(Certificate::from_header_value(percent_encode(c.pem())), c);
}

TEST_F(CertificateTest, FromHeaderValueRejectsJunkNamingTheAcceptedForms) {
  std::string one_line = run("tr -d \"\\n\\r\" < " + q(dir_ / "seal.cer")).output;
  std::vector<std::string> junk = {
      "",
      "   ",
      "hello",
      "SN=49BA5C71",
      "-----BEGIN CERTIFICATE-----abc-----END CERTIFICATE-----",
      "-----BEGIN CERTIFICATE-----" + base64_encode(as_bytes("not der")) +
          "-----END CERTIFICATE-----",
      one_line.substr(0, one_line.size() - 40),        // cut off: no END line
      one_line.substr(0, 200) + one_line.substr(260),  // a chunk missing
      testing::rsa_key_a().public_key().pem(),
      base64_encode(Bytes(300, 0x30)),
  };
  for (const auto& value : junk) {
    auto e =
        expect_error([&] { Certificate::from_header_value(value); }, "certificate.unparseable");
    EXPECT_EQ(e.status(), 400);
    EXPECT_NE(e.message().find("one line"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("base64"), std::string::npos) << e.message();
    EXPECT_EQ(e.message().find('"'), std::string::npos) << e.message();
    EXPECT_EQ(e.message().find('\\'), std::string::npos) << e.message();
  }
}

TEST_F(CertificateTest, LoadsPemDerAndChains) {
  auto r = run("openssl x509 -in " + q(dir_ / "seal.cer") + " -outform DER -out " +
               q(dir_ / "seal.der"));
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(Certificate::load_file((dir_ / "seal.der").string()), seal());
  std::string der = testing::read_file(dir_ / "seal.der");
  EXPECT_EQ(Certificate::from_der(as_bytes(der)), seal());
  EXPECT_EQ(to_string(seal().der()), der);

  testing::write_file(dir_ / "chain.pem", "junk before\n" + seal().pem() + "\n" + ca().pem());
  auto chain = Certificate::load_chain_file((dir_ / "chain.pem").string());
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0], seal());
  EXPECT_EQ(chain[1], ca());
  EXPECT_EQ(Certificate::from_pem(testing::read_file(dir_ / "chain.pem")), seal());  // first
  EXPECT_FALSE(seal() == ca());
}

TEST_F(CertificateTest, LoadingErrorsAreSpecific) {
  expect_error([] { Certificate::from_pem("nothing"); }, "certificate.unparseable");
  expect_error(
      [] {
        Certificate::from_der(Bytes{0x30, 0x03, 0x02, 0x01, 0x01});
      },
      "certificate.unparseable");
  expect_error([] { Certificate::from_der(Bytes{}); }, "certificate.unparseable");
  Bytes der = seal().der();
  der.push_back(0);
  expect_error([&] { Certificate::from_der(der); }, "certificate.unparseable");
  der.resize(der.size() / 2);
  expect_error([&] { Certificate::from_der(der); }, "certificate.unparseable");
  auto e = expect_error([] { Certificate::load_file("/nonexistent/tpp.cer"); },
                        "certificate.unreadable");
  EXPECT_NE(e.message().find("/nonexistent/tpp.cer"), std::string::npos);
  testing::write_file(dir_ / "empty.pem", "");
  auto f = expect_error([&] { Certificate::load_chain_file((dir_ / "empty.pem").string()); },
                        "certificate.unparseable");
  EXPECT_NE(f.message().find("empty.pem"), std::string::npos);
}

TEST_F(CertificateTest, Utf8NamesStayReadable) {
  IssueRequest req;
  req.profile = CertificateProfile::Qwac;
  req.organization =
      "Caf\xC3\xA9 \xC3\x9C"
      "ber B.V.";  // "Café Über B.V."
  req.organization_identifier = "PSDNL-SBX-1";
  req.not_before = now_;
  req.not_after = now_ + 24h;
  auto c = issue_certificate(req, testing::ec_key().public_key(), ca(), testing::rsa_key_a());
  EXPECT_NE(c.subject().find("O=Caf\xC3\xA9 \xC3\x9C"
                             "ber B.V."),
            std::string::npos)
      << c.subject();
  EXPECT_EQ(c.qc_type(), QcType::Web);
  EXPECT_EQ(c.public_key().curve(), "P-256");
}

TEST_F(CertificateTest, DatesAfter2049UseGeneralizedTime) {
  IssueRequest req;
  req.profile = CertificateProfile::Qsealc;
  req.organization = "T";
  req.not_before = now_;
  req.not_after = std::chrono::sys_days(std::chrono::year(2061) / 3 / 4) + 5h;
  auto c = issue_certificate(req, testing::rsa_key_b().public_key(), ca(), testing::rsa_key_a());
  EXPECT_EQ(c.not_after(), req.not_after);
}

TEST_F(CertificateTest, CopiesShareTheCertificate) {
  Certificate copy = seal();
  EXPECT_EQ(copy.native(), seal().native());
  EXPECT_EQ(copy, seal());
}

}  // namespace
}  // namespace sandbank::crypto
