#pragma once

#include "api/oauth_api.hpp"
#include "bank/payments.hpp"
#include "http/message.hpp"
#include "store/bank_repository.hpp"

// Confirmation of Funds (docs/api.md "CAF"): whether an amount is available on an account the
// customer's consent covers. A signed call with a customer token holding the funds scope;
// errors are tppMessages bodies with the PIS codes (api/tpp_messages.hpp), `path` naming the
// offending field.
namespace sandbank::api {

struct CafApi {
  OAuthApi& oauth;                 // token service, certificate cache, clock, TLS client check
  bank::PaymentService& payments;  // funds: the balance less what is reserved
  store::BankRepository& bank;
};

// POST /v1/funds-confirmations {account: {iban}, instructedAmount: {amount, currency}} →
// {"fundsAvailable": bool}.
http::Response confirm_funds(CafApi& api, http::Request& request);

}  // namespace sandbank::api
