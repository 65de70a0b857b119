#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/certificate.hpp"
#include "crypto/keys.hpp"

namespace sandbank::crypto {

enum class CertificateProfile {
  RootCa,  // self-signed sandbox root: basicConstraints CA:TRUE, keyCertSign, cRLSign
  Server,  // TLS server: serverAuth, SANs
  Qwac,    // TPP TLS client ("website authentication"): clientAuth, QcType web, PSD2 statement
  Qsealc,  // TPP electronic seal for signing: nonRepudiation, QcType eseal, PSD2 statement
};

struct IssueRequest {
  CertificateProfile profile = CertificateProfile::Qsealc;
  std::string common_name;
  std::string organization;             // O
  std::string organizational_unit;      // OU, optional
  std::string country = "NL";           // C
  std::string organization_identifier;  // 2.5.4.97, e.g. "PSDNL-SBX-1234512345"
  std::vector<Psd2Role> roles;          // PSD2 statement (Qwac, Qsealc)
  // eIDAS qualified (QcCompliance and QcType beside the PSD2 statement). UK Open Banking
  // certificates (OBWac/OBSeal) are not qualified: the PSD2 statement alone.
  bool qualified = true;
  std::string nca_name = "Sandbank Test NCA";
  std::string nca_id = "NL-SBX";
  std::vector<std::string> dns_names;  // SANs (Server)
  std::vector<std::string> ip_addresses;
  std::optional<Bytes> serial;  // big-endian; random 16 bytes when absent
  TimePoint not_before;
  TimePoint not_after;
};

// Issues a certificate for `subject_key` signed by `issuer_key` (SHA-256).
// For RootCa pass issuer = nullopt (self-signed with subject_key).
Certificate issue_certificate(const IssueRequest& request, const PublicKey& subject_key,
                              const std::optional<Certificate>& issuer,
                              const PrivateKey& issuer_key);

// ING's production prerequisite: "The certificate lifespan must not exceed 39 months."
inline constexpr int kMaxLifespanMonths = 39;
// Whether notAfter lies more than `months` calendar months after notBefore (a day that the
// later month lacks counts as its last day: 31 May + 1 month is 30 June).
bool lifespan_exceeds(const Certificate& certificate, int months = kMaxLifespanMonths);

// Chain verification against a set of trust anchors, reporting why it failed.
class TrustStore {
 public:
  TrustStore();
  ~TrustStore();
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  void add(const Certificate& anchor);
  void add_pem_file(const std::string& path);  // every certificate in a bundle

  struct Result {
    bool ok = false;
    std::string reason;  // OpenSSL's verify error string when !ok ("certificate has expired")
    int openssl_error = 0;
  };
  // Verifies leaf (with optional intermediates) at time `at`.
  Result verify(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                TimePoint at) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sandbank::crypto
