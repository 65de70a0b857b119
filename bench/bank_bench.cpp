// Micro benchmark of the bank's transaction pages: one page (limit 100) of an account with
// 100k and one with 1M transactions, at the head of the history and from a cursor in its
// middle. Keyset pagination over (account_id, execution_time, id) makes the page cost
// independent of the history length.

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "core/time_format.hpp"
#include "store/database.hpp"
#include "store/sqlite_bank.hpp"

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

  // n transactions one minute apart, ending at the seeding time.
  void fill(const char* account, int n) {
    db->write([&](sqlite::Connection& c) {
      c.exec(fmt::format(
          "INSERT INTO bank_transactions (account_id, transaction_id, end_to_end_id, status, "
          "execution_time, booking_date, value_date, amount, currency, creditor_name, "
          "creditor_iban, creditor_bic, debtor_name, debtor_iban, debtor_bic, transaction_type, "
          "remittance_unstructured, remittance_structured, masked_pan, transaction_details) "
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {1}) "
          "SELECT '{0}', 'T' || i, 'NOTPROVIDED', 'booked', "
          "strftime('%Y-%m-%dT%H:%M:%S', 1773568800 - ({1} - i) * 60, 'unixepoch') || "
          "'.000000Z', date(1773568800 - ({1} - i) * 60, 'unixepoch'), "
          "date(1773568800 - ({1} - i) * 60, 'unixepoch'), -100 - i % 5000, 'EUR', "
          "'Albert Heijn 1403', '', '', 'Bench', 'NL00INGB0000000000', 'INGBNL2A', "
          "'Betaalautomaat', 'Albert Heijn 1403 AMSTERDAM', '', '', '' FROM n",
          account, n));
    });
  }

  // A cursor positioned in the middle of the account's history.
  std::string middle_cursor(const char* account, int n) {
    TransactionQuery q{account, std::nullopt,
                       *parse_rfc3339("2026-03-15T10:00:00Z") - std::chrono::minutes(n / 2), 100,
                       std::nullopt};
    auto page = bank->list_transactions(q);
    if (!page.next_cursor) throw std::runtime_error("no cursor");
    return *page.next_cursor;
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

}  // namespace
}  // namespace sandbank::store

BENCHMARK_MAIN();
