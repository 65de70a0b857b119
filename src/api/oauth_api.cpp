#include "api/oauth_api.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "oauth/scopes.hpp"
#include "signing/signing.hpp"

namespace sandbank::api {
namespace {

namespace json = boost::json;
using oauth::TokenKind;

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

http::Response json_response(unsigned status, const json::value& body) {
  return http::Response::json(status, json::serialize(body));
}

json::object application_json(const store::Application& app) {
  json::object keys;
  for (const char* use : {"tls", "sign"}) {
    json::array list;
    for (const auto& cert : oauth::ApplicationRegistry::certificates(app, use)) {
      list.push_back(certificate_jwk(cert));
    }
    keys[use] = std::move(list);
  }
  json::array uris;
  for (const auto& u : app.redirect_uris) uris.emplace_back(u);
  json::object out;
  out["client_id"] = app.client_id;
  out["redirect_uris"] = std::move(uris);
  out["keys"] = std::move(keys);
  return out;
}

http::Response application_response(unsigned status, const store::Application& app) {
  json::object body;
  body["contact"] = app.contact;
  body["application"] = application_json(app);
  return json_response(status, body);
}

void require_json_content_type(const http::Request& request) {
  auto type = request.header("Content-Type");
  if (!type || !starts_with_ci(*type, "application/json")) {
    throw Error(400, "request.content_type",
                "Content-Type must be application/json for /oauth2/applications");
  }
}

std::vector<crypto::Certificate> jwk_certificates(const json::value& list, std::string_view use) {
  if (!list.is_array()) {
    throw Error(400, "dcr.jwk_invalid", fmt::format("keys.{} must be an array of JWKs", use));
  }
  std::vector<crypto::Certificate> out;
  for (const auto& jwk : list.get_array()) {
    const auto* object = jwk.if_object();
    const json::value* x5c = object ? object->if_contains("x5c") : nullptr;
    if (x5c == nullptr || !x5c->is_array() || x5c->get_array().empty() ||
        !x5c->get_array()[0].is_string()) {
      throw Error(400, "dcr.jwk_invalid",
                  fmt::format("Every JWK in keys.{} needs x5c with the certificate (base64 DER) "
                              "first",
                              use));
    }
    auto der = base64_decode(std::string_view(x5c->get_array()[0].get_string()));
    if (!der) {
      throw Error(400, "dcr.jwk_invalid", fmt::format("keys.{}: x5c[0] is not base64", use));
    }
    try {
      out.push_back(crypto::Certificate::from_der(*der));
    } catch (const Error& e) {
      throw Error(400, "dcr.jwk_invalid",
                  fmt::format("keys.{}: x5c[0] is not a DER certificate", use), e.message());
    }
  }
  return out;
}

oauth::ApplicationRequest parse_application_request(std::string_view body) {
  boost::system::error_code ec;
  auto value = parse_request_json(body, ec);
  if (ec || !value.is_object()) {
    throw Error(400, "dcr.body_malformed", "The body must be a JSON object",
                ec ? ec.message() : std::string());
  }
  const auto& object = value.get_object();
  oauth::ApplicationRequest request;
  if (const auto* contact = object.if_contains("contact")) {
    if (!contact->is_string()) throw Error(400, "dcr.body_malformed", "contact must be a string");
    request.contact = std::string(contact->get_string());
  }
  if (const auto* uris = object.if_contains("redirect_uris")) {
    if (!uris->is_array()) {
      throw Error(400, "dcr.redirect_uri_invalid", "redirect_uris must be an array of URLs");
    }
    for (const auto& u : uris->get_array()) {
      if (!u.is_string()) {
        throw Error(400, "dcr.redirect_uri_invalid", "redirect_uris must be an array of URLs");
      }
      request.redirect_uris.emplace_back(u.get_string());
    }
  }
  if (const auto* keys = object.if_contains("keys"); keys != nullptr && !keys->is_null()) {
    if (!keys->is_object()) throw Error(400, "dcr.jwk_invalid", "keys must be an object");
    oauth::KeySet set;
    if (const auto* tls = keys->get_object().if_contains("tls")) {
      set.tls = jwk_certificates(*tls, "tls");
    }
    if (const auto* sign = keys->get_object().if_contains("sign")) {
      set.sign = jwk_certificates(*sign, "sign");
    }
    request.keys = std::move(set);
  }
  return request;
}

// Digest and x-jws-signature of a POST/PUT /oauth2/applications request; returns the
// TPP-Signature-Certificate.
crypto::Certificate verify_jws_request(OAuthApi& api, const http::Request& request,
                                       const crypto::Certificate& connection) {
  require_json_content_type(request);
  auto view = message_view(request, &connection);
  if (auto digest = signing::verify_digest(view); !digest) throw digest.to_error();
  auto certificate = signing::tpp_signature_certificate(view, api.certificates.get());
  if (!certificate.certificate) throw certificate.diagnosis.to_error();
  auto jws =
      signing::verify_detached_jws(view, signing::JwsPolicy{}, *certificate.certificate, api.clock);
  if (!jws) throw jws.to_error();
  api.registry.check_certificate(*certificate.certificate, "signing");
  return *certificate.certificate;
}

std::string connection_thumbprint(const crypto::Certificate& connection) {
  return connection.x5t_s256();
}

void require_token_certificate_registered(OAuthApi& api, const std::string& client_id,
                                          const crypto::Certificate& connection,
                                          std::string_view thumbprint);

oauth::ValidToken mtls_token(OAuthApi& api, const http::Request& request,
                             const crypto::Certificate& connection) {
  auto thumbprint = connection_thumbprint(connection);
  auto token = api.tokens.validate(bearer_token(request), thumbprint, TokenKind::ApplicationMtls);
  require_token_certificate_registered(api, token.record.client_id, connection, thumbprint);
  return token;
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
    throw Error(401, "client.tls_not_registered",
                fmt::format("The TLS client certificate of this connection (serial {}) is not a "
                            "registered TLS key of application {}",
                            connection.serial_hex(), app.client_id));
  }
}

std::optional<std::string> param(const std::map<std::string, std::string>& form,
                                 const std::string& name) {
  auto it = form.find(name);
  if (it == form.end()) return std::nullopt;
  return it->second;
}

std::string required_param(const std::map<std::string, std::string>& form,
                           const std::string& name) {
  auto value = param(form, name);
  if (!value) {
    throw Error(400, "request.parameter_missing",
                fmt::format("The parameter {} is required", name));
  }
  return *value;
}

std::map<std::string, std::string> token_form(const http::Request& request) {
  auto type = request.header("Content-Type");
  if (!type || !starts_with_ci(*type, "application/x-www-form-urlencoded")) {
    throw Error(400, "request.content_type",
                "Content-Type must be application/x-www-form-urlencoded");
  }
  return parse_form(request.body);
}

json::object application_token_json(OAuthApi& api, const oauth::ApplicationToken& token) {
  json::object body;
  body["access_token"] = token.access_token;
  body["expires_in"] = token.expires_in.count();
  body["scope"] = token.scope;
  body["token_type"] = "Bearer";
  body["keys"] = json::array{api.response_key};
  body["client_id"] = token.client_id;
  return body;
}

http::Response client_credentials(OAuthApi& api, http::Request& request,
                                  const crypto::Certificate& connection,
                                  const std::map<std::string, std::string>& form) {
  auto authorization = request.header("Authorization");
  auto scope = param(form, "scope").value_or("");
  if (authorization && starts_with_ci(*authorization, "Signature")) {
    auto view = message_view(request, &connection);
    signing::HttpSignaturePolicy policy;
    policy.carrier = signing::SignatureCarrier::Authorization;
    auto result = signing::verify_http_signature(
        view, policy, signing::tpp_certificate_key_resolver(true, api.certificates), api.clock);
    if (!result) throw result.to_error();
    if (result.cause == signing::causes::kDigestWithoutAlgorithm) request.notice = result.hint;
    const auto& certificate = *result.key->certificate;
    api.registry.check_certificate(certificate, "signing");
    auto app = api.registry.find_by_certificate("sign", certificate);
    if (!app) {
      throw Error(401, "client.signing_certificate_not_registered",
                  fmt::format("The signing certificate (serial {}) is not registered for any "
                              "application; register it with POST /oauth2/applications",
                              certificate.serial_hex()));
    }
    if (auto id = param(form, "client_id"); id && *id != app->client_id) {
      throw Error(
          401, "client.client_id_mismatch",
          fmt::format("client_id {} is not the application of the signing certificate", *id));
    }
    require_registered_tls(*app, connection);
    auto granted = oauth::grant_scope(scope, oauth::ApplicationRegistry::allowed_scopes(*app));
    auto token = api.tokens.issue_application_token(*app, TokenKind::ApplicationSigned, granted,
                                                    connection_thumbprint(connection));
    return json_response(200, application_token_json(api, token));
  }
  if (authorization) {
    throw Error(401, "client.authentication_unsupported",
                "grant_type=client_credentials takes either Authorization: Signature (signed "
                "application token) or no Authorization header and client_id (mTLS only)");
  }
  auto client_id = param(form, "client_id");
  if (!client_id) {
    throw Error(401, "client.authentication_missing",
                "Send client_id for an mTLS-only application token, or sign the request "
                "(Authorization: Signature keyId=SN=...) for a signed one");
  }
  auto app = api.registry.find(*client_id);
  if (!app) {
    throw Error(401, "client.unknown", fmt::format("No application with client_id {}", *client_id));
  }
  require_registered_tls(*app, connection);
  auto granted = oauth::grant_scope(scope, oauth::ApplicationRegistry::allowed_scopes(*app));
  auto token = api.tokens.issue_application_token(*app, TokenKind::ApplicationMtls, granted,
                                                  connection_thumbprint(connection));
  return json_response(200, application_token_json(api, token));
}

http::Response customer_token_response(const oauth::CustomerToken& token) {
  json::object body;
  body["access_token"] = token.access_token;
  if (!token.refresh_token.empty()) body["refresh_token"] = token.refresh_token;
  body["token_type"] = "Bearer";
  body["expires_in"] = token.expires_in.count();
  body["scope"] = token.scope;
  if (!token.refresh_token.empty()) {
    body["refresh_token_expires_in"] = token.refresh_expires_in.count();
  }
  return json_response(200, body);
}

http::Response token_endpoint(OAuthApi& api, http::Request& request) {
  auto connection = api.authenticate_client(request);
  auto form = token_form(request);
  auto grant_type = param(form, "grant_type");
  if (!grant_type) {
    throw Error(400, "request.parameter_missing", "The parameter grant_type is required");
  }
  if (*grant_type == "client_credentials")
    return client_credentials(api, request, connection, form);
  if (*grant_type == "authorization_code") {
    auto call = authenticate_signed_call(api, request, connection, TokenKind::ApplicationSigned);
    auto code = required_param(form, "code");
    auto redirect = param(form, "redirect_uri");
    std::optional<std::string_view> redirect_view;
    if (redirect) redirect_view = *redirect;
    return customer_token_response(api.tokens.exchange_code(call.application(), code, redirect_view,
                                                            connection_thumbprint(connection)));
  }
  if (*grant_type == "refresh_token") {
    auto call = authenticate_signed_call(api, request, connection, TokenKind::ApplicationSigned);
    auto refresh = required_param(form, "refresh_token");
    return customer_token_response(
        api.tokens.refresh(call.application(), refresh, connection_thumbprint(connection)));
  }
  throw Error(400, "grant_type.unsupported",
              fmt::format("grant_type {} is not supported; use client_credentials, "
                          "authorization_code or refresh_token",
                          *grant_type));
}

http::Response revoke_endpoint(OAuthApi& api, http::Request& request) {
  auto connection = api.authenticate_client(request);
  auto form = token_form(request);
  auto call = authenticate_signed_call(api, request, connection, TokenKind::ApplicationSigned);
  auto token = required_param(form, "token");
  if (auto hint = param(form, "token_type_hint");
      hint && *hint != "refresh_token" && *hint != "access_token") {
    throw Error(400, "request.token_type_hint",
                fmt::format("token_type_hint {} is not supported; use refresh_token", *hint));
  }
  api.tokens.revoke(call.application(), token);
  http::Response response;
  response.status = 200;
  return response;
}

// Renders errors of the token endpoints the RFC 6749 way.
template <typename F>
http::Handler token_handler(OAuthApi& api, F f) {
  return [&api, f](http::Request& request) {
    try {
      return f(api, request);
    } catch (const Error& e) {
      request.detail_code = e.code();
      return render_oauth_error(e, api.diagnostics());
    }
  };
}

http::Response register_application(OAuthApi& api, http::Request& request) {
  auto connection = api.authenticate_client(request);
  auto signature_certificate = verify_jws_request(api, request, connection);
  auto body = parse_application_request(request.body);
  auto registration = api.registry.register_application(body, connection, signature_certificate);
  return application_response(registration.created ? 201 : 200, registration.application);
}

http::Response list_applications(OAuthApi& api, http::Request& request) {
  auto connection = api.authenticate_client(request);
  auto token = mtls_token(api, request, connection);
  auto caller = api.registry.get_for(token.record.client_id, token.record.client_id);
  json::array list;
  for (const auto& app : api.registry.list_for(token.record.client_id)) {
    list.push_back(application_json(app));
  }
  json::object body;
  body["contact"] = caller.contact;
  body["applications"] = std::move(list);
  return json_response(200, body);
}

http::Response get_application(OAuthApi& api, http::Request& request) {
  auto connection = api.authenticate_client(request);
  auto token = mtls_token(api, request, connection);
  auto app = api.registry.get_for(request.path_params.at("id"), token.record.client_id);
  return application_response(200, app);
}

http::Response update_application(OAuthApi& api, http::Request& request) {
  auto connection = api.authenticate_client(request);
  auto token = mtls_token(api, request, connection);
  const auto& id = request.path_params.at("id");
  api.registry.get_for(id, token.record.client_id);
  if (id != token.record.client_id) {
    throw Error(403, "dcr.not_your_application",
                fmt::format("The access token belongs to application {}; it cannot change {}",
                            token.record.client_id, id));
  }
  auto signature_certificate = verify_jws_request(api, request, connection);
  auto body = parse_application_request(request.body);
  auto app = api.registry.update(id, body, connection, signature_certificate);
  return application_response(200, app);
}

template <typename F>
http::Handler bind(OAuthApi& api, F f) {
  return [&api, f](http::Request& request) { return f(api, request); };
}

}  // namespace

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
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  while (i <= body.size()) {
    auto end = body.find('&', i);
    if (end == std::string_view::npos) end = body.size();
    auto pair = body.substr(i, end - i);
    i = end + 1;
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!name || !value) {
      throw Error(400, "request.malformed_form",
                  fmt::format("The form parameter {} is not percent-encoded correctly",
                              std::string(pair.substr(0, std::min<std::size_t>(pair.size(), 64)))));
    }
    if (value->empty()) continue;
    if (!out.emplace(*name, *value).second) {
      throw Error(400, "request.duplicate_parameter",
                  fmt::format("The parameter {} is sent more than once", *name));
    }
  }
  return out;
}

