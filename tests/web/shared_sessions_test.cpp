// Several nodes on one store: the consent pages' and the payment page's sessions live in the
// store, so a customer whose next page lands on another node (another Store over the same
// SQLite file, as another process would open it) does not notice.
#include <gtest/gtest.h>

#include <regex>

#include "bank/payments.hpp"
#include "oauth/scopes.hpp"
#include "store/temp_dir.hpp"
#include "web/authorization_app.hpp"
#include "web/pages.hpp"
#include "web/payment_page.hpp"

namespace sandbank::web {
namespace {

using namespace std::chrono_literals;
using store::test_support::read_file;
using store::test_support::TempDir;

constexpr const char* kClientId = "5ca1ab1e-c0ca-c01a-cafe-154deadbea75";

std::string query_param(const std::string& url, const std::string& name) {
  std::smatch m;
  if (std::regex_search(url, m, std::regex("[?&]" + name + "=([^&#]*)"))) return m[1];
  return "";
}
std::string cookie(const http::Response& r) {
  auto set = std::string(r.header("Set-Cookie").value_or(""));
  return set.substr(0, set.find(';'));
}
std::string csrf(const http::Response& r) {
  std::smatch m;
  std::regex_search(r.body, m, std::regex("name=\"csrf_token\" value=\"([^\"]+)\""));
  return m[1];
}
std::string outcome(const http::Response& r) {
  std::smatch m;
  std::regex_search(r.body, m, std::regex("data-outcome=\"([^\"]+)\""));
  return m[1];
}
std::string error_of(const http::Response& r) {
  std::smatch m;
  std::regex_search(r.body, m, std::regex("data-error=\"([^\"]+)\""));
  return m[1];
}
std::string jane_doe_id() {
  for (const auto& p : bank::builtin_profiles().profiles) {
    if (p.country == "NL" && p.name == "Jane Doe") return p.id;
  }
  return "";
}

// One Sandbank node: its own Store over the shared file, its own services and pages.
struct Node {
  Node(const std::filesystem::path& db, const Clock& clock, RandomSource& random,
       const store::Application& application, AuthorizationAppSettings settings)
      : store(store::open_sqlite_store(db, true)),
        tokens(*store, clock, random),
        authorizations(*store, clock, random),
        payments(*store, clock, random),
        app(
            [&application](const std::string& id) -> std::optional<store::Application> {
              if (id == application.client_id) return application;
              return std::nullopt;
            },
            [](const store::Application& a) { return oauth::scopes_for_roles(a.roles); },
            authorizations, store->sessions(), bank::builtin_profiles(), clock, random, settings),
        payment_page(payments, store->bank(), store->sessions(), bank::builtin_profiles(), clock,
                     random, Seconds(600), settings.max_sessions) {}

  http::Response get(const std::string& target, const std::string& cookie_header = "",
                     const std::string& country = "") {
    http::Request r;
    r.method = "GET";
    r.target = target;
    if (!cookie_header.empty()) r.headers.push_back({"Cookie", cookie_header});
    if (!country.empty()) r.path_params["country"] = country;
    if (target.starts_with("/authorize/v2")) return app.authorize(r);
    if (target == "/authorize/profiles") return app.profiles_page(r);
    return app.country_page(r);
  }
  http::Response post(const std::string& path, const std::string& cookie_header,
                      const std::string& body) {
    http::Request r;
    r.method = "POST";
    r.target = path;
    r.body = body;
    if (!cookie_header.empty()) r.headers.push_back({"Cookie", cookie_header});
    return path == "/authorize/country" ? app.choose_country(r) : app.consent(r);
  }
  http::Response payment(const std::string& method, const std::string& payment_id,
                         const std::string& cookie_header = "", const std::string& body = "") {
    http::Request r;
    r.method = method;
    r.target = "/payment-initiation/" + payment_id + "/NL";
    r.path_params["paymentId"] = payment_id;
    r.path_params["country"] = "NL";
    r.body = body;
    if (!cookie_header.empty()) r.headers.push_back({"Cookie", cookie_header});
    return method == "GET" ? payment_page.show(r) : payment_page.decide(r);
  }

