// Micro benchmark of the bank's transaction pages: one page (limit 100) of an account with
// 100k and one with 1M transactions, at the head of the history and from a cursor in its
// middle, read as BankTransaction records and written as the AIS JSON body; and the JSON body
// of a page of the seeded bank (its real texts). Keyset pagination over (account_id,
// execution_time, id) makes the page cost independent of the history length.

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "api/ais_api.hpp"
#include "bank/profiles.hpp"
#include "bank/seed.hpp"
#include "core/time_format.hpp"
#include "store/database.hpp"
#include "store/sqlite_bank.hpp"
#include "store/store.hpp"

namespace sandbank::store {
namespace {

constexpr const char* kSmall = "00000000-0000-4000-8000-000000100000";
constexpr const char* kLarge = "00000000-0000-4000-8000-000001000000";

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<sqlite::Database> db;
  std::unique_ptr<BankRepository> bank;

  Fixture() {
    std::string pattern = "/tmp/sandbank-bank-bench-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = pattern;
    db = sqlite::Database::open_file(dir / "bench.db", true);
    bank = make_sqlite_bank_repository(*db);
    BankData data;
    data.seeded_at = *parse_rfc3339("2026-03-15T10:00:00Z");
    data.profiles.push_back(BankProfile{"bench", "Bench", "NL", {}, "", 0});
    for (const char* id : {kSmall, kLarge}) {
      BankAccount a;
      a.id = id;
      a.profile_id = "bench";
      a.kind = "current";
      a.iban = std::string("NL00INGB") + (id == kSmall ? "0000100000" : "0001000000");
      a.currency = "EUR";
      data.accounts.push_back(a);
    }
    bank->replace_all(data);
    fill(kSmall, 100000);
    fill(kLarge, 1000000);
  }
  ~Fixture() {
    bank.reset();
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  BankAccount account(const char* id) { return *bank->find_account(id); }

  // n transactions one minute apart, ending at the seeding time.
  void fill(const char* account, int n) {
    db->write([&](sqlite::Connection& c) {
      c.exec(fmt::format(
          "INSERT INTO bank_transactions (id, account_id, transaction_id, end_to_end_id, status, "
          "execution_time, booking_date, value_date, amount, currency, creditor_name, "
          "creditor_iban, creditor_bic, debtor_name, debtor_iban, debtor_bic, transaction_type, "
          "remittance_unstructured, remittance_structured, masked_pan, transaction_details) "
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {1}) "
          "SELECT (SELECT coalesce(max(id), 0) FROM bank_transactions) + i, '{0}', 'T' || i, "
          "'NOTPROVIDED', 'booked', "
          "strftime('%Y-%m-%dT%H:%M:%S', 1773568800 - ({1} - i) * 60, 'unixepoch') || "
          "'.000000Z', date(1773568800 - ({1} - i) * 60, 'unixepoch'), "
          "date(1773568800 - ({1} - i) * 60, 'unixepoch'), -100 - i % 5000, 'EUR', "
          "'Albert Heijn 1403', '', '', 'Bench', 'NL00INGB0000000000', 'INGBNL2A', "
          "'Betaalautomaat', 'Albert Heijn 1403 AMSTERDAM', '', '', '' FROM n",
          account, n));
    });
  }