namespace {

// The application of client_id with its parsed signing certificates, from api.applications
// while the store is unchanged since it was read; nullptr when there is no such application.
std::shared_ptr<const OAuthApi::ApplicationCache::Entry> signing_application(
    OAuthApi& api, const std::string& client_id) {
  auto& cache = *api.applications;
  // validate() has just synced the counter; reading it before the store makes an entry that
  // raced with a commit look stale on the next call.
  auto generation = api.tokens.store_generation();
  {
    std::lock_guard lock(cache.mutex);
    if (cache.generation != generation) {
      cache.by_client_id.clear();
      cache.generation = generation;
    }
    if (auto it = cache.by_client_id.find(client_id); it != cache.by_client_id.end()) {
      return it->second;
    }
  }
  auto app = api.registry.find(client_id);
  if (!app) return nullptr;
  auto entry = std::make_shared<OAuthApi::ApplicationCache::Entry>();
  for (const auto& key : app->keys) {
    if (key.use != "sign") continue;
    if (auto parsed = api.certificates->parse(key.certificate_pem); parsed.certificate) {
      entry->signing_certificates.push_back(*parsed.certificate);
    }
  }
  entry->application = std::move(*app);
  std::lock_guard lock(cache.mutex);
  if (cache.generation == generation) {
    if (cache.by_client_id.size() >= 10000) cache.by_client_id.clear();
    cache.by_client_id.insert_or_assign(client_id, entry);
  }
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
    throw Error(401, "token.certificate_not_registered",
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
  auto token = api.tokens.validate(bearer_token(request), thumbprint, kind);
  auto cached = signing_application(api, token.record.client_id);
  if (!cached) {
    throw Error(401, "client.unknown",
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
  if (!result) throw result.to_error();
  if (result.cause == signing::causes::kDigestWithoutAlgorithm) request.notice = result.hint;
  return SignedCall{std::move(token), std::move(cached)};
}

boost::json::object certificate_jwk(const crypto::Certificate& certificate) {
  json::object jwk;
  auto key = certificate.public_key();
  if (key.type() == crypto::KeyType::Rsa) {
    jwk["kty"] = "RSA";
    jwk["alg"] = "RS256";
  } else {
    jwk["kty"] = "EC";
    jwk["alg"] = "ES256";
    jwk["crv"] = key.curve();
  }
  jwk["use"] = "sig";
  jwk["kid"] = certificate.serial_hex();
  if (key.type() == crypto::KeyType::Rsa) {
    jwk["n"] = base64url_encode(key.rsa_modulus());
    jwk["e"] = base64url_encode(key.rsa_exponent());
  }
  jwk["x5t"] = certificate.x5t_sha1();
  jwk["x5c"] = json::array{json::value(base64_encode(certificate.der()))};
  return jwk;
}

std::string oauth_error_name(const Error& error) {
  const auto& code = error.code();
  if (code.starts_with("grant.")) return "invalid_grant";
  if (code.starts_with("scope.")) return "invalid_scope";
  if (code.starts_with("grant_type.")) return "unsupported_grant_type";
  if (code.starts_with("request.")) return "invalid_request";
  if (error.status() == 401) return "invalid_client";
  if (error.status() >= 500) return "server_error";
  return "invalid_request";
}

http::Response render_oauth_error(const Error& error, bool include_diagnostic) {
  json::object body;
  body["message"] = error.message();
  body["error"] = oauth_error_name(error);
  body["error_description"] = signing::clean_message(error.message());
  body["detail"] = error.code();
  if (include_diagnostic && !error.diagnostic().empty()) body["diagnostic"] = error.diagnostic();
  auto response = json_response(static_cast<unsigned>(error.status()), body);
  if (error.status() == 401) response.set("WWW-Authenticate", "Signature realm=\"sandbank\"");
  response.set("Cache-Control", "no-store");
  response.set("Pragma", "no-cache");
  return response;
}

void add_oauth_routes(http::Router& router, OAuthApi& api) {
  router.add("POST", "/oauth2/applications", bind(api, register_application));
  router.add("GET", "/oauth2/applications/me", bind(api, list_applications));
  router.add("GET", "/oauth2/applications/{id}", bind(api, get_application));
  router.add("PUT", "/oauth2/applications/{id}", bind(api, update_application));
  router.add("POST", "/oauth2/token", token_handler(api, token_endpoint));
  router.add("POST", "/oauth2/token/revoke", token_handler(api, revoke_endpoint));
}

}  // namespace sandbank::api
