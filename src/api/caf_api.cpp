#include "api/caf_api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "api/codes.hpp"
#include "bank/money.hpp"
#include "bank/profiles.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"

namespace sandbank::api {

namespace json = boost::json;

http::Response confirm_funds(CafApi& api, http::Request& request) {
  auto& oauth = api.oauth;
  auto connection = oauth.authenticate_client(request);
  authenticate_signed_call(oauth, request, connection, oauth::TokenKind::Customer);
  auto access = oauth.tokens.validate_customer(bearer_token(request), connection.x5t_s256(),
                                               bank::kScopeFunds);
  if (auto type = request.header("Content-Type");
      !type || !media_type_is(*type, "application/json")) {
    throw Error(400, codes::kRequestContentType, "Content-Type must be application/json");
  }
  boost::system::error_code ec;
  auto value = parse_request_json(request.body, ec);
  if (ec || !value.is_object()) {
    throw InvalidField(codes::kCafBodyMalformed, "",
                       "The body must be a JSON object {account, instructedAmount}");
  }
  const auto& o = value.get_object();
  auto string_at = [&](std::string_view object, std::string_view name) {
    const auto* outer = o.if_contains(object);
    const auto* inner =
        outer && outer->is_object() ? outer->get_object().if_contains(name) : nullptr;
    auto path = fmt::format("{}.{}", object, name);
    if (inner == nullptr || !inner->is_string()) {
      throw InvalidField(codes::kCafFieldMissing, path,
                         fmt::format("{} is required (a string)", path));
    }
    return std::string(inner->get_string());
  };
  auto iban = string_at("account", "iban");
  auto currency = string_at("instructedAmount", "currency");
  auto amount_text = string_at("instructedAmount", "amount");
  auto amount = bank::parse_amount(amount_text);
  if (!amount || *amount <= 0 || amount_text.starts_with('-') || amount_text.starts_with('+')) {
    throw InvalidField(codes::kCafAmountInvalid, "instructedAmount.amount",
                       "instructedAmount.amount must be a positive decimal with at most "
                       "two decimals");
  }
  auto account = api.bank.find_account_by_iban(iban);
  const auto& allowed = access.consent.account_ids;
  if (!account || std::find(allowed.begin(), allowed.end(), account->id) == allowed.end()) {
    throw Error(403, codes::kCafAccountNotInConsent,
                "The customer's consent does not cover this account");
  }
  if (account->currency != currency) {
    throw InvalidField(codes::kCafCurrencyMismatch, "instructedAmount.currency",
                       fmt::format("The account is held in {}", account->currency));
  }
  api.payments.run_due();
  json::object body;
  body["fundsAvailable"] = api.payments.funds_available(account->id, *amount);
  return http::Response::json(200, json::serialize(body));
}

}  // namespace sandbank::api
