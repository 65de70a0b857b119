#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/signed_call.hpp"
#include "core/clock.hpp"
#include "crypto/certificate.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "oauth/application_registry.hpp"
#include "oauth/token_service.hpp"
#include "signing/message.hpp"
#include "signing/tpp_certificate.hpp"

// What the /oauth2/* handlers and the signed-call kit share, and the handlers of dynamic client
// registration (the token endpoint is api/token_api.hpp). Handlers are plain functions of the
// request; trust decisions on the TLS client certificate come from the caller
// (authenticate_client), rules from src/oauth.
namespace sandbank::api {

struct OAuthApi {
  oauth::ApplicationRegistry& registry;
  oauth::TokenService& tokens;
  const Clock& clock;
  // The trusted, non-revoked TLS client certificate of the request; throws Error 401.
  std::function<crypto::Certificate(http::Request&)> authenticate_client;
  // Sandbank's own response-signing JWK (the `keys` of application-token responses).
  boost::json::object response_key;
  // Whether error bodies carry `diagnostic` (the router's setting, read per request).
  std::function<bool()> diagnostics = [] { return true; };
  // Parsed certificates (TPP-Signature-Certificate values and registered PEMs) by their text:
  // parsing one costs several signature checks, so a signed request parses none it has seen.
  std::shared_ptr<signing::CertificateCache> certificates =
      std::make_shared<signing::CertificateCache>(1024);
  // The signed-call kit's caches (api/signed_call.hpp).
  std::shared_ptr<ApplicationCache> applications = std::make_shared<ApplicationCache>(10000);
  std::shared_ptr<ThumbprintCache> thumbprints = std::make_shared<ThumbprintCache>();
};

// Dynamic client registration (docs/api.md "Registration"), the production flow's step 1:
// POST /oauth2/applications (mTLS + Digest + x-jws-signature over the body, JWS-signed with
// the TPP-Signature-Certificate), and the reads and the update with the application's
// mTLS-only token.
http::Response register_application(OAuthApi& api, http::Request& request);
http::Response list_applications(OAuthApi& api, http::Request& request);   // GET .../me
http::Response get_application(OAuthApi& api, http::Request& request);     // GET .../{id}
http::Response update_application(OAuthApi& api, http::Request& request);  // PUT .../{id}

// JWK {kty, alg, use, kid, n, e, x5t, x5c} of a certificate's public key.
boost::json::object certificate_jwk(const crypto::Certificate& certificate);

}  // namespace sandbank::api
