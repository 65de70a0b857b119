#include "crypto/hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

#include "crypto/ossl.hpp"

namespace sandbank::crypto {

static_assert(kMaxHashSize == EVP_MAX_MD_SIZE);

std::size_t hash(HashAlgorithm alg, std::span<const std::uint8_t> data,
                 std::span<std::uint8_t, kMaxHashSize> out) {
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, ossl::fetched_md(alg), nullptr) != 1) {
    ossl::throw_internal("compute a digest");
  }
  return len;
}

Bytes hash(HashAlgorithm alg, std::span<const std::uint8_t> data) {
  std::array<std::uint8_t, kMaxHashSize> buffer;
  std::size_t len = hash(alg, data, buffer);
  return Bytes(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(len));
}

std::size_t hash_size(HashAlgorithm alg) {
  switch (alg) {
    case HashAlgorithm::Sha256:
      return 32;
    case HashAlgorithm::Sha384:
      return 48;
    case HashAlgorithm::Sha512:
      return 64;
  }
  return static_cast<std::size_t>(EVP_MD_get_size(ossl::evp_md(alg)));
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sandbank::crypto
