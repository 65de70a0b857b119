#include "signing/message.hpp"

#include <algorithm>

#include "core/strings.hpp"
#include "signing/ascii.hpp"

namespace sandbank::signing {
namespace {

using detail::ascii_iequals;

// Appends `value` with obsolete line folding (CRLF or LF followed by SP/HTAB) replaced by one
// space.
void append_unfolded(std::string& out, std::string_view value) {
  out.reserve(out.size() + value.size());
  std::size_t i = 0;
  while (i < value.size()) {
    char c = value[i];
    if (c == '\r' || c == '\n') {
      std::size_t j = i;
      if (value[j] == '\r' && j + 1 < value.size() && value[j + 1] == '\n') ++j;
      ++j;
      if (j < value.size() && (value[j] == ' ' || value[j] == '\t')) {
        while (j < value.size() && (value[j] == ' ' || value[j] == '\t')) ++j;
        out.push_back(' ');  // obs-fold = CRLF 1*(SP / HTAB) -> one SP
        i = j;
        continue;
      }
    }
    out.push_back(c);
    ++i;
  }
}

}  // namespace

std::vector<std::string_view> MessageView::values(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& h : headers) {
    if (ascii_iequals(h.name, name)) out.push_back(h.value);
  }
  return out;
}

std::optional<std::string_view> MessageView::first(std::string_view name) const {
  for (const auto& h : headers) {
    if (ascii_iequals(h.name, name)) return h.value;
  }
  return std::nullopt;
}

bool MessageView::has(std::string_view name) const {
  return first(name).has_value();
}

std::size_t MessageView::count(std::string_view name) const {
  return static_cast<std::size_t>(
      std::count_if(headers.begin(), headers.end(),
                    [&](const HeaderField& h) { return ascii_iequals(h.name, name); }));
}

bool MessageView::append_signing_value(std::string_view name, std::string& out) const {
  bool found = false;
  for (const auto& h : headers) {
    if (!ascii_iequals(h.name, name)) continue;
    if (found) out.append(", ");
    found = true;
    std::string_view v = trim_ows(h.value);
    if (detail::has_cr_or_lf(v)) {
      append_unfolded(out, v);
    } else {
      out.append(v);
    }
  }
  return found;
}

std::optional<std::string> MessageView::signing_value(std::string_view name) const {
  std::string value;
  if (!append_signing_value(name, value)) return std::nullopt;
  return value;
}

Message& Message::set(std::string_view name, std::string value) {
  remove(name);
  headers.emplace_back(std::string(name), std::move(value));
  return *this;
}

Message& Message::remove(std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return ascii_iequals(h.first, name); });
  return *this;
}

std::optional<std::string> Message::get(std::string_view name) const {
  for (const auto& h : headers) {
    if (ascii_iequals(h.first, name)) return h.second;
  }
  return std::nullopt;
}

MessageView Message::view() const {
  MessageView v;
  v.method = method;
  v.target = target;
  v.body = body;
  v.headers.reserve(headers.size());
  for (const auto& h : headers) v.headers.push_back({h.first, h.second});
  v.client_certificate = client_certificate ? &*client_certificate : nullptr;
  return v;
}

std::string_view origin_form(std::string_view target) {
  if (target.empty() || target.front() == '/' || target == "*") return target;
  auto scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos) return target;
  auto path = target.find_first_of("/?", scheme_end + 3);
  if (path == std::string_view::npos) return "/";
  return target.substr(path);
}

}  // namespace sandbank::signing
