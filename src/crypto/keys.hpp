#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/encoding.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace sandbank::crypto {

enum class KeyType { Rsa, Ec };

namespace detail {
struct KeyState;  // crypto/verify_context.hpp
}

// A public key (RSA or EC P-256/P-384/P-521). RAII over EVP_PKEY. Copies share the key and its
// prepared verification contexts; a PublicKey may be used from several threads at once.
class PublicKey {
 public:
  explicit PublicKey(std::shared_ptr<EVP_PKEY> key);
  KeyType type() const;
  int bits() const;
  // For EC keys: "P-256", "P-384", "P-521"; empty for RSA.
  std::string curve() const;
  // RSA modulus and exponent, big-endian unsigned (for JWK n/e).
  Bytes rsa_modulus() const;
  Bytes rsa_exponent() const;
  // SubjectPublicKeyInfo DER / PEM.
  Bytes spki_der() const;
  std::string pem() const;
  static PublicKey from_pem(std::string_view pem);  // throws sandbank::Error
  EVP_PKEY* native() const { return key_.get(); }
  bool equals(const PublicKey& other) const;
  // Internal to src/crypto: what the copies of this key share.
  const detail::KeyState& state() const { return *state_; }

 private:
  std::shared_ptr<EVP_PKEY> key_;
  std::shared_ptr<const detail::KeyState> state_;
};

// A private key. Loading errors say what is wrong (not PEM, encrypted, unsupported).
class PrivateKey {
 public:
  explicit PrivateKey(std::shared_ptr<EVP_PKEY> key);
  static PrivateKey from_pem(std::string_view pem);      // PKCS#1, PKCS#8 or SEC1; throws Error
  static PrivateKey load_file(const std::string& path);  // throws Error naming the file
  static PrivateKey generate_rsa(int bits = 2048);
  static PrivateKey generate_ec_p256();
  KeyType type() const;
  PublicKey public_key() const;
  // Unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----").
  std::string pem() const;
  EVP_PKEY* native() const { return key_.get(); }

 private:
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace sandbank::crypto
