#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "core/encoding.hpp"
#include "crypto/hash.hpp"
#include "crypto/keys.hpp"

namespace sandbank::crypto {

enum class SignatureScheme {
  RsaPkcs1v15,  // RSASSA-PKCS1-v1_5 (rsa-sha256, RS256)
  RsaPss,       // RSASSA-PSS, MGF1 with the same hash (PS256, hs2019 with RSA)
  Ecdsa,        // ECDSA; the encoding (DER or raw R||S) is chosen by the caller
};

struct SignatureAlgorithm {
  SignatureScheme scheme;
  HashAlgorithm hash;
  bool operator==(const SignatureAlgorithm&) const = default;
};

// JOSE names: RS256/384/512, PS256/384/512, ES256/384/512.
std::optional<SignatureAlgorithm> algorithm_from_jose(std::string_view alg);
std::string_view jose_name(SignatureAlgorithm alg);

// Signs data. RSA-PSS uses salt length = hash length (RFC 7518). ECDSA returns DER.
Bytes sign(const PrivateKey& key, SignatureAlgorithm alg, std::span<const std::uint8_t> data);

// Verifies. RSA-PSS accepts any salt length (RSA_PSS_SALTLEN_AUTO), because the guide's
// `openssl dgst -sigopt rsa_padding_mode:pss` signs with the maximum salt. ECDSA expects DER.
// Returns false for a wrong signature or a key that does not fit the algorithm; never throws
// for bad signature bytes.
bool verify(const PublicKey& key, SignatureAlgorithm alg, std::span<const std::uint8_t> data,
            std::span<const std::uint8_t> signature);

// ECDSA signature encodings: DER (OpenSSL, HTTP Signatures) <-> raw R||S (JOSE, RFC 7518).
// field_bytes: 32 (P-256), 48 (P-384), 66 (P-521). nullopt on malformed input.
std::optional<Bytes> ecdsa_der_to_raw(std::span<const std::uint8_t> der, std::size_t field_bytes);
std::optional<Bytes> ecdsa_raw_to_der(std::span<const std::uint8_t> raw);

}  // namespace sandbank::crypto
