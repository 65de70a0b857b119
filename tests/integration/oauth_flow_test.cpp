// The authorization-code grant over HTTP: a code from the customer authorization pages,
// exchanged, refreshed, revoked and reused, with requests signed as the guide's scripts sign
// them; and the Date window and Digest rules on the token endpoint.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>

#include "support/server_suite.hpp"

namespace sandbank::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

using Answer = ScriptAnswer;

class OAuthFlowTest : public ServerSuite<OAuthFlowTest> {
 protected:
  // Jane Doe's consent to the balances, given on the authorization pages.
  static std::string code_for(const std::string& redirect_uri) {
    return guide_->authorization_code("Jane Doe", kBalancesScope, redirect_uri);
  }
};

TEST_F(OAuthFlowTest, CodeExchangeGivesACustomerTokenAndAReusedCodeRevokesIt) {
  auto token = guide_->app_token();
  auto code = code_for("https://www.example.com/");
  ASSERT_FALSE(code.empty());
  auto body = "grant_type=authorization_code&code=" + code +
              "&redirect_uri=https%3A%2F%2Fwww.example.com%2F";
  auto first = guide_->call_with(token, "POST", "/oauth2/token", body);
  ASSERT_EQ(first.status, 200) << first.text;
  EXPECT_FALSE(first.str("access_token").empty());
  EXPECT_FALSE(first.str("refresh_token").empty());
  EXPECT_EQ(first.str("expires_in"), "900");
  EXPECT_EQ(first.str("refresh_token_expires_in"), "2592000");
  EXPECT_EQ(first.str("scope"), "payment-accounts:balances:view");

  auto second = guide_->call_with(token, "POST", "/oauth2/token", body);
  EXPECT_EQ(second.status, 400) << second.text;
  EXPECT_EQ(second.str("error"), "invalid_grant");
  // RFC 6749 §4.1.2: what the first use issued is revoked.
  auto refresh =
      guide_->call_with(token, "POST", "/oauth2/token",
                        "grant_type=refresh_token&refresh_token=" + first.str("refresh_token"));
  EXPECT_EQ(refresh.status, 400) << refresh.text;
  EXPECT_EQ(refresh.str("error"), "invalid_grant");
}

TEST_F(OAuthFlowTest, RefreshGivesANewAccessTokenUntilTheRefreshTokenIsRevoked) {
  auto token = guide_->app_token();
  auto code = code_for("https://www.example.com/");
  auto customer = guide_->call_with(token, "POST", "/oauth2/token",
                                    "grant_type=authorization_code&code=" + code +
                                        "&redirect_uri=https%3A%2F%2Fwww.example.com%2F");
  ASSERT_EQ(customer.status, 200) << customer.text;
  auto refresh_token = customer.str("refresh_token");

  auto refreshed = guide_->call_with(token, "POST", "/oauth2/token",
                                     "grant_type=refresh_token&refresh_token=" + refresh_token);
  ASSERT_EQ(refreshed.status, 200) << refreshed.text;
  EXPECT_NE(refreshed.str("access_token"), customer.str("access_token"));
  EXPECT_EQ(refreshed.str("scope"), "payment-accounts:balances:view");

  auto revoked = guide_->call_with(token, "POST", "/oauth2/token/revoke",
                                   "token=" + refresh_token + "&token_type_hint=refresh_token");
  EXPECT_EQ(revoked.status, 200) << revoked.text;
  auto after = guide_->call_with(token, "POST", "/oauth2/token",
                                 "grant_type=refresh_token&refresh_token=" + refresh_token);
  EXPECT_EQ(after.status, 400) << after.text;
  EXPECT_EQ(after.str("error"), "invalid_grant");
}

