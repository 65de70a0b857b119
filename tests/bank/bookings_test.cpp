// The generated histories' pending transactions book themselves when the bank's clock reaches
// their booking day (bank/bookings.hpp, BankRepository::book_due): dates, balances, exactly
// once (threads, a second store on the same file), the page order, reseeding, and the cost of
// a call when nothing is due.
#include "bank/bookings.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "bank/history.hpp"
#include "bank/seed.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

namespace sandbank::bank {
namespace {

using namespace std::chrono;
using store::BankTransaction;

// A Wednesday afternoon: pending card payments of yesterday and today book on two days.
TimePoint today() {
  return *parse_rfc3339("2026-03-18T16:30:00Z");
}

TimePoint start_of(const std::string& day) {
  return *parse_rfc3339(day + "T00:00:00Z");
}

// A store that counts how often the bank's repository is asked for.
class CountingStore final : public store::Store {
 public:
  explicit CountingStore(store::Store& inner) : inner_(inner) {}
  store::ApplicationRepository& applications() override { return inner_.applications(); }
  store::RevocationRepository& revocations() override { return inner_.revocations(); }
  store::TokenRepository& tokens() override { return inner_.tokens(); }
  store::AuthorizationCodeRepository& codes() override { return inner_.codes(); }
  store::ConsentRepository& consents() override { return inner_.consents(); }
  store::GrantingReferenceRepository& granting_references() override {
    return inner_.granting_references();
  }
  store::BankRepository& bank() override {
    ++bank_calls;
    return inner_.bank();
  }
  store::PaymentRepository& payments() override { return inner_.payments(); }
  store::BulkEntryRepository& bulk_entries() override { return inner_.bulk_entries(); }
  store::AuthorizationSessionRepository& sessions() override { return inner_.sessions(); }
  store::SandboxFileRepository& files() override { return inner_.files(); }
  int schema_version() override { return inner_.schema_version(); }
  std::uint64_t change_counter() override { return inner_.change_counter(); }

  int bank_calls = 0;

 private:
  store::Store& inner_;
};

class BookingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::open_memory_store();
    ASSERT_TRUE(seed_bank(*store_, builtin_profiles(), kDefaultSeed, today()));
    auto data = generate_bank(builtin_profiles(), kDefaultSeed, today());
    for (const auto& t : data.transactions) {
      if (t.status == "pending") pending_.push_back(t);
    }
    for (const auto& a : data.accounts) accounts_.push_back(a.id);
    ASSERT_FALSE(pending_.empty());
  }
  store::BankRepository& bank() { return store_->bank(); }

  BankTransaction stored(const BankTransaction& t) {
    return *bank().find_transaction(t.account_id, t.transaction_id);
  }
  // The generated pending transactions due on or before `day`.
  std::vector<BankTransaction> due_by(const std::string& day) const {
    std::vector<BankTransaction> out;
    for (const auto& t : pending_) {
      if (t.booking_due <= day) out.push_back(t);
    }
    return out;
  }
  std::string first_due() const {
    std::string day = pending_.front().booking_due;
    for (const auto& t : pending_) day = std::min(day, t.booking_due);
    return day;
  }
  std::string last_due() const {
    std::string day;
    for (const auto& t : pending_) day = std::max(day, t.booking_due);
    return day;
  }

  // Every transaction of an account, newest first, paging with `limit`.
  std::vector<BankTransaction> all(const std::string& account, int limit = 1000) {
    std::vector<BankTransaction> out;
    store::TransactionQuery q{account, std::nullopt, std::nullopt, limit, std::nullopt};
    for (;;) {
      auto page = bank().list_transactions(q);
      for (auto& t : page.transactions) out.push_back(std::move(t));
      if (!page.next_cursor) return out;
      q.cursor = page.next_cursor;
    }
  }

