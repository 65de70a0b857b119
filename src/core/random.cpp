#include "core/random.hpp"

#include <fmt/format.h>
#include <sys/random.h>

#include <cerrno>
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
  std::size_t done = 0;
  while (done < n) {
    ssize_t r = getrandom(out + done, n - done, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(fmt::format("getrandom failed: errno {}", errno));
    }
    done += static_cast<std::size_t>(r);
  }
}

}  // namespace sandbank
