// Scenarios on demand (docs/scenarios.md) on the real binary: each outcome of
// X-Sandbank-Scenario end to end (status, body, headers, the access log's detail code), the
// refusals of bad or misplaced scenarios, and `--mode production` ignoring the header.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <future>
#include <regex>
#include <thread>

#include "support/server_suite.hpp"

namespace sandbank::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Answer = ScriptAnswer;
using Clock = std::chrono::steady_clock;

constexpr const char* kBothScopes =
    "payment-accounts%3Abalances%3Aview+payment-accounts%3Atransactions%3Aview";
constexpr const char* kPaymentBody =
    R"({"instructedAmount":{"amount":"12.34","currency":"EUR"},)"
    R"("creditorAccount":{"iban":"AT861921125678901234"},"creditorName":"Laura Musterfrau"})";

// What a call answered, with its response headers.
struct Call {
  Answer answer;
  std::map<std::string, std::string> headers;  // lower-case names, the last head's values

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

std::map<std::string, std::string> read_headers(const fs::path& file) {
  std::map<std::string, std::string> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.starts_with("HTTP/")) out.clear();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    out[name] = value;
  }
  return out;
}

class ScenarioTest : public ServerSuite<ScenarioTest> {
 public:
  // One thread: a slow answer must not hold up the others for want of a free thread.
  static std::vector<std::string> serve_args() { return {"--threads", "1"}; }

 protected:
  static void SetUpTestSuite() {
    ServerSuite::SetUpTestSuite();
    app_token_ = guide_->app_token();
    john_ = guide_->customer_token("John Doe", kBothScopes, app_token_);
  }

  // A signed call with `token` (the guide's step 4 form) and the extra header lines
  // (separated by '|').
  static Call call(const std::string& token, const std::string& method, const std::string& path,
                   const std::string& extra, const std::string& body = "",
                   std::vector<std::string> env = {}) {
    auto file = guide_->new_jar();
    env.push_back("HEADERS_FILE='" + file.string() + "'");
    if (!extra.empty()) env.push_back("EXTRA_HEADERS='" + extra + "'");
    Call c{guide_->call_with(token, method, path, body, env), {}};
    c.headers = read_headers(file);
    return c;
  }
  static Call accounts(const std::string& scenario) {
    return call(john_, "GET", "/v3/accounts", "X-Sandbank-Scenario: " + scenario);
  }
  static Call initiate(const std::string& scenario) {
    std::string extra = "X-Request-ID: " + new_request_id() +
                        "|TPP-Redirect-URI: https://example.com/redirect"
                        "|PSU-IP-Address: 37.44.220.0";
    if (!scenario.empty()) extra += "|X-Sandbank-Scenario: " + scenario;
    return call(app_token_, "POST", "/v1/payments/sepa-credit-transfers", extra, kPaymentBody,
                {"CONTENT_TYPE=application/json"});
  }
  static std::string new_request_id() {
    static int n = 0;
    return "5c1d3e0a-0000-4000-8000-" + std::to_string(100000000000 + ++n);
  }

