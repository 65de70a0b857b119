#include "app/routes.hpp"

#include <boost/json.hpp>

#include "api/pis_xml_api.hpp"
#include "api/tpp_messages.hpp"
#include "core/error.hpp"
#include "core/time_format.hpp"
#include "http/message.hpp"
#include "web/api_reference.hpp"
#include "web/assets.hpp"

namespace sandbank::app {
namespace {

http::Response json(unsigned status, const boost::json::value& body) {
  return http::Response::json(status, boost::json::serialize(body));
}

http::Response health(http::Request&) {
  return json(200, {{"status", "ok"}});
}

// GET /openapi.json on both listeners: docs/openapi.json as compiled in, byte for byte.
http::Response openapi_document(http::Request&) {
  return http::Response::json(200, std::string(web::assets::kOpenApiDocument));
}

// Wraps a handler so that it runs only for an authenticated mTLS client.
template <typename F>
http::Handler with_client(Services& services, F handler) {
  return [&services, handler](http::Request& request) {
    auto identity = services.authenticator.authenticate(request);
    return handler(request, *identity);
  };
}

// GET /sandbank/whoami: what the sandbox sees of the TLS client certificate. Newcomers use it
// to check their mutual TLS set-up before they sign anything.
http::Response whoami(Services& services, http::Request&, const ClientIdentity& id) {
  boost::json::array roles;
  for (auto role : id.roles) roles.emplace_back(crypto::role_name(role));
  boost::json::object body;
  body["serialNumber"] = id.serial_hex;
  body["x5t#S256"] = id.fingerprint;
  body["subject"] = id.certificate.subject();
  body["issuer"] = id.certificate.issuer();
  body["organizationIdentifier"] =
      id.organization_identifier ? boost::json::value(*id.organization_identifier) : nullptr;
  body["roles"] = roles;
  body["notAfter"] = format_rfc3339(id.certificate.not_after());
  auto app = services.store.applications().find_by_key_fingerprint("tls", id.fingerprint);
  body["client_id"] = app ? boost::json::value(app->client_id) : nullptr;
  return json(200, body);
}

}  // namespace

std::unique_ptr<http::Router> make_api_router(Services& services) {
  auto router = std::make_unique<http::Router>();
  // Errors no handler rendered (unknown route, wrong method, the server's own 4xx): the
  // tppMessages body of ING's specification files on AIS/PIS/CAF paths (a pain.001 document
  // over the body limit is a 400 there, as the parser's own limit answers), {message, detail}
  // elsewhere.
  router->set_error_renderer([r = router.get()](const http::Request& request, const Error& error) {
    if (auto response = api::render_pain001_path_error(request, error, r->diagnostics())) {
      if (auto id = request.header("X-Request-ID")) response->set("X-Request-ID", *id);
      return *response;
    }
    return api::render_api_listener_error(request, error, r->diagnostics());
  });
  router->add("GET", "/health", health);
  // Sandbank's OpenAPI document (docs/openapi.json); like /health, no client certificate needed.
  router->add("GET", "/openapi.json", openapi_document);
  router->add("GET", "/sandbank/whoami",
              with_client(services, [&services](http::Request& r, const ClientIdentity& id) {
                return whoami(services, r, id);
              }));
  // OAuth 2.0: dynamic client registration and the token endpoint (docs/api.md).
  //   POST /oauth2/applications, GET /oauth2/applications/me, GET|PUT /oauth2/applications/{id},
  //   POST /oauth2/token, POST /oauth2/token/revoke
  api::add_oauth_routes(*router, services.oauth_api);
  // ING's pre-migration granting flow (docs/authorize.md): GET /oauth2/authorization-server-url
  api::add_granting_routes(*router, services.granting_api);
  // Account Information (docs/api.md "AIS"): GET /v3/accounts, GET /v3/accounts/{id}/balances,
  //   GET /v2|v3/accounts/{id}/transactions, GET /v1/card-accounts/{id}/transactions
  api::add_ais_routes(*router, services.ais_api);
  // Payment Initiation and Confirmation of Funds (docs/api.md "PIS", "CAF"):
  //   POST /v1/payments/{product}, GET|DELETE /v1/payments/{product}/{id}, GET .../{id}/status,
  //   the same under /v1/periodic-payments, POST /v1/funds-confirmations
  api::add_pis_routes(*router, services.pis_api);
  // The same in ISO 20022 XML (docs/api.md "pain.001"): POST /v1/payments/pain.001-{product},
  //   GET .../{id} (the pain.001), GET /v1|v2/payments/pain.001-{product}/{id}/status
  //   (pain.002), POST|GET /v1/periodic-payments/pain.001-{product}[/{id}] (multipart)
  api::add_pis_xml_routes(*router, services.pis_api);
  return router;
}

std::unique_ptr<http::Router> make_web_router(Services& services) {
  auto router = std::make_unique<http::Router>();
  // Error pages for the browser, JSON for the listener's JSON API (/grantssupport/).
  router->set_error_renderer([r = router.get()](const http::Request& request, const Error& error) {
    return web::render_web_error(request, error, r->diagnostics());
  });
  router->add("GET", "/health", health);
  // Sandbank's OpenAPI document and its reference page, rendered here, once.
  router->add("GET", "/openapi.json", openapi_document);
  router->add("GET", std::string(web::kApiReferencePath),
              web::api_reference_handler(web::assets::kOpenApiDocument));
  // The customer authorization app (docs/authorize.md): GET /authorize/v2[/{country}],
  //   GET|POST /authorize/country, GET /authorize/profiles, POST /authorize/consent
  web::add_authorization_routes(*router, services.authorization_app);
  //   and the legacy flow's pages: GET /granting/{reference}[/{country}]
  // The sandbox consent app's JSON API that ING's CLI calls (docs/api.md "grantssupport"):
  //   GET /grantssupport/accounts, POST /grantssupport/{reference}/auth-code
  web::add_grants_support_routes(*router, services.grants_support);
  // The payment authorization page: GET|POST /payment-initiation/{paymentId}/{country}
  web::add_payment_routes(*router, services.payment_page);
  return router;
}

}  // namespace sandbank::app
