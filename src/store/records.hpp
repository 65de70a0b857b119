#pragma once

#include <string>
#include <vector>

#include "core/clock.hpp"

// Domain records the repositories store and return. Plain values: no behaviour, no
// database types. Timestamps round-trip with microsecond precision (finer parts are
// dropped on the way in).
namespace sandbank::store {

// One certificate an application registered: "tls" for mTLS, "sign" for HTTP/JWS signatures.
struct RegisteredKey {
  std::string use;  // "tls" | "sign"
  std::string certificate_pem;
  std::string fingerprint_sha256;  // x5t#S256, base64url without padding
  std::string serial_hex;

  friend bool operator==(const RegisteredKey&, const RegisteredKey&) = default;
};

// A TPP application registered through dynamic client registration (or seeded).
struct Application {
  std::string client_id;
  std::string contact;
  std::vector<std::string> redirect_uris;
  std::vector<RegisteredKey> keys;  // order is kept
  std::string organization_identifier;
  std::vector<std::string> roles;  // "PSP_AI", "PSP_PI", "PSP_IC", ...
  // True once the TPP registered redirect URIs itself (POST or PUT /oauth2/applications with a
  // non-empty redirect_uris); the pre-registered sandbox application never did. ING's migration
  // guide: such an application exchanging a code of the legacy flow must send redirect_uri.
  bool redirect_uris_registered = false;
  TimePoint created_at;
  TimePoint updated_at;

  friend bool operator==(const Application&, const Application&) = default;
};

// A certificate revoked with `sandbank certs revoke`.
struct RevokedCertificate {
  std::string fingerprint_sha256;
  std::string serial_hex;
  std::string subject;
  TimePoint revoked_at;

  friend bool operator==(const RevokedCertificate&, const RevokedCertificate&) = default;
};

}  // namespace sandbank::store
