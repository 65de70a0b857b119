#include "store/migrations.hpp"

#include <gtest/gtest.h>

#include <future>
#include <vector>

#include "core/error.hpp"
#include "store/database.hpp"
#include "store/temp_dir.hpp"

namespace sandbank::store {
namespace {

using sqlite::Connection;
using sqlite::Database;
using test_support::TempDir;

std::vector<Migration> with(std::initializer_list<Migration> extra) {
  std::vector<Migration> list(sqlite_migrations().begin(), sqlite_migrations().end());
  list.insert(list.end(), extra);
  return list;
}

struct Row {
  int version;
  std::string name;
  std::string applied_at;
};

std::vector<Row> recorded(const std::filesystem::path& file) {
  auto c = Connection::open(file.string(), SQLITE_OPEN_READWRITE);
  std::vector<Row> rows;
  auto st = c->prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
  while (st.step()) rows.push_back({static_cast<int>(st.integer(0)), st.text(1), st.text(2)});
  return rows;
}

bool has_table(Database& db, const std::string& name) {
  return db.read([&](Connection& c) {
    return c.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", name).step();
  });
}

std::string error_code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return "no error";
}

TEST(Migrations, AreOrderedAndEndAtTheLatestVersion) {
  auto list = sqlite_migrations();
  ASSERT_FALSE(list.empty());
  int previous = 0;
  for (const auto& m : list) {
    EXPECT_GT(m.version, previous);
    EXPECT_FALSE(m.name.empty());
    EXPECT_FALSE(m.sql.empty());
    previous = m.version;
  }
  EXPECT_EQ(latest_sqlite_schema_version(), previous);
}

TEST(Migrations, EachIsRecordedOnceWithItsNameAndTime) {
  TempDir dir;
  Database::open_file(dir / "s.db", true).reset();
  auto first = recorded(dir / "s.db");
  ASSERT_EQ(first.size(), sqlite_migrations().size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].version, sqlite_migrations()[i].version);
    EXPECT_EQ(first[i].name, sqlite_migrations()[i].name);
    EXPECT_TRUE(sqlite::parse_timestamp(first[i].applied_at)) << first[i].applied_at;
    EXPECT_EQ(first[i].applied_at.size(), 27u) << first[i].applied_at;
  }
  Database::open_file(dir / "s.db", false).reset();
  auto second = recorded(dir / "s.db");
  ASSERT_EQ(second.size(), first.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(second[i].applied_at, first[i].applied_at);  // not applied again
  }
}

TEST(Migrations, AnAppendedMigrationUpgradesAnExistingDatabase) {
  TempDir dir;
  {
    auto db = Database::open_file(dir / "s.db", true);
    db->write([](Connection& c) {
      c.exec(
          "INSERT INTO revoked_certificates VALUES ('fp', '01', 'CN=x', "
          "'2020-01-01T00:00:00.000000Z')");
    });
  }
  const int next = latest_sqlite_schema_version() + 1;
  auto extended = with({{next, "create_extra", "CREATE TABLE extra (x TEXT);"}});
  {
    auto db = Database::open_file(dir / "s.db", false, extended);
    EXPECT_EQ(db->schema_version(), next);
    EXPECT_TRUE(has_table(*db, "extra"));
    EXPECT_EQ(db->read([](Connection& c) {
      return c.scalar("SELECT count(*) FROM revoked_certificates");
    }),
              1);
  }
  Database::open_file(dir / "s.db", false, extended).reset();
  EXPECT_EQ(recorded(dir / "s.db").size(), extended.size());
}

TEST(Migrations, AFailingMigrationLeavesNoTrace) {
  TempDir dir;
  Database::open_file(dir / "s.db", true).reset();
  const int next = latest_sqlite_schema_version() + 1;
  auto broken =
      with({{next, "broken", "CREATE TABLE half (x TEXT); INSERT INTO nowhere VALUES (1);"}});
  EXPECT_EQ(error_code_of([&] { Database::open_file(dir / "s.db", false, broken); }),
            "store.migration_failed");
  auto db = Database::open_file(dir / "s.db", false);
  EXPECT_EQ(db->schema_version(), latest_sqlite_schema_version());
  EXPECT_FALSE(has_table(*db, "half"));
}

TEST(Migrations, AKnownVersionUnderAnotherNameIsDamaged) {
  TempDir dir;
  Database::open_file(dir / "s.db", true).reset();
  std::vector<Migration> renamed(sqlite_migrations().begin(), sqlite_migrations().end());
  renamed.back().name = "something_else";
  EXPECT_EQ(error_code_of([&] { Database::open_file(dir / "s.db", false, renamed); }),
            "store.damaged");
}

