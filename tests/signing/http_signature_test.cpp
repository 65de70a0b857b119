#include "signing/http_signature.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "crypto/signature.hpp"
#include "signing_test_support.hpp"

namespace sandbank::signing {
namespace {

using crypto::HashAlgorithm;
using crypto::SignatureScheme;
using testing::clean;
using testing::guide_headers;
using testing::pki;
using testing::t0;

// ---------------------------------------------------------------------------------------------
// Parameter parsing (RFC 7235 auth-params)

TEST(SignatureParams, ParsesIngsKeyIdWithCommasInsideQuotes) {
  auto p = parse_signature_params(
      R"(keyId="SN=5e4299be,CA=CN=AppCertificateMeansAPI,OU=ING,O=ING,L=Amsterdam,ST=Amsterdam,C=NL",algorithm="rsa-sha256",headers="(request-target) date digest",signature="Df4l+/w==")");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->key_id,
            "SN=5e4299be,CA=CN=AppCertificateMeansAPI,OU=ING,O=ING,L=Amsterdam,ST=Amsterdam,C=NL");
  EXPECT_EQ(p->algorithm, "rsa-sha256");
  EXPECT_EQ(*p->headers, (std::vector<std::string>{"(request-target)", "date", "digest"}));
  EXPECT_EQ(p->signature, "Df4l+/w==");
}

TEST(SignatureParams, AllowsWhitespaceAnyNameCaseUnknownParamsAndBareNumbers) {
  auto p = parse_signature_params(
      R"(keyId="Test", Algorithm = "rsa-sha256" ,  foo="bar,baz", created=1402170695,)"
      R"( HEADERS="(request-target)  Host date",signature="x")");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->key_id, "Test");
  EXPECT_EQ(p->created, "1402170695");
  EXPECT_EQ(*p->headers, (std::vector<std::string>{"(request-target)", "host", "date"}));
}

TEST(SignatureParams, UnescapesQuotedPairs) {
  auto p = parse_signature_params(R"(keyId="a\"b\\c\d",signature="s")");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->key_id, R"(a"b\c\d)");
}

TEST(SignatureParams, RejectsDuplicatesAndBrokenSyntax) {
  Diagnosis d;
  EXPECT_FALSE(parse_signature_params(R"(keyId="a",keyid="b",signature="s")", &d));
  EXPECT_EQ(d.code, "signature.duplicate_parameter");
  EXPECT_EQ(d.status, 400);
  for (const char* bad : {"", R"(keyId "a")", R"(keyId="a)", R"(keyId="a" signature="b")",
                          R"(headers="",keyId="a")", R"(="a")"}) {
    Diagnosis p;
    EXPECT_FALSE(parse_signature_params(bad, &p)) << bad;
    EXPECT_EQ(p.code, "signature.malformed") << bad;
    EXPECT_TRUE(clean(p.message)) << p.message;
  }
}

TEST(SignatureParams, FormatsTheStrictestForm) {
  SignatureParams p;
  p.key_id = "SN=49BA5C71";
  p.algorithm = "rsa-sha256";
  p.headers = std::vector<std::string>{"(request-target)", "date", "digest"};
  p.signature = "abc=";
  EXPECT_EQ(
      format_signature_params(p),
      R"(keyId="SN=49BA5C71",algorithm="rsa-sha256",headers="(request-target) date digest",signature="abc=")");
}

// ---------------------------------------------------------------------------------------------
// Signing strings

TEST(SigningString, Draft12WorkedExample) {
  Message m;
  m.method = "GET";
  m.target = "/foo";
  m.add("Host", "example.org").add("Date", "Tue, 07 Jun 2014 20:51:35 GMT");
  m.add("X-Example", "Example header\r\n    with some whitespace.");
  m.add("X-EmptyHeader", "").add("Cache-Control", "max-age=60");
  m.add("Cache-Control", "must-revalidate");
  SignatureParams p;
  p.created = "1402170695";
  std::vector<std::string> headers = {"(request-target)", "(created)",     "host",     "date",
                                      "cache-control",    "x-emptyheader", "x-example"};
  EXPECT_EQ(build_signing_string(m.view(), headers, &p),
            "(request-target): get /foo\n"
            "(created): 1402170695\n"
            "host: example.org\n"
            "date: Tue, 07 Jun 2014 20:51:35 GMT\n"
            "cache-control: max-age=60, must-revalidate\n"
            "x-emptyheader: \n"
            "x-example: Example header with some whitespace.");
}

