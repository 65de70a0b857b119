// Request::client_certificate(): the only part of src/http that needs sandbank_crypto.
#include "crypto/certificate.hpp"
#include "http/message.hpp"

namespace sandbank::http {

std::shared_ptr<const crypto::Certificate> Request::client_certificate() const {
  if (client_chain_der.empty()) return nullptr;
  if (!client_certificate_cache) {
    client_certificate_cache = std::make_shared<detail::ClientCertificateCache>();
  }
  auto& cache = *client_certificate_cache;
  std::call_once(cache.once, [&] {
    try {
      cache.certificate = std::make_shared<const crypto::Certificate>(
          crypto::Certificate::from_der(std::span<const std::uint8_t>(client_chain_der.front())));
    } catch (const std::exception&) {
      // The TLS stack parsed it already, so this does not happen in practice; the caller sees
      // "no usable certificate".
      cache.certificate = nullptr;
    }
  });
  return cache.certificate;
}

}  // namespace sandbank::http
