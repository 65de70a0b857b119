#include "oauth/redirect_uri.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace sandbank::oauth {
namespace {

TEST(RedirectUri, AnEmptyPathEqualsTheRootAndNothingElseIsNormalised) {
  EXPECT_TRUE(same_redirect_uri("https://www.example.com", "https://www.example.com/"));
  EXPECT_TRUE(same_redirect_uri("https://www.example.com/", "https://www.example.com"));
  EXPECT_TRUE(same_redirect_uri("https://www.example.com?a=1", "https://www.example.com/?a=1"));
  EXPECT_TRUE(same_redirect_uri("http://localhost:8080", "http://localhost:8080/"));
  EXPECT_TRUE(same_redirect_uri("https://example.com/cb", "https://example.com/cb"));

  EXPECT_FALSE(same_redirect_uri("https://example.com/cb", "https://example.com/cb/"));
  EXPECT_FALSE(same_redirect_uri("https://example.com/cb", "https://example.com/CB"));
  EXPECT_FALSE(same_redirect_uri("https://example.com/", "https://EXAMPLE.com/"));
  EXPECT_FALSE(same_redirect_uri("https://example.com/", "HTTPS://example.com/"));
  EXPECT_FALSE(same_redirect_uri("https://example.com/?a=1&b=2", "https://example.com/?b=2&a=1"));
  EXPECT_FALSE(same_redirect_uri("https://example.com/", "https://example.com:443/"));
  EXPECT_FALSE(same_redirect_uri("https://example.com/a%2Fb", "https://example.com/a/b"));
  EXPECT_FALSE(same_redirect_uri("https://example.com/", "https://example.com/#x"));
  EXPECT_FALSE(same_redirect_uri("https://example.com/", "https://example.com//"));
  EXPECT_FALSE(same_redirect_uri("", "/"));
  EXPECT_FALSE(same_redirect_uri("example.com", "example.com/"));
}

TEST(RedirectUri, ResolvesAgainstTheRegisteredOnes) {
  store::Application app;
  app.client_id = "app";
  app.redirect_uris = {"https://www.example.com/", "https://example.com/redirect"};
  EXPECT_EQ(resolve_redirect_uri(app, std::string_view("https://www.example.com")),
            "https://www.example.com/");
  EXPECT_EQ(registered_redirect_uri(app.redirect_uris, "https://example.com/redirect"),
            "https://example.com/redirect");
  auto code_of = [&](std::optional<std::string_view> given) {
    try {
      resolve_redirect_uri(app, given);
    } catch (const Error& e) {
      return e.code();
    }
    return std::string();
  };
  EXPECT_EQ(code_of(std::string_view("https://example.com/redirect/")),
            "request.redirect_uri_invalid");
  EXPECT_EQ(code_of(std::nullopt), "request.redirect_uri_missing");
  app.redirect_uris = {"https://tpp.example/cb"};
  EXPECT_EQ(resolve_redirect_uri(app, std::nullopt), "https://tpp.example/cb");
  app.redirect_uris.clear();
  EXPECT_EQ(code_of(std::nullopt), "request.redirect_uri_none");
}

}  // namespace
}  // namespace sandbank::oauth
