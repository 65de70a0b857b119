#include "web/authorize_request.hpp"

#include <gtest/gtest.h>

#include "oauth/scopes.hpp"

namespace sandbank::web {
namespace {

constexpr const char* kClient = "5ca1ab1e-c0ca-c01a-cafe-154deadbea75";

class AuthorizeRequestTest : public ::testing::Test {
 protected:
  AuthorizeRequestTest() {
    several_.client_id = kClient;
    several_.redirect_uris = {"https://www.example.com/", "http://localhost:8080/redirect"};
    several_.roles = {"PSP_AI"};
    single_.client_id = "single";
    single_.redirect_uris = {"https://tpp.example/cb?tenant=7"};
    single_.roles = {"PSP_AI", "PSP_IC"};
  }

  AuthorizeCheck check(const std::string& query) {
    return check_authorize_request(
        parse_form(query),
        [this](const std::string& id) -> std::optional<store::Application> {
          if (id == several_.client_id) return several_;
          if (id == single_.client_id) return single_;
          return std::nullopt;
        },
        [](const store::Application& app) { return oauth::scopes_for_roles(app.roles); });
  }
  std::string valid() {
    return std::string("client_id=") + kClient +
           "&scope=payment-accounts%3Abalances%3Aview+payment-accounts%3Atransactions%3Aview"
           "&state=ANY_ARBITRARY_VALUE&redirect_uri=https%3A%2F%2Fwww.example.com%2F"
           "&response_type=code";
  }