  // The detail the access log recorded for the response with this X-ING-Response-ID (the
  // log is written after the answer: waits for it a little).
  static std::string logged_detail(const Call& c) {
    auto id = c.header("x-ing-response-id");
    EXPECT_FALSE(id.empty()) << c.answer.text;
    for (int i = 0; i < 50; ++i) {
      auto log = server_->log();
      auto at = log.find("id=" + id);
      if (!id.empty() && at != std::string::npos) {
        auto line_start = log.rfind('\n', at);
        auto line = log.substr(line_start == std::string::npos ? 0 : line_start + 1,
                               at - (line_start == std::string::npos ? 0 : line_start + 1));
        auto d = line.find("detail=");
        if (d == std::string::npos) return "";
        auto end = line.find(' ', d);
        return line.substr(d + 7, end == std::string::npos ? std::string::npos : end - d - 7);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    ADD_FAILURE() << "no access log line for " << id;
    return "";
  }

  static inline std::string app_token_;
  static inline std::string john_;
};
// Suite name matches `ctest -R scenario`.
using scenario = ScenarioTest;

TEST_F(scenario, RateLimitedAnswers429WithRetryAfterAndIngsErrorBody) {
  auto c = accounts("rate-limited");
  EXPECT_EQ(c.answer.status, 429) << c.answer.text;
  EXPECT_EQ(c.header("retry-after"), "60");
  EXPECT_EQ(c.answer.tpp("category"), "ERROR") << c.answer.text;
  EXPECT_FALSE(c.answer.tpp("code").empty()) << c.answer.text;
  EXPECT_EQ(c.answer.detail(), "scenario.rate-limited");
  EXPECT_EQ(logged_detail(c), "scenario.rate-limited");

  auto later = accounts("rate-limited; retry-after=7");
  EXPECT_EQ(later.answer.status, 429);
  EXPECT_EQ(later.header("retry-after"), "7");
}

TEST_F(scenario, ServerErrorAndUnavailableAnswerTheRoutesErrorBody) {
  auto ais = accounts("server-error");
  EXPECT_EQ(ais.answer.status, 500) << ais.answer.text;
  EXPECT_EQ(ais.answer.tpp("code"), "ING_ERROR") << ais.answer.text;
  EXPECT_EQ(logged_detail(ais), "scenario.server-error");

  auto down = accounts("unavailable");
  EXPECT_EQ(down.answer.status, 503) << down.answer.text;
  EXPECT_EQ(down.answer.tpp("code"), "SERVICE_UNAVAILABLE") << down.answer.text;
  EXPECT_EQ(down.header("retry-after"), "60");
  EXPECT_EQ(logged_detail(down), "scenario.unavailable");

  auto pis = initiate("unavailable;retry-after=120");
  EXPECT_EQ(pis.answer.status, 503) << pis.answer.text;
  EXPECT_EQ(pis.answer.tpp("category"), "ERROR") << pis.answer.text;
  EXPECT_EQ(pis.header("retry-after"), "120");
  // The X-Request-ID echo every PIS answer carries is there too.
  EXPECT_FALSE(pis.header("x-request-id").empty());
}

TEST_F(scenario, SlowAnswersLateWithoutHoldingUpOtherConnections) {
  auto started = Clock::now();
  auto slow = std::async(std::launch::async, [] { return accounts("slow;ms=2500"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // The server has one thread; another request is answered while the slow one waits.
  auto quick = curl({"--cacert", server_->cert("ca.cer").string(), server_->api_url() + "/health"});
  auto quick_done = Clock::now();
  EXPECT_EQ(quick.status, 200);
  auto c = slow.get();
  auto slow_done = Clock::now();
  EXPECT_EQ(c.answer.status, 200) << c.answer.text;
  EXPECT_TRUE(c.answer.body.is_object() && c.answer.object().contains("accounts")) << c.answer.text;
  EXPECT_GE(slow_done - started, std::chrono::milliseconds(2500));
  EXPECT_LT(quick_done, started + std::chrono::milliseconds(2500));
  EXPECT_EQ(logged_detail(c), "scenario.slow");
}

TEST_F(scenario, TokenExpiredAndConsentExpiredAreTheRealFailures) {
  auto t = accounts("token-expired");
  EXPECT_EQ(t.answer.status, 401) << t.answer.text;
  EXPECT_EQ(t.answer.detail(), "token.expired") << t.answer.text;
  EXPECT_EQ(t.header("www-authenticate"), "Signature realm=\"sandbank\"");
  EXPECT_EQ(logged_detail(t), "scenario.token-expired");

  auto c = accounts("consent-expired");
  EXPECT_EQ(c.answer.status, 401) << c.answer.text;
  EXPECT_EQ(c.answer.detail(), "consent.expired") << c.answer.text;
  EXPECT_EQ(c.answer.tpp("code"), "SERVICE_BLOCKED") << c.answer.text;
  EXPECT_EQ(logged_detail(c), "scenario.consent-expired");

  // The token and the consent are untouched: without the header the call succeeds.
  auto ok = call(john_, "GET", "/v3/accounts", "");
  EXPECT_EQ(ok.answer.status, 200) << ok.answer.text;
}

TEST_F(scenario, SignatureInvalidIsTheVerifiersOwnAnswer) {
  auto s = accounts("signature-invalid");
  EXPECT_EQ(s.answer.status, 401) << s.answer.text;
  EXPECT_EQ(s.answer.detail(), "signature.invalid") << s.answer.text;
  // The verifier's own message and diagnostic: the signing string the server built.
  EXPECT_NE(s.answer.text.find("does not verify"), std::string::npos) << s.answer.text;
  EXPECT_NE(s.answer.text.find("(request-target): get /v3/accounts"), std::string::npos)
      << s.answer.text;
  EXPECT_EQ(logged_detail(s), "scenario.signature-invalid");

  // On the token endpoint (Authorization: Signature) too, with its RFC 6749 body.
  auto file = guide_->new_jar();
  auto token = guide_->app_token_call({"HEADERS_FILE='" + file.string() + "'",
                                       "EXTRA_HEADERS='X-Sandbank-Scenario: signature-invalid'"});
  EXPECT_EQ(token.status, 401) << token.text;
  EXPECT_EQ(token.detail(), "signature.invalid") << token.text;
  EXPECT_FALSE(token.str("error").empty()) << token.text;
}

TEST_F(scenario, PaymentRejectedEndsRjctWithTheReason) {
  for (std::string reason : {"", "MS03"}) {
    auto c = initiate(reason.empty() ? "payment-rejected" : "payment-rejected;reason=" + reason);
    ASSERT_EQ(c.answer.status, 201) << c.answer.text;
    EXPECT_EQ(logged_detail(c), "scenario.payment-rejected");
    auto id = c.answer.str("paymentId");
    auto status =
        call(app_token_, "GET", "/v1/payments/sepa-credit-transfers/" + id + "/status", "");
    ASSERT_EQ(status.answer.status, 200) << status.answer.text;
    EXPECT_EQ(status.answer.str("transactionStatus"), "RJCT") << status.answer.text;
    EXPECT_NE(status.answer.text.find("\"cd\":\"" + (reason.empty() ? "AM04" : reason) + "\""),
              std::string::npos)
        << status.answer.text;
  }
  // Without the header the same payment is received as usual.
  auto plain = initiate("");
  ASSERT_EQ(plain.answer.status, 201) << plain.answer.text;
  auto status =
      call(app_token_, "GET",
           "/v1/payments/sepa-credit-transfers/" + plain.answer.str("paymentId") + "/status", "");
  EXPECT_EQ(status.answer.str("transactionStatus"), "RCVD") << status.answer.text;
}

TEST_F(scenario, UnknownNamesAndBadParametersAre400NamingTheKnownOnes) {
  auto unknown = accounts("teapot");
  EXPECT_EQ(unknown.answer.status, 400) << unknown.answer.text;
  EXPECT_EQ(unknown.answer.detail(), "request.scenario_unknown");
  for (const char* name : {"rate-limited", "server-error", "unavailable", "slow", "token-expired",
                           "signature-invalid", "consent-expired", "payment-rejected", "sca-failed",
                           "sca-cancelled", "sca-pending-forever"}) {
    EXPECT_NE(unknown.answer.text.find(name), std::string::npos) << name << unknown.answer.text;
  }
  EXPECT_EQ(logged_detail(unknown), "request.scenario_unknown");

  for (const char* bad : {"slow", "slow;ms=0", "slow;ms=30001", "slow;ms=abc", "slow;ms=10;ms=20",
                          "rate-limited;retry-after=0", "server-error;x=1",
                          "payment-rejected;reason=am04", "payment-rejected;reason"}) {
    auto c = accounts(bad);
    EXPECT_EQ(c.answer.status, 400) << bad << " " << c.answer.text;
    EXPECT_EQ(c.answer.detail(), "request.scenario_invalid") << bad << " " << c.answer.text;
  }
}

TEST_F(scenario, AScenarioTheRouteHasNoUseForIsRefused) {
  // token-expired on a route without a token, payment-rejected on AIS, SCA on the API.
  auto health = curl({"--cacert", server_->cert("ca.cer").string(), "-H",
                      "X-Sandbank-Scenario: token-expired", server_->api_url() + "/health"});
  EXPECT_EQ(health.status, 400) << health.body;
  EXPECT_NE(health.body.find("request.scenario_not_applicable"), std::string::npos) << health.body;
  auto ais = accounts("payment-rejected");
  EXPECT_EQ(ais.answer.status, 400) << ais.answer.text;
  EXPECT_EQ(ais.answer.detail(), "request.scenario_not_applicable");
  auto sca = accounts("sca-failed");
  EXPECT_EQ(sca.answer.status, 400) << sca.answer.text;
  EXPECT_NE(sca.answer.text.find("sandbank_scenario=sca-failed"), std::string::npos)
      << sca.answer.text;
  // The generic outcomes apply everywhere, also without a certificate.
  auto down = curl({"--cacert", server_->cert("ca.cer").string(), "-H",
                    "X-Sandbank-Scenario: unavailable", server_->api_url() + "/health"});
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(down.header("Retry-After").value_or(""), "60");
}

// ---- the web listener's pages: sandbank_scenario on the first page of an authorization.

std::string first_match(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? std::string(m[1]) : "";
}

// The consent page of John Doe's profile with `scenario` on its URL, then Next: the answer.
HttpResult consent_with(const SandbankServer& server, const fs::path& jar,
                        const std::string& scenario, HttpResult* first = nullptr,
                        const std::string& profile_name = "John Doe") {
  auto ca = server.ca_cert().string();
  auto start = curl({"--cacert", ca, "-c", jar.string(),
                     server.web_url() + "/authorize/v2/NL?client_id=" + kSandboxClientId +
                         "&scope=" + kBalancesScope + "&state=xyz&response_type=code" +
                         "&redirect_uri=" + kExampleRedirectEncoded +
                         (scenario.empty() ? "" : "&sandbank_scenario=" + scenario)});
  if (first) *first = start;
  if (start.status != 200) return start;
  auto csrf = first_match(start.body, "name=\"csrf_token\" value=\"([^\"]+)\"");
  auto profile = first_match(start.body,
                             "name=\"profile\" value=\"([^\"]+)\"[^>]*>\\s*<span "
                             "class=\"profile-name\">" +
                                 profile_name + "<");
  EXPECT_FALSE(profile.empty()) << start.body;
  return curl({"--cacert", ca, "-b", jar.string(), "--data-urlencode", "csrf_token=" + csrf,
               "--data", "profile=" + profile + "&action=next",
               server.web_url() + "/authorize/consent"});
}

// The last access log line of a request to `path_prefix` answered `status`: its detail.
std::string last_logged_detail(const SandbankServer& server, const std::string& request_line,
                               int status) {
  for (int i = 0; i < 50; ++i) {
    auto log = server.log();
    auto at = log.rfind("\"" + request_line);
    if (at != std::string::npos) {
      auto line = log.substr(at, log.find('\n', at) - at);
      if (line.find("\" " + std::to_string(status) + " ") != std::string::npos) {
        auto d = line.find("detail=");
        return d == std::string::npos ? "" : line.substr(d + 7, line.find(' ', d) - d - 7);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
  }
  ADD_FAILURE() << "no access log line for " << request_line << " " << status;
  return "";
}

TEST_F(scenario, ConsentPageScaCancelledAndFailedSendTheCustomerBackDenied) {
  auto cancelled = consent_with(*server_, guide_->new_jar(), "sca-cancelled");
  EXPECT_EQ(cancelled.status, 302) << cancelled.body;
  auto location = cancelled.header("Location").value_or("");
  EXPECT_NE(location.find("error=access_denied"), std::string::npos) << location;
  EXPECT_NE(location.find("state=xyz"), std::string::npos) << location;
  EXPECT_EQ(location.find("code="), std::string::npos) << location;
  EXPECT_EQ(last_logged_detail(*server_, "POST /authorize/consent", 302), "scenario.sca-cancelled");

  auto failed = consent_with(*server_, guide_->new_jar(), "sca-failed");
  EXPECT_EQ(failed.status, 302) << failed.body;
  location = failed.header("Location").value_or("");
  EXPECT_NE(location.find("error=access_denied"), std::string::npos) << location;
  EXPECT_NE(location.find("authentication%20failed"), std::string::npos) << location;
  EXPECT_EQ(last_logged_detail(*server_, "POST /authorize/consent", 302), "scenario.sca-failed");

  // Without the parameter the same walk ends with a code.
  auto code = guide_->authorization_code("John Doe");
  EXPECT_FALSE(code.empty());
}

TEST_F(scenario, ConsentPageScaPendingForeverNeverRedirects) {
  auto jar = guide_->new_jar();
  auto pending = consent_with(*server_, jar, "sca-pending-forever");
  EXPECT_EQ(pending.status, 200) << pending.body;
  EXPECT_FALSE(pending.header("Location").has_value());
  EXPECT_NE(pending.body.find("sca_pending"), std::string::npos) << pending.body;
  EXPECT_EQ(last_logged_detail(*server_, "POST /authorize/consent", 200),
            "scenario.sca-pending-forever");
}

TEST_F(scenario, PagesAnswerTheGenericOutcomesAsErrorPages) {
  HttpResult first;
  consent_with(*server_, guide_->new_jar(), "unavailable%3Bretry-after%3D9", &first);
  EXPECT_EQ(first.status, 503) << first.body;
  EXPECT_EQ(first.header("Retry-After").value_or(""), "9");
  EXPECT_NE(first.header("Content-Type").value_or("").find("text/html"), std::string::npos);
  // slow: the first page late, the walk goes on to its code.
  auto started = Clock::now();
  auto walked = consent_with(*server_, guide_->new_jar(), "slow%3Bms%3D1200", &first);
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(1200));
  EXPECT_NE(walked.header("Location").value_or("").find("code="), std::string::npos);
  consent_with(*server_, guide_->new_jar(), "teapot", &first);
  EXPECT_EQ(first.status, 400) << first.body;
  EXPECT_NE(first.body.find("sca-pending-forever"), std::string::npos) << first.body;
  consent_with(*server_, guide_->new_jar(), "token-expired", &first);
  EXPECT_EQ(first.status, 400) << first.body;
  EXPECT_NE(first.body.find("X-Sandbank-Scenario"), std::string::npos) << first.body;
  // payment-rejected belongs to the payment page.
  consent_with(*server_, guide_->new_jar(), "payment-rejected", &first);
  EXPECT_EQ(first.status, 400) << first.body;
}

TEST_F(scenario, PaymentPageScenariosDecideThePaymentsEnd) {
  struct Case {
    std::string scenario;
    std::string status;
    std::string reason;
  };
  for (const auto& c : {Case{"payment-rejected%3Breason%3DAM05", "RJCT", "AM05"},
                        Case{"sca-failed", "RJCT", "AC07"}, Case{"sca-cancelled", "RJCT", "MS02"},
                        Case{"sca-pending-forever", "RCVD", ""}}) {
    auto init = initiate("");
    ASSERT_EQ(init.answer.status, 201) << init.answer.text;
    auto sca = std::string(init.answer.object().at("_links").at("scaRedirect").as_string());
    auto decided =
        approve_payment(*server_, guide_->new_jar(), sca + "?sandbank_scenario=" + c.scenario,
                        "AT861921012345678912");
    EXPECT_EQ(decided.status, c.status == "RCVD" ? 200 : 302) << c.scenario << decided.body;
    auto status =
        call(app_token_, "GET",
             "/v1/payments/sepa-credit-transfers/" + init.answer.str("paymentId") + "/status", "");
    EXPECT_EQ(status.answer.str("transactionStatus"), c.status) << c.scenario << status.answer.text;
    if (!c.reason.empty()) {
      EXPECT_NE(status.answer.text.find("\"cd\":\"" + c.reason + "\""), std::string::npos)
          << c.scenario << status.answer.text;
    }
  }
}

// Last: the scenario's token-expired against a token that really expired (the bank's clock
// moved past its lifetime): the same status, headers and body.
TEST_F(scenario, TokenExpiredMatchesARealExpiredToken) {
  auto asked = accounts("token-expired");
  restart_server({"--threads", "1", "--clock-offset", "86400"});
  auto file = guide_->new_jar();
  auto later = std::chrono::system_clock::now() + std::chrono::hours(24);
  auto t = std::chrono::system_clock::to_time_t(later);
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&t));
  auto real = guide_->call_with(
      john_, "GET", "/v3/accounts", "",
      {"HEADERS_FILE='" + file.string() + "'", std::string("REQ_DATE='") + date + "'"});
  auto headers = read_headers(file);
  EXPECT_EQ(real.status, asked.answer.status) << real.text;
  EXPECT_EQ(real.text, asked.answer.text);
  for (const char* h : {"www-authenticate", "content-type", "cache-control"}) {
    EXPECT_EQ(headers[h], asked.header(h)) << h;
  }
}

// Scenarios the --profiles file declares: AIS latency, a balance, a payment outcome, an SCA
// outcome, for the profiles that name them.
TEST(ScenarioProfiles, DeclaredScenariosShapeTheirProfilesAnswers) {
  TempDir tmp;
  auto file = tmp.path() / "profiles.json";
  std::ofstream(file)
      << R"({"scenarios":{)"
         R"("laggy":{"description":"A slow, poor bank that rejects payments",)"
         R"("ais_latency_ms":1500,"balance":"3.50","payment_reject_reason":"MS03"},)"
         R"("no_sca":{"description":"Authentication fails","sca":"failed"}},)"
         R"("profiles":[)"
         R"({"id":"nl-laggy","name":"Laggy Lisa","country":"NL","scenario":"laggy",)"
         R"("accounts":[{"kind":"current","iban":"NL69INGB0123456789"}]},)"
         R"({"id":"nl-failing","name":"Failing Frank","country":"NL","scenario":"no_sca",)"
         R"("accounts":[{"kind":"current"}]},)"
         R"({"id":"nl-plain","name":"Plain Paula","country":"NL","accounts":[{"kind":"current"}]}]})";
  SandbankServer server(tmp.path() / "data", {"--profiles", file.string()});
  server.start();
  GuideClient guide(server, tmp.path());
  auto app = guide.app_token();

  auto lisa = guide.customer_token("Laggy Lisa", kBalancesScope, app);
  auto started = Clock::now();
  auto accounts = guide.call_with(lisa, "GET", "/v3/accounts", "");
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(1500));
  ASSERT_EQ(accounts.status, 200) << accounts.text;
  auto id = std::string(accounts.object().at("accounts").at(0).at("resourceId").as_string());
  auto balances = guide.call_with(lisa, "GET", "/v3/accounts/" + id + "/balances", "");
  EXPECT_NE(balances.text.find(
                "\"closingBooked\",\"balanceAmount\":{\"currency\":\"EUR\",\"amount\":3.50}"),
            std::string::npos)
      << balances.text;

  // Another profile's answers are not delayed.
  auto paula = guide.customer_token("Plain Paula", kBalancesScope, app);
  started = Clock::now();
  EXPECT_EQ(guide.call_with(paula, "GET", "/v3/accounts", "").status, 200);
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(1500));

  // Frank cannot authenticate: the consent page sends him back denied.
  auto frank = consent_with(server, guide.new_jar(), "", nullptr, "Failing Frank");
  EXPECT_EQ(frank.status, 302) << frank.body;
  EXPECT_NE(frank.header("Location").value_or("").find("error=access_denied"), std::string::npos);

  // A payment Lisa authorizes ends RJCT with MS03.
  std::string body = R"({"instructedAmount":{"amount":"1.00","currency":"EUR"},)"
                     R"("creditorAccount":{"iban":"DE89370400440532013000"},)"
                     R"("creditorName":"Laura Musterfrau",)"
                     R"("debtorAccount":{"iban":"NL69INGB0123456789"}})";
  auto init = guide.guide_pis("/v1/payments/sepa-credit-transfers", &body);
  ASSERT_EQ(init.status, 201) << init.text;
  auto sca = std::string(init.object().at("_links").at("scaRedirect").as_string());
  auto decided = approve_payment(server, guide.new_jar(), sca, "NL69INGB0123456789");
  EXPECT_EQ(decided.status, 302) << decided.body;
  auto status = guide.guide_pis(
      "/v1/payments/sepa-credit-transfers/" + init.str("paymentId") + "/status", nullptr, "get");
  EXPECT_EQ(status.str("transactionStatus"), "RJCT") << status.text;
  EXPECT_NE(status.text.find("\"cd\":\"MS03\""), std::string::npos) << status.text;
}

TEST(ScenarioModes, ProductionModeIgnoresTheHeader) {
  TempDir tmp;
  SandbankServer server(tmp.path() / "data", {"--mode", "production"});
  server.start();
  auto r = curl({"--cacert", server.cert("ca.cer").string(), "-H",
                 "X-Sandbank-Scenario: unavailable", server.api_url() + "/health"});
  EXPECT_EQ(r.status, 200) << r.body;
  auto bad = curl({"--cacert", server.cert("ca.cer").string(), "-H", "X-Sandbank-Scenario: teapot",
                   server.api_url() + "/health"});
  EXPECT_EQ(bad.status, 200) << bad.body;
}

}  // namespace
}  // namespace sandbank::testing
