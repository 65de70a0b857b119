#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "bank/history.hpp"
#include "bank/seed.hpp"
#include "core/error.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"
#include "support/store_backends.hpp"

namespace sandbank::bank {
namespace {

using namespace std::chrono;
using store::BankTransaction;

TimePoint today() {
  return *parse_rfc3339("2026-03-15T10:30:00Z");
}

const std::string kAVanDijk = "7de0041d-4f25-4b6c-a885-0bbeb1eab220";

// Part of the store contract: runs against SQLite and PostgreSQL (support/store_backends.hpp).
class BankRepositoryTest : public ::testing::TestWithParam<store::test_support::Backend> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::test_support::TestDatabase>(GetParam());
    if (!db_->skip_reason().empty()) GTEST_SKIP() << db_->skip_reason();
    store_ = db_->open();
    ASSERT_TRUE(seed_bank(*store_, builtin_profiles(), kDefaultSeed, today()));
  }
  store::BankRepository& bank() { return store_->bank(); }

  // Every transaction of an account, paging with `limit`.
  std::vector<BankTransaction> all(const std::string& account, int limit,
                                   std::optional<TimePoint> from = {},
                                   std::optional<TimePoint> to = {}) {
    std::vector<BankTransaction> out;
    store::TransactionQuery q{account, from, to, limit, std::nullopt};
    for (int guard = 0; guard < 100000; ++guard) {
      auto page = bank().list_transactions(q);
      EXPECT_LE(page.transactions.size(), static_cast<std::size_t>(limit));
      for (auto& t : page.transactions) out.push_back(std::move(t));
      if (!page.next_cursor) break;
      q.cursor = page.next_cursor;
    }
    return out;
  }

  std::unique_ptr<store::test_support::TestDatabase> db_;
  std::unique_ptr<store::Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Stores, BankRepositoryTest,
                         ::testing::Values(store::test_support::Backend::Sqlite,
                                           store::test_support::Backend::Postgres),
                         store::test_support::backend_name);

TEST_P(BankRepositoryTest, ProfilesAndAccountsAreStored) {
  EXPECT_FALSE(seed_bank(*store_, builtin_profiles(), 1, today()));
  auto nl = bank().list_profiles("NL");
  ASSERT_EQ(nl.size(), 8u);
  EXPECT_EQ(nl[0].name, "Hr A van Dijk, Mw B Mol-van Dijk");
  EXPECT_EQ(nl[0].position, 0);
  EXPECT_EQ(bank().list_profiles("").size(), builtin_profiles().profiles.size());
  auto profile = bank().find_profile("nl-peter-smith");
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->scenario, "insufficient_funds");
  EXPECT_FALSE(bank().find_profile("nope"));

  auto a = bank().find_account(kAVanDijk);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->iban, "NL69INGB0123456789");
  EXPECT_EQ(a->bban, "INGB0123456789");
  EXPECT_EQ(a->bic, "INGBNL2A");
  EXPECT_EQ(a->profile_id, "nl-a-van-dijk");
  auto by_iban = bank().find_account_by_iban("RO44INGB0000999908767270");
  ASSERT_TRUE(by_iban);
  EXPECT_EQ(by_iban->id, "37608c1d-4d6a-40a2-850c-2462f2e26e80");  // not the card
  auto ro = bank().accounts_of_profile("ro-popescu-corina");
  ASSERT_EQ(ro.size(), 2u);
  EXPECT_EQ(ro[1].kind, "card");
  EXPECT_EQ(ro[1].masked_pan.size(), 16u);
  EXPECT_GT(ro[1].credit_limit_minor, 0);
  EXPECT_FALSE(bank().find_account("00000000-0000-4000-8000-000000000000"));
  EXPECT_TRUE(bank().accounts_of_profile("nope").empty());
}

TEST_P(BankRepositoryTest, BalancesAreConsistentForEveryAccount) {
  for (const auto& profile : builtin_profiles().profiles) {
    for (const auto& spec : profile.accounts) {
      auto b = bank().balances(spec.id);
      ASSERT_TRUE(b) << spec.id;
      std::int64_t booked = 0, pending = 0;
      for (const auto& t : all(spec.id, 1000))
        (t.status == "booked" ? booked : pending) += t.amount_minor;
      EXPECT_EQ(b->booked_sum_minor, booked);
      EXPECT_EQ(b->pending_sum_minor, pending);
      EXPECT_EQ(b->closing_booked_minor, b->opening_booked_minor + booked);
      EXPECT_EQ(b->expected_minor, b->closing_booked_minor + pending);
      EXPECT_EQ(b->interim_booked_minor, b->closing_booked_minor);
      EXPECT_EQ(b->interim_available_minor, b->expected_minor + spec.credit_limit_minor);
      EXPECT_EQ(b->currency, spec.currency);
      if (spec.balance_minor) {
        EXPECT_EQ(b->closing_booked_minor, *spec.balance_minor) << spec.id;
      }
    }
  }
}

