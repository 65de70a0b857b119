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

#include "core/clock.hpp"
#include "crypto/certificate.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "oauth/application_registry.hpp"
#include "oauth/token_service.hpp"
#include "signing/message.hpp"
#include "signing/tpp_certificate.hpp"

// The /oauth2/* handlers: dynamic client registration and the token endpoint. Handlers are
// plain functions of the request; trust decisions on the TLS client certificate come from
// the caller (authenticate_client), rules from src/oauth.
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
  // Applications of signed calls by client_id with their parsed signing certificates, valid
  // while the store's change counter (as tokens.store_generation() saw it) stays the same: a
  // PUT /oauth2/applications/{id} or any other commit empties it before the next call.
  struct ApplicationCache {
    struct Entry {
      store::Application application;
      std::vector<crypto::Certificate> signing_certificates;
    };
    std::mutex mutex;
    std::uint64_t generation = ~std::uint64_t{0};
    std::unordered_map<std::string, std::shared_ptr<const Entry>> by_client_id;
  };
  std::shared_ptr<ApplicationCache> applications = std::make_shared<ApplicationCache>();
  // x5t#S256 of connection certificates by their X509 object, which the entry holds so the
  // address names the same certificate while cached: a keep-alive connection hashes its
  // certificate once instead of on every signed call.
  struct ThumbprintCache {
    std::mutex mutex;
    std::unordered_map<const void*, std::pair<crypto::Certificate, std::string>> by_certificate;
  };
  std::shared_ptr<ThumbprintCache> thumbprints = std::make_shared<ThumbprintCache>();
};

// Registers POST/GET/PUT /oauth2/applications*, POST /oauth2/token, POST /oauth2/token/revoke.
void add_oauth_routes(http::Router& router, OAuthApi& api);

// The request as the signing library sees it (borrows from `request`).
signing::MessageView message_view(const http::Request& request,
                                  const crypto::Certificate* client_certificate);

// An application/x-www-form-urlencoded body: percent-decoded, '+' as space. Empty values
// count as absent. Throws Error 400 "request.malformed_form" / "request.duplicate_parameter".
std::map<std::string, std::string> parse_form(std::string_view body);

// A call authenticated the way every signed call after the application token is: bearer
// token of `kind` bound to the connection's certificate, plus a `Signature` header with
// keyId = client_id verified against the application's registered signing certificate
// (Digest and Date checked). For AIS/CAF pass TokenKind::Customer.
struct SignedCall {
  oauth::ValidToken token;
  // The calling application as cached (shared, not copied per call).
  std::shared_ptr<const OAuthApi::ApplicationCache::Entry> cached;
  const store::Application& application() const { return cached->application; }
};
SignedCall authenticate_signed_call(OAuthApi& api, const http::Request& request,
                                    const crypto::Certificate& connection, oauth::TokenKind kind);

// JWK {kty, alg, use, kid, n, e, x5t, x5c} of a certificate's public key.
boost::json::object certificate_jwk(const crypto::Certificate& certificate);

// RFC 6749 `error` for a detail code: grant.* invalid_grant, scope.* invalid_scope,
// grant_type.* unsupported_grant_type, request.* invalid_request, else by status
// (401 invalid_client, 5xx server_error, other invalid_request).
std::string oauth_error_name(const Error& error);
// {"message", "error", "error_description", "detail", "diagnostic"?} with the error's status.
http::Response render_oauth_error(const Error& error, bool include_diagnostic);

}  // namespace sandbank::api
