#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sandbank {

std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
// Trims SP and HTAB only (HTTP optional whitespace).
std::string_view trim_ows(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
// `text` when it is valid UTF-8; else a copy with each invalid sequence replaced by U+FFFD
// (one per maximal invalid subpart, as the Unicode standard recommends).
std::string valid_utf8(std::string text);

}  // namespace sandbank