  store::Application several_;
  store::Application single_;
};

TEST_F(AuthorizeRequestTest, GuideExampleIsValid) {
  auto r = check(valid());
  ASSERT_TRUE(r.request) << r.error->description;
  EXPECT_EQ(r.request->client_id, kClient);
  EXPECT_EQ(r.request->state, "ANY_ARBITRARY_VALUE");
  EXPECT_EQ(r.request->redirect_uri, "https://www.example.com/");
  EXPECT_EQ(r.request->given_redirect_uri, "https://www.example.com/");
  EXPECT_EQ(r.request->scopes, (std::vector<std::string>{"payment-accounts:balances:view",
                                                         "payment-accounts:transactions:view"}));
}

TEST_F(AuthorizeRequestTest, ScopeSeparatedByPercent20OrPlus) {
  auto a = check(valid() + "x");  // response_type=codex
  ASSERT_TRUE(a.error);
  auto r = check(std::string("client_id=") + kClient +
                 "&scope=payment-accounts%3Abalances%3Aview%20payment-accounts%3Atransactions%3A"
                 "view&state=1&redirect_uri=https%3A%2F%2Fwww.example.com%2F&response_type=code");
  ASSERT_TRUE(r.request);
  EXPECT_EQ(r.request->scopes.size(), 2u);
  auto p = check(std::string("client_id=") + kClient +
                 "&scope=payment-accounts%3Abalances%3Aview%2Bpayment-accounts%3Atransactions%3A"
                 "view&state=1&redirect_uri=https%3A%2F%2Fwww.example.com%2F&response_type=code");
  ASSERT_TRUE(p.request);
  EXPECT_EQ(p.request->scopes.size(), 2u);
}

TEST_F(AuthorizeRequestTest, ClientIdErrorsDoNotRedirect) {
  auto missing = check("scope=granting&state=1&response_type=code");
  ASSERT_TRUE(missing.error);
  EXPECT_FALSE(missing.error->redirect);
  EXPECT_EQ(missing.error->error, "invalid_request");
  auto unknown = check("client_id=nobody&scope=granting&state=1&response_type=code");
  ASSERT_TRUE(unknown.error);
  EXPECT_FALSE(unknown.error->redirect);
  EXPECT_EQ(unknown.error->error, "unauthorized_client");
  auto twice = check(valid() + "&client_id=single");
  ASSERT_TRUE(twice.error);
  EXPECT_FALSE(twice.error->redirect);
}

TEST_F(AuthorizeRequestTest, RedirectUriRules) {
  // Several registered: required.
  auto missing =
      check(std::string("client_id=") + kClient + "&scope=granting&state=1&response_type=code");
  ASSERT_TRUE(missing.error);
  EXPECT_FALSE(missing.error->redirect);
  // Not registered (exact match: no case folding, no trailing-slash leniency on a non-empty
  // path, no query or fragment games).
  for (const char* uri :
       {"https%3A%2F%2Fevil.example%2F", "https%3A%2F%2FWWW.example.com%2F",
        "https%3A%2F%2Fwww.example.com%2Fx", "http%3A%2F%2Flocalhost%3A8080%2Fredirect%2F",
        "https%3A%2F%2Fwww.example.com%2F%3Fa%3D1", "https%3A%2F%2Fwww.example.com%3Fa%3D1",
        "https%3A%2F%2Fwww.example.com%3A443%2F", "http%3A%2F%2Fwww.example.com%2F",
        "http%3A%2F%2Flocalhost%3A8080%2FRedirect"}) {
    auto wrong = check(std::string("client_id=") + kClient +
                       "&scope=granting&state=1&response_type=code&redirect_uri=" + uri);
    ASSERT_TRUE(wrong.error) << uri;
    EXPECT_FALSE(wrong.error->redirect) << uri;
  }
  // RFC 3986 §6.2.3: an empty path equals "/" (ING's CLI sends https://www.example.com for the
  // registered https://www.example.com/); the customer goes back to the URI as given.
  auto empty_path = check(std::string("client_id=") + kClient +
                          "&scope=granting&state=1&response_type=code"
                          "&redirect_uri=https%3A%2F%2Fwww.example.com");
  ASSERT_TRUE(empty_path.request);
  EXPECT_EQ(empty_path.request->redirect_uri, "https://www.example.com");
  // One registered: optional, and the registered one is used.
  auto single = check("client_id=single&scope=granting&state=1&response_type=code");
  ASSERT_TRUE(single.request);
  EXPECT_EQ(single.request->redirect_uri, "https://tpp.example/cb?tenant=7");
  EXPECT_EQ(single.request->given_redirect_uri, "");
}

TEST_F(AuthorizeRequestTest, ResponseTypeMustBeCode) {
  auto base = std::string("client_id=single&scope=granting&state=s1");
  auto missing = check(base);
  ASSERT_TRUE(missing.error);
  EXPECT_TRUE(missing.error->redirect);
  EXPECT_EQ(missing.error->error, "invalid_request");
  auto token = check(base + "&response_type=token");
  ASSERT_TRUE(token.error);
  EXPECT_EQ(token.error->error, "unsupported_response_type");
  EXPECT_EQ(token.error->state, "s1");
  EXPECT_EQ(token.error->redirect_uri, "https://tpp.example/cb?tenant=7");
}

TEST_F(AuthorizeRequestTest, StateCharacters) {
  EXPECT_TRUE(is_valid_state("ANY_ARBITRARY_VALUE"));
  EXPECT_TRUE(is_valid_state("a=b%c#d,e;f+g/h_i-j k\tl\nm\rn\fo\vp"));
  EXPECT_FALSE(is_valid_state(""));
  EXPECT_FALSE(is_valid_state(" \t\n"));
  EXPECT_FALSE(is_valid_state("a<b"));
  EXPECT_FALSE(is_valid_state("a\"b"));
  EXPECT_FALSE(is_valid_state("caf\xc3\xa9"));
  EXPECT_FALSE(is_valid_state("a.b"));
  EXPECT_FALSE(is_valid_state(std::string(kMaxStateLength + 1, 'a')));
  EXPECT_TRUE(is_valid_state(std::string(kMaxStateLength, 'a')));

  auto base = std::string("client_id=single&scope=granting&response_type=code");
  auto missing = check(base);
  ASSERT_TRUE(missing.error);
  EXPECT_TRUE(missing.error->redirect);
  EXPECT_EQ(missing.error->error, "invalid_request");
  EXPECT_FALSE(missing.error->state);
  auto blank = check(base + "&state=+++");
  ASSERT_TRUE(blank.error);
  EXPECT_EQ(blank.error->error, "invalid_request");
  auto bad = check(base + "&state=%3Cscript%3E");
  ASSERT_TRUE(bad.error);
  EXPECT_EQ(bad.error->state, "<script>");
}

TEST_F(AuthorizeRequestTest, ScopeRules) {
  auto base = std::string("client_id=single&state=1&response_type=code");
  auto missing = check(base);
  ASSERT_TRUE(missing.error);
  EXPECT_EQ(missing.error->error, "invalid_request");
  auto blank = check(base + "&scope=+");
  ASSERT_TRUE(blank.error);
  EXPECT_EQ(blank.error->error, "invalid_scope");
  auto unknown = check(base + "&scope=payment-accounts%3Abalances%3Aview+nope");
  ASSERT_TRUE(unknown.error);
  EXPECT_EQ(unknown.error->error, "invalid_scope");
  auto not_allowed = check(base + "&scope=payment-accounts%3Aorders%3Acreate");
  ASSERT_TRUE(not_allowed.error);
  EXPECT_EQ(not_allowed.error->error, "invalid_scope");
  auto ok = check(base + "&scope=payment-accounts%3Afunds-availability%3Aconfirm");
  EXPECT_TRUE(ok.request);
  auto twice = check(base + "&scope=granting&scope=granting");
  ASSERT_TRUE(twice.error);
  EXPECT_EQ(twice.error->error, "invalid_request");
}

TEST_F(AuthorizeRequestTest, RedirectUriBuilding) {
  EXPECT_EQ(build_redirect_uri("https://www.example.com/", {{"code", "abc"}, {"state", "1 2"}}),
            "https://www.example.com/?code=abc&state=1%202");
  EXPECT_EQ(build_redirect_uri("https://tpp.example/cb?tenant=7#frag",
                               {{"code", "a+b/c="}, {"state", "x&y=z#"}}),
            "https://tpp.example/cb?tenant=7&code=a%2Bb%2Fc%3D&state=x%26y%3Dz%23");
  EXPECT_EQ(build_redirect_uri("https://tpp.example/cb?", {{"code", "c"}}),
            "https://tpp.example/cb?code=c");
  AuthorizeError error{true, "invalid_scope", "Unknown scope nope", "https://a.example/cb", "s%1"};
  EXPECT_EQ(error_redirect_uri(error),
            "https://a.example/cb?error=invalid_scope&error_description=Unknown%20scope%20nope&"
            "state=s%251");
}

TEST_F(AuthorizeRequestTest, FormParsing) {
  auto f = parse_form("a=1&b=x+y&a=2&c=%zz&d");
  EXPECT_EQ(f.count("a"), 2u);
  EXPECT_EQ(f.get("a"), "1");
  EXPECT_EQ(f.get("b"), "x y");
  EXPECT_EQ(f.get("d"), "");
  EXPECT_TRUE(f.malformed);
  EXPECT_FALSE(f.get("c"));
}

TEST_F(AuthorizeRequestTest, ParametersGivenTwiceOrNotDecodingAreRefused) {
  // A name counts once decoded: %73tate is state.
  auto twice = check(valid() + "&%73tate=other");
  ASSERT_TRUE(twice.error);
  EXPECT_TRUE(twice.error->redirect);
  EXPECT_EQ(twice.error->error, "invalid_request");
  EXPECT_EQ(twice.error->description, "The state parameter is given more than once");
  auto client_twice = check(valid() + "&client_id=" + kClient);
  ASSERT_TRUE(client_twice.error);
  EXPECT_FALSE(client_twice.error->redirect);
  EXPECT_EQ(client_twice.error->description, "The client_id parameter is given more than once");
  // A '%' not followed by two hex digits anywhere: refused, back to the application.
  for (const char* bad : {"&extra=%zz", "&extra=100%", "&%4=x"}) {
    auto r = check(valid() + bad);
    ASSERT_TRUE(r.error) << bad;
    EXPECT_TRUE(r.error->redirect) << bad;
    EXPECT_EQ(r.error->error, "invalid_request") << bad;
    EXPECT_EQ(r.error->description, "The query is not valid percent-encoding") << bad;
    EXPECT_EQ(r.error->state, "ANY_ARBITRARY_VALUE") << bad;
  }
}

}  // namespace
}  // namespace sandbank::web
