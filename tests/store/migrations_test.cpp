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
