#pragma once

#include <cstddef>
#include <string>

#include "bank/payments.hpp"
#include "bank/profiles.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "http/router.hpp"
#include "store/bank_repository.hpp"
#include "store/store.hpp"

// The payment authorization page (SCA by redirect, docs/api.md "PIS"): the `scaRedirect` of a
// payment sends the customer's browser to /payment-initiation/{paymentId}/{CC}; the customer
// picks a test profile's account of that country as debtor (only the debtorAccount when the
// payment names one), sees amount and creditor, and approves or rejects. Either way the
// browser goes back to the payment's TPP-Redirect-URI (302). <main data-outcome> is
// "select-account", then "authorized" (approved and accepted), "rejected" (RJCT: refused by
// the bank, e.g. insufficient funds) or "denied" (the customer rejected); "error" otherwise.
//
// Routes (web listener):
//   GET  /payment-initiation/{paymentId}/{country}   the page; starts a session
//   POST /payment-initiation/{paymentId}/{country}   csrf_token, action=approve|reject, account
// The session (10 minutes, in the store so that any node serves the POST; at most max_sessions
// alive, past that the page answers 503 too_many_sessions) is the cookie sandbank_pay
// (HttpOnly; Secure; SameSite=Lax; Path=/payment-initiation), stored as its SHA-256; the
// form's csrf_token must match it.
namespace sandbank::web {

inline constexpr std::string_view kPaymentSessionCookie = "sandbank_pay";
// The kind of its sessions in store::AuthorizationSessionRepository.
inline constexpr std::string_view kPaymentSessionKind = "payment";

class PaymentPage {
 public:
  PaymentPage(bank::PaymentService& payments, store::BankRepository& bank,
              store::AuthorizationSessionRepository& sessions, const bank::Profiles& profiles,
              const Clock& clock, RandomSource& random, Seconds session_lifetime = Seconds(600),
              std::size_t max_sessions = 10000);

  http::Response show(http::Request& request);    // GET
  http::Response decide(http::Request& request);  // POST

 private:
  bank::PaymentService& payments_;
  store::BankRepository& bank_;
  store::AuthorizationSessionRepository& sessions_;
  const bank::Profiles& profiles_;
  const Clock& clock_;
  RandomSource& random_;
  Seconds session_lifetime_;
  std::size_t max_sessions_;
};

}  // namespace sandbank::web
