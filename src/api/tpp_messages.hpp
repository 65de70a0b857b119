#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "http/message.hpp"

// Error bodies of the AIS, PIS and CAF APIs (docs/api.md "Errors"):
//   {"tppMessages":[{"category":"ERROR","code":"FORMAT_ERROR","text":"...","path":"..."}],
//    "detail":"<Sandbank detail code>","diagnostic":"..."}
// `code` is ING's (api.md Part 2 §1.9), `detail` Sandbank's stable code, `diagnostic` is
// omitted when diagnostics are off or empty. Handlers catch Error and call render_tpp_error
// (the Router has a single renderer, the OAuth one).
namespace sandbank::api {

// An Error about one request parameter or header: rendered with tppMessages[0].path.
class ParameterError : public Error {
 public:
  ParameterError(int status, std::string code, std::string path, std::string message,
                 std::string diagnostic = {})
      : Error(status, std::move(code), std::move(message), std::move(diagnostic)),
        path_(std::move(path)) {}
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

// ING's tppMessages code for an error: explicit detail codes first (e.g. "ais.period_invalid"
// → PERIOD_INVALID), then prefixes (signature.*, digest.*, date.* → INVALID_HEADER when 400;
// token.*, signature.* → UNAUTHORIZED when 401), then by status: 400 FORMAT_ERROR,
// 401 UNAUTHORIZED, 403 CONSENT_INVALID, 404 RESOURCE_UNKNOWN, 405 NOT_ALLOWED,
// 503 SERVICE_UNAVAILABLE, other ING_ERROR.
std::string tpp_message_code(const Error& error);

// Registers (or overrides) the ING code of a detail code, e.g. "pis.product_unknown" →
// "PRODUCT_UNKNOWN". Not thread-safe: call during start-up, before the server runs.
void set_tpp_message_code(std::string detail_code, std::string ing_code);

// The tppMessages response with the error's status. tppMessages[0].path is `path` when given,
// else ParameterError::path() when the error is one. 401s carry
// WWW-Authenticate: Signature realm="sandbank"; every response Cache-Control: no-store.
http::Response render_tpp_error(const Error& error, bool diagnostics, std::string_view path = {});

}  // namespace sandbank::api
