#include "app/client_authenticator.hpp"

#include "app/codes.hpp"
#include "core/error.hpp"
#include "core/time_format.hpp"
#include "http/inspect.hpp"

namespace sandbank::app {
namespace {

// How long a chain verification result is reused for the same certificate.
constexpr auto kVerdictLifetime = std::chrono::seconds(60);

}  // namespace

ClientAuthenticator::ClientAuthenticator(std::shared_ptr<const crypto::TrustStore> trust,
                                         store::Store& store, const Clock& clock,
                                         std::size_t max_chain)
    : trust_(std::move(trust)), store_(store), clock_(clock), max_chain_(max_chain) {}

std::shared_ptr<const ClientIdentity> ClientAuthenticator::authenticate(
    const http::Request& request) {
  auto* trace = http::current_trace();
  if (!trace) return authenticate_unrecorded(request);
  try {
    auto identity = authenticate_unrecorded(request);
    trace->passed(http::kCheckMtls);
    trace->organisation = identity->organization_identifier.value_or("");
    trace->certificate_serial = identity->serial_hex;
    return identity;
  } catch (const Error& e) {
    trace->failed(http::kCheckMtls, e.code(), e.message());
    throw;
  }
}

std::shared_ptr<const ClientIdentity> ClientAuthenticator::authenticate_unrecorded(
    const http::Request& request) {
  if (request.client_chain_refused != 0) {
    throw Error::unauthorized(
        codes::kMtlsCertificateChainTooLong,
        "The TLS client sent a chain of " + std::to_string(request.client_chain_refused) +
            " certificates; this sandbox takes at most " + std::to_string(max_chain_) +
            ": the client certificate (QWAC) and the intermediate CAs that issued it, without "
            "the root CA or unrelated certificates");
  }
  return authenticate(request.client_certificate(), request.client_intermediates());
}

bool ClientAuthenticator::is_revoked(const std::string& fingerprint) {
  // Caller holds mutex_.
  auto counter = store_.change_counter();
  if (counter != revocations_seen_at_) {
    std::unordered_set<std::string> fresh;
    for (const auto& r : store_.revocations().list()) fresh.insert(r.fingerprint_sha256);
    revoked_.swap(fresh);
    revocations_seen_at_ = counter;
  }
  return revoked_.count(fingerprint) > 0;
}

// Caller holds mutex_.
std::shared_ptr<const ClientIdentity> ClientAuthenticator::identity_of(
    const std::shared_ptr<const crypto::Certificate>& leaf) {
  if (auto it = identities_.find(leaf.get()); it != identities_.end()) {
    if (it->second.leaf.lock() == leaf) return it->second.identity;
    identities_.erase(it);
  }
  auto id = std::make_shared<ClientIdentity>(ClientIdentity{
      *leaf, leaf->serial_hex(), leaf->x5t_s256(), leaf->organization_identifier(), {}});
  if (auto psd2 = leaf->psd2()) id->roles = psd2->roles;
  id->lifespan_exceeded = crypto::lifespan_exceeds(*leaf);
  if (identities_.size() >= 4096) {
    std::erase_if(identities_, [](const auto& entry) { return entry.second.leaf.expired(); });
    if (identities_.size() >= 4096) identities_.clear();
  }
  identities_.emplace(leaf.get(), KnownLeaf{leaf, id});
  return id;
}

std::shared_ptr<const ClientIdentity> ClientAuthenticator::authenticate(
    const std::shared_ptr<const crypto::Certificate>& leaf,
    const std::vector<crypto::Certificate>& intermediates) {
  if (!leaf) {
    throw Error::unauthorized(
        codes::kMtlsCertificateMissing,
        "This API needs mutual TLS: present your TLS client certificate (QWAC), for example "
        "curl --cert example_client_tls.cer --key example_client_tls.key");
  }
  auto now = clock_.now();
  std::lock_guard lock(mutex_);
  auto identity = identity_of(leaf);
  const ClientIdentity& id = *identity;
  if (is_revoked(id.fingerprint)) {
    throw Error::unauthorized(codes::kMtlsCertificateRevoked,
                              "The TLS client certificate with serial " + id.serial_hex +
                                  " has been revoked in this sandbox; issue a new one with "
                                  "`sandbank certs issue`");
  }
  if (id.lifespan_exceeded) {
    throw Error::unauthorized(
        codes::kMtlsCertificateLifespan,
        "The TLS client certificate (serial " + id.serial_hex + ") is valid from " +
            format_rfc3339(leaf->not_before()) + " to " + format_rfc3339(leaf->not_after()) +
            ": its lifespan exceeds the 39 months ING accepts for eIDAS and OBIE certificates");
  }
  // The verdict depends on the intermediates sent with the leaf: one connection without its
  // intermediate CA must not make the next one, with it, look untrusted.
  std::string key = id.fingerprint;
  for (const auto& intermediate : intermediates) {
    key += '|';
    key += intermediate.x5t_s256();
  }
  auto it = verdicts_.find(key);
  if (it == verdicts_.end() || now - it->second.checked_at > kVerdictLifetime ||
      now < it->second.checked_at) {
    auto result = trust_->verify(*leaf, intermediates, now);
    if (verdicts_.size() > 10000) verdicts_.clear();
    it = verdicts_.insert_or_assign(key, Verdict{result.ok, result.reason, now}).first;
  }
  if (!it->second.trusted) {
    throw Error::unauthorized(codes::kMtlsCertificateUntrusted,
                              "The TLS client certificate (serial " + id.serial_hex + ", issuer " +
                                  leaf->issuer() +
                                  ") is not trusted by this sandbox: " + it->second.reason +
                                  ". Use a certificate issued by the sandbox CA (certs/ca.cer) or "
                                  "start the sandbox with --trust YOUR_CA_BUNDLE");
  }
  return identity;
}

}  // namespace sandbank::app
