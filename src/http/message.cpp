#include "http/message.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <limits>

#include "core/strings.hpp"
#include "core/time_format.hpp"

namespace sandbank::http {

namespace {

// The request-target without an absolute-form's scheme and authority.
std::string_view origin_part(std::string_view target) {
  if (target.empty() || target.front() == '/' || target.front() == '*') return target;
  auto scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos) return target;
  auto path_start = target.find_first_of("/?", scheme_end + 3);
  if (path_start == std::string_view::npos) return {};
  return target.substr(path_start);
}

}  // namespace

std::string_view Request::path() const {
  std::string_view origin = origin_part(target);
  return origin.substr(0, origin.find('?'));
}

std::string_view Request::query() const {
  std::string_view origin = origin_part(target);
  auto q = origin.find('?');
  if (q == std::string_view::npos) return {};
  return origin.substr(q + 1);
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::string_view bearer_token(const Request& request) {
  auto authorization = request.header("Authorization");
  if (!authorization || !istarts_with(*authorization, "Bearer ")) return {};
  return trim_ows(authorization->substr(7));
}

std::vector<std::string_view> Request::headers_named(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& h : headers) {
    if (iequals(h.name, name)) values.emplace_back(h.value);
  }
  return values;
}

void Response::set(std::string_view name, std::string_view value) {
  auto first = std::find_if(headers.begin(), headers.end(),
                            [&](const Header& h) { return iequals(h.name, name); });
  if (first == headers.end()) {
    headers.push_back({std::string(name), std::string(value)});
    return;
  }
  first->value = std::string(value);
  headers.erase(std::remove_if(std::next(first), headers.end(),
                               [&](const Header& h) { return iequals(h.name, name); }),
                headers.end());
}

void Response::add(std::string_view name, std::string_view value) {
  headers.push_back({std::string(name), std::string(value)});
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

bool Response::erase(std::string_view name) {
  auto end = std::remove_if(headers.begin(), headers.end(),
                            [&](const Header& h) { return iequals(h.name, name); });
  bool found = end != headers.end();
  headers.erase(end, headers.end());
  return found;
}

Response Response::json(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = std::move(body);
  return r;
}

Response Response::text(unsigned status, std::string body, std::string_view content_type) {
  Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", std::string(content_type)});
  r.body = std::move(body);
  return r;
}

namespace {

constexpr std::pair<std::string_view, std::string_view> kStandardHeaders[] = {
    {"Strict-Transport-Security", "max-age=31622400; includeSubDomains"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "deny"},
    {"X-XSS-Protection", "1; mode=block"},
    {"Cache-Control", "no-cache, no-store, max-age=0, must-revalidate"},
    {"Pragma", "no-cache"},
    {"Expires", "0"},
};
constexpr std::size_t kStandardCount = std::size(kStandardHeaders);

// Which of the standard headers, Date and X-ING-Response-ID the handler set: one pass over its
// headers instead of a search per standard header.
struct Present {
  bool standard[kStandardCount] = {};
  bool date = false;
  bool id = false;
};

Present present_headers(const Response& response) {
  Present present;
  for (const auto& h : response.headers) {
    if (iequals(h.name, "X-ING-Response-ID")) {
      present.id = true;
    } else if (iequals(h.name, "Date")) {
      present.date = true;
    } else {
      for (std::size_t i = 0; i < kStandardCount; ++i) {
        if (!present.standard[i] && iequals(h.name, kStandardHeaders[i].first)) {
          present.standard[i] = true;
        }
      }
    }
  }
  return present;
}

// Responses of the same second share the formatted date.
const std::string& date_value(TimePoint now) {
  thread_local std::int64_t cached_second = std::numeric_limits<std::int64_t>::min();
  thread_local std::string cached_date;
  auto second = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (second != cached_second) {
    cached_date = format_imf_fixdate(now);
    cached_second = second;
  }
  return cached_date;
}

}  // namespace

void append_standard_header_lines(std::string& out, const Response& response,
                                  std::string_view response_id, TimePoint now) {
  const Present present = present_headers(response);
  auto line = [&out](std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  };
  line("X-ING-Response-ID", response_id);
  if (!present.date) line("Date", date_value(now));
  for (std::size_t i = 0; i < kStandardCount; ++i) {
    if (!present.standard[i]) line(kStandardHeaders[i].first, kStandardHeaders[i].second);
  }
}

}  // namespace sandbank::http
