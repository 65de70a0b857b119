#include "http/inspect.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cstring>
#include <utility>

#include "core/strings.hpp"
#include "core/time_format.hpp"

namespace sandbank::http {

namespace {

thread_local RequestTrace* t_current = nullptr;

constexpr std::array<std::string_view, 7> kCheckOrder = {
    kCheckMtls, kCheckToken, kCheckDigest, kCheckDate, kCheckSignature, kCheckScope, kCheckConsent};

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

struct Range {
  std::size_t begin;
  std::size_t end;
};

// Parameter names whose values are secret. `form_only`: masked as name=value only ("code" in
// JSON is ING's error code in tppMessages, not an authorization code).
struct SecretName {
  std::string_view name;
  bool form_only;
};
constexpr std::array<SecretName, 11> kSecretNames = {{{"access_token", false},
                                                      {"refresh_token", false},
                                                      {"id_token", false},
                                                      {"code", true},
                                                      {"client_assertion", false},
                                                      {"client_secret", false},
                                                      {"password", false},
                                                      {"csrf_token", false},
                                                      {"token", false},
                                                      {"assertion", false},
                                                      {"sandbank_session", false}}};

std::size_t form_value_end(std::string_view text, std::size_t i) {
  while (i < text.size()) {
    char c = text[i];
    if (c == '&' || c == ';' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '#' ||
        c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == '\\') {
      break;
    }
    ++i;
  }
  return i;
}

// Whether text[begin, end) names a secret parameter; `json`: as a JSON member name.
bool is_secret_name(std::string_view name, bool json) {
  for (const auto& secret : kSecretNames) {
    if (name == secret.name) return !(json && secret.form_only);
  }
  return false;
}

void find_secret_values(std::string_view text, std::vector<Range>& out) {
  // At each '=' the parameter name before it, at each ':' the JSON member name before it;
  // both found with memchr (text without either is left at once).
  const std::size_t n = text.size();
  const char* data = text.data();
  auto next = [&](char c, std::size_t from) -> std::size_t {
    if (from >= n) return n;
    const void* p = std::memchr(data + from, c, n - from);
    return p ? static_cast<std::size_t>(static_cast<const char*>(p) - data) : n;
  };
  std::size_t eq = next('=', 0);
  std::size_t colon = next(':', 0);
  while (eq < n || colon < n) {
    if (eq < colon) {
      const std::size_t i = eq;
      std::size_t j = i;
      while (j > 0 && word_char(text[j - 1])) --j;
      std::size_t resume = i + 1;
      if (j < i && is_secret_name(text.substr(j, i - j), false)) {
        std::size_t end = form_value_end(text, i + 1);
        if (end > i + 1) out.push_back({i + 1, end});
        resume = std::max(end, i + 1);
      }
      eq = next('=', resume);
      if (colon < resume) colon = next(':', resume);
      continue;
    }
    const std::size_t i = colon;
    std::size_t resume = i + 1;
    std::size_t j = i;
    while (j > 0 && (text[j - 1] == ' ' || text[j - 1] == '\t')) --j;
    if (j > 0 && text[j - 1] == '"') {
      std::size_t name_end = j - 1;
      std::size_t k = name_end;
      while (k > 0 && word_char(text[k - 1])) --k;
      if (k > 0 && text[k - 1] == '"' && k < name_end &&
          is_secret_name(text.substr(k, name_end - k), true)) {
        std::size_t v = i + 1;
        while (v < n && (text[v] == ' ' || text[v] == '\t' || text[v] == '\n')) ++v;
        if (v < n && text[v] == '"') {
          std::size_t begin = ++v;
          while (v < n && text[v] != '"') v += text[v] == '\\' ? 2 : 1;
          v = std::min(v, n);
          if (v > begin) out.push_back({begin, v});
          resume = v + 1;
        }
      }
    }
    colon = next(':', resume);
    if (eq < resume) eq = next('=', resume);
  }
  // "Bearer <token>" anywhere (a signing string covering Authorization, a curl line).
  std::size_t from = 0;
  for (;;) {
    std::size_t at = text.find("Bearer ", from);
    if (at == std::string_view::npos) break;
    std::size_t begin = at + 7;
    std::size_t end = form_value_end(text, begin);
    if (end > begin) out.push_back({begin, end});
    from = std::max(end, begin);
  }
  // The secret of an inspector link (or the operator key) in a path, a URL or a Referer.
  from = 0;
  for (;;) {
    constexpr std::string_view kLinkPath = "/sandbank/inspector/";
    std::size_t at = text.find(kLinkPath, from);
    if (at == std::string_view::npos) break;
    std::size_t begin = at + kLinkPath.size();
    std::size_t end = begin;
    while (end < text.size() && text[end] != '/' && text[end] != '?' && text[end] != '#' &&
           text[end] != '"' && text[end] != '\'' && text[end] != ' ' && text[end] != '<') {
      ++end;
    }
    if (end > begin) out.push_back({begin, end});
    from = std::max(end, begin);
  }
  // PEM private keys.
  from = 0;
  for (;;) {
    std::size_t at = text.find("-----BEGIN", from);
    if (at == std::string_view::npos) break;
    std::size_t head_end = text.find("-----", at + 10);
    if (head_end == std::string_view::npos) break;
    std::string_view label = text.substr(at + 10, head_end - at - 10);
    from = head_end + 5;
    if (label.find("PRIVATE KEY") == std::string_view::npos) continue;
    std::size_t end = text.find("-----END", from);
    if (end == std::string_view::npos) end = text.size();
    out.push_back({from, end});
    from = end;
  }
}

std::string apply_masks(std::string_view text, std::vector<Range>& ranges) {
  if (ranges.empty()) return std::string(text);
  std::sort(ranges.begin(), ranges.end(),
            [](const Range& a, const Range& b) { return a.begin < b.begin; });
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (const auto& r : ranges) {
    if (r.begin < at) continue;  // overlapping: already masked
    out.append(text.substr(at, r.begin - at));
    out += mask_secret(text.substr(r.begin, r.end - r.begin));
    at = r.end;
  }
  out.append(text.substr(at));
  return out;
}

boost::json::array headers_json(const std::vector<Header>& headers) {
  boost::json::array out;
  out.reserve(headers.size());
  for (const auto& h : headers) out.push_back(boost::json::array{h.name, h.value});
  return out;
}

std::vector<Header> headers_from(const boost::json::value& v) {
  std::vector<Header> out;
  for (const auto& h : v.as_array()) {
    const auto& pair = h.as_array();
    out.push_back({std::string(pair.at(0).as_string()), std::string(pair.at(1).as_string())});
  }
  return out;
}

std::string str(const boost::json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return {};
}

}  // namespace

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Passed:
      return "passed";
    case Verdict::Failed:
      return "failed";
    case Verdict::NotReached:
      break;
  }
  return "not_reached";
}

