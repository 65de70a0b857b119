#include "tpp/json_path.hpp"

namespace sandbank::tpp {

const boost::json::value* path_of(const boost::json::value& v,
                                  std::initializer_list<std::string_view> keys) {
  const boost::json::value* at = &v;
  for (auto key : keys) {
    if (!at->is_object()) return nullptr;
    at = at->as_object().if_contains(key);
    if (at == nullptr) return nullptr;
  }
  return at;
}

std::string string_path(const boost::json::value& v, std::initializer_list<std::string_view> keys) {
  auto* at = path_of(v, keys);
  return at != nullptr && at->is_string() ? std::string(at->as_string()) : std::string();
}

boost::json::value parse_or_null(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  return ec ? boost::json::value() : v;
}

std::string link_target(std::string_view href) {
  auto scheme = href.find("://");
  if (scheme == std::string_view::npos) return std::string(href);
  auto path = href.find('/', scheme + 3);
  return path == std::string_view::npos ? "/" : std::string(href.substr(path));
}

}  // namespace sandbank::tpp
