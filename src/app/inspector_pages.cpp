#include "app/inspector_pages.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>

#include "app/codes.hpp"
#include "app/inspector.hpp"
#include "app/routes.hpp"
#include "core/error.hpp"
#include "core/form.hpp"
#include "core/strings.hpp"
#include "core/time_format.hpp"

namespace sandbank::app {

namespace {

constexpr std::size_t kMaxLimit = 200;

Inspector& inspector_of(Services& services) {
  if (!services.inspector) {
    throw Error(404, codes::kInspectorDisabled,
                "The request inspector is switched off on this sandbox (serve --no-inspector)");
  }
  return *services.inspector;
}

InspectorViewer viewer_of(Inspector& inspector, std::string_view token) {
  auto viewer = inspector.viewer(token);
  if (!viewer) {
    throw Error(404, codes::kInspectorLinkInvalid,
                "This inspector link is unknown or has expired; ask for a new one with GET "
                "/sandbank/inspector on the API listener (sandbank tpp inspect)");
  }
  return *viewer;
}

bool wants_json(const http::Request& request) {
  auto accept = request.header("Accept");
  return accept && accept->find("application/json") != std::string_view::npos;
}

[[noreturn]] void bad_filter(std::string_view name, std::string_view why) {
  throw Error(400, codes::kInspectorFilterInvalid,
              fmt::format("The filter {} is invalid: {}", name, why));
}

std::optional<TimePoint> time_filter(const std::map<std::string, std::string>& q,
                                     const std::string& name) {
  auto it = q.find(name);
  if (it == q.end()) return std::nullopt;
  auto t = parse_rfc3339(it->second);
  if (!t) bad_filter(name, "not an RFC 3339 time such as 2026-12-02T10:00:00Z");
  return t;
}

// The filters of a list from the query; `filters` gets them back for the page's form.
store::InspectorQuery parse_query(const http::Request& request, const InspectorViewer& viewer,
                                  std::map<std::string, std::string>& filters) {
  auto form = form::parse_unique(request.query(), /*empty_is_absent=*/true);
  if (form.problem == form::Unique::Problem::Malformed) {
    bad_filter(std::string_view(form.where).substr(0, 64), "not percent-encoded correctly");
  }
  if (form.problem == form::Unique::Problem::Duplicate) bad_filter(form.where, "sent twice");
  filters = form.values;
  store::InspectorQuery q;
  q.organisation = viewer.organisation;
  auto text = [&](const char* name, std::string& out) {
    if (auto it = filters.find(name); it != filters.end()) {
      if (it->second.size() > 256) bad_filter(name, "longer than 256 characters");
      out = it->second;
    }
  };
  auto number = [&](const char* name, int lo, int hi) -> std::optional<int> {
    auto it = filters.find(name);
    if (it == filters.end()) return std::nullopt;
    int v = 0;
    const auto& s = it->second;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || v < lo || v > hi) {
      bad_filter(name, fmt::format("not a number from {} to {}", lo, hi));
    }
    return v;
  };
  q.status = number("status", 100, 599);
  q.limit = static_cast<std::size_t>(number("limit", 1, kMaxLimit).value_or(50));
  text("path", q.path_prefix);
  text("detail", q.detail_code);
  text("x_request_id", q.x_request_id);
  q.since = time_filter(filters, "since");
  q.until = time_filter(filters, "until");
  return q;
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string curl_of(const http::InspectedRequest& r, const std::string& base) {
  std::string out = "curl --cert client_tls.cer --key client_tls.key -X " + r.method + " " +
                    shell_quote(base + r.target);
  for (const auto& h : r.request_headers) {
    if (iequals(h.name, "Host") || iequals(h.name, "Content-Length")) continue;
    out += " \\\n  -H " + shell_quote(h.name + ": " + h.value);
  }
  if (!r.request_body.empty()) out += " \\\n  --data-binary " + shell_quote(r.request_body);
  return out;
}

http::Response html_page(std::string title, const std::string& body) {
  std::string page =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) +
      "</title><style>body{font-family:system-ui,sans-serif;margin:1.5rem}"
      "table{border-collapse:collapse}td,th{padding:.2rem .5rem;border-bottom:1px solid #ddd;"
      "text-align:left;vertical-align:top}.failed{color:#b00020;font-weight:bold}"
      ".passed{color:#0a7d28}.not_reached{color:#777}pre{background:#f5f5f5;padding:.5rem;"
      "white-space:pre-wrap;word-break:break-all}form label{margin-right:.6rem}</style></head>"
      "<body>" +
      body + "</body></html>";
  auto response = http::Response::text(200, std::move(page), "text/html; charset=utf-8");
  response.set("Content-Security-Policy",
               "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
               "frame-ancestors 'none'; base-uri 'none'");
  response.set("Referrer-Policy", "no-referrer");
  return response;
}

std::string filter_value(const std::map<std::string, std::string>& filters, const char* name) {
  auto it = filters.find(name);
  return it == filters.end() ? std::string() : escape(it->second);
}

std::string list_html(const std::vector<http::InspectedRequest>& records, const std::string& token,
                      const InspectorViewer& viewer,
                      const std::map<std::string, std::string>& filters) {
  const std::string base = "/sandbank/inspector/" + token;
  std::string body = "<h1>Requests of " +
                     escape(viewer.organisation ? *viewer.organisation : "every client") +
                     "</h1><form method=\"get\" action=\"" + escape(base) + "\">";
  for (const auto& [name, label] :
       {std::pair{"status", "Status"}, std::pair{"path", "Path starts with"},
        std::pair{"detail", "Detail code"}, std::pair{"x_request_id", "X-Request-ID"},
        std::pair{"since", "Since (RFC 3339)"}, std::pair{"until", "Until"}}) {
    body += fmt::format("<label>{} <input name=\"{}\" value=\"{}\" size=\"14\"></label>", label,
                        name, filter_value(filters, name));
  }
  body +=
      "<button type=\"submit\">Filter</button></form><table><thead><tr><th>Time</th>"
      "<th>Request</th><th>Status</th><th>Detail</th><th>Failed check</th><th>ms</th>"
      "</tr></thead><tbody>";
  for (const auto& r : records) {
    std::string failed;
    for (const auto& c : r.checks) {
      if (c.verdict == http::Verdict::Failed) failed += (failed.empty() ? "" : ", ") + c.name;
    }
    body += fmt::format(
        "<tr><td>{}</td><td><a href=\"{}/requests/{}\">{} {}</a></td><td>{}</td><td>{}</td>"
        "<td class=\"failed\">{}</td><td>{:.3f}</td></tr>",
        escape(format_rfc3339(r.time)), escape(base), escape(r.response_id), escape(r.method),
        escape(r.target), r.status, escape(r.detail_code), escape(failed),
        static_cast<double>(r.duration.count()) / 1000.0);
  }
  if (records.empty()) body += "<tr><td colspan=\"6\">No requests match.</td></tr>";
  body += "</tbody></table>";
  return body;
}

std::string headers_html(const std::vector<http::Header>& headers) {
  std::string out = "<pre>";
  for (const auto& h : headers) out += escape(h.name) + ": " + escape(h.value) + "\n";
  return out + "</pre>";
}

std::string detail_html(const http::InspectedRequest& r, const std::string& token,
                        const std::string& api_base) {
  std::string body = fmt::format(
      "<p><a href=\"/sandbank/inspector/{}\">All requests</a></p><h1>{} {}</h1>"
      "<p>Status <strong>{}</strong>{} · {} · {} listener · {:.3f} ms · response id <code>{}"
      "</code>{}{}</p>",
      escape(token), escape(r.method), escape(r.target), r.status,
      r.detail_code.empty() ? "" : " <code>" + escape(r.detail_code) + "</code>",
      escape(format_rfc3339(r.time)), escape(r.listener),
      static_cast<double>(r.duration.count()) / 1000.0, escape(r.response_id),
      r.client_id.empty() ? "" : " · client_id <code>" + escape(r.client_id) + "</code>",
      r.certificate_serial.empty()
          ? ""
          : " · certificate serial <code>" + escape(r.certificate_serial) + "</code>");
  body += "<h2>Checks</h2><table id=\"checks\"><tbody>";
  for (const auto& c : http::ordered_checks(r.checks)) {
    auto verdict = http::verdict_name(c.verdict);
    body += fmt::format(
        "<tr class=\"check\" data-check=\"{}\"><td>{}</td><td class=\"{}\">{}</td><td>{}{}</td>"
        "</tr>",
        escape(c.name), escape(c.name), verdict,
        c.verdict == http::Verdict::Passed   ? "✔ passed"
        : c.verdict == http::Verdict::Failed ? "✘ failed"
                                             : "– not reached",
        c.code.empty() ? "" : "<code>" + escape(c.code) + "</code> ", escape(c.message));
    if (!c.cause.empty() || !c.hint.empty()) {
      body +=
          fmt::format("<tr><td></td><td>cause</td><td><code class=\"cause\">{}</code> {}</td></tr>",
                      escape(c.cause), escape(c.hint));
    }
    if (!c.signing_string.empty()) {
      body += fmt::format(
          "<tr><td></td><td>signing string built</td><td><pre class=\"signing-string\">{}"
          "</pre></td></tr>",
          escape(c.signing_string));
    }
  }
  body += "</tbody></table>";
  body += "<h2>Request</h2>" + headers_html(r.request_headers);
  if (!r.request_body.empty()) {
    body += fmt::format("<p>Body ({} bytes)</p><pre>{}</pre>", r.request_body_size,
                        escape(r.request_body));
  }
  body += "<h2>Response</h2>" + headers_html(r.response_headers);
  if (!r.response_body.empty()) {
    body += fmt::format("<p>Body ({} bytes)</p><pre>{}</pre>", r.response_body_size,
                        escape(r.response_body));
  }
  if (r.listener == "api") {
    body +=
        "<h2>Copy as curl</h2><p>Secrets are masked: put your own token, signature and "
        "certificate in.</p><pre id=\"curl\">" +
        escape(curl_of(r, api_base)) + "</pre>";
  }
  return body;
}

http::Response list_response(Services& services, http::Request& request, std::string_view token) {
  auto& inspector = inspector_of(services);
  auto viewer = viewer_of(inspector, token);
  std::map<std::string, std::string> filters;
  auto query = parse_query(request, viewer, filters);
  auto records = inspector.list(query);
  if (wants_json(request) || !request.path().starts_with("/sandbank/inspector/")) {
    boost::json::array items;
    for (const auto& r : records) items.push_back(http::summary_json(r));
    boost::json::object body;
    body["requests"] = std::move(items);
    return http::Response::json(200, boost::json::serialize(body));
  }
  return html_page("Sandbank request inspector",
                   list_html(records, std::string(token), viewer, filters));
}

}  // namespace

