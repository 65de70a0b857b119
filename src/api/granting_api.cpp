#include "api/granting_api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "api/codes.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "oauth/codes.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/scopes.hpp"

namespace sandbank::api {
namespace {

using oauth::TokenKind;

// The query of the call: one value per name (a repeated name is a 400, RFC 6749 §3.1), '+'
// as space, empty values absent.
std::map<std::string, std::string> query_parameters(const http::Request& request) {
  return parse_form(request.query());
}

std::optional<std::string> get(const std::map<std::string, std::string>& query,
                               const std::string& name) {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

}  // namespace

http::Response authorization_server_url(GrantingApi& api, http::Request& request) {
  auto connection = api.oauth.authenticate_client(request);
  // The migration FAQ: a 401 for a granting call with an mTLS-only token ("a signed access
  // token is required"): validate() names the kind it needs.
  auto call =
      authenticate_signed_call(api.oauth, request, connection, TokenKind::ApplicationSigned);
  const auto& application = call.application();
  auto token_scopes = oauth::split_scope(call.token.record.scope);
  if (std::find(token_scopes.begin(), token_scopes.end(), oauth::kScopeGranting) ==
      token_scopes.end()) {
    throw Error(403, oauth::codes::kTokenInsufficientScope,
                fmt::format("The application token has the scope '{}' but this call needs "
                            "granting; request the token without scope or with scope=granting",
                            call.token.record.scope));
  }
  auto query = query_parameters(request);
  auto scope = get(query, "scope");
  if (!scope) {
    throw Error(400, codes::kRequestParameterMissing,
                "The query parameter scope is required: the scopes to ask the customer for, "
                "space separated");
  }
  auto scopes = oauth::split_scope(*scope);
  for (const auto& s : scopes) {
    if (s == oauth::kScopeGranting) {
      throw Error(400, oauth::codes::kScopeNotAllowed,
                  "granting is the scope of the application token, not one to ask a customer "
                  "for; ask for account scopes such as payment-accounts:balances:view");
    }
  }
  auto granted =
      oauth::grant_scope(*scope, oauth::ApplicationRegistry::allowed_scopes(application));
  if (granted.empty()) {
    throw Error(400, codes::kScopeMissing, "The scope parameter must name at least one scope");
  }
  auto given = get(query, "redirect_uri");
  std::optional<std::string_view> given_view;
  if (given) given_view = *given;
  auto redirect_uri = oauth::resolve_redirect_uri(application, given_view);
  // Keep the URI as the TPP gave it: it is where the customer goes back to.
  if (given) redirect_uri = *given;
  std::string country = to_upper(get(query, "country_code").value_or(""));
  if (!country.empty() &&
      (country.size() != 2 ||
       !std::all_of(country.begin(), country.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))) {
    throw Error(400, codes::kRequestCountryCodeInvalid,
                fmt::format("country_code must be a two-letter ISO 3166-1 code such as NL, not {}",
                            std::string(std::string_view(country).substr(0, 16))));
  }
  auto reference =
      api.authorizations.create_reference(application.client_id, granted, redirect_uri, country);
  std::string location = api.urls->web() + "/granting/" + reference.reference;
  if (!country.empty()) location += "/" + country;
  boost::json::object body;
  body["location"] = location;
  return http::Response::json(200, boost::json::serialize(body));
}

}  // namespace sandbank::api
