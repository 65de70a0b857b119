#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "bank/profiles.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "http/router.hpp"
#include "oauth/token_service.hpp"
#include "store/store.hpp"
#include "web/authorize_request.hpp"

// The customer authorization app of ING's guide, step 3a/3b (docs/authorize.md): the TPP
// sends the customer's browser to /authorize/v2[/COUNTRY]?client_id&scope&state&redirect_uri
// &response_type=code; the customer picks a country (when none is in the path) and a test
// profile, and is sent back to redirect_uri with a one-time code (Next) or
// error=access_denied (Cancel).
//
// Routes (web listener, no client certificate):
//   GET  /authorize/v2                 validate, start a session, country page
//   GET  /authorize/v2/{country}       validate, start a session, profile page
//   GET  /authorize/country            country page of the current session
//   POST /authorize/country            csrf_token, country=CC | action=cancel
//   GET  /authorize/profiles           profile page of the current session
//   POST /authorize/consent            csrf_token, profile=ID, action=next|cancel
//   GET  /authorize/assets/sandbank.css
//   GET  /granting/{reference}[/{country}]  ING's pre-migration flow: the same pages for a
//        reference of GET /oauth2/authorization-server-url (query as /authorize/v2; missing
//        client_id, scope, redirect_uri and response_type come from the reference); the code
//        is of the legacy flow and the reference is used up
// The session lives in the store (10 minutes; every node on the store serves its next page),
// keyed by the SHA-256 of the opaque value of the cookie sandbank_authz (HttpOnly; Secure;
// SameSite=Lax; Path=/authorize); every form carries the session's CSRF token in the hidden
// field csrf_token, and both must match. At most max_sessions live at once: past that, a new
// one is refused (503 error page too_many_sessions, Retry-After) until some end or expire.
namespace sandbank::web {

inline constexpr std::string_view kSessionCookie = "sandbank_authz";
// The kind of its sessions in store::AuthorizationSessionRepository.
inline constexpr std::string_view kAuthorizeSessionKind = "authorize";

struct AuthorizationAppSettings {
  Seconds session_lifetime{600};
  std::size_t max_sessions = 10000;
};

class AuthorizationApp {
 public:
  AuthorizationApp(ApplicationLookup lookup, AllowedScopes allowed_scopes,
                   oauth::Authorizations& authorizations,
                   store::AuthorizationSessionRepository& sessions, const bank::Profiles& profiles,
                   const Clock& clock, RandomSource& random,
                   AuthorizationAppSettings settings = {});

  http::Response authorize(http::Request& request);       // GET /authorize/v2[/{country}]
  http::Response granting(http::Request& request);        // GET /granting/{reference}[/{cc}]
  http::Response country_page(http::Request& request);    // GET /authorize/country
  http::Response choose_country(http::Request& request);  // POST /authorize/country
  http::Response profiles_page(http::Request& request);   // GET /authorize/profiles
  http::Response consent(http::Request& request);         // POST /authorize/consent
  http::Response stylesheet(http::Request& request);      // GET /authorize/assets/sandbank.css

  // Sessions alive now (in the store: of every node).
  std::size_t session_count() const;

 private:
  struct Session {
    std::string csrf_token;
    AuthorizeRequest request;
    std::string country;    // empty until chosen
    std::string reference;  // the legacy flow's reference; empty for /authorize/v2
    std::string scenario;   // the first page's sandbank_scenario (page_scenarios.hpp), or ""
  };
  http::Response start(http::Request& request, const FormFields& query,
                       const std::string& reference, const std::string& default_country);
  // The session of the request's cookie and its id in the store (the cookie's hash); nullopt
  // when absent or expired.
  std::optional<std::pair<std::string, Session>> session_of(const http::Request& request);
  // The new session's cookie value; nullopt when max_sessions are alive.
  std::optional<std::string> start_session(const Session& session);
  void update_country(const std::string& id, Session session, const std::string& country);
  // True for the one request that ended it.
  bool end_session(const std::string& id);
  http::Response profiles_response(const Session& session, unsigned status = 200);
  http::Response country_response(const Session& session, const std::string& message,
                                  unsigned status = 200);

  ApplicationLookup lookup_;
  AllowedScopes allowed_scopes_;
  oauth::Authorizations& authorizations_;
  store::AuthorizationSessionRepository& sessions_;
  const bank::Profiles& profiles_;
  const Clock& clock_;
  RandomSource& random_;
  AuthorizationAppSettings settings_;
};

// The id under which the session of a cookie's value is stored: its SHA-256, lower-case hex
// (the value itself is never stored).
std::string session_id_hash(std::string_view cookie_value);

// What the customer's choice of a test profile consents to: the profile's accounts, the
// scopes, and the lifetime its scenario asks for.
oauth::Authorizations::ConsentRequest consent_request_for(const bank::ProfileSpec& profile,
                                                          const std::string& client_id,
                                                          const std::vector<std::string>& scopes,
                                                          const std::string& redirect_uri);

// The web listener's error renderer: an HTML error page in the app's style for a browser, JSON
// ({"message", "detail", "diagnostic"?}) under /grantssupport/, the JSON API of the listener.
http::Response render_web_error(const http::Request& request, const Error& error, bool diagnostics);

}  // namespace sandbank::web
