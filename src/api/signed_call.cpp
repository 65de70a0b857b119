#include "api/signed_call.hpp"

#include <fmt/format.h>

#include "api/codes.hpp"
#include "api/oauth_api.hpp"
#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/form.hpp"
#include "http/inspect.hpp"
#include "signing/signing.hpp"

namespace sandbank::api {

using oauth::TokenKind;

std::string connection_thumbprint(const crypto::Certificate& connection) {
  return connection.x5t_s256();
}

// `thumbprint`: the connection certificate's x5t#S256.
bool has_tls_key(const store::Application& app, std::string_view thumbprint) {
  for (const auto& key : app.keys) {
    if (key.use == "tls" && key.fingerprint_sha256 == thumbprint) return true;
  }
  return false;
}

void require_registered_tls(const store::Application& app, const crypto::Certificate& connection) {
  if (!has_tls_key(app, connection_thumbprint(connection))) {
    throw Error(401, codes::kClientTlsNotRegistered,
                fmt::format("The TLS client certificate of this connection (serial {}) is not a "
                            "registered TLS key of application {}",
                            connection.serial_hex(), app.client_id));
  }
}

namespace {
void require_token_certificate_registered(OAuthApi& api, const std::string& client_id,
                                          const crypto::Certificate& connection,
                                          std::string_view thumbprint);
}  // namespace

namespace {

// validate() with its verdict for the request inspector.
oauth::ValidToken traced_validate(OAuthApi& api, const http::Request& request,
                                  std::string_view thumbprint, TokenKind kind) {
  auto* trace = http::current_trace();
  if (!trace) return api.tokens.validate(bearer_token(request), thumbprint, kind);
  try {
    auto token = api.tokens.validate(bearer_token(request), thumbprint, kind);
    trace->passed(http::kCheckToken);
    trace->client_id = token.record.client_id;
    return token;
  } catch (const Error& e) {
    trace->failed(http::kCheckToken, e.code(), e.message());
    throw;
  }
}

}  // namespace

// The verdicts of Date, Digest and the signature from what verify_http_signature answered,
// in its order (standards.md §1.5): carrier, parameters and key; Date; Digest; signature.
void trace_signature(const signing::Diagnosis& result, bool has_digest) {
  auto* trace = http::current_trace();
  if (!trace) return;
  if (result) {
    trace->passed(http::kCheckDate);
    if (has_digest) trace->passed(http::kCheckDigest);
    trace->passed(http::kCheckSignature);
    return;
  }
  std::string_view code = result.code;
  if (code.starts_with("date.")) {
    trace->failed(http::kCheckDate, code, result.message);
    return;
  }
  if (code.starts_with("digest.")) {
    trace->passed(http::kCheckDate);
    trace->failed(http::kCheckDigest, code, result.message);
    return;
  }
  if (code == signing::codes::kSignatureInvalid || code == signing::codes::kSignatureHeaderAbsent ||
      code.starts_with("jws.")) {
    trace->passed(http::kCheckDate);
    if (has_digest) trace->passed(http::kCheckDigest);
  }
  trace->failed(http::kCheckSignature, code, result.message);
  auto& check = trace->check(http::kCheckSignature);
  check.signing_string = http::mask_text(result.signing_string);
  check.cause = result.cause;
  check.hint = http::mask_text(result.hint);
}

oauth::ValidToken mtls_token(OAuthApi& api, const http::Request& request,
                             const crypto::Certificate& connection) {
  auto thumbprint = connection_thumbprint(connection);
  auto token = traced_validate(api, request, thumbprint, TokenKind::ApplicationMtls);
  require_token_certificate_registered(api, token.record.client_id, connection, thumbprint);
  return token;
}

signing::MessageView message_view(const http::Request& request,
                                  const crypto::Certificate* client_certificate) {
  signing::MessageView view;
  view.method = request.method;
  view.target = request.target;
  for (const auto& h : request.headers) view.headers.push_back({h.name, h.value});
  view.body = request.body;
  view.client_certificate = client_certificate;
  return view;
}

std::map<std::string, std::string> parse_form(std::string_view body) {
  auto form = form::parse_unique(body, /*empty_is_absent=*/true);
  switch (form.problem) {
    case form::Unique::Problem::Malformed:
      throw Error(400, codes::kRequestMalformedForm,
                  fmt::format("The form parameter {} is not percent-encoded correctly",
                              std::string_view(form.where).substr(0, 64)));
    case form::Unique::Problem::Duplicate:
      throw Error(400, codes::kRequestDuplicateParameter,
                  fmt::format("The parameter {} is sent more than once", form.where));
    case form::Unique::Problem::None:
      break;
  }
  return std::move(form.values);
}

namespace {

// The application of client_id with its parsed signing certificates, from api.applications
// while the store is unchanged since it was read; nullptr when there is no such application.
std::shared_ptr<const SigningApplication> signing_application(OAuthApi& api,
                                                              const std::string& client_id) {
  // validate() has just synced the counter; reading it before the store makes an entry that
  // raced with a commit look stale on the next call.
  auto generation = api.tokens.store_generation();
  if (auto cached = api.applications->find(client_id, generation)) return cached;
  auto app = api.registry.find(client_id);
  if (!app) return nullptr;
  auto entry = std::make_shared<SigningApplication>();
  for (const auto& key : app->keys) {
    if (key.use != "sign") continue;
    if (auto parsed = api.certificates->parse(key.certificate_pem); parsed.certificate) {
      entry->signing_certificates.push_back(*parsed.certificate);
    }
  }
  entry->application = std::move(*app);
  api.applications->insert(client_id, entry, generation);
  return entry;
}

std::string cached_thumbprint(OAuthApi& api, const crypto::Certificate& connection) {
  auto& cache = *api.thumbprints;
  const void* key = connection.native();
  {
    std::lock_guard lock(cache.mutex);
    if (auto it = cache.by_certificate.find(key); it != cache.by_certificate.end()) {
      return it->second.second;
    }
  }
  auto thumbprint = connection.x5t_s256();
  std::lock_guard lock(cache.mutex);
  if (cache.by_certificate.size() >= 1024) cache.by_certificate.clear();
  cache.by_certificate.try_emplace(key, connection, thumbprint);
  return thumbprint;
}

}  // namespace

namespace {

// A token is bound to the TLS certificate it was obtained with (validate() checked that the
// connection presents it). Once a PUT /oauth2/applications/{id} removed that certificate from
// the application, the token stops working as well.
void require_token_certificate_registered(OAuthApi& api, const std::string& client_id,
                                          const crypto::Certificate& connection,
                                          std::string_view thumbprint) {
  auto cached = signing_application(api, client_id);
  if (!cached) return;  // the callers report an application that no longer exists
  if (!has_tls_key(cached->application, thumbprint)) {
    throw Error(401, codes::kTokenCertificateNotRegistered,
                fmt::format("This token belongs to the TLS certificate with serial {}, which is no "
                            "longer a registered TLS key of application {}; request a new token "
                            "over a registered certificate",
                            connection.serial_hex(), client_id));
  }
}

}  // namespace

SignedCall authenticate_signed_call(OAuthApi& api, const http::Request& request,
                                    const crypto::Certificate& connection, TokenKind kind) {
  auto thumbprint = cached_thumbprint(api, connection);
  auto token = traced_validate(api, request, thumbprint, kind);
  auto cached = signing_application(api, token.record.client_id);
  if (!cached) {
    throw Error(401, codes::kClientUnknown,
                fmt::format("The application {} no longer exists", token.record.client_id));
  }
  if (!has_tls_key(cached->application, thumbprint)) {
    require_token_certificate_registered(api, token.record.client_id, connection, thumbprint);
  }
  auto view = message_view(request, &connection);
  const auto& client_id = cached->application.client_id;
  const auto& signing_certificates = cached->signing_certificates;
  std::optional<crypto::Certificate> header_certificate;
  if (view.has("TPP-Signature-Certificate")) {
    header_certificate =
        signing::tpp_signature_certificate(view, api.certificates.get()).certificate;
  }
  auto resolver = signing::registered_key_resolver(
      [&](std::string_view key_id) -> std::optional<crypto::Certificate> {
        if (key_id != client_id || signing_certificates.empty()) return std::nullopt;
        if (header_certificate) {
          for (const auto& c : signing_certificates) {
            if (c == *header_certificate) return c;
          }
        }
        return signing_certificates.front();
      });
  signing::HttpSignaturePolicy policy;
  policy.carrier = signing::SignatureCarrier::SignatureHeader;
  auto result = signing::verify_http_signature(view, policy, resolver, api.clock);
  trace_signature(result, view.has("digest"));
  if (!result) throw result.to_error();
  if (result.cause == signing::causes::kDigestWithoutAlgorithm) request.notice = result.hint;
  return SignedCall{std::move(token), std::move(cached)};
}

}  // namespace sandbank::api
