#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace sandbank::signing {

// The outcome of one check. On failure it says exactly what is wrong:
//  - code: a stable detail code ("digest.mismatch"); tests, logs and counters key on it;
//  - status: the HTTP status the server should answer (400 malformed, 401 not verified);
//  - message: one sentence a TPP developer can act on. It never contains double quotes,
//    backslashes or control characters, so it can go into an OAuth error_description;
//  - signing_string: the exact string the server built and verified (HTTP Signature: the
//    signing string; JWS: the "HTTP headers to be signed" part after the protected header),
//    so the TPP can diff it against its own;
//  - cause / hint: when a signature does not verify and one of the known mistakes of the
//    guide's troubleshooting list makes it verify, its stable id ("trailing_newline") and a
//    sentence naming it;
//  - facts: further name/value pairs (expected and received values, server time, ...).
// In production-like mode (redacted()) only ok, status and code survive, with a generic message.
struct Diagnosis {
  bool ok = true;
  int status = 200;
  std::string code;
  std::string message;
  std::string signing_string;
  std::string cause;
  std::string hint;
  std::vector<std::pair<std::string, std::string>> facts;

  explicit operator bool() const { return ok; }

  static Diagnosis success() { return {}; }
  static Diagnosis failure(int status, std::string code, std::string message);
  static Diagnosis bad_request(std::string code, std::string message) {
    return failure(400, std::move(code), std::move(message));
  }
  static Diagnosis unauthorized(std::string code, std::string message) {
    return failure(401, std::move(code), std::move(message));
  }

