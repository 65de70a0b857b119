#include "core/random.hpp"

#include <openssl/err.h>
#include <openssl/rand.h>

#include <climits>
#include <stdexcept>

namespace sandbank {

Bytes RandomSource::bytes(std::size_t n) {
  Bytes out(n);
  fill(out.data(), n);
  return out;
}

std::string RandomSource::uuid() {
  std::uint8_t b[16];
  fill(b, sizeof b);
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);
  std::string h = hex_encode(std::span<const std::uint8_t>(b, 16));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string RandomSource::token(std::size_t n) {
  return base64url_encode(bytes(n));
}

std::string RandomSource::hex(std::size_t n) {
  return hex_encode(bytes(n));
}

void SystemRandom::fill(std::uint8_t* out, std::size_t n) {
  while (n > 0) {
    int chunk = static_cast<int>(n < INT_MAX ? n : INT_MAX);
    if (RAND_bytes(out, chunk) != 1) {
      throw std::runtime_error("RAND_bytes failed: " + std::to_string(ERR_get_error()));
    }
    out += chunk;
    n -= static_cast<std::size_t>(chunk);
  }
}

}  // namespace sandbank
