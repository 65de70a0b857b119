#include "api/token_api.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>

#include "api/codes.hpp"
#include "api/signed_call.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "oauth/scopes.hpp"
#include "signing/signing.hpp"

namespace sandbank::api {
namespace {

namespace json = boost::json;
using oauth::TokenKind;

http::Response json_response(unsigned status, const json::value& body) {
  return http::Response::json(status, json::serialize(body));
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
    throw Error(400, codes::kRequestParameterMissing,
                fmt::format("The parameter {} is required", name));
  }
  return *value;
}

// The form of a token request. Throws 400 request.content_type, request.malformed_form.
std::map<std::string, std::string> token_form(const http::Request& request) {
  auto type = request.header("Content-Type");
  if (!type || !media_type_is(*type, "application/x-www-form-urlencoded")) {
    throw Error(400, codes::kRequestContentType,
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

http::Response application_token_response(OAuthApi& api, const oauth::ApplicationToken& token) {
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

bool signed_with_authorization_header(const http::Request& request) {
  auto authorization = request.header("Authorization");
  return authorization && istarts_with(*authorization, "Signature");
}

}  // namespace

http::Response token(OAuthApi& api, http::Request& request) {
  const TokenRequest grant{api.authenticate_client(request), token_form(request)};
  auto grant_type = param(grant.form, "grant_type");
  if (!grant_type) {
    throw Error(400, codes::kRequestParameterMissing, "The parameter grant_type is required");
  }
  if (*grant_type == "client_credentials") {
    if (signed_with_authorization_header(request)) {
      return grant_client_credentials_signed(api, request, grant);
    }
    if (request.header("Authorization")) {
      throw Error(401, codes::kClientAuthenticationUnsupported,
                  "grant_type=client_credentials takes either Authorization: Signature (signed "
                  "application token) or no Authorization header and client_id (mTLS only)");
    }
    return grant_client_credentials_mtls(api, request, grant);
  }
  if (*grant_type == "authorization_code") return grant_authorization_code(api, request, grant);
  if (*grant_type == "refresh_token") return grant_refresh_token(api, request, grant);
  throw Error(400, codes::kGrantTypeUnsupported,
              fmt::format("grant_type {} is not supported; use client_credentials, "
                          "authorization_code or refresh_token",
                          *grant_type));
}

http::Response grant_client_credentials_signed(OAuthApi& api, http::Request& request,
                                               const TokenRequest& grant) {
  const auto& connection = grant.connection;
  const auto& form = grant.form;
  auto scope = param(form, "scope").value_or("");
  auto view = message_view(request, &connection);
  signing::HttpSignaturePolicy policy;
  policy.carrier = signing::SignatureCarrier::Authorization;
  auto result = signing::verify_http_signature(
      view, policy, signing::tpp_certificate_key_resolver(true, api.certificates), api.clock);
  trace_signature(result, view.has("digest"));
  if (!result) throw result.to_error();
  if (result.cause == signing::causes::kDigestWithoutAlgorithm) request.notice = result.hint;
  const auto& certificate = *result.key->certificate;
  api.registry.check_certificate(certificate, "signing");
  auto app = api.registry.find_by_certificate("sign", certificate);
  if (!app) {
    throw Error(401, codes::kClientSigningCertificateNotRegistered,
                fmt::format("The signing certificate (serial {}) is not registered for any "
                            "application; register it with POST /oauth2/applications",
                            certificate.serial_hex()));
  }
  if (auto id = param(form, "client_id"); id && *id != app->client_id) {
    throw Error(401, codes::kClientClientIdMismatch,
                fmt::format("client_id {} is not the application of the signing certificate", *id));
  }
  require_registered_tls(*app, connection);
  auto granted = oauth::grant_scope(scope, oauth::ApplicationRegistry::allowed_scopes(*app));
  auto token = api.tokens.issue_application_token(*app, TokenKind::ApplicationSigned, granted,
                                                  connection_thumbprint(connection));
  return application_token_response(api, token);
}

http::Response grant_client_credentials_mtls(OAuthApi& api, http::Request& request,
                                             const TokenRequest& grant) {
  const auto& connection = grant.connection;
  const auto& form = grant.form;
  auto scope = param(form, "scope").value_or("");
  auto client_id = param(form, "client_id");
  if (!client_id) {
    throw Error(401, codes::kClientAuthenticationMissing,
                "Send client_id for an mTLS-only application token, or sign the request "
                "(Authorization: Signature keyId=SN=...) for a signed one");
  }
  auto app = api.registry.find(*client_id);
  if (!app) {
    throw Error(401, codes::kClientUnknown,
                fmt::format("No application with client_id {}", *client_id));
  }
  require_registered_tls(*app, connection);
  auto granted = oauth::grant_scope(scope, oauth::ApplicationRegistry::allowed_scopes(*app));
  auto token = api.tokens.issue_application_token(*app, TokenKind::ApplicationMtls, granted,
                                                  connection_thumbprint(connection));
  return application_token_response(api, token);
}

http::Response grant_authorization_code(OAuthApi& api, http::Request& request,
                                        const TokenRequest& grant) {
  const auto& connection = grant.connection;
  const auto& form = grant.form;
  auto call = authenticate_signed_call(api, request, connection, TokenKind::ApplicationSigned);
  auto code = required_param(form, "code");
  auto redirect = param(form, "redirect_uri");
  std::optional<std::string_view> redirect_view;
  if (redirect) redirect_view = *redirect;
  return customer_token_response(api.tokens.exchange_code(call.application(), code, redirect_view,
                                                          connection_thumbprint(connection)));
}

http::Response grant_refresh_token(OAuthApi& api, http::Request& request,
                                   const TokenRequest& grant) {
  const auto& connection = grant.connection;
  const auto& form = grant.form;
  auto call = authenticate_signed_call(api, request, connection, TokenKind::ApplicationSigned);
  auto refresh = required_param(form, "refresh_token");
  return customer_token_response(
      api.tokens.refresh(call.application(), refresh, connection_thumbprint(connection)));
}

http::Response revoke_token(OAuthApi& api, http::Request& request) {
  auto connection = api.authenticate_client(request);
  auto form = token_form(request);
  auto call = authenticate_signed_call(api, request, connection, TokenKind::ApplicationSigned);
  auto token = required_param(form, "token");
  if (auto hint = param(form, "token_type_hint");
      hint && *hint != "refresh_token" && *hint != "access_token") {
    throw Error(400, codes::kRequestTokenTypeHint,
                fmt::format("token_type_hint {} is not supported; use refresh_token", *hint));
  }
  api.tokens.revoke(call.application(), token);
  http::Response response;
  response.status = 200;
  return response;
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

}  // namespace sandbank::api
