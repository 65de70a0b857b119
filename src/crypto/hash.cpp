#include "crypto/hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto/ossl.hpp"

namespace sandbank::crypto {

Bytes hash(HashAlgorithm alg, std::span<const std::uint8_t> data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, ossl::evp_md(alg), nullptr) != 1) {
    ossl::throw_internal("compute a digest");
  }
  out.resize(len);
  return out;
}

std::size_t hash_size(HashAlgorithm alg) {
  return static_cast<std::size_t>(EVP_MD_get_size(ossl::evp_md(alg)));
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sandbank::crypto
