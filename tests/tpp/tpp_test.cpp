// The TPP toolkit's requests, byte for byte, against the guide's own bash + openssl pipelines.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/time_format.hpp"
#include "crypto/sandbox_pki.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "tpp/authorize.hpp"
#include "tpp/client.hpp"
#include "tpp/profile.hpp"
#include "tpp/token_cache.hpp"

namespace sandbank::tpp {
namespace {
namespace fs = std::filesystem;
using sandbank::testing::run_bash;
using sandbank::testing::TempDir;

// Counts up: X-Request-IDs are predictable.
class CountingRandom final : public RandomSource {
 public:
  void fill(std::uint8_t* out, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) out[i] = next_++;
  }

 private:
  std::uint8_t next_ = 0;
};

constexpr const char* kDate = "Wed, 25 Nov 2026 10:00:00 GMT";

TimePoint fixed_time() {
  return parse_http_date(kDate)->time;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

class TppTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir();
    SystemRandom random;
    crypto::create_sandbox_pki(tmp_->path() / "data" / "certs", {},
                               std::chrono::system_clock::now(), random);
    write_file(tmp_->path() / "data" / "endpoints.json",
               R"({"api":"https://api.example.test","web":"https://web.example.test"})");
  }
  static void TearDownTestSuite() { delete tmp_; }

  static fs::path data() { return tmp_->path() / "data"; }
  static fs::path certs() { return data() / "certs"; }

  TppProfile profile() {
    auto p = profile_from_data_dir(data());
    p.token_cache.clear();  // in memory
    p.client_id = "5ca1ab1e-c0ca-c01a-cafe-154deadbea75";
    p.redirect_uri = "https://www.example.com/";
    return p;
  }

  // Runs a bash script in the certificate folder; the script writes its values to files.
  std::string bash(const std::string& script) {
    auto r = run_bash(script, certs());
    EXPECT_EQ(r.exit_code, 0) << r.err << "\n" << script;
    return r.out;
  }

  // openssl dgst -verify of `signature` (raw bytes) over `input` with the signing
  // certificate's public key.
  bool openssl_verifies(std::string_view input, const Bytes& signature, bool pss) {
    TempDir dir;
    write_file(dir.path() / "input", input);
    write_file(dir.path() / "sig", to_string(signature));
    std::string script = "openssl x509 -pubkey -noout -in '" +
                         (certs() / "example_client_signing.cer").string() +
                         "' > pub.pem && openssl dgst -sha256 -verify pub.pem " +
                         (pss ? "-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:-1 " : "") +
                         "-signature sig input";
    auto r = run_bash(script, dir.path());
    return r.exit_code == 0 && r.out.find("Verified OK") != std::string::npos;
  }

  static TempDir* tmp_;
  ManualClock clock_{fixed_time()};
  CountingRandom random_;
};
TempDir* TppTest::tmp_ = nullptr;

std::string header_value(const Request& r, std::string_view name) {
  auto v = r.header(name);
  EXPECT_TRUE(v.has_value()) << name;
  return v.value_or("");
}

std::vector<std::string> header_names(const Request& r) {
  std::vector<std::string> names;
  for (const auto& [n, v] : r.headers) names.push_back(n);
  return names;
}

// ---- the guide's pipelines ----------------------------------------------------------------

TEST_F(TppTest, SignedApplicationTokenIsByteIdenticalToTheGuidesPipeline) {
  // "c) Request an application access token", verbatim but for the fixed Date.
  bash(std::string(R"SH(set -e
payload="grant_type=client_credentials"
payloadDigest=`echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64`
digest=SHA-256=$payloadDigest
reqDate=")SH") +
       kDate + R"SH("
httpMethod="post"
reqPath="/oauth2/token"
signingString="(request-target): $httpMethod $reqPath
date: $reqDate
digest: $digest"
signature=`printf %s "$signingString" | openssl dgst -sha256 -sign "example_client_signing.key" -passin "pass:changeit" | openssl base64 -A`
keyId="SN=49BA5C71"
printf %s "$digest" > g_digest
printf %s "$signingString" > g_signing_string
printf %s "keyId=\"$keyId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$signature\"" > g_auth
printf %s "$(tr -d "\n\r" < example_client_signing.cer)" > g_cert
)SH");
  TppClient client(profile(), clock_, random_);
  auto r = client.app_token_request();
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://api.example.test/oauth2/token");
  EXPECT_EQ(r.body, "grant_type=client_credentials");
  EXPECT_EQ(header_value(r, "Digest"), read_file(certs() / "g_digest"));
  EXPECT_EQ(r.trace.signing_string, read_file(certs() / "g_signing_string"));
  EXPECT_EQ(header_value(r, "Date"), kDate);
  // RSASSA-PKCS1-v1_5 is deterministic: the whole header is identical.
  EXPECT_EQ(header_value(r, "Authorization"), "Signature " + read_file(certs() / "g_auth"));
  EXPECT_EQ(header_value(r, "TPP-Signature-Certificate"), read_file(certs() / "g_cert"));
  EXPECT_EQ(header_names(r),
            (std::vector<std::string>{"Accept", "Content-Type", "Digest", "Date",
                                      "TPP-Signature-Certificate", "Authorization"}));
  EXPECT_EQ(header_value(r, "Content-Type"), "application/x-www-form-urlencoded");
}

TEST_F(TppTest, RegistrationJwsHasTheGuidesSigningStringAndVerifiesWithOpenssl) {
  std::string payload =
      R"({"contact":"test@ingsandbox.com","redirect_uris":["https://example.com","https://another-example.com"]})";
  write_file(certs() / "g_payload", payload);
  // "1. GENERATE JWS SIGNATURE" steps 3a and 3b.
  bash(R"SH(set -e
payload="$(cat g_payload)"
httpMethod="POST"
reqPath="/oauth2/applications"
digest="SHA-256=$(echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64)"
lowerCaseHttpMethod=`echo $httpMethod | tr [:upper:] [:lower:]`
signingString="(request-target): $lowerCaseHttpMethod $reqPath
digest: $digest
content-type: application/json"
base64UrlFingerprint=$(openssl x509 -noout -fingerprint -sha256 -inform pem -in example_client_signing.cer | cut -d '=' -f2 | sed s/://g | xxd -r -p | base64 | tr -d '=' | tr '/+' '_-' | tr -d '\n')
printf %s "$digest" > j_digest
printf %s "$signingString" > j_signing_string
printf %s "$base64UrlFingerprint" > j_x5t
)SH");
  TppClient client(profile(), clock_, random_);
  auto r = client.register_request(payload);
  EXPECT_EQ(r.url, "https://api.example.test/oauth2/applications");
  EXPECT_EQ(r.body, payload);
  EXPECT_EQ(header_value(r, "Digest"), read_file(certs() / "j_digest"));
  auto input = r.trace.jws_signing_input;
  auto dot = input.find('.');
  ASSERT_NE(dot, std::string::npos);
  EXPECT_EQ(input.substr(dot + 1), read_file(certs() / "j_signing_string"));

  auto header = boost::json::parse(r.trace.jws_protected_header).as_object();
  EXPECT_EQ(header.at("x5t#S256").as_string(), read_file(certs() / "j_x5t"));
  EXPECT_EQ(header.at("alg").as_string(), "PS256");
  EXPECT_EQ(header.at("sigT").as_string(), "2026-11-25T10:00:00Z");
  EXPECT_EQ(header.at("b64").as_bool(), false);

  auto jws = header_value(r, "x-jws-signature");
  auto sep = jws.find("..");
  ASSERT_NE(sep, std::string::npos);
  EXPECT_EQ(jws.substr(0, sep), input.substr(0, dot));
  auto signature = base64url_decode(jws.substr(sep + 2));
  ASSERT_TRUE(signature.has_value());
  EXPECT_TRUE(openssl_verifies(input, *signature, true));
  EXPECT_EQ(header_names(r),
            (std::vector<std::string>{"Accept", "Content-Type", "Digest",
                                      "TPP-Signature-Certificate", "x-jws-signature"}));
}

TEST_F(TppTest, CodeExchangeSignatureMatchesTheGuideAndVerifiesWithOpenssl) {
  bash(std::string(R"SH(set -e
payload="grant_type=authorization_code&code=876fyb93-a597-44r2-838f-71b2a57699tb&redirect_uri=https%3A%2F%2Fwww.example.com%2F"
payloadDigest=`echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64`
digest=SHA-256=$payloadDigest
reqDate=")SH") +
       kDate + R"SH("
signingString="(request-target): post /oauth2/token
date: $reqDate
digest: $digest"
signature=`printf %s "$signingString" | openssl dgst -sha256 -sign example_client_signing.key | openssl base64 -A`
printf %s "$payload" > x_payload
printf %s "$digest" > x_digest
printf %s "$signature" > x_signature
)SH");
  TppClient client(profile(), clock_, random_);
  auto r =
      client.exchange_request("APP", "5ca1ab1e-c0ca-c01a-cafe-154deadbea75",
                              "876fyb93-a597-44r2-838f-71b2a57699tb", "https://www.example.com/");
  EXPECT_EQ(r.body, read_file(certs() / "x_payload"));
  EXPECT_EQ(header_value(r, "Digest"), read_file(certs() / "x_digest"));
  EXPECT_EQ(header_value(r, "Signature"),
            "keyId=\"5ca1ab1e-c0ca-c01a-cafe-154deadbea75\",algorithm=\"rsa-sha256\",headers=\"("
            "request-target) date digest\",signature=\"" +
                read_file(certs() / "x_signature") + "\"");
  EXPECT_EQ(header_value(r, "Authorization"), "Bearer APP");
  auto signature = base64_decode(read_file(certs() / "x_signature"));
  EXPECT_TRUE(openssl_verifies(r.trace.signing_string, *signature, false));
}

// ---- request construction -----------------------------------------------------------------

TEST_F(TppTest, MtlsTokenRequestIsTheGuidesForm) {
  TppClient client(profile(), clock_, random_);
  auto r = client.mtls_token_request("5ca1ab1e-c0ca-c01a-cafe-154deadbea75");
  EXPECT_EQ(r.body, "grant_type=client_credentials&client_id=5ca1ab1e-c0ca-c01a-cafe-154deadbea75");
  EXPECT_EQ(header_names(r), (std::vector<std::string>{"Accept", "Content-Type"}));
  auto scoped = client.mtls_token_request("id", "granting payment-accounts:balances:view");
  EXPECT_EQ(scoped.body,
            "grant_type=client_credentials&client_id=id&scope=granting+payment-accounts%3Abalances%"
            "3Aview");
}

TEST_F(TppTest, ApplicationShowAndUpdate) {
  TppClient client(profile(), clock_, random_);
  auto show = client.app_show_request("MTLS");
  EXPECT_EQ(show.method, "GET");
  EXPECT_EQ(show.url, "https://api.example.test/oauth2/applications/me");
  EXPECT_EQ(header_value(show, "Authorization"), "Bearer MTLS");
  EXPECT_EQ(client.app_show_request("MTLS", "abc").target, "/oauth2/applications/abc");

  auto update = client.app_update_request("MTLS", "abc", R"({"contact":"x@y.z"})");
  EXPECT_EQ(update.method, "PUT");
  EXPECT_EQ(update.target, "/oauth2/applications/abc");
  EXPECT_EQ(header_value(update, "Authorization"), "Bearer MTLS");
  auto input = update.trace.jws_signing_input;
  EXPECT_EQ(input.substr(input.find('.') + 1),
            "(request-target): put /oauth2/applications/abc\ndigest: " +
                header_value(update, "Digest") + "\ncontent-type: application/json");
}

TEST_F(TppTest, AuthorizeUrl) {
  TppClient client(profile(), clock_, random_);
  EXPECT_EQ(
      client.authorize_url("5ca1ab1e-c0ca-c01a-cafe-154deadbea75", "nl",
                           "payment-accounts:balances:view payment-accounts:transactions:view",
                           "ANY_ARBITRARY_VALUE", "https://www.example.com/"),
      "https://web.example.test/authorize/v2/NL?client_id=5ca1ab1e-c0ca-c01a-cafe-"
      "154deadbea75&scope=payment-accounts%3Abalances%3Aview%20payment-accounts%"
      "3Atransactions%3Aview&state=ANY_ARBITRARY_VALUE&redirect_uri=https%3A%2F%2Fwww."
      "example.com%2F&response_type=code");
}

TEST_F(TppTest, RefreshAndRevoke) {
  TppClient client(profile(), clock_, random_);
  auto refresh = client.refresh_request("APP", "cid", "RT");
  EXPECT_EQ(refresh.body, "grant_type=refresh_token&refresh_token=RT");
  EXPECT_EQ(refresh.trace.signing_string,
            "(request-target): post /oauth2/token\ndate: " + std::string(kDate) +
                "\ndigest: " + header_value(refresh, "Digest"));
  auto revoke = client.revoke_request("APP", "cid", "RT");
  EXPECT_EQ(revoke.target, "/oauth2/token/revoke");
  EXPECT_EQ(revoke.body, "token=RT&token_type_hint=refresh_token");
  EXPECT_NE(header_value(revoke, "Signature").find("keyId=\"cid\""), std::string::npos);
}

TEST_F(TppTest, AccountInformationGet) {
  TppClient client(profile(), clock_, random_);
  auto r = client.ais_request("CUST", "cid", "/v3/accounts/a1/balances?currency=EUR");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(header_value(r, "Digest"), "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  auto request_id = header_value(r, "X-Request-ID");
  EXPECT_EQ(request_id, "00010203-0405-4607-8809-0a0b0c0d0e0f");
  EXPECT_EQ(
      r.trace.signing_string,
      "(request-target): get /v3/accounts/a1/balances?currency=EUR\ndate: " + std::string(kDate) +
          "\ndigest: SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nx-request-id: " +
          request_id);
  EXPECT_EQ(header_value(r, "Authorization"), "Bearer CUST");
  EXPECT_NE(
      header_value(r, "Signature").find("headers=\"(request-target) date digest x-request-id\""),
      std::string::npos);
}

TEST_F(TppTest, PaymentsAndStatus) {
  TppClient client(profile(), clock_, random_);
  Payment p;
  p.amount = "1";
  p.creditor_iban = "AT861921125678901234";
  p.creditor_name = "Laura Musterfrau";
  auto r =
      client.payment_request("APP", "cid", p, false, "https://example.com/redirect", "37.44.220.0");
  EXPECT_EQ(r.target, "/v1/payments/sepa-credit-transfers");
  EXPECT_EQ(
      r.body,
      R"({"instructedAmount":{"amount":"1","currency":"EUR"},"creditorAccount":{"iban":"AT861921125678901234"},"creditorName":"Laura Musterfrau"})");
  EXPECT_EQ(header_names(r),
            (std::vector<std::string>{"Accept", "Content-Type", "Digest", "Date", "X-Request-ID",
                                      "TPP-Redirect-URI", "PSU-IP-Address", "Authorization",
                                      "Signature"}));
  EXPECT_EQ(header_value(r, "TPP-Redirect-URI"), "https://example.com/redirect");
  EXPECT_EQ(header_value(r, "PSU-IP-Address"), "37.44.220.0");

  p.start_date = "2026-12-01";
  p.frequency = "WEEK";
  auto periodic = client.payment_request("APP", "cid", p, true, "u", "1.2.3.4");
  EXPECT_EQ(periodic.target, "/v1/periodic-payments/sepa-credit-transfers");
  EXPECT_NE(periodic.body.find(R"("startDate":"2026-12-01","frequency":"WEEK")"),
            std::string::npos);

  auto status = client.payment_status_request("APP", "cid", "sepa-credit-transfers", "p1", false);
  EXPECT_EQ(status.target, "/v1/payments/sepa-credit-transfers/p1/status");
  EXPECT_EQ(client.payment_status_request("APP", "cid", "sepa-credit-transfers", "p1", true).target,
            "/v1/periodic-payments/sepa-credit-transfers/p1/status");
}

TEST_F(TppTest, FundsCheckAndGenericCall) {
  TppClient client(profile(), clock_, random_);
  auto r = client.funds_check_request("CUST", "cid", "NL69INGB0123456789", "10.00", "EUR");
  EXPECT_EQ(r.target, "/v1/funds-confirmations");
  EXPECT_EQ(
      r.body,
      R"({"account":{"iban":"NL69INGB0123456789"},"instructedAmount":{"currency":"EUR","amount":"10.00"}})");
  EXPECT_EQ(header_value(r, "Authorization"), "Bearer CUST");

  EXPECT_EQ(auth_for_path("/v3/accounts"), Auth::Customer);
  EXPECT_EQ(auth_for_path("/v1/payments/sepa-credit-transfers"), Auth::Application);
  EXPECT_EQ(auth_for_path("/oauth2/applications/me"), Auth::Mtls);
  EXPECT_EQ(auth_for_path("/sandbank/whoami"), Auth::None);

  auto plain = client.call_request("get", "/sandbank/whoami", "", Auth::Auto, "", "");
  EXPECT_EQ(plain.method, "GET");
  EXPECT_EQ(header_names(plain), (std::vector<std::string>{"Accept"}));
  auto signed_call = client.call_request("GET", "/v3/accounts", "", Auth::Customer, "T", "cid");
  EXPECT_EQ(header_value(signed_call, "Authorization"), "Bearer T");
  EXPECT_TRUE(signed_call.header("Signature").has_value());
}

// ---- tokens, profiles, errors ---------------------------------------------------------------

TEST(TokenCacheTest, ExpiresWithTheInjectedClockAndPersists) {
  TempDir dir;
  ManualClock clock(fixed_time());
  auto file = dir.path() / "tokens.json";
  {
    TokenCache cache(file, "https://h", clock);
    auto body =
        boost::json::parse(
            R"({"access_token":"A","expires_in":900,"refresh_token":"R","refresh_token_expires_in":2592000,"scope":"s","client_id":"c"})")
            .as_object();
    cache.store(TokenKind::Customer, CachedToken::from_response(body, clock.now()));
    cache.set_client_id("c");
  }
  TokenCache cache(file, "https://h", clock);
  EXPECT_EQ(cache.client_id(), "c");
  ASSERT_TRUE(cache.valid(TokenKind::Customer));
  EXPECT_EQ(cache.valid(TokenKind::Customer)->access_token, "A");
  EXPECT_FALSE(cache.valid(TokenKind::Application));
  clock.advance(std::chrono::seconds(900 - 29));  // inside the 30 s margin
  EXPECT_FALSE(cache.valid(TokenKind::Customer));
  EXPECT_TRUE(cache.any(TokenKind::Customer));
  EXPECT_EQ(cache.refresh_token(), "R");
  // A refresh answer without refresh_token keeps the old one.
  auto previous = cache.any(TokenKind::Customer);
  auto refreshed = CachedToken::from_response(
      boost::json::parse(R"({"access_token":"B","expires_in":900})").as_object(), clock.now(),
      &*previous);
  EXPECT_EQ(refreshed.refresh_token, "R");
  // Another host shares nothing.
  EXPECT_FALSE(TokenCache(file, "https://other", clock).client_id());
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST(ProfileTest, RoundTripAndRelativePaths) {
  TempDir dir;
  TppProfile p;
  p.host = "https://api.sandbox.ing.com";
  p.web = "https://myaccount.sandbox.ing.com";
  p.tls_cert = "certs/tls.cer";
  p.signing_key = "/abs/signing.key";
  p.client_id = "cid";
  p.redirect_uri = "https://www.example.com/";
  save_profile(p, dir.path() / "ing.toml");
  auto loaded = load_profile(dir.path() / "ing.toml");
  EXPECT_EQ(loaded.host, p.host);
  EXPECT_EQ(loaded.web, p.web);
  EXPECT_EQ(loaded.tls_cert, (dir.path() / "certs/tls.cer").string());
  EXPECT_EQ(loaded.signing_key, "/abs/signing.key");
  EXPECT_EQ(loaded.client_id, "cid");
  EXPECT_EQ(loaded.redirect_uri, p.redirect_uri);
  EXPECT_EQ(loaded.token_cache, dir.path() / "ing.tokens.json");

  write_file(dir.path() / "bad.toml", "host = \"h\"\nhots = \"x\"\n");
  try {
    load_profile(dir.path() / "bad.toml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "tpp.profile_invalid");
    EXPECT_NE(e.message().find("line 2"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("hots"), std::string::npos);
  }
}

TEST_F(TppTest, ProfileFromDataDirectory) {
  auto p = profile_from_data_dir(data());
  EXPECT_EQ(p.host, "https://api.example.test");
  EXPECT_EQ(p.web, "https://web.example.test");
  EXPECT_EQ(p.ca_file, (certs() / "ca.cer").string());
  EXPECT_EQ(p.signing_cert, (certs() / "example_client_signing.cer").string());
  EXPECT_EQ(p.token_cache, data() / "tpp-tokens.json");
}

std::string error_code_of(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message) *message = e.message();
    return e.code();
  }
  return "";
}

TEST_F(TppTest, ErrorsAUserCanActOn) {
  std::string message;
  auto p = profile();
  p.signing_key = (certs() / "nope.key").string();
  EXPECT_EQ(error_code_of([&] { TppClient(p, clock_, random_).app_token_request(); }, &message),
            "tpp.key_missing");
  EXPECT_NE(message.find("nope.key"), std::string::npos);

  p = profile();
  p.signing_key = (certs() / "example_client_tls.key").string();
  EXPECT_EQ(error_code_of([&] { TppClient(p, clock_, random_).app_token_request(); }, &message),
            "tpp.key_mismatch");
  EXPECT_NE(message.find("example_client_tls.key"), std::string::npos);

  p = profile();
  p.signing_cert = (certs() / "ca.cer").string();
  p.signing_key = (certs() / "ca.key").string();
  EXPECT_EQ(error_code_of([&] { TppClient(p, clock_, random_).app_token_request(); }, &message),
            "tpp.certificate_no_psd2_roles");

  p = profile();
  write_file(certs() / "garbage.key", "not a key");
  p.tls_key = (certs() / "garbage.key").string();
  EXPECT_EQ(error_code_of([&] { TppClient(p, clock_, random_).check_tls_credentials(); }),
            "tpp.key_unreadable");

  p = profile();
  p.host.clear();
  EXPECT_EQ(error_code_of([&] { TppClient(p, clock_, random_).mtls_token_request("x"); }),
            "tpp.not_configured");
}

TEST(ClockSkewTest, WarnsBeyondAMinute) {
  auto now = fixed_time();
  EXPECT_FALSE(clock_skew_warning("Wed, 25 Nov 2026 10:00:59 GMT", now));
  auto w = clock_skew_warning("Wed, 25 Nov 2026 10:02:00 GMT", now);
  ASSERT_TRUE(w);
  EXPECT_NE(w->find("120 s"), std::string::npos);
  EXPECT_TRUE(clock_skew_warning("Wed, 25 Nov 2026 09:58:59 GMT", now));
}

TEST_F(TppTest, DryRunReportsWithoutSendingAndUsesPlaceholders) {
  auto p = profile();
  p.client_id.clear();
  std::vector<std::string> seen;
  Options options;
  options.dry_run = true;
  options.observe = [&](const Request& r, const Response* response) {
    EXPECT_EQ(response, nullptr);
    seen.push_back(r.method + " " + r.target);
  };
  TppClient client(p, clock_, random_, options);
  auto response =
      client.send(client.ais_request(client.customer_token(), client.client_id(), "/v3/accounts"));
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(seen, (std::vector<std::string>{"GET /v3/accounts"}));
}

TEST(OutputTest, PrettyJson) {
  EXPECT_EQ(pretty_json(R"({"a":[1,{"b":"c"}],"d":{}})"),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"c\"\n    }\n  ],\n  \"d\": {}\n}");
  EXPECT_EQ(pretty_json("not json"), "not json");
}

}  // namespace
}  // namespace sandbank::tpp

namespace sandbank::tpp {
namespace {

// The authorization walk offline: a scripted web host answering like Sandbank's pages.
TEST(AuthorizeWalkTest, CountryFormProfileByNameAndTheRedirectNotFollowed) {
  std::vector<std::string> seen;
  WebTransport web = [&](std::string_view method, const std::string& url,
                         const http::HeaderList& headers, std::string_view body) {
    std::string cookie;
    for (const auto& [n, v] : headers) {
      if (n == "Cookie") cookie = v;
    }
    seen.push_back(std::string(method) + " " + url + " [" + cookie + "] " + std::string(body));
    http::ClientResponse r;
    if (url.starts_with("https://web.test/authorize/v2?")) {
      r.status = 200;
      r.headers = {{"Set-Cookie", "sandbank_authz=S1; Path=/authorize; HttpOnly"}};
      r.body =
          R"(<main data-outcome="select-country"><form method="post" action="/authorize/country">
<input type="hidden" name="csrf_token" value="c&amp;1"><button name="country" value="NL">NL</button></form></main>)";
    } else if (url == "https://web.test/authorize/country") {
      r.status = 303;
      r.headers = {{"Location", "/authorize/profiles"}};
    } else if (url == "https://web.test/authorize/profiles") {
      r.status = 200;
      r.body =
          R"(<main data-outcome="select-profile"><form method="post" action="/authorize/consent">
<input type="hidden" name="csrf_token" value="c&amp;1">
<label><input type="radio" name="profile" value="p-1" required> <span class="profile-name">A &amp; B</span></label>
<label><input type="radio" name="profile" value="p-2" required>
  <span class="profile-name">Jane Doe</span></label></form></main>)";
    } else if (url == "https://web.test/authorize/consent") {
      r.status = 302;
      r.headers = {{"Location", "https://tpp.test/cb?code=C%2B1&state=st"}};
    } else {
      r.status = 500;
    }
    return r;
  };
  AuthorizeWalk walk;
  walk.url = "https://web.test/authorize/v2?client_id=x&state=st";
  walk.redirect_uri = "https://tpp.test/cb";
  walk.profile_name = "jane doe";
  auto outcome = walk_authorization(walk, web);
  EXPECT_EQ(outcome.code, "C+1");
  EXPECT_EQ(outcome.state, "st");
  EXPECT_EQ(outcome.status, 302);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[1],
            "POST https://web.test/authorize/country [sandbank_authz=S1] "
            "csrf_token=c%261&country=NL");
  EXPECT_EQ(seen[2], "GET https://web.test/authorize/profiles [sandbank_authz=S1] ");
  EXPECT_EQ(seen[3],
            "POST https://web.test/authorize/consent [sandbank_authz=S1] "
            "csrf_token=c%261&profile=p-2&action=next");

  walk.profile_name = "Nobody";
  seen.clear();
  try {
    walk_authorization(walk, web);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "tpp.authorize_failed");
    EXPECT_NE(e.message().find("offered: A & B, Jane Doe"), std::string::npos) << e.message();
  }
}

