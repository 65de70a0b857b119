#include "store/sqlite.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <limits>
#include <thread>

#include "core/error.hpp"

namespace sandbank::store::sqlite {
namespace {

using namespace std::chrono_literals;

TimePoint at(long long seconds) {
  return TimePoint(std::chrono::seconds(seconds));
}

std::unique_ptr<Connection> memory() {
  return Connection::open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
}

int prepared_statements(Connection& c) {
  int n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(c.handle(), nullptr); s != nullptr;
       s = sqlite3_next_stmt(c.handle(), s)) {
    ++n;
  }
  return n;
}

TEST(Timestamp, IsFixedWidthUtcWithMicroseconds) {
  TimePoint t = at(784111777) + 123456us;
  EXPECT_EQ(format_timestamp(t), "1994-11-06T08:49:37.123456Z");
  EXPECT_EQ(format_timestamp(at(784111777)), "1994-11-06T08:49:37.000000Z");
  EXPECT_EQ(parse_timestamp("1994-11-06T08:49:37.123456Z"), t);
  // Finer than a microsecond is dropped.
  EXPECT_EQ(parse_timestamp(format_timestamp(t + 789ns)), t);
  EXPECT_EQ(format_timestamp(at(-2) + 500ms), "1969-12-31T23:59:58.500000Z");
  EXPECT_EQ(parse_timestamp("1969-12-31T23:59:58.500000Z"), at(-2) + 500ms);
}

TEST(Timestamp, ParsesOtherRfc3339Forms) {
  EXPECT_EQ(parse_timestamp("1994-11-06T08:49:37Z"), at(784111777));
  EXPECT_EQ(parse_timestamp("1994-11-06T08:49:37.5Z"), at(784111777) + 500ms);
  EXPECT_EQ(parse_timestamp("1994-11-06T09:49:37.000001+01:00"), at(784111777) + 1us);
  EXPECT_FALSE(parse_timestamp("yesterday"));
  EXPECT_FALSE(parse_timestamp(""));
}

TEST(Statement, BindsAndReadsEveryType) {
  auto c = memory();
  c->exec("CREATE TABLE t (s TEXT, i INTEGER, ts TEXT, n TEXT)");
  const std::string text = std::string("caf\xc3\xa9 with a \0 inside", 21);
  const TimePoint when = at(1700000000) + 42us;
  c->query("INSERT INTO t VALUES (?, ?, ?, ?)", text, std::numeric_limits<std::int64_t>::min(),
           when, nullptr)
      .run();
  auto st = c->prepare("SELECT s, i, ts, n FROM t");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.text(0), text);
  EXPECT_EQ(st.integer(1), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(st.time(2), when);
  EXPECT_EQ(st.text(2), "2023-11-14T22:13:20.000042Z");
  EXPECT_TRUE(st.is_null(3));
  EXPECT_EQ(st.text(3), "");
  EXPECT_FALSE(st.step());
}

TEST(Statement, UnreadableTimestampIsDamaged) {
  auto c = memory();
  auto st = c->prepare("SELECT 'not a time'");
  ASSERT_TRUE(st.step());
  try {
    st.time(0);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "store.damaged");
  }
}

TEST(Connection, CachesPreparedStatements) {
  auto c = memory();
  for (int i = 0; i < 3; ++i) {
    auto st = c->query("SELECT ? + 1", i);
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.integer(0), i + 1);
  }
  EXPECT_EQ(prepared_statements(*c), 1);
  // The same SQL twice at once: the second is a one-off statement, finalized after use.
  {
    auto outer = c->query("SELECT ? + 1", 10);
    auto inner = c->query("SELECT ? + 1", 20);
    ASSERT_TRUE(outer.step());
    ASSERT_TRUE(inner.step());
    EXPECT_EQ(outer.integer(0), 11);
    EXPECT_EQ(inner.integer(0), 21);
    EXPECT_EQ(prepared_statements(*c), 2);
  }
  EXPECT_EQ(prepared_statements(*c), 1);
}

