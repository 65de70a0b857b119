#include "tpp/authorize.hpp"

#include <regex>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/form.hpp"
#include "core/random.hpp"
#include "core/strings.hpp"
#include "tpp/client.hpp"
#include "tpp/codes.hpp"

namespace sandbank::tpp {
namespace {

Error failed(const std::string& message) {
  return Error(400, codes::kTppAuthorizeFailed, message);
}

std::string attribute_of(const std::string& tag, std::string_view name) {
  std::regex re("\\s" + std::string(name) + "\\s*=\\s*\"([^\"]*)\"", std::regex::icase);
  std::smatch m;
  if (std::regex_search(tag, m, re)) return html_unescape(m[1].str());
  return "";
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += percent_encode(k) + "=" + percent_encode(v);
  }
  return out;
}

// A cookie jar for one host: name=value pairs from Set-Cookie, sent back on every request.
class Cookies {
 public:
  void take(const http::ClientResponse& r) {
    for (const auto& [name, value] : r.headers) {
      if (!iequals(name, "Set-Cookie")) continue;
      std::string_view v = value;
      auto pair = v.substr(0, v.find(';'));
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      std::string key(trim_ows(pair.substr(0, eq)));
      std::string val(trim_ows(pair.substr(eq + 1)));
      bool replaced = false;
      for (auto& [k, old] : jar_) {
        if (k == key) {
          old = val;
          replaced = true;
        }
      }
      if (!replaced) jar_.emplace_back(key, val);
    }
  }
  void add_to(http::HeaderList& headers) const {
    if (jar_.empty()) return;
    std::string line;
    for (const auto& [k, v] : jar_) {
      if (!line.empty()) line += "; ";
      line += k + "=" + v;
    }
    headers.emplace_back("Cookie", line);
  }

 private:
  std::vector<std::pair<std::string, std::string>> jar_;
};

}  // namespace

std::string html_unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    auto end = text.find(';', i);
    if (end == std::string_view::npos || end - i > 10) {
      out += text[i];
      continue;
    }
    auto entity = text.substr(i + 1, end - i - 1);
    std::string rep;
    if (entity == "amp")
      rep = "&";
    else if (entity == "lt")
      rep = "<";
    else if (entity == "gt")
      rep = ">";
    else if (entity == "quot")
      rep = "\"";
    else if (entity == "apos")
      rep = "'";
    else if (entity.starts_with("#x") || entity.starts_with("#X")) {
      rep =
          std::string(1, static_cast<char>(std::stoi(std::string(entity.substr(2)), nullptr, 16)));
    } else if (entity.starts_with("#")) {
      rep = std::string(1, static_cast<char>(std::stoi(std::string(entity.substr(1)))));
    }
    if (rep.empty()) {
      out += text[i];
      continue;
    }
    out += rep;
    i = end;
  }
  return out;
}

std::string html_attribute(std::string_view html, std::string_view attribute) {
  std::string h(html);
  std::regex re(std::string(attribute) + "=\"([^\"]*)\"");
  std::smatch m;
  if (std::regex_search(h, m, re)) return html_unescape(m[1].str());
  return "";
}

std::optional<HtmlForm> find_form(std::string_view html, std::string_view field) {
  std::string h(html);
  static const std::regex form_re("<form\\b[^>]*>[\\s\\S]*?</form>", std::regex::icase);
  static const std::regex input_re("<input\\b[^>]*>", std::regex::icase);
  for (auto it = std::sregex_iterator(h.begin(), h.end(), form_re); it != std::sregex_iterator();
       ++it) {
    std::string markup = it->str();
    std::regex field_re("\\sname\\s*=\\s*\"" + std::string(field) + "\"", std::regex::icase);
    if (!std::regex_search(markup, field_re)) continue;
    HtmlForm form;
    form.html = markup;
    form.action = attribute_of(markup.substr(0, markup.find('>') + 1), "action");
    for (auto in = std::sregex_iterator(markup.begin(), markup.end(), input_re);
         in != std::sregex_iterator(); ++in) {
      std::string tag = in->str();
      if (!iequals(attribute_of(tag, "type"), "hidden")) continue;
      form.hidden.emplace_back(attribute_of(tag, "name"), attribute_of(tag, "value"));
    }
    return form;
  }
  return std::nullopt;
}

std::vector<ProfileChoice> parse_profiles(std::string_view html) {
  std::string h(html);
  static const std::regex re(
      "(<input\\b[^>]*\\sname=\"profile\"[^>]*>)\\s*<span class=\"profile-name\">([^<]*)<",
      std::regex::icase);
  std::vector<ProfileChoice> out;
  for (auto it = std::sregex_iterator(h.begin(), h.end(), re); it != std::sregex_iterator(); ++it) {
    out.push_back({attribute_of((*it)[1].str(), "value"),
                   std::string(trim_ows(html_unescape((*it)[2].str())))});
  }
  return out;
}

std::map<std::string, std::string> query_parameters(std::string_view url) {
  std::map<std::string, std::string> out;
  for (auto& pair : form::parse(form::query_of(url))) {
    out.emplace(std::move(pair.name), std::move(pair.value));
  }
  return out;
}

std::string origin_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  auto path = url.find_first_of("/?#", scheme + 3);
  return std::string(url.substr(0, path));
}

