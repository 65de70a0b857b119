// The route tables of both listeners (app/routes.cpp) against Sandbank's OpenAPI document
// (docs/openapi.json as compiled in): every route is an operation of the document for its
// listener and every operation of the document is a route; the document's closed enums are
// the codes the code emits (TPPMessage codes, the signing library's detail codes).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>
#include <string>

#include "api/tpp_messages.hpp"
#include "app/routes.hpp"
#include "bank/bookings.hpp"
#include "bank/profiles.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "crypto/sandbox_pki.hpp"
#include "signing/diagnosis.hpp"
#include "store/store.hpp"
#include "store/temp_dir.hpp"
#include "web/assets.hpp"

namespace sandbank::app {
namespace {

namespace json = boost::json;

// "/v3/accounts/{account-id}/balances" → "/v3/accounts/{}/balances": the router and the
// document name their parameters differently (ING's names in the document).
std::string shape(std::string_view path) {
  std::string out;
  bool in_parameter = false;
  for (char c : path) {
    if (c == '{') {
      in_parameter = true;
      out += "{}";
    } else if (c == '}') {
      in_parameter = false;
    } else if (!in_parameter) {
      out += c;
    }
  }
  return out;
}

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

json::value document() {
  return json::parse(web::assets::kOpenApiDocument);
}

// "GET /v3/accounts/{}/balances" of every operation the document places on `listener`.
std::set<std::string> documented(const std::string& listener) {
  std::set<std::string> out;
  auto doc = document();
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      if (!operation.is_object() || !operation.as_object().contains("responses")) continue;
      for (const auto& l : operation.at("x-sandbank-listener").as_array()) {
        if (l.as_string() == listener) {
          out.insert(upper(std::string(method)) + " " + shape(std::string(path)));
        }
      }
    }
  }
  return out;
}

std::set<std::string> routed(const http::Router& router) {
  std::set<std::string> out;
  for (const auto& route : router.routes())
    out.insert(route.method + " " + shape(route.path_template));
  return out;
}

std::string listing(const std::set<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += "  " + i + "\n";
  return out;
}

std::set<std::string> enum_of(const json::value& schema) {
  std::set<std::string> out;
  for (const auto& v : schema.at("enum").as_array()) out.insert(std::string(v.as_string()));
  return out;
}

class RoutesOpenApiTest : public ::testing::Test {
 protected:
  store::test_support::TempDir dir;
  std::unique_ptr<store::Store> store = store::open_memory_store();
  SystemClock clock;
  SystemRandom random;
  crypto::SandboxPki pki = crypto::create_sandbox_pki(
      dir / "certs", {}, clock.now(), random,
      [](crypto::KeyType) { return crypto::PrivateKey::generate_ec_p256(); });
  std::shared_ptr<crypto::TrustStore> trust = [this] {
    auto t = std::make_shared<crypto::TrustStore>();
    t->add(pki.ca);
    return t;
  }();
  const bank::Profiles& profiles = bank::builtin_profiles();
  ClientAuthenticator authenticator{trust, *store, clock};
  oauth::ApplicationRegistry registry{*store, trust, clock, random};
  oauth::TokenService tokens{*store, clock, random};
  oauth::Authorizations authorizations{*store, clock, random};
  api::OAuthApi oauth_api{registry, tokens, clock,
                          [](http::Request&) -> crypto::Certificate {
                            throw Error(401, "mtls.certificate_missing", "no certificate");
                          },
                          api::certificate_jwk(pki.server)};
  web::AuthorizationApp authorization_app{
      [this](const std::string& id) { return registry.find(id); },
      [](const store::Application& a) { return oauth::ApplicationRegistry::allowed_scopes(a); },
      authorizations,
      profiles,
      clock,
      random};
  bank::PendingBookings bookings{*store, clock};
  api::AisApi ais_api{oauth_api, store->bank(), &bookings};
  bank::PaymentService payments{*store, clock, random};
  api::PisApi pis_api{oauth_api, payments, store->bank()};
  web::PaymentPage payment_page{payments, store->bank(), profiles, clock, random};
  api::GrantingApi granting_api{oauth_api, authorizations, pis_api.urls};
  web::GrantsSupport grants_support{
      tokens, authorizations, [this](const std::string& id) { return registry.find(id); },
      [](const store::Application& a) { return oauth::ApplicationRegistry::allowed_scopes(a); },
      profiles};
  Services services{
      *store,    authenticator,     clock,   pki,     registry,     tokens,       authorizations,
      oauth_api, authorization_app, ais_api, pis_api, payment_page, granting_api, grants_support};
};

