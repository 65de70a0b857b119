#include "web/pages.hpp"

#include <kainjow/mustache.hpp>

#include "web/assets.hpp"

namespace sandbank::web {
namespace {

namespace mustache = kainjow::mustache;

std::string render_template(std::string_view text, const mustache::data& data) {
  mustache::mustache tmpl{std::string(text)};
  return tmpl.render(data);
}

std::string render_layout(const std::string& title, std::string_view outcome,
                          const std::string& error, const std::string& content) {
  mustache::data data;
  data.set("title", title);
  data.set("stylesheet", std::string(kStylesheetPath));
  data.set("outcome", std::string(outcome));
  if (!error.empty()) data.set("error", error);
  data.set("content", content);
  return render_template(assets::kLayoutTemplate, data);
}

}  // namespace

const std::vector<Country>& countries() {
  static const std::vector<Country> kCountries = [] {
    std::vector<Country> out{{"BE", "Belgium"}, {"NL", "The Netherlands"},  {"ES", "Spain"},
                             {"RO", "Romania"}, {"LU", "Luxembourg"},       {"IT", "Italy"},
                             {"DE", "Germany"}, {"WB", "Wholesale Banking"}};
    for (const auto& code : bank::profile_countries()) {
      bool listed = false;
      for (const auto& c : out) listed = listed || c.code == code;
      if (!listed) out.push_back({code, code == "AT" ? "Austria" : code});
    }
    return out;
  }();
  return kCountries;
}

std::optional<std::string> country_name(std::string_view code) {
  for (const auto& c : countries()) {
    if (c.code == code) return c.name;
  }
  return std::nullopt;
}

std::string permission_text(std::string_view scope) {
  if (scope == "payment-accounts:balances:view") return "Access balance information";
  if (scope == "payment-accounts:transactions:view") return "Access transaction information";
  if (scope == "payment-accounts:funds-availability:confirm") {
    return "Confirm the availability of funds";
  }
  if (scope == "payment-accounts:orders:create") return "Initiate payments";
  if (scope == "granting") return "Manage the permissions you grant";
  return std::string(scope);
}

std::string render_country_page(const std::string& csrf_token, const std::string& client_id,
                                const std::string& message) {
  mustache::data data;
  data.set("csrf_token", csrf_token);
  if (!client_id.empty()) data.set("client_name", client_id);
  if (!message.empty()) data.set("message", message);
  mustache::data list{mustache::data::type::list};
  for (const auto& c : countries()) {
    mustache::data item;
    item.set("code", c.code);
    item.set("name", c.name);
    list.push_back(item);
  }
  data.set("countries", list);
  return render_layout("Select your country", kOutcomeSelectCountry, "",
                       render_template(assets::kCountryTemplate, data));
}

std::string render_profiles_page(const std::string& csrf_token, const std::string& country,
                                 const std::vector<std::string>& scopes,
                                 const std::vector<const bank::ProfileSpec*>& profiles,
                                 const std::map<std::string, std::string>& scenarios) {
  mustache::data data;
  data.set("csrf_token", csrf_token);
  data.set("country", country);
  data.set("country_name", country_name(country).value_or(country));
  mustache::data permissions{mustache::data::type::list};
  for (const auto& scope : scopes) {
    mustache::data item;
    item.set("scope", scope);
    item.set("text", permission_text(scope));
    permissions.push_back(item);
  }
  data.set("permissions", permissions);
  mustache::data list{mustache::data::type::list};
  bool first = true;
  for (const auto* p : profiles) {
    mustache::data item;
    item.set("id", p->id);
    item.set("name", p->name);
    std::string joined;
    for (const auto& s : p->scopes) joined += (joined.empty() ? "" : ",") + s;
    item.set("scopes", joined);
    if (!p->scenario.empty()) {
      auto it = scenarios.find(p->scenario);
      item.set("scenario", it == scenarios.end() ? p->scenario : it->second);
    }
    item.set("checked", first);
    first = false;
    list.push_back(item);
  }
  data.set("profiles", list);
  data.set("has_profiles", !profiles.empty());
  return render_layout("Select a test profile", kOutcomeSelectProfile, "",
                       render_template(assets::kProfilesTemplate, data));
}

std::string render_error_page(const std::string& error, const std::string& description) {
  mustache::data data;
  data.set("heading", "The authorization request cannot be served");
  data.set("error", error);
  data.set("description", description);
  data.set("authorization", true);
  return render_layout("Authorization error", kOutcomeError, error,
                       render_template(assets::kErrorTemplate, data));
}

std::string render_http_error_page(unsigned status, const std::string& error,
                                   const std::string& description, const std::string& diagnostic) {
  std::string heading;
  switch (status) {
    case 400:
      heading = "Bad request";
      break;
    case 404:
      heading = "Page not found";
      break;
    case 405:
      heading = "Method not allowed";
      break;
    case 408:
      heading = "Request timeout";
      break;
    case 413:
      heading = "Request too large";
      break;
    case 431:
      heading = "Request headers too large";
      break;
    default:
      heading = status >= 500 ? "Internal error" : "Request refused";
  }
  mustache::data data;
  data.set("heading", heading);
  data.set("error", error);
  data.set("description", description);
  if (!diagnostic.empty()) data.set("diagnostic", diagnostic);
  return render_layout(heading, kOutcomeError, error,
                       render_template(assets::kErrorTemplate, data));
}

std::string render_redirect_page(std::string_view outcome, const std::string& location) {
  mustache::data data;
  data.set("location", location);
  std::string title;
  if (outcome == kOutcomeAuthorized) {
    title = "Authorization granted";
    data.set("heading", "Permission granted");
    data.set("text", "You are being sent back to the application with an authorization code.");
  } else if (outcome == kOutcomeDenied) {
    title = "Authorization denied";
    data.set("heading", "Permission not granted");
    data.set("text", "You cancelled. The application is told that access was denied.");
  } else {
    title = "Authorization request rejected";
    data.set("heading", "The application's request was rejected");
    data.set("text", "You are being sent back to the application with the reason.");
  }
  data.set("title", title);
  return render_layout(title, outcome, "", render_template(assets::kRedirectTemplate, data));
}

}  // namespace sandbank::web