TEST(Connection, ABorrowedStatementIsResetForTheNextUse) {
  auto c = memory();
  c->exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2), (3);");
  {
    auto st = c->prepare("SELECT v FROM t ORDER BY v");
    ASSERT_TRUE(st.step());  // abandoned after the first row
  }
  auto st = c->prepare("SELECT v FROM t ORDER BY v");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.integer(0), 1);
  EXPECT_EQ(c->scalar("SELECT count(*) FROM t"), 3);
}

TEST(Connection, SqliteFailuresBecomeStoreErrors) {
  auto c = memory();
  c->exec("CREATE TABLE t (k TEXT PRIMARY KEY)");
  c->query("INSERT INTO t VALUES (?)", "a").run();
  try {
    c->query("INSERT INTO t VALUES (?)", "a").run();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 409);
    EXPECT_EQ(e.code(), "store.conflict");
    EXPECT_NE(e.diagnostic().find("UNIQUE"), std::string::npos) << e.diagnostic();
  }
  try {
    c->exec("SELEKT 1");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 500);
    EXPECT_EQ(e.code(), "store.sqlite");
    EXPECT_NE(e.diagnostic().find("SELEKT"), std::string::npos) << e.diagnostic();
  }
  EXPECT_THROW(c->prepare("SELECT * FROM nowhere"), Error);
}

TEST(Connection, OpeningAnImpossiblePathIsAnIoError) {
  try {
    Connection::open("/nonexistent-dir/sub/x.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "store.io");
  }
}

TEST(Transaction, RollsBackUnlessCommitted) {
  auto c = memory();
  c->exec("CREATE TABLE t (v INTEGER)");
  {
    Transaction tx(*c, TransactionMode::Write);
    c->exec("INSERT INTO t VALUES (1)");
    EXPECT_TRUE(c->in_transaction());
  }
  EXPECT_FALSE(c->in_transaction());
  EXPECT_EQ(c->scalar("SELECT count(*) FROM t"), 0);
  {
    Transaction tx(*c, TransactionMode::Write);
    c->exec("INSERT INTO t VALUES (2)");
    tx.commit();
  }
  EXPECT_EQ(c->scalar("SELECT count(*) FROM t"), 1);
}

TEST(ConnectionPool, ReusesReleasedConnections) {
  std::atomic<int> opened{0};
  ConnectionPool pool(
      [&] {
        ++opened;
        return memory();
      },
      4);
  Connection* first = nullptr;
  {
    auto lease = pool.acquire();
    first = &*lease;
  }
  {
    auto lease = pool.acquire();
    EXPECT_EQ(&*lease, first);
  }
  EXPECT_EQ(opened.load(), 1);
  EXPECT_EQ(pool.open_connections(), 1u);
}

TEST(ConnectionPool, GrowsToItsLimitThenWaitsForARelease) {
  std::atomic<int> opened{0};
  ConnectionPool pool(
      [&] {
        ++opened;
        return memory();
      },
      2);
  auto a = std::make_optional(pool.acquire());
  auto b = pool.acquire();
  EXPECT_NE(&**a, &*b);
  auto third = std::async(std::launch::async, [&] {
    auto c = pool.acquire();
    return &*c;
  });
  EXPECT_EQ(third.wait_for(50ms), std::future_status::timeout);
  Connection* released = &**a;
  a.reset();
  EXPECT_EQ(third.get(), released);
  EXPECT_EQ(opened.load(), 2);
}

TEST(ConnectionPool, CleansAConnectionReturnedInsideATransaction) {
  ConnectionPool pool(memory, 1);
  {
    auto lease = pool.acquire();
    lease->exec("BEGIN");
  }
  auto lease = pool.acquire();
  EXPECT_FALSE(lease->in_transaction());
}

TEST(ConnectionPool, AFailedOpenDoesNotUseUpASlot) {
  bool fail_next = true;
  ConnectionPool pool(
      [&] {
        if (fail_next) {
          fail_next = false;
          throw Error(500, "store.io", "cannot open");
        }
        return memory();
      },
      1);
  EXPECT_THROW(pool.acquire(), Error);
  EXPECT_EQ(pool.open_connections(), 0u);
  auto lease = pool.acquire();
  EXPECT_EQ(pool.open_connections(), 1u);
}

}  // namespace
}  // namespace sandbank::store::sqlite
