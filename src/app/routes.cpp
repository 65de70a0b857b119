#include "app/routes.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "api/caf_api.hpp"
#include "api/errors.hpp"
#include "api/pis_xml_api.hpp"
#include "api/token_api.hpp"
#include "api/tpp_messages.hpp"
#include "app/inspector_pages.hpp"
#include "core/error.hpp"
#include "core/time_format.hpp"
#include "http/message.hpp"
#include "web/api_reference.hpp"
#include "web/assets.hpp"
#include "web/pages.hpp"

// The route tables: every route of both listeners, top to bottom, with the handler that serves
// it, what it requires, and which error body it answers with. Each step of the guide is one hop
// from here:
//   sandbox step 2 / production step 2  POST /oauth2/token          api::token → api::grant_*
//   production step 1                   POST /oauth2/applications   api::register_application
//   step 3a (authorization URL)         GET  /oauth2/authorization-server-url (legacy flow)
//   step 3b (customer consent)          GET  /authorize/v2...       web::AuthorizationApp
//   step 3d / step 4 (code, refresh)    POST /oauth2/token          api::grant_authorization_code,
//                                                                   api::grant_refresh_token
//   step 5 (AIS)                        GET  /v3/accounts...        api::list_accounts, ...
//   step 6 (PIS, CAF)                   POST /v1/payments/{product} api::initiate, ...
// Handlers are plain functions of (their API's dependencies, the request); they only throw.
// An Error becomes a response in one place per listener: the router's renderer below.
namespace sandbank::app {
namespace {

using bank::PaymentKind;

using api::ErrorBody;

// What the routes require (RouteInfo::authentication).
constexpr const char* kNone = "";
constexpr const char* kMtls = "mTLS";
constexpr const char* kDcr = "mTLS + Digest + x-jws-signature (TPP-Signature-Certificate)";
constexpr const char* kMtlsToken = "mTLS + mTLS-only application token";
constexpr const char* kTokenEndpoint =
    "mTLS + per grant: client_id (mTLS only), Authorization: Signature (signed), or signed "
    "application token + Signature (code, refresh)";
constexpr const char* kSignedApplication = "mTLS + signed application token + Signature";
constexpr const char* kCustomer = "mTLS + customer token + Signature";
constexpr const char* kPis =
    "mTLS + signed application token + Signature, or mTLS-only token + x-jws-signature";
constexpr const char* kSession = "session cookie + CSRF token";
constexpr const char* kXsrf = "XSRF-TOKEN cookie + X-XSRF-TOKEN header";
constexpr const char* kInspectorLink = "inspector link (GET /sandbank/inspector) or operator key";

// One row: the route as the router and `sandbank routes` see it, and how to bind its handler
// to the services of a running server.
struct Row {
  http::RouteInfo info;
  std::function<http::Handler(Services&)> bind;
};

Row row(std::string method, std::string path, const char* authentication, ErrorBody errors,
        std::string handler, std::function<http::Handler(Services&)> bind) {
  return Row{http::RouteInfo{std::move(method), std::move(path), std::move(handler), authentication,
                             static_cast<int>(errors)},
             std::move(bind)};
}

// HANDLER(api_member, function[, argument]): the handler's name as spelled, and a binder that
// calls function(services.api_member, request[, argument]).
#define SANDBANK_HANDLER(member, function) \
#function,                               \
      [](Services &                        \
         s) -> http::                      \
                Handler { return [&a = s.member](http::Request& r) { return function(a, r); }; }
#define SANDBANK_HANDLER_WITH(member, function, argument) \
#function "(" #argument ")", [](Services& s) -> http::Handler {                 \
    return [&a = s.member](http::Request& r) { return function(a, r, argument); }; \
  }
#define SANDBANK_METHOD(member, type, method) \
#type "::" #method,                         \
      [](Services &                           \
         s) -> http::Handler { return [&a = s.member](http::Request& r) { return a.method(r); }; }

http::Response json(unsigned status, const boost::json::value& body) {
  return http::Response::json(status, boost::json::serialize(body));
}

http::Response health(Services&, http::Request&) {
  return json(200, {{"status", "ok"}});
}

// GET /openapi.json on both listeners: docs/openapi.json as compiled in, byte for byte.
http::Response openapi_document(Services&, http::Request&) {
  return http::Response::json(200, std::string(web::assets::kOpenApiDocument));
}

// GET /sandbank/whoami: what the sandbox sees of the TLS client certificate. Newcomers use it
// to check their mutual TLS set-up before they sign anything.
http::Response whoami(Services& services, http::Request& request) {
  auto id = services.authenticator.authenticate(request);
  boost::json::array roles;
  for (auto role : id->roles) roles.emplace_back(crypto::role_name(role));
  boost::json::object body;
  body["serialNumber"] = id->serial_hex;
  body["x5t#S256"] = id->fingerprint;
  body["subject"] = id->certificate.subject();
  body["issuer"] = id->certificate.issuer();
  body["organizationIdentifier"] =
      id->organization_identifier ? boost::json::value(*id->organization_identifier) : nullptr;
  body["roles"] = roles;
  body["notAfter"] = format_rfc3339(id->certificate.not_after());
  auto app = services.store.applications().find_by_key_fingerprint("tls", id->fingerprint);
  body["client_id"] = app ? boost::json::value(app->client_id) : nullptr;
  return json(200, body);
}

// Handlers of Services itself (health, whoami, the OpenAPI document).
#define SANDBANK_OWN(function) \
#function, [](Services &     \
                s) -> http::Handler { return [&s](http::Request& r) { return function(s, r); }; }

