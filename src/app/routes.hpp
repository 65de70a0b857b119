#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/ais_api.hpp"
#include "api/caf_api.hpp"
#include "api/granting_api.hpp"
#include "api/oauth_api.hpp"
#include "api/pis_api.hpp"
#include "app/client_authenticator.hpp"
#include "core/clock.hpp"
#include "crypto/sandbox_pki.hpp"
#include "http/router.hpp"
#include "oauth/application_registry.hpp"
#include "oauth/token_service.hpp"
#include "store/store.hpp"
#include "web/authorization_app.hpp"
#include "web/grants_support.hpp"
#include "web/payment_page.hpp"

namespace sandbank::app {

class Inspector;  // app/inspector.hpp

// What the handlers may use. Handlers never see sockets.
struct Services {
  store::Store& store;
  ClientAuthenticator& authenticator;
  const Clock& clock;
  const crypto::SandboxPki& pki;
  oauth::ApplicationRegistry& registry;
  oauth::TokenService& tokens;
  oauth::Authorizations& authorizations;     // consents and codes (customer authorization app)
  api::OAuthApi& oauth_api;                  // the /oauth2/* handlers' dependencies
  web::AuthorizationApp& authorization_app;  // the customer authorization app (web listener)
  api::AisApi& ais_api;                      // the Account Information API
  api::PisApi& pis_api;                      // Payment Initiation (JSON and pain.001)
  api::CafApi& caf_api;                      // Confirmation of Funds
  web::PaymentPage& payment_page;            // the payment authorization page (web listener)
  api::GrantingApi& granting_api;            // the legacy flow's authorization-server-url
  web::GrantsSupport& grants_support;        // the consent app's JSON API (web listener)
  Inspector* inspector;                      // the request inspector; nullptr when off
};

// The route tables of the two listeners, top to bottom, in one place (routes.cpp), bound to
// the services of a server.
std::unique_ptr<http::Router> make_api_router(Services& services);
std::unique_ptr<http::Router> make_web_router(Services& services);

// The rows of a listener's table ("api" or "web") without a server: method, path, handler
// name, authentication, error body (`sandbank routes`).
std::vector<http::RouteInfo> route_table(std::string_view listener);
// The error body a RouteInfo::error_body of these tables stands for: "json", "oauth",
// "tppMessages (AIS)", "tppMessages (PIS)", "html".
std::string error_body_name(int error_body);

}  // namespace sandbank::app
