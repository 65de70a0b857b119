// The SQLite bank repository's transaction table (migration 11): clustered by the page order,
// with the page texts repeated in page_fields. Upgrading a store of the older layout, the
// page query plan, texts of any bytes, and visit_transactions next to list_transactions.
#include "store/sqlite_bank.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <vector>

#include "core/error.hpp"
#include "core/time_format.hpp"
#include "store/database.hpp"
#include "store/temp_dir.hpp"

namespace sandbank::store {
namespace {

using sqlite::Connection;
using sqlite::Database;
using test_support::TempDir;

TimePoint at(const char* text) {
  return *parse_rfc3339(text);
}

// The migrations of a store before `version` of the bank's (10..19): the others up to date.
// As the binaries of that time ran them: step by step (no Migration::fresh_sql).
std::vector<Migration> bank_before(int version) {
  std::vector<Migration> list;
  for (const auto& m : sqlite_migrations()) {
    if (m.version < version || m.version >= 20) list.push_back(m);
  }
  for (auto& m : list) m.fresh_sql.reset();
  return list;
}

// The migrations of a store before the clustered transaction table.
std::vector<Migration> before_clustering() {
  return bank_before(11);
}

BankData one_account() {
  BankData d;
  d.seeded_at = at("2026-03-15T10:00:00Z");
  d.profiles.push_back(BankProfile{"p", "P", "NL", {}, "", 0});
  BankAccount a;
  a.id = "acc";
  a.profile_id = "p";
  a.kind = "current";
  a.iban = "NL69INGB0123456789";
  a.currency = "EUR";
  d.accounts.push_back(a);
  return d;
}

BankTransaction transaction(const std::string& id, const char* time, const char* status) {
  BankTransaction t;
  t.account_id = "acc";
  t.transaction_id = id;
  t.end_to_end_id = "E2E-" + id;
  t.status = status;
  t.execution_time = at(time);
  t.booking_date = std::string(time, 10);
  t.value_date = std::string(time, 10);
  t.amount_minor = -1234;
  t.currency = "EUR";
  t.creditor = {"Creditor", "NL02ABNA0123456789", "ABNANL2A"};
  t.debtor = {"Debtor", "NL69INGB0123456789", ""};
  t.transaction_type = "Overschrijving";
  t.remittance_unstructured = "Text " + id;
  return t;
}

std::vector<BankTransaction> all(BankRepository& bank, int limit) {
  std::vector<BankTransaction> out;
  TransactionQuery q{"acc", std::nullopt, std::nullopt, limit, std::nullopt};
  for (;;) {
    auto page = bank.list_transactions(q);
    out.insert(out.end(), page.transactions.begin(), page.transactions.end());
    if (!page.next_cursor) return out;
    q.cursor = page.next_cursor;
  }
}

// Every column of every transaction row, in id order, as text.
std::vector<std::vector<std::string>> rows(Database& db) {
  return db.read([](Connection& c) {
    std::vector<std::vector<std::string>> out;
    auto st = c.prepare(
        "SELECT id, account_id, transaction_id, end_to_end_id, status, execution_time, "
        "booking_date, value_date, amount, currency, creditor_name, creditor_iban, creditor_bic, "
        "debtor_name, debtor_iban, debtor_bic, transaction_type, remittance_unstructured, "
        "remittance_structured, masked_pan, transaction_details FROM bank_transactions "
        "ORDER BY id");
    while (st.step()) {
      std::vector<std::string> row;
      for (int i = 0; i < 21; ++i) row.push_back(st.text(i));
      out.push_back(std::move(row));
    }
    return out;
  });
}

TEST(SqliteBankTransactions, AStoreOfTheOlderLayoutIsUpgradedWithItsIds) {
  TempDir dir;
  std::vector<std::vector<std::string>> before;
  {
    auto db = Database::open_file(dir / "s.db", true, before_clustering());
    ASSERT_EQ(db->schema_version(), latest_sqlite_schema_version());
    make_sqlite_bank_repository(*db)->replace_all(one_account());
    // Rows as the older code wrote them: ids assigned by SQLite, with gaps, not in time order.
    db->write([](Connection& c) {
      c.exec(
          "INSERT INTO bank_transactions (id, account_id, transaction_id, end_to_end_id, status, "
          "execution_time, booking_date, value_date, amount, currency, creditor_name, "
          "creditor_iban, creditor_bic, debtor_name, debtor_iban, debtor_bic, transaction_type, "
          "remittance_unstructured, remittance_structured, masked_pan, transaction_details) "
          "VALUES (3, 'acc', 'T3', 'E3', 'booked', '2026-03-01T10:00:00.000000Z', '2026-03-01', "
          "'2026-03-01', -300, 'EUR', 'C \"3\"', 'NL02ABNA0123456789', '', '', '', '', 'Type', "
          "'Rem 3', 'RF18', '', ''), "
          "(7, 'acc', 'T7', 'NOTPROVIDED', 'pending', '2026-03-02T10:00:00.000000Z', '', "
          "'2026-03-02', 700, 'EUR', '', '', '', 'D', 'NL69INGB0123456789', 'INGBNL2A', '', '', "
          "'', '', ''), "
          "(8, 'acc', 'T8', 'E8', 'booked', '2026-02-01T10:00:00.000000Z', '2026-02-01', "
          "'2026-02-01', 1, 'EUR', '', '', '', '', '', '', '', 'Rem, 8', '', '', '')");
    });
    before = rows(*db);
    ASSERT_EQ(before.size(), 3u);
  }
  auto db = Database::open_file(dir / "s.db", false);
  EXPECT_EQ(db->schema_version(), latest_sqlite_schema_version());
  EXPECT_EQ(rows(*db), before);
  auto bank = make_sqlite_bank_repository(*db);
  auto list = all(*bank, 2);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].row_id, 7);
  EXPECT_EQ(list[0].status, "pending");
  EXPECT_EQ(list[0].debtor.bic, "INGBNL2A");
  EXPECT_EQ(list[1].row_id, 3);
  EXPECT_EQ(list[1].creditor.name, "C \"3\"");
  EXPECT_EQ(list[1].remittance_structured, "RF18");
  EXPECT_EQ(list[2].row_id, 8);
  EXPECT_EQ(list[2].remittance_unstructured, "Rem, 8");
  // New transactions continue after the largest id, as SQLite's rowids did.
  EXPECT_EQ(bank->append_transaction(transaction("N1", "2026-01-01T00:00:00Z", "booked")).row_id,
            9);
  EXPECT_EQ(bank->book_transaction("acc", "T7", at("2026-03-03T09:00:00Z")).status, "booked");
  EXPECT_EQ(bank->find_transaction("acc", "T7")->booking_date, "2026-03-03");
}

