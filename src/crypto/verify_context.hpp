#pragma once

// Internal to src/crypto: the per-key state behind PublicKey (cached key type and size, and
// prepared verification contexts).

#include <array>
#include <atomic>
#include <mutex>

#include "crypto/keys.hpp"
#include "crypto/ossl.hpp"
#include "crypto/signature.hpp"

namespace sandbank::crypto::detail {

// Verification contexts of one public key, one per signature algorithm, each set up once
// (EVP_PKEY_verify_init, padding, MGF1 and PSS salt length AUTO, signature digest) and copied
// for every verification. On OpenSSL 3.0 a fresh EVP_DigestVerifyInit costs about 3 µs (it
// fetches the algorithm implementations from the provider and looks names up on every call);
// EVP_PKEY_CTX_dup of a prepared context costs about 0.1 µs and touches the prepared context
// only for reading, so copies can be taken from several threads at once while each
// verification uses a context of its own (contexts themselves are not thread-safe).
class VerifyContexts {
 public:
  explicit VerifyContexts(EVP_PKEY* key) : key_(key) {}
  ~VerifyContexts();
  VerifyContexts(const VerifyContexts&) = delete;
  VerifyContexts& operator=(const VerifyContexts&) = delete;

  // A context of its own for one EVP_PKEY_verify over a digest made with alg.hash; null when
  // OpenSSL cannot set the algorithm up for this key (errors are left on the queue).
  ossl::EvpPkeyCtxPtr context(SignatureAlgorithm alg) const;

 private:
  static constexpr std::size_t kSlots = 9;  // 3 schemes x 3 hashes
  static std::size_t slot(SignatureAlgorithm alg);
  EVP_PKEY* key_;  // owned by the PublicKey holding this (each prepared context holds a reference)
  mutable std::mutex mutex_;  // serialises preparing; reading a prepared slot needs no lock
  mutable std::array<std::atomic<EVP_PKEY_CTX*>, kSlots> prepared_{};
};

// What every copy of a PublicKey shares. The key never changes, so its type and size are read
// once instead of on every call (EVP_PKEY_is_a looks the name up in OpenSSL's name map).
struct KeyState {
  KeyState(EVP_PKEY* key, KeyType type, int bits) : type(type), bits(bits), verify(key) {}
  const KeyType type;
  const int bits;
  VerifyContexts verify;
};

}  // namespace sandbank::crypto::detail
