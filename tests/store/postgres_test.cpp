// The PostgreSQL store's own mechanics: opening and migrating, errors, connection loss and
// recovery. What every store does is in store_contract_test.cpp.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "store/migrations.hpp"
#include "store/pg/database.hpp"
#include "store/pg/pg.hpp"
#include "store/store.hpp"
#include "support/store_backends.hpp"

namespace sandbank::store {
namespace {

using namespace std::chrono_literals;
using test_support::Backend;
using test_support::TestDatabase;

template <typename F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return Error(0, "no error", "no error");
}

RevokedCertificate revoked(const std::string& fp) {
  return {fp, "0a1b", "CN=x", TimePoint(std::chrono::seconds(1700000000))};
}

// A message goes into a JSON error body as it is: no quotes, no backslashes.
bool json_safe(const std::string& text) {
  return text.find('"') == std::string::npos && text.find('\\') == std::string::npos;
}

class Postgres : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(Backend::Postgres);
    if (!db_->skip_reason().empty()) GTEST_SKIP() << db_->skip_reason();
  }
  void admin(const std::string& sql) { pg::Connection::open(db_->base_url())->exec(sql); }
  std::unique_ptr<TestDatabase> db_;
};

TEST(PostgresSpec, UrlsArePostgresAndEverythingElseIsAFile) {
  EXPECT_TRUE(is_postgres_spec("postgresql://u@h:5432/db"));
  EXPECT_TRUE(is_postgres_spec("postgres://u@h/db"));
  EXPECT_FALSE(is_postgres_spec("sandbank-data/sandbank.db"));
  EXPECT_FALSE(is_postgres_spec("/var/lib/postgresql.db"));
}

TEST(PostgresSpec, RedactionHidesThePasswordOfUrlsAndKeyValues) {
  EXPECT_EQ(pg::redact("postgresql://bank:s3cr3t@db.example:5432/sandbank"),
            "postgresql://bank:***@db.example:5432/sandbank");
  EXPECT_EQ(pg::redact("postgresql://bank@db/sandbank?password=s3cr3t&sslmode=require"),
            "postgresql://bank@db/sandbank?password=***&sslmode=require");
  EXPECT_EQ(pg::redact("host=db password='s e c' user=bank"), "host=db password=*** user=bank");
  EXPECT_EQ(pg::redact("postgresql://bank@db/sandbank"), "postgresql://bank@db/sandbank");
}

TEST(PostgresSpec, AnUnreachableServerIsUnavailableAndThePasswordIsNeverShown) {
  auto e = error_of([] {
    open_store("postgresql://bank:VerySecretPassword@127.0.0.1:1/sandbank?connect_timeout=2", true);
  });
  EXPECT_EQ(e.status(), 503);
  EXPECT_EQ(e.code(), "store.unavailable");
  EXPECT_TRUE(json_safe(e.message())) << e.message();
  EXPECT_EQ(e.message().find("VerySecretPassword"), std::string::npos);
  EXPECT_EQ(e.diagnostic().find("VerySecretPassword"), std::string::npos) << e.diagnostic();
}

TEST_F(Postgres, AnEmptyDatabaseIsMissingUnlessCreating) {
  auto e = error_of([&] { db_->open(false); });
  EXPECT_EQ(e.code(), "store.missing");
  EXPECT_EQ(db_->open(true)->schema_version(), latest_sqlite_schema_version());
}

TEST_F(Postgres, AnotherProgramsTablesAreDamagedAndLeftUntouched) {
  admin("CREATE TABLE " + db_->schema() + ".customers (id int)");
  auto e = error_of([&] { db_->open(true); });
  EXPECT_EQ(e.code(), "store.damaged");
  auto c = pg::Connection::open(db_->spec());
  EXPECT_TRUE(c->run("SELECT to_regclass('schema_migrations') IS NULL").boolean(0, 0));
}

TEST_F(Postgres, ASchemaNewerThanThisBinaryIsTooNew) {
  db_->open(true).reset();
  pg::Connection::open(db_->spec())
      ->exec("INSERT INTO schema_migrations (version, name) VALUES (99, 'from_the_future')");
  EXPECT_EQ(error_of([&] { db_->open(false); }).code(), "store.too_new");
}

