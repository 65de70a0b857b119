#include "bank/money.hpp"

#include <fmt/format.h>

namespace sandbank::bank {

std::optional<std::int64_t> parse_amount(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t units = 0;
  std::int64_t cents = 0;
  int decimals = -1;  // -1: no point seen
  int int_digits = 0;
  for (char c : text) {
    if (c == '.') {
      if (decimals >= 0) return std::nullopt;
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    if (decimals < 0) {
      units = units * 10 + (c - '0');
      ++int_digits;
    } else {
      if (++decimals > 2) return std::nullopt;
      cents = cents * 10 + (c - '0');
    }
  }
  if (int_digits == 0 || decimals == 0) return std::nullopt;
  if (decimals == 1) cents *= 10;
  std::int64_t value = units * 100 + cents;
  return negative ? -value : value;
}

std::string format_amount(std::int64_t minor) {
  const bool negative = minor < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(minor + 1)) + 1 : static_cast<std::uint64_t>(minor);
  return fmt::format("{}{}.{:02d}", negative ? "-" : "", magnitude / 100, magnitude % 100);
}

}  // namespace sandbank::bank
