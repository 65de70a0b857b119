#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/store.hpp"

// The rules of the authorization request the TPP sends the customer's browser with (ING's
// guide, step 3a) and of the redirect back (step 3b, RFC 6749 §4.1.2). Pure functions: no
// HTTP, no store.
namespace sandbank::web {

// An application/x-www-form-urlencoded string (a query or a form body) as name → every value
// in order ('+' is a space), read by core/form.hpp. Pairs that do not decode are kept out and
// flagged.
struct FormFields {
  std::multimap<std::string, std::string> values;
  bool malformed = false;  // some pair was not valid percent-encoding

  std::size_t count(const std::string& name) const { return values.count(name); }
  // The first value of `name`, or nullopt.
  std::optional<std::string> get(const std::string& name) const;
};
FormFields parse_form(std::string_view text);

// The value of a cookie of the request's Cookie headers, or nullopt.
std::optional<std::string> cookie_value(const std::vector<std::string_view>& cookie_headers,
                                        std::string_view name);

// The guide: "The state parameter must not be blank. Allowed characters ... A-Z, a-z, 0-9,
// =%#,;+/_- and any whitespace character". Also at most kMaxStateLength characters.
inline constexpr std::size_t kMaxStateLength = 1024;
bool is_valid_state(std::string_view state);

// A validated authorization request.
struct AuthorizeRequest {
  std::string client_id;
  std::vector<std::string> scopes;  // split, known and allowed to the application
  std::string state;
  std::string redirect_uri;        // where the customer goes back to (given or the only one)
  std::string given_redirect_uri;  // as given in the request; empty when absent
};

// Why a request cannot proceed.
struct AuthorizeError {
  // false: client_id or redirect_uri is wrong, the customer sees an error page and is not
  // redirected (RFC 6749 §4.1.2.1). true: redirect to redirect_uri with error and state.
  bool redirect = false;
  std::string error;                 // RFC 6749 code: invalid_request, invalid_scope, ...
  std::string description;           // one sentence; only RFC 6749 error_description characters
  std::string redirect_uri;          // when redirect
  std::optional<std::string> state;  // echoed when the request had one
};

// The application registered under a client_id, or nullopt.
using ApplicationLookup = std::function<std::optional<store::Application>(const std::string&)>;
// The scopes an application may ask for.
using AllowedScopes = std::function<std::vector<std::string>(const store::Application&)>;

// Checks the query of GET /authorize/v2[/COUNTRY] in this order: client_id (required, once,
// known), redirect_uri (optional when the application registered exactly one, else required;
// exactly one of the registered ones), then — redirecting — response_type (required, "code"),
// state (required, not blank, allowed characters), scope (required, space or '+' separated,
// every scope known and allowed to the application). A parameter given twice is an
// invalid_request (RFC 6749 §3.1).
struct AuthorizeCheck {
  std::optional<AuthorizeRequest> request;
  std::optional<AuthorizeError> error;
};
AuthorizeCheck check_authorize_request(const FormFields& query, const ApplicationLookup& lookup,
                                       const AllowedScopes& allowed_scopes);

// redirect_uri with the parameters appended to its query (an existing query is kept, a
// fragment dropped), names and values percent-encoded.
std::string build_redirect_uri(std::string_view redirect_uri,
                               const std::vector<std::pair<std::string, std::string>>& params);

// The redirect for an error: error, error_description and state (when present).
std::string error_redirect_uri(const AuthorizeError& error);

}  // namespace sandbank::web
