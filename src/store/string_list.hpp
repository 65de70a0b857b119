#pragma once

#include <string>
#include <string_view>
#include <vector>

// Lists of strings (scopes, roles, redirect URIs, account ids) are stored as JSON arrays.
namespace sandbank::store::detail {

std::string string_list_to_json(const std::vector<std::string>& values);
// Throws 500 "store.damaged" naming `column` when the text is not a JSON array of strings.
std::vector<std::string> string_list_from_json(const std::string& text, std::string_view column);

}  // namespace sandbank::store::detail