std::string resolve_url(std::string_view base, std::string_view location) {
  if (location.find("://") != std::string_view::npos) return std::string(location);
  if (location.starts_with("/")) return origin_of(base) + std::string(location);
  std::string b(base.substr(0, base.find('?')));
  return b.substr(0, b.rfind('/') + 1) + std::string(location);
}

AuthorizeOutcome walk_authorization(const AuthorizeWalk& walk, const WebTransport& transport) {
  AuthorizeOutcome outcome;
  Cookies cookies;
  const std::string web_origin = origin_of(walk.url);
  std::string method = "GET", url = walk.url, body;
  bool country_posted = false;
  for (int step = 0; step < 8; ++step) {
    http::HeaderList headers = {{"Accept", "text/html"}};
    if (!body.empty()) headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    cookies.add_to(headers);
    auto r = transport(method, url, headers, body);
    cookies.take(r);
    outcome.status = r.status;
    std::string page = html_attribute(r.body, "data-outcome");
    outcome.pages.push_back(method + " " + url + " -> " + std::to_string(r.status) +
                            (page.empty() ? "" : " " + page));
    if (r.status >= 300 && r.status < 400) {
      auto location = r.header("Location").value_or("");
      if (location.empty())
        throw failed(method + " " + url + " answered a redirect without Location");
      auto target = resolve_url(url, location);
      bool final_redirect = (!walk.redirect_uri.empty() && target.starts_with(walk.redirect_uri)) ||
                            origin_of(target) != web_origin;
      if (final_redirect) {
        outcome.location = target;
        auto q = query_parameters(target);
        outcome.code = q["code"];
        outcome.state = q["state"];
        outcome.error = q["error"];
        outcome.error_description = q["error_description"];
        return outcome;
      }
      method = "GET";
      url = target;
      body.clear();
      continue;
    }
    if (page == "error" || r.status >= 400) {
      std::string error = html_attribute(r.body, "data-error");
      std::smatch m;
      std::string title;
      static const std::regex title_re("<title>([^<]*)</title>", std::regex::icase);
      if (std::regex_search(r.body, m, title_re)) title = html_unescape(m[1].str());
      throw failed("the authorization page " + url + " answered HTTP " + std::to_string(r.status) +
                   (error.empty() ? "" : " (" + error + ")") + (title.empty() ? "" : ": " + title));
    }
    if (auto form = find_form(r.body, "profile")) {
      auto profiles = parse_profiles(form->html);
      const ProfileChoice* chosen = nullptr;
      for (const auto& p : profiles) {
        if (iequals(p.name, walk.profile_name) || p.id == walk.profile_name) chosen = &p;
      }
      if (chosen == nullptr) {
        std::string names;
        for (const auto& p : profiles) names += (names.empty() ? "" : ", ") + p.name;
        throw failed("no test profile named '" + walk.profile_name + "' on " + url +
                     (names.empty() ? std::string(" (the page offers none for these scopes)")
                                    : " (offered: " + names + ")"));
      }
      auto fields = form->hidden;
      fields.emplace_back("profile", chosen->id);
      fields.emplace_back("action", "next");
      method = "POST";
      url = resolve_url(url, form->action.empty() ? url : form->action);
      body = form_encode(fields);
      continue;
    }
    if (auto form = find_form(r.body, "country")) {
      if (country_posted)
        throw failed("the country " + walk.country + " was not accepted by " + url);
      country_posted = true;
      auto fields = form->hidden;
      fields.emplace_back("country", to_upper(walk.country));
      method = "POST";
      url = resolve_url(url, form->action.empty() ? url : form->action);
      body = form_encode(fields);
      continue;
    }
    throw failed("unrecognised authorization page " + url + " (HTTP " + std::to_string(r.status) +
                 "): no country or profile form; only Sandbank's pages are known");
  }
  throw failed("the authorization pages did not redirect to the TPP after 8 steps");
}

AuthorizeOutcome authorize_as(TppClient& client, const std::string& profile_name,
                              const std::string& country, const std::string& scope,
                              const std::string& state) {
  AuthorizeWalk walk;
  walk.redirect_uri = client.profile().redirect_uri;
  walk.url = client.authorize_url(client.client_id(), country, scope, state, walk.redirect_uri);
  walk.profile_name = profile_name;
  if (!country.empty()) walk.country = country;
  auto outcome = walk_authorization(
      walk,
      [&client](std::string_view method, const std::string& url, const http::HeaderList& headers,
                std::string_view body) { return client.send_web(method, url, headers, body); });
  if (!outcome.error.empty()) {
    throw Error(
        400, codes::kTppAuthorizeRefused,
        "the authorization ended with error=" + outcome.error +
            (outcome.error_description.empty() ? "" : " (" + outcome.error_description + ")") +
            ": " + outcome.location);
  }
  if (outcome.code.empty()) {
    throw Error(400, codes::kTppAuthorizeFailed,
                "the redirect carries no code: " + outcome.location);
  }
  if (outcome.state != state) {
    throw Error(400, codes::kTppAuthorizeFailed,
                "the redirect's state '" + outcome.state + "' is not the one sent ('" + state +
                    "'): " + outcome.location);
  }
  return outcome;
}

std::string random_state() {
  SystemRandom random;
  return random.hex(8);
}

}  // namespace sandbank::tpp
