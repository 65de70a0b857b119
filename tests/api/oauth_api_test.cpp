// The /oauth2/* handlers (api/oauth_api) as plain functions of a request over an in-memory
// store: each grant of the token endpoint, the registration reads, revocation, and the main
// refusals with their status, detail code and RFC 6749 error body.
#include <gtest/gtest.h>

#include "api/api_harness.hpp"
#include "crypto/sandbox_pki.hpp"

namespace sandbank::api::testing {
namespace {

using namespace std::chrono_literals;

// The body every refusal of the token endpoints carries (docs/api.md, "Error bodies").
void expect_oauth_error(const Answer& a, unsigned status, const std::string& detail,
                        const std::string& error) {
  EXPECT_EQ(a.status(), status) << a.response.body;
  EXPECT_EQ(a.str("detail"), detail) << a.response.body;
  EXPECT_EQ(a.str("error"), error) << a.response.body;
  EXPECT_FALSE(a.str("message").empty()) << a.response.body;
  EXPECT_FALSE(a.str("error_description").empty()) << a.response.body;
  EXPECT_EQ(a.response.header("Cache-Control").value_or(""), "no-store");
  EXPECT_EQ(a.response.header("WWW-Authenticate").has_value(), status == 401);
}

class OAuthApiTest : public ::testing::Test {
 protected:
  tpp::Request mtls_grant(const std::string& body) {
    return h_.tpp().call_request("POST", "/oauth2/token", body, tpp::Auth::None, "", "");
  }

  ApiHarness h_;
};

TEST_F(OAuthApiTest, MtlsClientCredentialsGiveATokenForTheApplicationEndpoints) {
  auto a = h_.handle(h_.tpp().mtls_token_request(kClientId));
  ASSERT_EQ(a.status(), 200u) << a.response.body;
  EXPECT_EQ(a.str("token_type"), "Bearer");
  EXPECT_EQ(a.str("client_id"), kClientId);
  EXPECT_EQ(a.body.at("expires_in").to_number<int>(), 905);
  EXPECT_GE(a.str("access_token").size(), 43u);

  auto me = h_.handle(h_.tpp().app_show_request(a.str("access_token"), "me"));
  ASSERT_EQ(me.status(), 200u) << me.response.body;
  EXPECT_EQ(me.body.at("applications").as_array().size(), 1u);
  auto one = h_.handle(h_.tpp().app_show_request(a.str("access_token"), kClientId));
  ASSERT_EQ(one.status(), 200u) << one.response.body;
  EXPECT_EQ(one.body.at("application").at("client_id").as_string(), kClientId);
}

TEST_F(OAuthApiTest, MtlsClientCredentialsNeedARegisteredConnectionCertificate) {
  expect_oauth_error(h_.handle(mtls_grant("grant_type=client_credentials&client_id=nobody")), 401,
                     "client.unknown", "invalid_client");
  expect_oauth_error(h_.handle(h_.tpp().mtls_token_request(kClientId), /*with_certificate=*/false),
                     401, "mtls.certificate_missing", "invalid_client");
  // A certificate of the sandbox CA that no application registered.
  SystemRandom random;
  auto other = crypto::issue_tpp_pair(ApiHarness::pki(), "Other TPP", "PSDNL-SBX-9999999999",
                                      {crypto::Psd2Role::PaymentInitiation}, crypto::KeyType::Ec,
                                      h_.clock().now(), random);
  expect_oauth_error(h_.handle(h_.tpp().mtls_token_request(kClientId), other.tls), 401,
                     "client.tls_not_registered", "invalid_client");
  // The token endpoint reads a form: anything else is refused before any grant.
  auto json = mtls_grant(R"({"grant_type":"client_credentials"})");
  for (auto& [name, value] : json.headers) {
    if (name == "Content-Type") value = "application/json";
  }
  expect_oauth_error(h_.handle(json), 400, "request.content_type", "invalid_request");
}

TEST_F(OAuthApiTest, SignedClientCredentialsGiveAnApplicationTokenWithTheResponseKey) {
  auto a = h_.handle(h_.tpp().app_token_request());
  ASSERT_EQ(a.status(), 200u) << a.response.body;
  EXPECT_EQ(a.str("client_id"), kClientId);
  EXPECT_EQ(a.body.at("expires_in").to_number<int>(), 905);
  const auto& keys = a.body.at("keys").as_array();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].at("kid").as_string(), ApiHarness::pki().server.serial_hex());
  // The roles of the example certificates allow these scopes; a narrower ask gets just that.
  EXPECT_NE(a.str("scope").find("payment-accounts:orders:create"), std::string::npos);
  auto narrow = h_.handle(h_.tpp().app_token_request("granting"));
  ASSERT_EQ(narrow.status(), 200u) << narrow.response.body;
  EXPECT_EQ(narrow.str("scope"), "granting");
}

TEST_F(OAuthApiTest, SignedClientCredentialsRefuseWhatTheGuideGetsWrong) {
  auto tampered = h_.tpp().app_token_request();
  tampered.body += "&scope=granting";
  expect_oauth_error(h_.handle(tampered), 401, "digest.mismatch", "invalid_client");

  auto late = h_.tpp().app_token_request();
  h_.clock().advance(10min);
  expect_oauth_error(h_.handle(late), 401, "date.outside_window", "invalid_client");

  expect_oauth_error(h_.handle(h_.tpp().app_token_request("no-such-scope")), 400, "scope.unknown",
                     "invalid_scope");
  // A signature with an mTLS token's bearer is neither grant.
  auto both = h_.tpp().app_token_request();
  both.headers.emplace_back("X-Extra", "1");
  for (auto& [name, value] : both.headers) {
    if (name == "Authorization") value = "Bearer " + h_.mtls_token();
  }
  expect_oauth_error(h_.handle(both), 401, "client.authentication_unsupported", "invalid_client");
}

