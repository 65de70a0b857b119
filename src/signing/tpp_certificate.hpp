#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crypto/certificate.hpp"
#include "signing/diagnosis.hpp"
#include "signing/message.hpp"

namespace sandbank::signing {

// The certificate a TPP sends in TPP-Signature-Certificate, or why there is none.
struct CertificateResult {
  std::optional<crypto::Certificate> certificate;
  Diagnosis diagnosis;  // ok when certificate is set
};

// Parses a TPP-Signature-Certificate value in any of the forms TPPs send: PEM on one line as
// the guide's `tr -d "\n\r"` makes it, PEM with escaped newlines ("\n"), multi-line PEM,
// percent-encoded PEM, or the bare base64 of the DER. Codes: certificate.malformed (400).
CertificateResult parse_tpp_certificate(std::string_view value);
// Parsed certificates by exact header value. A TPP sends the same certificate on every call, and
// parsing one costs several RSA verifications on OpenSSL 3.0 (its public-key decoder is slow),
// so a verifier keeps one of these. Thread-safe; bounded (the oldest entry goes first); failures
// are not cached.
class CertificateCache {
 public:
  explicit CertificateCache(std::size_t capacity = 256) : capacity_(capacity) {}
  CertificateResult parse(std::string_view header_value);
  std::size_t size() const;

 private:
  // Looked up by the header value as it is (a string_view), without copying it first.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::unordered_map<std::string, crypto::Certificate, Hash, std::equal_to<>> entries_;
  std::deque<std::string> order_;
};

// Reads the TPP-Signature-Certificate header; certificate.missing (400) when absent. With a
// cache, a value seen before is not parsed again.
CertificateResult tpp_signature_certificate(const MessageView& message,
                                            CertificateCache* cache = nullptr);

// The header value the guide's scripts send: the PEM with its line breaks removed.
std::string tpp_certificate_header_value(const crypto::Certificate& certificate);

// keyId of the application-token request: "SN=<hex serial>" optionally followed by
// ",CA=<issuer DN>" (ING's form; "SN=49BA5C71,CA=CN=AppCertificateMeansAPI,OU=ING,...").
struct SerialKeyId {
  std::string serial;  // as written, without "SN="
  std::string issuer;  // the CA= part, empty when absent
};
std::optional<SerialKeyId> parse_serial_key_id(std::string_view key_id);
// "SN=49BA5C71" (with_issuer: ",CA=<issuer RFC 2253>").
std::string serial_key_id(const crypto::Certificate& certificate, bool with_issuer = false);
// Hex serials compared case-insensitively, ignoring leading zeros ("0049ba5c71" == "49BA5C71").
bool serial_matches(std::string_view key_id_serial, std::string_view certificate_serial_hex);
// Distinguished names compared attribute by attribute: case-insensitive, whitespace around
// separators ignored, order ignored (RFC 2253 and OpenSSL's one-line order both match), the
// common aliases (S/ST, E/emailAddress, OID.2.5.4.97/organizationIdentifier) folded.
bool same_distinguished_name(std::string_view a, std::string_view b);

}  // namespace sandbank::signing
