#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

// Records and repositories of the OAuth layer: issued tokens, authorization codes and
// customer consents. Secrets (tokens, codes) are stored only as hashes.
namespace sandbank::store {

// One issued access or refresh token.
struct TokenRecord {
  std::string token_hash;  // lower-case hex SHA-256 of the token
  std::string kind;        // "application_mtls" | "application_signed" | "customer" | "refresh"
  std::string client_id;
  std::string scope;                   // space separated
  std::string consent_id;              // customer and refresh tokens
  std::string grant_id;                // tokens issued from one code share it (empty otherwise)
  std::string certificate_thumbprint;  // x5t#S256 of the TLS certificate it is bound to
  TimePoint issued_at;
  TimePoint expires_at;
  std::optional<TimePoint> revoked_at;

  friend bool operator==(const TokenRecord&, const TokenRecord&) = default;
};

// An authorization code handed to the TPP's redirect_uri.
struct AuthorizationCode {
  std::string code_hash;  // lower-case hex SHA-256 of the code
  std::string client_id;
  std::string consent_id;
  // The redirect URI the code was issued for (given at /authorize or the application's only
  // one); empty for codes stored before migration 30 that had none given.
  std::string redirect_uri;
  std::string scope;
  std::string state;
  TimePoint created_at;
  TimePoint expires_at;
  std::optional<TimePoint> used_at;
  std::string grant_id;  // set on first use: the grant of the tokens issued from it
  // "authorize" (GET /authorize/v2, the guide's flow) or "legacy" (a reference of
  // GET /oauth2/authorization-server-url: the granting pages or the grantssupport API).
  std::string flow = "authorize";

  friend bool operator==(const AuthorizationCode&, const AuthorizationCode&) = default;
};

// A reference of ING's pre-migration granting flow: GET /oauth2/authorization-server-url
// hands it out inside the location it answers; the granting pages or the consent app's
// grantssupport API turn it into one code.
struct GrantingReference {
  std::string reference;  // opaque, unguessable (in the location's path)
  std::string client_id;
  std::string scope;         // space separated, as asked
  std::string redirect_uri;  // the redirect URI the codes go to
  std::string country;       // "" when none was asked
  TimePoint created_at;
  TimePoint expires_at;
  std::optional<TimePoint> used_at;

  friend bool operator==(const GrantingReference&, const GrantingReference&) = default;
};

// What a customer allowed a TPP application to do.
struct Consent {
  std::string id;
  std::string client_id;
  std::string profile_id;
  std::string country;
  std::vector<std::string> account_ids;
  std::vector<std::string> scopes;
  std::string redirect_uri;
  TimePoint created_at;
  TimePoint expires_at;
  std::string status;  // "valid" | "revoked" | "expired" | ...

  friend bool operator==(const Consent&, const Consent&) = default;
};

class TokenRepository {
 public:
  virtual ~TokenRepository() = default;
  // Throws Error 409 "store.conflict" when the hash exists.
  virtual void insert(const TokenRecord& token) = 0;
  virtual std::optional<TokenRecord> find(const std::string& token_hash) = 0;
  // Marks the token revoked (keeps the first revocation time); false when unknown.
  virtual bool revoke(const std::string& token_hash, TimePoint at) = 0;
  // Revokes every token of the grant; returns how many were revoked now.
  virtual int revoke_grant(const std::string& grant_id, TimePoint at) = 0;
  // Hashes of the tokens revoked after revocation number `after` (see revocation_sequence),
  // with the newest revocation number, so that caches can evict exactly those.
  struct Revocations {
    std::vector<std::string> token_hashes;
    std::int64_t sequence = 0;
  };
  virtual Revocations revoked_since(std::int64_t after) = 0;
};

class AuthorizationCodeRepository {
 public:
  virtual ~AuthorizationCodeRepository() = default;
  virtual void insert(const AuthorizationCode& code) = 0;
  virtual std::optional<AuthorizationCode> find(const std::string& code_hash) = 0;
  // Marks the code used by `grant_id` unless it was used before; true when this call did.
  virtual bool mark_used(const std::string& code_hash, const std::string& grant_id,
                         TimePoint at) = 0;
};

class GrantingReferenceRepository {
 public:
  virtual ~GrantingReferenceRepository() = default;
  // Throws Error 409 "store.conflict" when the reference exists.
  virtual void insert(const GrantingReference& reference) = 0;
  virtual std::optional<GrantingReference> find(const std::string& reference) = 0;
  // Marks the reference used unless it was used before; true when this call did.
  virtual bool mark_used(const std::string& reference, TimePoint at) = 0;
};

class ConsentRepository {
 public:
  virtual ~ConsentRepository() = default;
  // Throws Error 409 "store.conflict" when the id exists.
  virtual void insert(const Consent& consent) = 0;
  virtual std::optional<Consent> find(const std::string& id) = 0;
  // Throws Error 404 "store.not_found" when missing.
  virtual void set_status(const std::string& id, const std::string& status) = 0;
  // Oldest first.
  virtual std::vector<Consent> list_by_client(const std::string& client_id) = 0;
};

}  // namespace sandbank::store