TEST_F(Postgres, MigrationsHaveTheVersionsAndNamesOfSqlite) {
  auto pg_list = pg::postgres_migrations();
  auto sqlite_list = sqlite_migrations();
  ASSERT_EQ(pg_list.size(), sqlite_list.size());
  for (std::size_t i = 0; i < pg_list.size(); ++i) {
    EXPECT_EQ(pg_list[i].version, sqlite_list[i].version);
    EXPECT_EQ(pg_list[i].name, sqlite_list[i].name);
  }
}

TEST_F(Postgres, NodesStartingTogetherOnANewDatabaseMigrateItOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      try {
        if (db_->open(true)->schema_version() != latest_sqlite_schema_version()) ++failures;
      } catch (const Error& e) {
        ADD_FAILURE() << e.code() << " " << e.diagnostic();
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto c = pg::Connection::open(db_->spec());
  EXPECT_EQ(c->run("SELECT count(*) FROM schema_migrations").integer(0, 0),
            static_cast<std::int64_t>(sqlite_migrations().size()));
}

TEST_F(Postgres, ConnectionsTheServerClosedAreReplacedWithoutAnError) {
  auto store = db_->open(true);
  store->revocations().revoke(revoked("before"));
  auto counter = store->change_counter();
  // Every connection of this test's store, the listener's included.
  admin(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
      "AND datname = current_database() AND application_name = 'sandbank' AND query NOT LIKE "
      "'%pg_terminate_backend%'");
  std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(store->revocations().is_revoked("before"));
  store->revocations().revoke(revoked("after"));
  EXPECT_TRUE(store->revocations().is_revoked("after"));
  EXPECT_NE(store->change_counter(), counter);  // the listener was lost: caches start over
}

void run_loss_and_recovery(const std::string& url, const std::string& script,
                           const std::string& dir);

// A cluster of its own, stopped and started again under the store.
TEST(PostgresConnectionLoss, AStoppedServerIsUnavailableAndTheStoreRecoversByItself) {
  std::string why;
  if (!test_support::test_postgres_url(why)) GTEST_SKIP() << why;
  const std::string script = std::string(SANDBANK_SOURCE_DIR) + "/tests/support/pg_cluster.sh";
  std::string dir = "/tmp/sandbank-pg-loss-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  ASSERT_EQ(std::system((script + " start " + dir + " >/dev/null").c_str()), 0);
  struct Stop {
    std::string command;
    ~Stop() { [[maybe_unused]] int rc = std::system(command.c_str()); }
  } stop{script + " stop " + dir + " >/dev/null; rm -rf " + dir};
  const std::string url = test_support::read_text(dir + "/url");
  try {
    run_loss_and_recovery(url, script, dir);
  } catch (const Error& e) {
    ADD_FAILURE() << e.code() << ": " << e.message() << " " << e.diagnostic();
  }
}

void run_loss_and_recovery(const std::string& url, const std::string& script,
                           const std::string& dir) {
  auto store = open_store(url, true);
  store->revocations().revoke(revoked("kept"));
  ASSERT_EQ(std::system((script + " halt " + dir).c_str()), 0);

  for (int i = 0; i < 3; ++i) {
    auto e = error_of([&] { store->revocations().is_revoked("kept"); });
    EXPECT_EQ(e.status(), 503);
    EXPECT_EQ(e.code(), "store.unavailable");
    EXPECT_TRUE(json_safe(e.message())) << e.message();
  }
  EXPECT_EQ(error_of([&] { store->revocations().revoke(revoked("lost")); }).code(),
            "store.unavailable");
  // The counter keeps moving while the listener is gone: no cache trusts itself.
  auto down = store->change_counter();
  EXPECT_NE(store->change_counter(), down);

  ASSERT_EQ(std::system((script + " resume " + dir).c_str()), 0);
  EXPECT_TRUE(store->revocations().is_revoked("kept"));
  EXPECT_FALSE(store->revocations().is_revoked("lost"));
  store->revocations().revoke(revoked("after"));
  EXPECT_TRUE(store->revocations().is_revoked("after"));
  // The listener is back (within its one-second retry): the counter settles again.
  std::this_thread::sleep_for(1100ms);
  store->change_counter();
  auto settled = store->change_counter();
  EXPECT_EQ(store->change_counter(), settled);
}

}  // namespace
}  // namespace sandbank::store
