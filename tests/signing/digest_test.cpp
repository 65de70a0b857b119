#include "signing/digest.hpp"

#include <gtest/gtest.h>

#include "signing_test_support.hpp"

namespace sandbank::signing {
namespace {

using testing::clean;

Message with_digest(std::string body, std::string digest) {
  Message m;
  m.method = "POST";
  m.target = "/oauth2/token";
  m.body = std::move(body);
  m.add("Digest", std::move(digest));
  return m;
}

TEST(Digest, MakesTheVectorsOfStandardsSection2) {
  EXPECT_EQ(make_digest(""), "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(
      make_digest("", DigestAlgorithm::Sha512),
      "SHA-512=z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+"
      "SfaPg==");
  EXPECT_EQ(make_digest(R"({"hello": "world"})"),
            "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
  EXPECT_EQ(
      make_digest(R"({"hello": "world"})", DigestAlgorithm::Sha512),
      "SHA-512=WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJ"
      "wew==");
  EXPECT_EQ(make_digest("grant_type=client_credentials"),
            "SHA-256=w0mymuL8aCrbJmmabs1pytZhon8lQucTuJMUtuKr+uw=");
}

TEST(Digest, AcceptsMatchingValuesInAnyTokenCase) {
  for (std::string token : {"SHA-256", "sha-256", "Sha-256"}) {
    auto m = with_digest("grant_type=client_credentials",
                         token + "=w0mymuL8aCrbJmmabs1pytZhon8lQucTuJMUtuKr+uw=");
    EXPECT_TRUE(verify_digest(m.view())) << token;
  }
  auto m = with_digest("", "sha-512=" + digest_value("", DigestAlgorithm::Sha512));
  EXPECT_TRUE(verify_digest(m.view()));
}

TEST(Digest, ChecksEverySupportedValueAndIgnoresUnknownOnes) {
  std::string body = R"({"hello": "world"})";
  auto both =
      with_digest(body, make_digest(body) + ", " + make_digest(body, DigestAlgorithm::Sha512));
  EXPECT_TRUE(verify_digest(both.view()));
  auto with_md5 = with_digest(body, "MD5=Sd/dVLAcvNLSq16eXua5uQ==," + make_digest(body));
  EXPECT_TRUE(verify_digest(with_md5.view()));
  // Two instances of the header are one list.
  Message two = with_digest(body, make_digest(body));
  two.add("Digest", make_digest(body, DigestAlgorithm::Sha512));
  EXPECT_TRUE(verify_digest(two.view()));
  // One good, one bad: fails, naming SHA-512.
  auto bad = with_digest(body, make_digest(body) + "," + make_digest("x", DigestAlgorithm::Sha512));
  auto d = verify_digest(bad.view());
  EXPECT_EQ(d.code, "digest.mismatch");
  EXPECT_EQ(d.fact_value("algorithm"), "SHA-512");
}

TEST(Digest, MismatchNamesAlgorithmAndBothValuesAndTheTrailingNewline) {
  std::string body = R"({"contact":"tpp@example.com"})";
  auto m = with_digest(body, make_digest(body + "\n"));  // echo without -n
  auto d = verify_digest(m.view());
  EXPECT_FALSE(d);
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(d.code, "digest.mismatch");
  EXPECT_EQ(d.fact_value("algorithm"), "SHA-256");
  EXPECT_EQ(d.fact_value("expected"), digest_value(body, DigestAlgorithm::Sha256));
  EXPECT_EQ(d.fact_value("received"), digest_value(body + "\n", DigestAlgorithm::Sha256));
  EXPECT_NE(d.message.find(digest_value(body, DigestAlgorithm::Sha256)), std::string::npos);
  EXPECT_NE(d.message.find(digest_value(body + "\n", DigestAlgorithm::Sha256)), std::string::npos);
  EXPECT_EQ(d.cause, "body_trailing_newline");
  EXPECT_NE(d.hint.find("echo -n"), std::string::npos);
  EXPECT_TRUE(clean(d.message));
}

TEST(Digest, MismatchRecognisesOtherBodies) {
  auto m = with_digest("abc\n", make_digest("abc"));
  EXPECT_EQ(verify_digest(m.view()).cause, "body_differs");
  auto empty = with_digest("abc", make_digest(""));
  auto d = verify_digest(empty.view());
  EXPECT_EQ(d.cause, "body_differs");
  EXPECT_NE(d.hint.find("empty body"), std::string::npos);
}

TEST(Digest, MalformedValuesSayWhatIsWrong) {
  auto hex =
      with_digest("", "SHA-256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  auto d = verify_digest(hex.view());
  EXPECT_EQ(d.code, "digest.malformed");
  EXPECT_EQ(d.status, 400);
  EXPECT_EQ(d.cause, "digest_encoding");

  std::string v512 = digest_value("", DigestAlgorithm::Sha512);
  auto wrapped = with_digest("", "SHA-512=" + v512.substr(0, 64) + " " + v512.substr(64));
  d = verify_digest(wrapped.view());
  EXPECT_EQ(d.code, "digest.malformed");
  EXPECT_EQ(d.cause, "base64_wrapped");

  auto url = with_digest("", "SHA-256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
  EXPECT_EQ(verify_digest(url.view()).cause, "base64url_instead_of_base64");

  auto short_value = with_digest("", "SHA-256=AAAA");
  EXPECT_EQ(verify_digest(short_value.view()).code, "digest.malformed");
  auto no_equals = with_digest("", "SHA-256");
  EXPECT_EQ(verify_digest(no_equals.view()).code, "digest.malformed");
  auto empty = with_digest("", "");
  EXPECT_EQ(verify_digest(empty.view()).code, "digest.malformed");
}

TEST(Digest, OtherCodes) {
  Message none;
  none.body = "x";
  auto d = verify_digest(none.view());
  EXPECT_EQ(d.code, "digest.missing");
  EXPECT_EQ(d.status, 400);
  DigestPolicy optional;
  optional.required = false;
  EXPECT_TRUE(verify_digest(none.view(), optional));

  auto md5 = with_digest("", "MD5=1B2M2Y8AsgTpgAmY7PhCfg==, UNIXsum=0");
  d = verify_digest(md5.view());
  EXPECT_EQ(d.code, "digest.unsupported_algorithm");
  EXPECT_NE(d.message.find("MD5"), std::string::npos);

  auto dup = with_digest("", make_digest("") + "," + make_digest("x"));
  EXPECT_EQ(verify_digest(dup.view()).code, "digest.duplicate_algorithm");
  auto same_twice = with_digest("", make_digest("") + "," + make_digest(""));
  EXPECT_TRUE(verify_digest(same_twice.view()));
}

// ING's Node client (open-banking CLI, Authenticator.requestAuthorizationUrl) sends the bare
// base64 of the SHA-256, without "SHA-256=": accepted as SHA-256, and said so.
TEST(Digest, ABareSha256ValueIsALeniencyThatSaysSo) {
  auto empty = with_digest("", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  auto d = verify_digest(empty.view());
  EXPECT_TRUE(d);
  EXPECT_EQ(d.cause, "digest_without_algorithm");
  EXPECT_NE(d.hint.find("SHA-256="), std::string::npos);
  // The value is still checked against the body.
  auto other = with_digest("x", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  d = verify_digest(other.view());
  EXPECT_EQ(d.code, "digest.mismatch");
  EXPECT_EQ(d.status, 401);
  EXPECT_EQ(d.cause, "body_differs");
  // Only a 32-byte value is taken: a bare SHA-512 or a short value stays malformed, and the
  // named form gets no leniency note.
  auto bare512 = with_digest("", digest_value("", DigestAlgorithm::Sha512));
  EXPECT_FALSE(verify_digest(bare512.view()));
  auto bare_short = with_digest("", "AAAA");
  EXPECT_FALSE(verify_digest(bare_short.view()));
  auto named = with_digest("", make_digest(""));
  d = verify_digest(named.view());
  EXPECT_TRUE(d);
  EXPECT_TRUE(d.cause.empty());
}

TEST(Digest, ProductionModeKeepsOnlyTheCode) {
  auto m = with_digest("abc", make_digest("abc\n"));
  DigestPolicy policy;
  policy.detailed = false;
  auto d = verify_digest(m.view(), policy);
  EXPECT_EQ(d.code, "digest.mismatch");
  EXPECT_EQ(d.status, 401);
  EXPECT_TRUE(d.facts.empty());
  EXPECT_TRUE(d.cause.empty());
  EXPECT_EQ(d.message.find(digest_value("abc", DigestAlgorithm::Sha256)), std::string::npos);
}

}  // namespace
}  // namespace sandbank::signing