http::Response inspector_link(Services& services, http::Request& request) {
  auto identity = services.authenticator.authenticate(request);
  auto& inspector = inspector_of(services);
  if (!identity->organization_identifier || identity->organization_identifier->empty()) {
    throw Error(403, codes::kInspectorNoOrganisation,
                "The TLS client certificate has no organizationIdentifier (2.5.4.97): the "
                "inspector shows a TPP the requests of its organisation");
  }
  auto grant = inspector.create_link(*identity->organization_identifier);
  boost::json::object body;
  body["url"] = services.pis_api.urls->web() + "/sandbank/inspector/" + grant.token;
  body["expires_at"] = format_rfc3339(grant.expires_at);
  body["organisation"] = *identity->organization_identifier;
  return http::Response::json(200, boost::json::serialize(body));
}

http::Response inspector_list(Services& services, http::Request& request) {
  return list_response(services, request, request.path_params.at("token"));
}

http::Response inspector_requests_json(Services& services, http::Request& request) {
  std::string token;
  auto bearer = http::bearer_token(request);
  if (!bearer.empty()) {
    token = std::string(bearer);
  } else {
    auto form = form::parse_unique(request.query(), true);
    if (auto it = form.values.find("token"); it != form.values.end()) token = it->second;
  }
  return list_response(services, request, token);
}

http::Response inspector_detail(Services& services, http::Request& request) {
  auto& inspector = inspector_of(services);
  const auto& token = request.path_params.at("token");
  auto viewer = viewer_of(inspector, token);
  store::InspectorQuery query;
  query.organisation = viewer.organisation;
  query.response_id = request.path_params.at("responseId");
  query.limit = 1;
  auto records = inspector.list(query);
  if (records.empty()) {
    throw Error(404, codes::kInspectorNotFound,
                "No request with this response id is in the inspector for this link");
  }
  const auto& r = records.front();
  if (wants_json(request)) {
    auto body = boost::json::parse(http::to_json(r)).as_object();
    body["curl"] = curl_of(r, services.pis_api.urls->api());
    return http::Response::json(200, boost::json::serialize(body));
  }
  return html_page("Sandbank request " + r.response_id,
                   detail_html(r, token, services.pis_api.urls->api()));
}

}  // namespace sandbank::app
