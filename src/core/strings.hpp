#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sandbank {

std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
// Whether a Content-Type value names the media type `type` (case-insensitive), with or
// without parameters: "application/json; charset=utf-8" is application/json,
// "application/jsonx" is not (RFC 9110 section 8.3.1).
bool media_type_is(std::string_view content_type, std::string_view type);
// Trims SP and HTAB only (HTTP optional whitespace).
std::string_view trim_ows(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
// `text` when it is valid UTF-8; else a copy with each invalid sequence replaced by U+FFFD
// (one per maximal invalid subpart, as the Unicode standard recommends).
std::string valid_utf8(std::string text);

}  // namespace sandbank