TEST_F(OAuthApiTest, TheFormIsParsedStrictly) {
  expect_oauth_error(
      h_.handle(mtls_grant("grant_type=client_credentials&grant_type=client_credentials")), 400,
      "request.duplicate_parameter", "invalid_request");
  expect_oauth_error(
      h_.handle(mtls_grant(std::string("grant_type=password&client_id=") + kClientId)), 400,
      "grant_type.unsupported", "unsupported_grant_type");
  expect_oauth_error(h_.handle(mtls_grant("grant_type=client_credentials&client_id=%zz")), 400,
                     "request.malformed_form", "invalid_request");
}

TEST_F(OAuthApiTest, CodeExchangeGivesACustomerTokenOnceAndAReuseRevokesIt) {
  auto code = h_.authorization_code("profile-1", "payment-accounts:balances:view");
  auto a = h_.exchange(code);
  ASSERT_EQ(a.status(), 200u) << a.response.body;
  EXPECT_EQ(a.str("token_type"), "Bearer");
  EXPECT_EQ(a.str("scope"), "payment-accounts:balances:view");
  EXPECT_EQ(a.body.at("expires_in").to_number<int>(), 900);
  EXPECT_EQ(a.body.at("refresh_token_expires_in").to_number<int>(), 2592000);
  EXPECT_FALSE(a.str("refresh_token").empty());

  expect_oauth_error(h_.exchange(code), 400, "grant.code_reused", "invalid_grant");
  // The reuse revoked what the first exchange gave.
  auto refreshed =
      h_.handle(h_.tpp().refresh_request(h_.app_token(), kClientId, a.str("refresh_token")));
  expect_oauth_error(refreshed, 400, "grant.refresh_revoked", "invalid_grant");
}

TEST_F(OAuthApiTest, CodeExchangeRefusals) {
  expect_oauth_error(h_.exchange("no-such-code"), 400, "grant.code_unknown", "invalid_grant");

  auto code = h_.authorization_code("profile-1", "payment-accounts:balances:view");
  expect_oauth_error(h_.exchange(code, "https://example.com/redirect"), 400,
                     "grant.redirect_uri_mismatch", "invalid_grant");

  auto expired = h_.authorization_code("profile-1", "payment-accounts:balances:view");
  h_.clock().advance(11min);
  expect_oauth_error(h_.exchange(expired), 400, "grant.code_expired", "invalid_grant");

  // The exchange needs the signed application token: an mTLS-only one is the wrong kind.
  auto fresh = h_.authorization_code("profile-1", "payment-accounts:balances:view");
  expect_oauth_error(
      h_.handle(h_.tpp().exchange_request(h_.mtls_token(), kClientId, fresh, kRedirectUri)), 401,
      "token.wrong_kind", "invalid_client");
  auto missing =
      h_.handle(h_.tpp().call_request("POST", "/oauth2/token", "grant_type=authorization_code",
                                      tpp::Auth::Application, h_.app_token(), kClientId));
  expect_oauth_error(missing, 400, "request.parameter_missing", "invalid_request");
}

TEST_F(OAuthApiTest, RefreshGivesANewAccessTokenUntilTheRefreshTokenIsRevoked) {
  auto a = h_.exchange(h_.authorization_code("profile-1", "payment-accounts:balances:view"));
  ASSERT_EQ(a.status(), 200u) << a.response.body;
  auto refresh_token = a.str("refresh_token");
  auto app = h_.app_token();

  auto refreshed = h_.handle(h_.tpp().refresh_request(app, kClientId, refresh_token));
  ASSERT_EQ(refreshed.status(), 200u) << refreshed.response.body;
  EXPECT_FALSE(refreshed.str("access_token").empty());
  EXPECT_NE(refreshed.str("access_token"), a.str("access_token"));
  EXPECT_EQ(refreshed.body.at("expires_in").to_number<int>(), 900);

  expect_oauth_error(h_.handle(h_.tpp().refresh_request(app, kClientId, "no-such-token")), 400,
                     "grant.refresh_unknown", "invalid_grant");

  auto revoked = h_.handle(h_.tpp().revoke_request(app, kClientId, refresh_token));
  EXPECT_EQ(revoked.status(), 200u) << revoked.response.body;
  EXPECT_TRUE(revoked.response.body.empty());
  expect_oauth_error(h_.handle(h_.tpp().refresh_request(app, kClientId, refresh_token)), 400,
                     "grant.refresh_revoked", "invalid_grant");
  // RFC 7009: revoking a token nobody knows is answered 200 as well.
  EXPECT_EQ(h_.handle(h_.tpp().revoke_request(app, kClientId, "no-such-token")).status(), 200u);
}

TEST_F(OAuthApiTest, ApplicationTokensExpire) {
  auto token = h_.mtls_token();
  h_.clock().advance(901s);
  auto a = h_.handle(h_.tpp().app_show_request(token, "me"));
  EXPECT_EQ(a.status(), 401u) << a.response.body;
  EXPECT_EQ(a.str("detail"), "token.expired") << a.response.body;
}

}  // namespace
}  // namespace sandbank::api::testing
