#pragma once

#include <cstddef>
#include <string>

#include "core/encoding.hpp"

namespace sandbank {

// The one source of randomness. The default reads the kernel CSPRNG (getrandom);
// tests may inject a deterministic source.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual void fill(std::uint8_t* out, std::size_t n) = 0;

  Bytes bytes(std::size_t n);
  // RFC 4122 version 4 UUID, lower-case.
  std::string uuid();
  // n random bytes as base64url: an opaque, unguessable token.
  std::string token(std::size_t n = 32);
  // n random bytes as lower-case hex.
  std::string hex(std::size_t n);
};

class SystemRandom final : public RandomSource {
 public:
  void fill(std::uint8_t* out, std::size_t n) override;
};

}  // namespace sandbank