std::vector<Row> api_rows() {
  using E = ErrorBody;
  std::vector<Row> rows = {
      row("GET", "/health", kNone, E::Plain, SANDBANK_OWN(health)),
      // Sandbank's OpenAPI document (docs/openapi.json); like /health, no certificate needed.
      row("GET", "/openapi.json", kNone, E::Plain, SANDBANK_OWN(openapi_document)),
      row("GET", "/sandbank/whoami", kMtls, E::Plain, SANDBANK_OWN(whoami)),
      // A link to the request inspector's pages for the certificate's organisation.
      row("GET", "/sandbank/inspector", kMtls, E::Plain, SANDBANK_OWN(inspector_link)),
      // Dynamic client registration (docs/api.md "Registration").
      row("POST", "/oauth2/applications", kDcr, E::Plain,
          SANDBANK_HANDLER(oauth_api, api::register_application)),
      row("GET", "/oauth2/applications/me", kMtlsToken, E::Plain,
          SANDBANK_HANDLER(oauth_api, api::list_applications)),
      row("GET", "/oauth2/applications/{id}", kMtlsToken, E::Plain,
          SANDBANK_HANDLER(oauth_api, api::get_application)),
      row("PUT", "/oauth2/applications/{id}", kMtlsToken, E::Plain,
          SANDBANK_HANDLER(oauth_api, api::update_application)),
      // The token endpoint (docs/api.md "Token endpoint"); api::token picks the grant handler.
      row("POST", "/oauth2/token", kTokenEndpoint, E::OAuth,
          SANDBANK_HANDLER(oauth_api, api::token)),
      row("POST", "/oauth2/token/revoke", kSignedApplication, E::OAuth,
          SANDBANK_HANDLER(oauth_api, api::revoke_token)),
      // ING's pre-migration granting flow (docs/authorize.md).
      row("GET", "/oauth2/authorization-server-url", kSignedApplication, E::Plain,
          SANDBANK_HANDLER(granting_api, api::authorization_server_url)),
      // Account Information (docs/api.md "AIS").
      row("GET", "/v3/accounts", kCustomer, E::Ais, SANDBANK_HANDLER(ais_api, api::list_accounts)),
      row("GET", "/v3/accounts/{id}/balances", kCustomer, E::Ais,
          SANDBANK_HANDLER(ais_api, api::get_balances)),
      row("GET", "/v2/accounts/{id}/transactions", kCustomer, E::Ais,
          SANDBANK_HANDLER_WITH(ais_api, api::list_transactions, api::TransactionList::V2)),
      row("GET", "/v3/accounts/{id}/transactions", kCustomer, E::Ais,
          SANDBANK_HANDLER_WITH(ais_api, api::list_transactions, api::TransactionList::V3)),
      row("GET", "/v1/card-accounts/{id}/transactions", kCustomer, E::Ais,
          SANDBANK_HANDLER_WITH(ais_api, api::list_transactions, api::TransactionList::Card)),
      // Payment Initiation, JSON (docs/api.md "PIS").
      row("POST", "/v1/payments/{product}", kPis, E::Pis,
          SANDBANK_HANDLER_WITH(pis_api, api::initiate, PaymentKind::Single)),
      row("GET", "/v1/payments/{product}/{paymentId}", kPis, E::Pis,
          SANDBANK_HANDLER_WITH(pis_api, api::get_payment, PaymentKind::Single)),
      row("GET", "/v1/payments/{product}/{paymentId}/status", kPis, E::Pis,
          SANDBANK_HANDLER_WITH(pis_api, api::get_status, PaymentKind::Single)),
      row("DELETE", "/v1/payments/{product}/{paymentId}", kPis, E::Pis,
          SANDBANK_HANDLER_WITH(pis_api, api::delete_payment, PaymentKind::Single)),
      row("POST", "/v1/periodic-payments/{product}", kPis, E::Pis,
          SANDBANK_HANDLER_WITH(pis_api, api::initiate, PaymentKind::Periodic)),
      row("GET", "/v1/periodic-payments/{product}/{paymentId}", kPis, E::Pis,
          SANDBANK_HANDLER_WITH(pis_api, api::get_payment, PaymentKind::Periodic)),
      row("GET", "/v1/periodic-payments/{product}/{paymentId}/status", kPis, E::Pis,
          SANDBANK_HANDLER_WITH(pis_api, api::get_status, PaymentKind::Periodic)),
      row("DELETE", "/v1/periodic-payments/{product}/{paymentId}", kPis, E::Pis,
          SANDBANK_HANDLER_WITH(pis_api, api::delete_payment, PaymentKind::Periodic)),
      // Bulk payments: v1 (POST, GET, DELETE, status) and v2 (POST, GET; the v2 body adds uetr,
      // creditorLEI and structured remittance).
      row("POST", "/v1/bulk-payments/{product}", kPis, E::Pis,
          SANDBANK_HANDLER_WITH(pis_api, api::initiate, PaymentKind::Bulk)),
      row("GET", "/v1/bulk-payments/{product}/{paymentId}", kPis, E::Pis,
          SANDBANK_HANDLER_WITH(pis_api, api::get_payment, PaymentKind::Bulk)),
      row("GET", "/v1/bulk-payments/{product}/{paymentId}/status", kPis, E::Pis,
          SANDBANK_HANDLER_WITH(pis_api, api::get_status, PaymentKind::Bulk)),
      row("DELETE", "/v1/bulk-payments/{product}/{paymentId}", kPis, E::Pis,
          SANDBANK_HANDLER_WITH(pis_api, api::delete_payment, PaymentKind::Bulk)),
      row("POST", "/v2/bulk-payments/{product}", kPis, E::Pis,
          SANDBANK_HANDLER_WITH(pis_api, api::initiate, PaymentKind::Bulk)),
      row("GET", "/v2/bulk-payments/{product}/{paymentId}", kPis, E::Pis,
          SANDBANK_HANDLER_WITH(pis_api, api::get_payment, PaymentKind::Bulk)),
      // Confirmation of Funds (docs/api.md "CAF").
      row("POST", "/v1/funds-confirmations", kCustomer, E::Pis,
          SANDBANK_HANDLER(caf_api, api::confirm_funds)),
  };
  // The same payments in ISO 20022 XML (docs/api.md "pain.001"), per product: the product is
  // part of the segment "pain.001-{product}", so each has its own routes.
  using api::pain001::StatusVersion;
  for (std::string_view product : api::pain001_products()) {
    auto single = fmt::format("/v1/payments/pain.001-{}", product);
    auto periodic = fmt::format("/v1/periodic-payments/pain.001-{}", product);
    auto status_v2 = fmt::format("/v2/payments/pain.001-{}/{{paymentId}}/status", product);
    auto bind = [product](auto function) {
      return [product, function](Services& s) -> http::Handler {
        return [&a = s.pis_api, product, function](http::Request& r) {
          return function(a, r, product);
        };
      };
    };
    rows.push_back(
        row("POST", single, kPis, E::Pis, "api::initiate_single", bind(api::initiate_single)));
    rows.push_back(row("GET", single + "/{paymentId}", kPis, E::Pis, "api::get_single",
                       bind(api::get_single)));
    rows.push_back(row("GET", single + "/{paymentId}/status", kPis, E::Pis,
                       "api::get_single_status(V1)",
                       bind([](api::PisApi& a, http::Request& r, std::string_view p) {
                         return api::get_single_status(a, r, p, StatusVersion::V1);
                       })));
    rows.push_back(row("GET", status_v2, kPis, E::Pis, "api::get_single_status(V2)",
                       bind([](api::PisApi& a, http::Request& r, std::string_view p) {
                         return api::get_single_status(a, r, p, StatusVersion::V2);
                       })));
    rows.push_back(row("DELETE", single + "/{paymentId}", kPis, E::Pis, "api::refuse_delete",
                       bind(api::refuse_delete)));
    rows.push_back(row("POST", periodic, kPis, E::Pis, "api::initiate_periodic",
                       bind(api::initiate_periodic)));
    rows.push_back(row("GET", periodic + "/{paymentId}", kPis, E::Pis, "api::get_periodic",
                       bind(api::get_periodic)));
    rows.push_back(row("GET", periodic + "/{paymentId}/status", kPis, E::Pis,
                       "api::get_periodic_status", bind(api::get_periodic_status)));
    rows.push_back(row("DELETE", periodic + "/{paymentId}", kPis, E::Pis, "api::refuse_delete",
                       bind(api::refuse_delete)));
  }
  return rows;
}

