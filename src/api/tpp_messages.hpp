#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

// Error bodies of the AIS, PIS and CAF APIs (docs/api.md "Errors"):
//   {"tppMessages":[{"category":"ERROR","code":"FORMAT_ERROR","text":"...","path":"..."}],
//    "detail":"<Sandbank detail code>","diagnostic":"..."}
// `code` is always one of the closed enum of the API's TPPMessage in ING's specification files
// (a client generated from them cannot deserialise anything else); where the enum has no code
// for a situation, the closest one, with the precise reason in `text` and `detail`. `detail`
// is Sandbank's stable code, `diagnostic` is omitted when diagnostics are off or empty. The
// API listener's router renders every error of an AIS/PIS/CAF path with render_tpp_error
// (app/routes.cpp), handlers only throw.
namespace sandbank::api {

// Whose enum: ING's Account Information API 3.1.5 or Payment Initiation API 2.0.2. Funds
// confirmations (no specification file of ING's here) answer with the PIS codes, which cover
// every situation of CAF.
enum class TppApi { Ais, Pis };

// The codes of the API's enum, in the specification's order.
const std::vector<std::string_view>& tpp_message_codes(TppApi api);

// ING's tppMessages code for an error: the detail code's own (e.g. "ais.period_invalid" →
// PERIOD_INVALID) when the API's enum has it, else by prefix and status (docs/api.md has the
// table): 400 header problems (signature.*, digest.*, date.*, x_request_id.*, Content-Type)
// INVALID_HEADER, other 400 FORMAT_ERROR; 401 consent.* SERVICE_BLOCKED, other 401 (token,
// signature, certificate) INVALID_HEADER; 403 SERVICE_BLOCKED; 404 RESOURCE_UNKNOWN; 405 PIS
// SERVICE_INVALID, AIS ING_ERROR; 503 AIS SERVICE_UNAVAILABLE; other ING_ERROR.
std::string tpp_message_code(const Error& error, TppApi api = TppApi::Pis);

// Registers (or overrides) the ING code of a detail code, e.g. "pis.product_unknown" →
// "PRODUCT_UNKNOWN"; used only for an API whose enum has that code. Not thread-safe: call
// during start-up, before the server runs.
void set_tpp_message_code(std::string detail_code, std::string ing_code);

// At most 512 characters (TPPMessage.text's maxLength), cut at a character boundary; bytes
// that are not UTF-8 become U+FFFD so the body stays valid JSON text.
std::string tpp_message_text(std::string_view text);

// The tppMessages response with the error's status. tppMessages[0].path is `path` when given,
// else InvalidField::field() when the error is one. 401s carry
// WWW-Authenticate: Signature realm="sandbank"; every response Cache-Control: no-store.
http::Response render_tpp_error(const Error& error, bool diagnostics, std::string_view path = {},
                                TppApi api = TppApi::Pis);

// Which API a path of the API listener belongs to: /v2|v3/accounts*, /v1/card-accounts* →
// AIS; /v1|v2/payments*, /v1/periodic-payments*, /v1|v2/bulk-payments*,
// /v1/funds-confirmations → PIS; nullopt for the others (/oauth2/*, /sandbank/*, /health).
std::optional<TppApi> tpp_api_of(std::string_view path);

}  // namespace sandbank::api
