#pragma once

// Every detail code the app layer emits (Error::code(), the "detail" of error bodies and the
// access log): one catalogue per layer, so that a code is spelled once and cannot be
// mistyped. The values are part of the contract (tests and TPPs match on them).
namespace sandbank::app::codes {

inline constexpr char kCertsNoRoles[] = "certs.no_roles";
inline constexpr char kCertsUnknownRole[] = "certs.unknown_role";
inline constexpr char kConfigInvalid[] = "config.invalid";
inline constexpr char kConfigListenAddress[] = "config.listen_address";
inline constexpr char kConfigProfilesUnreadable[] = "config.profiles_unreadable";
inline constexpr char kDataDamaged[] = "data.damaged";
inline constexpr char kDataMissing[] = "data.missing";
inline constexpr char kDataWriteFailed[] = "data.write_failed";
inline constexpr char kInspectorDisabled[] = "inspector.disabled";
inline constexpr char kInspectorFilterInvalid[] = "inspector.filter_invalid";
inline constexpr char kInspectorLinkInvalid[] = "inspector.link_invalid";
inline constexpr char kInspectorNoOrganisation[] = "inspector.no_organisation";
inline constexpr char kInspectorNotFound[] = "inspector.not_found";
inline constexpr char kMtlsCertificateChainTooLong[] = "mtls.certificate_chain_too_long";
inline constexpr char kMtlsCertificateLifespan[] = "mtls.certificate_lifespan";
inline constexpr char kMtlsCertificateMissing[] = "mtls.certificate_missing";
inline constexpr char kMtlsCertificateRevoked[] = "mtls.certificate_revoked";
inline constexpr char kMtlsCertificateUntrusted[] = "mtls.certificate_untrusted";
inline constexpr char kTppAuthorizationRefused[] = "tpp.authorization_refused";
inline constexpr char kTppBodyUnreadable[] = "tpp.body_unreadable";
inline constexpr char kTppCodeMissing[] = "tpp.code_missing";
inline constexpr char kTppInspectorUnavailable[] = "tpp.inspector_unavailable";
inline constexpr char kTppProfileExists[] = "tpp.profile_exists";
inline constexpr char kTppUsage[] = "tpp.usage";

}  // namespace sandbank::app::codes