std::vector<Row> web_rows() {
  using E = ErrorBody;
  return {
      row("GET", "/health", kNone, E::Web, SANDBANK_OWN(health)),
      // Sandbank's OpenAPI document and its reference page.
      row("GET", "/openapi.json", kNone, E::Web, SANDBANK_OWN(openapi_document)),
      row("GET", std::string(web::kApiReferencePath), kNone, E::Web, "web::api_reference_handler",
          [](Services&) { return web::api_reference_handler(web::assets::kOpenApiDocument); }),
      // The customer authorization app (docs/authorize.md).
      row("GET", "/authorize/v2", kNone, E::Web,
          SANDBANK_METHOD(authorization_app, web::AuthorizationApp, authorize)),
      row("GET", "/authorize/v2/{country}", kNone, E::Web,
          SANDBANK_METHOD(authorization_app, web::AuthorizationApp, authorize)),
      row("GET", "/authorize/country", kSession, E::Web,
          SANDBANK_METHOD(authorization_app, web::AuthorizationApp, country_page)),
      row("POST", "/authorize/country", kSession, E::Web,
          SANDBANK_METHOD(authorization_app, web::AuthorizationApp, choose_country)),
      row("GET", "/authorize/profiles", kSession, E::Web,
          SANDBANK_METHOD(authorization_app, web::AuthorizationApp, profiles_page)),
      row("POST", "/authorize/consent", kSession, E::Web,
          SANDBANK_METHOD(authorization_app, web::AuthorizationApp, consent)),
      row("GET", std::string(web::kStylesheetPath), kNone, E::Web,
          SANDBANK_METHOD(authorization_app, web::AuthorizationApp, stylesheet)),
      // The legacy flow's pages.
      row("GET", "/granting/{reference}", kNone, E::Web,
          SANDBANK_METHOD(authorization_app, web::AuthorizationApp, granting)),
      row("GET", "/granting/{reference}/{country}", kNone, E::Web,
          SANDBANK_METHOD(authorization_app, web::AuthorizationApp, granting)),
      // The sandbox consent app's JSON API that ING's CLI calls (docs/api.md "grantssupport").
      row("GET", "/grantssupport/accounts", kNone, E::WebJson,
          SANDBANK_HANDLER(grants_support, web::grants_accounts)),
      row("POST", "/grantssupport/{reference}/auth-code", kXsrf, E::WebJson,
          SANDBANK_HANDLER(grants_support, web::grants_auth_code)),
      // The payment authorization page.
      row("GET", "/payment-initiation/{paymentId}/{country}", kNone, E::Web,
          SANDBANK_METHOD(payment_page, web::PaymentPage, show)),
      // The request inspector (docs/inspector.md): the link's secret is the authentication.
      row("GET", "/sandbank/inspector/{token}", kInspectorLink, E::Web,
          SANDBANK_OWN(inspector_list)),
      row("GET", "/sandbank/inspector/{token}/requests/{responseId}", kInspectorLink, E::Web,
          SANDBANK_OWN(inspector_detail)),
      row("GET", "/sandbank/requests", kInspectorLink, E::WebJson,
          SANDBANK_OWN(inspector_requests_json)),
      row("POST", "/payment-initiation/{paymentId}/{country}", kSession, E::Web,
          SANDBANK_METHOD(payment_page, web::PaymentPage, decide)),
  };
}

