#include "oauth/token_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <unordered_map>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "crypto/hash.hpp"
#include "oauth/codes.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/scopes.hpp"

namespace sandbank::oauth {
namespace {

constexpr std::array<std::pair<TokenKind, std::string_view>, 4> kKinds{{
    {TokenKind::ApplicationMtls, "application_mtls"},
    {TokenKind::ApplicationSigned, "application_signed"},
    {TokenKind::Customer, "customer"},
    {TokenKind::Refresh, "refresh"},
}};

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

std::string_view kind_name(TokenKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<TokenKind> kind_from_name(std::string_view name) {
  for (const auto& [k, n] : kKinds) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::string_view kind_description(TokenKind kind) {
  switch (kind) {
    case TokenKind::ApplicationMtls:
      return "an mTLS-only application access token (grant_type=client_credentials&client_id=... "
             "without a signature)";
    case TokenKind::ApplicationSigned:
      return "an application access token obtained with an HTTP signature (Authorization: "
             "Signature keyId=SN=...)";
    case TokenKind::Customer:
      return "a customer access token (from the authorization code)";
    case TokenKind::Refresh:
      return "a refresh token";
  }
  return "a token";
}

std::string TokenService::hash(std::string_view secret) {
  return hex_encode(crypto::sha256(as_bytes(secret)));
}

namespace {

// hash() of the access tokens this thread has seen lately: a client sends the same token on
// every call, and the hash of a token never changes.
const std::string& remembered_hash(std::string_view token) {
  struct Hasher {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  thread_local std::unordered_map<std::string, std::string, Hasher, std::equal_to<>> hashes;
  if (auto it = hashes.find(token); it != hashes.end()) return it->second;
  if (hashes.size() >= 4096) hashes.clear();
  return hashes.emplace(std::string(token), TokenService::hash(token)).first->second;
}

}  // namespace

TokenService::TokenService(store::Store& store, const Clock& clock, RandomSource& random,
                           TokenSettings settings)
    : store_(store),
      clock_(clock),
      random_(random),
      settings_(settings),
      consents_(settings_.cache_limit) {}

std::string TokenService::new_token(const std::string& kind, const std::string& client_id,
                                    const std::string& scope, const std::string& consent_id,
                                    const std::string& grant_id, const std::string& thumbprint,
                                    Seconds lifetime) {
  std::string token = random_.token(32);
  store::TokenRecord record;
  record.token_hash = hash(token);
  record.kind = kind;
  record.client_id = client_id;
  record.scope = scope;
  record.consent_id = consent_id;
  record.grant_id = grant_id;
  record.certificate_thumbprint = thumbprint;
  record.issued_at = clock_.now();
  record.expires_at = record.issued_at + lifetime;
  store_.tokens().insert(record);
  return token;
}

ApplicationToken TokenService::issue_application_token(const store::Application& app,
                                                       TokenKind kind,
                                                       const std::vector<std::string>& scope,
                                                       const std::string& thumbprint) {
  ApplicationToken out;
  out.scope = join_scope(scope);
  out.client_id = app.client_id;
  out.expires_in = settings_.application_expires_in;
  out.access_token = new_token(std::string(kind_name(kind)), app.client_id, out.scope, "", "",
                               thumbprint, settings_.application_lifetime);
  return out;
}

Error token_expired_error() {
  return Error(401, codes::kTokenExpired, "The access token expired; request a new one");
}

Error consent_error(const std::string& consent_id, std::string_view state, bool grant) {
  const bool expired = state == "expired";
  return Error(grant ? 400 : 401,
               grant ? (expired ? "grant.consent_expired" : "grant.consent_revoked")
                     : (expired ? "consent.expired" : "consent.revoked"),
               expired ? "The customer's consent has expired; ask the customer to authorize again"
                       : "The customer's consent is no longer valid; ask the customer to "
                         "authorize again",
               fmt::format("The customer's consent {} is {}", consent_id, state));
}

store::Consent TokenService::valid_consent(const std::string& consent_id,
                                           std::string_view code_prefix, bool cached) {
  std::optional<store::Consent> consent;
  std::uint64_t generation = 0;
  if (cached) {
    // validate() has synced with the store's change counter for this call already.
    std::lock_guard lock(mutex_);
    if (seen_counter_ == ~std::uint64_t{0}) sync_revocations();
    generation = seen_counter_;
  }
  if (cached) {
    if (auto hit = consents_.find(consent_id, generation)) consent = *hit;
  }
  if (!consent) {
    consent = store_.consents().find(consent_id);
    // Kept only when no sync happened since the read began: a change committed meanwhile
    // then moves the counter and empties the cache on the next call.
    if (cached && consent) {
      consents_.insert(consent_id, std::make_shared<const store::Consent>(*consent), generation);
    }
  }
  if (!consent || consent->status != "valid" || clock_.now() >= consent->expires_at) {
    // One name per condition for the API (consent.*) and the token endpoint (grant.consent_*,
    // RFC 6749 invalid_grant).
    const bool expired = consent && consent->status == "valid";
    throw consent_error(consent_id,
                        !consent  ? std::string("unknown")
                        : expired ? "expired"
                                  : consent->status,
                        code_prefix == "grant");
  }
  return std::move(*consent);
}

CustomerToken TokenService::exchange_code(const store::Application& app, std::string_view code,
                                          std::optional<std::string_view> redirect_uri,
                                          const std::string& thumbprint) {
  auto code_hash = hash(code);
  auto record = store_.codes().find(code_hash);
  if (!record) {
    throw Error(400, codes::kGrantCodeUnknown, "The authorization code is unknown");
  }
  if (record->client_id != app.client_id) {
    throw Error(400, codes::kGrantCodeClientMismatch,
                "The authorization code was issued to another application");
  }
  auto now = clock_.now();
  auto reused = [&](const std::string& grant_id) {
    store_.tokens().revoke_grant(grant_id, now);
    evict_grant(grant_id);
    return Error(400, codes::kGrantCodeReused,
                 "The authorization code was used before; the tokens issued with it are revoked "
                 "(RFC 6749 section 4.1.2)");
  };
  if (record->used_at) throw reused(record->grant_id);
  if (now >= record->expires_at) {
    throw Error(400, codes::kGrantCodeExpired,
                fmt::format("The authorization code expired; codes live {} seconds",
                            settings_.code_lifetime.count()));
  }
  // redirect_uri is optional (the guide's step 3d sends none); when sent it must name the URI
  // the code was issued for. ING's migration guide: an application that registered redirect
  // URIs itself must send it for a code of the legacy granting flow.
  if (redirect_uri) {
    const bool same = record->redirect_uri.empty()
                          ? registered_redirect_uri(app.redirect_uris, *redirect_uri).has_value()
                          : same_redirect_uri(*redirect_uri, record->redirect_uri);
    if (!same) {
      throw Error(
          400, codes::kGrantRedirectUriMismatch,
          record->redirect_uri.empty()
              ? fmt::format("redirect_uri {} is not registered for the application",
                            std::string(redirect_uri->substr(0, 512)))
              : fmt::format("redirect_uri {} differs from {}, the redirect URI the code "
                            "was issued for (exact match; an empty path equals /)",
                            std::string(redirect_uri->substr(0, 512)), record->redirect_uri));
    }
  } else if (record->flow == kLegacyFlow && app.redirect_uris_registered) {
    throw Error(400, codes::kRequestRedirectUriMissing,
                fmt::format("redirect_uri is required: application {} registered its redirect "
                            "URIs with PUT /oauth2/applications/{} and this code comes from the "
                            "legacy granting flow (GET /oauth2/authorization-server-url). ING's "
                            "migration guide: when both flows are used, send redirect_uri on "
                            "POST /oauth2/token, or delete the registered redirect URIs",
                            app.client_id, app.client_id));
  }
  auto consent = valid_consent(record->consent_id, "grant");

  auto grant_id = random_.uuid();
  if (!store_.codes().mark_used(code_hash, grant_id, now)) {
    auto again = store_.codes().find(code_hash);
    throw reused(again ? again->grant_id : std::string());
  }
  CustomerToken out;
  out.scope = record->scope;
  out.expires_in = settings_.customer_lifetime;
  out.refresh_expires_in = settings_.refresh_lifetime;
  out.access_token = new_token("customer", app.client_id, out.scope, consent.id, grant_id,
                               thumbprint, settings_.customer_lifetime);
  out.refresh_token = new_token("refresh", app.client_id, out.scope, consent.id, grant_id,
                                thumbprint, settings_.refresh_lifetime);
  return out;
}

CustomerToken TokenService::refresh(const store::Application& app, std::string_view refresh_token,
                                    const std::string& thumbprint) {
  auto record = store_.tokens().find(hash(refresh_token));
  if (!record || record->kind != "refresh") {
    throw Error(400, codes::kGrantRefreshUnknown, "The refresh token is unknown");
  }
  if (record->client_id != app.client_id) {
    throw Error(400, codes::kGrantRefreshClientMismatch,
                "The refresh token was issued to another application");
  }
  if (record->revoked_at)
    throw Error(400, codes::kGrantRefreshRevoked, "The refresh token is revoked");
  if (clock_.now() >= record->expires_at) {
    throw Error(400, codes::kGrantRefreshExpired, "The refresh token expired");
  }
  auto consent = valid_consent(record->consent_id, "grant");
  CustomerToken out;
  out.scope = record->scope;
  out.expires_in = settings_.customer_lifetime;
  out.access_token = new_token("customer", app.client_id, out.scope, consent.id, record->grant_id,
                               thumbprint, settings_.customer_lifetime);
  return out;
}

void TokenService::revoke(const store::Application& app, std::string_view token) {
  auto token_hash = hash(token);
  auto record = store_.tokens().find(token_hash);
  if (!record) return;
  if (record->client_id != app.client_id) {
    throw Error(400, codes::kRevokeNotYourToken,
                "The token was issued to another application; it was not revoked");
  }
  auto now = clock_.now();
  store_.tokens().revoke(token_hash, now);
  evict(token_hash);
  if (record->kind == "refresh") {
    store_.tokens().revoke_grant(record->grant_id, now);
    evict_grant(record->grant_id);
  }
}

void TokenService::evict(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  cache_.erase(token_hash);
}

void TokenService::evict_grant(const std::string& grant_id) {
  if (grant_id.empty()) return;
  std::lock_guard lock(mutex_);
  std::erase_if(cache_, [&](const auto& entry) { return entry.second.grant_id == grant_id; });
}

// Called with mutex_ held.
void TokenService::sync_revocations() {
  auto counter = store_.change_counter();
  if (counter == seen_counter_) return;
  if (seen_counter_ == ~std::uint64_t{0}) {
    // First use: nothing is cached yet; start from the newest revocation.
    revocation_sequence_ = store_.tokens().revoked_since(0).sequence;
  } else {
    auto revoked = store_.tokens().revoked_since(revocation_sequence_);
    for (const auto& h : revoked.token_hashes) cache_.erase(h);
    revocation_sequence_ = revoked.sequence;
  }
  seen_counter_ = counter;  // which also empties consents_ on its next use
}

std::optional<store::TokenRecord> TokenService::lookup(const std::string& token_hash) {
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    sync_revocations();
    generation = seen_counter_;
    auto it = cache_.find(token_hash);
    if (it != cache_.end()) {
      ++hits_;
      return it->second;
    }
    ++misses_;
  }
  auto record = store_.tokens().find(token_hash);
  if (record && !record->revoked_at) {
    std::lock_guard lock(mutex_);
    // Not when another thread synced meanwhile: that sync may have passed over a revocation
    // this (older) read does not show yet.
    if (seen_counter_ == generation) {
      if (cache_.size() >= settings_.cache_limit) cache_.clear();
      cache_.emplace(token_hash, *record);
    }
  }
  return record;
}

ValidToken TokenService::validate(std::string_view token, std::string_view thumbprint,
                                  TokenKind required) {
  return check_token(token, &thumbprint, required);
}

ValidToken TokenService::validate_without_binding(std::string_view token, TokenKind required) {
  return check_token(token, nullptr, required);
}

ValidToken TokenService::check_token(std::string_view token, const std::string_view* thumbprint,
                                     TokenKind required) {
  if (token.empty()) {
    throw Error(401, codes::kTokenMissing,
                fmt::format("An access token is required (Authorization: Bearer ...): {}",
                            kind_description(required)));
  }
  auto record = lookup(remembered_hash(token));
  if (!record) throw Error(401, codes::kTokenUnknown, "The access token is unknown");
  auto kind = kind_from_name(record->kind);
  if (!kind || *kind == TokenKind::Refresh) {
    throw Error(401, codes::kTokenUnknown, "A refresh token is not an access token");
  }
  if (record->revoked_at) throw Error(401, codes::kTokenRevoked, "The access token is revoked");
  if (clock_.now() >= record->expires_at) {
    throw token_expired_error();
  }
  if (thumbprint != nullptr && record->certificate_thumbprint != *thumbprint) {
    throw Error(401, codes::kTokenCertificateMismatch,
                "The access token is bound to another TLS client certificate than the one of "
                "this connection (RFC 8705)");
  }
  if (*kind != required) {
    throw Error(401, codes::kTokenWrongKind,
                fmt::format("This call needs {}, but the token is {}", kind_description(required),
                            kind_description(*kind)));
  }
  return ValidToken{std::move(*record), *kind};
}

TokenService::CustomerAccess TokenService::validate_customer(std::string_view token,
                                                             std::string_view thumbprint,
                                                             std::string_view required_scope) {
  auto valid = validate(token, thumbprint, TokenKind::Customer);
  auto consent = customer_consent(valid, required_scope);
  return CustomerAccess{std::move(valid), std::move(consent)};
}

store::Consent TokenService::customer_consent(const ValidToken& token,
                                              std::string_view required_scope) {
  auto consent = valid_consent(token.record.consent_id, "token", true);
  if (!required_scope.empty() && !contains(split_scope(token.record.scope), required_scope)) {
    throw Error(403, codes::kTokenInsufficientScope,
                fmt::format("The customer token does not grant the scope {}", required_scope));
  }
  return consent;
}

std::uint64_t TokenService::store_generation() {
  std::lock_guard lock(mutex_);
  return seen_counter_;
}

Authorizations::Authorizations(store::Store& store, const Clock& clock, RandomSource& random,
                               TokenSettings settings)
    : store_(store), clock_(clock), random_(random), settings_(settings) {}

store::Consent Authorizations::create_consent(const ConsentRequest& request) {
  store::Consent consent;
  consent.id = random_.uuid();
  consent.client_id = request.client_id;
  consent.profile_id = request.profile_id;
  consent.country = request.country;
  consent.account_ids = request.account_ids;
  consent.scopes = request.scopes;
  consent.redirect_uri = request.redirect_uri;
  consent.created_at = clock_.now();
  consent.expires_at =
      consent.created_at +
      request.lifetime.value_or(std::chrono::duration_cast<Seconds>(settings_.consent_lifetime));
  consent.status = "valid";
  store_.consents().insert(consent);
  return consent;
}

std::string Authorizations::issue_code(const store::Consent& consent,
                                       const std::string& redirect_uri, const std::string& state,
                                       std::string_view flow) {
  std::string code = random_.token(32);
  store::AuthorizationCode record;
  record.code_hash = TokenService::hash(code);
  record.client_id = consent.client_id;
  record.consent_id = consent.id;
  record.redirect_uri = redirect_uri;
  record.scope = join_scope(consent.scopes);
  record.state = state;
  record.created_at = clock_.now();
  record.expires_at = record.created_at + settings_.code_lifetime;
  record.flow = std::string(flow);
  store_.codes().insert(record);
  return code;
}

store::GrantingReference Authorizations::create_reference(const std::string& client_id,
                                                          const std::vector<std::string>& scopes,
                                                          const std::string& redirect_uri,
                                                          const std::string& country) {
  store::GrantingReference reference;
  reference.reference = random_.hex(32);
  reference.client_id = client_id;
  reference.scope = join_scope(scopes);
  reference.redirect_uri = redirect_uri;
  reference.country = country;
  reference.created_at = clock_.now();
  reference.expires_at = reference.created_at + settings_.reference_lifetime;
  store_.granting_references().insert(reference);
  return reference;
}

store::GrantingReference Authorizations::active_reference(std::string_view reference) {
  std::optional<store::GrantingReference> found;
  if (!reference.empty() && reference.size() <= 128) {
    found = store_.granting_references().find(std::string(reference));
  }
  if (!found) {
    throw Error(400, codes::kGrantingReferenceUnknown,
                "This granting reference is unknown; ask GET /oauth2/authorization-server-url "
                "for a new location");
  }
  if (found->used_at) {
    throw Error(400, codes::kGrantingReferenceUsed,
                "This granting reference was used already: each location of "
                "GET /oauth2/authorization-server-url gives one authorization code");
  }
  if (clock_.now() >= found->expires_at) {
    throw Error(400, codes::kGrantingReferenceExpired,
                fmt::format("This granting reference expired; references live {} seconds",
                            settings_.reference_lifetime.count()));
  }
  return std::move(*found);
}

void Authorizations::use_reference(const std::string& reference) {
  if (!store_.granting_references().mark_used(reference, clock_.now())) {
    throw Error(400, codes::kGrantingReferenceUsed,
                "This granting reference was used already: each location of "
                "GET /oauth2/authorization-server-url gives one authorization code");
  }
}

std::optional<store::Consent> Authorizations::consent(const std::string& id) {
  return store_.consents().find(id);
}

void Authorizations::revoke_consent(const std::string& id) {
  store_.consents().set_status(id, "revoked");
}

}  // namespace sandbank::oauth
