#pragma once

#include <span>

#include "core/encoding.hpp"

namespace sandbank::crypto {

enum class HashAlgorithm { Sha256, Sha384, Sha512 };

Bytes hash(HashAlgorithm alg, std::span<const std::uint8_t> data);
// The largest hash_size().
inline constexpr std::size_t kMaxHashSize = 64;
// The same hash into a caller's buffer (no allocation); returns hash_size(alg). Throws like hash().
std::size_t hash(HashAlgorithm alg, std::span<const std::uint8_t> data,
                 std::span<std::uint8_t, kMaxHashSize> out);
inline Bytes sha256(std::span<const std::uint8_t> data) {
  return hash(HashAlgorithm::Sha256, data);
}
inline Bytes sha512(std::span<const std::uint8_t> data) {
  return hash(HashAlgorithm::Sha512, data);
}
std::size_t hash_size(HashAlgorithm alg);

// Constant-time comparison for secrets (tokens, MACs).
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace sandbank::crypto