// Each layer owns a range of versions: a newer binary may add one below this binary's newest.
// A store that has it was written by that newer binary.
TEST(Migrations, AnUnknownVersionBetweenKnownOnesIsTooNew) {
  std::vector<Migration> newer;
  int gap = 0;
  for (const auto& m : sqlite_migrations()) {
    if (gap == 0 && !newer.empty() && m.version > newer.back().version + 1) {
      gap = newer.back().version + 1;
      newer.push_back({gap, "from_a_newer_binary", "CREATE TABLE newer_feature (x TEXT);"});
    }
    newer.push_back(m);
  }
  ASSERT_NE(gap, 0);
  TempDir dir;
  Database::open_file(dir / "s.db", true, newer).reset();
  try {
    Database::open_file(dir / "s.db", false);
    ADD_FAILURE() << "opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "store.too_new") << e.message();
    EXPECT_NE(e.message().find(std::to_string(gap)), std::string::npos) << e.message();
  }
}

TEST(Migrations, AListOutOfOrderIsRefused) {
  std::vector<Migration> list{{2, "b", "SELECT 1"}, {1, "a", "SELECT 1"}};
  EXPECT_EQ(error_code_of([&] { Database::open_memory(list); }), "store.bad_migrations");
}

TEST(Migrations, SeveralOpenersOfANewFileMigrateItOnce) {
  TempDir dir;
  std::vector<std::future<int>> openers;
  for (int i = 0; i < 8; ++i) {
    openers.push_back(std::async(std::launch::async, [&] {
      return Database::open_file(dir / "s.db", true)->schema_version();
    }));
  }
  for (auto& f : openers) {
    try {
      EXPECT_EQ(f.get(), latest_sqlite_schema_version());
    } catch (const Error& e) {
      ADD_FAILURE() << e.code() << ": " << e.message() << " " << e.diagnostic();
    }
  }
  EXPECT_EQ(recorded(dir / "s.db").size(), sqlite_migrations().size());
}

}  // namespace
}  // namespace sandbank::store

namespace sandbank::store {
namespace {

// The schema as SQLite records it: every table and index with its definition (quotes dropped:
// a table renamed by ALTER TABLE is recorded with its name quoted), in name order.
std::vector<std::string> schema_of(const std::filesystem::path& file) {
  auto c = Connection::open(file.string(), SQLITE_OPEN_READWRITE);
  std::vector<std::string> out;
  auto st = c->prepare(
      "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master "
      "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
  while (st.step()) {
    std::string sql = st.text(3);
    std::erase(sql, '"');
    std::string line = st.text(0);
    line.append(" ").append(st.text(1)).append(" on ").append(st.text(2)).append(": ");
    line.append(sql);
    out.push_back(std::move(line));
  }
  return out;
}

// A fresh database creates bank_transactions once, as migration 13 left it; one created at
// every earlier version and upgraded goes through the steps. Both must end with one schema,
// and the upgraded one keeps its rows.
TEST(Migrations, AFreshDatabaseAndEveryUpgradedOneHoldTheSameSchema) {
  TempDir dir;
  Database::open_file(dir / "fresh.db", true).reset();
  const auto fresh = schema_of(dir / "fresh.db");
  ASSERT_FALSE(fresh.empty());
  const auto all = sqlite_migrations();
  for (std::size_t n = 1; n < all.size(); ++n) {
    const std::string version = std::to_string(all[n - 1].version);
    SCOPED_TRACE(std::string("created at version ").append(version));
    const auto file = dir / std::string("v").append(version).append(".db");
    // As a binary of that version created it: binaries before the fresh variants ran every
    // step.
    std::vector<Migration> older(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n));
    for (auto& m : older) m.fresh_sql.reset();
    const bool has_bank = all[n - 1].version >= 10;
    {
      auto db = Database::open_file(file, true, older);
      if (has_bank) {
        db->write([](Connection& c) {
          c.exec(
              "INSERT INTO bank_profiles (id, name, country, position) VALUES ('p', 'P', 'NL', 0);"
              "INSERT INTO bank_accounts (id, profile_id, position, kind, iban, bban, bic, "
              "masked_pan, name, product, currency) VALUES ('a', 'p', 0, 'current', 'NL00', '', "
              "'', '', 'n', 'x', 'EUR');"
              "INSERT INTO bank_transactions (id, account_id, transaction_id, end_to_end_id, "
              "status, execution_time, booking_date, value_date, amount, currency, "
              "creditor_name, creditor_iban, creditor_bic, debtor_name, debtor_iban, "
              "debtor_bic, transaction_type, remittance_unstructured, remittance_structured, "
              "masked_pan, transaction_details) VALUES (7, 'a', 't', '', 'booked', "
              "'2024-01-02T10:00:00.000000Z', '2024-01-02', '2024-01-02', -1234, 'EUR', "
              "'', '', '', '', '', '', '', 'r', '', '', '')");
        });
      }
    }
    {
      auto db = Database::open_file(file, false);
      EXPECT_EQ(db->schema_version(), latest_sqlite_schema_version());
      if (has_bank) {
        EXPECT_EQ(db->read([](Connection& c) {
          return c.scalar("SELECT amount FROM bank_transactions WHERE id = 7");
        }),
                  -1234);
      }
    }
    EXPECT_EQ(schema_of(file), fresh);
  }
}

}  // namespace
}  // namespace sandbank::store