  // The balances agree with the transactions of every account.
  void expect_identities() {
    for (const auto& id : accounts_) {
      auto b = *bank().balances(id);
      std::int64_t booked = 0, pending = 0;
      for (const auto& t : all(id)) (t.status == "booked" ? booked : pending) += t.amount_minor;
      EXPECT_EQ(b.booked_sum_minor, booked) << id;
      EXPECT_EQ(b.pending_sum_minor, pending) << id;
      EXPECT_EQ(b.closing_booked_minor, b.opening_booked_minor + booked) << id;
      EXPECT_EQ(b.expected_minor, b.closing_booked_minor + pending) << id;
      EXPECT_EQ(b.interim_available_minor, b.expected_minor + b.credit_limit_minor) << id;
    }
  }

  ManualClock clock_{today()};
  std::unique_ptr<store::Store> store_;
  std::vector<BankTransaction> pending_;  // as generated
  std::vector<std::string> accounts_;
};

TEST_F(BookingsTest, GeneratedPendingTransactionsKnowTheirBookingDay) {
  for (const auto& t : pending_) {
    EXPECT_GT(t.booking_due, "2026-03-18") << t.transaction_id;
    EXPECT_LE(t.booking_due, "2026-03-20") << t.transaction_id;
    EXPECT_GT(t.booking_due, date_of(t.execution_time)) << t.transaction_id;
    EXPECT_EQ(stored(t).booking_due, t.booking_due);
    EXPECT_TRUE(stored(t).booking_date.empty());
  }
  // Several days and several accounts.
  std::set<std::string> days, accounts;
  for (const auto& t : pending_) {
    days.insert(t.booking_due);
    accounts.insert(t.account_id);
  }
  EXPECT_GE(days.size(), 2u);
  EXPECT_GE(accounts.size(), 2u);
}

TEST_F(BookingsTest, BookedOnTheirDayWithItsDatesAndTheBalancesMoved) {
  PendingBookings bookings(*store_, clock_);
  std::map<std::string, store::BankBalances> before;
  for (const auto& id : accounts_) before[id] = *bank().balances(id);

  EXPECT_EQ(bookings.catch_up(), 0);
  const auto first = first_due();
  clock_.set(start_of(first) - nanoseconds(1));  // the evening before
  EXPECT_EQ(bookings.catch_up(), 0);
  for (const auto& t : pending_) EXPECT_EQ(stored(t).status, "pending") << t.transaction_id;
  expect_identities();

  clock_.set(start_of(first));
  const auto due = due_by(first);
  ASSERT_FALSE(due.empty());
  ASSERT_LT(due.size(), pending_.size());
  EXPECT_EQ(bookings.catch_up(), static_cast<int>(due.size()));
  std::map<std::string, std::int64_t> moved;  // accounts with a booking: the amount
  for (const auto& t : pending_) {
    auto s = stored(t);
    if (t.booking_due <= first) {
      EXPECT_EQ(s.status, "booked") << t.transaction_id;
      EXPECT_EQ(s.booking_date, first);
      EXPECT_EQ(s.value_date, first);  // as generated booked transactions have it
      EXPECT_EQ(s.booking_due, first);
      moved[t.account_id] += t.amount_minor;
    } else {
      EXPECT_EQ(s.status, "pending") << t.transaction_id;
      EXPECT_TRUE(s.booking_date.empty());
      EXPECT_EQ(s.value_date, date_of(t.execution_time));
    }
    // Everything else as generated.
    s.status = t.status;
    s.booking_date = t.booking_date;
    s.value_date = t.value_date;
    s.row_id = 0;
    EXPECT_EQ(s, t);
  }
  for (const auto& id : accounts_) {
    auto b = *bank().balances(id);
    const auto& a = before[id];
    EXPECT_EQ(b.opening_booked_minor, a.opening_booked_minor);
    const bool touched = moved.count(id) > 0;
    EXPECT_EQ(b.closing_booked_minor, a.closing_booked_minor + (touched ? moved[id] : 0)) << id;
    EXPECT_EQ(b.expected_minor, a.expected_minor) << id;  // pending + booked stays the same
    EXPECT_EQ(b.last_change, touched ? start_of(first) : a.last_change) << id;
  }
  expect_identities();

  // The rest a few days later, in one go; then nothing is pending any more.
  clock_.set(start_of(last_due()) + hours(30));
  EXPECT_EQ(bookings.catch_up(), static_cast<int>(pending_.size() - due.size()));
  for (const auto& t : pending_) {
    auto s = stored(t);
    EXPECT_EQ(s.status, "booked");
    EXPECT_EQ(s.booking_date, t.booking_due);
    EXPECT_EQ(s.value_date, t.booking_due);
  }
  for (const auto& id : accounts_) {
    auto b = *bank().balances(id);
    EXPECT_EQ(b.pending_sum_minor, 0) << id;
    EXPECT_EQ(b.expected_minor, before[id].expected_minor) << id;
  }
  expect_identities();
}

