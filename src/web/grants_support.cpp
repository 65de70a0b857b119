#include "web/grants_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "api/codes.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "crypto/hash.hpp"
#include "oauth/codes.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/scopes.hpp"
#include "web/authorization_app.hpp"
#include "web/codes.hpp"

namespace sandbank::web {
namespace {

namespace json = boost::json;

http::Response guarded_json(const json::value& body) {
  std::string text(kXssiGuard);
  text += json::serialize(body);
  return http::Response::json(200, std::move(text));
}

oauth::ValidToken application_token(GrantsSupport& support, const http::Request& request) {
  auto token = support.tokens.validate_without_binding(http::bearer_token(request),
                                                       oauth::TokenKind::ApplicationSigned);
  auto scopes = oauth::split_scope(token.record.scope);
  if (std::find(scopes.begin(), scopes.end(), oauth::kScopeGranting) == scopes.end()) {
    throw Error(403, oauth::codes::kTokenInsufficientScope,
                fmt::format("The application token has the scope '{}' but the consent app needs "
                            "granting",
                            token.record.scope));
  }
  return token;
}

// The scopes a profile can grant, in the order balances, transactions, funds-availability.
json::array profile_scopes(const bank::ProfileSpec& profile) {
  json::array out;
  for (auto scope : {bank::kScopeBalances, bank::kScopeTransactions, bank::kScopeFunds}) {
    if (profile.can_grant(scope)) out.emplace_back(scope);
  }
  return out;
}

}  // namespace

http::Response grants_accounts(GrantsSupport& support, http::Request& request) {
  application_token(support, request);
  json::array list;
  for (const auto& profile : support.profiles.profiles) {
    json::object entry;
    entry["id"] = profile.id;
    entry["name"] = profile.name;
    entry["scopes"] = profile_scopes(profile);
    entry["country_code"] = profile.country;
    list.push_back(std::move(entry));
  }
  json::object body;
  body["accounts"] = std::move(list);
  return guarded_json(body);
}

namespace {

void require_xsrf(const http::Request& request) {
  auto header = request.header("X-XSRF-Token");
  auto cookie = cookie_value(request.headers_named("Cookie"), "XSRF-TOKEN");
  if (!header || header->empty() || !cookie || cookie->empty()) {
    throw Error(403, codes::kGrantssupportXsrfMismatch,
                "The X-XSRF-Token header and the XSRF-TOKEN cookie are both required and must be "
                "equal (double-submit protection)");
  }
  if (!crypto::constant_time_equal(as_bytes(*header), as_bytes(*cookie))) {
    throw Error(403, codes::kGrantssupportXsrfMismatch,
                "The X-XSRF-Token header differs from the XSRF-TOKEN cookie");
  }
}

std::string string_field(const json::object& body, std::string_view name) {
  const auto* value = body.if_contains(name);
  if (value == nullptr || !value->is_string() || value->get_string().empty()) {
    throw Error(400, codes::kGrantssupportFieldMissing,
                fmt::format("The body needs the string member {}", name));
  }
  return std::string(value->get_string());
}

// "scopes": ING's script sends one space-separated string; a JSON array is taken too.
std::vector<std::string> scopes_field(const json::object& body) {
  const auto* value = body.if_contains("scopes");
  std::vector<std::string> out;
  if (value != nullptr && value->is_string()) {
    out = oauth::split_scope(std::string_view(value->get_string()));
  } else if (value != nullptr && value->is_array()) {
    std::string joined;
    for (const auto& item : value->get_array()) {
      if (!item.is_string()) {
        throw Error(400, codes::kGrantssupportBodyMalformed, "scopes must hold strings");
      }
      joined += std::string(item.get_string()) + " ";
    }
    out = oauth::split_scope(joined);
  }
  if (out.empty()) {
    throw Error(400, codes::kGrantssupportFieldMissing,
                "The body needs scopes: the scopes to consent to, space separated");
  }
  return out;
}

}  // namespace

http::Response grants_auth_code(GrantsSupport& support, http::Request& request) {
  auto token = application_token(support, request);
  require_xsrf(request);
  const auto& client_id = token.record.client_id;
  auto reference = support.authorizations.active_reference(request.path_params.at("reference"));
  if (reference.client_id != client_id) {
    throw Error(400, codes::kGrantssupportClientMismatch,
                "This granting reference was issued to another application than the token's");
  }
  boost::system::error_code ec;
  auto parsed = parse_request_json(request.body, ec);
  if (ec || !parsed.is_object()) {
    throw Error(400, codes::kGrantssupportBodyMalformed,
                "The body must be a JSON object {\"id\", \"client_id\", \"scopes\", \"state\", "
                "\"redirectURL\"}",
                ec ? ec.message() : std::string());
  }
  const auto& body = parsed.get_object();
  auto profile_id = string_field(body, "id");
  if (string_field(body, "client_id") != client_id) {
    throw Error(400, codes::kGrantssupportClientMismatch,
                "client_id in the body is not the application of the access token");
  }
  auto scopes = scopes_field(body);
  auto state = string_field(body, "state");
  if (!is_valid_state(state)) {
    throw Error(400, codes::kGrantssupportStateInvalid,
                "state must not be blank and may contain only A-Z a-z 0-9, the characters "
                "=%#,;+/_- and whitespace, at most 1024 of them");
  }
  auto redirect_url = string_field(body, "redirectURL");
  if (!oauth::same_redirect_uri(redirect_url, reference.redirect_uri)) {
    throw Error(400, codes::kGrantssupportRedirectUriMismatch,
                fmt::format("redirectURL differs from {}, the redirect_uri given to "
                            "GET /oauth2/authorization-server-url (exact match; an empty path "
                            "equals /)",
                            reference.redirect_uri));
  }
  const auto* profile = support.profiles.find(profile_id);
  if (profile == nullptr) {
    throw Error(400, codes::kGrantssupportProfileUnknown,
                fmt::format("No test profile has the id {}; GET /grantssupport/accounts lists them",
                            profile_id.substr(0, 128)));
  }
  auto application = support.lookup(client_id);
  if (!application) {
    throw Error(401, api::codes::kClientUnknown,
                fmt::format("The application {} no longer exists", client_id));
  }
  auto allowed = support.allowed_scopes(*application);
  for (const auto& scope : scopes) {
    if (!oauth::is_known_scope(scope) || scope == oauth::kScopeGranting) {
      throw Error(400, oauth::codes::kScopeUnknown,
                  fmt::format("{} is not a scope a customer can consent to", scope.substr(0, 128)));
    }
    if (std::find(allowed.begin(), allowed.end(), scope) == allowed.end()) {
      throw Error(400, oauth::codes::kScopeNotAllowed,
                  fmt::format("The application's PSD2 roles do not allow the scope {}", scope));
    }
    if (!profile->can_grant(scope)) {
      throw Error(400, codes::kGrantssupportScopeNotOffered,
                  fmt::format("The test profile {} cannot consent to {}", profile->id, scope));
    }
  }
  support.authorizations.use_reference(reference.reference);
  auto consent = support.authorizations.create_consent(
      consent_request_for(*profile, client_id, scopes, redirect_url));
  auto code = support.authorizations.issue_code(consent, redirect_url, state, oauth::kLegacyFlow);
  json::object answer;
  // ING's CLI takes the code as the last '='-separated piece: code comes last.
  answer["location"] = build_redirect_uri(redirect_url, {{"state", state}, {"code", code}});
  return guarded_json(answer);
}

}  // namespace sandbank::web
