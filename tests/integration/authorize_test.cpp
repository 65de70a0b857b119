// The customer authorization app on the real binary, over HTTPS with curl: every validation
// rule of the guide's step 3a, the plain-HTTP walk of docs/authorize.md, CSRF and headers.
#include <gtest/gtest.h>

#include <regex>

#include "support/server_suite.hpp"

namespace sandbank::testing {
namespace {

constexpr const char* kClient = "5ca1ab1e-c0ca-c01a-cafe-154deadbea75";
constexpr const char* kScope =
    "payment-accounts%3Abalances%3Aview+payment-accounts%3Atransactions%3Aview";
constexpr const char* kRedirect = "https%3A%2F%2Fwww.example.com%2F";

std::string match(const std::string& text, const std::string& pattern) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex(pattern))) return m[1];
  return "";
}

class AuthorizeTest : public ServerSuite<AuthorizeTest> {
 protected:
  // GET on the web listener; follows nothing.
  static HttpResult get(const std::string& path_and_query, std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {"--cacert", server_->cert("ca.cer").string(),
                                 server_->web_url() + path_and_query});
    return curl(extra);
  }
  static HttpResult authorize(const std::string& query, const std::string& country = "") {
    return get("/authorize/v2" + (country.empty() ? "" : "/" + country) + "?" + query);
  }
  static std::string query(const std::string& client_id = kClient,
                           const std::string& scope = kScope, const std::string& state = "abc",
                           const std::string& redirect = kRedirect,
                           const std::string& response_type = "code") {
    std::string q;
    auto add = [&q](const char* name, const std::string& value) {
      if (value == "-") return;  // "-": leave the parameter out
      if (!q.empty()) q += '&';
      q += name;
      q += '=';
      q += value;
    };
    add("client_id", client_id);
    add("scope", scope);
    add("state", state);
    add("redirect_uri", redirect);
    add("response_type", response_type);
    return q;
  }
  static std::string outcome(const HttpResult& r) {
    return match(r.body, "data-outcome=\"([^\"]+)\"");
  }
  static std::string location(const HttpResult& r) { return r.header("Location").value_or(""); }
  // An error page: 400, no Location, data-outcome="error".
  static void expect_page_error(const HttpResult& r, const std::string& error) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_FALSE(r.header("Location"));
    EXPECT_EQ(outcome(r), "error");
    EXPECT_EQ(match(r.body, "data-error=\"([^\"]+)\""), error);
    EXPECT_NE(r.body.find("<title>Authorization error"), std::string::npos);
  }
  // An error redirect to the redirect URI with the state.
  static void expect_redirect_error(const HttpResult& r, const std::string& error,
                                    const std::string& state = "abc") {
    EXPECT_EQ(r.status, 302) << r.body;
    auto to = location(r);
    EXPECT_TRUE(to.starts_with("https://www.example.com/?error=" + error + "&")) << to;
    EXPECT_NE(to.find("error_description="), std::string::npos) << to;
    if (!state.empty()) {
      EXPECT_NE(to.find("&state=" + state), std::string::npos) << to;
    }
    EXPECT_EQ(outcome(r), "rejected");
  }
};
// Suite name matches `ctest -R 'web|authorize'` (the regex is case-sensitive).
using web_authorize = AuthorizeTest;

