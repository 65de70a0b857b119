#include "web/authorize_request.hpp"

#include <algorithm>

#include "core/encoding.hpp"
#include "core/form.hpp"
#include "core/strings.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/scopes.hpp"

namespace sandbank::web {

std::optional<std::string> FormFields::get(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

FormFields parse_form(std::string_view text) {
  FormFields fields;
  for (auto& pair : form::parse(text)) {
    if (!pair.valid) {
      fields.malformed = true;
      continue;
    }
    fields.values.emplace(std::move(pair.name), std::move(pair.value));
  }
  return fields;
}

std::optional<std::string> cookie_value(const std::vector<std::string_view>& cookie_headers,
                                        std::string_view name) {
  for (auto header : cookie_headers) {
    for (auto part : split(header, ';')) {
      auto pair = trim_ows(part);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (trim_ows(pair.substr(0, eq)) == name) return std::string(trim_ows(pair.substr(eq + 1)));
    }
  }
  return std::nullopt;
}

namespace {

bool is_state_char(unsigned char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '=':
    case '%':
    case '#':
    case ',':
    case ';':
    case '+':
    case '/':
    case '_':
    case '-':
    case ' ':
    case '\r':
    case '\n':
    case '\t':
    case '\f':
    case '\v':
      return true;
    default:
      return false;
  }
}

bool is_space(unsigned char c) {
  return c == ' ' || c == '\r' || c == '\n' || c == '\t' || c == '\f' || c == '\v';
}

AuthorizeError page_error(std::string error, std::string description) {
  return AuthorizeError{false, std::move(error), std::move(description), {}, std::nullopt};
}

}  // namespace

bool is_valid_state(std::string_view state) {
  if (state.empty() || state.size() > kMaxStateLength) return false;
  if (std::all_of(state.begin(), state.end(), [](char c) { return is_space(c); })) return false;
  return std::all_of(state.begin(), state.end(), [](char c) { return is_state_char(c); });
}

AuthorizeCheck check_authorize_request(const FormFields& query, const ApplicationLookup& lookup,
                                       const AllowedScopes& allowed_scopes) {
  AuthorizeCheck result;
  // 1. client_id: without a known one there is nobody to redirect to.
  if (query.count("client_id") == 0 || query.get("client_id")->empty()) {
    result.error = page_error("invalid_request", "The client_id parameter is required");
    return result;
  }
  if (query.count("client_id") > 1) {
    result.error = page_error("invalid_request", "The client_id parameter is given more than once");
    return result;
  }
  std::string client_id = *query.get("client_id");
  auto application = lookup(client_id);
  if (!application) {
    result.error =
        page_error("unauthorized_client", "No application is registered with this client_id");
    return result;
  }

  // 2. redirect_uri: exactly one of the registered ones.
  std::string redirect_uri;
  std::string given_redirect_uri;
  const auto& registered = application->redirect_uris;
  if (query.count("redirect_uri") > 1) {
    result.error =
        page_error("invalid_request", "The redirect_uri parameter is given more than once");
    return result;
  }
  if (auto given = query.get("redirect_uri"); given && !given->empty()) {
    if (!oauth::registered_redirect_uri(registered, *given)) {
      result.error = page_error("invalid_request",
                                "The redirect_uri is not one of the application's registered "
                                "redirect URIs (exact match; an empty path equals /)");
      return result;
    }
    redirect_uri = *given;
    given_redirect_uri = *given;
  } else if (registered.size() == 1) {
    redirect_uri = registered.front();
  } else if (registered.empty()) {
    result.error = page_error("invalid_request", "The application has no registered redirect URI");
    return result;
  } else {
    result.error = page_error("invalid_request",
                              "The redirect_uri parameter is required: the application "
                              "registered several redirect URIs");
    return result;
  }

  // From here on errors go back to the application.
  std::optional<std::string> state = query.get("state");
  auto fail = [&](std::string error, std::string description) {
    result.error =
        AuthorizeError{true, std::move(error), std::move(description), redirect_uri, state};
    return result;
  };
  for (const char* name : {"response_type", "state", "scope"}) {
    if (query.count(name) > 1) {
      return fail("invalid_request",
                  std::string("The ") + name + " parameter is given more than once");
    }
  }
  if (query.malformed) return fail("invalid_request", "The query is not valid percent-encoding");

  // 3. response_type
  auto response_type = query.get("response_type");
  if (!response_type || response_type->empty()) {
    return fail("invalid_request", "The response_type parameter is required (code)");
  }
  if (*response_type != "code") {
    return fail("unsupported_response_type", "The response_type must be code");
  }

  // 4. state
  if (!state || state->empty()) return fail("invalid_request", "The state parameter is required");
  if (!is_valid_state(*state)) {
    return fail("invalid_request",
                "The state parameter must not be blank and may contain only A-Z a-z 0-9, the "
                "characters =%#,;+/_- and whitespace, at most 1024 of them");
  }

  // 5. scope
  auto scope_text = query.get("scope");
  if (!scope_text) return fail("invalid_request", "The scope parameter is required");
  std::string spaced = *scope_text;
  std::replace(spaced.begin(), spaced.end(), '+', ' ');
  auto scopes = oauth::split_scope(spaced);
  if (scopes.empty()) return fail("invalid_scope", "The scope parameter must name a scope");
  auto allowed = allowed_scopes(*application);
  for (const auto& scope : scopes) {
    if (!oauth::is_known_scope(scope)) {
      return fail("invalid_scope", "Unknown scope " + scope);
    }
    if (std::find(allowed.begin(), allowed.end(), scope) == allowed.end()) {
      return fail("invalid_scope", "The application may not ask for the scope " + scope);
    }
  }

  result.request =
      AuthorizeRequest{client_id, std::move(scopes), *state, redirect_uri, given_redirect_uri};
  return result;
}

std::string build_redirect_uri(std::string_view redirect_uri,
                               const std::vector<std::pair<std::string, std::string>>& params) {
  std::string base(redirect_uri.substr(0, redirect_uri.find('#')));
  std::string out = base;
  char separator = '?';
  if (auto q = base.find('?'); q != std::string::npos) {
    separator = (q + 1 == base.size() || base.back() == '&') ? '\0' : '&';
  }
  for (const auto& [name, value] : params) {
    if (separator != '\0') out += separator;
    out += percent_encode(name);
    out += '=';
    out += percent_encode(value);
    separator = '&';
  }
  return out;
}

std::string error_redirect_uri(const AuthorizeError& error) {
  std::vector<std::pair<std::string, std::string>> params{{"error", error.error}};
  if (!error.description.empty()) params.emplace_back("error_description", error.description);
  if (error.state) params.emplace_back("state", *error.state);
  return build_redirect_uri(error.redirect_uri, params);
}

}  // namespace sandbank::web
