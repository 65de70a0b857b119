#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sandbank {

using Bytes = std::vector<std::uint8_t>;

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string to_string(std::span<const std::uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Standard base64 (RFC 4648 §4) with padding.
std::string base64_encode(std::span<const std::uint8_t> data);
// Accepts padded or unpadded input; rejects characters outside the alphabet.
std::optional<Bytes> base64_decode(std::string_view text);

// base64url (RFC 4648 §5) without padding, as JOSE uses it.
std::string base64url_encode(std::span<const std::uint8_t> data);
// Accepts unpadded (and, leniently, padded) input.
std::optional<Bytes> base64url_decode(std::string_view text);

std::string hex_encode(std::span<const std::uint8_t> data, bool upper = false);
std::optional<Bytes> hex_decode(std::string_view text);

// application/x-www-form-urlencoded and percent-encoding helpers.
std::string percent_encode(std::string_view s);  // RFC 3986 unreserved kept
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

}  // namespace sandbank
