#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/ais_query.hpp"
#include "api/oauth_api.hpp"
#include "bank/bookings.hpp"
#include "bank/profiles.hpp"
#include "core/generation_cache.hpp"
#include "http/router.hpp"
#include "store/bank_repository.hpp"

// The Account Information API (docs/api.md "AIS"): accounts, balances and transactions of
// the accounts a customer's consent covers. Every call needs a customer token bound to the
// connection's certificate and an HTTP Signature with keyId = client_id; errors are
// tppMessages bodies (api/tpp_messages.hpp).
namespace sandbank::api {

struct AisApi {
  // Token service, registry, certificate cache, clock, TLS client check, diagnostics switch.
  OAuthApi& oauth;
  store::BankRepository& bank;
  // Books the generated pending transactions that are due before balances and transactions
  // are read (bank/bookings.hpp); none when null.
  bank::PendingBookings* bookings = nullptr;
  // The test profiles: a scenario the profiles file declares with ais_latency_ms delays the
  // AIS answers of its profiles' consents (docs/scenarios.md); none when null.
  const bank::Profiles* profiles = nullptr;

  // Accounts change only when the bank is seeded again (`sandbank data reset`, possibly by
  // another process): each is read from the store once while the store's change counter
  // stands still, and read again after any commit.
  using AccountCache = GenerationCache<std::string, store::BankAccount>;
  std::shared_ptr<AccountCache> accounts = std::make_shared<AccountCache>(100000);

  // The account with this resourceId (cached), or null.
  std::shared_ptr<const store::BankAccount> account(const std::string& id);
};

// The three transaction lists: /v2/accounts, /v3/accounts (fieldsToOmit) and
// /v1/card-accounts/{id}/transactions.
enum class TransactionList { V2, V3, Card };

// The 200 body of one transactions page of `account` as `list` answers it: reads the page
// `query` asks for from `bank` and writes its JSON. `omit` holds v3's fieldsToOmit (already
// checked); the `next` link is `path?next=<cursor>.<limit>`. Throws as
// BankRepository::list_transactions (400 bank.cursor_invalid, bank.limit_invalid).
std::string transactions_page_json(store::BankRepository& bank, const store::BankAccount& account,
                                   TransactionList list, const store::TransactionQuery& query,
                                   std::span<const std::string> omit, std::string_view path);

// The handlers (steps 5 of the guide): GET /v3/accounts, GET /v3/accounts/{id}/balances, and
// the transaction lists GET /v2|v3/accounts/{id}/transactions and
// GET /v1/card-accounts/{id}/transactions.
http::Response list_accounts(AisApi& api, http::Request& request);
http::Response get_balances(AisApi& api, http::Request& request);
http::Response list_transactions(AisApi& api, http::Request& request, TransactionList kind);

}  // namespace sandbank::api
