#include "store/database.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "store/temp_dir.hpp"

extern char** environ;

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

// --- Another process on the same file: this test binary started again with
// SANDBANK_DATABASE_TEST_CHILD=<db file>. It opens the database with a Database of its own and
// keeps it open; it reads one command a byte from stdin and, once it is done, answers with one
// byte on stdout: 'w' commits a row, 'r' runs a read transaction, 'p' runs a passive and 't' a
// truncating checkpoint on a plain connection ('k' when it completed, 'b' when busy), 'q'
// exits.
const int kChildProcess = [] {
  const char* file = std::getenv("SANDBANK_DATABASE_TEST_CHILD");
  if (file == nullptr) return 0;
  int status = 1;
  try {
    auto db = Database::open_file(file, false);
    auto plain = Connection::open(file, SQLITE_OPEN_READWRITE);
    sqlite3_busy_timeout(plain->handle(), Database::kBusyTimeoutMs);
    const std::string prefix = "child-" + std::to_string(getpid()) + "-";
    int rows = 0;
    char command = 0;
    while (::read(0, &command, 1) == 1) {
      char answer = 'k';
      if (command == 'q') {
        status = 0;
        break;
      } else if (command == 'w') {
        db->write([&](Connection& c) { insert_row(c, prefix + std::to_string(rows++)); });
      } else if (command == 'r') {
        count_rows(*db);
      } else if (command == 'p' || command == 't') {
        auto st = plain->prepare(command == 'p' ? "PRAGMA wal_checkpoint(PASSIVE)"
                                                : "PRAGMA wal_checkpoint(TRUNCATE)");
        if (!st.step() || st.integer(0) != 0) answer = 'b';
      } else {
        answer = '?';
      }
      if (::write(1, &answer, 1) != 1) break;
    }
  } catch (...) {
  }
  std::_Exit(status);
}();

class OtherProcess {
 public:
  explicit OtherProcess(const std::filesystem::path& db_file) {
    signal(SIGPIPE, SIG_IGN);  // a child that died makes run() answer 'x' rather than kill us
    int to_child[2];
    int from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> env_strings{"SANDBANK_DATABASE_TEST_CHILD=" + db_file.string()};
    std::vector<char*> env{env_strings[0].data()};
    for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
    env.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
    for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) {
      posix_spawn_file_actions_addclose(&actions, fd);
    }
    char self[] = "/proc/self/exe";
    char* argv[] = {self, nullptr};
    int rc = posix_spawn(&pid_, self, &actions, nullptr, argv, env.data());
    posix_spawn_file_actions_destroy(&actions);
    close(to_child[0]);
    close(from_child[1]);
    to_ = to_child[1];
    from_ = from_child[0];
    if (rc != 0) pid_ = -1;
  }
  OtherProcess(const OtherProcess&) = delete;
  OtherProcess& operator=(const OtherProcess&) = delete;
  ~OtherProcess() {
    if (to_ >= 0) close(to_);  // end of input: the child exits
    if (from_ >= 0) close(from_);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
  }

  // Sends a command and returns the child's answer once it has carried it out.
  char run(char command) {
    if (pid_ <= 0 || ::write(to_, &command, 1) != 1) return 'x';
    char answer = 'x';
    if (::read(from_, &answer, 1) != 1) return 'x';
    return answer;
  }
  // The child's exit status after 'q'.
  int quit() {
    char q = 'q';
    if (::write(to_, &q, 1) != 1) return -1;
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int to_ = -1;
  int from_ = -1;
};

// Runs the sqlite3 shell; false when it is not installed.
bool run_sqlite3_shell(const std::filesystem::path& db_file, const std::string& sql, int& status) {
  std::string db = db_file.string();
  std::vector<std::string> args{"sqlite3", "-cmd", ".timeout 5000", db, sql};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "sqlite3", nullptr, nullptr, argv.data(), environ);
  if (rc == ENOENT) return false;
  if (rc != 0) {
    status = -1;
    return true;
  }
  waitpid(pid, &status, 0);
  return !(WIFEXITED(status) && WEXITSTATUS(status) == 127);
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

// --- The change counter against other processes

TEST(DatabaseChangeCounter, WatchesTheWalIndexOfAFileAndNotOfMemory) {
  TempDir dir;
  EXPECT_TRUE(Database::open_file(dir / "s.db", true)->watches_wal_index());
  // Reopened after a clean close (no -wal, no -shm left).
  auto db = Database::open_file(dir / "s.db", false);
  EXPECT_TRUE(db->watches_wal_index());
  EXPECT_FALSE(Database::open_memory()->watches_wal_index());
}

TEST(DatabaseChangeCounter, StaysWithoutCommitsAndThenRunsNoQuery) {
  TempDir dir;
  auto db = Database::open_file(dir / "s.db", true);
  OtherProcess other(dir / "s.db");
  auto before = db->change_counter();
  auto queries = db->data_version_queries();
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(db->change_counter(), before);
  // Reads, here and in the other process, change nothing either.
  count_rows(*db);
  ASSERT_EQ(other.run('r'), 'k');
  ASSERT_EQ(other.run('r'), 'k');
  EXPECT_EQ(db->change_counter(), before);
  EXPECT_EQ(db->data_version_queries(), queries);
}

TEST(DatabaseChangeCounter, ALocalCommitCostsOneQuery) {
  TempDir dir;
  auto db = Database::open_file(dir / "s.db", true);
  auto before = db->change_counter();
  auto queries = db->data_version_queries();
  db->write([](Connection& c) { insert_row(c, "a"); });
  auto after = db->change_counter();
  EXPECT_GT(after, before);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(db->change_counter(), after);
  EXPECT_EQ(db->data_version_queries(), queries + 1);
}

