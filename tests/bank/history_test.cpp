#include "bank/history.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "bank/iban.hpp"
#include "bank/seed.hpp"
#include "core/time_format.hpp"

namespace sandbank::bank {
namespace {

using namespace std::chrono;

TimePoint today() {
  return *parse_rfc3339("2026-03-15T10:30:00Z");
}

std::string dump(const store::BankTransaction& t) {
  return t.account_id + "|" + t.transaction_id + "|" + t.end_to_end_id + "|" + t.status + "|" +
         format_rfc3339(t.execution_time) + "|" + t.booking_date + "|" + t.value_date + "|" +
         std::to_string(t.amount_minor) + t.currency + "|" + t.creditor.name + "|" +
         t.creditor.iban + "|" + t.creditor.bic + "|" + t.debtor.name + "|" + t.debtor.iban + "|" +
         t.debtor.bic + "|" + t.transaction_type + "|" + t.remittance_unstructured + "|" +
         t.remittance_structured + "|" + t.masked_pan + "|" + t.transaction_details + "\n";
}

std::string dump(const store::BankData& d) {
  std::string out;
  for (const auto& t : d.transactions) out += dump(t);
  return out;
}

TEST(History, SameSeedSameDataDifferentSeedDifferentData) {
  auto a = generate_bank(builtin_profiles(), 7, today());
  auto b = generate_bank(builtin_profiles(), 7, today());
  auto c = generate_bank(builtin_profiles(), 8, today());
  EXPECT_EQ(dump(a), dump(b));
  EXPECT_EQ(a.opening_balances, b.opening_balances);
  EXPECT_NE(dump(a), dump(c));
  // Account identities do not depend on the seed.
  ASSERT_EQ(a.accounts.size(), c.accounts.size());
  for (std::size_t i = 0; i < a.accounts.size(); ++i) EXPECT_EQ(a.accounts[i], c.accounts[i]);
}

TEST(History, ThirteenMonthsOfRealisticTransactions) {
  auto data = generate_bank(builtin_profiles(), kDefaultSeed, today());
  std::map<std::string, std::vector<const store::BankTransaction*>> by_account;
  for (const auto& t : data.transactions) by_account[t.account_id].push_back(&t);
  const auto limit = sys_days{2025y / February / 15} + days{0};  // 13 months before 2026-03-15
  int pending = 0;
  for (const auto& account : data.accounts) {
    const auto& list = by_account[account.id];
    ASSERT_FALSE(list.empty()) << account.id;
    EXPECT_LE(list.front()->execution_time, TimePoint(limit)) << account.id;
    for (const auto* t : list) {
      EXPECT_LE(t->execution_time, today());
      EXPECT_EQ(t->currency, account.currency);
      EXPECT_NE(t->amount_minor, 0);
      EXPECT_FALSE(t->transaction_id.empty());
      EXPECT_FALSE(t->transaction_type.empty());
      EXPECT_FALSE(t->value_date.empty());
      if (t->status == "pending") {
        ++pending;
        EXPECT_TRUE(t->booking_date.empty());
        EXPECT_GE(t->execution_time, today() - days{5});
      } else {
        EXPECT_EQ(t->status, "booked");
        EXPECT_LE(t->booking_date, "2026-03-15");
        EXPECT_GE(t->booking_date, date_of(t->execution_time));
      }
      // The account holder is on the right side.
      const auto& holder = t->amount_minor < 0 ? t->debtor : t->creditor;
      EXPECT_EQ(holder.iban, account.iban);
      const auto& other = t->amount_minor < 0 ? t->creditor : t->debtor;
      if (!other.iban.empty()) {
        auto v = validate_iban(other.iban);
        EXPECT_TRUE(v.ok() || other.iban.starts_with("AT86")) << other.iban << v.message;
      }
    }
  }
  EXPECT_GT(pending, 10);
  EXPECT_GT(data.transactions.size(), 10000u);
}

TEST(History, SalaryRentAndBothLegsOfOwnTransfers) {
  auto data = generate_bank(builtin_profiles(), kDefaultSeed, today());
  const std::string account = "7de0041d-4f25-4b6c-a885-0bbeb1eab220";
  int salaries = 0, rents = 0, cards = 0;
  std::map<std::string, std::vector<const store::BankTransaction*>> own;
  for (const auto& t : data.transactions) {
    if (t.end_to_end_id.starts_with("OWN")) own[t.end_to_end_id].push_back(&t);
    if (t.account_id != account) continue;
    salaries += t.remittance_unstructured.starts_with("Salaris") ? 1 : 0;
    rents += t.remittance_unstructured.starts_with("Huur") ? 1 : 0;
    cards += t.transaction_type == "Betaalautomaat" ? 1 : 0;
  }
  EXPECT_GE(salaries, 13);
  EXPECT_GE(rents, 13);
  EXPECT_GT(cards, 100);
  ASSERT_FALSE(own.empty());
  for (const auto& [e2e, legs] : own) {
    ASSERT_EQ(legs.size(), 2u) << e2e;
    EXPECT_EQ(legs[0]->amount_minor, -legs[1]->amount_minor);
    EXPECT_NE(legs[0]->account_id, legs[1]->account_id);
  }
}

TEST(History, AddingAProfileLeavesTheOthersUnchanged) {
  Profiles one;
  one.profiles.push_back(*builtin_profiles().find("de-max-mustermann"));
  auto alone = generate_bank(one, 99, today());
  auto all = generate_bank(builtin_profiles(), 99, today());
  std::string in_all;
  for (const auto& t : all.transactions) {
    if (t.account_id == alone.accounts[0].id || t.account_id == alone.accounts[1].id) {
      in_all += dump(t);
    }
  }
  EXPECT_EQ(dump(alone), in_all);
}

}  // namespace
}  // namespace sandbank::bank
