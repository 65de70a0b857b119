#pragma once

// Every detail code the crypto layer emits (Error::code(), the "detail" of error bodies and the
// access log): one catalogue per layer, so that a code is spelled once and cannot be
// mistyped. The values are part of the contract (tests and TPPs match on them).
namespace sandbank::crypto::codes {

inline constexpr char kCertificateInvalidRequest[] = "certificate.invalid_request";
inline constexpr char kCertificateKeyUnsupported[] = "certificate.key_unsupported";
inline constexpr char kCertificateUnparseable[] = "certificate.unparseable";
inline constexpr char kCertificateUnreadable[] = "certificate.unreadable";
inline constexpr char kCryptoInternal[] = "crypto.internal";
inline constexpr char kKeyEncrypted[] = "key.encrypted";
inline constexpr char kKeyMismatch[] = "key.mismatch";
inline constexpr char kKeyUnparseable[] = "key.unparseable";
inline constexpr char kKeyUnreadable[] = "key.unreadable";
inline constexpr char kKeyUnsupported[] = "key.unsupported";
inline constexpr char kPkiConflict[] = "pki.conflict";
inline constexpr char kPkiDamaged[] = "pki.damaged";
inline constexpr char kPkiExists[] = "pki.exists";
inline constexpr char kPkiMissing[] = "pki.missing";
inline constexpr char kPkiWriteFailed[] = "pki.write_failed";

}  // namespace sandbank::crypto::codes
