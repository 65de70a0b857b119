// The request inspector's records: masking of every kind of secret, and what a record keeps.
#include "http/inspect.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sandbank::http {
namespace {

const std::string kToken = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LWFjY2Vzcy10b2tlbi1wYXlsb2Fk.c2ln";
const std::string kRefresh = "refresh-3f9c1e7a2b8d4c6e9f0a1b2c3d4e5f60";
const std::string kCode = "code-7d1e9a4b3c2f8e6d5a4b3c2d1e0f9a8b";
const std::string kSignature = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8=";
const std::string kSession = "sess-a1b2c3d4e5f6a7b8c9d0";

TEST(MaskSecret, KeepsAShortPrefixAndTheLength) {
  auto masked = mask_secret(kToken);
  EXPECT_EQ(masked.rfind("eyJhbG", 0), 0u) << masked;
  EXPECT_NE(masked.find("(" + std::to_string(kToken.size()) + " chars)"), std::string::npos);
  EXPECT_EQ(masked.find(kToken.substr(6, 10)), std::string::npos);
  // A short secret shows at most a third of itself.
  EXPECT_EQ(mask_secret("abcdef").rfind("ab…", 0), 0u);
  EXPECT_EQ(mask_secret("ab").rfind("…", 0), 0u);
}

TEST(MaskHeader, AuthorizationKeepsTheSchemeOnly) {
  auto masked = mask_header("authorization", "Bearer " + kToken);
  EXPECT_EQ(masked.rfind("Bearer eyJhbG…", 0), 0u) << masked;
  EXPECT_EQ(masked.find(kToken), std::string::npos);
  auto signature =
      mask_header("Authorization", "Signature keyId=\"x\",signature=\"" + kSignature + "\"");
  EXPECT_EQ(signature.find(kSignature), std::string::npos);
  EXPECT_NE(signature.find("Signature keyId=\"x\",signature=\"Zm9vYm…"), std::string::npos)
      << signature;
}

TEST(MaskHeader, SignatureKeepsItsParametersButNotTheSignature) {
  std::string value =
      "keyId=\"SN=5E4299BE\",algorithm=\"rsa-sha256\",headers=\"(request-target) date "
      "digest x-request-id\",signature=\"" +
      kSignature + "\"";
  auto masked = mask_header("Signature", value);
  EXPECT_EQ(masked.find(kSignature), std::string::npos) << masked;
  EXPECT_NE(masked.find("keyId=\"SN=5E4299BE\""), std::string::npos);
  EXPECT_NE(masked.find("headers=\"(request-target) date digest x-request-id\""),
            std::string::npos);
  EXPECT_NE(masked.find("signature=\"Zm9vYm…"), std::string::npos) << masked;
}

TEST(MaskHeader, JwsSignatureAndCookies) {
  auto jws = mask_header("x-jws-signature", "eyJhbGciOiJQUzI1NiJ9.." + kSignature);
  EXPECT_EQ(jws.find(kSignature), std::string::npos);
  EXPECT_EQ(jws.rfind("eyJhbGciOiJQUzI1NiJ9..", 0), 0u);
  auto cookie = mask_header("Cookie", "sandbank_session=" + kSession + "; XSRF-TOKEN=" + kCode);
  EXPECT_EQ(cookie.find(kSession), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find(kCode), std::string::npos) << cookie;
  auto set_cookie = mask_header("Set-Cookie", "sandbank_session=" + kSession + "; Path=/; Secure");
  EXPECT_EQ(set_cookie.find(kSession), std::string::npos);
  EXPECT_NE(set_cookie.find("; Path=/; Secure"), std::string::npos);
  auto location = mask_header("Location", "https://www.example.com/?code=" + kCode + "&state=xyz");
  EXPECT_EQ(location.find(kCode), std::string::npos) << location;
  EXPECT_NE(location.find("&state=xyz"), std::string::npos);
}

TEST(MaskText, FormsQueriesAndJson) {
  auto form = mask_text("grant_type=authorization_code&code=" + kCode +
                        "&redirect_uri=https%3A%2F%2Fwww.example.com%2F");
  EXPECT_EQ(form.find(kCode), std::string::npos) << form;
  EXPECT_NE(form.find("grant_type=authorization_code&code=code-7"), std::string::npos) << form;
  EXPECT_NE(form.find("&redirect_uri=https%3A%2F%2Fwww.example.com%2F"), std::string::npos);

  auto json =
      mask_text("{\"access_token\":\"" + kToken + "\",\"expires_in\":905,\"refresh_token\" : \"" +
                kRefresh + "\",\"scope\":\"granting\"}");
  EXPECT_EQ(json.find(kToken), std::string::npos) << json;
  EXPECT_EQ(json.find(kRefresh), std::string::npos) << json;
  EXPECT_NE(json.find("\"expires_in\":905"), std::string::npos);
  EXPECT_NE(json.find("\"scope\":\"granting\""), std::string::npos);

  auto assertion = mask_text("client_assertion_type=x&client_assertion=" + kToken);
  EXPECT_EQ(assertion.find(kToken), std::string::npos) << assertion;
}

TEST(MaskText, IngErrorCodesAndOrdinaryWordsStay) {
  std::string body =
      "{\"tppMessages\":[{\"code\":\"TOKEN_INVALID\",\"text\":\"bad\"}],\"countryCode\":\"NL\","
      "\"detail\":\"token.invalid\"}";
  EXPECT_EQ(mask_text(body), body);
  EXPECT_EQ(mask_text("/v3/accounts?currency=EUR&limit=10"), "/v3/accounts?currency=EUR&limit=10");
}

TEST(MaskText, PrivateKeysAndBearerTokensAnywhere) {
  std::string pem =
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC\n-----END "
      "PRIVATE KEY-----\n";
  auto masked = mask_text("{\"key\":\"" + pem + "\"}");
  EXPECT_EQ(masked.find("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC"), std::string::npos)
      << masked;
  // A public certificate is no secret.
  std::string cert =
      "-----BEGIN CERTIFICATE-----\nMIIDkzCCAnugAwIBAgIUXVYkRCcT\n-----END CERTIFICATE-----";
  EXPECT_EQ(mask_text(cert), cert);
  auto line = mask_text("authorization: Bearer " + kToken + "\ndate: x");
  EXPECT_EQ(line.find(kToken), std::string::npos);
  EXPECT_NE(line.find("\ndate: x"), std::string::npos);
}

TEST(MaskText, InspectorLinksShowOnlyAPrefixOfTheirSecret) {
  std::string secret = "Jq3x9Zk2mB7vW1pL8sT4nR6yH0cF5dG2aE9uI3oK7xQ";
  auto path = mask_text("/sandbank/inspector/" + secret + "/requests/abc");
  EXPECT_EQ(path.find(secret), std::string::npos) << path;
  EXPECT_NE(path.find("/requests/abc"), std::string::npos);
  auto json = mask_text("{\"url\":\"https://127.0.0.1:8444/sandbank/inspector/" + secret + "\"}");
  EXPECT_EQ(json.find(secret), std::string::npos) << json;
  EXPECT_EQ(mask_text("/sandbank/inspector"), "/sandbank/inspector");
}

TEST(MaskBody, CutsThenMasks) {
  std::string body = "code=" + kCode + "&x=" + std::string(100, 'a');
  auto masked = mask_body(body, 20);
  EXPECT_NE(masked.find("[truncated]"), std::string::npos);
  EXPECT_EQ(masked.find(kCode.substr(0, 15)), std::string::npos) << masked;
}

Request token_request() {
  Request request;
  request.method = "POST";
  request.target = "/oauth2/token";
  request.listener = "api";
  request.response_id = "0123456789abcdef0123456789abcdef";
  request.headers = {{"Authorization", "Bearer " + kToken},
                     {"Signature", "keyId=\"5ca1\",signature=\"" + kSignature + "\""},
                     {"X-Request-ID", "req-1"},
                     {"Cookie", "sandbank_session=" + kSession}};
  request.body = "grant_type=refresh_token&refresh_token=" + kRefresh + "&code=" + kCode;
  request.detail_code = "signature.invalid";
  return request;
}

TEST(InspectedRequest, NoSecretSurvivesInTheRecordOrItsJson) {
  auto request = token_request();
  Response response = Response::json(
      200, "{\"access_token\":\"" + kToken + "\",\"refresh_token\":\"" + kRefresh + "\"}");
  response.set("Set-Cookie", "sandbank_session=" + kSession + "; Secure");
  RequestTrace trace;
  trace.passed(kCheckMtls);
  trace.failed(kCheckSignature, "signature.invalid", "Bearer " + kToken + " did not verify");
  trace.check(kCheckSignature).signing_string = mask_text("authorization: Bearer " + kToken);
  trace.organisation = "PSDNL-SBX-1234512345";
  auto record =
      make_inspected_request(request, response, 200, TimePoint{}, "49BA5C71", &trace, 4096);
  auto json = to_json(record);
  for (const auto& secret : {kToken, kRefresh, kCode, kSignature, kSession}) {
    EXPECT_EQ(json.find(secret), std::string::npos) << secret << " in " << json;
  }
  EXPECT_EQ(record.x_request_id, "req-1");
  EXPECT_EQ(record.response_id, request.response_id);
  EXPECT_EQ(record.detail_code, "signature.invalid");
  EXPECT_EQ(record.organisation, "PSDNL-SBX-1234512345");
  EXPECT_EQ(record.request_body_size, request.body.size());
}

TEST(InspectedRequest, EveryCheckInOrderAndTheJsonRoundTrips) {
  auto request = token_request();
  RequestTrace trace;
  trace.passed(kCheckMtls);
  trace.passed(kCheckToken);
  trace.failed(kCheckDigest, "digest.mismatch", "The Digest does not match");
  auto made = make_inspected_request(request, Response::json(401, "{}"), 401, TimePoint{}, "",
                                     &trace, 4096);
  made.duration = std::chrono::microseconds(1234);
  // Written with every check in order, the ones never reported as not reached.
  auto record = inspected_request_from_json(to_json(made));
  ASSERT_EQ(record.checks.size(), 7u);
  EXPECT_EQ(record.checks[0].name, kCheckMtls);
  EXPECT_EQ(record.checks[0].verdict, Verdict::Passed);
  EXPECT_EQ(record.checks[2].name, kCheckDigest);
  EXPECT_EQ(record.checks[2].verdict, Verdict::Failed);
  EXPECT_EQ(record.checks[2].code, "digest.mismatch");
  EXPECT_EQ(record.checks[4].name, kCheckSignature);
  EXPECT_EQ(record.checks[4].verdict, Verdict::NotReached);
  auto back = inspected_request_from_json(to_json(record));
  EXPECT_EQ(to_json(back), to_json(record));
  EXPECT_EQ(back.duration.count(), 1234);
  EXPECT_EQ(back.checks[2].message, "The Digest does not match");
}

TEST(InspectedRequest, AnyBytesAndABodyCutInsideACharacterMakeAReadableRecord) {
  auto request = token_request();
  request.target = "/v3/accounts?q=\xff";
  request.headers.push_back({"X-Latin1", "Caf\xe9"});
  // A cap of 4 bytes cuts "é" (0xC3 0xA9) after its first byte.
  request.body = "abc\xc3\xa9";
  RequestTrace trace;
  trace.failed(kCheckSignature, "signature.invalid", "bad \x80 byte");
  auto record =
      make_inspected_request(request, Response::json(400, "{}"), 400, TimePoint{}, "", &trace, 4);
  make_valid_utf8(record);
  auto back = inspected_request_from_json(to_json(record));  // throws on invalid UTF-8
  EXPECT_EQ(back.target, "/v3/accounts?q=\xef\xbf\xbd");
  EXPECT_EQ(back.request_body, "abc\xef\xbf\xbd…[truncated]");
  EXPECT_EQ(back.request_headers.back().value, "Caf\xef\xbf\xbd");
  EXPECT_EQ(back.checks.at(4).message, "bad \xef\xbf\xbd byte");
}

TEST(RequestTrace, CurrentOnlyInsideItsScope) {
  EXPECT_EQ(current_trace(), nullptr);
  RequestTrace trace;
  {
    TraceScope scope(&trace);
    ASSERT_EQ(current_trace(), &trace);
    current_trace()->passed(kCheckToken);
  }
  EXPECT_EQ(current_trace(), nullptr);
  EXPECT_EQ(trace.check(kCheckToken).verdict, Verdict::Passed);
}

}  // namespace
}  // namespace sandbank::http