TEST_F(BookingsTest, ExactlyOnce) {
  clock_.set(start_of(last_due()));
  PendingBookings a(*store_, clock_), b(*store_, clock_);
  std::map<std::string, store::BankBalances> before;
  for (const auto& id : accounts_) before[id] = *bank().balances(id);
  std::atomic<int> booked{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { booked += (i % 2 ? a : b).catch_up(); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(booked.load(), static_cast<int>(pending_.size()));
  EXPECT_EQ(a.catch_up() + b.catch_up(), 0);
  EXPECT_EQ(bank().book_due(clock_.now()), 0);
  clock_.advance(days(3));
  EXPECT_EQ(a.catch_up(), 0);
  for (const auto& id : accounts_) {
    EXPECT_EQ(bank().balances(id)->closing_booked_minor, before[id].expected_minor) << id;
  }
  expect_identities();
}

// Booking changes no execution time: the page order, and a cursor taken before, stay valid.
TEST_F(BookingsTest, ThePageOrderAndCursorsStay) {
  std::map<std::string, int> per_account;
  for (const auto& t : pending_) ++per_account[t.account_id];
  auto busiest = std::max_element(per_account.begin(), per_account.end(),
                                  [](auto& x, auto& y) { return x.second < y.second; });
  const auto account = busiest->first;
  const auto before = all(account);
  // A cursor after the first two pending transactions (newest first) of the account.
  store::TransactionQuery q{account, std::nullopt, std::nullopt, 2, std::nullopt};
  auto first_page = bank().list_transactions(q);
  ASSERT_TRUE(first_page.next_cursor);

  PendingBookings bookings(*store_, clock_);
  clock_.set(start_of(last_due()));
  ASSERT_GT(bookings.catch_up(), 0);

  std::vector<BankTransaction> after(first_page.transactions);
  q.cursor = first_page.next_cursor;
  q.limit = 7;
  for (;;) {
    auto page = bank().list_transactions(q);
    after.insert(after.end(), page.transactions.begin(), page.transactions.end());
    if (!page.next_cursor) break;
    q.cursor = page.next_cursor;
  }
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].row_id, before[i].row_id) << i;
    EXPECT_EQ(after[i].execution_time, before[i].execution_time) << i;
  }
  const auto now = all(account);
  ASSERT_EQ(now.size(), before.size());
  for (std::size_t i = 0; i < now.size(); ++i) {
    EXPECT_EQ(now[i].row_id, before[i].row_id) << i;
    EXPECT_EQ(now[i].status, "booked") << i;
  }
}

