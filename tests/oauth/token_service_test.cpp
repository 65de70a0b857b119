#include "oauth/token_service.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "oauth/scopes.hpp"
#include "support/error_code.hpp"

namespace sandbank::oauth {
namespace {

using namespace std::chrono_literals;

using ::sandbank::testing::code_of;

class TokenServiceTest : public ::testing::Test {
 protected:
  TokenServiceTest()
      : store_(store::open_memory_store()),
        clock_(TimePoint(std::chrono::seconds(1'800'000'000))),
        tokens_(*store_, clock_, random_),
        authorizations_(*store_, clock_, random_) {
    app_.client_id = "app-1";
    app_.redirect_uris = {"https://example.com/cb"};
    other_.client_id = "app-2";
  }

  std::string code(const std::string& redirect_uri = "https://example.com/cb") {
    auto consent = authorizations_.create_consent({"app-1",
                                                   "profile-1",
                                                   "NL",
                                                   {"acc-1"},
                                                   {std::string(kScopeBalances)},
                                                   redirect_uri,
                                                   std::nullopt});
    return authorizations_.issue_code(consent, redirect_uri, "state-1");
  }

  std::unique_ptr<store::Store> store_;
  ManualClock clock_;
  SystemRandom random_;
  TokenService tokens_;
  Authorizations authorizations_;
  store::Application app_;
  store::Application other_;
};

TEST_F(TokenServiceTest, ScopesFollowRoles) {
  EXPECT_EQ(join_scope(scopes_for_roles({"PSP_PI"})), "payment-accounts:orders:create granting");
  EXPECT_EQ(code_of([] { grant_scope("nope", scopes_for_roles({"PSP_AI"})); }), "scope.unknown");
  EXPECT_EQ(code_of([] { grant_scope(kScopeOrders, scopes_for_roles({"PSP_AI"})); }),
            "scope.not_allowed");
}

TEST_F(TokenServiceTest, ApplicationTokenIsBoundAndExpires) {
  auto t = tokens_.issue_application_token(app_, TokenKind::ApplicationMtls, {"granting"}, "fp");
  EXPECT_EQ(t.expires_in, 905s);
  EXPECT_GE(t.access_token.size(), 43u);
  EXPECT_EQ(tokens_.validate(t.access_token, "fp", TokenKind::ApplicationMtls).record.client_id,
            "app-1");
  EXPECT_EQ(code_of([&] { tokens_.validate(t.access_token, "other", TokenKind::ApplicationMtls); }),
            "token.certificate_mismatch");
  EXPECT_EQ(code_of([&] { tokens_.validate(t.access_token, "fp", TokenKind::ApplicationSigned); }),
            "token.wrong_kind");
  EXPECT_FALSE(store_->tokens().find(t.access_token));  // only the hash is stored
  clock_.advance(901s);
  EXPECT_EQ(code_of([&] { tokens_.validate(t.access_token, "fp", TokenKind::ApplicationMtls); }),
            "token.expired");
}

TEST_F(TokenServiceTest, ApplicationTokensExpireAfterTheirLifetimeNotAfterExpiresIn) {
  // Responses say 905 s (as ING does); the token lives 900 s, so a client that trusts
  // expires_in meets token.expired in its last 5 s. Both kinds, and the cache, agree.
  for (auto kind : {TokenKind::ApplicationMtls, TokenKind::ApplicationSigned}) {
    auto t = tokens_.issue_application_token(app_, kind, {"granting"}, "fp");
    EXPECT_EQ(t.expires_in, 905s);
    EXPECT_NO_THROW(tokens_.validate(t.access_token, "fp", kind));  // now cached
    clock_.advance(899s);
    EXPECT_NO_THROW(tokens_.validate(t.access_token, "fp", kind));
    clock_.advance(1s);
    EXPECT_EQ(code_of([&] { tokens_.validate(t.access_token, "fp", kind); }), "token.expired");
    EXPECT_EQ(code_of([&] { tokens_.validate(t.access_token, "other", kind); }),
              "token.expired");  // expiry is reported before the certificate binding
  }
}

TEST_F(TokenServiceTest, ValidationIsCachedAndRevocationEvicts) {
  auto t = tokens_.issue_application_token(app_, TokenKind::ApplicationSigned, {"granting"}, "fp");
  tokens_.validate(t.access_token, "fp", TokenKind::ApplicationSigned);
  auto misses = tokens_.cache_misses();
  for (int i = 0; i < 5; ++i) tokens_.validate(t.access_token, "fp", TokenKind::ApplicationSigned);
  EXPECT_EQ(tokens_.cache_misses(), misses);
  EXPECT_GE(tokens_.cache_hits(), 5u);
  // Revoked behind the service's back (as another process would): evicted on the next call.
  store_->tokens().revoke(TokenService::hash(t.access_token), clock_.now());
  EXPECT_EQ(code_of([&] { tokens_.validate(t.access_token, "fp", TokenKind::ApplicationSigned); }),
            "token.revoked");
}

TEST_F(TokenServiceTest, CodeExchangeRefreshAndRevoke) {
  auto c = code();
  auto customer = tokens_.exchange_code(app_, c, std::string_view("https://example.com/cb"), "fp");
  EXPECT_EQ(customer.expires_in, 900s);
  EXPECT_EQ(customer.refresh_expires_in, 2592000s);
  EXPECT_EQ(customer.scope, kScopeBalances);
  auto access = tokens_.validate_customer(customer.access_token, "fp", kScopeBalances);
  EXPECT_EQ(access.consent.profile_id, "profile-1");
  EXPECT_EQ(code_of([&] { tokens_.validate_customer(customer.access_token, "fp", kScopeOrders); }),
            "token.insufficient_scope");

  auto refreshed = tokens_.refresh(app_, customer.refresh_token, "fp");
  EXPECT_TRUE(refreshed.refresh_token.empty());
  tokens_.validate_customer(refreshed.access_token, "fp");
  EXPECT_EQ(code_of([&] { tokens_.refresh(other_, customer.refresh_token, "fp"); }),
            "grant.refresh_client_mismatch");

  EXPECT_EQ(code_of([&] { tokens_.revoke(other_, customer.refresh_token); }),
            "revoke.not_your_token");
  tokens_.revoke(app_, customer.refresh_token);
  tokens_.revoke(app_, "unknown-token");  // RFC 7009: no error
  EXPECT_EQ(code_of([&] { tokens_.refresh(app_, customer.refresh_token, "fp"); }),
            "grant.refresh_revoked");
  EXPECT_EQ(code_of([&] { tokens_.validate_customer(refreshed.access_token, "fp"); }),
            "token.revoked");
}

TEST_F(TokenServiceTest, ReusedCodeFailsAndRevokesItsTokens) {
  auto c = code();
  auto first = tokens_.exchange_code(app_, c, std::string_view("https://example.com/cb"), "fp");
  EXPECT_EQ(code_of([&] {
              tokens_.exchange_code(app_, c, std::string_view("https://example.com/cb"), "fp");
            }),
            "grant.code_reused");
  EXPECT_EQ(code_of([&] { tokens_.validate_customer(first.access_token, "fp"); }), "token.revoked");
  EXPECT_EQ(code_of([&] { tokens_.refresh(app_, first.refresh_token, "fp"); }),
            "grant.refresh_revoked");
}

TEST_F(TokenServiceTest, CodeRules) {
  EXPECT_EQ(code_of([&] { tokens_.exchange_code(app_, "nope", std::nullopt, "fp"); }),
            "grant.code_unknown");
  auto c1 = code();
  EXPECT_EQ(code_of([&] {
              tokens_.exchange_code(app_, c1, std::string_view("https://evil.example/"), "fp");
            }),
            "grant.redirect_uri_mismatch");
  EXPECT_EQ(code_of([&] { tokens_.exchange_code(other_, c1, std::nullopt, "fp"); }),
            "grant.code_client_mismatch");
  // The guide's sandbox step 3d sends no redirect_uri, although its step 3a URL had one.
  EXPECT_FALSE(tokens_.exchange_code(app_, c1, std::nullopt, "fp").access_token.empty());
  auto c2 = code();
  clock_.advance(601s);
  EXPECT_EQ(code_of([&] {
              tokens_.exchange_code(app_, c2, std::string_view("https://example.com/cb"), "fp");
            }),
            "grant.code_expired");
  // A code stored without redirect URI (before migration 30): a sent one must be registered.
  auto c3 = code("");
  EXPECT_EQ(code_of([&] {
              tokens_.exchange_code(app_, c3, std::string_view("https://evil.example/cb"), "fp");
            }),
            "grant.redirect_uri_mismatch");
  EXPECT_FALSE(tokens_.exchange_code(app_, c3, std::nullopt, "fp").access_token.empty());
}

TEST_F(TokenServiceTest, RedirectUriMustNameTheOneTheCodeWasIssuedFor) {
  app_.redirect_uris = {"https://example.com/cb", "https://example.com"};
  // Only the empty path is normalised: "https://example.com" is "https://example.com/".
  auto bare = code("https://example.com");
  EXPECT_FALSE(tokens_.exchange_code(app_, bare, std::string_view("https://example.com/"), "fp")
                   .access_token.empty());
  for (const char* other : {"https://example.com/cb/", "https://EXAMPLE.com/cb",
                            "https://example.com/cb?x=1", "https://example.com/Cb"}) {
    auto c = code();
    EXPECT_EQ(code_of([&] { tokens_.exchange_code(app_, c, std::string_view(other), "fp"); }),
              "grant.redirect_uri_mismatch")
        << other;
  }
  auto exact = code();
  EXPECT_FALSE(tokens_.exchange_code(app_, exact, std::string_view("https://example.com/cb"), "fp")
                   .access_token.empty());
}

TEST_F(TokenServiceTest, MixedFlowsNeedTheRedirectUriForLegacyCodes) {
  auto legacy = [&] {
    auto consent = authorizations_.create_consent({"app-1",
                                                   "profile-1",
                                                   "NL",
                                                   {"acc-1"},
                                                   {std::string(kScopeBalances)},
                                                   "https://example.com/cb",
                                                   std::nullopt});
    return authorizations_.issue_code(consent, "https://example.com/cb", "s", kLegacyFlow);
  };
  // Redirect URIs never registered by the TPP (the pre-registered sandbox application): a
  // legacy code exchanges without redirect_uri.
  EXPECT_FALSE(tokens_.exchange_code(app_, legacy(), std::nullopt, "fp").access_token.empty());
  // Registered through PUT /oauth2/applications/{id}: ING's migration guide asks for it.
  app_.redirect_uris_registered = true;
  auto c = legacy();
  EXPECT_EQ(code_of([&] { tokens_.exchange_code(app_, c, std::nullopt, "fp"); }),
            "request.redirect_uri_missing");
  EXPECT_FALSE(tokens_.exchange_code(app_, c, std::string_view("https://example.com/cb"), "fp")
                   .access_token.empty());
  // Codes of the new flow are not concerned.
  EXPECT_FALSE(tokens_.exchange_code(app_, code(), std::nullopt, "fp").access_token.empty());
}

TEST_F(TokenServiceTest, GrantingReferencesGiveOneCode) {
  auto reference = authorizations_.create_reference("app-1", {std::string(kScopeBalances)},
                                                    "https://example.com/cb", "NL");
  EXPECT_EQ(reference.reference.size(), 64u);
  EXPECT_EQ(authorizations_.active_reference(reference.reference).client_id, "app-1");
  authorizations_.use_reference(reference.reference);
  EXPECT_EQ(code_of([&] { authorizations_.active_reference(reference.reference); }),
            "granting.reference_used");
  EXPECT_EQ(code_of([&] { authorizations_.use_reference(reference.reference); }),
            "granting.reference_used");
  EXPECT_EQ(code_of([&] { authorizations_.active_reference("0123"); }),
            "granting.reference_unknown");
  EXPECT_EQ(code_of([&] { authorizations_.active_reference(std::string(4096, 'a')); }),
            "granting.reference_unknown");
  auto later = authorizations_.create_reference("app-1", {std::string(kScopeBalances)},
                                                "https://example.com/cb", "");
  clock_.advance(901s);
  EXPECT_EQ(code_of([&] { authorizations_.active_reference(later.reference); }),
            "granting.reference_expired");
}

TEST_F(TokenServiceTest, TokensWithoutCertificateBindingForTheWebListener) {
  app_.roles = {"PSP_AI"};
  auto signed_token =
      tokens_.issue_application_token(app_, TokenKind::ApplicationSigned, {"granting"}, "fp");
  EXPECT_EQ(
      tokens_.validate_without_binding(signed_token.access_token, TokenKind::ApplicationSigned)
          .record.client_id,
      "app-1");
  auto mtls = tokens_.issue_application_token(app_, TokenKind::ApplicationMtls, {"granting"}, "fp");
  EXPECT_EQ(code_of([&] {
              tokens_.validate_without_binding(mtls.access_token, TokenKind::ApplicationSigned);
            }),
            "token.wrong_kind");
  EXPECT_EQ(code_of([&] { tokens_.validate_without_binding("", TokenKind::ApplicationSigned); }),
            "token.missing");
  EXPECT_EQ(code_of([&] { tokens_.validate_without_binding("x", TokenKind::ApplicationSigned); }),
            "token.unknown");
  clock_.advance(901s);
  EXPECT_EQ(code_of([&] {
              tokens_.validate_without_binding(signed_token.access_token,
                                               TokenKind::ApplicationSigned);
            }),
            "token.expired");
}

}  // namespace
}  // namespace sandbank::oauth
