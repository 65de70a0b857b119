#include "crypto/signature.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <array>

#include "crypto/codes.hpp"
#include "crypto/hash.hpp"
#include "crypto/ossl.hpp"
#include "crypto/verify_context.hpp"

namespace sandbank::crypto {
namespace {

struct JoseEntry {
  std::string_view name;
  SignatureAlgorithm alg;
};

constexpr std::array<JoseEntry, 9> kJose = {{
    {"RS256", {SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha256}},
    {"RS384", {SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha384}},
    {"RS512", {SignatureScheme::RsaPkcs1v15, HashAlgorithm::Sha512}},
    {"PS256", {SignatureScheme::RsaPss, HashAlgorithm::Sha256}},
    {"PS384", {SignatureScheme::RsaPss, HashAlgorithm::Sha384}},
    {"PS512", {SignatureScheme::RsaPss, HashAlgorithm::Sha512}},
    {"ES256", {SignatureScheme::Ecdsa, HashAlgorithm::Sha256}},
    {"ES384", {SignatureScheme::Ecdsa, HashAlgorithm::Sha384}},
    {"ES512", {SignatureScheme::Ecdsa, HashAlgorithm::Sha512}},
}};

bool key_fits(KeyType type, SignatureScheme scheme) {
  return scheme == SignatureScheme::Ecdsa ? type == KeyType::Ec : type == KeyType::Rsa;
}

std::string_view scheme_name(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::RsaPkcs1v15:
      return "RSA PKCS#1 v1.5";
    case SignatureScheme::RsaPss:
      return "RSA-PSS";
    case SignatureScheme::Ecdsa:
      return "ECDSA";
  }
  return "?";
}

// Sets padding (and PSS salt) on a DigestSign context. salt_len is RSA_PSS_SALTLEN_DIGEST
// (verification contexts are set up in verify_context.cpp, with RSA_PSS_SALTLEN_AUTO).
bool configure(EVP_PKEY_CTX* pctx, SignatureAlgorithm alg, int salt_len) {
  switch (alg.scheme) {
    case SignatureScheme::RsaPkcs1v15:
      return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
    case SignatureScheme::RsaPss:
      return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, ossl::evp_md(alg.hash)) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt_len) == 1;
    case SignatureScheme::Ecdsa:
      return true;
  }
  return false;
}

// OpenSSL wants a non-null pointer even for empty input.
const unsigned char* nonnull(std::span<const std::uint8_t> data) {
  static const unsigned char empty = 0;
  return data.empty() ? &empty : data.data();
}

}  // namespace

std::optional<SignatureAlgorithm> algorithm_from_jose(std::string_view alg) {
  for (const auto& e : kJose) {
    if (e.name == alg) return e.alg;
  }
  return std::nullopt;
}

std::string_view jose_name(SignatureAlgorithm alg) {
  for (const auto& e : kJose) {
    if (e.alg == alg) return e.name;
  }
  return {};
}

Bytes sign(const PrivateKey& key, SignatureAlgorithm alg, std::span<const std::uint8_t> data) {
  if (!key_fits(key.type(), alg.scheme)) {
    throw Error::bad_request(
        codes::kKeyMismatch,
        fmt::format("A {} key cannot make an {} signature",
                    key.type() == KeyType::Rsa ? "RSA" : "EC", scheme_name(alg.scheme)));
  }
  ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) ossl::throw_internal("allocate a signing context");
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (EVP_DigestSignInit(ctx.get(), &pctx, ossl::evp_md(alg.hash), nullptr, key.native()) != 1 ||
      !configure(pctx, alg, RSA_PSS_SALTLEN_DIGEST)) {
    ossl::throw_internal("set up signing");
  }
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, nonnull(data), data.size()) != 1) {
    ossl::throw_internal("size a signature");
  }
  Bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, nonnull(data), data.size()) != 1) {
    ossl::throw_internal("sign");
  }
  sig.resize(len);
  return sig;
}

bool verify(const PublicKey& key, SignatureAlgorithm alg, std::span<const std::uint8_t> data,
            std::span<const std::uint8_t> signature) {
  if (signature.empty() || !key_fits(key.type(), alg.scheme)) return false;
  // The digest here and the public-key operation on a context prepared once per key and
  // algorithm: what EVP_DigestVerify does, without setting the algorithms up on every call.
  std::array<std::uint8_t, kMaxHashSize> digest;
  const std::size_t digest_len = hash(alg.hash, data, digest);
  ossl::EvpPkeyCtxPtr ctx = key.state().verify.context(alg);
  const bool ok = ctx && EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(),
                                         digest.data(), digest_len) == 1;
  if (!ok || ERR_peek_error() != 0) ossl::drain_errors();  // nothing left for the next caller
  return ok;
}

std::optional<Bytes> ecdsa_der_to_raw(std::span<const std::uint8_t> der, std::size_t field_bytes) {
  if (der.empty() || field_bytes == 0 || field_bytes > 128) return std::nullopt;
  const unsigned char* p = der.data();
  ossl::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  ossl::drain_errors();
  if (!sig || p != der.data() + der.size()) return std::nullopt;  // trailing bytes
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  if (!r || !s || BN_is_negative(r) || BN_is_negative(s)) return std::nullopt;
  if (static_cast<std::size_t>(BN_num_bytes(r)) > field_bytes ||
      static_cast<std::size_t>(BN_num_bytes(s)) > field_bytes) {
    return std::nullopt;
  }
  Bytes raw(2 * field_bytes);
  const int n = static_cast<int>(field_bytes);
  if (BN_bn2binpad(r, raw.data(), n) != n || BN_bn2binpad(s, raw.data() + n, n) != n) {
    return std::nullopt;
  }
  return raw;
}

std::optional<Bytes> ecdsa_raw_to_der(std::span<const std::uint8_t> raw) {
  if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 256) return std::nullopt;
  const int n = static_cast<int>(raw.size() / 2);
  ossl::BnPtr r(BN_bin2bn(raw.data(), n, nullptr));
  ossl::BnPtr s(BN_bin2bn(raw.data() + n, n, nullptr));
  ossl::EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    ossl::drain_errors();
    return std::nullopt;
  }
  r.release();  // owned by sig now
  s.release();
  int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) {
    ossl::drain_errors();
    return std::nullopt;
  }
  Bytes der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  i2d_ECDSA_SIG(sig.get(), &p);
  return der;
}

}  // namespace sandbank::crypto
