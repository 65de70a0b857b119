#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "crypto/certificate.hpp"
#include "crypto/keys.hpp"
#include "signing/date_window.hpp"
#include "signing/diagnosis.hpp"
#include "signing/message.hpp"
#include "signing/tpp_certificate.hpp"

namespace sandbank::signing {

// Detached JWS with unencoded payload (RFC 7515 + RFC 7797 + ETSI JAdES sigD HttpHeaders), as
// the guide builds x-jws-signature for POST /oauth2/applications.

inline constexpr std::string_view kHttpHeadersMechanism = "http://uri.etsi.org/19182/HttpHeaders";

// The pars the guide signs.
inline const std::vector<std::string> kGuidePars = {"(request-target)", "digest", "content-type"};

// The "HTTP headers to be signed": a "name: value" line per pars entry, in order, joined by
// "\n" (same rules as the HTTP Signature signing string). Throws sandbank::Error (400,
// jws.pars_header_absent) when a header is absent.
std::string build_jws_header_string(const MessageView& message, std::span<const std::string> pars);

// BASE64URL(protected header) + "." + header string: the bytes that are signed.
std::string jws_signing_input(std::string_view protected_header_b64,
                              std::string_view header_string);

// Signs and returns the x-jws-signature value BASE64URL(header)..BASE64URL(signature) with the
// protected header {"b64":false,"x5t#S256":..,"crit":["sigT","sigD","b64"],"sigT":..,
// "sigD":{"pars":[..],"mId":"http://uri.etsi.org/19182/HttpHeaders"},"alg":..}.
// alg: PS256/384/512 (RSASSA-PSS, salt = hash length, as RFC 7518 and strict verifiers want)
// or ES256/384/512 (raw R||S). Throws sandbank::Error when alg does not fit the key, a pars
// header is absent, or the key does not belong to the certificate.
std::string sign_detached_jws(const MessageView& message, std::span<const std::string> pars,
                              std::string_view alg, const crypto::PrivateKey& key,
                              const crypto::Certificate& certificate, TimePoint signing_time);

struct JwsPolicy {
  // Names that must be in sigD.pars, in any order.
  std::vector<std::string> mandatory_pars = kGuidePars;
  std::vector<std::string> algorithms = {"PS256", "PS384", "PS512", "ES256", "ES384", "ES512"};
  std::string header = "x-jws-signature";
  Seconds window = kDefaultWindow;  // sigT (or iat) tolerance
  bool check_digest = true;         // Digest recomputed over the body when pars covers it
  bool accept_iat = true;           // iat (NumericDate) instead of sigT, as JAdES 1.2 prefers
  int min_rsa_bits = 2048;
  bool detailed = true;  // false: production-like (generic message, no re-checks)
};

struct JwsResult : Diagnosis {
  std::string alg;                        // the protected header's alg
  std::vector<std::string> pars;          // sigD.pars
  std::optional<TimePoint> signing_time;  // sigT (or iat)
  std::string protected_header;           // the decoded protected header JSON, as received
};

// Verifies x-jws-signature against `signing_certificate` (the TPP-Signature-Certificate), in
// the order of standards.md §3.6. Codes: jws.missing, jws.malformed, jws.not_detached,
// jws.header_malformed, jws.header_duplicate_member, jws.alg_unsupported, jws.crit_invalid,
// jws.b64_invalid, jws.sigd_invalid, jws.sigt_missing, jws.sigt_malformed,
// jws.signature_malformed (400); jws.header_not_covered, jws.sigt_outside_window,
// jws.x5t_mismatch, jws.alg_key_mismatch, jws.pars_header_absent, jws.signature_invalid (401);
// digest.* from the body check. A signature that does not verify is re-checked against the
// guide's troubleshooting list (trailing LF, pars order, header listed/not signed, method or
// path, PS256 vs PS384, PSS vs PKCS#1, wrong key, b64 ignored) and the cause is named.
JwsResult verify_detached_jws(const MessageView& message, const JwsPolicy& policy,
                              const crypto::Certificate& signing_certificate, const Clock& clock);
// The same with the certificate read from the TPP-Signature-Certificate header
// (certificate.missing / certificate.malformed, 400), through `cache` when given.
JwsResult verify_detached_jws(const MessageView& message, const JwsPolicy& policy,
                              const Clock& clock, CertificateCache* cache = nullptr);

}  // namespace sandbank::signing
