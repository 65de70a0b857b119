#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Money as integer minor units. Every currency the sandbox uses has two decimals.
namespace sandbank::bank {

// "1523.45", "-0.07", "12" → minor units; nullopt for anything else (more than two
// decimals, exponents, spaces, overflow).
std::optional<std::int64_t> parse_amount(std::string_view text);
// 152345 → "1523.45"; -7 → "-0.07".
std::string format_amount(std::int64_t minor);

}  // namespace sandbank::bank