TEST_P(BankRepositoryTest, StoredHistoryEqualsGeneratedHistory) {
  auto data = generate_bank(builtin_profiles(), kDefaultSeed, today());
  std::vector<BankTransaction> expected;
  for (const auto& t : data.transactions) {
    if (t.account_id == kAVanDijk) expected.push_back(t);
  }
  std::reverse(expected.begin(), expected.end());  // pages are newest first
  int pending = 0;
  for (auto& t : expected) {
    // Pages leave booking_due out; find_transaction reads it.
    EXPECT_EQ(bank().find_transaction(kAVanDijk, t.transaction_id)->booking_due, t.booking_due);
    EXPECT_EQ(t.booking_due.empty(), t.status == "booked");
    if (t.status == "pending") {
      ++pending;
      EXPECT_GT(t.booking_due, "2026-03-15");
    }
    t.booking_due.clear();
  }
  EXPECT_GT(pending, 0);
  auto stored = all(kAVanDijk, 1000);
  ASSERT_EQ(stored.size(), expected.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    auto s = stored[i];
    s.row_id = 0;
    EXPECT_EQ(s, expected[i]) << i;
  }
}

TEST_P(BankRepositoryTest, PagingWithAnyLimitGivesTheFullHistoryOnce) {
  const auto full = all(kAVanDijk, 1000);
  ASSERT_GT(full.size(), 300u);
  for (int limit : {1, 7, 100}) {
    auto paged = all(kAVanDijk, limit);
    ASSERT_EQ(paged.size(), full.size()) << limit;
    std::set<std::int64_t> ids;
    for (std::size_t i = 0; i < paged.size(); ++i) {
      EXPECT_EQ(paged[i].row_id, full[i].row_id);
      EXPECT_TRUE(ids.insert(paged[i].row_id).second);
      if (i > 0) {
        EXPECT_GE(paged[i - 1].execution_time, paged[i].execution_time);
      }
    }
  }
}

TEST_P(BankRepositoryTest, AppendingBetweenPagesNeitherBreaksNorDuplicates) {
  const auto before = all(kAVanDijk, 1000);
  store::TransactionQuery q{kAVanDijk, std::nullopt, std::nullopt, 7, std::nullopt};
  std::vector<BankTransaction> seen;
  int pages = 0;
  for (;;) {
    auto page = bank().list_transactions(q);
    for (auto& t : page.transactions) seen.push_back(t);
    if (++pages == 3) {
      // A new payment now, and one back-dated into the pages already read.
      BankTransaction t;
      t.account_id = kAVanDijk;
      t.transaction_id = "NEW-1";
      t.end_to_end_id = "E2E-NEW-1";
      t.status = "booked";
      t.execution_time = today();
      t.booking_date = "2026-03-15";
      t.value_date = "2026-03-15";
      t.amount_minor = -1234;
      t.currency = "EUR";
      t.transaction_type = "Overschrijving";
      bank().append_transaction(t);
      t.transaction_id = "NEW-2";
      t.execution_time = before[3].execution_time;
      bank().append_transaction(t);
    }
    if (!page.next_cursor) break;
    q.cursor = page.next_cursor;
  }
  ASSERT_EQ(seen.size(), before.size());
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].row_id, before[i].row_id);
  EXPECT_EQ(all(kAVanDijk, 100).size(), before.size() + 2);
}

TEST_P(BankRepositoryTest, DateFilterSelectsTheRange) {
  const auto full = all(kAVanDijk, 1000);
  const TimePoint from = *parse_rfc3339("2025-06-01T00:00:00Z");
  const TimePoint to = *parse_rfc3339("2025-06-30T23:59:59Z");
  std::vector<std::int64_t> expected;
  for (const auto& t : full) {
    if (t.execution_time >= from && t.execution_time <= to) expected.push_back(t.row_id);
  }
  ASSERT_GT(expected.size(), 10u);
  for (int limit : {1, 7, 100}) {
    std::vector<std::int64_t> got;
    for (const auto& t : all(kAVanDijk, limit, from, to)) got.push_back(t.row_id);
    EXPECT_EQ(got, expected) << limit;
  }
  // Only `from`: up to now.
  auto recent = all(kAVanDijk, 100, *parse_rfc3339("2026-03-01T00:00:00Z"));
  ASSERT_FALSE(recent.empty());
  EXPECT_EQ(recent.front().row_id, full.front().row_id);
}