TEST(DatabaseChangeCounter, MovesOnEveryCommitOfAnotherProcessThatKeepsItsConnection) {
  TempDir dir;
  auto db = Database::open_file(dir / "s.db", true);
  OtherProcess other(dir / "s.db");
  auto seen = db->change_counter();
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(other.run('w'), 'k');
    auto now = db->change_counter();
    ASSERT_GT(now, seen) << "commit " << i;
    seen = now;
    ASSERT_EQ(db->change_counter(), seen) << "commit " << i;
  }
  EXPECT_EQ(count_rows(*db), 200);
  EXPECT_EQ(other.quit(), 0);
}

TEST(DatabaseChangeCounter, MovesAfterABurstOfCommits) {
  TempDir dir;
  auto db = Database::open_file(dir / "s.db", true);
  OtherProcess other(dir / "s.db");
  auto before = db->change_counter();
  for (int i = 0; i < 50; ++i) ASSERT_EQ(other.run('w'), 'k');
  auto after = db->change_counter();
  EXPECT_GT(after, before);
  EXPECT_EQ(db->change_counter(), after);
  EXPECT_EQ(count_rows(*db), 50);
}

TEST(DatabaseChangeCounter, MovesAcrossCheckpointsAndWalResets) {
  TempDir dir;
  auto db = Database::open_file(dir / "s.db", true);
  OtherProcess other(dir / "s.db");
  auto seen = db->change_counter();
  for (char checkpoint : {'p', 't', 'p', 't'}) {
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(other.run('w'), 'k');
      auto now = db->change_counter();
      ASSERT_GT(now, seen);
      seen = now;
    }
    ASSERT_EQ(other.run(checkpoint), 'k') << checkpoint;
    seen = db->change_counter();  // a checkpoint may count; it must not hide what follows
    // The next commit starts the WAL again from its first frame.
    ASSERT_EQ(other.run('w'), 'k');
    auto now = db->change_counter();
    ASSERT_GT(now, seen) << "after checkpoint " << checkpoint;
    seen = now;
  }
  // The same with the checkpoint and the commits in this process, on other connections.
  auto second = Database::open_file(dir / "s.db", false);
  auto plain = Connection::open((dir / "s.db").string(), SQLITE_OPEN_READWRITE);
  for (int i = 0; i < 3; ++i) {
    plain->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    seen = db->change_counter();
    second->write([&](Connection& c) { insert_row(c, "second-" + std::to_string(i)); });
    auto now = db->change_counter();
    ASSERT_GT(now, seen);
    seen = now;
  }
  EXPECT_EQ(count_rows(*db), 4 * 4 + 3);
}

TEST(DatabaseChangeCounter, SeesACommitOfTheSqlite3Shell) {
  TempDir dir;
  auto db = Database::open_file(dir / "s.db", true);
  auto before = db->change_counter();
  int status = 0;
  if (!run_sqlite3_shell(dir / "s.db",
                         "INSERT INTO revoked_certificates (fingerprint, serial, subject, "
                         "revoked_at) VALUES ('shell', '01', 'CN=x', "
                         "'2020-01-01T00:00:00.000000Z')",
                         status)) {
    GTEST_SKIP() << "sqlite3 shell not installed";
  }
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  auto after = db->change_counter();
  EXPECT_GT(after, before);
  EXPECT_EQ(db->change_counter(), after);
  EXPECT_EQ(count_rows(*db), 1);
}

TEST(DatabaseChangeCounter, ThreadsThatStartAfterACommitAllSeeIt) {
  TempDir dir;
  auto db = Database::open_file(dir / "s.db", true);
  OtherProcess other(dir / "s.db");
  constexpr int kThreads = 3;
  constexpr int kCommits = 40;
  std::atomic<int> generation{0};
  std::atomic<int> done{0};  // threads that have read the counter in the current generation
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      int seen_generation = 0;
      auto seen = db->change_counter();
      done.fetch_add(1);
      while (seen_generation < kCommits) {
        auto now = db->change_counter();  // concurrent calls, checked below
        if (now < seen) ++failures;
        int g = generation.load();
        if (g == seen_generation) {
          std::this_thread::yield();
          continue;
        }
        // Commit g returned before generation was set: this call must count it.
        now = db->change_counter();
        if (now <= seen) ++failures;
        seen = now;
        seen_generation = g;
        done.fetch_add(1);
      }
    });
  }
  for (int g = 1; g <= kCommits; ++g) {
    while (done.load() < kThreads) std::this_thread::yield();
    done.store(0);
    if (other.run('w') != 'k') {
      ADD_FAILURE() << "the other process did not commit";
      generation.store(kCommits);  // lets the threads finish
      break;
    }
    generation.store(g);
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(DatabaseChangeCounter, FallsBackToTheQueryOnEveryCall) {
  TempDir dir;
  auto db = Database::open_file(dir / "s.db", true);
  db->disable_wal_index_watch();
  EXPECT_FALSE(db->watches_wal_index());
  OtherProcess other(dir / "s.db");
  auto seen = db->change_counter();
  auto queries = db->data_version_queries();
  EXPECT_EQ(db->change_counter(), seen);
  EXPECT_EQ(db->data_version_queries(), queries + 1);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(other.run('w'), 'k');
    auto now = db->change_counter();
    ASSERT_GT(now, seen);
    seen = now;
  }
  db->write([](Connection& c) { insert_row(c, "local"); });
  EXPECT_GT(db->change_counter(), seen);
}

}  // namespace
}  // namespace sandbank::store::sqlite
