#pragma once

// Internal: the re-checks both verifiers run when a signature does not verify.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.hpp"
#include "crypto/keys.hpp"
#include "crypto/signature.hpp"
#include "signing/message.hpp"

namespace sandbank::signing::detail {

// One way of checking a signature: scheme + hash, and for ECDSA whether the signature bytes
// are raw R||S (JWS) instead of DER (HTTP Signatures).
struct Verifier {
  crypto::SignatureAlgorithm alg;
  bool ecdsa_raw = false;
  std::string name;  // "rsa-sha256", "PS384", "hs2019 (RSASSA-PSS, SHA-512)"
};

// Verifies; for raw ECDSA converts to DER first. Never throws.
bool verify_with(const crypto::PublicKey& key, const Verifier& v, std::string_view input,
                 std::span<const std::uint8_t> signature);

// What the RSA public operation reveals about a signature: the padding it carries and the
// hash, or nothing (then it was made with another key).
struct RsaForm {
  enum Kind { Unrecognised, Pkcs1, Pss } kind = Unrecognised;
  crypto::HashAlgorithm hash = crypto::HashAlgorithm::Sha256;
  bool pkcs1_sha1 = false;
  Bytes pkcs1_digest;        // the digest a PKCS#1 v1.5 signature carries
  std::size_t pss_salt = 0;  // the salt length of a PSS signature
};
RsaForm inspect_rsa(const crypto::PublicKey& key, std::span<const std::uint8_t> signature);

std::string_view hash_name(crypto::HashAlgorithm h);  // "SHA-256"

// The signing string as the verifier built it, line by line.
struct BuiltString {
  std::string prefix;               // JWS: "<protected header>." ; HTTP Signature: empty
  std::vector<std::string> names;   // the covered names, lower-case, in order
  std::vector<std::string> lines;   // "name: value"
  std::string_view carrier_header;  // the header holding the signature (never re-inserted)
  std::string joined() const;       // lines joined by "\n"
};

// Builds the lines of a signing string for `names` ((request-target), (created), (expires) or
// header names); the first absent one is reported in `missing` and skipped.
BuiltString build_lines(const MessageView& message, std::span<const std::string> names,
                        const std::optional<std::string>& created,
                        const std::optional<std::string>& expires, std::string* missing);

// The string build_lines(...).joined() gives, appended to `out` in one pass without a string
// per line (the verifiers' success path). When a name is absent it stops, sets `missing` (when
// not null and still empty) to that name, lower-cased, and returns false.
bool append_signing_string(const MessageView& message, std::span<const std::string> names,
                           const std::optional<std::string>& created,
                           const std::optional<std::string>& expires, std::string& out,
                           std::string* missing);

struct Finding {
  std::string cause;
  std::string hint;
};

// Runs the re-checks for `claimed` (and the algorithms of the same family in `family`) and
// returns the mistake that makes the signature verify; otherwise a best-effort explanation
// (wrong key, signed bytes differ).
Finding troubleshoot(const MessageView& message, const BuiltString& built,
                     const crypto::PublicKey& key, const Verifier& claimed,
                     std::span<const Verifier> family, std::span<const std::uint8_t> signature,
                     bool jws);

}  // namespace sandbank::signing::detail