TEST_P(BankRepositoryTest, BadCursorsAndLimitsAreRejected) {
  store::TransactionQuery q{kAVanDijk, std::nullopt, std::nullopt, 100, std::string("CQR23TABC")};
  try {
    bank().list_transactions(q);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.code(), "bank.cursor_invalid");
  }
  q.cursor.reset();
  q.limit = 0;
  EXPECT_THROW(bank().list_transactions(q), Error);
  q.limit = 1001;
  EXPECT_THROW(bank().list_transactions(q), Error);
}

TEST_P(BankRepositoryTest, AppendAndBookMoveBalances) {
  auto before = *bank().balances(kAVanDijk);
  BankTransaction t;
  t.account_id = kAVanDijk;
  t.transaction_id = "PAY-1";
  t.end_to_end_id = "E2E-PAY-1";
  t.status = "pending";
  t.execution_time = today();
  t.value_date = "2026-03-15";
  t.amount_minor = -5000;
  t.currency = "EUR";
  t.transaction_type = "Overschrijving";
  t.creditor = {"Laura Musterfrau", "AT861921125678901234", "INGBATWW"};
  auto stored = bank().append_transaction(t);
  EXPECT_GT(stored.row_id, 0);
  auto after = *bank().balances(kAVanDijk);
  EXPECT_EQ(after.closing_booked_minor, before.closing_booked_minor);
  EXPECT_EQ(after.expected_minor, before.expected_minor - 5000);
  EXPECT_EQ(after.last_change, today());

  const TimePoint settled = today() + std::chrono::hours(20);  // the next day, 2026-03-16
  auto booked = bank().book_transaction(kAVanDijk, "PAY-1", settled);
  EXPECT_EQ(booked.status, "booked");
  after = *bank().balances(kAVanDijk);
  EXPECT_EQ(after.closing_booked_minor, before.closing_booked_minor - 5000);
  EXPECT_EQ(after.expected_minor, before.expected_minor - 5000);
  EXPECT_EQ(after.last_change, settled);
  auto stored_booked = *bank().find_transaction(kAVanDijk, "PAY-1");
  EXPECT_EQ(stored_booked.booking_date, "2026-03-16");
  EXPECT_EQ(stored_booked.value_date, "2026-03-16");
  // Booking again changes nothing.
  EXPECT_EQ(
      bank().book_transaction(kAVanDijk, "PAY-1", settled + std::chrono::hours(48)).booking_date,
      "2026-03-16");
  EXPECT_EQ(bank().balances(kAVanDijk)->closing_booked_minor, before.closing_booked_minor - 5000);

  EXPECT_THROW(bank().append_transaction(t), Error);  // same transactionId
  t.transaction_id = "PAY-2";
  t.currency = "USD";
  EXPECT_THROW(bank().append_transaction(t), Error);
  t.currency = "EUR";
  t.account_id = "00000000-0000-4000-8000-000000000000";
  EXPECT_THROW(bank().append_transaction(t), Error);
  EXPECT_EQ(bank().balances(kAVanDijk)->expected_minor, before.expected_minor - 5000);
}

TEST_P(BankRepositoryTest, ResetRestoresTheSeededState) {
  const auto before = all(kAVanDijk, 1000);
  BankTransaction t = before.front();
  t.transaction_id = "EXTRA";
  bank().append_transaction(t);
  reset_bank(*store_, builtin_profiles(), kDefaultSeed, today());
  const auto after = all(kAVanDijk, 1000);
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    auto a = after[i], b = before[i];
    a.row_id = b.row_id = 0;
    EXPECT_EQ(a, b);
  }
}

// A functional check: how long seeding takes is a benchmark matter, not a test one.
TEST(BankSeeding, AllProfilesIntoAFileStoreSurviveAReopen) {
  std::string dir = "/tmp/sandbank-bank-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  std::size_t accounts = 0;
  {
    auto s = store::open_sqlite_store(dir + "/s.db", true);
    ASSERT_TRUE(seed_bank(*s, builtin_profiles(), kDefaultSeed, today()));
    EXPECT_EQ(s->bank().list_profiles("RO").size(), 3u);
    for (const auto* p : builtin_profiles().of_country("NL")) {
      accounts += s->bank().accounts_of_profile(p->id).size();
    }
  }
  {
    auto s = store::open_sqlite_store(dir + "/s.db", false);
    EXPECT_FALSE(seed_bank(*s, builtin_profiles(), kDefaultSeed, today()));
    std::size_t again = 0;
    for (const auto* p : builtin_profiles().of_country("NL")) {
      again += s->bank().accounts_of_profile(p->id).size();
    }
    EXPECT_GT(again, 0u);
    EXPECT_EQ(again, accounts);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sandbank::bank
