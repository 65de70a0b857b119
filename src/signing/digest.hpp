#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "signing/diagnosis.hpp"
#include "signing/message.hpp"

namespace sandbank::signing {

// RFC 3230 instance digests of the body bytes as sent (RFC 5843 names).
enum class DigestAlgorithm { Sha256, Sha512 };

std::string_view digest_token(DigestAlgorithm alg);                       // "SHA-256"
std::optional<DigestAlgorithm> digest_algorithm(std::string_view token);  // case-insensitive

// base64 (standard, padded) of the hash of `body`.
std::string digest_value(std::string_view body, DigestAlgorithm alg);
// The Digest header value: "SHA-256=<base64>". The empty body gives
// "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".
std::string make_digest(std::string_view body, DigestAlgorithm alg = DigestAlgorithm::Sha256);

struct DigestPolicy {
  bool required = true;  // a missing Digest header is digest.missing; else it passes
  bool detailed = true;  // false: production-like (generic message, no re-checks)
};

// Checks the Digest header against the body. Accepts SHA-256 and SHA-512 (token in any case)
// and several comma-separated values; every supported one must match, unsupported ones are
// ignored as long as one supported value is present. Codes: digest.missing,
// digest.malformed, digest.unsupported_algorithm, digest.duplicate_algorithm (400);
// digest.mismatch (401, naming the algorithm, both values, and - when one reproduces the
// received value - the mistake, e.g. a body digested with a trailing newline).
// Leniency: a header that is one bare base64 value of 32 bytes (no "SHA-256=", as ING's Node
// client sends it) is checked as SHA-256; on success cause is digest_without_algorithm and
// hint says so.
Diagnosis verify_digest(const MessageView& message, const DigestPolicy& policy = {});

}  // namespace sandbank::signing
