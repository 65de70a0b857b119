#pragma once

// Every detail code the oauth layer emits (Error::code(), the "detail" of error bodies and the
// access log): one catalogue per layer, so that a code is spelled once and cannot be
// mistyped. The values are part of the contract (tests and TPPs match on them).
namespace sandbank::oauth::codes {

inline constexpr char kDcrApplicationUnknown[] = "dcr.application_unknown";
inline constexpr char kDcrCertificateExpired[] = "dcr.certificate_expired";
inline constexpr char kDcrCertificateRegisteredElsewhere[] = "dcr.certificate_registered_elsewhere";
inline constexpr char kDcrCertificateRevoked[] = "dcr.certificate_revoked";
inline constexpr char kDcrCertificateUntrusted[] = "dcr.certificate_untrusted";
inline constexpr char kDcrCertificateWithoutRoles[] = "dcr.certificate_without_roles";
inline constexpr char kDcrConnectionNotRegistered[] = "dcr.connection_not_registered";
inline constexpr char kDcrContactMissing[] = "dcr.contact_missing";
inline constexpr char kDcrKeysIncomplete[] = "dcr.keys_incomplete";
inline constexpr char kDcrNotYourApplication[] = "dcr.not_your_application";
inline constexpr char kDcrOrganizationMismatch[] = "dcr.organization_mismatch";
inline constexpr char kDcrOrganizationMissing[] = "dcr.organization_missing";
inline constexpr char kDcrRedirectUriInvalid[] = "dcr.redirect_uri_invalid";
inline constexpr char kDcrSignatureCertificateNotRegistered[] =
    "dcr.signature_certificate_not_registered";
inline constexpr char kDcrTlsKeyInUse[] = "dcr.tls_key_in_use";
inline constexpr char kGrantCodeClientMismatch[] = "grant.code_client_mismatch";
inline constexpr char kGrantCodeExpired[] = "grant.code_expired";
inline constexpr char kGrantCodeReused[] = "grant.code_reused";
inline constexpr char kGrantCodeUnknown[] = "grant.code_unknown";
inline constexpr char kGrantRedirectUriMismatch[] = "grant.redirect_uri_mismatch";
inline constexpr char kGrantRefreshClientMismatch[] = "grant.refresh_client_mismatch";
inline constexpr char kGrantRefreshExpired[] = "grant.refresh_expired";
inline constexpr char kGrantRefreshRevoked[] = "grant.refresh_revoked";
inline constexpr char kGrantRefreshUnknown[] = "grant.refresh_unknown";
inline constexpr char kGrantingReferenceExpired[] = "granting.reference_expired";
inline constexpr char kGrantingReferenceUnknown[] = "granting.reference_unknown";
inline constexpr char kGrantingReferenceUsed[] = "granting.reference_used";
inline constexpr char kRequestRedirectUriInvalid[] = "request.redirect_uri_invalid";
inline constexpr char kRequestRedirectUriMissing[] = "request.redirect_uri_missing";
inline constexpr char kRequestRedirectUriNone[] = "request.redirect_uri_none";
inline constexpr char kRevokeNotYourToken[] = "revoke.not_your_token";
inline constexpr char kScopeNotAllowed[] = "scope.not_allowed";
inline constexpr char kScopeUnknown[] = "scope.unknown";
inline constexpr char kTokenCertificateMismatch[] = "token.certificate_mismatch";
inline constexpr char kTokenExpired[] = "token.expired";
inline constexpr char kTokenInsufficientScope[] = "token.insufficient_scope";
inline constexpr char kTokenMissing[] = "token.missing";
inline constexpr char kTokenRevoked[] = "token.revoked";
inline constexpr char kTokenUnknown[] = "token.unknown";
inline constexpr char kTokenWrongKind[] = "token.wrong_kind";

}  // namespace sandbank::oauth::codes
