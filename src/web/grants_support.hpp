#pragma once

#include "bank/profiles.hpp"
#include "http/router.hpp"
#include "oauth/token_service.hpp"
#include "web/authorize_request.hpp"

// The JSON API of ING's sandbox consent app that ING's open-banking CLI calls on the
// "myaccount" host (docs/api.md "grantssupport"), on the web listener:
//   GET  /grantssupport/accounts                  the test profiles to choose from
//   POST /grantssupport/{reference}/auth-code     a code of the legacy flow for one of them
// Both take the signed application token as Bearer. The web listener asks for no client
// certificate, so the token's certificate binding cannot be checked here (every other check
// is). Answers start with the XSSI guard ")]}'," and a newline, as ING's app sends them.
// POST is protected by an XSRF double submit: the X-XSRF-Token header must equal the
// XSRF-TOKEN cookie. The Host header is not checked (ING's script sends its own host name).
namespace sandbank::web {

inline constexpr std::string_view kXssiGuard = ")]}',\n";

struct GrantsSupport {
  oauth::TokenService& tokens;
  oauth::Authorizations& authorizations;
  ApplicationLookup lookup;
  AllowedScopes allowed_scopes;
  const bank::Profiles& profiles;
};

// Error detail codes (JSON {"message","detail"} bodies, without the guard):
//  401 token.* (no, unknown, expired, revoked token or not a signed application token)
//  403 token.insufficient_scope (no granting scope), grantssupport.xsrf_mismatch
//  400 granting.reference_unknown / _expired / _used, grantssupport.body_malformed,
//      grantssupport.field_missing, grantssupport.client_mismatch,
//      grantssupport.redirect_uri_mismatch, grantssupport.profile_unknown,
//      grantssupport.scope_not_offered, grantssupport.state_invalid, scope.unknown,
//      scope.not_allowed
http::Response grants_accounts(GrantsSupport& support, http::Request& request);
http::Response grants_auth_code(GrantsSupport& support, http::Request& request);

}  // namespace sandbank::web