CheckVerdict& RequestTrace::check(std::string_view name) {
  for (auto& c : checks) {
    if (c.name == name) return c;
  }
  checks.push_back(CheckVerdict{std::string(name), Verdict::NotReached, {}, {}, {}, {}, {}});
  return checks.back();
}

void RequestTrace::passed(std::string_view name) {
  auto& c = check(name);
  if (c.verdict == Verdict::NotReached) c.verdict = Verdict::Passed;
}

void RequestTrace::failed(std::string_view name, std::string_view code, std::string_view message) {
  auto& c = check(name);
  c.verdict = Verdict::Failed;
  c.code = std::string(code);
  c.message = mask_text(message);
}

RequestTrace* current_trace() noexcept {
  return t_current;
}

TraceScope::TraceScope(RequestTrace* trace) noexcept : previous_(t_current) {
  t_current = trace;
}

TraceScope::~TraceScope() {
  t_current = previous_;
}

std::string mask_secret(std::string_view secret) {
  std::size_t shown = std::min<std::size_t>(6, secret.size() / 3);
  std::string out(secret.substr(0, shown));
  out += "…(";
  out += std::to_string(secret.size());
  out += " chars)";
  return out;
}

std::string mask_text(std::string_view text) {
  std::vector<Range> ranges;
  find_secret_values(text, ranges);
  return apply_masks(text, ranges);
}

std::string mask_body(std::string_view body, std::size_t cap) {
  if (body.size() <= cap) return mask_text(body);
  // Cut first, then mask: a value cut in the middle is still masked up to the cut.
  return mask_text(body.substr(0, cap)) + "…[truncated]";
}