TEST_F(OAuthFlowTest, RedirectUriAtExchangeMustEqualTheOneAtAuthorize) {
  auto token = guide_->app_token();
  auto code = code_for("https://www.example.com/");
  auto other = guide_->call_with(token, "POST", "/oauth2/token",
                                 "grant_type=authorization_code&code=" + code +
                                     "&redirect_uri=https%3A%2F%2Fexample.com%2Fredirect");
  EXPECT_EQ(other.status, 400) << other.text;
  EXPECT_EQ(other.str("error"), "invalid_grant");
  EXPECT_EQ(other.str("detail"), "grant.redirect_uri_mismatch");
  // A trailing slash on a non-empty path is another URI.
  auto slash = guide_->call_with(token, "POST", "/oauth2/token",
                                 "grant_type=authorization_code&code=" + code +
                                     "&redirect_uri=https%3A%2F%2Fwww.example.com%2F%2F");
  EXPECT_EQ(slash.str("detail"), "grant.redirect_uri_mismatch") << slash.text;
  // The empty path is "/": the same URI.
  auto bare = guide_->call_with(
      token, "POST", "/oauth2/token",
      "grant_type=authorization_code&code=" + code + "&redirect_uri=https%3A%2F%2Fwww.example.com");
  EXPECT_EQ(bare.status, 200) << bare.text;
}

// The guide's sandbox step 3d: the exchange sends no redirect_uri although step 3a had one.
TEST_F(OAuthFlowTest, RedirectUriIsOptionalAtTheExchange) {
  auto token = guide_->app_token();
  auto code = code_for("https://www.example.com/");
  auto exchange = guide_->call_with(token, "POST", "/oauth2/token",
                                    "grant_type=authorization_code&code=" + code);
  EXPECT_EQ(exchange.status, 200) << exchange.text;
  EXPECT_FALSE(exchange.str("access_token").empty()) << exchange.text;
}

TEST_F(OAuthFlowTest, DateOutsideTheThreeMinuteWindowIsRefusedWithTheServerTime) {
  auto old = run_bash("LC_TIME=en_US.UTF-8 date -u -d '-10 minutes' '+%a, %d %b %Y %H:%M:%S GMT'",
                      tmp_->path())
                 .out;
  old.erase(old.find_last_not_of('\n') + 1);
  auto a = guide_->call("POST", "/oauth2/token", "grant_type=client_credentials",
                        {"REQ_DATE='" + old + "'"});
  EXPECT_EQ(a.status, 401) << a.text;
  EXPECT_EQ(a.str("detail"), "date.outside_window") << a.text;
  EXPECT_EQ(a.str("error"), "invalid_client") << a.text;
  // The diagnostic says what the server's clock read.
  EXPECT_NE((a.str("message") + a.str("diagnostic")).find("server"), std::string::npos) << a.text;
}

TEST_F(OAuthFlowTest, MissingDigestIsNamed) {
  // Signed over a digest line, sent without the Digest header.
  auto a = guide_->call("POST", "/oauth2/token", "grant_type=client_credentials", {"NO_DIGEST=1"});
  EXPECT_EQ(a.status, 401) << a.text;
  EXPECT_EQ(a.str("detail"), "signature.header_absent") << a.text;
  EXPECT_NE(a.str("message").find("digest"), std::string::npos) << a.text;
}

TEST_F(OAuthFlowTest, CustomerTokenCannotBeUsedAsAnApplicationToken) {
  auto token = guide_->app_token();
  auto code = code_for("https://www.example.com/");
  auto customer = guide_->call_with(token, "POST", "/oauth2/token",
                                    "grant_type=authorization_code&code=" + code +
                                        "&redirect_uri=https%3A%2F%2Fwww.example.com%2F");
  ASSERT_EQ(customer.status, 200) << customer.text;
  auto misuse = guide_->call_with(customer.str("access_token"), "POST", "/oauth2/token",
                                  "grant_type=authorization_code&code=whatever");
  EXPECT_EQ(misuse.status, 401) << misuse.text;
}

}  // namespace
}  // namespace sandbank::testing
