#include "crypto/keys.hpp"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/pem.h>

#include "crypto/codes.hpp"
#include "crypto/ossl.hpp"
#include "crypto/verify_context.hpp"

namespace sandbank::crypto {
namespace {

using ossl::EvpPkeyPtr;

std::shared_ptr<EVP_PKEY> share(EvpPkeyPtr key) {
  return std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
}

std::string type_name(EVP_PKEY* key) {
  const char* name = EVP_PKEY_get0_type_name(key);
  return name ? name : "unknown";
}

KeyType key_type_of(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS")) return KeyType::Rsa;
  if (EVP_PKEY_is_a(key, "EC")) return KeyType::Ec;
  throw Error::bad_request(
      codes::kKeyUnsupported,
      fmt::format("Only RSA and EC keys are supported, this key is {}", type_name(key)));
}

KeyType check_key(const std::shared_ptr<EVP_PKEY>& key) {
  if (!key) throw Error::internal(codes::kCryptoInternal, "A key object was created without a key");
  return key_type_of(key.get());
}

// Refuses to prompt for a pass phrase: encrypted keys fail instead of blocking on stdin.
int no_password(char*, int, int, void*) {
  return -1;
}

bool contains(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// PublicKey

PublicKey::PublicKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {
  const KeyType type = check_key(key_);
  state_ =
      std::make_shared<const detail::KeyState>(key_.get(), type, EVP_PKEY_get_bits(key_.get()));
}

KeyType PublicKey::type() const {
  return state_->type;
}

int PublicKey::bits() const {
  return state_->bits;
}

std::string PublicKey::curve() const {
  if (type() != KeyType::Ec) return {};
  char group[80] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_group_name(key_.get(), group, sizeof group, &len) != 1) {
    ossl::drain_errors();
    return {};
  }
  int nid = OBJ_sn2nid(group);
  const char* nist = nid == NID_undef ? nullptr : EC_curve_nid2nist(nid);
  return nist ? nist : group;
}

namespace {
Bytes rsa_param(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    ossl::drain_errors();
    return {};
  }
  ossl::BnPtr bn(raw);
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), out.data());
  return out;
}
}  // namespace

Bytes PublicKey::rsa_modulus() const {
  if (type() != KeyType::Rsa) return {};
  return rsa_param(key_.get(), OSSL_PKEY_PARAM_RSA_N);
}

Bytes PublicKey::rsa_exponent() const {
  if (type() != KeyType::Rsa) return {};
  return rsa_param(key_.get(), OSSL_PKEY_PARAM_RSA_E);
}

Bytes PublicKey::spki_der() const {
  return ossl::to_der(key_.get(), i2d_PUBKEY, "encode a public key");
}

std::string PublicKey::pem() const {
  auto bio = ossl::memory_bio();
  if (PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    ossl::throw_internal("write a public key");
  }
  return ossl::bio_contents(bio.get());
}

PublicKey PublicKey::from_pem(std::string_view pem) {
  if (!contains(pem, "-----BEGIN")) {
    throw Error::bad_request(codes::kKeyUnparseable, "The public key is not PEM text");
  }
  auto bio = ossl::memory_bio(pem);
  EVP_PKEY* raw = nullptr;
  // SubjectPublicKeyInfo ("PUBLIC KEY") and PKCS#1 ("RSA PUBLIC KEY").
  ossl::Ptr<OSSL_DECODER_CTX, OSSL_DECODER_CTX_free> decoder(OSSL_DECODER_CTX_new_for_pkey(
      &raw, "PEM", nullptr, nullptr, EVP_PKEY_PUBLIC_KEY, nullptr, nullptr));
  if (!decoder) ossl::throw_internal("create a key decoder");
  bool decoded = OSSL_DECODER_from_bio(decoder.get(), bio.get()) == 1;
  EvpPkeyPtr key(raw);
  if (!decoded || !key) {
    std::string reason = ossl::drain_errors();
    throw Error::bad_request(codes::kKeyUnparseable,
                             "The public key PEM could not be parsed; expected a PUBLIC KEY or "
                             "RSA PUBLIC KEY block",
                             reason);
  }
  return PublicKey(share(std::move(key)));
}

bool PublicKey::equals(const PublicKey& other) const {
  bool same = EVP_PKEY_eq(key_.get(), other.key_.get()) == 1;
  ossl::drain_errors();
  return same;
}

// ---------------------------------------------------------------------------------------------
// PrivateKey

PrivateKey::PrivateKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {
  check_key(key_);
}

PrivateKey PrivateKey::from_pem(std::string_view pem) {
  if (contains(pem, "BEGIN ENCRYPTED PRIVATE KEY") || contains(pem, "Proc-Type: 4,ENCRYPTED")) {
    throw Error::bad_request(codes::kKeyEncrypted,
                             "The private key is encrypted with a pass phrase; Sandbank needs it "
                             "unencrypted, for example from openssl pkey -in KEY -out PLAIN.key");
  }
  if (!contains(pem, "-----BEGIN")) {
    throw Error::bad_request(codes::kKeyUnparseable, "The private key is not PEM text");
  }
  if (!contains(pem, "PRIVATE KEY-----")) {
    if (contains(pem, "BEGIN CERTIFICATE")) {
      throw Error::bad_request(codes::kKeyUnparseable,
                               "The PEM holds a certificate where a private key was expected");
    }
    throw Error::bad_request(codes::kKeyUnparseable,
                             "The PEM holds no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY "
                             "block");
  }
  auto bio = ossl::memory_bio(pem);
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
  if (!key) {
    std::string reason = ossl::drain_errors();
    throw Error::bad_request(codes::kKeyUnparseable,
                             "The private key PEM could not be parsed (PKCS#8, PKCS#1 and SEC1 "
                             "keys are accepted)",
                             reason);
  }
  ossl::drain_errors();  // PEM reading leaves "no start line" entries for skipped blocks
  return PrivateKey(share(std::move(key)));
}

PrivateKey PrivateKey::load_file(const std::string& path) {
  std::string problem;
  auto text = ossl::read_file(path, problem);
  if (!text) {
    throw Error::bad_request(codes::kKeyUnreadable,
                             fmt::format("Cannot read the private key file {}: {}", path, problem));
  }
  try {
    return from_pem(*text);
  } catch (const Error& e) {
    throw Error(e.status(), e.code(), fmt::format("{}: {}", path, e.message()), e.diagnostic());
  }
}

PrivateKey PrivateKey::generate_rsa(int bits) {
  EvpPkeyPtr key(EVP_RSA_gen(static_cast<unsigned int>(bits)));
  if (!key) ossl::throw_internal("generate an RSA key");
  return PrivateKey(share(std::move(key)));
}

PrivateKey PrivateKey::generate_ec_p256() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) ossl::throw_internal("generate an EC P-256 key");
  return PrivateKey(share(std::move(key)));
}

KeyType PrivateKey::type() const {
  return key_type_of(key_.get());
}

PublicKey PrivateKey::public_key() const {
  // A copy holding the public half only.
  Bytes spki = ossl::to_der(key_.get(), i2d_PUBKEY, "encode a public key");
  const unsigned char* p = spki.data();
  EvpPkeyPtr pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  if (!pub) ossl::throw_internal("decode a public key");
  return PublicKey(share(std::move(pub)));
}

std::string PrivateKey::pem() const {
  auto bio = ossl::memory_bio();
  // PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY") in OpenSSL 3.
  if (PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    ossl::throw_internal("write a private key");
  }
  return ossl::bio_contents(bio.get());
}

}  // namespace sandbank::crypto
