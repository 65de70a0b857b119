#include "api/oauth_api.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "api/codes.hpp"
#include "api/signed_call.hpp"
#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "oauth/codes.hpp"
#include "oauth/scopes.hpp"
#include "signing/signing.hpp"

namespace sandbank::api {
namespace {

namespace json = boost::json;
using oauth::TokenKind;

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
  if (!type || !media_type_is(*type, "application/json")) {
    throw Error(400, codes::kRequestContentType,
                "Content-Type must be application/json for /oauth2/applications");
  }
}

std::vector<crypto::Certificate> jwk_certificates(const json::value& list, std::string_view use) {
  if (!list.is_array()) {
    throw Error(400, codes::kDcrJwkInvalid, fmt::format("keys.{} must be an array of JWKs", use));
  }
  std::vector<crypto::Certificate> out;
  for (const auto& jwk : list.get_array()) {
    const auto* object = jwk.if_object();
    const json::value* x5c = object ? object->if_contains("x5c") : nullptr;
    if (x5c == nullptr || !x5c->is_array() || x5c->get_array().empty() ||
        !x5c->get_array()[0].is_string()) {
      throw Error(400, codes::kDcrJwkInvalid,
                  fmt::format("Every JWK in keys.{} needs x5c with the certificate (base64 DER) "
                              "first",
                              use));
    }
    auto der = base64_decode(std::string_view(x5c->get_array()[0].get_string()));
    if (!der) {
      throw Error(400, codes::kDcrJwkInvalid, fmt::format("keys.{}: x5c[0] is not base64", use));
    }
    try {
      out.push_back(crypto::Certificate::from_der(*der));
    } catch (const Error& e) {
      throw Error(400, codes::kDcrJwkInvalid,
                  fmt::format("keys.{}: x5c[0] is not a DER certificate", use), e.message());
    }
  }
  return out;
}

oauth::ApplicationRequest parse_application_request(std::string_view body) {
  boost::system::error_code ec;
  auto value = parse_request_json(body, ec);
  if (ec || !value.is_object()) {
    throw Error(400, codes::kDcrBodyMalformed, "The body must be a JSON object",
                ec ? ec.message() : std::string());
  }
  const auto& object = value.get_object();
  oauth::ApplicationRequest request;
  if (const auto* contact = object.if_contains("contact")) {
    if (!contact->is_string())
      throw Error(400, codes::kDcrBodyMalformed, "contact must be a string");
    request.contact = std::string(contact->get_string());
  }
  if (const auto* uris = object.if_contains("redirect_uris")) {
    if (!uris->is_array()) {
      throw Error(400, oauth::codes::kDcrRedirectUriInvalid,
                  "redirect_uris must be an array of URLs");
    }
    for (const auto& u : uris->get_array()) {
      if (!u.is_string()) {
        throw Error(400, oauth::codes::kDcrRedirectUriInvalid,
                    "redirect_uris must be an array of URLs");
      }
      request.redirect_uris.emplace_back(u.get_string());
    }
  }
  if (const auto* keys = object.if_contains("keys"); keys != nullptr && !keys->is_null()) {
    if (!keys->is_object()) throw Error(400, codes::kDcrJwkInvalid, "keys must be an object");
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
  if (auto digest = signing::verify_digest(view); !digest) {
    trace_signature(digest, true);
    throw digest.to_error();
  }
  auto certificate = signing::tpp_signature_certificate(view, api.certificates.get());
  if (!certificate.certificate) throw certificate.diagnosis.to_error();
  auto jws =
      signing::verify_detached_jws(view, signing::JwsPolicy{}, *certificate.certificate, api.clock);
  trace_signature(jws, true);
  if (!jws) throw jws.to_error();
  api.registry.check_certificate(*certificate.certificate, "signing");
  return *certificate.certificate;
}

}  // namespace

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
    throw Error(403, oauth::codes::kDcrNotYourApplication,
                fmt::format("The access token belongs to application {}; it cannot change {}",
                            token.record.client_id, id));
  }
  auto signature_certificate = verify_jws_request(api, request, connection);
  auto body = parse_application_request(request.body);
  auto app = api.registry.update(id, body, connection, signature_certificate);
  return application_response(200, app);
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

}  // namespace sandbank::api
