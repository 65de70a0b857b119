#include "crypto/hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>

#include "crypto/ossl.hpp"

namespace sandbank::crypto {

static_assert(kMaxHashSize == EVP_MAX_MD_SIZE);

namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

std::size_t compute(HashAlgorithm alg, std::span<const std::uint8_t> data,
                    std::span<std::uint8_t, kMaxHashSize> out) {
  // One context per thread, set up again for each hash: EVP_Digest would allocate and free
  // one per call.
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), ossl::fetched_md(alg), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1) {
    ossl::throw_internal("compute a digest");
  }
  return len;
}

// The hash of no bytes, which every bodiless request's Digest header carries.
struct EmptyHash {
  std::array<std::uint8_t, kMaxHashSize> value{};
  std::size_t size = 0;
  explicit EmptyHash(HashAlgorithm alg) { size = compute(alg, {}, value); }
};

const EmptyHash& empty_hash(HashAlgorithm alg) {
  static const EmptyHash sha256(HashAlgorithm::Sha256), sha384(HashAlgorithm::Sha384),
      sha512(HashAlgorithm::Sha512);
  switch (alg) {
    case HashAlgorithm::Sha384:
      return sha384;
    case HashAlgorithm::Sha512:
      return sha512;
    default:
      return sha256;
  }
}

}  // namespace

std::size_t hash(HashAlgorithm alg, std::span<const std::uint8_t> data,
                 std::span<std::uint8_t, kMaxHashSize> out) {
  if (data.empty()) {
    const EmptyHash& empty = empty_hash(alg);
    std::copy_n(empty.value.begin(), empty.size, out.begin());
    return empty.size;
  }
  return compute(alg, data, out);
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
