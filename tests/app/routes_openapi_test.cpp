// The route tables of both listeners (app/routes.cpp) against Sandbank's OpenAPI document
// (docs/openapi.json as compiled in): every route is an operation of the document for its
// listener and every operation of the document is a route; the document's closed enums are
// the codes the code emits (TPPMessage codes, the signing library's detail codes).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "api/tpp_messages.hpp"
#include "app/routes.hpp"
#include "bank/bookings.hpp"
#include "bank/profiles.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "crypto/sandbox_pki.hpp"
#include "signing/diagnosis.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"
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

// A parameter of the document, its $ref resolved.
const json::object& resolved(const json::value& doc, const json::value& parameter) {
  const auto& p = parameter.as_object();
  if (const auto* ref = p.if_contains("$ref")) {
    std::string name(ref->as_string());
    name = name.substr(name.rfind('/') + 1);
    return doc.at("components").at("parameters").at(name).as_object();
  }
  return p;
}

// The enum of the path parameter `name` of an operation (path-level or its own), if any.
std::vector<std::string> path_enum(const json::value& doc, const json::object& item,
                                   const json::object& operation, const std::string& name) {
  std::vector<std::string> out;
  for (const auto* owner : {&item, &operation}) {
    const auto* list = owner->if_contains("parameters");
    if (list == nullptr) continue;
    for (const auto& parameter : list->as_array()) {
      const auto& p = resolved(doc, parameter);
      if (p.at("in").as_string() != "path" || p.at("name").as_string() != name) continue;
      const auto* schema = p.if_contains("schema");
      const auto* values = schema ? schema->as_object().if_contains("enum") : nullptr;
      if (values == nullptr) continue;
      out.clear();
      for (const auto& v : values->as_array()) out.emplace_back(v.as_string());
    }
  }
  return out;
}

// The router paths of one documented path template: a segment that mixes a literal with a
// parameter (`pain.001-{payment-product}`) is routed once per value of the parameter's enum
// (the router matches such segments literally); the other parameters become "{}".
std::vector<std::string> routed_forms(const json::value& doc, const std::string& path,
                                      const json::object& item, const json::object& operation) {
  std::vector<std::string> forms{""};
  std::size_t start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string segment = path.substr(start, end - start);
    auto open = segment.find('{');
    auto close = segment.find('}');
    std::vector<std::string> choices{shape(segment)};
    if (open != std::string::npos && close != std::string::npos &&
        (open != 0 || close != segment.size() - 1)) {
      auto name = segment.substr(open + 1, close - open - 1);
      auto values = path_enum(doc, item, operation, name);
      EXPECT_FALSE(values.empty())
          << path << ": the parameter " << name << " of a mixed segment has no enum";
      choices.clear();
      for (const auto& v : values) {
        choices.push_back(segment.substr(0, open) + v + segment.substr(close + 1));
      }
    }
    std::vector<std::string> next;
    for (const auto& f : forms) {
      for (const auto& c : choices) next.push_back(f + "/" + c);
    }
    forms = std::move(next);
    start = end + 1;
  }
  return forms;
}

// "GET /v3/accounts/{}/balances" of every operation the document places on `listener`.
std::set<std::string> documented(const std::string& listener) {
  std::set<std::string> out;
  auto doc = document();
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      if (!operation.is_object() || !operation.as_object().contains("responses")) continue;
      for (const auto& l : operation.at("x-sandbank-listener").as_array()) {
        if (l.as_string() != listener) continue;
        for (const auto& form :
             routed_forms(doc, std::string(path), item.as_object(), operation.as_object())) {
          out.insert(upper(std::string(method)) + " " + form);
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
  sandbank::testing::TempDir dir;
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
      store->sessions(),
      profiles,
      clock,
      random};
  bank::PendingBookings bookings{*store, clock};
  api::AisApi ais_api{oauth_api, store->bank(), &bookings};
  bank::PaymentService payments{*store, clock, random};
  api::PisApi pis_api{oauth_api, payments, store->bank()};
  api::CafApi caf_api{oauth_api, payments, store->bank()};
  web::PaymentPage payment_page{payments, store->bank(), store->sessions(),
                                profiles, clock,         random};
  api::GrantingApi granting_api{oauth_api, authorizations, pis_api.urls};
  web::GrantsSupport grants_support{
      tokens, authorizations, [this](const std::string& id) { return registry.find(id); },
      [](const store::Application& a) { return oauth::ApplicationRegistry::allowed_scopes(a); },
      profiles};
  Services services{*store,
                    authenticator,
                    clock,
                    pki,
                    registry,
                    tokens,
                    authorizations,
                    oauth_api,
                    authorization_app,
                    ais_api,
                    pis_api,
                    caf_api,
                    payment_page,
                    granting_api,
                    grants_support,
                    nullptr};
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
  // pain.001 (3 products × single POST, GET, DELETE, v1 and v2 status; periodic POST, GET,
  // DELETE, status) and bulk payments (v1 POST, GET, DELETE, status; v2 POST, GET).
  EXPECT_TRUE(routes.count("POST /v1/payments/pain.001-sepa-credit-transfers"));
  EXPECT_TRUE(routes.count("GET /v2/payments/pain.001-domestic-credit-transfers/{}/status"));
  EXPECT_TRUE(
      routes.count("DELETE /v1/periodic-payments/pain.001-cross-border-credit-transfers/{}"));
  EXPECT_TRUE(routes.count("GET /v1/bulk-payments/{}/{}/status"));
  EXPECT_TRUE(routes.count("GET /v2/bulk-payments/{}/{}"));
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
        "http.body_too_large", "http.header_too_large", "internal", "store.busy",
        // pain.001 documents (api/pain001, api/pis_xml_api) and bulk payments.
        "pain001.too_large", "pain001.malformed", "pain001.doctype", "pain001.entity",
        "pain001.external_entity", "pain001.too_deep", "pain001.too_many_elements",
        "pain001.not_pain001", "pain001.namespace", "pain001.element_repeated",
        "pain001.not_single", "pain001.count_mismatch", "pain001.control_sum_mismatch",
        "pain001.parser", "pain001.writer", "payment.form_malformed", "payment.bulk_too_large"}) {
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
