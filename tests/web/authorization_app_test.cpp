#include "web/authorization_app.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "core/error.hpp"
#include "oauth/scopes.hpp"
#include "web/pages.hpp"

namespace sandbank::web {
namespace {

using namespace std::chrono_literals;

std::string code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

// The value of `name=` in a URL's query (no decoding).
std::string query_param(const std::string& url, const std::string& name) {
  std::smatch m;
  if (std::regex_search(url, m, std::regex("[?&]" + name + "=([^&#]*)"))) return m[1];
  return "";
}

class AuthorizationAppTest : public ::testing::Test {
 protected:
  AuthorizationAppTest()
      : store_(store::open_memory_store()),
        clock_(TimePoint(std::chrono::seconds(1'800'000'000))),
        tokens_(*store_, clock_, random_),
        authorizations_(*store_, clock_, random_),
        app_(
            [this](const std::string& id) -> std::optional<store::Application> {
              if (id == application_.client_id) return application_;
              return std::nullopt;
            },
            [](const store::Application& a) { return oauth::scopes_for_roles(a.roles); },
            authorizations_, store_->sessions(), bank::builtin_profiles(), clock_, random_) {
    application_.client_id = "5ca1ab1e-c0ca-c01a-cafe-154deadbea75";
    application_.redirect_uris = {"https://www.example.com/", "http://localhost:8080/redirect"};
    application_.roles = {"PSP_AI", "PSP_PI", "PSP_IC"};
  }

  static std::string query(const std::string& state = "xyz") {
    return "client_id=5ca1ab1e-c0ca-c01a-cafe-154deadbea75&scope=payment-accounts%3Abalances%"
           "3Aview%20payment-accounts%3Atransactions%3Aview&state=" +
           state + "&redirect_uri=https%3A%2F%2Fwww.example.com%2F&response_type=code";
  }
  http::Response get(const std::string& path, const std::string& cookie = "",
                     const std::string& country = "") {
    http::Request r;
    r.method = "GET";
    r.target = path;
    if (!cookie.empty()) r.headers.push_back({"Cookie", cookie});
    if (!country.empty()) r.path_params["country"] = country;
    if (path.starts_with("/authorize/v2")) return app_.authorize(r);
    if (path == "/authorize/profiles") return app_.profiles_page(r);
    return app_.country_page(r);
  }
  http::Response post(const std::string& path, const std::string& cookie, const std::string& body) {
    http::Request r;
    r.method = "POST";
    r.target = path;
    r.body = body;
    if (!cookie.empty()) r.headers.push_back({"Cookie", cookie});
    return path == "/authorize/country" ? app_.choose_country(r) : app_.consent(r);
  }
  static std::string cookie(const http::Response& r) {
    auto set = std::string(r.header("Set-Cookie").value_or(""));
    return set.substr(0, set.find(';'));
  }
  static std::string csrf(const http::Response& r) {
    std::smatch m;
    std::regex_search(r.body, m, std::regex("name=\"csrf_token\" value=\"([^\"]+)\""));
    return m[1];
  }
  static std::string outcome(const http::Response& r) {
    std::smatch m;
    std::regex_search(r.body, m, std::regex("data-outcome=\"([^\"]+)\""));
    return m[1];
  }
  // Walks the guide's flow to the code for the profile with this id.
  std::string walk(const std::string& profile = "nl-jane-doe", const std::string& state = "xyz") {
    auto page = get("/authorize/v2/NL?" + query(state), "", "NL");
    EXPECT_EQ(outcome(page), kOutcomeSelectProfile);
    auto done = post("/authorize/consent", cookie(page),
                     "csrf_token=" + csrf(page) + "&profile=" + profile + "&action=next");
    EXPECT_EQ(done.status, 302u) << done.body;
    auto location = std::string(done.header("Location").value_or(""));
    EXPECT_EQ(query_param(location, "state"), state);
    return query_param(location, "code");
  }
  std::string jane_doe_id() {
    for (const auto& p : bank::builtin_profiles().profiles) {
      if (p.country == "NL" && p.name == "Jane Doe") return p.id;
    }
    return "";
  }

  std::unique_ptr<store::Store> store_;
  ManualClock clock_;
  SystemRandom random_;
  oauth::TokenService tokens_;
  oauth::Authorizations authorizations_;
  store::Application application_;
  AuthorizationApp app_;
};

TEST_F(AuthorizationAppTest, GuideProfilesOfTheNetherlands) {
  auto page = get("/authorize/v2/NL?" + query(), "", "NL");
  ASSERT_EQ(page.status, 200u);
  for (const char* name : {"Hr A van Dijk, Mw B Mol-van Dijk", "A Van Dijk", "Alice and Bob",
                           "Jane Doe", "John Doe", "Peter Smith", "Sarah Smith", "W Van Dijk"}) {
    EXPECT_NE(page.body.find(std::string(">") + name + "<"), std::string::npos) << name;
  }
  EXPECT_NE(page.body.find("Access balance information"), std::string::npos);
  EXPECT_NE(page.body.find("Access transaction information"), std::string::npos);
  EXPECT_NE(page.body.find("Sandbox"), std::string::npos);
  auto csp = std::string(page.header("Content-Security-Policy").value_or(""));
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(csp.find("form-action 'self' https://www.example.com"), std::string::npos);
  auto set_cookie = std::string(page.header("Set-Cookie").value_or(""));
  EXPECT_NE(set_cookie.find("sandbank_authz="), std::string::npos);
  for (const char* attr : {"HttpOnly", "Secure", "SameSite=Lax", "Path=/authorize"}) {
    EXPECT_NE(set_cookie.find(attr), std::string::npos) << attr;
  }
}

TEST_F(AuthorizationAppTest, CountryPageThenProfiles) {
  auto page = get("/authorize/v2?" + query());
  EXPECT_EQ(outcome(page), kOutcomeSelectCountry);
  for (const char* code : {"BE", "NL", "ES", "RO", "LU", "IT", "DE", "WB"}) {
    EXPECT_NE(page.body.find(std::string("value=\"") + code + "\""), std::string::npos) << code;
  }
  auto chosen =
      post("/authorize/country", cookie(page), "csrf_token=" + csrf(page) + "&country=NL");
  EXPECT_EQ(chosen.status, 303u);
  EXPECT_EQ(chosen.header("Location"), "/authorize/profiles");
  auto profiles = get("/authorize/profiles", cookie(page));
  EXPECT_EQ(outcome(profiles), kOutcomeSelectProfile);
  EXPECT_NE(profiles.body.find("Jane Doe"), std::string::npos);
}

TEST_F(AuthorizationAppTest, UnknownCountryShowsTheSelectionWithAMessage) {
  auto page = get("/authorize/v2/XX?" + query(), "", "XX");
  EXPECT_EQ(page.status, 200u);
  EXPECT_EQ(outcome(page), kOutcomeSelectCountry);
  EXPECT_NE(page.body.find("no test bank for the country code XX"), std::string::npos);
}

TEST_F(AuthorizationAppTest, EveryCountryHasProfiles) {
  for (const auto& c : countries()) {
    auto page = get("/authorize/v2/" + c.code + "?" + query(), "", c.code);
    EXPECT_EQ(outcome(page), kOutcomeSelectProfile) << c.code;
    EXPECT_NE(page.body.find("name=\"profile\""), std::string::npos) << c.code;
  }
}

TEST_F(AuthorizationAppTest, ProfilesAreFilteredByScope) {
  // Funds confirmation: only the profiles that can grant it are listed.
  auto q = std::string(
      "client_id=5ca1ab1e-c0ca-c01a-cafe-154deadbea75&scope=payment-accounts%3Afunds-"
      "availability%3Aconfirm&state=1&redirect_uri=https%3A%2F%2Fwww.example.com%2F&response_"
      "type=code");
  auto page = get("/authorize/v2/NL?" + q, "", "NL");
  auto expected = bank::builtin_profiles().offering("NL", {std::string(oauth::kScopeFunds)});
  std::size_t radios = 0;
  for (std::size_t at = 0; (at = page.body.find("name=\"profile\"", at)) != std::string::npos;
       ++at) {
    ++radios;
  }
  EXPECT_EQ(radios, expected.size());
  EXPECT_NE(page.body.find("Confirm the availability of funds"), std::string::npos);
}

TEST_F(AuthorizationAppTest, NextIssuesACodeBoundToTheConsent) {
  auto code = walk(jane_doe_id());
  ASSERT_FALSE(code.empty());
  auto token = tokens_.exchange_code(application_, code, "https://www.example.com/", "fp");
  EXPECT_EQ(token.scope, "payment-accounts:balances:view payment-accounts:transactions:view");
  auto access = tokens_.validate_customer(token.access_token, "fp");
  EXPECT_EQ(access.consent.profile_id, jane_doe_id());
  EXPECT_EQ(access.consent.country, "NL");
  const auto* profile = bank::builtin_profiles().find(jane_doe_id());
  ASSERT_NE(profile, nullptr);
  ASSERT_EQ(access.consent.account_ids.size(), profile->accounts.size());
  EXPECT_EQ(access.consent.account_ids.front(), profile->accounts.front().id);
  EXPECT_EQ(app_.session_count(), 0u);  // the session ended with the redirect
}

TEST_F(AuthorizationAppTest, ConsentExpiresEarlyForItsScenarioProfile) {
  // "W Van Dijk" carries the scenario consent_expires_early: 5 minutes instead of 90 days.
  auto code = walk("nl-w-van-dijk");
  ASSERT_FALSE(code.empty());
  auto token = tokens_.exchange_code(application_, code, "https://www.example.com/", "fp");
  auto access = tokens_.validate_customer(token.access_token, "fp");
  EXPECT_EQ(access.consent.expires_at - access.consent.created_at, std::chrono::minutes(5));
  clock_.advance(5min + 1s);
  EXPECT_EQ(code_of([&] { tokens_.validate_customer(token.access_token, "fp"); }),
            "consent.expired");
  EXPECT_EQ(code_of([&] { tokens_.refresh(application_, token.refresh_token, "fp"); }),
            "grant.consent_expired");
  // Other profiles keep the usual lifetime.
  auto usual = walk(jane_doe_id());
  auto other = tokens_.exchange_code(application_, usual, "https://www.example.com/", "fp");
  auto jane = tokens_.validate_customer(other.access_token, "fp");
  EXPECT_GT(jane.consent.expires_at - jane.consent.created_at, std::chrono::hours(24));
}

TEST_F(AuthorizationAppTest, CodeIsSingleUse) {
  auto code = walk(jane_doe_id());
  tokens_.exchange_code(application_, code, "https://www.example.com/", "fp");
  EXPECT_EQ(
      code_of([&] { tokens_.exchange_code(application_, code, "https://www.example.com/", "fp"); }),
      "grant.code_reused");
}

TEST_F(AuthorizationAppTest, CodeLivesTenMinutes) {
  auto fresh = walk(jane_doe_id());
  clock_.advance(9min + 59s);
  EXPECT_NO_THROW(tokens_.exchange_code(application_, fresh, "https://www.example.com/", "fp"));
  auto stale = walk(jane_doe_id());
  clock_.advance(10min + 1s);
  EXPECT_EQ(code_of([&] {
              tokens_.exchange_code(application_, stale, "https://www.example.com/", "fp");
            }),
            "grant.code_expired");
}

TEST_F(AuthorizationAppTest, CodeIsBoundToTheRedirectUri) {
  auto code = walk(jane_doe_id());
  EXPECT_EQ(code_of([&] {
              tokens_.exchange_code(application_, code, "http://localhost:8080/redirect", "fp");
            }),
            "grant.redirect_uri_mismatch");
}

TEST_F(AuthorizationAppTest, CancelRedirectsWithAccessDenied) {
  auto page = get("/authorize/v2/NL?" + query("s+1"), "", "NL");
  auto done =
      post("/authorize/consent", cookie(page), "csrf_token=" + csrf(page) + "&action=cancel");
  ASSERT_EQ(done.status, 302u);
  auto location = std::string(done.header("Location").value_or(""));
  EXPECT_EQ(query_param(location, "error"), "access_denied");
  EXPECT_EQ(query_param(location, "state"), "s%201");
  EXPECT_EQ(query_param(location, "code"), "");
  EXPECT_EQ(outcome(done), kOutcomeDenied);
  // Cancel on the country page too.
  auto countries = get("/authorize/v2?" + query());
  auto cancelled = post("/authorize/country", cookie(countries),
                        "csrf_token=" + csrf(countries) + "&action=cancel");
  EXPECT_EQ(cancelled.status, 302u);
  EXPECT_EQ(query_param(std::string(cancelled.header("Location").value_or("")), "error"),
            "access_denied");
}

TEST_F(AuthorizationAppTest, CsrfTokenAndCookieAreBothChecked) {
  auto page = get("/authorize/v2/NL?" + query(), "", "NL");
  auto no_token =
      post("/authorize/consent", cookie(page), "profile=" + jane_doe_id() + "&action=next");
  EXPECT_EQ(no_token.status, 403u);
  EXPECT_EQ(outcome(no_token), kOutcomeError);
  auto wrong = post("/authorize/consent", cookie(page),
                    "csrf_token=AAAA&profile=" + jane_doe_id() + "&action=next");
  EXPECT_EQ(wrong.status, 403u);
  auto no_cookie = post("/authorize/consent", "",
                        "csrf_token=" + csrf(page) + "&profile=" + jane_doe_id() + "&action=next");
  EXPECT_EQ(no_cookie.status, 400u);
  EXPECT_NE(no_cookie.body.find("data-error=\"session_expired\""), std::string::npos);
  // The real pair still works afterwards.
  auto done = post("/authorize/consent", cookie(page),
                   "csrf_token=" + csrf(page) + "&profile=" + jane_doe_id() + "&action=next");
  EXPECT_EQ(done.status, 302u);
  // ... once.
  auto again = post("/authorize/consent", cookie(page),
                    "csrf_token=" + csrf(page) + "&profile=" + jane_doe_id() + "&action=next");
  EXPECT_EQ(again.status, 400u);
}

TEST_F(AuthorizationAppTest, SessionExpiresAfterTenMinutes) {
  auto page = get("/authorize/v2/NL?" + query(), "", "NL");
  clock_.advance(10min + 1s);
  auto late = post("/authorize/consent", cookie(page),
                   "csrf_token=" + csrf(page) + "&profile=" + jane_doe_id() + "&action=next");
  EXPECT_EQ(late.status, 400u);
  EXPECT_EQ(outcome(late), kOutcomeError);
}

TEST_F(AuthorizationAppTest, ProfileOfAnotherCountryIsRefused) {
  auto page = get("/authorize/v2/RO?" + query(), "", "RO");
  auto done = post("/authorize/consent", cookie(page),
                   "csrf_token=" + csrf(page) + "&profile=" + jane_doe_id() + "&action=next");
  EXPECT_EQ(done.status, 400u);
  EXPECT_EQ(outcome(done), kOutcomeSelectProfile);
}

TEST_F(AuthorizationAppTest, ErrorsThatCannotRedirectShowAPage) {
  auto page = get("/authorize/v2?client_id=nobody&scope=granting&state=1&response_type=code");
  EXPECT_EQ(page.status, 400u);
  EXPECT_EQ(outcome(page), kOutcomeError);
  EXPECT_FALSE(page.header("Location"));
  EXPECT_NE(page.body.find("<title>Authorization error"), std::string::npos);
  EXPECT_NE(page.body.find("data-error=\"unauthorized_client\""), std::string::npos);
}

TEST_F(AuthorizationAppTest, OtherErrorsRedirect) {
  auto r =
      get("/authorize/v2?client_id=5ca1ab1e-c0ca-c01a-cafe-154deadbea75&scope=nope&state="
          "abc&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fredirect&response_type=code");
  ASSERT_EQ(r.status, 302u);
  auto location = std::string(r.header("Location").value_or(""));
  EXPECT_TRUE(location.starts_with("http://localhost:8080/redirect?error=invalid_scope&"))
      << location;
  EXPECT_EQ(query_param(location, "state"), "abc");
  EXPECT_EQ(outcome(r), kOutcomeRejected);
}

TEST_F(AuthorizationAppTest, UserTextIsEscaped) {
  auto page = get("/authorize/v2/%3Cb%3E?" + query(), "", "<b>");
  EXPECT_EQ(page.body.find("<b>"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;b&gt;"), std::string::npos);
}

TEST(ConsentRequest, ADeclaredScenarioSetsTheConsentsLifetime) {
  auto profiles = bank::load_profiles(
      R"({"scenarios":{"short":{"description":"d","consent_lifetime":600}},)"
      R"("profiles":[{"id":"x","name":"X","country":"NL","scenario":"short",)"
      R"("accounts":[{"kind":"current"}]},)"
      R"({"id":"y","name":"Y","country":"NL","accounts":[{"kind":"current"}]}]})");
  auto declared = consent_request_for(profiles.profiles[0], "c", {"s"}, "https://x/");
  EXPECT_EQ(declared.lifetime, std::optional<Seconds>(Seconds(600)));
  auto plain = consent_request_for(profiles.profiles[1], "c", {"s"}, "https://x/");
  EXPECT_FALSE(plain.lifetime.has_value());
}

}  // namespace
}  // namespace sandbank::web
