#include "store/string_list.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "core/error.hpp"
#include "store/codes.hpp"

namespace sandbank::store::detail {

std::string string_list_to_json(const std::vector<std::string>& values) {
  boost::json::array array;
  for (const auto& v : values) array.emplace_back(v);
  return boost::json::serialize(array);
}

std::vector<std::string> string_list_from_json(const std::string& text, std::string_view column) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  std::vector<std::string> out;
  bool ok = !ec && value.is_array();
  if (ok) {
    for (const auto& item : value.get_array()) {
      if (!item.is_string()) {
        ok = false;
        break;
      }
      out.emplace_back(item.get_string());
    }
  }
  if (!ok) {
    throw Error(500, codes::kStoreDamaged, "A stored list is not a JSON array of strings",
                fmt::format("{}: {}", column, text));
  }
  return out;
}

}  // namespace sandbank::store::detail