  std::unique_ptr<store::Store> store;
  oauth::TokenService tokens;
  oauth::Authorizations authorizations;
  bank::PaymentService payments;
  AuthorizationApp app;
  PaymentPage payment_page;
};

class SharedSessionsTest : public ::testing::Test {
 protected:
  SharedSessionsTest() : clock_(TimePoint(std::chrono::seconds(1'800'000'000))) {
    application_.client_id = kClientId;
    application_.redirect_uris = {"https://www.example.com/"};
    application_.roles = {"PSP_AI", "PSP_PI", "PSP_IC"};
  }

  void start_nodes(AuthorizationAppSettings settings = {}) {
    a_ = std::make_unique<Node>(dir_ / "sandbank.db", clock_, random_, application_, settings);
    b_ = std::make_unique<Node>(dir_ / "sandbank.db", clock_, random_, application_, settings);
  }

  static std::string query(const std::string& state = "xyz") {
    return std::string("client_id=") + kClientId +
           "&scope=payment-accounts%3Abalances%3Aview&state=" + state +
           "&redirect_uri=https%3A%2F%2Fwww.example.com%2F&response_type=code";
  }

  // A payment waiting for the customer (RCVD), stored through node A.
  std::string pending_payment() {
    store::PaymentRecord p;
    p.id = "0b8a4c52-5a0e-4c39-9a53-3f0c1d2e4f50";
    p.client_id = kClientId;
    p.kind = "single";
    p.product = "sepa-credit-transfers";
    p.request_json = "{}";
    p.status = "RCVD";
    p.country = "NL";
    p.redirect_uri = "https://www.example.com/payment-done";
    p.amount_minor = 1250;
    p.currency = "EUR";
    p.creditor_iban = "NL91ABNA0417164300";
    p.creditor_name = "Example Creditor";
    p.created_at = clock_.now();
    p.updated_at = clock_.now();
    EXPECT_TRUE(a_->store->payments().create(p, "request-1", "hash").created);
    return p.id;
  }

  TempDir dir_;
  ManualClock clock_;
  SystemRandom random_;
  store::Application application_;
  std::unique_ptr<Node> a_;
  std::unique_ptr<Node> b_;
};

TEST_F(SharedSessionsTest, EachPageOnTheOtherNode) {
  start_nodes();
  auto countries = a_->get("/authorize/v2?" + query());
  ASSERT_EQ(outcome(countries), kOutcomeSelectCountry);
  auto jar = cookie(countries);
  ASSERT_FALSE(jar.empty());
  auto token = csrf(countries);

  auto chosen = b_->post("/authorize/country", jar, "csrf_token=" + token + "&country=NL");
  EXPECT_EQ(chosen.status, 303u) << chosen.body;
  auto profiles = a_->get("/authorize/profiles", jar);
  EXPECT_EQ(outcome(profiles), kOutcomeSelectProfile);  // the country B stored
  EXPECT_EQ(csrf(profiles), token);
  auto done = b_->post("/authorize/consent", jar,
                       "csrf_token=" + token + "&profile=" + jane_doe_id() + "&action=next");
  ASSERT_EQ(done.status, 302u) << done.body;
  auto location = std::string(done.header("Location").value_or(""));
  EXPECT_EQ(query_param(location, "state"), "xyz");
  EXPECT_EQ(a_->app.session_count(), 0u);
  EXPECT_EQ(b_->app.session_count(), 0u);

  // The code B issued is exchanged on A, for the consent of the profile chosen on B.
  auto grant = a_->tokens.exchange_code(application_, query_param(location, "code"),
                                        "https://www.example.com/", "fp");
  auto access = a_->tokens.validate_customer(grant.access_token, "fp");
  EXPECT_EQ(access.consent.profile_id, jane_doe_id());
  EXPECT_EQ(access.consent.country, "NL");
}

TEST_F(SharedSessionsTest, TheCsrfTokenIsCheckedOnTheOtherNode) {
  start_nodes();
  auto page = a_->get("/authorize/v2/NL?" + query(), "", "NL");
  auto wrong = b_->post("/authorize/consent", cookie(page),
                        "csrf_token=AAAA&profile=" + jane_doe_id() + "&action=next");
  EXPECT_EQ(wrong.status, 403u);
  EXPECT_EQ(error_of(wrong), "csrf_mismatch");
  auto other_session = b_->get("/authorize/v2/NL?" + query(), "", "NL");
  auto mixed =
      b_->post("/authorize/consent", cookie(page),
               "csrf_token=" + csrf(other_session) + "&profile=" + jane_doe_id() + "&action=next");
  EXPECT_EQ(mixed.status, 403u);
}

TEST_F(SharedSessionsTest, ASessionGivesOneCodeWhicheverNodesAreAsked) {
  start_nodes();
  auto page = a_->get("/authorize/v2/NL?" + query(), "", "NL");
  auto body = "csrf_token=" + csrf(page) + "&profile=" + jane_doe_id() + "&action=next";
  auto first = b_->post("/authorize/consent", cookie(page), body);
  auto second = a_->post("/authorize/consent", cookie(page), body);
  EXPECT_EQ(first.status, 302u);
  EXPECT_EQ(second.status, 400u);
  EXPECT_EQ(error_of(second), "session_expired");
}

TEST_F(SharedSessionsTest, TheSessionExpiresOnEveryNode) {
  start_nodes();
  auto page = a_->get("/authorize/v2/NL?" + query(), "", "NL");
  clock_.advance(9min + 59s);
  EXPECT_EQ(outcome(b_->get("/authorize/profiles", cookie(page))), kOutcomeSelectProfile);
  clock_.advance(2s);
  auto late = b_->get("/authorize/profiles", cookie(page));
  EXPECT_EQ(late.status, 400u);
  EXPECT_EQ(error_of(late), "session_expired");
  EXPECT_EQ(error_of(a_->get("/authorize/profiles", cookie(page))), "session_expired");
}

TEST_F(SharedSessionsTest, TheCookieIsStoredOnlyAsItsHash) {
  start_nodes();
  auto page = a_->get("/authorize/v2/NL?" + query(), "", "NL");
  auto jar = cookie(page);
  auto value = jar.substr(jar.find('=') + 1);
  ASSERT_GE(value.size(), 32u);
  auto& sessions = b_->store->sessions();
  auto stored =
      sessions.find(std::string(kAuthorizeSessionKind), session_id_hash(value), clock_.now());
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->csrf_token, csrf(page));
  EXPECT_EQ(stored->expires_at, clock_.now() + 600s);
  EXPECT_FALSE(sessions.find(std::string(kAuthorizeSessionKind), value, clock_.now()));
  // Nowhere in the database's files.
  auto files = read_file(dir_ / "sandbank.db") + read_file(dir_ / "sandbank.db-wal");
  EXPECT_NE(files.find(session_id_hash(value)), std::string::npos);
  EXPECT_EQ(files.find(value), std::string::npos);
}

TEST_F(SharedSessionsTest, TheLimitCountsTheSessionsOfEveryNode) {
  AuthorizationAppSettings settings;
  settings.max_sessions = 2;
  start_nodes(settings);
  auto first = a_->get("/authorize/v2/NL?" + query(), "", "NL");
  auto second = b_->get("/authorize/v2/NL?" + query(), "", "NL");
  ASSERT_EQ(outcome(second), kOutcomeSelectProfile);
  auto refused = a_->get("/authorize/v2/NL?" + query(), "", "NL");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(outcome(refused), kOutcomeError);
  EXPECT_EQ(error_of(refused), "too_many_sessions");
  EXPECT_EQ(refused.header("Retry-After").value_or(""), "60");
  EXPECT_FALSE(refused.header("Set-Cookie"));
  // The live sessions still work, and one ending makes room.
  auto done = b_->post("/authorize/consent", cookie(first),
                       "csrf_token=" + csrf(first) + "&profile=" + jane_doe_id() + "&action=next");
  EXPECT_EQ(done.status, 302u);
  EXPECT_EQ(outcome(b_->get("/authorize/v2/NL?" + query(), "", "NL")), kOutcomeSelectProfile);
  EXPECT_EQ(a_->get("/authorize/v2/NL?" + query(), "", "NL").status, 503u);
  // Expired sessions do not count.
  clock_.advance(10min + 1s);
  EXPECT_EQ(outcome(a_->get("/authorize/v2/NL?" + query(), "", "NL")), kOutcomeSelectProfile);
  EXPECT_EQ(b_->app.session_count(), 1u);
}

TEST_F(SharedSessionsTest, ThePaymentPageOnOneNodeAndTheDecisionOnTheOther) {
  start_nodes();
  auto id = pending_payment();
  auto page = a_->payment("GET", id);
  ASSERT_EQ(page.status, 200u) << page.body;
  auto jar = cookie(page);
  ASSERT_TRUE(jar.starts_with("sandbank_pay="));
  auto wrong = b_->payment("POST", id, jar, "csrf_token=AAAA&action=reject");
  EXPECT_EQ(wrong.status, 403u);
  auto done = b_->payment("POST", id, jar, "csrf_token=" + csrf(page) + "&action=reject");
  ASSERT_EQ(done.status, 302u) << done.body;
  EXPECT_EQ(done.header("Location").value_or(""), "https://www.example.com/payment-done");
  EXPECT_EQ(outcome(done), kOutcomeDenied);
  EXPECT_EQ(a_->payments.find(id)->status, "RJCT");
  // The session ended on both nodes.
  auto again = a_->payment("POST", id, jar, "csrf_token=" + csrf(page) + "&action=reject");
  EXPECT_EQ(again.status, 400u);
  EXPECT_EQ(error_of(again), "session_missing");
}

TEST_F(SharedSessionsTest, APaymentSessionIsNotAnAuthorizationSession) {
  start_nodes();
  auto id = pending_payment();
  auto page = a_->payment("GET", id);
  auto value = cookie(page).substr(std::string("sandbank_pay=").size());
  auto as_authz = b_->get("/authorize/profiles", std::string(kSessionCookie) + "=" + value);
  EXPECT_EQ(error_of(as_authz), "session_expired");
}

TEST_F(SharedSessionsTest, ThePaymentPageRefusesSessionsPastTheLimit) {
  AuthorizationAppSettings settings;
  settings.max_sessions = 1;
  start_nodes(settings);
  auto id = pending_payment();
  EXPECT_EQ(a_->payment("GET", id).status, 200u);
  auto refused = b_->payment("GET", id);
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(error_of(refused), "too_many_sessions");
  EXPECT_EQ(refused.header("Retry-After").value_or(""), "60");
  // The consent pages count their own sessions.
  EXPECT_EQ(outcome(b_->get("/authorize/v2/NL?" + query(), "", "NL")), kOutcomeSelectProfile);
}

}  // namespace
}  // namespace sandbank::web
