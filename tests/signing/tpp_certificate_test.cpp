#include "signing/tpp_certificate.hpp"

#include <gtest/gtest.h>

#include "core/encoding.hpp"
#include "signing_test_support.hpp"

namespace sandbank::signing {
namespace {

using testing::pki;

TEST(TppCertificate, ParsesTheThreeFormsTppsSend) {
  const auto& cert = pki().signing.cert;
  std::string pem = cert.pem();
  std::string one_line = tpp_certificate_header_value(cert);  // tr -d "\n\r"
  EXPECT_EQ(one_line.find('\n'), std::string::npos);
  EXPECT_TRUE(one_line.starts_with("-----BEGIN CERTIFICATE-----MII"));
  std::string escaped;
  for (char c : pem) {
    if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped.push_back(c);
    }
  }
  std::string bare = base64_encode(cert.der());
  for (const auto& form : {one_line, escaped, bare}) {
    auto r = parse_tpp_certificate(form);
    ASSERT_TRUE(r.certificate) << r.diagnosis.message;
    EXPECT_TRUE(*r.certificate == cert);
    EXPECT_EQ(r.certificate->serial_hex(), "49BA5C71");
  }
}

TEST(TppCertificate, RejectsKeysAndGarbageWithAReason) {
  auto key = parse_tpp_certificate(pki().signing.key.pem());
  EXPECT_EQ(key.diagnosis.code, "certificate.malformed");
  EXPECT_NE(key.diagnosis.message.find("PRIVATE KEY"), std::string::npos);
  auto pub = parse_tpp_certificate(pki().signing.key.public_key().pem());
  EXPECT_EQ(pub.diagnosis.code, "certificate.malformed");
  auto junk = parse_tpp_certificate("not a certificate");
  EXPECT_EQ(junk.diagnosis.code, "certificate.malformed");
  EXPECT_EQ(junk.diagnosis.status, 400);
  EXPECT_TRUE(testing::clean(junk.diagnosis.message));
  Message none;
  EXPECT_EQ(tpp_signature_certificate(none.view()).diagnosis.code, "certificate.missing");
}

TEST(TppCertificate, SerialKeyIds) {
  auto k = parse_serial_key_id("SN=49BA5C71");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->serial, "49BA5C71");
  EXPECT_TRUE(k->issuer.empty());
  k = parse_serial_key_id(
      "SN=5e4299be,CA=CN=AppCertificateMeansAPI,OU=ING,O=ING,L=Amsterdam,ST=Amsterdam,C=NL");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->serial, "5e4299be");
  EXPECT_EQ(k->issuer, "CN=AppCertificateMeansAPI,OU=ING,O=ING,L=Amsterdam,ST=Amsterdam,C=NL");
  EXPECT_TRUE(parse_serial_key_id("sn=1, CA=CN=x"));
  EXPECT_FALSE(parse_serial_key_id("5ca1ab1e-c0ca-c01a-cafe-154deadbea75"));
  EXPECT_FALSE(parse_serial_key_id("SN=1,XX=2"));
  EXPECT_EQ(serial_key_id(pki().signing.cert), "SN=49BA5C71");
  EXPECT_EQ(serial_key_id(pki().signing.cert, true), "SN=49BA5C71,CA=" + pki().ca.subject());

  EXPECT_TRUE(serial_matches("49ba5c71", "49BA5C71"));
  EXPECT_TRUE(serial_matches("0049BA5C71", "49BA5C71"));
  EXPECT_TRUE(serial_matches("0x49BA5C71", "49BA5C71"));
  EXPECT_FALSE(serial_matches("49BA5C72", "49BA5C71"));
  EXPECT_FALSE(serial_matches("zz", "49BA5C71"));
}

TEST(TppCertificate, DistinguishedNames) {
  EXPECT_TRUE(same_distinguished_name(
      "CN=AppCertificateMeansAPI,OU=ING,O=ING,L=Amsterdam,ST=Amsterdam,C=NL",
      "CN=AppCertificateMeansAPI, OU=Ing, O=Ing, L=Amsterdam, ST=Amsterdam, C=NL"));
  EXPECT_TRUE(same_distinguished_name("/C=NL/O=Sandbank/CN=Test CA", "CN=Test CA,O=Sandbank,C=NL"));
  EXPECT_TRUE(same_distinguished_name("S=Holland,E=a@b.c", "emailAddress=a@b.c,ST=Holland"));
  EXPECT_FALSE(same_distinguished_name("CN=A,C=NL", "CN=B,C=NL"));
  EXPECT_FALSE(same_distinguished_name("CN=A,C=NL", "CN=A"));
}

}  // namespace
}  // namespace sandbank::signing

namespace sandbank::signing {
namespace {

TEST(CertificateCache, ParsesOnceAndStaysBounded) {
  CertificateCache cache(2);
  std::string a = tpp_certificate_header_value(testing::pki().signing.cert);
  std::string b = tpp_certificate_header_value(testing::pki().tls.cert);
  std::string c = tpp_certificate_header_value(testing::pki().other.cert);
  auto first = cache.parse(a);
  ASSERT_TRUE(first.certificate);
  auto again = cache.parse(a);
  ASSERT_TRUE(again.certificate);
  EXPECT_EQ(first.certificate->native(), again.certificate->native());  // the same object
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.parse(b).certificate);
  EXPECT_TRUE(cache.parse(c).certificate);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.parse("garbage").diagnosis.code, "certificate.malformed");
  EXPECT_EQ(cache.size(), 2u);
  Message m;
  m.add("TPP-Signature-Certificate", a);
  EXPECT_EQ(tpp_signature_certificate(m.view(), &cache).certificate->serial_hex(), "49BA5C71");
}

}  // namespace
}  // namespace sandbank::signing
