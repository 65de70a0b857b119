#pragma once

// Step 3b without a browser: walks the customer authorization pages over plain HTTP as
// docs/authorize.md describes (cookie kept, hidden form fields sent back, the country form when
// no country is in the path, the test profile chosen by name, Next) and reads the redirect to
// the TPP's redirect URI without following it. Only Sandbank's pages are known; another host's
// pages work when they follow the same shape (forms with a `country` field and `profile` radio
// buttons followed by a `profile-name` label).

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/client.hpp"

namespace sandbank::tpp {

// Sends one request on the web host and returns the answer (redirects not followed).
using WebTransport =
    std::function<http::ClientResponse(std::string_view method, const std::string& url,
                                       const http::HeaderList& headers, std::string_view body)>;

struct AuthorizeWalk {
  std::string url;             // the authorize URL (step 3a)
  std::string redirect_uri;    // where the walk ends; empty: any absolute URL off the web host
  std::string country = "NL";  // chosen on the country page when the path has none
  std::string profile_name;    // the test profile, by its name (case-insensitive)
};

struct AuthorizeOutcome {
  std::string location;  // the redirect to the TPP, as answered
  std::string code;
  std::string state;
  std::string error;  // error=... on the redirect (access_denied, invalid_scope, ...)
  std::string error_description;
  long status = 0;                 // of the last answer (302)
  std::vector<std::string> pages;  // "GET url -> 200 select-country", ... for -v and errors
};

// Walks the pages. Throws sandbank::Error "tpp.authorize_failed" (an error page, an unknown
// profile naming the ones offered, an unrecognised page, too many steps) with what the page said.
AuthorizeOutcome walk_authorization(const AuthorizeWalk& walk, const WebTransport& transport);

class TppClient;

// Steps 3a + 3b for `client`: its authorize URL (country in the path, or none: the country page
// is answered with NL) walked over its web host as the test profile `profile_name`. Throws
// sandbank::Error "tpp.authorize_refused" when the redirect carries error=..., and
// "tpp.authorize_failed" when it carries no code or another state than `state`.
AuthorizeOutcome authorize_as(TppClient& client, const std::string& profile_name,
                              const std::string& country, const std::string& scope,
                              const std::string& state);

// A fresh state for the authorize URL: 16 hex digits from the system's random source.
std::string random_state();

// ---- HTML and URL helpers (exposed for tests) -----------------------------------------------
struct HtmlForm {
  std::string action;                                       // as written (may be relative)
  std::vector<std::pair<std::string, std::string>> hidden;  // hidden inputs, in order
  std::string html;                                         // the form's markup
};
// The first form that has a field named `field`.
std::optional<HtmlForm> find_form(std::string_view html, std::string_view field);
struct ProfileChoice {
  std::string id;
  std::string name;
};
// The radio buttons name="profile" and the names in the following <span class="profile-name">.
std::vector<ProfileChoice> parse_profiles(std::string_view html);
// An attribute of the first element carrying data-outcome / data-error ("" when absent).
std::string html_attribute(std::string_view html, std::string_view attribute);
std::string html_unescape(std::string_view text);
// Query parameters of a URL (percent-decoded, '+' as space; a part that does not decode is
// kept as given); the first value of each.
std::map<std::string, std::string> query_parameters(std::string_view url);
// `location` resolved against `base` (an absolute URL): absolute, or origin-relative.
std::string resolve_url(std::string_view base, std::string_view location);
std::string origin_of(std::string_view url);

}  // namespace sandbank::tpp