  // The cursor a client following the next links from the newest transaction (no date
  // bounds) holds in the middle of the account's history.
  std::string middle_cursor(const char* account, int n) {
    TransactionQuery q{account, std::nullopt, std::nullopt, BankRepository::kMaxPageLimit,
                       std::nullopt};
    for (int read = 0; read < n / 2; read += q.limit) {
      auto page = bank->list_transactions(q);
      if (!page.next_cursor) throw std::runtime_error("no cursor");
      q.cursor = page.next_cursor;
    }
    return *q.cursor;
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

const char* account_of(std::int64_t n) {
  return n == 100000 ? kSmall : kLarge;
}

void BM_FirstPage(benchmark::State& state) {
  auto& f = fixture();
  TransactionQuery q{account_of(state.range(0)), std::nullopt, std::nullopt, 100, std::nullopt};
  for (auto _ : state) {
    auto page = f.bank->list_transactions(q);
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_FirstPage)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

void BM_PageFromMiddleCursor(benchmark::State& state) {
  auto& f = fixture();
  const auto n = static_cast<int>(state.range(0));
  TransactionQuery q{account_of(n), std::nullopt, std::nullopt, 100,
                     f.middle_cursor(account_of(n), n)};
  for (auto _ : state) {
    auto page = f.bank->list_transactions(q);
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_PageFromMiddleCursor)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

void BM_PageInDateRange(benchmark::State& state) {
  auto& f = fixture();
  const auto end = *parse_rfc3339("2026-03-15T10:00:00Z");
  TransactionQuery q{account_of(state.range(0)), end - std::chrono::hours(24 * 60),
                     end - std::chrono::hours(24 * 30), 100, std::nullopt};
  for (auto _ : state) {
    auto page = f.bank->list_transactions(q);
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_PageInDateRange)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

// The same page as views into the rows (visit_transactions), without copying them.
void BM_VisitPage(benchmark::State& state) {
  auto& f = fixture();
  TransactionQuery q{account_of(state.range(0)), std::nullopt, std::nullopt, 100, std::nullopt};
  for (auto _ : state) {
    std::size_t bytes = 0;
    auto next = f.bank->visit_transactions(q, [&](const BankTransactionView& t) {
      bytes += t.transaction_id.size() + t.remittance_unstructured.size();
    });
    benchmark::DoNotOptimize(bytes);
    benchmark::DoNotOptimize(next);
  }
}
BENCHMARK(BM_VisitPage)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

// --- the AIS JSON body of a page: store read + JSON, what a transactions request costs
// --- beyond authentication and TLS

void BM_PageJson(benchmark::State& state) {
  auto& f = fixture();
  const auto account = f.account(account_of(state.range(0)));
  TransactionQuery q{account.id, std::nullopt, std::nullopt, 100, std::nullopt};
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto body = api::transactions_page_json(*f.bank, account, api::TransactionList::V2, q, {},
                                            "/v2/accounts/x/transactions");
    bytes = body.size();
    benchmark::DoNotOptimize(body);
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_PageJson)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

void BM_PageJsonFromMiddleCursor(benchmark::State& state) {
  auto& f = fixture();
  const auto n = static_cast<int>(state.range(0));
  const auto account = f.account(account_of(n));
  TransactionQuery q{account.id, std::nullopt, std::nullopt, 100,
                     f.middle_cursor(account_of(n), n)};
  for (auto _ : state) {
    auto body = api::transactions_page_json(*f.bank, account, api::TransactionList::V2, q, {},
                                            "/v2/accounts/x/transactions");
    benchmark::DoNotOptimize(body);
  }
}
BENCHMARK(BM_PageJsonFromMiddleCursor)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

// The seeded bank (13 months of every test profile in an in-memory store): a page of its
// texts, as a current account (v2) and as a card account.
struct Seeded {
  std::unique_ptr<Store> store = open_memory_store();
  TimePoint now = *parse_rfc3339("2026-03-15T10:30:00Z");
  BankAccount current;
  BankAccount card;

  Seeded() {
    bank::seed_bank(*store, bank::builtin_profiles(), bank::kDefaultSeed, now);
    std::size_t most = 0;
    for (const auto& profile : store->bank().list_profiles("")) {
      for (const auto& a : store->bank().accounts_of_profile(profile.id)) {
        TransactionQuery q{a.id, std::nullopt, std::nullopt, 1000, std::nullopt};
        auto size = store->bank().list_transactions(q).transactions.size();
        if (a.kind == "card" && card.id.empty()) card = a;
        if (a.kind != "card" && size > most) {
          most = size;
          current = a;
        }
      }
    }
  }
};

void BM_SeededPageJson(benchmark::State& state) {
  static Seeded seeded;
  const bool card = state.range(0) == 1;
  const auto& account = card ? seeded.card : seeded.current;
  auto period = api::transaction_period("2000-01-01", "", seeded.now);
  TransactionQuery q{account.id, period.from, period.to, static_cast<int>(state.range(1)),
                     std::nullopt};
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto body = api::transactions_page_json(
        seeded.store->bank(), account, card ? api::TransactionList::Card : api::TransactionList::V2,
        q, {}, "/v2/accounts/x/transactions");
    bytes = body.size();
    benchmark::DoNotOptimize(body);
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_SeededPageJson)
    ->ArgNames({"card", "limit"})
    ->Args({0, 100})
    ->Args({1, 100})
    ->Args({0, 1000})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sandbank::store

BENCHMARK_MAIN();
