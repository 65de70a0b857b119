#pragma once

// Internal to src/signing: ASCII case folding for header names, parameter names and tokens.
// The results are those of core/strings.hpp's to_lower/iequals/istarts_with in the "C" locale
// the program runs in (only A-Z fold; every other byte compares as is), without calling the
// locale's tolower for every character. The case-insensitive prefix test is core's
// istarts_with, the same rule.

#include <string>
#include <string_view>

namespace sandbank::signing::detail {

constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// Whether `s` holds a CR or LF (an obsolete line fold). One pass; find_first_of with a set of
// characters calls memchr for every character of `s`.
constexpr bool has_cr_or_lf(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n') return true;
  }
  return false;
}

// Appends `s` lower-cased to `out`.
inline void append_ascii_lower(std::string& out, std::string_view s) {
  const std::size_t at = out.size();
  out.append(s);
  for (std::size_t i = at; i < out.size(); ++i) out[i] = ascii_lower(out[i]);
}

inline std::string ascii_to_lower(std::string_view s) {
  std::string out;
  append_ascii_lower(out, s);
  return out;
}

}  // namespace sandbank::signing::detail
