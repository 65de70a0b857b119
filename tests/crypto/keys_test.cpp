#include "crypto/keys.hpp"

#include <gtest/gtest.h>

#include "crypto/crypto_test_support.hpp"
#include "crypto/signature.hpp"

namespace sandbank::crypto {
namespace {

using testing::expect_error;
using testing::q;
using testing::run;
using testing::TempDir;

constexpr SignatureAlgorithm kRs256{SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha256};
constexpr SignatureAlgorithm kEs256{SignatureScheme::Ecdsa, HashAlgorithm::Sha256};

TEST(PrivateKey, PemIsUnencryptedPkcs8AndRoundTrips) {
  const auto& key = testing::rsa_key_a();
  std::string pem = key.pem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u) << pem;
  PrivateKey back = PrivateKey::from_pem(pem);
  EXPECT_EQ(back.type(), KeyType::Rsa);
  EXPECT_TRUE(back.public_key().equals(key.public_key()));
  Bytes sig = sign(back, kRs256, as_bytes("hello"));
  EXPECT_TRUE(verify(key.public_key(), kRs256, as_bytes("hello"), sig));

  PrivateKey ec = PrivateKey::from_pem(testing::ec_key().pem());
  EXPECT_EQ(ec.type(), KeyType::Ec);
  EXPECT_TRUE(ec.public_key().equals(testing::ec_key().public_key()));
}

TEST(PrivateKey, ReadsPkcs1AndSec1KeysFromOpenssl) {
  TempDir dir;
  auto r = run("openssl genrsa -traditional -out " + q(dir / "rsa.key") +
               " 2048 2>&1 && openssl ecparam -name prime256v1 -genkey -noout -out " +
               q(dir / "ec.key") + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string rsa_pem = testing::read_file(dir / "rsa.key");
  std::string ec_pem = testing::read_file(dir / "ec.key");
  ASSERT_NE(rsa_pem.find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  ASSERT_NE(ec_pem.find("BEGIN EC PRIVATE KEY"), std::string::npos);

  PrivateKey rsa = PrivateKey::load_file((dir / "rsa.key").string());
  EXPECT_EQ(rsa.type(), KeyType::Rsa);
  EXPECT_EQ(rsa.public_key().bits(), 2048);
  PrivateKey ec = PrivateKey::load_file((dir / "ec.key").string());
  EXPECT_EQ(ec.type(), KeyType::Ec);
  EXPECT_EQ(ec.public_key().curve(), "P-256");

  // The same key as openssl sees it.
  auto pub = run("openssl pkey -in " + q(dir / "rsa.key") + " -pubout 2>&1");
  ASSERT_EQ(pub.exit_code, 0);
  EXPECT_EQ(pub.output, rsa.public_key().pem());
}

TEST(PrivateKey, EncryptedKeyIsReportedAsSuch) {
  TempDir dir;
  auto r =
      run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 -pass "
          "pass:secret -out " +
          q(dir / "enc.key") + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string pem = testing::read_file(dir / "enc.key");
  ASSERT_NE(pem.find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  auto e = expect_error([&] { PrivateKey::from_pem(pem); }, "key.encrypted");
  EXPECT_NE(e.message().find("unencrypted"), std::string::npos);
  // Loading the file names it.
  auto f =
      expect_error([&] { PrivateKey::load_file((dir / "enc.key").string()); }, "key.encrypted");
  EXPECT_NE(f.message().find("enc.key"), std::string::npos) << f.message();
  // Legacy PEM encryption ("Proc-Type: 4,ENCRYPTED").
  std::string legacy =
      "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"
      "00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
  expect_error([&] { PrivateKey::from_pem(legacy); }, "key.encrypted");
}

TEST(PrivateKey, JunkIsUnparseableWithAHelpfulMessage) {
  expect_error([] { PrivateKey::from_pem(""); }, "key.unparseable");
  expect_error([] { PrivateKey::from_pem("not a key at all"); }, "key.unparseable");
  expect_error(
      [] {
        PrivateKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
      },
      "key.unparseable");
  // A public key or a certificate where the private key should be.
  auto e = expect_error([] { PrivateKey::from_pem(testing::rsa_key_a().public_key().pem()); },
                        "key.unparseable");
  std::string cert_pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  auto c = expect_error([&] { PrivateKey::from_pem(cert_pem); }, "key.unparseable");
  EXPECT_NE(c.message().find("certificate"), std::string::npos) << c.message();
}

TEST(PrivateKey, MissingFileIsNamed) {
  auto e = expect_error([] { PrivateKey::load_file("/nonexistent/sandbank/client.key"); },
                        "key.unreadable");
  EXPECT_NE(e.message().find("/nonexistent/sandbank/client.key"), std::string::npos);
}

TEST(PublicKey, RsaPropertiesForJwk) {
  const auto pub = testing::rsa_key_a().public_key();
  EXPECT_EQ(pub.type(), KeyType::Rsa);
  EXPECT_EQ(pub.bits(), 2048);
  EXPECT_EQ(pub.curve(), "");
  EXPECT_EQ(pub.rsa_exponent(), (Bytes{0x01, 0x00, 0x01}));
  Bytes n = pub.rsa_modulus();
  ASSERT_EQ(n.size(), 256u);
  EXPECT_GE(n[0], 0x80);  // a 2048-bit modulus has its top bit set and no leading zero byte
}

TEST(PublicKey, EcProperties) {
  const auto pub = testing::ec_key().public_key();
  EXPECT_EQ(pub.type(), KeyType::Ec);
  EXPECT_EQ(pub.bits(), 256);
  EXPECT_EQ(pub.curve(), "P-256");
  EXPECT_TRUE(pub.rsa_modulus().empty());
  EXPECT_TRUE(pub.rsa_exponent().empty());
}

TEST(PublicKey, PemAndSpkiRoundTrip) {
  for (const PrivateKey* key : {&testing::rsa_key_a(), &testing::ec_key()}) {
    PublicKey pub = key->public_key();
    std::string pem = pub.pem();
    EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
    PublicKey back = PublicKey::from_pem(pem);
    EXPECT_TRUE(back.equals(pub));
    EXPECT_EQ(back.spki_der(), pub.spki_der());
  }
  EXPECT_FALSE(testing::rsa_key_a().public_key().equals(testing::rsa_key_b().public_key()));
  EXPECT_FALSE(testing::rsa_key_a().public_key().equals(testing::ec_key().public_key()));
}

TEST(PublicKey, ReadsPkcs1RsaPublicKey) {
  TempDir dir;
  testing::write_file(dir / "k.pem", testing::rsa_key_a().pem());
  auto r = run("openssl rsa -in " + q(dir / "k.pem") + " -RSAPublicKey_out 2>/dev/null");
  ASSERT_EQ(r.exit_code, 0);
  ASSERT_NE(r.output.find("BEGIN RSA PUBLIC KEY"), std::string::npos);
  PublicKey pub = PublicKey::from_pem(r.output);
  EXPECT_TRUE(pub.equals(testing::rsa_key_a().public_key()));
}

TEST(PublicKey, JunkIsUnparseable) {
  expect_error([] { PublicKey::from_pem("hello"); }, "key.unparseable");
  expect_error(
      [] { PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"); },
      "key.unparseable");
}

TEST(PrivateKey, GeneratesRsaKeys) {
  PrivateKey k = PrivateKey::generate_rsa(2048);
  EXPECT_EQ(k.type(), KeyType::Rsa);
  EXPECT_EQ(k.public_key().bits(), 2048);
  EXPECT_EQ(k.public_key().rsa_exponent(), (Bytes{0x01, 0x00, 0x01}));
  EXPECT_FALSE(k.public_key().equals(testing::rsa_key_a().public_key()));
}

TEST(PrivateKey, GeneratesDistinctKeys) {
  PrivateKey a = PrivateKey::generate_ec_p256();
  PrivateKey b = PrivateKey::generate_ec_p256();
  EXPECT_FALSE(a.public_key().equals(b.public_key()));
  Bytes sig = sign(a, kEs256, as_bytes("m"));
  EXPECT_TRUE(verify(a.public_key(), kEs256, as_bytes("m"), sig));
  EXPECT_FALSE(verify(b.public_key(), kEs256, as_bytes("m"), sig));
}

TEST(PrivateKey, UnsupportedKeyTypeIsRejected) {
  TempDir dir;
  auto r = run("openssl genpkey -algorithm ED25519 2>/dev/null");
  ASSERT_EQ(r.exit_code, 0);
  expect_error([&] { PrivateKey::from_pem(r.output); }, "key.unsupported");
}

}  // namespace
}  // namespace sandbank::crypto
