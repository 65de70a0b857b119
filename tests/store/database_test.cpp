#include "store/database.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "core/error.hpp"
#include "store/temp_dir.hpp"

namespace sandbank::store::sqlite {
namespace {

using namespace std::chrono_literals;
using test_support::TempDir;

std::int64_t count_rows(Database& db) {
  return db.read(
      [](Connection& c) { return c.scalar("SELECT count(*) FROM revoked_certificates"); });
}

void insert_row(Connection& c, const std::string& fp) {
  c.query(
       "INSERT INTO revoked_certificates (fingerprint, serial, subject, revoked_at) "
       "VALUES (?, '01', 'CN=x', '2020-01-01T00:00:00.000000Z')",
       fp)
      .run();
}

TEST(Database, ConnectionsUseWalFullSyncForeignKeysAndABusyTimeout) {
  TempDir dir;
  auto db = Database::open_file(dir / "s.db", true);
  db->read([](Connection& c) {
    auto mode = c.prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode.step());
    EXPECT_EQ(mode.text(0), "wal");
    EXPECT_EQ(c.scalar("PRAGMA synchronous"), 2);  // FULL
    EXPECT_EQ(c.scalar("PRAGMA foreign_keys"), 1);
    EXPECT_EQ(c.scalar("PRAGMA busy_timeout"), 5000);
  });
  // The header is on disk even before the first checkpoint.
  EXPECT_GE(std::filesystem::file_size(dir / "s.db"), 512u);
}

TEST(Database, WriteCommitsAndAnExceptionRollsBack) {
  TempDir dir;
  auto db = Database::open_file(dir / "s.db", true);
  db->write([](Connection& c) { insert_row(c, "a"); });
  EXPECT_THROW(db->write([](Connection& c) {
    insert_row(c, "b");
    throw Error(400, "test.abort", "abort");
  }),
               Error);
  EXPECT_EQ(count_rows(*db), 1);
  EXPECT_EQ(db->write([](Connection& c) {
    insert_row(c, "c");
    return 7;
  }),
            7);
  EXPECT_EQ(count_rows(*db), 2);
}

TEST(Database, AWriterOfAnotherDatabaseOnTheFileIsWaitedFor) {
  TempDir dir;
  auto a = Database::open_file(dir / "s.db", true);
  auto b = Database::open_file(dir / "s.db", false);
  std::promise<void> locked;
  auto holder = std::async(std::launch::async, [&] {
    a->write([&](Connection& c) {
      insert_row(c, "from-a");
      locked.set_value();
      std::this_thread::sleep_for(200ms);
    });
  });
  locked.get_future().wait();
  auto start = std::chrono::steady_clock::now();
  b->write([](Connection& c) { insert_row(c, "from-b"); });  // waits, within busy_timeout
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
  holder.get();
  EXPECT_EQ(count_rows(*a), 2);
}

TEST(Database, ReadersGetConnectionsOfTheirOwn) {
  TempDir dir;
  auto db = Database::open_file(dir / "s.db", true);
  std::promise<void> inside;
  std::promise<void> release;
  auto reader = std::async(std::launch::async, [&] {
    db->read([&](Connection&) {
      inside.set_value();
      release.get_future().wait();
    });
  });
  inside.get_future().wait();
  // A second user while the first holds its connection: a second connection.
  db->write([](Connection& c) { insert_row(c, "x"); });
  EXPECT_EQ(db->open_connections(), 2u);
  release.set_value();
  reader.get();
}

TEST(Database, ChangeCounterCountsLocalWritesNotReads) {
  TempDir dir;
  auto db = Database::open_file(dir / "s.db", true);
  auto before = db->change_counter();
  count_rows(*db);
  EXPECT_EQ(db->change_counter(), before);
  db->write([](Connection& c) { insert_row(c, "a"); });
  auto after = db->change_counter();
  EXPECT_GT(after, before);
  EXPECT_EQ(db->change_counter(), after);
}

TEST(Database, MemoryDatabaseHasTheSchemaAndOneConnection) {
  auto db = Database::open_memory();
  EXPECT_EQ(db->schema_version(), latest_sqlite_schema_version());
  auto before = db->change_counter();
  db->write([](Connection& c) { insert_row(c, "a"); });
  EXPECT_GT(db->change_counter(), before);
  EXPECT_EQ(count_rows(*db), 1);
  EXPECT_EQ(db->open_connections(), 1u);
}

}  // namespace
}  // namespace sandbank::store::sqlite
