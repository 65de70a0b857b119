#include "api/tpp_messages.hpp"

#include <boost/json.hpp>
#include <string>
#include <unordered_map>

namespace sandbank::api {
namespace {

namespace json = boost::json;

std::unordered_map<std::string, std::string>& explicit_codes() {
  static std::unordered_map<std::string, std::string> codes = {
      // AIS (api.md Part 2 §1.9)
      {"ais.period_invalid", "PERIOD_INVALID"},
      {"ais.date_invalid", "FORMAT_ERROR"},
      {"ais.limit_invalid", "FORMAT_ERROR"},
      {"ais.balance_type_invalid", "REQUESTED_BALANCES_INVALID"},
      {"ais.currency_invalid", "REQUESTED_CURRENCY_INVALID"},
      {"ais.fields_to_omit_invalid", "FIELDS_TO_OMIT_INVALID"},
      {"ais.cursor_invalid", "FORMAT_ERROR"},
      {"ais.account_unknown", "RESOURCE_UNKNOWN"},
      {"ais.account_not_in_consent", "RESOURCE_UNKNOWN"},
      {"ais.no_accounts", "NOT_FOUND"},
      {"ais.not_a_card_account", "RESOURCE_UNKNOWN"},
      {"ais.card_account", "RESOURCE_UNKNOWN"},
      {"bank.limit_invalid", "FORMAT_ERROR"},
      {"bank.cursor_invalid", "FORMAT_ERROR"},
      {"bank.currency_mismatch", "REQUESTED_CURRENCY_INVALID"},
      // Authentication (status 401)
      {"consent.expired", "CONSENT_EXPIRED"},
      {"consent.revoked", "CONSENT_INVALID"},
      {"token.insufficient_scope", "CONSENT_INVALID"},
      {"x_request_id.malformed", "INVALID_HEADER"},
      {"route.not_found", "RESOURCE_UNKNOWN"},
      {"route.method_not_allowed", "NOT_ALLOWED"},
  };
  return codes;
}

std::string by_status(int status) {
  switch (status) {
    case 400:
      return "FORMAT_ERROR";
    case 401:
      return "UNAUTHORIZED";
    case 403:
      return "CONSENT_INVALID";
    case 404:
      return "RESOURCE_UNKNOWN";
    case 405:
      return "NOT_ALLOWED";
    case 503:
      return "SERVICE_UNAVAILABLE";
    default:
      return "ING_ERROR";
  }
}

}  // namespace

std::string tpp_message_code(const Error& error) {
  const auto& codes = explicit_codes();
  if (auto it = codes.find(error.code()); it != codes.end()) return it->second;
  const auto& code = error.code();
  if (error.status() == 400 && (code.starts_with("signature.") || code.starts_with("digest.") ||
                                code.starts_with("date.") || code.starts_with("header."))) {
    return "INVALID_HEADER";
  }
  return by_status(error.status());
}

void set_tpp_message_code(std::string detail_code, std::string ing_code) {
  explicit_codes()[std::move(detail_code)] = std::move(ing_code);
}

http::Response render_tpp_error(const Error& error, bool diagnostics, std::string_view path) {
  json::object message;
  message["category"] = "ERROR";
  message["code"] = tpp_message_code(error);
  std::string text = error.message();
  if (text.size() > 512) text.resize(512);  // TPPMessage.text is at most 512 characters
  message["text"] = std::move(text);
  if (path.empty()) {
    if (const auto* parameter = dynamic_cast<const ParameterError*>(&error)) {
      path = parameter->path();
    }
  }
  if (!path.empty()) message["path"] = path;
  json::object body;
  body["tppMessages"] = json::array{std::move(message)};
  body["detail"] = error.code();
  if (diagnostics && !error.diagnostic().empty()) body["diagnostic"] = error.diagnostic();
  int status = error.status() >= 100 && error.status() <= 599 ? error.status() : 500;
  auto response = http::Response::json(static_cast<unsigned>(status), json::serialize(body));
  if (status == 401) response.set("WWW-Authenticate", "Signature realm=\"sandbank\"");
  response.set("Cache-Control", "no-store");
  return response;
}

}  // namespace sandbank::api
