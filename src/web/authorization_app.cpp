#include "web/authorization_app.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "crypto/hash.hpp"
#include "oauth/redirect_uri.hpp"
#include "web/assets.hpp"
#include "web/pages.hpp"

namespace sandbank::web {
namespace {

// scheme://host[:port] of an absolute URI, when it is safe to put into a CSP source list.
std::string origin_of(std::string_view uri) {
  auto scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos) return "";
  auto authority_end = uri.find_first_of("/?#", scheme_end + 3);
  std::string origin(uri.substr(0, authority_end));
  auto at = origin.find('@');
  if (at != std::string::npos) origin.erase(scheme_end + 3, at - scheme_end - 2);
  bool safe = std::all_of(origin.begin(), origin.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '/' || c == '[' ||
           c == ']' || c == '+';
  });
  return safe ? origin : "";
}

// The policy of every page: nothing but our stylesheet; forms may post to us and, through
// the 302 that ends the flow, reach the application's redirect URI (Chromium applies
// form-action to redirects after a form submission).
std::string content_security_policy(const std::string& redirect_uri) {
  std::string form_action = "'self'";
  if (auto origin = origin_of(redirect_uri); !origin.empty()) form_action += " " + origin;
  return "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action " + form_action +
         "; frame-ancestors 'none'; base-uri 'none'";
}

http::Response html(unsigned status, std::string body, const std::string& redirect_uri) {
  auto response = http::Response::text(status, std::move(body), "text/html; charset=utf-8");
  response.set("Content-Security-Policy", content_security_policy(redirect_uri));
  response.set("Referrer-Policy", "no-referrer");
  response.set("Cache-Control", "no-store");
  return response;
}

http::Response error_page(unsigned status, const std::string& error,
                          const std::string& description) {
  return html(status, render_error_page(error, description), "");
}

http::Response redirect(std::string_view outcome, const std::string& location,
                        const std::string& redirect_uri) {
  auto response = html(302, render_redirect_page(outcome, location), redirect_uri);
  response.set("Location", location);
  return response;
}

std::string session_cookie(const std::string& id, Seconds max_age) {
  return std::string(kSessionCookie) + "=" + id +
         "; Path=/authorize; Max-Age=" + std::to_string(max_age.count()) +
         "; HttpOnly; Secure; SameSite=Lax";
}

http::Response session_expired_page() {
  return error_page(400, "session_expired",
                    "This authorization session has expired or was already used. Start again "
                    "from the application.");
}

http::Response csrf_mismatch_page() {
  return error_page(403, "csrf_mismatch",
                    "The form's security token does not match this session. Start again from "
                    "the application.");
}

// Cancel: back to the TPP with error=access_denied and the session cookie cleared.
http::Response cancelled_redirect(const AuthorizeRequest& request) {
  auto location = build_redirect_uri(
      request.redirect_uri, {{"error", "access_denied"},
                             {"error_description", "The customer cancelled the authorization"},
                             {"state", request.state}});
  auto response = redirect(kOutcomeDenied, location, request.redirect_uri);
  response.add("Set-Cookie", session_cookie("", Seconds(0)));
  return response;
}

// RFC 6749 error_description: %x20-21 / %x23-5B / %x5D-7E only.
std::string description_chars(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') out += static_cast<char>(c);
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return crypto::constant_time_equal(as_bytes(a), as_bytes(b));
}

}  // namespace

http::Response render_web_error(const http::Request& request, const Error& error,
                                bool diagnostics) {
  auto path = request.path();
  if (path == "/grantssupport" || path.starts_with("/grantssupport/")) {
    return http::render_error_json(error, diagnostics);
  }
  const unsigned status =
      error.status() >= 400 && error.status() <= 599 ? static_cast<unsigned>(error.status()) : 500;
  return html(status,
              render_http_error_page(status, error.code(), error.message(),
                                     diagnostics ? error.diagnostic() : std::string()),
              "");
}

AuthorizationApp::AuthorizationApp(ApplicationLookup lookup, AllowedScopes allowed_scopes,
                                   oauth::Authorizations& authorizations,
                                   const bank::Profiles& profiles, const Clock& clock,
                                   RandomSource& random, AuthorizationAppSettings settings)
    : lookup_(std::move(lookup)),
      allowed_scopes_(std::move(allowed_scopes)),
      authorizations_(authorizations),
      profiles_(profiles),
      clock_(clock),
      random_(random),
      settings_(settings) {}

std::size_t AuthorizationApp::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::string AuthorizationApp::start_session(Session session) {
  auto now = clock_.now();
  session.expires_at = now + settings_.session_lifetime;
  std::string id = random_.token(32);
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [now](const auto& entry) { return entry.second.expires_at <= now; });
  while (sessions_.size() >= settings_.max_sessions && !sessions_.empty()) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.expires_at < b.second.expires_at;
    });
    sessions_.erase(oldest);
  }
  sessions_.emplace(id, std::move(session));
  return id;
}

