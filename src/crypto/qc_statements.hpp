#pragma once

// Internal to src/crypto: the QCStatements extension (RFC 3739, EN 319 412-5) with the PSD2
// statement (ETSI TS 119 495), read and written with one set of ASN.1 types.

#include <optional>
#include <vector>

#include "core/encoding.hpp"
#include "crypto/certificate.hpp"

namespace sandbank::crypto::qc {

struct Statements {
  bool compliance = false;            // QcCompliance 0.4.0.1862.1.1
  std::optional<QcType> type;         // QcType 0.4.0.1862.1.6 (first known value)
  std::optional<Psd2Statement> psd2;  // 0.4.0.19495.2
};

// Reads the qcStatements extension; nullopt when absent or malformed. Unknown statements,
// unknown QcType values and unknown role OIDs are skipped.
std::optional<Statements> read(X509* cert);

// DER of the extension value (a SEQUENCE OF QCStatement). Throws on an encoding failure.
Bytes encode(const Statements& statements);

const char* role_oid(Psd2Role role);
std::optional<Psd2Role> role_from_oid(std::string_view oid);

}  // namespace sandbank::crypto::qc