TEST_F(RoutesOpenApiTest, EveryApiRouteIsDocumentedAndEveryDocumentedOperationIsARoute) {
  auto routes = routed(*make_api_router(services));
  auto doc = documented("api");
  std::set<std::string> undocumented, unrouted;
  std::set_difference(routes.begin(), routes.end(), doc.begin(), doc.end(),
                      std::inserter(undocumented, undocumented.end()));
  std::set_difference(doc.begin(), doc.end(), routes.begin(), routes.end(),
                      std::inserter(unrouted, unrouted.end()));
  EXPECT_TRUE(undocumented.empty()) << "API routes missing from docs/openapi.json:\n"
                                    << listing(undocumented);
  EXPECT_TRUE(unrouted.empty()) << "documented on the API listener but not routed:\n"
                                << listing(unrouted);
  EXPECT_GE(routes.size(), 24u);
}

TEST_F(RoutesOpenApiTest, EveryWebRouteIsDocumentedAndEveryDocumentedOperationIsARoute) {
  auto routes = routed(*make_web_router(services));
  auto doc = documented("web");
  std::set<std::string> undocumented, unrouted;
  std::set_difference(routes.begin(), routes.end(), doc.begin(), doc.end(),
                      std::inserter(undocumented, undocumented.end()));
  std::set_difference(doc.begin(), doc.end(), routes.begin(), routes.end(),
                      std::inserter(unrouted, unrouted.end()));
  EXPECT_TRUE(undocumented.empty()) << "web routes missing from docs/openapi.json:\n"
                                    << listing(undocumented);
  EXPECT_TRUE(unrouted.empty()) << "documented on the web listener but not routed:\n"
                                << listing(unrouted);
  EXPECT_GE(routes.size(), 15u);
}

TEST(OpenApiDocument, TppMessageCodesAreTheCodesSandbankEmits) {
  auto doc = document();
  const auto& schemas = doc.at("components").at("schemas");
  for (auto [name, api] : {std::pair{"TppMessageAis", api::TppApi::Ais},
                           std::pair{"TppMessagePis", api::TppApi::Pis}}) {
    std::set<std::string> expected;
    for (auto code : api::tpp_message_codes(api)) expected.insert(std::string(code));
    EXPECT_EQ(enum_of(schemas.at(name).at("properties").at("code")), expected) << name;
  }
}

TEST(OpenApiDocument, DetailCodesIncludeEverySigningCodeAndTheRoutersOwn) {
  auto doc = document();
  auto codes = enum_of(doc.at("components").at("schemas").at("DetailCode"));
  for (auto code : signing::codes::all()) {
    EXPECT_TRUE(codes.count(std::string(code))) << code << " is not in DetailCode";
  }
  for (const char* code :
       {"route.not_found", "route.method_not_allowed", "http.malformed", "http.request_timeout",
        "http.body_too_large", "http.header_too_large", "internal", "store.busy"}) {
    EXPECT_TRUE(codes.count(code)) << code << " is not in DetailCode";
  }
}

TEST(OpenApiDocument, IsOpenApi31WithUniqueOperationIds) {
  auto doc = document();
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  std::set<std::string> ids;
  std::size_t operations = 0;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      if (!operation.is_object() || !operation.as_object().contains("responses")) continue;
      ++operations;
      ids.insert(std::string(operation.at("operationId").as_string()));
    }
  }
  EXPECT_EQ(ids.size(), operations);
}

}  // namespace
}  // namespace sandbank::app