TEST(AuthorizeWalkTest, HelpersAndUnknownPages) {
  EXPECT_EQ(resolve_url("https://h.test/a/b?x", "/c"), "https://h.test/c");
  EXPECT_EQ(resolve_url("https://h.test/a/b?x", "c"), "https://h.test/a/c");
  EXPECT_EQ(resolve_url("https://h.test/a", "https://o.test/z"), "https://o.test/z");
  EXPECT_EQ(origin_of("https://h.test:8444/a?b"), "https://h.test:8444");
  auto q = query_parameters("https://x/?error=access_denied&error_description=a+b%21&state=s");
  EXPECT_EQ(q["error"], "access_denied");
  EXPECT_EQ(q["error_description"], "a b!");
  EXPECT_EQ(html_unescape("a&amp;b&#39;c&lt;"), "a&b'c<");
  WebTransport plain = [](std::string_view, const std::string&, const http::HeaderList&,
                          std::string_view) {
    http::ClientResponse r;
    r.status = 200;
    r.body = "<html><body>Log in</body></html>";
    return r;
  };
  AuthorizeWalk walk;
  walk.url = "https://other.test/authorize";
  walk.profile_name = "x";
  try {
    walk_authorization(walk, plain);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("only Sandbank's pages are known"), std::string::npos);
  }
}

}  // namespace
}  // namespace sandbank::tpp
