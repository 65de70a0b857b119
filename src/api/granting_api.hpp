#pragma once

#include <memory>

#include "api/oauth_api.hpp"
#include "api/pis_api.hpp"
#include "http/router.hpp"
#include "oauth/token_service.hpp"

// ING's pre-migration granting flow, API side (docs/authorize.md "The legacy granting flow"):
//   GET /oauth2/authorization-server-url?scope=...&redirect_uri=...&country_code=CC
// A signed call (Bearer application token obtained with an HTTP Signature, plus a Signature
// header with keyId = client_id over (request-target) date digest, the request-target with the
// raw query). Answers {"location": "<web>/granting/<reference>[/<CC>]"}; the customer's pages
// (web/authorization_app) or the consent app's grantssupport API (web/grants_support) turn the
// reference into one code of the legacy flow.
namespace sandbank::api {

struct GrantingApi {
  OAuthApi& oauth;
  oauth::Authorizations& authorizations;
  std::shared_ptr<PublicUrls> urls;  // the web listener's base URL, once it listens
};

// GET /oauth2/authorization-server-url.
http::Response authorization_server_url(GrantingApi& api, http::Request& request);

}  // namespace sandbank::api
