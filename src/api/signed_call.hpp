#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/generation_cache.hpp"
#include "crypto/certificate.hpp"
#include "http/message.hpp"
#include "oauth/token_service.hpp"
#include "signing/diagnosis.hpp"
#include "signing/message.hpp"
#include "store/oauth_records.hpp"

// The signed-call kit every API after the application token uses (AIS, PIS, CAF, the legacy
// granting call, the code exchange): the request as the signing library sees it, the bearer
// token bound to the connection's certificate, the application and its signing certificates
// (cached while the store is unchanged), and the HTTP Signature with keyId = client_id.
namespace sandbank::api {

struct OAuthApi;

// Applications of signed calls by client_id with their parsed signing certificates, valid
// while the store's change counter (as TokenService::store_generation() saw it) stays the same:
// a PUT /oauth2/applications/{id} or any other commit empties it before the next call.
struct SigningApplication {
  store::Application application;
  std::vector<crypto::Certificate> signing_certificates;
};
using ApplicationCache = GenerationCache<std::string, SigningApplication>;

// x5t#S256 of connection certificates by their X509 object, which the entry holds so the
// address names the same certificate while cached: a keep-alive connection hashes its
// certificate once instead of on every signed call. Not keyed by the store: a certificate's
// hash never changes.
struct ThumbprintCache {
  std::mutex mutex;
  std::unordered_map<const void*, std::pair<crypto::Certificate, std::string>> by_certificate;
};

// The request as the signing library sees it (borrows from `request`).
signing::MessageView message_view(const http::Request& request,
                                  const crypto::Certificate* client_certificate);

// An application/x-www-form-urlencoded body: percent-decoded, '+' as space. Empty values
// count as absent. Throws Error 400 "request.malformed_form" / "request.duplicate_parameter".
std::map<std::string, std::string> parse_form(std::string_view body);

// The x5t#S256 of the connection's certificate.
std::string connection_thumbprint(const crypto::Certificate& connection);

// Whether `app` registered the TLS certificate with this x5t#S256.
bool has_tls_key(const store::Application& app, std::string_view thumbprint);
// Throws Error 401 client.tls_not_registered unless the connection's certificate is a
// registered TLS key of `app`.
void require_registered_tls(const store::Application& app, const crypto::Certificate& connection);

// The mTLS-only application token of the request (DCR reads and updates), bound to the
// connection's certificate, which must still be registered. Throws Error 401.
oauth::ValidToken mtls_token(OAuthApi& api, const http::Request& request,
                             const crypto::Certificate& connection);

// A call authenticated the way every signed call after the application token is: bearer
// token of `kind` bound to the connection's certificate, plus a `Signature` header with
// keyId = client_id verified against the application's registered signing certificate
// (Digest and Date checked). For AIS/CAF pass TokenKind::Customer.
struct SignedCall {
  oauth::ValidToken token;
  // The calling application as cached (shared, not copied per call).
  std::shared_ptr<const SigningApplication> cached;
  const store::Application& application() const { return cached->application; }
};
// For the request inspector: the verdicts of Date, Digest and the signature (HTTP Signature
// or JWS) from what the signing library answered; nothing when no trace is current.
void trace_signature(const signing::Diagnosis& result, bool has_digest);

SignedCall authenticate_signed_call(OAuthApi& api, const http::Request& request,
                                    const crypto::Certificate& connection, oauth::TokenKind kind);

}  // namespace sandbank::api