TEST_F(BookingsTest, AReseedIsNoticed) {
  PendingBookings bookings(*store_, clock_);
  clock_.set(start_of(last_due()) + days(10) + hours(12));
  EXPECT_EQ(bookings.catch_up(), static_cast<int>(pending_.size()));
  EXPECT_EQ(bookings.catch_up(), 0);  // nothing left: the next calls do not ask the store

  // Reseeded at the clock's day: its pending transactions wait for their own days.
  reset_bank(*store_, builtin_profiles(), kDefaultSeed, clock_.now());
  auto fresh = generate_bank(builtin_profiles(), kDefaultSeed, clock_.now());
  std::string first, last;
  int pending = 0;
  for (const auto& t : fresh.transactions) {
    if (t.status != "pending") continue;
    ++pending;
    if (first.empty() || t.booking_due < first) first = t.booking_due;
    last = std::max(last, t.booking_due);
  }
  ASSERT_GT(pending, 0);
  EXPECT_EQ(bookings.catch_up(), 0);
  clock_.set(start_of(last));
  EXPECT_EQ(bookings.catch_up(), pending);
  expect_identities();

  // Reseeded as of the original day with the clock days later: its pending transactions are
  // overdue and book on the next call.
  reset_bank(*store_, builtin_profiles(), kDefaultSeed, today());
  EXPECT_EQ(bookings.catch_up(), static_cast<int>(pending_.size()));
  for (const auto& t : pending_) EXPECT_EQ(stored(t).booking_date, t.booking_due);
  expect_identities();
}

TEST_F(BookingsTest, NothingDueCostsNoStoreQuery) {
  CountingStore counting(*store_);
  PendingBookings bookings(counting, clock_);
  EXPECT_EQ(bookings.catch_up(), 0);  // learns the earliest day
  const int learned = counting.bank_calls;
  EXPECT_GT(learned, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(bookings.catch_up(), 0);
  EXPECT_EQ(counting.bank_calls, learned);

  // A change to the store (another writer) makes it look once more.
  BankTransaction t = pending_.front();
  t.transaction_id = "EXTRA";
  t.booking_due.clear();
  bank().append_transaction(t);
  EXPECT_EQ(bookings.catch_up(), 0);
  const int relearned = counting.bank_calls;
  EXPECT_GT(relearned, learned);
  EXPECT_EQ(bookings.catch_up(), 0);
  EXPECT_EQ(counting.bank_calls, relearned);

  // A payment's pending debit (no booking day) is never booked here.
  clock_.advance(days(30));
  EXPECT_EQ(bookings.catch_up(), static_cast<int>(pending_.size()));
  EXPECT_EQ(stored(t).status, "pending");
  EXPECT_EQ(bookings.catch_up(), 0);
  const int done = counting.bank_calls;
  for (int i = 0; i < 1000; ++i) bookings.catch_up();
  EXPECT_EQ(counting.bank_calls, done);
}

// Two stores on one file stand for two processes: one books, the other sees it done and
// books nothing; both read the same balances.
TEST(BookingsAcrossProcesses, OneFileIsBookedOnce) {
  ::sandbank::testing::TempDir dir("bookings-test");
  const auto db = (dir / "s.db").string();
  {
    auto first = store::open_sqlite_store(db, true);
    ASSERT_TRUE(seed_bank(*first, builtin_profiles(), kDefaultSeed, today()));
    auto second = store::open_sqlite_store(db, false);
    ManualClock clock(today());
    PendingBookings a(*first, clock), b(*second, clock);
    EXPECT_EQ(a.catch_up() + b.catch_up(), 0);

    auto data = generate_bank(builtin_profiles(), kDefaultSeed, today());
    int pending = 0;
    std::string last;
    for (const auto& t : data.transactions) {
      if (t.status != "pending") continue;
      ++pending;
      last = std::max(last, t.booking_due);
    }
    clock.set(start_of(last));
    int booked = 0;
    std::thread other([&] { booked += b.catch_up(); });
    int here = a.catch_up();
    other.join();
    EXPECT_EQ(here + booked, pending);
    EXPECT_EQ(a.catch_up() + b.catch_up(), 0);
    for (const auto& account : data.accounts) {
      EXPECT_EQ(first->bank().balances(account.id), second->bank().balances(account.id));
      EXPECT_EQ(first->bank().balances(account.id)->pending_sum_minor, 0);
    }
  }
  // And after a restart nothing is booked again.
  {
    auto reopened = store::open_sqlite_store(db, false);
    ManualClock clock(today() + days(30));
    PendingBookings c(*reopened, clock);
    EXPECT_EQ(c.catch_up(), 0);
  }
}

}  // namespace
}  // namespace sandbank::bank
