#include "api/tpp_messages.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <string>
#include <unordered_map>

#include "http/router.hpp"

namespace sandbank::api {
namespace {

namespace json = boost::json;

// Detail codes with a code of their own in ING's enums. An entry is used only for an API whose
// enum has the code (tpp_message_codes).
std::unordered_map<std::string, std::string>& explicit_codes() {
  static std::unordered_map<std::string, std::string> codes = {
      // AIS
      {"ais.period_invalid", "PERIOD_INVALID"},
      {"ais.balance_type_invalid", "REQUESTED_BALANCES_INVALID"},
      {"ais.currency_invalid", "REQUESTED_CURRENCY_INVALID"},
      {"ais.fields_to_omit_invalid", "FIELDS_TO_OMIT_INVALID"},
      {"ais.no_accounts", "NOT_FOUND"},
      {"ais.date_invalid", "FORMAT_ERROR"},
      {"ais.limit_invalid", "FORMAT_ERROR"},
      {"ais.cursor_invalid", "FORMAT_ERROR"},
      {"ais.account_unknown", "RESOURCE_UNKNOWN"},
      {"ais.account_not_in_consent", "RESOURCE_UNKNOWN"},
      {"ais.not_a_card_account", "RESOURCE_UNKNOWN"},
      {"ais.card_account", "RESOURCE_UNKNOWN"},
      {"bank.limit_invalid", "FORMAT_ERROR"},
      {"bank.cursor_invalid", "FORMAT_ERROR"},
      {"bank.currency_mismatch", "REQUESTED_CURRENCY_INVALID"},
      {"caf.account_not_in_consent", "RESOURCE_UNKNOWN"},
      // PIS
      {"payment.product_unknown", "PRODUCT_UNKNOWN"},
      {"payment.not_cancellable", "SERVICE_INVALID"},
      {"x_request_id.malformed", "INVALID_HEADER"},
      {"route.not_found", "RESOURCE_UNKNOWN"},
  };
  return codes;
}

bool in_enum(TppApi api, std::string_view code) {
  const auto& codes = tpp_message_codes(api);
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

bool is_header_problem(const std::string& code) {
  return code.starts_with("signature.") || code.starts_with("digest.") ||
         code.starts_with("date.") || code.starts_with("header.") ||
         code.starts_with("x_request_id.") || code == "request.content_type" ||
         code == "payment.request_id_reused" || code == "payment.redirect_uri_invalid" ||
         code == "payment.psu_ip_invalid";
}

std::string by_status(const Error& error, TppApi api) {
  const auto& code = error.code();
  switch (error.status()) {
    case 400:
    case 415:
    case 422:
      return is_header_problem(code) ? "INVALID_HEADER" : "FORMAT_ERROR";
    case 401:
      return code.starts_with("consent.") ? "SERVICE_BLOCKED" : "INVALID_HEADER";
    case 403:
      return "SERVICE_BLOCKED";
    case 404:
      return "RESOURCE_UNKNOWN";
    case 405:
      return api == TppApi::Pis ? "SERVICE_INVALID" : "ING_ERROR";
    case 406:
    case 413:
    case 414:
      return "FORMAT_ERROR";
    case 431:
      return "INVALID_HEADER";
    case 503:
      return api == TppApi::Ais ? "SERVICE_UNAVAILABLE" : "ING_ERROR";
    default:
      return "ING_ERROR";
  }
}

}  // namespace

const std::vector<std::string_view>& tpp_message_codes(TppApi api) {
  // Account-Information-API.json 3.1.5 and Payment-Initiation-API.json 2.0.2, TPPMessage.code.
  static const std::vector<std::string_view> ais = {"FORMAT_ERROR",
                                                    "ING_ERROR",
                                                    "INVALID_HEADER",
                                                    "NOT_FOUND",
                                                    "PERIOD_INVALID",
                                                    "RESOURCE_UNKNOWN",
                                                    "REQUESTED_BALANCES_INVALID",
                                                    "REQUESTED_CURRENCY_INVALID",
                                                    "SERVICE_BLOCKED",
                                                    "SERVICE_UNAVAILABLE",
                                                    "FIELDS_TO_OMIT_INVALID"};
  static const std::vector<std::string_view> pis = {"SERVICE_INVALID", "TRANSACTION_ID_INVALID",
                                                    "PRODUCT_INVALID", "PRODUCT_UNKNOWN",
                                                    "PAYMENT_FAILED",  "INVALID_HEADER",
                                                    "FORMAT_ERROR",    "RESOURCE_UNKNOWN",
                                                    "SERVICE_BLOCKED", "ING_ERROR"};
  return api == TppApi::Ais ? ais : pis;
}

std::string tpp_message_code(const Error& error, TppApi api) {
  const auto& codes = explicit_codes();
  if (auto it = codes.find(error.code()); it != codes.end() && in_enum(api, it->second)) {
    return it->second;
  }
  return by_status(error, api);
}

void set_tpp_message_code(std::string detail_code, std::string ing_code) {
  explicit_codes()[std::move(detail_code)] = std::move(ing_code);
}

namespace {

// `text` as UTF-8 of at most `limit` characters: invalid bytes become U+FFFD.
std::string utf8_text(std::string_view text, std::size_t limit) {
  std::string out;
  out.reserve(std::min(text.size(), limit * 3));
  std::size_t characters = 0;
  std::size_t i = 0;
  while (i < text.size() && characters < limit) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80           ? 1
                         : (c >> 5) == 0x6  ? 2
                         : (c >> 4) == 0xE  ? 3
                         : (c >> 3) == 0x1E ? 4
                                            : 0;
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
    if (valid && length == 2) valid = c >= 0xC2;
    if (valid && length == 3) {
      const auto d = static_cast<unsigned char>(text[i + 1]);
      valid = !(c == 0xE0 && d < 0xA0) && !(c == 0xED && d >= 0xA0);
    }
    if (valid && length == 4) {
      const auto d = static_cast<unsigned char>(text[i + 1]);
      valid = c <= 0xF4 && !(c == 0xF0 && d < 0x90) && !(c == 0xF4 && d >= 0x90);
    }
    if (valid) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD
      i += 1;
    }
    ++characters;
  }
  return out;
}

}  // namespace

