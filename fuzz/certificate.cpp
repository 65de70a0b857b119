// Certificates as TPPs send them: the TPP-Signature-Certificate forms (one-line PEM, escaped
// newlines, percent-encoded, bare base64 DER), then what Sandbank reads from one: serial,
// subject, organizationIdentifier, the QCStatements with the PSD2 roles, fingerprints.
#include "crypto/certificate.hpp"

#include <string_view>

#include "fuzz_support.hpp"
#include "signing/tpp_certificate.hpp"

using namespace sandbank;

namespace {

void read_all(const crypto::Certificate& c) {
  (void)c.serial_hex();
  (void)c.subject();
  (void)c.issuer();
  (void)c.organization_identifier();
  (void)c.psd2();
  (void)c.qc_type();
  (void)c.x5t_s256();
  (void)crypto::lifespan_exceeds(c);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = signing::parse_tpp_certificate(text);
  if (parsed.certificate) read_all(*parsed.certificate);
  try {
    read_all(crypto::Certificate::from_der(Bytes(data, data + size)));
  } catch (const Error&) {
  }
  (void)signing::parse_serial_key_id(text);
  return 0;
}