#undef SANDBANK_HANDLER
#undef SANDBANK_HANDLER_WITH
#undef SANDBANK_METHOD
#undef SANDBANK_OWN

std::unique_ptr<http::Router> build(std::vector<Row> rows, Services& services) {
  auto router = std::make_unique<http::Router>();
  for (auto& r : rows) {
    auto handler = r.bind(services);
    router->add(std::move(r.info), std::move(handler));
  }
  return router;
}

}  // namespace

std::vector<http::RouteInfo> route_table(std::string_view listener) {
  std::vector<http::RouteInfo> out;
  for (auto& r : listener == "web" ? web_rows() : api_rows()) out.push_back(std::move(r.info));
  return out;
}

std::string error_body_name(int error_body) {
  return api::error_body_name(error_body);
}

std::unique_ptr<http::Router> make_api_router(Services& services) {
  auto router = build(api_rows(), services);
  // The one exit for errors on this listener (api/errors.hpp): a handler's, the router's
  // (unknown route, wrong method) and the server's own.
  api::use_api_error_path(*router);
  return router;
}

std::unique_ptr<http::Router> make_web_router(Services& services) {
  auto router = build(web_rows(), services);
  // Error pages for the browser, JSON for the listener's JSON API (/grantssupport/).
  router->set_error_renderer([r = router.get()](const http::Request& request, const Error& error) {
    // The inspector's JSON twin, and its pages asked for JSON, answer errors in JSON.
    if (request.path().starts_with("/sandbank/requests") ||
        (request.path().starts_with("/sandbank/inspector/") &&
         request.header("Accept").value_or("").find("application/json") !=
             std::string_view::npos)) {
      return http::render_error_json(error, r->diagnostics());
    }
    return web::render_web_error(request, error, r->diagnostics());
  });
  return router;
}

}  // namespace sandbank::app