TEST_F(web_authorize, ValidRequestOpensTheCountryPage) {
  auto r = authorize(query());
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(outcome(r), "select-country");
  EXPECT_NE(r.header("Content-Type").value_or("").find("text/html"), std::string::npos);
  auto csp = r.header("Content-Security-Policy").value_or("");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(csp.find("base-uri 'none'"), std::string::npos);
  EXPECT_EQ(r.header("X-Frame-Options").value_or(""), "deny");
  auto cookie = r.header("Set-Cookie").value_or("");
  EXPECT_TRUE(cookie.starts_with("sandbank_authz=")) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("Secure"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/authorize"), std::string::npos);
  auto css = get("/authorize/assets/sandbank.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_NE(css.header("Content-Type").value_or("").find("text/css"), std::string::npos);
}

TEST_F(web_authorize, ClientIdMissingOrUnknownShowsAPage) {
  expect_page_error(authorize(query("-")), "invalid_request");
  expect_page_error(authorize(query("")), "invalid_request");
  expect_page_error(authorize(query("00000000-0000-0000-0000-000000000000")),
                    "unauthorized_client");
  expect_page_error(authorize(query() + "&client_id=" + kClient), "invalid_request");
}

TEST_F(web_authorize, RedirectUriWrongShowsAPage) {
  // The pre-registered application has several redirect URIs: redirect_uri is required.
  expect_page_error(authorize(query(kClient, kScope, "abc", "-")), "invalid_request");
  expect_page_error(authorize(query(kClient, kScope, "abc", "https%3A%2F%2Fevil.example%2F")),
                    "invalid_request");
  // Exact match, but for the empty path that equals "/" (docs/authorize.md).
  expect_page_error(authorize(query(kClient, kScope, "abc", "https%3A%2F%2FWWW.example.com%2F")),
                    "invalid_request");
  expect_page_error(
      authorize(query(kClient, kScope, "abc", "https%3A%2F%2Fexample.com%2Fredirect%2F")),
      "invalid_request");
  EXPECT_EQ(authorize(query(kClient, kScope, "abc", "https%3A%2F%2Fwww.example.com")).status, 200);
}

TEST_F(web_authorize, ResponseTypeErrorsRedirect) {
  expect_redirect_error(authorize(query(kClient, kScope, "abc", kRedirect, "-")),
                        "invalid_request");
  expect_redirect_error(authorize(query(kClient, kScope, "abc", kRedirect, "token")),
                        "unsupported_response_type");
}

TEST_F(web_authorize, StateErrorsRedirect) {
  expect_redirect_error(authorize(query(kClient, kScope, "-")), "invalid_request", "");
  EXPECT_EQ(location(authorize(query(kClient, kScope, "-"))).find("state="), std::string::npos);
  expect_redirect_error(authorize(query(kClient, kScope, "%20%09")), "invalid_request", "%20%09");
  expect_redirect_error(authorize(query(kClient, kScope, "a%3Cb")), "invalid_request", "a%3Cb");
  expect_redirect_error(authorize(query(kClient, kScope, "a.b")), "invalid_request", "a.b");
  // Every allowed character passes: A-Z a-z 0-9 =%#,;+/_- and whitespace.
  auto ok = authorize(query(kClient, kScope, "Az09%3D%25%23%2C%3B%2B%2F_-%20%0A"));
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(web_authorize, ScopeErrorsRedirect) {
  expect_redirect_error(authorize(query(kClient, "-")), "invalid_request");
  expect_redirect_error(authorize(query(kClient, "+")), "invalid_scope");
  expect_redirect_error(authorize(query(kClient, "payment-accounts%3Aeverything")),
                        "invalid_scope");
  // Space as %20 and as + both separate scopes.
  EXPECT_EQ(authorize(query(kClient,
                            "payment-accounts%3Abalances%3Aview%20payment-accounts%"
                            "3Atransactions%3Aview"))
                .status,
            200);
}

TEST_F(web_authorize, UnknownCountryShowsTheSelectionWithAMessage) {
  auto r = authorize(query(), "ZZ");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(outcome(r), "select-country");
  EXPECT_NE(r.body.find("country code ZZ"), std::string::npos);
}

// The walk docs/authorize.md documents for plain HTTP clients (and `sandbank tpp`).
TEST_F(web_authorize, PlainHttpWalkGivesACode) {
  auto jar = (tmp_->path() / "jar.txt").string();
  auto start = get("/authorize/v2?" + query(), {"-c", jar});
  ASSERT_EQ(start.status, 200);
  auto csrf = match(start.body, "name=\"csrf_token\" value=\"([^\"]+)\"");
  ASSERT_FALSE(csrf.empty());
  auto country = get("/authorize/country", {"-b", jar, "-c", jar, "--data-urlencode",
                                            "csrf_token=" + csrf, "--data", "country=NL"});
  EXPECT_EQ(country.status, 303);
  EXPECT_EQ(location(country), "/authorize/profiles");
  auto profiles = get("/authorize/profiles", {"-b", jar});
  EXPECT_EQ(outcome(profiles), "select-profile");
  auto jane = match(profiles.body,
                    "name=\"profile\" value=\"([^\"]+)\"[^>]*>\\s*<span class=\"profile-name\">"
                    "Jane Doe<");
  ASSERT_FALSE(jane.empty()) << profiles.body;
  // Without the CSRF token: refused, and the session survives.
  auto forged =
      get("/authorize/consent", {"-b", jar, "--data", "profile=" + jane + "&action=next"});
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(outcome(forged), "error");
  auto done = get("/authorize/consent", {"-b", jar, "--data-urlencode", "csrf_token=" + csrf,
                                         "--data", "profile=" + jane + "&action=next"});
  EXPECT_EQ(done.status, 302) << done.body;
  EXPECT_EQ(outcome(done), "authorized");
  auto to = location(done);
  EXPECT_TRUE(to.starts_with("https://www.example.com/?code=")) << to;
  EXPECT_TRUE(to.ends_with("&state=abc")) << to;
  // The session is gone: the same form again is an error page.
  auto again = get("/authorize/consent", {"-b", jar, "--data-urlencode", "csrf_token=" + csrf,
                                          "--data", "profile=" + jane + "&action=next"});
  EXPECT_EQ(again.status, 400);
}

TEST_F(web_authorize, CancelRedirectsWithAccessDenied) {
  auto jar = (tmp_->path() / "jar-cancel.txt").string();
  auto start = get("/authorize/v2/NL?" + query(kClient, kScope, "s%2B1"), {"-c", jar});
  ASSERT_EQ(outcome(start), "select-profile");
  auto csrf = match(start.body, "name=\"csrf_token\" value=\"([^\"]+)\"");
  auto done = get("/authorize/consent",
                  {"-b", jar, "--data-urlencode", "csrf_token=" + csrf, "--data", "action=cancel"});
  EXPECT_EQ(done.status, 302);
  EXPECT_EQ(outcome(done), "denied");
  auto to = location(done);
  EXPECT_TRUE(to.starts_with("https://www.example.com/?error=access_denied&")) << to;
  EXPECT_TRUE(to.ends_with("&state=s%2B1")) << to;
}

}  // namespace
}  // namespace sandbank::testing