std::string mask_header(std::string_view name, std::string_view value) {
  if (iequals(name, "Authorization") || iequals(name, "Proxy-Authorization")) {
    auto space = value.find(' ');
    if (space == std::string_view::npos) return mask_secret(value);
    // Authorization: Signature keyId=...,signature="...": only the signature is secret.
    if (iequals(value.substr(0, space), "Signature")) {
      return std::string(value.substr(0, space + 1)) +
             mask_header("Signature", value.substr(space + 1));
    }
    return std::string(value.substr(0, space + 1)) + mask_secret(value.substr(space + 1));
  }
  if (iequals(name, "X-JWS-Signature")) {
    auto dot = value.rfind('.');
    if (dot == std::string_view::npos) return mask_secret(value);
    return std::string(value.substr(0, dot + 1)) + mask_secret(value.substr(dot + 1));
  }
  if (iequals(name, "Cookie") || iequals(name, "Set-Cookie")) {
    std::vector<Range> ranges;
    std::size_t at = 0;
    while (at < value.size()) {
      std::size_t end = value.find(';', at);
      if (end == std::string_view::npos) end = value.size();
      std::size_t eq = value.find('=', at);
      if (eq != std::string_view::npos && eq + 1 < end) ranges.push_back({eq + 1, end});
      if (iequals(name, "Set-Cookie")) break;  // attributes after the first ';' are not secret
      at = end + 1;
    }
    return apply_masks(value, ranges);
  }
  if (iequals(name, "Signature")) {
    std::vector<Range> ranges;
    std::size_t from = 0;
    for (;;) {
      std::size_t at = value.find("signature=\"", from);
      if (at == std::string_view::npos) break;
      from = at + 11;
      if (at > 0 && word_char(value[at - 1])) continue;
      std::size_t end = value.find('"', from);
      if (end == std::string_view::npos) end = value.size();
      ranges.push_back({from, end});
      from = end;
    }
    return apply_masks(value, ranges);
  }
  return mask_text(value);
}

InspectedRequest make_inspected_request(const Request& request, const Response& response,
                                        unsigned status, TimePoint started,
                                        std::string_view certificate_serial, RequestTrace* trace,
                                        std::size_t body_cap) {
  InspectedRequest r;
  r.time = started;
  r.listener = request.listener;
  r.method = request.method;
  r.target = mask_text(request.target);
  r.status = status;
  r.detail_code = request.detail_code;
  r.notice = request.notice;
  r.response_id = request.response_id;
  r.remote_address = request.remote_address;
  if (auto id = request.header("X-Request-ID")) r.x_request_id = std::string(id->substr(0, 128));
  r.certificate_serial = std::string(certificate_serial);
  r.request_headers.reserve(request.headers.size());
  for (const auto& h : request.headers)
    r.request_headers.push_back({h.name, mask_header(h.name, h.value)});
  r.request_body = mask_body(request.body, body_cap);
  r.request_body_size = request.body.size();
  r.response_headers.reserve(response.headers.size());
  for (const auto& h : response.headers) {
    r.response_headers.push_back({h.name, mask_header(h.name, h.value)});
  }
  r.response_body = mask_body(response.body, body_cap);
  r.response_body_size = response.body.size();
  // The checks as reported (a move, not a copy); to_json puts them in kCheckOrder with the
  // ones never reported as not_reached.
  if (trace) r.checks = std::move(trace->checks);
  if (trace) {
    r.organisation = std::move(trace->organisation);
    r.client_id = std::move(trace->client_id);
    if (r.certificate_serial.empty()) r.certificate_serial = std::move(trace->certificate_serial);
  }
  return r;
}

void make_valid_utf8(InspectedRequest& r) {
  auto fix = [](std::string& text) { text = valid_utf8(std::move(text)); };
  for (auto* text : {&r.listener, &r.method, &r.target, &r.detail_code, &r.notice, &r.response_id,
                     &r.remote_address, &r.x_request_id, &r.certificate_serial, &r.organisation,
                     &r.client_id, &r.request_body, &r.response_body}) {
    fix(*text);
  }
  for (auto* headers : {&r.request_headers, &r.response_headers}) {
    for (auto& h : *headers) {
      fix(h.name);
      fix(h.value);
    }
  }
  for (auto& c : r.checks) {
    for (auto* text : {&c.name, &c.code, &c.message, &c.signing_string, &c.cause, &c.hint}) {
      fix(*text);
    }
  }
}

