#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/clock.hpp"
#include "crypto/certificate.hpp"
#include "crypto/pki.hpp"
#include "http/message.hpp"
#include "store/store.hpp"

namespace sandbank::app {

// Who is on the other end of an mTLS connection, as the API handlers see it.
struct ClientIdentity {
  crypto::Certificate certificate;
  std::string serial_hex;
  std::string fingerprint;  // x5t#S256
  std::optional<std::string> organization_identifier;
  std::vector<crypto::Psd2Role> roles;
  bool lifespan_exceeded = false;  // valid longer than ING's 39 months (crypto::lifespan_exceeds)
};

// Decides whether a TLS client certificate may use the API: present, chaining to a trusted
// CA (the sandbox CA plus --trust bundles), within its validity, not revoked. Rejections are
// 401 errors with detail codes mtls.certificate_missing / mtls.certificate_untrusted /
// mtls.certificate_revoked / mtls.certificate_lifespan / mtls.certificate_chain_too_long
// (more certificates than the listener keeps), so a newcomer reads what mutual TLS wants
// instead of a TLS alert. Revocations made by another process (`sandbank certs revoke`) take effect
// on the next request: the revoked set is reloaded whenever the store's change counter moves.
class ClientAuthenticator {
 public:
  // max_chain: the listener's http::Limits::max_client_chain, for the message that refuses a
  // longer chain.
  ClientAuthenticator(std::shared_ptr<const crypto::TrustStore> trust, store::Store& store,
                      const Clock& clock, std::size_t max_chain = 10);

  // The client of an API request: its certificate and intermediates as the connection parsed
  // them, once for all its requests.
  std::shared_ptr<const ClientIdentity> authenticate(const http::Request& request);

  // The identity is shared with the authenticator's cache (not copied per request).
  std::shared_ptr<const ClientIdentity> authenticate(
      const std::shared_ptr<const crypto::Certificate>& leaf,
      const std::vector<crypto::Certificate>& intermediates);

 private:
  bool is_revoked(const std::string& fingerprint);
  // authenticate(request) without the request inspector's mTLS verdict.
  std::shared_ptr<const ClientIdentity> authenticate_unrecorded(const http::Request& request);

  std::shared_ptr<const crypto::TrustStore> trust_;
  store::Store& store_;
  const Clock& clock_;
  const std::size_t max_chain_;

  std::mutex mutex_;
  std::uint64_t revocations_seen_at_ = ~std::uint64_t{0};
  std::unordered_set<std::string> revoked_;
  struct Verdict {
    bool trusted;
    std::string reason;
    TimePoint checked_at;
  };
  std::unordered_map<std::string, Verdict> verdicts_;
  // The identity (fingerprint, serial, organization, PSD2 roles) read from each connection's
  // certificate object, so the requests of a keep-alive connection hash and parse it once.
  // Keyed by address; the weak_ptr tells a live object from a new one at a reused address.
  // Revocation and the chain verdict are still checked on every request.
  struct KnownLeaf {
    std::weak_ptr<const crypto::Certificate> leaf;
    std::shared_ptr<const ClientIdentity> identity;
  };
  std::unordered_map<const crypto::Certificate*, KnownLeaf> identities_;
  std::shared_ptr<const ClientIdentity> identity_of(
      const std::shared_ptr<const crypto::Certificate>& leaf);
};

}  // namespace sandbank::app
