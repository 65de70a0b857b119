#pragma once

// Every detail code the web layer emits (Error::code(), the "detail" of error bodies and the
// access log): one catalogue per layer, so that a code is spelled once and cannot be
// mistyped. The values are part of the contract (tests and TPPs match on them).
namespace sandbank::web::codes {

inline constexpr char kGrantssupportBodyMalformed[] = "grantssupport.body_malformed";
inline constexpr char kGrantssupportClientMismatch[] = "grantssupport.client_mismatch";
inline constexpr char kGrantssupportFieldMissing[] = "grantssupport.field_missing";
inline constexpr char kGrantssupportProfileUnknown[] = "grantssupport.profile_unknown";
inline constexpr char kGrantssupportRedirectUriMismatch[] = "grantssupport.redirect_uri_mismatch";
inline constexpr char kGrantssupportScopeNotOffered[] = "grantssupport.scope_not_offered";
inline constexpr char kGrantssupportStateInvalid[] = "grantssupport.state_invalid";
inline constexpr char kGrantssupportXsrfMismatch[] = "grantssupport.xsrf_mismatch";

}  // namespace sandbank::web::codes