std::string tpp_message_text(std::string_view text) {
  return utf8_text(text, 512);
}

http::Response render_tpp_error(const Error& error, bool diagnostics, std::string_view path,
                                TppApi api) {
  json::object message;
  message["category"] = "ERROR";
  message["code"] = tpp_message_code(error, api);
  message["text"] = tpp_message_text(error.message());
  if (path.empty()) {
    if (const auto* field = dynamic_cast<const InvalidField*>(&error)) path = field->field();
  }
  if (!path.empty()) message["path"] = tpp_message_text(path);
  json::object body;
  body["tppMessages"] = json::array{std::move(message)};
  body["detail"] = error.code();
  if (diagnostics && !error.diagnostic().empty()) {
    body["diagnostic"] = utf8_text(error.diagnostic(), error.diagnostic().size());
  }
  int status = error.status() >= 100 && error.status() <= 599 ? error.status() : 500;
  auto response = http::Response::json(static_cast<unsigned>(status), json::serialize(body));
  if (status == 401) response.set("WWW-Authenticate", "Signature realm=\"sandbank\"");
  response.set("Cache-Control", "no-store");
  return response;
}

std::optional<TppApi> tpp_api_of(std::string_view path) {
  auto under = [&](std::string_view prefix) {
    return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
  };
  for (auto prefix : {"/v3/accounts", "/v2/accounts", "/v1/card-accounts"}) {
    if (under(prefix)) return TppApi::Ais;
  }
  for (auto prefix : {"/v1/payments", "/v2/payments", "/v1/periodic-payments", "/v1/bulk-payments",
                      "/v2/bulk-payments", "/v1/funds-confirmations"}) {
    if (under(prefix)) return TppApi::Pis;
  }
  return std::nullopt;
}

}  // namespace sandbank::api
