#pragma once

// Every detail code the http layer emits (Error::code(), the "detail" of error bodies and the
// access log): one catalogue per layer, so that a code is spelled once and cannot be
// mistyped. The values are part of the contract (tests and TPPs match on them).
namespace sandbank::http::codes {

inline constexpr char kHttpBind[] = "http.bind";
inline constexpr char kHttpBodyTooLarge[] = "http.body_too_large";
inline constexpr char kHttpConfig[] = "http.config";
inline constexpr char kHttpFramingInvalid[] = "http.framing_invalid";
inline constexpr char kHttpHeaderTooLarge[] = "http.header_too_large";
inline constexpr char kHttpMalformed[] = "http.malformed";
inline constexpr char kHttpRequestTimeout[] = "http.request_timeout";
inline constexpr char kHttpTlsConfig[] = "http.tls_config";
inline constexpr char kHttpTransport[] = "http.transport";
inline constexpr char kRouteMethodNotAllowed[] = "route.method_not_allowed";
inline constexpr char kRouteNotFound[] = "route.not_found";

}  // namespace sandbank::http::codes
