// Request::client_certificate(): the only part of src/http that needs sandbank_crypto.
#include "crypto/certificate.hpp"
#include "http/message.hpp"

namespace sandbank::http {

namespace {

const detail::ClientCertificateCache& parsed_chain(const Request& request) {
  if (!request.client_certificate_cache) {
    request.client_certificate_cache = std::make_shared<detail::ClientCertificateCache>();
  }
  auto& cache = *request.client_certificate_cache;
  std::call_once(cache.once, [&] {
    const auto& chain = request.client_chain_der;
    // The TLS stack parsed every certificate already, so none fails here in practice; one that
    // does is left out (a leaf: the caller sees "no usable certificate").
    if (!chain.empty()) {
      try {
        cache.certificate = std::make_shared<const crypto::Certificate>(
            crypto::Certificate::from_der(std::span<const std::uint8_t>(chain.front())));
      } catch (const std::exception&) {
        cache.certificate = nullptr;
      }
    }
    auto intermediates = std::make_shared<std::vector<crypto::Certificate>>();
    for (std::size_t i = 1; i < chain.size(); ++i) {
      try {
        intermediates->push_back(
            crypto::Certificate::from_der(std::span<const std::uint8_t>(chain[i])));
      } catch (const std::exception&) {
      }
    }
    cache.intermediates = std::move(intermediates);
  });
  return cache;
}

}  // namespace

std::shared_ptr<const crypto::Certificate> Request::client_certificate() const {
  if (client_chain_der.empty()) return nullptr;
  return parsed_chain(*this).certificate;
}

const std::vector<crypto::Certificate>& Request::client_intermediates() const {
  static const std::vector<crypto::Certificate> kNone;
  if (client_chain_der.size() < 2) return kNone;
  return *parsed_chain(*this).intermediates;
}

}  // namespace sandbank::http