TEST(SigningString, KeepsPathAndQueryAsSentAndLowerCasesOnlyTheMethod) {
  Message m;
  m.method = "GET";
  m.target = "/v3/accounts/ABC/transactions?dateFrom=2026-11-01&limit=10&q=a%20b";
  std::vector<std::string> h = {"(request-target)"};
  EXPECT_EQ(build_signing_string(m.view(), h),
            "(request-target): get "
            "/v3/accounts/ABC/transactions?dateFrom=2026-11-01&limit=10&q=a%20b");
  m.target = "https://api.example.com/v3/accounts?x=1";
  EXPECT_EQ(build_signing_string(m.view(), h), "(request-target): get /v3/accounts?x=1");
}

TEST(SigningString, AbsentHeaderThrowsWithCode) {
  Message m;
  m.method = "GET";
  m.target = "/";
  std::vector<std::string> h = {"date"};
  try {
    build_signing_string(m.view(), h);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "signature.header_absent");
  }
}

// ---------------------------------------------------------------------------------------------
// Published vectors (standards.md §1.6), 1024-bit draft key

Message draft_request(std::string date, std::string host = "example.com") {
  Message m;
  m.method = "POST";
  m.target = "/foo?param=value&pet=dog";
  m.body = R"({"hello": "world"})";
  m.add("Host", std::move(host)).add("Date", std::move(date));
  m.add("Content-Type", "application/json");
  m.add("Digest", "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
  m.add("Content-Length", "18");
  return m;
}

TimePoint http_time(std::string_view date) {
  return parse_http_date(date)->time;
}

KeyResolver fixed_key(crypto::PublicKey key) {
  return [key](std::string_view, const MessageView&) {
    KeyLookup l;
    l.key.emplace(key);
    return l;
  };
}

struct Vector {
  const char* date;
  const char* host;
  HttpSignatureAlgorithm alg;
  std::vector<std::string> headers;
  const char* signature;
};

TEST(HttpSignatureVectors, DraftJoyentAndTomitribeVectorsSignAndVerify) {
  const std::vector<std::string> basic = {"(request-target)", "host", "date"};
  const std::vector<std::string> all = {"(request-target)", "host",   "date",
                                        "content-type",     "digest", "content-length"};
  const std::vector<std::string> date_only = {"date"};
  const Vector vectors[] = {
      // draft-cavage-10/12 Appendix C
      {"Sun, 05 Jan 2014 21:31:40 GMT", "example.com", HttpSignatureAlgorithm::RsaSha256, date_only,
       "SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+"
       "FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/"
       "5OxEPXe5WozsbM="},
      {"Sun, 05 Jan 2014 21:31:40 GMT", "example.com", HttpSignatureAlgorithm::RsaSha256, basic,
       "qdx+H7PHHDZgy4y/"
       "Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+"
       "efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0="},
      {"Sun, 05 Jan 2014 21:31:40 GMT", "example.com", HttpSignatureAlgorithm::RsaSha256, all,
       "vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+"
       "MFHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+"
       "TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE="},
      // joyent http_signing.md (the wrong weekday is theirs)
      {"Thu, 05 Jan 2014 21:31:40 GMT", "example.com", HttpSignatureAlgorithm::RsaSha256, date_only,
       "jKyvPcxB4JbmYY4mByyBY7cZfNl4OW9HpFQlG7N4YcJPteKTu4MWCLyk+"
       "gIr0wDgqtLWf9NLpMAMimdfsH7FSWGfbMFSrsVTHNTk0rK3usrfFnti1dxsM4jl0kYJCKTGI/"
       "UWkqiaxwNiKqGcdlEDrTcUhhsFsOIo8VhddmZTZ8w="},
      {"Thu, 05 Jan 2014 21:31:40 GMT", "example.com", HttpSignatureAlgorithm::RsaSha256, all,
       "Ef7MlxLXoBovhil3AlyjtBwAL9g4TN3tibLj7uuNB3CROat/9KaeQ4hW2NiJ+pZ6HQEOx9vYZAyi+"
       "7cmIkmJszJCut5kQLAwuX+Ms/mUFvpKlSo9StS2bMXDBNjOh4Auj774GFj4gwjS+3NhFeoqyr/"
       "MuN6HsEnkvn6zdgfE2i0="},
      // tomitribe RsaTest
      {"Thu, 05 Jan 2012 21:31:40 GMT", "example.org", HttpSignatureAlgorithm::RsaSha256, date_only,
       "ATp0r26dbMIxOopqw0OfABDT7CKMIoENumuruOtarj8n/97Q3htHFYpH8yOSQk3Z5zh8UxUym6FYTb5+"
       "A0Nz3NRsXJibnYi7brE/4tx5But9kkFGzG+xpUmimN4c3TMN7OFH//+r8hBf7BT9/"
       "GmHDUVZT2JzWGLZES2xDOUuMtA="},
      {"Thu, 05 Jan 2012 21:31:40 GMT", "example.org", HttpSignatureAlgorithm::RsaSha256, basic,
       "DT9vcDFbit2ahGZowjUzzih+sVpKMIPZrXy1DMljImYNSJ3UEweTMfF3MUFjdNwYH59IDJoB+"
       "QTg3Rpm5xLvMWD7tql/Ng/"
       "NCJs8gYSNjOQidArEpWp88c5IQPDXn1lnJMU6dNXZNxc8Yqj+mIYhwHpKEKTqnvEtnCvB/"
       "6y/dIM="},
      {"Thu, 05 Jan 2012 21:31:40 GMT", "example.org", HttpSignatureAlgorithm::RsaSha512, date_only,
       "IItboA8OJgL8WSAnJa8MND04s9j7dB6IJIBVpOGJph8Tmkc5yUAYjvO/"
       "UQUKytRBe5CSv2GLfTAmE7SuRgGGMwdQZubNJqRCiVPKBpuA47lXrKgC/"
       "wB0QAMkPHI6cPllBZRixmjZuU9mIbuLjXMHR+v/DZwOHT9k8x0ILUq2rKE="},
      {"Thu, 05 Jan 2012 21:31:40 GMT", "example.org", HttpSignatureAlgorithm::RsaSha512, basic,
       "ggIa4bcI7q377gNoQ7qVYxTA4pEOlxlFzRtiQV0SdPam4sK58SFO9EtzE0P1zVTymTnsSRChmFU2pn+"
       "R9VzkAhQ+yEbTqzu+mgHc4P1L5IeeXQ5aAmGENfkRbm2vdOZzP5j6ruB+SJXIlhnaum2lsuyytSS0m/"
       "GkWvFJVZFu33M="},
  };
  const auto& key = pki().draft_key;
  for (const auto& v : vectors) {
    SCOPED_TRACE(std::string(v.date) + " " + std::string(algorithm_name(v.alg)) + " " +
                 std::to_string(v.headers.size()));
    Message m = draft_request(v.date, v.host);
    // Our signer reproduces the published signature (PKCS#1 v1.5 is deterministic).
    auto header = sign_http_signature(m.view(), "Test", v.alg, v.headers, key);
    auto params = parse_signature_params(header);
    ASSERT_TRUE(params);
    EXPECT_EQ(params->signature, v.signature);
    // And our verifier accepts the published one.
    SignatureParams p;
    p.key_id = "Test";
    p.algorithm = std::string(algorithm_name(v.alg));
    p.headers = v.headers;
    p.signature = v.signature;
    m.add("Signature", format_signature_params(p));
    HttpSignaturePolicy policy;
    policy.required_headers = {};
    policy.min_rsa_bits = 1024;
    // joyent's vectors keep a wrong weekday (5 Jan 2014 was a Sunday): the Date check would
    // rightly refuse it, so only the signature is checked for them.
    auto parsed = parse_http_date(v.date);
    policy.check_date = parsed.has_value();
    ManualClock clock(parsed ? parsed->time : http_time("Sun, 05 Jan 2014 21:31:40 GMT"));
    auto r = verify_http_signature(m.view(), policy, fixed_key(key.public_key()), clock);
    EXPECT_TRUE(r) << r.code << ": " << r.message;
  }
}

TEST(HttpSignatureVectors, TheDraftKeyIsRefusedByDefault) {
  Message m = draft_request("Sun, 05 Jan 2014 21:31:40 GMT");
  std::vector<std::string> h = {"(request-target)", "date", "digest"};
  m.add("Signature", sign_http_signature(m.view(), "Test", HttpSignatureAlgorithm::RsaSha256, h,
                                         pki().draft_key));
  ManualClock clock(http_time("Sun, 05 Jan 2014 21:31:40 GMT"));
  auto r = verify_http_signature(m.view(), {}, fixed_key(pki().draft_key.public_key()), clock);
  EXPECT_EQ(r.code, "signature.alg_key_mismatch");
  EXPECT_NE(r.message.find("1024 bits"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Sign and verify, every algorithm

struct Signed {
  Message message;
  HttpSignatureResult result;
};

HttpSignaturePolicy app_token_policy() {
  HttpSignaturePolicy p;
  p.carrier = SignatureCarrier::Authorization;
  return p;
}

// The guide's application-token request, signed by us, verified by us.
TEST(HttpSignature, GuideApplicationTokenRequestVerifies) {
  ManualClock clock(t0());
  Message m = testing::token_request();
  m.add("Authorization", "Signature " + sign_http_signature(m.view(), "SN=49BA5C71",
                                                            HttpSignatureAlgorithm::RsaSha256,
                                                            guide_headers(), pki().signing.key));
  auto r =
      verify_http_signature(m.view(), app_token_policy(), tpp_certificate_key_resolver(), clock);
  ASSERT_TRUE(r) << r.code << ": " << r.message;
  EXPECT_EQ(r.verified_as, "rsa-sha256");
  EXPECT_EQ(r.params.key_id, "SN=49BA5C71");
  ASSERT_TRUE(r.key && r.key->certificate);
  EXPECT_EQ(r.key->certificate->serial_hex(), "49BA5C71");
}

TEST(HttpSignature, KeyIdSerialFormsThatMatch) {
  ManualClock clock(t0());
  const std::vector<std::string> key_ids = {"SN=49ba5c71", "SN=0049BA5C71", "sn=49BA5C71",
                                            "SN=49BA5C71,CA=" + pki().ca.subject(),
                                            "SN=49BA5C71, CA=" + pki().ca.subject()};
  for (const auto& key_id : key_ids) {
    Message m = testing::token_request();
    m.add("Authorization",
          "Signature " + sign_http_signature(m.view(), key_id, HttpSignatureAlgorithm::RsaSha256,
                                             guide_headers(), pki().signing.key));
    auto r =
        verify_http_signature(m.view(), app_token_policy(), tpp_certificate_key_resolver(), clock);
    EXPECT_TRUE(r) << key_id << " " << r.code << ": " << r.message;
  }
}

TEST(HttpSignature, EveryAlgorithmRoundTrips) {
  ManualClock clock(t0());
  struct Case {
    HttpSignatureAlgorithm alg;
    const testing::KeyPair* pair;
    std::string verified_as;
  };
  const Case cases[] = {
      {HttpSignatureAlgorithm::RsaSha256, &pki().signing, "rsa-sha256"},
      {HttpSignatureAlgorithm::RsaSha512, &pki().signing, "rsa-sha512"},
      {HttpSignatureAlgorithm::Hs2019, &pki().signing, "hs2019 (RSASSA-PSS, SHA-512)"},
      {HttpSignatureAlgorithm::EcdsaSha256, &pki().ec256, "ecdsa-sha256"},
      {HttpSignatureAlgorithm::EcdsaSha384, &pki().ec384, "ecdsa-sha384"},
      {HttpSignatureAlgorithm::EcdsaSha512, &pki().ec521, "ecdsa-sha512"},
      {HttpSignatureAlgorithm::Hs2019, &pki().ec256, "hs2019 (ECDSA, SHA-512)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.verified_as);
    Message m;
    m.method = "GET";
    m.target =
        "/v3/accounts/450ffbb8-9f11-4ec6-a1e1-df48aefc82ef/"
        "transactions?dateFrom=2026-11-01&limit=10";
    m.add("Digest", make_digest("")).add("Date", format_imf_fixdate(t0()));
    m.add("X-Request-ID", "3f6b1c9e-2f4a-4c1b-9d3e-7a8b9c0d1e2f");
    m.add("Authorization", "Bearer eyJhbGciOiJkaXIi");
    std::vector<std::string> headers = {"(request-target)", "date", "digest", "x-request-id"};
    m.add("Signature", sign_http_signature(m.view(), "5ca1ab1e-c0ca-c01a-cafe-154deadbea75", c.alg,
                                           headers, c.pair->key));
    HttpSignaturePolicy policy;
    policy.carrier = SignatureCarrier::SignatureHeader;
    auto resolver =
        registered_key_resolver([&](std::string_view id) -> std::optional<crypto::Certificate> {
          if (id == "5ca1ab1e-c0ca-c01a-cafe-154deadbea75") return c.pair->cert;
          return std::nullopt;
        });
    auto r = verify_http_signature(m.view(), policy, resolver, clock);
    EXPECT_TRUE(r) << r.code << ": " << r.message;
    EXPECT_EQ(r.verified_as, c.verified_as);
  }
}

TEST(HttpSignature, Hs2019LenientAcceptsPkcs1AndSaysSo) {
  ManualClock clock(t0());
  Message m = testing::token_request();
  std::string s = build_signing_string(m.view(), guide_headers());
  auto sig = crypto::sign(pki().signing.key, {SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha256},
                          as_bytes(s));
  m.add(
      "Authorization",
      R"(Signature keyId="SN=49BA5C71",algorithm="hs2019",headers="(request-target) date digest",signature=")" +
          base64_encode(sig) + "\"");
  auto r =
      verify_http_signature(m.view(), app_token_policy(), tpp_certificate_key_resolver(), clock);
  EXPECT_TRUE(r) << r.message;
  EXPECT_EQ(r.verified_as, "hs2019 (RSASSA-PKCS1-v1_5, SHA-256)");
  auto strict = app_token_policy();
  strict.lenient = false;
  r = verify_http_signature(m.view(), strict, tpp_certificate_key_resolver(), clock);
  EXPECT_EQ(r.code, "signature.invalid");
  EXPECT_EQ(r.cause, "padding_mismatch");
}

// ---------------------------------------------------------------------------------------------
// Every detail code

// Builds an Authorization: Signature header over `signed_string` with a chosen key/algorithm.
std::string forged(std::string_view key_id, std::string_view algorithm, std::string_view headers,
                   std::string_view signed_string, const crypto::PrivateKey& key,
                   crypto::SignatureAlgorithm alg = {SignatureScheme::RsaPkcs1v15,
                                                     HashAlgorithm::Sha256}) {
  auto sig = crypto::sign(key, alg, as_bytes(signed_string));
  return fmt::format(R"(keyId="{}",algorithm="{}",headers="{}",signature="{}")", key_id, algorithm,
                     headers, base64_encode(sig));
}

HttpSignatureResult verify_token(const Message& m,
                                 HttpSignaturePolicy policy = app_token_policy()) {
  ManualClock clock(t0());
  return verify_http_signature(m.view(), policy, tpp_certificate_key_resolver(), clock);
}

Message signed_token_request() {
  Message m = testing::token_request();
  m.add("Authorization", "Signature " + sign_http_signature(m.view(), "SN=49BA5C71",
                                                            HttpSignatureAlgorithm::RsaSha256,
                                                            guide_headers(), pki().signing.key));
  return m;
}

void expect_code(const HttpSignatureResult& r, std::string_view code, int status) {
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.code, code) << r.message;
  EXPECT_EQ(r.status, status) << r.code;
  EXPECT_TRUE(clean(r.message)) << r.message;
  EXPECT_FALSE(r.message.empty());
}

TEST(HttpSignatureCodes, CarrierCodes) {
  Message m = testing::token_request();
  expect_code(verify_token(m), "signature.missing", 401);

  // The wrong carrier for the call names the right one.
  Message later = signed_token_request();
  HttpSignaturePolicy sig_header;
  sig_header.carrier = SignatureCarrier::SignatureHeader;
  auto r = verify_token(later, sig_header);
  expect_code(r, "signature.missing", 401);
  EXPECT_NE(r.hint.find("application-token"), std::string::npos);
  Message with_sig_header = testing::token_request();
  with_sig_header.add("Signature", sign_http_signature(with_sig_header.view(), "SN=49BA5C71",
                                                       HttpSignatureAlgorithm::RsaSha256,
                                                       guide_headers(), pki().signing.key));
  r = verify_token(with_sig_header);
  expect_code(r, "signature.missing", 401);
  EXPECT_FALSE(r.hint.empty());

  Message both = signed_token_request();
  both.add("Signature", "keyId=\"x\",signature=\"y\"");
  HttpSignaturePolicy either;
  expect_code(verify_token(both, either), "signature.carrier_conflict", 400);

  Message twice = signed_token_request();
  twice.add("Authorization", *twice.get("Authorization"));
  expect_code(verify_token(twice), "signature.malformed", 400);
}

TEST(HttpSignatureCodes, ParameterCodes) {
  auto with_auth = [](std::string params) {
    Message m = testing::token_request();
    m.add("Authorization", "Signature " + params);
    return verify_token(m);
  };
  expect_code(with_auth(R"(keyId="SN=49BA5C71" algorithm="rsa-sha256")"), "signature.malformed",
              400);
  expect_code(with_auth(R"(keyId="SN=1",keyId="SN=2",headers="date",signature="c2ln")"),
              "signature.duplicate_parameter", 400);
  expect_code(with_auth(R"(algorithm="rsa-sha256",headers="date",signature="c2ln")"),
              "signature.parameter_missing", 400);
  expect_code(with_auth(R"(keyId="SN=49BA5C71",headers="date")"), "signature.parameter_missing",
              400);
  // draft-12: no implicit headers for PSD2.
  expect_code(with_auth(R"(keyId="SN=49BA5C71",algorithm="rsa-sha256",signature="c2ln")"),
              "signature.parameter_missing", 400);
  expect_code(
      with_auth(
          R"(keyId="SN=49BA5C71",algorithm="hmac-sha256",headers="(request-target) date digest",signature="c2ln")"),
      "signature.algorithm_unsupported", 400);
  expect_code(
      with_auth(
          R"(keyId="SN=49BA5C71",algorithm="rsa-sha256",headers="(request-target) date",signature="c2ln")"),
      "signature.header_not_covered", 401);
  expect_code(
      with_auth(
          R"(keyId="SN=49BA5C71",algorithm="rsa-sha256",headers="(request-target) date digest",signature="!!!")"),
      "signature.malformed", 400);
}

TEST(HttpSignatureCodes, CreatedAndExpires) {
  Message m = testing::token_request();
  m.add(
      "Authorization",
      R"(Signature keyId="SN=49BA5C71",algorithm="rsa-sha256",created=1,headers="(request-target) (created) date digest",signature="c2ln")");
  auto strict = app_token_policy();
  strict.lenient = false;
  expect_code(verify_token(m, strict), "signature.pseudo_header_not_allowed", 400);

  auto now_s = std::chrono::duration_cast<Seconds>(t0().time_since_epoch()).count();
  Message future = testing::token_request();
  future.add(
      "Authorization",
      fmt::format(
          R"(Signature keyId="SN=49BA5C71",algorithm="hs2019",created={},headers="(request-target) (created) date digest",signature="c2ln")",
          now_s + 600));
  expect_code(verify_token(future), "signature.created_in_future", 401);
  Message expired = testing::token_request();
  expired.add(
      "Authorization",
      fmt::format(
          R"(Signature keyId="SN=49BA5C71",algorithm="hs2019",expires={}.5,headers="(request-target) date digest",signature="c2ln")",
          now_s - 600));
  expect_code(verify_token(expired), "signature.expired", 401);
  Message missing = testing::token_request();
  missing.add(
      "Authorization",
      R"(Signature keyId="SN=49BA5C71",algorithm="hs2019",headers="(request-target) (created) date digest",signature="c2ln")");
  expect_code(verify_token(missing), "signature.parameter_missing", 400);
}

TEST(HttpSignatureCodes, KeyIdCodes) {
  auto with_key_id = [](std::string key_id, const crypto::Certificate* tls = nullptr) {
    Message m = testing::token_request();
    if (tls) m.client_certificate = *tls;
    m.add("Authorization",
          "Signature " + sign_http_signature(m.view(), key_id, HttpSignatureAlgorithm::RsaSha256,
                                             guide_headers(), pki().signing.key));
    return verify_token(m);
  };
  expect_code(with_key_id("5ca1ab1e-c0ca-c01a-cafe-154deadbea75"), "signature.keyid_malformed",
              400);
  expect_code(with_key_id("SN=XYZ"), "signature.keyid_malformed", 400);
  auto r = with_key_id("SN=49BA5C72");
  expect_code(r, "signature.keyid_serial_mismatch", 401);
  EXPECT_EQ(r.fact_value("certificate_serial"), "49BA5C71");
  r = with_key_id("SN=1236950129");  // 0x49BA5C71 in decimal
  expect_code(r, "signature.keyid_serial_mismatch", 401);
  EXPECT_EQ(r.cause, "serial_in_decimal");
  r = with_key_id("SN=5A4D1C3B", &pki().tls.cert);
  EXPECT_EQ(r.cause, "tls_certificate_serial");
  expect_code(with_key_id("SN=49BA5C71,CA=CN=Someone Else,C=NL"), "signature.keyid_issuer_mismatch",
              401);

  Message no_cert = signed_token_request();
  no_cert.remove("TPP-Signature-Certificate");
  expect_code(verify_token(no_cert), "certificate.missing", 400);
  Message bad_cert = signed_token_request();
  bad_cert.set("TPP-Signature-Certificate",
               "-----BEGIN CERTIFICATE-----AAAA-----END CERTIFICATE-----");
  expect_code(verify_token(bad_cert), "certificate.malformed", 400);

  ManualClock clock(t0());
  Message later = signed_token_request();
  auto unknown = registered_key_resolver([](std::string_view) { return std::nullopt; });
  r = verify_http_signature(later.view(), app_token_policy(), unknown, clock);
  expect_code(r, "signature.keyid_unknown", 401);
  EXPECT_NE(r.hint.find("client_id"), std::string::npos);
}

TEST(HttpSignatureCodes, KeyAndAlgorithmMustAgree) {
  ManualClock clock(t0());
  Message m = testing::token_request();
  m.add("Authorization",
        "Signature " + sign_http_signature(m.view(), "x", HttpSignatureAlgorithm::RsaSha256,
                                           guide_headers(), pki().signing.key));
  auto r = verify_http_signature(m.view(), {}, fixed_key(pki().ec256.cert.public_key()), clock);
  expect_code(r, "signature.alg_key_mismatch", 401);
  EXPECT_THROW(sign_http_signature(m.view(), "x", HttpSignatureAlgorithm::EcdsaSha256,
                                   guide_headers(), pki().signing.key),
               Error);
}

TEST(HttpSignatureCodes, DateDigestAndAbsentHeaders) {
  Message stale = testing::token_request(t0() - std::chrono::minutes(5));
  stale.add("Authorization",
            "Signature " + sign_http_signature(stale.view(), "SN=49BA5C71",
                                               HttpSignatureAlgorithm::RsaSha256, guide_headers(),
                                               pki().signing.key));
  auto r = verify_token(stale);
  expect_code(r, "date.outside_window", 401);
  EXPECT_NE(r.message.find("300 s behind"), std::string::npos);

  Message swapped = signed_token_request();
  swapped.body =
      "grant_type=client_credentials&scope=granting";  // body swapped under the signature
  expect_code(verify_token(swapped), "digest.mismatch", 401);

  Message digest_nl = testing::token_request();
  digest_nl.set("Digest", make_digest(digest_nl.body + "\n"));
  digest_nl.add("Authorization",
                "Signature " + sign_http_signature(digest_nl.view(), "SN=49BA5C71",
                                                   HttpSignatureAlgorithm::RsaSha256,
                                                   guide_headers(), pki().signing.key));
  r = verify_token(digest_nl);
  expect_code(r, "digest.mismatch", 401);
  EXPECT_EQ(r.cause, "body_trailing_newline");

  Message absent = testing::token_request();
  std::string s = build_signing_string(absent.view(), guide_headers());
  absent.add("Authorization", "Signature " + forged("SN=49BA5C71", "rsa-sha256",
                                                    "(request-target) date digest x-request-id", s,
                                                    pki().signing.key));
  r = verify_token(absent);
  expect_code(r, "signature.header_absent", 401);
  EXPECT_NE(r.message.find("x-request-id"), std::string::npos);
}

TEST(HttpSignatureCodes, InvalidSignatureCarriesTheSigningString) {
  Message m = signed_token_request();
  auto auth = *m.get("Authorization");
  auto pos = auth.find("signature=\"") + 11;
  auth[pos] = auth[pos] == 'A' ? 'B' : 'A';  // one byte changed
  m.set("Authorization", auth);
  auto r = verify_token(m);
  expect_code(r, "signature.invalid", 401);
  EXPECT_EQ(r.signing_string,
            "(request-target): post /oauth2/token\ndate: Tue, 24 Nov 2026 10:00:00 GMT\ndigest: "
            "SHA-256=w0mymuL8aCrbJmmabs1pytZhon8lQucTuJMUtuKr+uw=");
  EXPECT_NE(r.diagnostic().find(r.signing_string), std::string::npos);
  EXPECT_EQ(r.cause, "wrong_key");  // a damaged RSA signature no longer decodes under the key

  auto production = app_token_policy();
  production.detailed = false;
  auto p = verify_token(m, production);
  expect_code(p, "signature.invalid", 401);
  EXPECT_EQ(p.message, "The signature could not be verified.");
  EXPECT_TRUE(p.signing_string.empty());
  EXPECT_TRUE(p.cause.empty());
  EXPECT_TRUE(p.hint.empty());
}

// ---------------------------------------------------------------------------------------------
// The troubleshooting list, mistake by mistake

struct Mistake {
  const char* name;
  std::string signed_string;
  std::string expected_cause;
};

TEST(HttpSignatureTroubleshooting, EachGuideMistakeIsNamed) {
  Message base = testing::token_request();
  base.target = "/oauth2/token?scope=granting";
  const std::string good = build_signing_string(base.view(), guide_headers());
  const std::string date_line = "date: Tue, 24 Nov 2026 10:00:00 GMT";
  const std::string digest_line = "digest: " + *base.get("Digest");
  const std::vector<Mistake> mistakes = {
      {"trailing LF", good + "\n", "trailing_newline"},
      {"CRLF",
       "(request-target): post /oauth2/token?scope=granting\r\n" + date_line + "\r\n" + digest_line,
       "crlf_line_endings"},
      {"order", date_line + "\n(request-target): post /oauth2/token?scope=granting\n" + digest_line,
       "header_order"},
      {"upper-case method",
       "(request-target): POST /oauth2/token?scope=granting\n" + date_line + "\n" + digest_line,
       "method_not_lower_case"},
      {"query dropped", "(request-target): post /oauth2/token\n" + date_line + "\n" + digest_line,
       "request_target_differs"},
      {"listed, not signed", "(request-target): post /oauth2/token?scope=granting\n" + digest_line,
       "header_listed_not_signed"},
      {"signed, not listed", good + "\ncontent-type: application/x-www-form-urlencoded",
       "header_signed_not_listed"},
      {"header name case",
       "(request-target): post /oauth2/token?scope=granting\nDate: Tue, 24 Nov 2026 10:00:00 "
       "GMT\nDigest: " +
           *base.get("Digest"),
       "header_name_case"},
      {"other header value",
       "(request-target): post /oauth2/token?scope=granting\ndate: Tue, 24 Nov 2026 10:00:01 "
       "GMT\n" +
           digest_line,
       "signed_bytes_differ"},
  };
  for (const auto& mistake : mistakes) {
    SCOPED_TRACE(mistake.name);
    Message m = base;
    m.add("Authorization",
          "Signature " + forged("SN=49BA5C71", "rsa-sha256", "(request-target) date digest",
                                mistake.signed_string, pki().signing.key));
    auto r = verify_token(m);
    expect_code(r, "signature.invalid", 401);
    EXPECT_EQ(r.cause, mistake.expected_cause) << r.hint;
    EXPECT_FALSE(r.hint.empty());
    EXPECT_EQ(r.signing_string, good);
  }
}

TEST(HttpSignatureTroubleshooting, AlgorithmPaddingAndKeyMistakes) {
  Message base = testing::token_request();
  const std::string good = build_signing_string(base.view(), guide_headers());
  struct KeyMistake {
    const char* name;
    const crypto::PrivateKey* key;
    crypto::SignatureAlgorithm alg;
    std::string expected_cause;
    bool with_tls_cert;
  };
  const KeyMistake mistakes[] = {
      {"signed rsa-sha512",
       &pki().signing.key,
       {SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha512},
       "algorithm_mismatch",
       false},
      {"signed with PSS",
       &pki().signing.key,
       {SignatureScheme::RsaPss, HashAlgorithm::Sha256},
       "padding_mismatch",
       false},
      {"another TPP's key",
       &pki().other.key,
       {SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha256},
       "wrong_key",
       false},
      {"the TLS key",
       &pki().tls.key,
       {SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha256},
       "signed_with_tls_key",
       true},
  };
  for (const auto& mistake : mistakes) {
    SCOPED_TRACE(mistake.name);
    Message m = base;
    if (mistake.with_tls_cert) m.client_certificate = pki().tls.cert;
    m.add("Authorization",
          "Signature " + forged("SN=49BA5C71", "rsa-sha256", "(request-target) date digest", good,
                                *mistake.key, mistake.alg));
    auto r = verify_token(m);
    expect_code(r, "signature.invalid", 401);
    EXPECT_EQ(r.cause, mistake.expected_cause) << r.hint;
  }
}

TEST(HttpSignatureTroubleshooting, EcdsaMistakesAreFoundByReVerifying) {
  ManualClock clock(t0());
  Message m = testing::token_request();
  std::string good = build_signing_string(m.view(), guide_headers());
  m.add("Signature", forged("app", "ecdsa-sha256", "(request-target) date digest", good + "\n",
                            pki().ec256.key, {SignatureScheme::Ecdsa, HashAlgorithm::Sha256}));
  auto r = verify_http_signature(m.view(), {}, fixed_key(pki().ec256.cert.public_key()), clock);
  expect_code(r, "signature.invalid", 401);
  EXPECT_EQ(r.cause, "trailing_newline");

  Message other = testing::token_request();
  other.add("Signature", forged("app", "ecdsa-sha256", "(request-target) date digest", good,
                                pki().ec256.key, {SignatureScheme::Ecdsa, HashAlgorithm::Sha384}));
  r = verify_http_signature(other.view(), {}, fixed_key(pki().ec256.cert.public_key()), clock);
  EXPECT_EQ(r.cause, "algorithm_mismatch");
}

TEST(HttpSignatureTroubleshooting, WrappedBase64IsNamed) {
  Message m = testing::token_request();
  std::string params =
      sign_http_signature(m.view(), "SN=49BA5C71", HttpSignatureAlgorithm::RsaSha256,
                          guide_headers(), pki().signing.key);
  auto pos = params.find("signature=\"") + 11 + 64;
  params.insert(pos, " ");
  m.add("Authorization", "Signature " + params);
  auto r = verify_token(m);
  expect_code(r, "signature.malformed", 400);
  EXPECT_EQ(r.cause, "base64_wrapped");
}

}  // namespace
}  // namespace sandbank::signing