TEST(SqliteBankTransactions, APageIsOneRangeScanOfThePrimaryKey) {
  auto db = Database::open_memory();
  auto plan = db->read([](Connection& c) {
    std::string out;
    auto st = c.prepare(
        "EXPLAIN QUERY PLAN SELECT page_fields FROM "
        "bank_transactions WHERE account_id = ? AND execution_time >= ? AND "
        "(execution_time, id) < (?, ?) ORDER BY execution_time DESC, id DESC LIMIT ?");
    while (st.step()) out += st.text(3) + "\n";
    return out;
  });
  // Seeking to the row-value bound, not to a plain execution_time bound above it.
  EXPECT_NE(plan.find("SEARCH bank_transactions USING PRIMARY KEY (account_id=? AND "
                      "execution_time>? AND (execution_time,id)<(?,?))"),
            std::string::npos)
      << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

// Deep in a long history a page still reads only its own rows: SQLite seeks to the cursor
// rather than walking down to it from the newest transaction (counted in VM instructions).
TEST(SqliteBankTransactions, APageFromADeepCursorSeeksToIt) {
  auto db = Database::open_memory();
  auto bank = make_sqlite_bank_repository(*db);
  bank->replace_all(one_account());
  db->write([](Connection& c) {
    c.exec(
        "INSERT INTO bank_transactions (id, account_id, transaction_id, end_to_end_id, status, "
        "execution_time, booking_date, value_date, amount, currency, creditor_name, "
        "creditor_iban, creditor_bic, debtor_name, debtor_iban, debtor_bic, transaction_type, "
        "remittance_unstructured, remittance_structured, masked_pan, transaction_details) "
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
        "SELECT i, 'acc', 'T' || i, '', 'booked', "
        "strftime('%Y-%m-%dT%H:%M:%S', 1773568800 - (20000 - i) * 60, 'unixepoch') || "
        "'.000000Z', '', '', -i, 'EUR', '', '', '', '', '', '', '', '', '', '', '' FROM n");
  });
  TransactionQuery q{"acc", std::nullopt, at("2026-03-15T10:00:00Z"), 1000, std::nullopt};
  for (int page = 0; page < 15; ++page) q.cursor = bank->list_transactions(q).next_cursor;
  ASSERT_TRUE(q.cursor);
  q.limit = 10;

  long progress_calls = 0;  // one per 100 VM instructions
  db->read([&](Connection& c) {
    sqlite3_progress_handler(
        c.handle(), 100, [](void* calls) { return ++*static_cast<long*>(calls), 0; },
        &progress_calls);
  });
  std::vector<std::int64_t> ids;
  bank->visit_transactions(q, [&](const BankTransactionView& t) { ids.push_back(t.row_id); });
  db->read([](Connection& c) { sqlite3_progress_handler(c.handle(), 0, nullptr, nullptr); });
  EXPECT_EQ(
      ids, (std::vector<std::int64_t>{5000, 4999, 4998, 4997, 4996, 4995, 4994, 4993, 4992, 4991}));
  // Walking down from the newest would step 15 000 rows, some 1 500 calls.
  EXPECT_LT(progress_calls, 20);
}

TEST(SqliteBankTransactions, TextsOfAnyBytesReadBackUnchanged) {
  auto db = Database::open_memory();
  auto bank = make_sqlite_bank_repository(*db);
  bank->replace_all(one_account());
  std::vector<std::string> texts = {
      "",   std::string("nul\0inside", 10),         std::string("\0", 1), "12,34,",
      "0,", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\"\\\n\x01\x7f",     std::string(10000, 'x'),
  };
  std::vector<BankTransaction> appended;
  int n = 0;
  for (const auto& text : texts) {
    auto t = transaction("T" + std::to_string(++n), "2026-03-01T10:00:00Z", "booked");
    t.transaction_id += text;
    t.end_to_end_id = text;
    t.creditor = {text, text, text};
    t.debtor = {text, text, text};
    t.transaction_type = text;
    t.remittance_unstructured = text;
    t.remittance_structured = text;
    t.masked_pan = text;
    t.transaction_details = text;
    appended.push_back(bank->append_transaction(t));
  }
  std::reverse(appended.begin(), appended.end());  // same time: newest id first
  EXPECT_EQ(all(*bank, 3), appended);

  std::vector<std::string> seen;
  TransactionQuery q{"acc", std::nullopt, std::nullopt, 1000, std::nullopt};
  EXPECT_FALSE(bank->visit_transactions(q, [&](const BankTransactionView& t) {
    EXPECT_EQ(t.account_id, "acc");
    EXPECT_EQ(t.execution_time, "2026-03-01T10:00:00.000000Z");
    EXPECT_EQ(execution_time_of(t), at("2026-03-01T10:00:00Z"));
    seen.emplace_back(t.remittance_unstructured);
    EXPECT_EQ(t.transaction_details, t.remittance_unstructured);
  }));
  std::reverse(seen.begin(), seen.end());
  EXPECT_EQ(seen, texts);
}

TEST(SqliteBankTransactions, VisitingGivesTheListedPagesAndCursors) {
  auto db = Database::open_memory();
  auto bank = make_sqlite_bank_repository(*db);
  auto data = one_account();
  for (int i = 0; i < 25; ++i) {
    std::string id = "T";
    id += std::to_string(i);
    data.transactions.push_back(transaction(
        id, i % 3 ? "2026-03-01T10:00:00Z" : "2026-02-01T10:00:00Z", i % 4 ? "booked" : "pending"));
  }
  bank->replace_all(data);
  TransactionQuery q{"acc", at("2026-01-01T00:00:00Z"), at("2026-03-15T00:00:00Z"), 7,
                     std::nullopt};
  int pages = 0;
  for (;;) {
    auto listed = bank->list_transactions(q);
    std::vector<std::int64_t> visited;
    auto next = bank->visit_transactions(
        q, [&](const BankTransactionView& t) { visited.push_back(t.row_id); });
    ASSERT_EQ(visited.size(), listed.transactions.size());
    for (std::size_t i = 0; i < visited.size(); ++i) {
      EXPECT_EQ(visited[i], listed.transactions[i].row_id);
    }
    EXPECT_EQ(next, listed.next_cursor);
    ++pages;
    if (!next) break;
    q.cursor = next;
  }
  EXPECT_EQ(pages, 4);

  // What the visitor throws ends the read; the repository stays usable.
  q.cursor.reset();
  EXPECT_THROW(bank->visit_transactions(
                   q, [](const BankTransactionView&) { throw std::runtime_error("stop"); }),
               std::runtime_error);
  EXPECT_EQ(bank->list_transactions(q).transactions.size(), 7u);
  q.limit = 0;
  EXPECT_THROW(bank->visit_transactions(q, [](const BankTransactionView&) {}), Error);
}

// Migration 12 on a store of the older layout: generated pending transactions get an estimated
// booking day, payments' pending debits and booked transactions none; rows stay as they were.
TEST(SqliteBankTransactions, AStoreWithoutBookingDaysIsUpgraded) {
  TempDir dir;
  std::vector<std::vector<std::string>> before;
  {
    auto db = Database::open_file(dir / "s.db", true, bank_before(12));
    ASSERT_EQ(db->schema_version(), latest_sqlite_schema_version());
    make_sqlite_bank_repository(*db)->replace_all(one_account());
    db->write([](Connection& c) {
      // Ids as history.cpp makes them (24 digits); a payment's is a UUID. 2026-03-14 is a
      // Saturday; card payments have transaction_details.
      c.exec(
          "INSERT INTO bank_transactions (id, account_id, transaction_id, end_to_end_id, status, "
          "execution_time, booking_date, value_date, amount, currency, creditor_name, "
          "creditor_iban, creditor_bic, debtor_name, debtor_iban, debtor_bic, transaction_type, "
          "remittance_unstructured, remittance_structured, masked_pan, transaction_details) "
          "VALUES (1, 'acc', '202603100000011234567890', '', 'booked', "
          "'2026-03-10T10:00:00.000000Z', '2026-03-10', '2026-03-10', -100, 'EUR', '', '', '', "
          "'', '', '', '', '', '', '', ''), "
          "(2, 'acc', '202603120000021234567890', '', 'pending', '2026-03-12T10:00:00.000000Z', "
          "'', '2026-03-12', -200, 'EUR', '', '', '', '', '', '', '', '', '', '', 'Shop A'), "
          "(3, 'acc', '202603130000031234567890', '', 'pending', '2026-03-13T10:00:00.000000Z', "
          "'', '2026-03-13', -300, 'EUR', '', '', '', '', '', '', '', '', '', '', 'Shop B'), "
          "(4, 'acc', '202603140000041234567890', '', 'pending', '2026-03-14T06:00:00.000000Z', "
          "'', '2026-03-14', -400, 'EUR', '', '', '', '', '', '', '', '', '', '', ''), "
          "(5, 'acc', '6f1c2b4e-0d7a-4c55-9a1e-2b3c4d5e6f70', '', 'pending', "
          "'2026-03-14T09:00:00.000000Z', '', '2026-03-14', -500, 'EUR', '', '', '', '', '', '', "
          "'', '', '', '', '');"
          "UPDATE bank_balances SET booked_sum = -100, pending_sum = -1400");
    });
    before = rows(*db);
  }
  auto db = Database::open_file(dir / "s.db", false);
  EXPECT_EQ(db->schema_version(), latest_sqlite_schema_version());
  EXPECT_EQ(rows(*db), before);
  auto bank = make_sqlite_bank_repository(*db);
  auto due = [&](const char* id) { return bank->find_transaction("acc", id)->booking_due; };
  EXPECT_EQ(due("202603100000011234567890"), "");
  EXPECT_EQ(due("202603120000021234567890"), "2026-03-13");  // Thursday's card payment
  EXPECT_EQ(due("202603130000031234567890"), "2026-03-16");  // Friday's: after the weekend
  EXPECT_EQ(due("202603140000041234567890"), "2026-03-16");  // a Saturday's transfer
  EXPECT_EQ(due("6f1c2b4e-0d7a-4c55-9a1e-2b3c4d5e6f70"), "");
  EXPECT_EQ(bank->next_booking_due(), "2026-03-13");
  EXPECT_EQ(bank->book_due(at("2026-03-15T12:00:00Z")), 1);
  EXPECT_EQ(bank->next_booking_due(), "2026-03-16");
  EXPECT_EQ(bank->book_due(at("2026-04-30T12:00:00Z")), 2);
  EXPECT_EQ(bank->next_booking_due(), std::nullopt);
  EXPECT_EQ(bank->find_transaction("acc", "6f1c2b4e-0d7a-4c55-9a1e-2b3c4d5e6f70")->status,
            "pending");
  auto b = *bank->balances("acc");
  EXPECT_EQ(b.booked_sum_minor, -1000);
  EXPECT_EQ(b.pending_sum_minor, -500);
  EXPECT_EQ(b.last_change, at("2026-03-16T00:00:00Z"));
}

// A page row as "id|execution_time|amount|texts..." from the parts of a transaction.
std::string page_row(std::int64_t id, std::string_view time, std::int64_t amount,
                     std::initializer_list<std::string_view> texts) {
  std::string row = std::to_string(id) + "|" + std::string(time) + "|" + std::to_string(amount);
  for (auto text : texts) row += "|" + std::string(text);
  return row;
}

// Every page row of the account as visit_transactions reads it from page_fields.
std::vector<std::string> visited_rows(BankRepository& bank) {
  std::vector<std::string> out;
  TransactionQuery q{"acc", std::nullopt, std::nullopt, 3, std::nullopt};
  for (;;) {
    auto next = bank.visit_transactions(q, [&](const BankTransactionView& t) {
      out.push_back(
          page_row(t.row_id, t.execution_time, t.amount_minor,
                   {t.transaction_id, t.end_to_end_id, t.status, t.booking_date, t.value_date,
                    t.currency, t.creditor_name, t.creditor_iban, t.creditor_bic, t.debtor_name,
                    t.debtor_iban, t.debtor_bic, t.transaction_type, t.remittance_unstructured,
                    t.remittance_structured, t.masked_pan, t.transaction_details}));
    });
    if (!next) return out;
    q.cursor = next;
  }
}

// The same rows as list_transactions reads them from the table's own columns.
std::vector<std::string> listed_rows(BankRepository& bank) {
  std::vector<std::string> out;
  for (const auto& t : all(bank, 3)) {
    out.push_back(
        page_row(t.row_id, sqlite::format_timestamp(t.execution_time), t.amount_minor,
                 {t.transaction_id, t.end_to_end_id, t.status, t.booking_date, t.value_date,
                  t.currency, t.creditor.name, t.creditor.iban, t.creditor.bic, t.debtor.name,
                  t.debtor.iban, t.debtor.bic, t.transaction_type, t.remittance_unstructured,
                  t.remittance_structured, t.masked_pan, t.transaction_details}));
  }
  return out;
}

// Migration 13 rebuilds the table with page_fields carrying id, execution_time and amount:
// rows, booking days and later writes are as before, and the pages read from page_fields are
// the rows read from the columns.
TEST(SqliteBankTransactions, AStoreOfTheTwelfthLayoutIsUpgradedWithItsPages) {
  TempDir dir;
  std::vector<std::vector<std::string>> before;
  {
    auto db = Database::open_file(dir / "s.db", true, bank_before(13));
    ASSERT_EQ(db->schema_version(), latest_sqlite_schema_version());
    auto data = one_account();
    for (int i = 0; i < 8; ++i) {
      auto t = transaction("T" + std::to_string(i),
                           i % 2 ? "2026-03-01T10:00:00Z" : "2026-02-01T10:00:00Z",
                           i % 3 ? "booked" : "pending");
      t.amount_minor = i % 2 ? -(i * 1001) : i * 77;
      if (i == 5) t.remittance_unstructured = "Line\n\"quoted\", 5,5";
      if (i == 3) t.booking_due = "2026-03-02";
      data.transactions.push_back(t);
    }
    make_sqlite_bank_repository(*db)->replace_all(data);
    before = rows(*db);
    ASSERT_EQ(before.size(), 8u);
  }
  auto db = Database::open_file(dir / "s.db", false);
  EXPECT_EQ(db->schema_version(), latest_sqlite_schema_version());
  EXPECT_EQ(rows(*db), before);
  auto bank = make_sqlite_bank_repository(*db);
  EXPECT_EQ(visited_rows(*bank), listed_rows(*bank));
  EXPECT_EQ(visited_rows(*bank).size(), 8u);
  EXPECT_EQ(bank->find_transaction("acc", "T3")->booking_due, "2026-03-02");
  EXPECT_EQ(bank->append_transaction(transaction("N1", "2026-03-05T00:00:00Z", "booked")).row_id,
            9);
  EXPECT_EQ(visited_rows(*bank), listed_rows(*bank));
  EXPECT_EQ(visited_rows(*bank).front().substr(0, 2), "9|");
}

// A page_fields value that does not parse is a store.damaged error naming the column, not a
// crash or a page of garbage.
TEST(SqliteBankTransactions, ADamagedPageRowIsAStoreError) {
  auto db = Database::open_memory();
  auto bank = make_sqlite_bank_repository(*db);
  auto data = one_account();
  data.transactions.push_back(transaction("T1", "2026-03-01T10:00:00Z", "booked"));
  bank->replace_all(data);
  TransactionQuery q{"acc", std::nullopt, std::nullopt, 10, std::nullopt};
  // page_fields is generated from the row: an amount that is not a number (a column without
  // STRICT typing takes it) makes its amount field unreadable.
  db->write([](Connection& c) { c.exec("UPDATE bank_transactions SET amount = 'x1'"); });
  try {
    bank->visit_transactions(q, [](const BankTransactionView&) {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 500);
    EXPECT_EQ(e.code(), "store.damaged");
    EXPECT_NE(e.diagnostic().find("page_fields"), std::string::npos) << e.diagnostic();
  }
}

TEST(SqliteBankTransactions, BookingDueUpdatesThePageRowsInPlace) {
  auto db = Database::open_memory();
  auto bank = make_sqlite_bank_repository(*db);
  auto data = one_account();
  data.seeded_at = at("2026-03-15T10:00:00Z");
  data.opening_balances.emplace_back("acc", 100000);
  auto p1 = transaction("P1", "2026-03-14T10:00:00Z", "pending");
  p1.booking_date.clear();
  p1.booking_due = "2026-03-16";
  auto p2 = transaction("P2", "2026-03-15T09:00:00Z", "pending");
  p2.booking_date.clear();
  p2.booking_due = "2026-03-17";
  data.transactions = {transaction("B1", "2026-03-13T10:00:00Z", "booked"), p1, p2};
  bank->replace_all(data);
  // A payment's pending debit, later than the booking days: its last_change stays.
  auto payment = transaction("PAY", "2026-03-16T12:00:00Z", "pending");
  bank->append_transaction(payment);

  auto plan = db->read([](Connection& c) {
    std::string out;
    auto st = c.prepare(
        "EXPLAIN QUERY PLAN SELECT account_id, execution_time, id, amount, booking_due FROM "
        "bank_transactions WHERE status = 'pending' AND booking_due > '' AND booking_due <= ?");
    while (st.step()) out += st.text(3) + "\n";
    return out;
  });
  EXPECT_NE(plan.find("USING INDEX bank_transactions_due"), std::string::npos) << plan;

  const auto ids_before = all(*bank, 2);
  EXPECT_EQ(bank->book_due(at("2026-03-15T23:59:59Z")), 0);
  EXPECT_EQ(bank->book_due(at("2026-03-16T00:00:00Z")), 1);
  EXPECT_EQ(bank->book_due(at("2026-03-16T00:00:00Z")), 0);
  std::map<std::string, std::pair<std::string, std::string>> seen;  // id → status, dates
  TransactionQuery q{"acc", std::nullopt, std::nullopt, 10, std::nullopt};
  bank->visit_transactions(q, [&](const BankTransactionView& t) {
    seen[std::string(t.transaction_id)] = {
        std::string(t.status), std::string(t.booking_date) + "/" + std::string(t.value_date)};
  });
  EXPECT_EQ(seen["P1"],
            std::make_pair(std::string("booked"), std::string("2026-03-16/2026-03-16")));
  EXPECT_EQ(seen["P2"], std::make_pair(std::string("pending"), std::string("/2026-03-15")));
  EXPECT_EQ(seen["PAY"].first, "pending");
  auto b = *bank->balances("acc");
  EXPECT_EQ(b.booked_sum_minor, -2468);
  EXPECT_EQ(b.pending_sum_minor, -2468);
  EXPECT_EQ(b.closing_booked_minor, 100000 - 2468);
  EXPECT_EQ(b.expected_minor, 100000 - 4936);
  EXPECT_EQ(b.last_change, at("2026-03-16T12:00:00Z"));

  EXPECT_EQ(bank->book_due(at("2026-03-20T08:00:00Z")), 1);
  auto after = all(*bank, 2);
  ASSERT_EQ(after.size(), ids_before.size());
  for (std::size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].row_id, ids_before[i].row_id);
  EXPECT_EQ(bank->find_transaction("acc", "P2")->value_date, "2026-03-17");
  EXPECT_EQ(bank->find_transaction("acc", "PAY")->status, "pending");
  EXPECT_EQ(bank->balances("acc")->last_change, at("2026-03-17T00:00:00Z"));
}

}  // namespace
}  // namespace sandbank::store
