#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/encoding.hpp"
#include "crypto/keys.hpp"

typedef struct x509_st X509;

namespace sandbank::crypto {

// ETSI TS 119 495 roles of a payment service provider. The OID decides, never the name.
enum class Psd2Role {
  AccountServicing,       // PSP_AS 0.4.0.19495.1.1
  PaymentInitiation,      // PSP_PI 0.4.0.19495.1.2
  AccountInformation,     // PSP_AI 0.4.0.19495.1.3
  IssuingCardInstruments  // PSP_IC 0.4.0.19495.1.4
};
std::string_view role_name(Psd2Role role);                   // "PSP_AI"
std::optional<Psd2Role> role_from_name(std::string_view s);  // "PSP_AI" (case-insensitive)

enum class QcType { ESeal, Web, ESign };

struct Psd2Statement {
  std::vector<Psd2Role> roles;
  std::string nca_name;  // e.g. "Sandbank Test NCA"
  std::string nca_id;    // e.g. "NL-SBX"
  bool has(Psd2Role r) const;
};

// An X.509 certificate. Immutable; copies share the underlying X509.
class Certificate {
 public:
  explicit Certificate(std::shared_ptr<X509> cert);

  static Certificate from_pem(std::string_view pem);  // first certificate; throws Error
  static Certificate from_der(std::span<const std::uint8_t> der);  // throws Error
  static Certificate load_file(const std::string& path);  // PEM file; throws Error naming it
  static std::vector<Certificate> load_chain_file(const std::string& path);  // all PEM certs
  // The forms TPPs send in TPP-Signature-Certificate: one-line PEM with armour (newlines
  // stripped), PEM with escaped "\n", multi-line PEM, or bare base64 of the DER.
  static Certificate from_header_value(std::string_view value);  // throws Error (400)

  Bytes der() const;
  std::string pem() const;
  // Upper-case hex, no leading zeros: "49BA5C71".
  std::string serial_hex() const;
  Bytes sha256_fingerprint() const;
  // base64url(SHA-256(DER)) without padding: the JOSE "x5t#S256".
  std::string x5t_s256() const;
  // base64url(SHA-1(DER)): JOSE "x5t".
  std::string x5t_sha1() const;
  // RFC 2253 distinguished names.
  std::string subject() const;
  std::string issuer() const;
  std::optional<std::string> common_name() const;
  std::optional<std::string> organization_identifier() const;  // 2.5.4.97
  std::optional<Psd2Statement> psd2() const;
  std::optional<QcType> qc_type() const;
  TimePoint not_before() const;
  TimePoint not_after() const;
  bool is_ca() const;
  // The subject public key. Read once and shared by all copies of this certificate, with the
  // key's prepared verification contexts (throws Error when the key cannot be read).
  PublicKey public_key() const;
  X509* native() const { return cert_.get(); }
  bool operator==(const Certificate& other) const;  // same DER

 private:
  struct KeyCache;
  std::shared_ptr<X509> cert_;
  std::shared_ptr<KeyCache> key_cache_;
};

}  // namespace sandbank::crypto