std::optional<std::pair<std::string, AuthorizationApp::Session>> AuthorizationApp::session_of(
    const http::Request& request) {
  auto id = cookie_value(request.headers_named("Cookie"), kSessionCookie);
  if (!id || id->empty()) return std::nullopt;
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(*id);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires_at <= clock_.now()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return std::make_pair(*id, it->second);
}

void AuthorizationApp::update_country(const std::string& id, const std::string& country) {
  std::lock_guard lock(mutex_);
  if (auto it = sessions_.find(id); it != sessions_.end()) it->second.country = country;
}

void AuthorizationApp::end_session(const std::string& id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

http::Response AuthorizationApp::country_response(const Session& session,
                                                  const std::string& message, unsigned status) {
  return html(status, render_country_page(session.csrf_token, session.request.client_id, message),
              session.request.redirect_uri);
}

http::Response AuthorizationApp::profiles_response(const Session& session, unsigned status) {
  auto offered = profiles_.offering(session.country, session.request.scopes);
  return html(status,
              render_profiles_page(session.csrf_token, session.country, session.request.scopes,
                                   offered, profiles_.scenarios),
              session.request.redirect_uri);
}

http::Response AuthorizationApp::authorize(http::Request& request) {
  return start(request, parse_form(request.query()), "", "");
}

http::Response AuthorizationApp::granting(http::Request& request) {
  store::GrantingReference reference;
  try {
    reference = authorizations_.active_reference(request.path_params.at("reference"));
  } catch (const Error& e) {
    request.detail_code = e.code();
    return error_page(400, e.code(), e.message());
  }
  // ING's location carries no query: what the TPP did not repeat comes from the reference.
  auto query = parse_form(request.query());
  auto fill = [&](const char* name, const std::string& value) {
    if (query.count(name) == 0 && !value.empty()) query.values.emplace(name, value);
  };
  fill("client_id", reference.client_id);
  fill("scope", reference.scope);
  fill("redirect_uri", reference.redirect_uri);
  fill("response_type", "code");
  auto client_id = query.get("client_id");
  auto redirect_uri = query.get("redirect_uri");
  if (query.count("client_id") == 1 && *client_id != reference.client_id) {
    request.detail_code = "granting.client_mismatch";
    return error_page(400, "invalid_request",
                      "This granting reference was issued to another application than client_id");
  }
  if (query.count("redirect_uri") == 1 &&
      !oauth::same_redirect_uri(*redirect_uri, reference.redirect_uri)) {
    request.detail_code = "granting.redirect_uri_mismatch";
    return error_page(400, "invalid_request",
                      "The redirect_uri differs from the one given to "
                      "GET /oauth2/authorization-server-url for this reference");
  }
  return start(request, query, reference.reference, reference.country);
}

http::Response AuthorizationApp::start(http::Request& request, const FormFields& query,
                                       const std::string& reference,
                                       const std::string& default_country) {
  auto check = check_authorize_request(query, lookup_, allowed_scopes_);
  if (check.error) {
    if (!check.error->redirect) {
      return error_page(400, check.error->error, check.error->description);
    }
    auto error = *check.error;
    error.description = description_chars(error.description);
    return redirect(kOutcomeRejected, error_redirect_uri(error), error.redirect_uri);
  }
  Session session;
  session.csrf_token = random_.token(32);
  session.request = std::move(*check.request);
  session.reference = reference;
  std::string message;
  std::string country = default_country;
  if (auto it = request.path_params.find("country"); it != request.path_params.end()) {
    country = it->second;
  }
  if (!country.empty()) {
    auto code = to_upper(country);
    if (country_name(code) && !profiles_.of_country(code).empty()) {
      session.country = code;
    } else {
      message = "There is no test bank for the country code " +
                std::string(std::string_view(country).substr(0, 16)) + ". Please choose a country.";
    }
  }
  auto id = start_session(session);
  auto response =
      session.country.empty() ? country_response(session, message) : profiles_response(session);
  response.add("Set-Cookie", session_cookie(id, settings_.session_lifetime));
  return response;
}

http::Response AuthorizationApp::country_page(http::Request& request) {
  auto session = session_of(request);
  if (!session) {
    return session_expired_page();
  }
  return country_response(session->second, "");
}

http::Response AuthorizationApp::profiles_page(http::Request& request) {
  auto session = session_of(request);
  if (!session) {
    return session_expired_page();
  }
  if (session->second.country.empty()) return country_response(session->second, "");
  return profiles_response(session->second);
}

http::Response AuthorizationApp::choose_country(http::Request& request) {
  auto session = session_of(request);
  if (!session) {
    return session_expired_page();
  }
  auto form = parse_form(request.body);
  auto csrf = form.get("csrf_token");
  if (!csrf || !constant_time_equal(*csrf, session->second.csrf_token)) {
    return csrf_mismatch_page();
  }
  const auto& s = session->second;
  if (form.get("action") == "cancel") {
    end_session(session->first);
    return cancelled_redirect(s.request);
  }
  auto code = to_upper(form.get("country").value_or(""));
  if (!country_name(code) || profiles_.of_country(code).empty()) {
    return country_response(s, "Please choose one of the countries below.", 400);
  }
  update_country(session->first, code);
  http::Response response;
  response.status = 303;
  response.set("Location", "/authorize/profiles");
  response.set("Cache-Control", "no-store");
  return response;
}

http::Response AuthorizationApp::consent(http::Request& request) {
  auto session = session_of(request);
  if (!session) {
    return session_expired_page();
  }
  auto form = parse_form(request.body);
  auto csrf = form.get("csrf_token");
  if (!csrf || !constant_time_equal(*csrf, session->second.csrf_token)) {
    return csrf_mismatch_page();
  }
  const auto& s = session->second;
  auto action = form.get("action").value_or("");
  if (action == "cancel") {
    end_session(session->first);
    return cancelled_redirect(s.request);
  }
  if (action != "next") {
    return profiles_response(s, 400);
  }
  if (s.country.empty()) return country_response(s, "Please choose a country first.", 400);
  auto offered = profiles_.offering(s.country, s.request.scopes);
  auto profile_id = form.get("profile").value_or("");
  auto chosen = std::find_if(offered.begin(), offered.end(),
                             [&](const bank::ProfileSpec* p) { return p->id == profile_id; });
  if (chosen == offered.end()) return profiles_response(s, 400);

  end_session(session->first);
  auto flow = oauth::kAuthorizeFlow;
  if (!s.reference.empty()) {
    try {
      authorizations_.use_reference(s.reference);
    } catch (const Error& e) {
      request.detail_code = e.code();
      return error_page(400, e.code(), e.message());
    }
    flow = oauth::kLegacyFlow;
  }
  auto stored = authorizations_.create_consent(
      consent_request_for(**chosen, s.request.client_id, s.request.scopes, s.request.redirect_uri));
  auto code = authorizations_.issue_code(stored, s.request.redirect_uri, s.request.state, flow);
  auto location =
      build_redirect_uri(s.request.redirect_uri, {{"code", code}, {"state", s.request.state}});
  auto response = redirect(kOutcomeAuthorized, location, s.request.redirect_uri);
  response.add("Set-Cookie", session_cookie("", Seconds(0)));
  return response;
}

http::Response AuthorizationApp::stylesheet(http::Request&) {
  auto response =
      http::Response::text(200, std::string(assets::kStylesheet), "text/css; charset=utf-8");
  response.set("Cache-Control", "public, max-age=3600");
  return response;
}

oauth::Authorizations::ConsentRequest consent_request_for(const bank::ProfileSpec& profile,
                                                          const std::string& client_id,
                                                          const std::vector<std::string>& scopes,
                                                          const std::string& redirect_uri) {
  oauth::Authorizations::ConsentRequest request;
  request.client_id = client_id;
  request.profile_id = profile.id;
  request.country = profile.country;
  for (const auto& account : profile.accounts) request.account_ids.push_back(account.id);
  request.scopes = scopes;
  request.redirect_uri = redirect_uri;
  // The profile file's scenario: consents that lapse quickly, so TPPs can test re-consent.
  if (profile.scenario == "consent_expires_early") request.lifetime = std::chrono::minutes(5);
  return request;
}

void add_authorization_routes(http::Router& router, AuthorizationApp& app) {
  auto bind = [&app](http::Response (AuthorizationApp::*method)(http::Request&)) {
    return [&app, method](http::Request& request) { return (app.*method)(request); };
  };
  router.add("GET", "/authorize/v2", bind(&AuthorizationApp::authorize));
  router.add("GET", "/authorize/v2/{country}", bind(&AuthorizationApp::authorize));
  router.add("GET", "/authorize/country", bind(&AuthorizationApp::country_page));
  router.add("POST", "/authorize/country", bind(&AuthorizationApp::choose_country));
  router.add("GET", "/authorize/profiles", bind(&AuthorizationApp::profiles_page));
  router.add("POST", "/authorize/consent", bind(&AuthorizationApp::consent));
  router.add("GET", std::string(kStylesheetPath), bind(&AuthorizationApp::stylesheet));
  router.add("GET", "/granting/{reference}", bind(&AuthorizationApp::granting));
  router.add("GET", "/granting/{reference}/{country}", bind(&AuthorizationApp::granting));
}

}  // namespace sandbank::web
