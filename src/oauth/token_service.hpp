#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/generation_cache.hpp"
#include "core/random.hpp"
#include "store/store.hpp"

// Access and refresh tokens: issuing (the grants of POST /oauth2/token), validating (every
// later call), refreshing and revoking. Tokens are opaque random strings (256 bits), stored
// only as SHA-256 hashes and bound to the x5t#S256 of the TLS certificate of the connection
// that obtained them (RFC 8705).
namespace sandbank::oauth {

// Where an authorization code came from (store::AuthorizationCode::flow).
inline constexpr std::string_view kAuthorizeFlow = "authorize";  // GET /authorize/v2
inline constexpr std::string_view kLegacyFlow = "legacy";        // authorization-server-url

enum class TokenKind {
  ApplicationMtls,    // client_credentials over mTLS only: /oauth2/applications*, JWS PIS
  ApplicationSigned,  // client_credentials with an HTTP Signature: code exchange, AIS, ...
  Customer,           // authorization_code / refresh_token: AIS, CAF, PIS on behalf of a customer
  Refresh,
};
std::string_view kind_name(TokenKind kind);  // "application_mtls", ...
std::optional<TokenKind> kind_from_name(std::string_view name);
// How an error message names the kind a call needs ("an mTLS-only application token").
std::string_view kind_description(TokenKind kind);

struct TokenSettings {
  Seconds application_lifetime{900};
  Seconds application_expires_in{905};  // what responses say (ING answers 905)
  Seconds customer_lifetime{900};
  Seconds refresh_lifetime{2592000};
  Seconds code_lifetime{600};
  Seconds consent_lifetime{90 * 24 * 3600};
  // A reference of GET /oauth2/authorization-server-url (the legacy granting flow).
  Seconds reference_lifetime{900};
  std::size_t cache_limit = 100000;
};

struct ApplicationToken {
  std::string access_token;
  Seconds expires_in{0};
  std::string scope;
  std::string client_id;
};

struct CustomerToken {
  std::string access_token;
  std::string refresh_token;  // empty on refresh (refresh tokens are not rotated)
  Seconds expires_in{0};
  std::string scope;
  Seconds refresh_expires_in{0};
};

// A token that passed validation.
struct ValidToken {
  store::TokenRecord record;
  TokenKind kind;
};

// The 401 of an expired access token, and the error of a consent that is no longer valid
// (`state`: "expired", "revoked", "unknown"; `grant`: the token endpoint's grant.consent_*
// instead of the API's consent.*), as validation throws them. The X-Sandbank-Scenario outcomes
// token-expired and consent-expired (api/scenario.hpp) answer with these same errors.
Error token_expired_error();
Error consent_error(const std::string& consent_id, std::string_view state, bool grant);

// Error detail codes (sandbank::Error):
//  401 token.missing, token.unknown, token.expired, token.revoked, token.certificate_mismatch,
//      token.wrong_kind, token.client_mismatch, consent.expired, consent.revoked
//  403 token.insufficient_scope
//  400 grant.code_unknown, grant.code_expired, grant.code_reused, grant.code_client_mismatch,
//      grant.redirect_uri_mismatch, grant.refresh_unknown,
//      grant.refresh_expired, grant.refresh_revoked, grant.refresh_client_mismatch,
//      grant.consent_expired, grant.consent_revoked, revoke.not_your_token
//  400 request.redirect_uri_missing (RFC 6749 invalid_request): a code of the legacy flow
//      exchanged without redirect_uri by an application that registered its redirect URIs
//  400 granting.reference_unknown, granting.reference_expired, granting.reference_used
//  (prefix grant. = RFC 6749 invalid_grant; scope.* = invalid_scope, see scopes.hpp)
class TokenService {
 public:
  TokenService(store::Store& store, const Clock& clock, RandomSource& random,
               TokenSettings settings = {});

  // grant_type=client_credentials. `scope` are the already granted scopes.
  ApplicationToken issue_application_token(const store::Application& application, TokenKind kind,
                                           const std::vector<std::string>& scope,
                                           const std::string& certificate_thumbprint);

  // grant_type=authorization_code. `redirect_uri` as sent (nullopt when absent): optional, and
  // when sent it must name the URI the code was issued for (oauth/redirect_uri.hpp); required
  // for a code of the legacy flow when the application registered its redirect URIs itself
  // (ING's migration guide). A code used a second time fails and revokes every token issued
  // from it (RFC 6749 §4.1.2).
  CustomerToken exchange_code(const store::Application& application, std::string_view code,
                              std::optional<std::string_view> redirect_uri,
                              const std::string& certificate_thumbprint);

  // grant_type=refresh_token: a new access token of the same grant and scope.
  CustomerToken refresh(const store::Application& application, std::string_view refresh_token,
                        const std::string& certificate_thumbprint);

  // RFC 7009: unknown tokens are fine (no error); a token of another application is refused
  // (400 revoke.not_your_token). Revoking a refresh token revokes its whole grant.
  void revoke(const store::Application& application, std::string_view token);

