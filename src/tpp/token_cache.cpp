#include "tpp/token_cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/time_format.hpp"
#include "tpp/codes.hpp"

namespace sandbank::tpp {
namespace fs = std::filesystem;
namespace json = boost::json;

std::string_view token_kind_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::Mtls:
      return "mtls";
    case TokenKind::Application:
      return "application";
    case TokenKind::Customer:
      return "customer";
  }
  return "unknown";
}

namespace {

std::optional<long long> number_of(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<long long>(v->as_uint64());
  if (v->is_double()) return static_cast<long long>(v->as_double());
  if (v->is_string()) {
    try {
      return std::stoll(std::string(v->as_string()));
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string string_of(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

json::object to_json(const CachedToken& t) {
  json::object o;
  o["access_token"] = t.access_token;
  if (!t.refresh_token.empty()) o["refresh_token"] = t.refresh_token;
  if (!t.scope.empty()) o["scope"] = t.scope;
  o["expires_at"] = format_rfc3339(t.expires_at);
  if (t.refresh_expires_at) o["refresh_expires_at"] = format_rfc3339(*t.refresh_expires_at);
  return o;
}

std::optional<CachedToken> from_json(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  CachedToken t;
  t.access_token = string_of(o, "access_token");
  t.refresh_token = string_of(o, "refresh_token");
  t.scope = string_of(o, "scope");
  auto expires = parse_rfc3339(string_of(o, "expires_at"));
  if (t.access_token.empty() || !expires) return std::nullopt;
  t.expires_at = *expires;
  if (auto r = parse_rfc3339(string_of(o, "refresh_expires_at"))) t.refresh_expires_at = *r;
  return t;
}

}  // namespace

CachedToken CachedToken::from_response(const json::object& body, TimePoint now,
                                       const CachedToken* previous) {
  CachedToken t;
  t.access_token = string_of(body, "access_token");
  if (t.access_token.empty()) {
    throw Error(502, codes::kTppTokenResponse, "the token response has no access_token");
  }
  t.scope = string_of(body, "scope");
  t.expires_at = now + Seconds(number_of(body, "expires_in").value_or(900));
  t.refresh_token = string_of(body, "refresh_token");
  if (auto r = number_of(body, "refresh_token_expires_in")) {
    t.refresh_expires_at = now + Seconds(*r);
  }
  if (t.refresh_token.empty() && previous != nullptr) {
    t.refresh_token = previous->refresh_token;
    t.refresh_expires_at = previous->refresh_expires_at;
  }
  return t;
}

TokenCache::TokenCache(fs::path file, std::string host, const Clock& clock)
    : file_(std::move(file)),
      host_(std::move(host)),
      clock_(clock),
      root_(std::make_shared<json::object>()) {
  if (file_.empty() || !fs::exists(file_)) return;
  std::ifstream in(file_, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  boost::system::error_code ec;
  auto v = json::parse(s.str(), ec);
  if (!ec && v.is_object()) *root_ = std::move(v.as_object());
}

json::object& TokenCache::section() {
  auto& v = (*root_)[host_];
  if (!v.is_object()) v = json::object();
  return v.as_object();
}

const json::object* TokenCache::section() const {
  auto* v = root_->if_contains(host_);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

std::optional<CachedToken> TokenCache::any(TokenKind kind) const {
  auto* s = section();
  if (s == nullptr) return std::nullopt;
  auto* v = s->if_contains(token_kind_name(kind));
  if (v == nullptr) return std::nullopt;
  return from_json(*v);
}

std::optional<CachedToken> TokenCache::valid(TokenKind kind) const {
  auto t = any(kind);
  if (!t || clock_.now() + kMargin >= t->expires_at) return std::nullopt;
  return t;
}

std::optional<std::string> TokenCache::refresh_token() const {
  auto t = any(TokenKind::Customer);
  if (!t || t->refresh_token.empty()) return std::nullopt;
  if (t->refresh_expires_at && clock_.now() + kMargin >= *t->refresh_expires_at) {
    return std::nullopt;
  }
  return t->refresh_token;
}

void TokenCache::store(TokenKind kind, const CachedToken& token) {
  section()[token_kind_name(kind)] = to_json(token);
  save();
}

void TokenCache::erase(TokenKind kind) {
  section().erase(token_kind_name(kind));
  save();
}

std::optional<std::string> TokenCache::client_id() const {
  auto* s = section();
  if (s == nullptr) return std::nullopt;
  auto id = string_of(*s, "client_id");
  if (id.empty()) return std::nullopt;
  return id;
}

void TokenCache::set_client_id(std::string_view client_id) {
  section()["client_id"] = client_id;
  save();
}

void TokenCache::save() const {
  if (file_.empty()) return;
  if (file_.has_parent_path()) fs::create_directories(file_.parent_path());
  std::string text = json::serialize(*root_) + "\n";
  fs::path tmp = file_;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0) ok = (::close(fd) == 0) && ok;
  std::error_code ec;
  if (ok) fs::rename(tmp, file_, ec);
  if (!ok || ec) {
    fs::remove(tmp, ec);
    throw Error(500, codes::kTppTokenCache, "cannot write the token cache " + file_.string());
  }
}

}  // namespace sandbank::tpp
