#pragma once

// Every detail code the tpp layer emits (Error::code(), the "detail" of error bodies and the
// access log): one catalogue per layer, so that a code is spelled once and cannot be
// mistyped. The values are part of the contract (tests and TPPs match on them).
namespace sandbank::tpp::codes {

inline constexpr char kTppAuthorizeFailed[] = "tpp.authorize_failed";
inline constexpr char kTppAuthorizeRefused[] = "tpp.authorize_refused";
inline constexpr char kTppCertificateNoPsd2Roles[] = "tpp.certificate_no_psd2_roles";
inline constexpr char kTppCertificateUnreadable[] = "tpp.certificate_unreadable";
inline constexpr char kTppClientIdUnknown[] = "tpp.client_id_unknown";
inline constexpr char kTppDataInvalid[] = "tpp.data_invalid";
inline constexpr char kTppKeyMismatch[] = "tpp.key_mismatch";
inline constexpr char kTppKeyUnreadable[] = "tpp.key_unreadable";
inline constexpr char kTppNoCustomerToken[] = "tpp.no_customer_token";
inline constexpr char kTppNoRefreshToken[] = "tpp.no_refresh_token";
inline constexpr char kTppNotConfigured[] = "tpp.not_configured";
inline constexpr char kTppProfileInvalid[] = "tpp.profile_invalid";
inline constexpr char kTppProfileWrite[] = "tpp.profile_write";
inline constexpr char kTppTokenCache[] = "tpp.token_cache";
inline constexpr char kTppTokenFailed[] = "tpp.token_failed";
inline constexpr char kTppTokenResponse[] = "tpp.token_response";

}  // namespace sandbank::tpp::codes