  Diagnosis& fact(std::string name, std::string value) {
    facts.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  // The value of a fact, empty when absent.
  std::string_view fact_value(std::string_view name) const;

  // A multi-line text for Error::diagnostic: hint, facts and the signing string.
  std::string diagnostic() const;
  // The same check with the detail removed: generic message, no signing string, hint or facts.
  Diagnosis redacted() const;
  // For layers that throw: sandbank::Error(status, code, message, diagnostic()).
  Error to_error() const;
};

// A generic, production-safe message for a detail code ("The signature could not be verified").
std::string generic_message(std::string_view code);

// Makes a message safe for an OAuth error_description (%x20-21 / %x23-5B / %x5D-7E): double
// quotes become single quotes, backslashes and control characters are dropped or escaped.
std::string clean_message(std::string_view text);

// Every detail code the signing library emits.
namespace codes {
inline constexpr std::string_view kDigestMissing = "digest.missing";
inline constexpr std::string_view kDigestMalformed = "digest.malformed";
inline constexpr std::string_view kDigestUnsupportedAlgorithm = "digest.unsupported_algorithm";
inline constexpr std::string_view kDigestDuplicateAlgorithm = "digest.duplicate_algorithm";
inline constexpr std::string_view kDigestMismatch = "digest.mismatch";

inline constexpr std::string_view kDateMissing = "date.missing";
inline constexpr std::string_view kDateMalformed = "date.malformed";
inline constexpr std::string_view kDateOutsideWindow = "date.outside_window";

inline constexpr std::string_view kCertificateMissing = "certificate.missing";
inline constexpr std::string_view kCertificateMalformed = "certificate.malformed";

inline constexpr std::string_view kSignatureMissing = "signature.missing";
inline constexpr std::string_view kSignatureCarrierConflict = "signature.carrier_conflict";
inline constexpr std::string_view kSignatureMalformed = "signature.malformed";
inline constexpr std::string_view kSignatureDuplicateParameter = "signature.duplicate_parameter";
inline constexpr std::string_view kSignatureParameterMissing = "signature.parameter_missing";
inline constexpr std::string_view kSignatureAlgorithmUnsupported =
    "signature.algorithm_unsupported";
inline constexpr std::string_view kSignatureHeaderNotCovered = "signature.header_not_covered";
inline constexpr std::string_view kSignaturePseudoHeaderNotAllowed =
    "signature.pseudo_header_not_allowed";
inline constexpr std::string_view kSignatureCreatedInFuture = "signature.created_in_future";
inline constexpr std::string_view kSignatureExpired = "signature.expired";
inline constexpr std::string_view kSignatureKeyIdMalformed = "signature.keyid_malformed";
inline constexpr std::string_view kSignatureKeyIdSerialMismatch = "signature.keyid_serial_mismatch";
inline constexpr std::string_view kSignatureKeyIdIssuerMismatch = "signature.keyid_issuer_mismatch";
inline constexpr std::string_view kSignatureKeyIdUnknown = "signature.keyid_unknown";
inline constexpr std::string_view kSignatureAlgKeyMismatch = "signature.alg_key_mismatch";
inline constexpr std::string_view kSignatureHeaderAbsent = "signature.header_absent";
inline constexpr std::string_view kSignatureInvalid = "signature.invalid";

inline constexpr std::string_view kJwsMissing = "jws.missing";
inline constexpr std::string_view kJwsMalformed = "jws.malformed";
inline constexpr std::string_view kJwsNotDetached = "jws.not_detached";
inline constexpr std::string_view kJwsHeaderMalformed = "jws.header_malformed";
inline constexpr std::string_view kJwsHeaderDuplicateMember = "jws.header_duplicate_member";
inline constexpr std::string_view kJwsAlgUnsupported = "jws.alg_unsupported";
inline constexpr std::string_view kJwsCritInvalid = "jws.crit_invalid";
inline constexpr std::string_view kJwsB64Invalid = "jws.b64_invalid";
inline constexpr std::string_view kJwsSigDInvalid = "jws.sigd_invalid";
inline constexpr std::string_view kJwsHeaderNotCovered = "jws.header_not_covered";
inline constexpr std::string_view kJwsSigTMissing = "jws.sigt_missing";
inline constexpr std::string_view kJwsSigTMalformed = "jws.sigt_malformed";
inline constexpr std::string_view kJwsSigTOutsideWindow = "jws.sigt_outside_window";
inline constexpr std::string_view kJwsX5tMissing = "jws.x5t_missing";
inline constexpr std::string_view kJwsX5tMismatch = "jws.x5t_mismatch";
inline constexpr std::string_view kJwsAlgKeyMismatch = "jws.alg_key_mismatch";
inline constexpr std::string_view kJwsParsHeaderAbsent = "jws.pars_header_absent";
inline constexpr std::string_view kJwsSignatureMalformed = "jws.signature_malformed";
inline constexpr std::string_view kJwsSignatureInvalid = "jws.signature_invalid";

// All of the above, for documentation and tests.
std::vector<std::string_view> all();
}  // namespace codes

// Stable ids of the troubleshooting items the verifiers recognise (Diagnosis::cause).
namespace causes {
inline constexpr std::string_view kTrailingNewline = "trailing_newline";
inline constexpr std::string_view kCrlfLineEndings = "crlf_line_endings";
inline constexpr std::string_view kHeaderOrder = "header_order";
inline constexpr std::string_view kMethodNotLowerCase = "method_not_lower_case";
inline constexpr std::string_view kRequestTargetDiffers = "request_target_differs";
inline constexpr std::string_view kHeaderNotSigned = "header_listed_not_signed";
inline constexpr std::string_view kHeaderNotListed = "header_signed_not_listed";
inline constexpr std::string_view kHeaderNameCase = "header_name_case";
inline constexpr std::string_view kAlgorithmMismatch = "algorithm_mismatch";
inline constexpr std::string_view kPaddingMismatch = "padding_mismatch";
inline constexpr std::string_view kWrongKey = "wrong_key";
inline constexpr std::string_view kSignedWithTlsKey = "signed_with_tls_key";
inline constexpr std::string_view kSignedBytesDiffer = "signed_bytes_differ";
inline constexpr std::string_view kPayloadEncoded = "payload_base64url_encoded";
inline constexpr std::string_view kProtectedHeaderDiffers = "protected_header_differs";
inline constexpr std::string_view kBodyTrailingNewline = "body_trailing_newline";
inline constexpr std::string_view kBodyDiffers = "body_differs";
inline constexpr std::string_view kDigestEncoding = "digest_encoding";
inline constexpr std::string_view kBase64Wrapped = "base64_wrapped";
inline constexpr std::string_view kBase64Url = "base64url_instead_of_base64";
inline constexpr std::string_view kDecimalSerial = "serial_in_decimal";
inline constexpr std::string_view kTlsCertificateSerial = "tls_certificate_serial";
inline constexpr std::string_view kThumbprintEncoding = "thumbprint_encoding";
inline constexpr std::string_view kThumbprintOfTlsCertificate = "thumbprint_of_tls_certificate";
inline constexpr std::string_view kEcdsaDer = "ecdsa_der_signature";
// Leniencies: a successful check that a strict server refuses (Diagnosis::cause on success).
inline constexpr std::string_view kDigestWithoutAlgorithm = "digest_without_algorithm";
}  // namespace causes

}  // namespace sandbank::signing
