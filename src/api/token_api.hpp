#pragma once

#include <map>
#include <string>

#include "api/oauth_api.hpp"
#include "core/error.hpp"
#include "crypto/certificate.hpp"
#include "http/message.hpp"

// The token endpoint (docs/api.md "Token endpoint"): POST /oauth2/token with its grants, each a
// handler of its own, and POST /oauth2/token/revoke. Errors are RFC 6749 bodies
// (render_oauth_error), which the API listener's renderer gives on these routes.
namespace sandbank::api {

// POST /oauth2/token: checks the connection's certificate and the form once, then answers with
// the grant handler that grant_type and the Authorization header name.
http::Response token(OAuthApi& api, http::Request& request);

// What every grant starts from: the trusted TLS client certificate and the parsed form.
struct TokenRequest {
  crypto::Certificate connection;
  std::map<std::string, std::string> form;
};

// grant_type=client_credentials without Authorization: the mTLS-only application token of
// client_id (step 2 of the guide's production flow, "mTLS only").
http::Response grant_client_credentials_mtls(OAuthApi& api, http::Request& request,
                                             const TokenRequest& grant);
// grant_type=client_credentials with Authorization: Signature keyId="SN=...": the signed
// application token (sandbox step 2, production step 2), for the application that registered
// the signing certificate.
http::Response grant_client_credentials_signed(OAuthApi& api, http::Request& request,
                                               const TokenRequest& grant);
// grant_type=authorization_code: a customer token for the code (step 3d), signed call with the
// application token.
http::Response grant_authorization_code(OAuthApi& api, http::Request& request,
                                        const TokenRequest& grant);
// grant_type=refresh_token: a new customer token (step 4), signed call with the application
// token.
http::Response grant_refresh_token(OAuthApi& api, http::Request& request,
                                   const TokenRequest& grant);

// POST /oauth2/token/revoke: revokes a refresh token (signed call with the application token).
http::Response revoke_token(OAuthApi& api, http::Request& request);

// RFC 6749 `error` for a detail code: grant.* invalid_grant, scope.* invalid_scope,
// grant_type.* unsupported_grant_type, request.* invalid_request, else by status
// (401 invalid_client, 5xx server_error, other invalid_request).
std::string oauth_error_name(const Error& error);
// {"message", "error", "error_description", "detail", "diagnostic"?} with the error's status.
http::Response render_oauth_error(const Error& error, bool include_diagnostic);

}  // namespace sandbank::api