  // Checks a bearer token presented over a connection whose TLS certificate has
  // `certificate_thumbprint`: known, not expired, not revoked, bound to that certificate and
  // of kind `required`. Cached: a token seen recently costs no database round trip; revoked
  // tokens leave the cache at once (this process) or on the next call after the store's
  // change counter moved (other processes).
  ValidToken validate(std::string_view token, std::string_view certificate_thumbprint,
                      TokenKind required);
  // validate() on a listener that asks for no client certificate (the consent app's
  // grantssupport API on the web listener): every check but the certificate binding, which
  // cannot be made there.
  ValidToken validate_without_binding(std::string_view token, TokenKind required);

  // A customer token and its consent, which must be valid and, when `required_scope` is not
  // empty, grant that scope.
  struct CustomerAccess {
    ValidToken token;
    store::Consent consent;
  };
  CustomerAccess validate_customer(std::string_view token, std::string_view certificate_thumbprint,
                                   std::string_view required_scope = {});
  // The second half of validate_customer for a token validate() has just accepted: its
  // consent (valid, not expired) and, when `required_scope` is not empty, that scope. Same
  // errors as validate_customer. Consents are cached until the store's change counter (as
  // validate() syncs it on every call) moves, so a revoked consent is refused on the next call.
  store::Consent customer_consent(const ValidToken& token, std::string_view required_scope = {});

  // The store's change counter as of the latest validate(). A cache of other store data
  // (applications, ...) filled after reading this value is current while it stays the same.
  std::uint64_t store_generation();

  const TokenSettings& settings() const { return settings_; }
  // For tests and the benchmark: validations answered from the cache / from the store.
  std::uint64_t cache_hits() const { return hits_; }
  std::uint64_t cache_misses() const { return misses_; }

  // Lower-case hex SHA-256 of a token or code.
  static std::string hash(std::string_view secret);

 private:
  ValidToken check_token(std::string_view token, const std::string_view* thumbprint,
                         TokenKind required);
  std::string new_token(const std::string& kind, const std::string& client_id,
                        const std::string& scope, const std::string& consent_id,
                        const std::string& grant_id, const std::string& thumbprint,
                        Seconds lifetime);
  std::optional<store::TokenRecord> lookup(const std::string& token_hash);
  void sync_revocations();
  void evict(const std::string& token_hash);
  void evict_grant(const std::string& grant_id);
  store::Consent valid_consent(const std::string& consent_id, std::string_view code_prefix,
                               bool cached = false);

  store::Store& store_;
  const Clock& clock_;
  RandomSource& random_;
  TokenSettings settings_;

  std::mutex mutex_;
  std::unordered_map<std::string, store::TokenRecord> cache_;
  // Consents by id, valid while the store's change counter (seen_counter_) stays the same.
  GenerationCache<std::string, store::Consent> consents_;
  std::uint64_t seen_counter_ = ~std::uint64_t{0};
  std::int64_t revocation_sequence_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

// Consents and authorization codes: what the customer authorization app creates when a
// customer approves a TPP, and what the code exchange consumes.
class Authorizations {
 public:
  Authorizations(store::Store& store, const Clock& clock, RandomSource& random,
                 TokenSettings settings = {});

  struct ConsentRequest {
    std::string client_id;
    std::string profile_id;
    std::string country;
    std::vector<std::string> account_ids;
    std::vector<std::string> scopes;
    std::string redirect_uri;
    // When set, instead of settings.consent_lifetime (test profiles whose scenario is
    // "consent_expires_early").
    std::optional<Seconds> lifetime;
  };
  // Stores a new consent (id a UUID, status "valid", lifetime settings.consent_lifetime).
  store::Consent create_consent(const ConsentRequest& request);

  // Issues a single-use code for the consent, valid settings.code_lifetime (10 minutes).
  // `redirect_uri` is the one the customer is sent back to; a code exchange that names a
  // redirect_uri must name this one. `flow` is kAuthorizeFlow or kLegacyFlow. Returns the code
  // (only its hash is stored).
  std::string issue_code(const store::Consent& consent, const std::string& redirect_uri,
                         const std::string& state, std::string_view flow = kAuthorizeFlow);

  // ING's pre-migration granting flow: GET /oauth2/authorization-server-url stores a reference
  // (settings.reference_lifetime) that the granting pages or the grantssupport API turn into
  // one code. `scopes` and `redirect_uri` already checked against the application.
  store::GrantingReference create_reference(const std::string& client_id,
                                            const std::vector<std::string>& scopes,
                                            const std::string& redirect_uri,
                                            const std::string& country);
  // The reference while it can still give a code; throws Error 400 granting.reference_unknown,
  // granting.reference_used or granting.reference_expired.
  store::GrantingReference active_reference(std::string_view reference);
  // Marks it used, once: throws granting.reference_used when another request did first.
  void use_reference(const std::string& reference);

  std::optional<store::Consent> consent(const std::string& id);
  void revoke_consent(const std::string& id);

 private:
  store::Store& store_;
  const Clock& clock_;
  RandomSource& random_;
  TokenSettings settings_;
};

}  // namespace sandbank::oauth
