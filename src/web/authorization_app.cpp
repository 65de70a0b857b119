#include "web/authorization_app.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "bank/codes.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "crypto/hash.hpp"
#include "oauth/redirect_uri.hpp"
#include "store/codes.hpp"
#include "web/assets.hpp"
#include "web/page_scenarios.hpp"
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

// Back to the TPP with error=access_denied and the session cookie cleared: the customer
// cancelled, or (the sca-failed scenario) could not authenticate.
http::Response cancelled_redirect(
    const AuthorizeRequest& request,
    const std::string& description = "The customer cancelled the authorization") {
  auto location = build_redirect_uri(
      request.redirect_uri,
      {{"error", "access_denied"}, {"error_description", description}, {"state", request.state}});
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

http::Response too_many_sessions_page() {
  auto response = error_page(503, "too_many_sessions",
                             "Too many customers are authorizing at this moment. Try again in a "
                             "minute.");
  response.set("Retry-After", "60");
  return response;
}

// The session's state as the store keeps it (AuthorizationSession::data).
std::string session_data(const std::string& client_id, const std::vector<std::string>& scopes,
                         const std::string& state, const std::string& redirect_uri,
                         const std::string& given_redirect_uri, const std::string& country,
                         const std::string& reference, const std::string& scenario) {
  boost::json::array scope_list;
  for (const auto& scope : scopes) scope_list.emplace_back(scope);
  return boost::json::serialize(boost::json::object{{"client_id", client_id},
                                                    {"scopes", std::move(scope_list)},
                                                    {"state", state},
                                                    {"redirect_uri", redirect_uri},
                                                    {"given_redirect_uri", given_redirect_uri},
                                                    {"country", country},
                                                    {"reference", reference},
                                                    {"scenario", scenario}});
}

std::string string_field(const boost::json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (!v || !v->is_string()) {
    throw Error::internal(store::codes::kStoreDamaged,
                          "An authorization session in the store lacks " + std::string(name));
  }
  return std::string(v->get_string());
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
                                   store::AuthorizationSessionRepository& sessions,
                                   const bank::Profiles& profiles, const Clock& clock,
                                   RandomSource& random, AuthorizationAppSettings settings)
    : lookup_(std::move(lookup)),
      allowed_scopes_(std::move(allowed_scopes)),
      authorizations_(authorizations),
      sessions_(sessions),
      profiles_(profiles),
      clock_(clock),
      random_(random),
      settings_(settings) {}

std::string session_id_hash(std::string_view cookie_value) {
  return hex_encode(crypto::sha256(as_bytes(cookie_value)));
}

std::size_t AuthorizationApp::session_count() const {
  return sessions_.count(std::string(kAuthorizeSessionKind), clock_.now());
}

std::optional<std::string> AuthorizationApp::start_session(const Session& session) {
  auto now = clock_.now();
  std::string cookie = random_.token(32);
  const auto& r = session.request;
  store::AuthorizationSession stored{
      session_id_hash(cookie),
      std::string(kAuthorizeSessionKind),
      session.csrf_token,
      session_data(r.client_id, r.scopes, r.state, r.redirect_uri, r.given_redirect_uri,
                   session.country, session.reference, session.scenario),
      now,
      now + settings_.session_lifetime};
  if (!sessions_.create(stored, now, settings_.max_sessions)) return std::nullopt;
  return cookie;
}

std::optional<std::pair<std::string, AuthorizationApp::Session>> AuthorizationApp::session_of(
    const http::Request& request) {
  auto cookie = cookie_value(request.headers_named("Cookie"), kSessionCookie);
  if (!cookie || cookie->empty()) return std::nullopt;
  auto id = session_id_hash(*cookie);
  auto stored = sessions_.find(std::string(kAuthorizeSessionKind), id, clock_.now());
  if (!stored) return std::nullopt;
  boost::system::error_code ec;
  auto value = boost::json::parse(stored->data, ec);
  if (ec || !value.is_object()) {
    throw Error::internal(store::codes::kStoreDamaged,
                          "An authorization session in the store is not JSON");
  }
  const auto& o = value.as_object();
  Session session;
  session.csrf_token = stored->csrf_token;
  session.request.client_id = string_field(o, "client_id");
  session.request.state = string_field(o, "state");
  session.request.redirect_uri = string_field(o, "redirect_uri");
  session.request.given_redirect_uri = string_field(o, "given_redirect_uri");
  session.country = string_field(o, "country");
  session.reference = string_field(o, "reference");
  // Absent in a session an older version stored.
  if (const auto* v = o.if_contains("scenario"); v && v->is_string()) {
    session.scenario = std::string(v->get_string());
  }
  const auto* scopes = o.if_contains("scopes");
  if (!scopes || !scopes->is_array()) {
    throw Error::internal(store::codes::kStoreDamaged,
                          "An authorization session in the store lacks scopes");
  }
  for (const auto& scope : scopes->get_array()) {
    if (!scope.is_string()) {
      throw Error::internal(store::codes::kStoreDamaged,
                            "An authorization session's scope is not a string");
    }
    session.request.scopes.emplace_back(scope.get_string());
  }
  return std::make_pair(std::move(id), std::move(session));
}

void AuthorizationApp::update_country(const std::string& id, Session session,
                                      const std::string& country) {
  const auto& r = session.request;
  sessions_.update(id,
                   session_data(r.client_id, r.scopes, r.state, r.redirect_uri,
                                r.given_redirect_uri, country, session.reference, session.scenario),
                   clock_.now());
}

bool AuthorizationApp::end_session(const std::string& id) {
  return sessions_.remove(id);
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
  session.scenario = page_scenario_text(request);
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
  if (!id) {
    request.detail_code = "authorize.too_many_sessions";
    return too_many_sessions_page();
  }
  auto response =
      session.country.empty() ? country_response(session, message) : profiles_response(session);
  response.add("Set-Cookie", session_cookie(*id, settings_.session_lifetime));
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
  update_country(session->first, s, code);
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
  // How the customer's authentication ends: the first page's SCA scenario, else the one the
  // profiles file declares for the profile (docs/scenarios.md).
  std::string sca = (*chosen)->behaviour.sca;
  if (auto scenario = kept_scenario(s.scenario)) {
    namespace bc = bank::codes;
    for (auto [code, outcome] : {std::pair{bc::kScenarioScaFailed, "failed"},
                                 std::pair{bc::kScenarioScaCancelled, "cancelled"},
                                 std::pair{bc::kScenarioScaPendingForever, "pending-forever"}}) {
      if (scenario->is(code)) {
        sca = outcome;
        request.scenario_code = code;
      }
    }
  }
  if (sca == "pending-forever") {
    // The session stays: the customer is left waiting, the TPP gets no redirect.
    return html(200,
                render_error_page("sca_pending",
                                  "Waiting for the customer to confirm in the banking app. "
                                  "(Scenario sca-pending-forever: this never completes.)"),
                s.request.redirect_uri);
  }
  if (sca == "failed" || sca == "cancelled") {
    if (!end_session(session->first)) return session_expired_page();
    return sca == "cancelled"
               ? cancelled_redirect(s.request)
               : cancelled_redirect(s.request, "The customer's authentication failed");
  }

  // Of two requests for the same session (a double click, two nodes), one goes on.
  if (!end_session(session->first)) return session_expired_page();
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
  // A scenario the profiles file declares (docs/scenarios.md "Per profile").
  if (profile.behaviour.consent_lifetime.count() > 0) {
    request.lifetime = profile.behaviour.consent_lifetime;
  }
  return request;
}

}  // namespace sandbank::web