std::vector<CheckVerdict> ordered_checks(const std::vector<CheckVerdict>& reported) {
  std::vector<CheckVerdict> out;
  out.reserve(kCheckOrder.size());
  for (auto name : kCheckOrder) {
    auto it = std::find_if(reported.begin(), reported.end(),
                           [&](const CheckVerdict& c) { return c.name == name; });
    if (it != reported.end()) {
      out.push_back(*it);
    } else {
      out.push_back(CheckVerdict{std::string(name), Verdict::NotReached, {}, {}, {}, {}, {}});
    }
  }
  return out;
}

boost::json::object summary_json(const InspectedRequest& r) {
  boost::json::object o;
  o["time"] = format_rfc3339(r.time);
  o["listener"] = r.listener;
  o["method"] = r.method;
  o["target"] = r.target;
  o["status"] = r.status;
  o["duration_us"] = r.duration.count();
  o["detail"] = r.detail_code;
  o["response_id"] = r.response_id;
  o["x_request_id"] = r.x_request_id;
  o["client_id"] = r.client_id;
  o["organisation"] = r.organisation;
  boost::json::array failed;
  for (const auto& c : r.checks) {
    if (c.verdict == Verdict::Failed) failed.emplace_back(c.name);
  }
  o["failed_checks"] = std::move(failed);
  return o;
}

std::string to_json(const InspectedRequest& r) {
  boost::json::object o = summary_json(r);
  o["time_us"] =
      std::chrono::duration_cast<std::chrono::microseconds>(r.time.time_since_epoch()).count();
  if (!r.notice.empty()) o["notice"] = r.notice;
  o["remote"] = r.remote_address;
  o["client_certificate_serial"] = r.certificate_serial;
  o["request_headers"] = headers_json(r.request_headers);
  o["request_body"] = r.request_body;
  o["request_body_size"] = r.request_body_size;
  o["response_headers"] = headers_json(r.response_headers);
  o["response_body"] = r.response_body;
  o["response_body_size"] = r.response_body_size;
  boost::json::array checks;
  for (const auto& c : ordered_checks(r.checks)) {
    boost::json::object check;
    check["name"] = c.name;
    check["verdict"] = verdict_name(c.verdict);
    if (!c.code.empty()) check["code"] = c.code;
    if (!c.message.empty()) check["message"] = c.message;
    if (!c.signing_string.empty()) check["signing_string"] = c.signing_string;
    if (!c.cause.empty()) check["cause"] = c.cause;
    if (!c.hint.empty()) check["hint"] = c.hint;
    checks.push_back(std::move(check));
  }
  o["checks"] = std::move(checks);
  return boost::json::serialize(o);
}

InspectedRequest inspected_request_from_json(std::string_view json) {
  auto value = boost::json::parse(json);
  const auto& o = value.as_object();
  InspectedRequest r;
  r.time = TimePoint(std::chrono::microseconds(o.at("time_us").to_number<std::int64_t>()));
  r.listener = str(o, "listener");
  r.method = str(o, "method");
  r.target = str(o, "target");
  r.status = o.at("status").to_number<unsigned>();
  r.duration = std::chrono::microseconds(o.at("duration_us").to_number<std::int64_t>());
  r.detail_code = str(o, "detail");
  r.notice = str(o, "notice");
  r.response_id = str(o, "response_id");
  r.remote_address = str(o, "remote");
  r.x_request_id = str(o, "x_request_id");
  r.certificate_serial = str(o, "client_certificate_serial");
  r.organisation = str(o, "organisation");
  r.client_id = str(o, "client_id");
  r.request_headers = headers_from(o.at("request_headers"));
  r.request_body = str(o, "request_body");
  r.request_body_size = o.at("request_body_size").to_number<std::size_t>();
  r.response_headers = headers_from(o.at("response_headers"));
  r.response_body = str(o, "response_body");
  r.response_body_size = o.at("response_body_size").to_number<std::size_t>();
  for (const auto& c : o.at("checks").as_array()) {
    const auto& check = c.as_object();
    CheckVerdict v;
    v.name = str(check, "name");
    auto verdict = str(check, "verdict");
    v.verdict = verdict == "passed"   ? Verdict::Passed
                : verdict == "failed" ? Verdict::Failed
                                      : Verdict::NotReached;
    v.code = str(check, "code");
    v.message = str(check, "message");
    v.signing_string = str(check, "signing_string");
    v.cause = str(check, "cause");
    v.hint = str(check, "hint");
    r.checks.push_back(std::move(v));
  }
  return r;
}

}  // namespace sandbank::http
