#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bank/profiles.hpp"

// Server-rendered pages of the customer authorization app (mustache templates compiled in,
// see assets.hpp). Every page is the layout around one body; the <main> element carries
// data-outcome (and data-error on error pages) for machines, the <title> for people.
namespace sandbank::web {

// Where the stylesheet is served (fixed path; the web listener serves nothing else there).
inline constexpr std::string_view kStylesheetPath = "/authorize/assets/sandbank.css";

// data-outcome values.
inline constexpr std::string_view kOutcomeSelectCountry = "select-country";
inline constexpr std::string_view kOutcomeSelectProfile = "select-profile";
inline constexpr std::string_view kOutcomeError = "error";
inline constexpr std::string_view kOutcomeAuthorized = "authorized";
inline constexpr std::string_view kOutcomeDenied = "denied";
inline constexpr std::string_view kOutcomeRejected = "rejected";  // error redirect to the TPP

struct Country {
  std::string code;
  std::string name;
};
// The guide's country table (BE NL ES RO LU IT DE WB), then the other countries that have
// profiles (AT), in that order.
const std::vector<Country>& countries();
// The country's display name; nullopt for a code the app does not serve.
std::optional<std::string> country_name(std::string_view code);

// What a scope allows, in words ("Access balance information").
std::string permission_text(std::string_view scope);

std::string render_country_page(const std::string& csrf_token, const std::string& client_id,
                                const std::string& message);
std::string render_profiles_page(const std::string& csrf_token, const std::string& country,
                                 const std::vector<std::string>& scopes,
                                 const std::vector<const bank::ProfileSpec*>& profiles,
                                 const std::map<std::string, std::string>& scenarios);
std::string render_error_page(const std::string& error, const std::string& description);
// The page of an error that is not the authorization app's (an unknown page, another method, a
// request the HTTP server refused): the same layout, headed by what the status means.
std::string render_http_error_page(unsigned status, const std::string& error,
                                   const std::string& description, const std::string& diagnostic);
// The body of the 302 back to the application (outcome authorized, denied or rejected).
std::string render_redirect_page(std::string_view outcome, const std::string& location);

}  // namespace sandbank::web
