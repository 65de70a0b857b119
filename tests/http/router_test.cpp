#include "http/router.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <stdexcept>

namespace sandbank::http {
namespace {

Request make_request(std::string method, std::string target) {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.response_id = "0123456789abcdef0123456789abcdef";
  return r;
}

boost::json::object body_of(const Response& r) {
  return boost::json::parse(r.body).as_object();
}

Handler answer(std::string text) {
  return [text](Request&) { return Response::text(200, text); };
}

TEST(RouterTest, LiteralSegmentsBeatParameters) {
  Router router;
  router.add("GET", "/oauth2/applications/{id}",
             [](Request& r) { return Response::text(200, "param " + r.path_params.at("id")); });
  router.add("GET", "/oauth2/applications/me", answer("literal"));
  Request me = make_request("GET", "/oauth2/applications/me");
  EXPECT_EQ(router.handle(me).body, "literal");
  Request other = make_request("GET", "/oauth2/applications/5ca1ab1e?x=1");
  EXPECT_EQ(router.handle(other).body, "param 5ca1ab1e");
  EXPECT_EQ(other.path_params.at("id"), "5ca1ab1e");
}

TEST(RouterTest, BacktracksFromALiteralDeadEndToAParameter) {
  Router router;
  router.add("GET", "/v3/accounts/{id}/balances",
             [](Request& r) { return Response::text(200, r.path_params.at("id")); });
  router.add("GET", "/v3/accounts/special", answer("special"));
  Request r = make_request("GET", "/v3/accounts/special/balances");
  EXPECT_EQ(router.handle(r).body, "special");
}

TEST(RouterTest, BindsSeveralParametersRaw) {
  Router router;
  router.add("GET", "/a/{x}/b/{y}", [](Request& r) {
    return Response::text(200, r.path_params.at("x") + "|" + r.path_params.at("y"));
  });
  Request r = make_request("GET", "/a/one%20two/b/3");
  EXPECT_EQ(router.handle(r).body, "one%20two|3");
}

TEST(RouterTest, ParametersDoNotMatchEmptySegments) {
  Router router;
  router.add("GET", "/items/{id}", answer("item"));
  Request r = make_request("GET", "/items/");
  Response response = router.handle(r);
  EXPECT_EQ(response.status, 404u);
}

TEST(RouterTest, UnknownPathIs404Json) {
  Router router;
  router.add("GET", "/health", answer("ok"));
  Request r = make_request("GET", "/nope");
  Response response = router.handle(r);
  EXPECT_EQ(response.status, 404u);
  EXPECT_EQ(response.header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(body_of(response).at("detail").as_string(), "route.not_found");
  EXPECT_EQ(r.detail_code, "route.not_found");
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  Router router;
  router.add("GET", "/oauth2/token/{x}", answer("get"));
  router.add("POST", "/oauth2/token/{x}", answer("post"));
  router.add("DELETE", "/oauth2/token/special", answer("delete"));
  Request r = make_request("PUT", "/oauth2/token/special");
  Response response = router.handle(r);
  EXPECT_EQ(response.status, 405u);
  EXPECT_EQ(response.header("Allow").value_or(""), "DELETE, GET, HEAD, POST");
  EXPECT_EQ(body_of(response).at("detail").as_string(), "route.method_not_allowed");
}

TEST(RouterTest, MethodOfAParameterRouteIsFoundBehindALiteralOne) {
  Router router;
  router.add("GET", "/a/b", answer("literal get"));
  router.add("POST", "/a/{x}", answer("param post"));
  Request r = make_request("POST", "/a/b");
  EXPECT_EQ(router.handle(r).body, "param post");
}

TEST(RouterTest, HeadUsesTheGetHandler) {
  Router router;
  router.add("GET", "/health", answer("ok"));
  Request r = make_request("HEAD", "/health");
  Response response = router.handle(r);
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.body, "ok");  // the server drops it, keeping Content-Length
}

TEST(RouterTest, HooksRunBeforeMatchedHandlersOnly) {
  Router router;
  int hook_calls = 0;
  router.before([&](Request& r) {
    ++hook_calls;
    EXPECT_EQ(r.path_params.at("id"), "7");  // params are bound before hooks run
    if (!r.header("X-Allow")) {
      throw Error::unauthorized("mtls.certificate_missing", "A client certificate is required",
                                "send one with --cert");
    }
  });
  router.add("GET", "/things/{id}", answer("thing"));
  Request missing = make_request("GET", "/nothing");
  EXPECT_EQ(router.handle(missing).status, 404u);
  EXPECT_EQ(hook_calls, 0);

  Request denied = make_request("GET", "/things/7");
  Response response = router.handle(denied);
  EXPECT_EQ(hook_calls, 1);
  EXPECT_EQ(response.status, 401u);
  auto body = body_of(response);
  EXPECT_EQ(body.at("message").as_string(), "A client certificate is required");
  EXPECT_EQ(body.at("detail").as_string(), "mtls.certificate_missing");
  EXPECT_EQ(body.at("diagnostic").as_string(), "send one with --cert");
  EXPECT_EQ(denied.detail_code, "mtls.certificate_missing");

  Request allowed = make_request("GET", "/things/7");
  allowed.headers.push_back({"x-allow", "1"});
  EXPECT_EQ(router.handle(allowed).body, "thing");
}

TEST(RouterTest, DiagnosticsCanBeSwitchedOff) {
  Router router;
  router.set_diagnostics(false);
  router.add("GET", "/x", [](Request&) -> Response {
    throw Error::bad_request("digest.mismatch", "Digest does not match", "expected SHA-256=abc");
  });
  Request r = make_request("GET", "/x");
  auto body = body_of(router.handle(r));
  EXPECT_FALSE(body.contains("diagnostic"));
  EXPECT_EQ(body.at("detail").as_string(), "digest.mismatch");
}

TEST(RouterTest, EmptyDiagnosticIsOmitted) {
  Response r = render_error_json(Error::forbidden("consent.other_client", "Not yours"), true);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(r.body, R"({"message":"Not yours","detail":"consent.other_client"})");
}

TEST(RouterTest, OtherExceptionsBecome500WithoutInternals) {
  Router router;
  router.add("GET", "/boom", [](Request&) -> Response {
    throw std::runtime_error("database password is hunter2");
  });
  Request r = make_request("GET", "/boom");
  Response response = router.handle(r);
  EXPECT_EQ(response.status, 500u);
  EXPECT_EQ(response.body.find("hunter2"), std::string::npos);
  EXPECT_EQ(body_of(response).at("detail").as_string(), "internal");
  EXPECT_EQ(r.detail_code, "internal");
}

TEST(RouterTest, CustomErrorRendererAndItsFallback) {
  Router router;
  router.set_error_renderer([](const Request& r, const Error& e) {
    if (r.path() == "/bad-renderer") throw std::runtime_error("renderer bug");
    boost::json::object message{
        {"category", "ERROR"}, {"code", "FORMAT_ERROR"}, {"text", e.message()}};
    boost::json::object body{{"tppMessages", boost::json::array{message}}, {"detail", e.code()}};
    return Response::json(static_cast<unsigned>(e.status()), boost::json::serialize(body));
  });
  Request r = make_request("GET", "/v3/accounts");
  Response response = router.handle(r);
  EXPECT_EQ(response.status, 404u);
  EXPECT_TRUE(body_of(response).contains("tppMessages"));

  Request bad = make_request("GET", "/bad-renderer");
  Response fallback = router.handle(bad);
  EXPECT_EQ(fallback.status, 404u);
  EXPECT_EQ(body_of(fallback).at("detail").as_string(), "route.not_found");
}

TEST(RouterTest, RejectsBadAndDuplicateTemplates) {
  Router router;
  router.add("GET", "/a/{id}", answer("a"));
  EXPECT_THROW(router.add("GET", "/a/{id}", answer("again")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/a/{other}", answer("same shape")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "no-slash", answer("x")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/b/{x}/{x}", answer("x")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/c/x{y}", answer("x")), std::invalid_argument);
  EXPECT_NO_THROW(router.add("POST", "/a/{other}", answer("post")));
}

TEST(RouterTest, RoutesListsTheTableInOrder) {
  Router router;
  router.add("POST", "/oauth2/token", answer("t"));
  router.add("GET", "/v3/accounts/{id}/balances", answer("b"));
  auto routes = router.routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].method, "POST");
  EXPECT_EQ(routes[0].path_template, "/oauth2/token");
  EXPECT_EQ(routes[1].path_template, "/v3/accounts/{id}/balances");
}

}  // namespace
}  // namespace sandbank::http
