#include "crypto/signature.hpp"

#include <gtest/gtest.h>

#include "crypto/crypto_test_support.hpp"
#include "crypto/hash.hpp"

namespace sandbank::crypto {
namespace {

using testing::q;
using testing::run;
using testing::TempDir;

constexpr SignatureAlgorithm kRs256{SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha256};
constexpr SignatureAlgorithm kPs256{SignatureScheme::RsaPss, HashAlgorithm::Sha256};
constexpr SignatureAlgorithm kPs512{SignatureScheme::RsaPss, HashAlgorithm::Sha512};
constexpr SignatureAlgorithm kEs256{SignatureScheme::Ecdsa, HashAlgorithm::Sha256};

const std::string kMessage = "(request-target): post /oauth2/token\ndate: Tue, 01 Oct 2024";

TEST(Hash, KnownVectors) {
  EXPECT_EQ(hex_encode(sha256(as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_encode(hash(HashAlgorithm::Sha384, as_bytes(""))),
            "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2"
            "f14898b95b");
  EXPECT_EQ(sha512(as_bytes("abc")).size(), 64u);
  // The empty input (a bodiless request's Digest) and a hash after it on the same thread.
  EXPECT_EQ(hex_encode(sha256(as_bytes(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_encode(sha512(as_bytes(""))),
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318"
            "d2877eec2f63b931bd47417a81a538327af927da3e");
  EXPECT_EQ(hex_encode(sha256(as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hash_size(HashAlgorithm::Sha256), 32u);
  EXPECT_EQ(hash_size(HashAlgorithm::Sha384), 48u);
  EXPECT_EQ(hash_size(HashAlgorithm::Sha512), 64u);
}

TEST(Hash, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal(as_bytes("token"), as_bytes("token")));
  EXPECT_FALSE(constant_time_equal(as_bytes("token"), as_bytes("tokeN")));
  EXPECT_FALSE(constant_time_equal(as_bytes("token"), as_bytes("token2")));
  EXPECT_TRUE(constant_time_equal(as_bytes(""), as_bytes("")));
}

TEST(Jose, NamesRoundTrip) {
  for (const char* name :
       {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}) {
    auto alg = algorithm_from_jose(name);
    ASSERT_TRUE(alg) << name;
    EXPECT_EQ(jose_name(*alg), name);
  }
  EXPECT_EQ(*algorithm_from_jose("PS256"), kPs256);
  EXPECT_EQ(*algorithm_from_jose("ES256"), kEs256);
  EXPECT_FALSE(algorithm_from_jose("ps256"));  // case-sensitive, as RFC 7515 says
  EXPECT_FALSE(algorithm_from_jose("HS256"));
  EXPECT_FALSE(algorithm_from_jose("none"));
}

TEST(Sign, RoundTripsForEverySchemeAndRejectsChangedData) {
  const auto& rsa = testing::rsa_key_a();
  const auto& ec = testing::ec_key();
  for (auto alg : {kRs256, kPs256, kPs512,
                   SignatureAlgorithm{SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha512}}) {
    Bytes sig = sign(rsa, alg, as_bytes(kMessage));
    EXPECT_EQ(sig.size(), 256u);
    EXPECT_TRUE(verify(rsa.public_key(), alg, as_bytes(kMessage), sig)) << jose_name(alg);
    EXPECT_FALSE(verify(rsa.public_key(), alg, as_bytes(kMessage + "x"), sig));
    EXPECT_FALSE(verify(testing::rsa_key_b().public_key(), alg, as_bytes(kMessage), sig));
  }
  for (auto hash : {HashAlgorithm::Sha256, HashAlgorithm::Sha512}) {
    SignatureAlgorithm alg{SignatureScheme::Ecdsa, hash};
    Bytes sig = sign(ec, alg, as_bytes(kMessage));
    EXPECT_TRUE(verify(ec.public_key(), alg, as_bytes(kMessage), sig));
    EXPECT_FALSE(verify(ec.public_key(), alg, as_bytes(kMessage + "x"), sig));
  }
  // Empty input signs and verifies too.
  Bytes sig = sign(rsa, kPs256, {});
  EXPECT_TRUE(verify(rsa.public_key(), kPs256, {}, sig));
}

TEST(Sign, PkcsAndPssAreNotInterchangeable) {
  const auto& rsa = testing::rsa_key_a();
  Bytes pkcs = sign(rsa, kRs256, as_bytes(kMessage));
  Bytes pss = sign(rsa, kPs256, as_bytes(kMessage));
  EXPECT_FALSE(verify(rsa.public_key(), kPs256, as_bytes(kMessage), pkcs));
  EXPECT_FALSE(verify(rsa.public_key(), kRs256, as_bytes(kMessage), pss));
  // PKCS#1 v1.5 is deterministic, PSS is randomised.
  EXPECT_EQ(pkcs, sign(rsa, kRs256, as_bytes(kMessage)));
  EXPECT_NE(pss, sign(rsa, kPs256, as_bytes(kMessage)));
}

TEST(Sign, KeyOfTheWrongTypeThrowsOnSignAndFailsOnVerify) {
  testing::expect_error([] { sign(testing::ec_key(), kPs256, as_bytes("x")); }, "key.mismatch");
  testing::expect_error([] { sign(testing::rsa_key_a(), kEs256, as_bytes("x")); }, "key.mismatch");
  Bytes rsa_sig = sign(testing::rsa_key_a(), kRs256, as_bytes("x"));
  Bytes ec_sig = sign(testing::ec_key(), kEs256, as_bytes("x"));
  EXPECT_FALSE(verify(testing::ec_key().public_key(), kRs256, as_bytes("x"), rsa_sig));
  EXPECT_FALSE(verify(testing::rsa_key_a().public_key(), kEs256, as_bytes("x"), ec_sig));
}

TEST(Verify, GarbageAndTruncatedSignaturesReturnFalse) {
  const auto& rsa = testing::rsa_key_a();
  const auto& ec = testing::ec_key();
  Bytes rsa_sig = sign(rsa, kPs256, as_bytes(kMessage));
  Bytes ec_sig = sign(ec, kEs256, as_bytes(kMessage));
  std::vector<Bytes> junk = {
      {},
      {0x00},
      {0x30},
      {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01},
      Bytes(rsa_sig.begin(), rsa_sig.end() - 1),
      Bytes(ec_sig.begin(), ec_sig.end() - 3),
      Bytes(512, 0xFF),
      Bytes(256, 0x00),
      Bytes(64, 0x41),
  };
  Bytes flipped = rsa_sig;
  flipped[100] ^= 0x01;
  junk.push_back(flipped);
  Bytes ec_extra = ec_sig;
  ec_extra.push_back(0x00);  // trailing byte after the DER
  junk.push_back(ec_extra);
  for (const auto& sig : junk) {
    for (auto alg : {kRs256, kPs256, kPs512}) {
      EXPECT_FALSE(verify(rsa.public_key(), alg, as_bytes(kMessage), sig));
    }
    EXPECT_FALSE(verify(ec.public_key(), kEs256, as_bytes(kMessage), sig));
  }
}

// ----- interop with the real openssl binary -------------------------------------------------

class OpensslInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_file(dir_ / "rsa.key", testing::rsa_key_a().pem());
    testing::write_file(dir_ / "rsa.pub", testing::rsa_key_a().public_key().pem());
    testing::write_file(dir_ / "ec.key", testing::ec_key().pem());
    testing::write_file(dir_ / "ec.pub", testing::ec_key().public_key().pem());
    testing::write_file(dir_ / "msg", kMessage);
  }
  std::filesystem::path p(const std::string& name) const { return dir_ / name; }
  TempDir dir_;
};

// The guide's command: `openssl dgst -sha256 -sign key -sigopt rsa_padding_mode:pss` signs with
// the maximum salt on OpenSSL 3.0 (and salt = 32 from 3.1 on); we must accept it.
TEST_F(OpensslInterop, GuidePssSignatureVerifies) {
  auto r = run("openssl dgst -sha256 -sign " + q(p("rsa.key")) +
               " -sigopt rsa_padding_mode:pss -out " + q(p("sig")) + " " + q(p("msg")) + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string sig = testing::read_file(p("sig"));
  ASSERT_EQ(sig.size(), 256u);
  EXPECT_TRUE(verify(testing::rsa_key_a().public_key(), kPs256, as_bytes(kMessage), as_bytes(sig)));
  EXPECT_FALSE(
      verify(testing::rsa_key_a().public_key(), kRs256, as_bytes(kMessage), as_bytes(sig)));
  EXPECT_FALSE(
      verify(testing::rsa_key_a().public_key(), kPs256, as_bytes(kMessage + "!"), as_bytes(sig)));
}

// Our PS256 uses salt = digest length, so even a strict digest-salt verifier accepts it.
TEST_F(OpensslInterop, OurPssSignatureVerifiesWithDigestSaltLength) {
  testing::write_file(p("sig"), sign(testing::rsa_key_a(), kPs256, as_bytes(kMessage)));
  auto r = run("openssl dgst -sha256 -verify " + q(p("rsa.pub")) +
               " -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -signature " +
               q(p("sig")) + " " + q(p("msg")) + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Verified OK"), std::string::npos) << r.output;
}

TEST_F(OpensslInterop, MaxSaltSignatureFailsAStrictVerifierButPassesOurs) {
  // Shows why verify uses salt AUTO: the guide's signature is not a digest-salt one here.
  auto s = run("openssl dgst -sha256 -sign " + q(p("rsa.key")) +
               " -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:max -out " + q(p("sig")) +
               " " + q(p("msg")) + " 2>&1");
  ASSERT_EQ(s.exit_code, 0) << s.output;
  auto strict = run("openssl dgst -sha256 -verify " + q(p("rsa.pub")) +
                    " -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -signature " +
                    q(p("sig")) + " " + q(p("msg")) + " 2>&1");
  EXPECT_NE(strict.exit_code, 0) << strict.output;
  std::string sig = testing::read_file(p("sig"));
  EXPECT_TRUE(verify(testing::rsa_key_a().public_key(), kPs256, as_bytes(kMessage), as_bytes(sig)));
}

TEST_F(OpensslInterop, Pkcs1SignaturesMatchOpensslByteForByte) {
  auto r = run("openssl dgst -sha256 -sign " + q(p("rsa.key")) + " -out " + q(p("sig")) + " " +
               q(p("msg")) + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string theirs = testing::read_file(p("sig"));
  Bytes ours = sign(testing::rsa_key_a(), kRs256, as_bytes(kMessage));
  EXPECT_EQ(to_string(ours), theirs);
}

TEST_F(OpensslInterop, OpensslEcdsaDerSignatureVerifiesAndConvertsToRaw) {
  auto r = run("openssl dgst -sha256 -sign " + q(p("ec.key")) + " -out " + q(p("sig")) + " " +
               q(p("msg")) + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string der = testing::read_file(p("sig"));
  const auto& pub = testing::ec_key().public_key();
  EXPECT_TRUE(verify(pub, kEs256, as_bytes(kMessage), as_bytes(der)));
  auto raw = ecdsa_der_to_raw(as_bytes(der), 32);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size(), 64u);
  // Raw R||S is not what verify takes; converting back gives the same DER.
  EXPECT_FALSE(verify(pub, kEs256, as_bytes(kMessage), *raw));
  auto back = ecdsa_raw_to_der(*raw);
  ASSERT_TRUE(back);
  EXPECT_EQ(to_string(*back), der);
}

TEST_F(OpensslInterop, OurEcdsaSignatureVerifiesWithOpenssl) {
  testing::write_file(p("sig"), sign(testing::ec_key(), kEs256, as_bytes(kMessage)));
  auto r = run("openssl dgst -sha256 -verify " + q(p("ec.pub")) + " -signature " + q(p("sig")) +
               " " + q(p("msg")) + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

// ----- ECDSA encodings ----------------------------------------------------------------------

TEST(EcdsaEncoding, RoundTripsManySignatures) {
  const auto& ec = testing::ec_key();
  for (int i = 0; i < 50; ++i) {
    std::string msg = kMessage + std::to_string(i);
    Bytes der = sign(ec, kEs256, as_bytes(msg));
    auto raw = ecdsa_der_to_raw(der, 32);
    ASSERT_TRUE(raw);
    ASSERT_EQ(raw->size(), 64u);
    auto back = ecdsa_raw_to_der(*raw);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, der);
    EXPECT_TRUE(verify(ec.public_key(), kEs256, as_bytes(msg), *back));
  }
}

TEST(EcdsaEncoding, ShortIntegersAreLeftPaddedToTheFieldSize) {
  // SEQUENCE { INTEGER 1, INTEGER 0x0203 }
  const Bytes der = {0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x02, 0x03};
  auto raw = ecdsa_der_to_raw(der, 32);
  ASSERT_TRUE(raw);
  Bytes expected(64, 0);
  expected[31] = 0x01;
  expected[62] = 0x02;
  expected[63] = 0x03;
  EXPECT_EQ(*raw, expected);
  EXPECT_EQ(*ecdsa_raw_to_der(expected), der);  // leading zeros dropped again
  auto p521 = ecdsa_der_to_raw(der, 66);
  ASSERT_TRUE(p521);
  EXPECT_EQ(p521->size(), 132u);
  EXPECT_EQ((*p521)[65], 0x01);
}

TEST(EcdsaEncoding, HighBitValuesGetASignByteInDer) {
  Bytes raw(64, 0xFF);
  auto der = ecdsa_raw_to_der(raw);
  ASSERT_TRUE(der);
  // SEQUENCE(70) { INTEGER(33) 00 FF.., INTEGER(33) 00 FF.. }
  EXPECT_EQ(der->size(), 72u);
  EXPECT_EQ((*der)[3], 33);
  EXPECT_EQ((*der)[4], 0x00);
  EXPECT_EQ(*ecdsa_der_to_raw(*der, 32), raw);
}

TEST(EcdsaEncoding, MalformedInputGivesNullopt) {
  EXPECT_FALSE(ecdsa_der_to_raw(Bytes{}, 32));
  EXPECT_FALSE(ecdsa_der_to_raw(Bytes{0x30, 0x00}, 32));
  EXPECT_FALSE(ecdsa_der_to_raw(Bytes{0x04, 0x02, 0x01, 0x01}, 32));
  EXPECT_FALSE(ecdsa_der_to_raw(Bytes(64, 0x11), 32));  // raw given where DER expected
  // An integer longer than the field.
  Bytes der = *ecdsa_raw_to_der(Bytes(96, 0x11));
  EXPECT_FALSE(ecdsa_der_to_raw(der, 32));
  EXPECT_TRUE(ecdsa_der_to_raw(der, 48));
  // Trailing bytes after the SEQUENCE.
  Bytes sig = sign(testing::ec_key(), kEs256, as_bytes("x"));
  sig.push_back(0);
  EXPECT_FALSE(ecdsa_der_to_raw(sig, 32));
  EXPECT_FALSE(ecdsa_raw_to_der(Bytes{}));
  EXPECT_FALSE(ecdsa_raw_to_der(Bytes(63, 1)));
}

}  // namespace
}  // namespace sandbank::crypto
