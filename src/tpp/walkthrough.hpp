#pragma once

// `sandbank tpp walkthrough`: every step of ING's Get Started guide against the target, one after
// the other, each fed by the answer of the one before (docs/tpp.md): register, the mTLS token
// and app show, the signed application token, the customer's consent as a test profile, the
// code exchange, AIS (accounts, balances, a page of transactions), PIS (a payment and its
// status), CAF (a funds check) and a refresh. A progress line per step on stdout, a summary
// table at the end; the tokens obtained stay in the client's cache.

#include <string>

#include "tpp/client.hpp"

namespace sandbank::tpp {

struct WalkthroughOptions {
  std::string test_profile = "Alice and Bob";  // authorized as (step 3b)
  std::string scope =
      "payment-accounts:balances:view payment-accounts:transactions:view "
      "payment-accounts:funds-availability:confirm";
  std::string contact;       // of the registration; empty: walkthrough@tpp.example
  bool no_register = false;  // skip step 1: the application was registered before
};

// The steps, in the order they run (the "[ n/13]" of the progress lines).
inline constexpr int kWalkthroughSteps = 13;

// Runs the walkthrough and returns the exit code: 0 every step answered (404s reported as
// skipped, not verified), or, at the first failure, after printing the server's answer and the
// table so far, 1 (the server answered an error), 2 (a local problem, or the authorization
// pages) or 3 (no answer). The client must not be in dry-run: each step needs the answer of the
// one before.
int run_walkthrough(TppClient& client, const WalkthroughOptions& options);

}  // namespace sandbank::tpp
