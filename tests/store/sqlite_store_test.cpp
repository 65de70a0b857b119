#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "store/temp_dir.hpp"

extern char** environ;

namespace sandbank::store {
namespace {

using namespace std::chrono_literals;
using test_support::read_file;
using test_support::TempDir;
using test_support::write_file;

TimePoint at(long long seconds) {
  return TimePoint(std::chrono::seconds(seconds));
}

RegisteredKey key(const std::string& use, const std::string& fp) {
  return {use, "-----BEGIN CERTIFICATE-----\nMIIB" + fp + "\n-----END CERTIFICATE-----\n", fp,
          "5ca1ab1e" + fp};
}

Application app(const std::string& client_id, const std::string& org = "PSDNL-SBX-1234512345",
                TimePoint created = at(1700000000)) {
  Application a;
  a.client_id = client_id;
  a.contact = "ops@example.com";
  a.redirect_uris = {"https://example.com/callback", "https://example.com/other?x=\"1\""};
  a.keys = {key("tls", "tls-" + client_id), key("sign", "sign-" + client_id)};
  a.organization_identifier = org;
  a.roles = {"PSP_AI", "PSP_PI"};
  a.created_at = created + 123456us;
  a.updated_at = created + 5s;
  return a;
}

RevokedCertificate revoked(const std::string& fp, TimePoint when = at(1700000100)) {
  return {fp, "0a1b", "CN=example_client_tls,O=Example", when};
}

template <typename F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return Error(0, "no error", "no error");
}

// --- A separate process, for what `sandbank certs revoke` does to a running server.
// Started as this same binary with SANDBANK_STORE_TEST_CHILD=<action>:<db file>; it acts
// before GoogleTest runs and exits.
const int kChildProcess = [] {
  const char* request = std::getenv("SANDBANK_STORE_TEST_CHILD");
  if (request == nullptr) return 0;
  std::string text(request);
  auto colon = text.find(':');
  std::string action = text.substr(0, colon);
  std::string file = text.substr(colon + 1);
  try {
    auto store = open_sqlite_store(file, false);
    if (action == "revoke") {
      store->revocations().revoke(revoked("fp-from-other-process"));
      std::_Exit(0);
    }
    if (action == "insert-then-kill") {
      store->applications().insert(app("written-before-kill"));
      raise(SIGKILL);  // no destructor, no close, no checkpoint
    }
  } catch (...) {
  }
  std::_Exit(1);
}();

// Runs this test binary as a child process; returns its wait status.
int run_child(const std::string& action, const std::filesystem::path& db_file) {
  std::vector<std::string> env_strings{"SANDBANK_STORE_TEST_CHILD=" + action + ":" +
                                       db_file.string()};
  std::vector<char*> env{env_strings[0].data()};
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  env.push_back(nullptr);
  char self[] = "/proc/self/exe";
  char* argv[] = {self, nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, self, nullptr, nullptr, argv, env.data()) != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// --- Opening

TEST(OpenSqliteStore, CreatesANewFileWithTheLatestSchema) {
  TempDir dir;
  auto store = open_sqlite_store(dir / "data" / "sandbank.db", true);
  EXPECT_EQ(store->schema_version(), latest_sqlite_schema_version());
  EXPECT_TRUE(std::filesystem::exists(dir / "data" / "sandbank.db"));
}

TEST(OpenSqliteStore, ReopeningKeepsDataAndVersion) {
  TempDir dir;
  {
    auto store = open_sqlite_store(dir / "s.db", true);
    store->applications().insert(app("a"));
    store->revocations().revoke(revoked("fp"));
  }
  auto store = open_sqlite_store(dir / "s.db", false);
  EXPECT_EQ(store->schema_version(), latest_sqlite_schema_version());
  EXPECT_EQ(store->applications().find("a"), app("a"));
  EXPECT_TRUE(store->revocations().is_revoked("fp"));
}

TEST(OpenSqliteStore, AMissingFileIsNotCreatedUnlessAsked) {
  TempDir dir;
  auto e = error_of([&] { open_sqlite_store(dir / "s.db", false); });
  EXPECT_EQ(e.status(), 500);
  EXPECT_EQ(e.code(), "store.missing");
  EXPECT_NE(e.message().find("s.db"), std::string::npos) << e.message();
  EXPECT_EQ(dir.listing(), "");
}

TEST(OpenSqliteStore, AnEmptyFileIsMissingUnlessCreating) {
  TempDir dir;
  write_file(dir / "s.db", "");
  EXPECT_EQ(error_of([&] { open_sqlite_store(dir / "s.db", false); }).code(), "store.missing");
  auto store = open_sqlite_store(dir / "s.db", true);
  EXPECT_EQ(store->schema_version(), latest_sqlite_schema_version());
}

TEST(OpenSqliteStore, AFileThatIsNotSqliteIsDamagedAndLeftUntouched) {
  TempDir dir;
  std::string content;
  for (int i = 0; i < 100; ++i)
    content += "this is not a database, it is line " + std::to_string(i) + "\n";
  for (const auto& text : {content, std::string("short")}) {
    write_file(dir / "s.db", text);
    for (bool create : {false, true}) {
      auto e = error_of([&] { open_sqlite_store(dir / "s.db", create); });
      EXPECT_EQ(e.status(), 500);
      EXPECT_EQ(e.code(), "store.damaged");
      EXPECT_NE(e.message().find("not a SQLite database"), std::string::npos) << e.message();
      EXPECT_EQ(read_file(dir / "s.db"), text);
      EXPECT_EQ(dir.listing(), "s.db\n");  // no -wal, -shm or -journal either
    }
  }
}

TEST(OpenSqliteStore, ADamagedSqliteFileIsDamagedAndLeftUntouched) {
  TempDir dir;
  // A valid header followed by garbage.
  std::string content = std::string("SQLite format 3\0", 16) + std::string(4080, '\x7f');
  write_file(dir / "s.db", content);
  auto e = error_of([&] { open_sqlite_store(dir / "s.db", true); });
  EXPECT_EQ(e.code(), "store.damaged") << e.message() << " " << e.diagnostic();
  EXPECT_EQ(read_file(dir / "s.db"), content);
  EXPECT_EQ(dir.listing(), "s.db\n");
}

TEST(OpenSqliteStore, AnotherProgramsSqliteDatabaseIsDamagedAndLeftUntouched) {
  TempDir dir;
  {
    auto c = sqlite::Connection::open((dir / "s.db").string(),
                                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    c->exec("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');");
  }
  auto before = read_file(dir / "s.db");
  auto e = error_of([&] { open_sqlite_store(dir / "s.db", true); });
  EXPECT_EQ(e.code(), "store.damaged");
  EXPECT_NE(e.message().find("not a Sandbank store"), std::string::npos) << e.message();
  EXPECT_EQ(read_file(dir / "s.db"), before);
}

TEST(OpenSqliteStore, ASchemaNewerThanThisBinaryIsTooNew) {
  TempDir dir;
  open_sqlite_store(dir / "s.db", true).reset();
  {
    auto c = sqlite::Connection::open((dir / "s.db").string(), SQLITE_OPEN_READWRITE);
    c->exec(
        "INSERT INTO schema_migrations VALUES (9999, 'from_the_future', "
        "'2030-01-01T00:00:00.000000Z')");
  }
  auto e = error_of([&] { open_sqlite_store(dir / "s.db", false); });
  EXPECT_EQ(e.status(), 500);
  EXPECT_EQ(e.code(), "store.too_new");
  EXPECT_NE(e.message().find("9999"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("newer Sandbank"), std::string::npos) << e.message();
}

TEST(OpenSqliteStore, ADirectoryIsNotADatabase) {
  TempDir dir;
  std::filesystem::create_directory(dir / "s.db");
  EXPECT_EQ(error_of([&] { open_sqlite_store(dir / "s.db", true); }).code(), "store.damaged");
}

// --- Change counter

TEST(ChangeCounter, SeesACommitOfAnotherStoreOnTheSameFile) {
  TempDir dir;
  auto server = open_sqlite_store(dir / "s.db", true);
  auto cli = open_sqlite_store(dir / "s.db", false);
  auto before = server->change_counter();
  EXPECT_EQ(server->change_counter(), before);
  cli->revocations().revoke(revoked("fp"));
  auto after = server->change_counter();
  EXPECT_NE(after, before);
  EXPECT_TRUE(server->revocations().is_revoked("fp"));
  EXPECT_EQ(server->change_counter(), after);  // settles until the next commit
  cli->applications().insert(app("a"));
  EXPECT_NE(server->change_counter(), after);
  EXPECT_TRUE(server->applications().find("a"));
}

TEST(ChangeCounter, SeesARevocationBySeparateProcess) {
  TempDir dir;
  auto server = open_sqlite_store(dir / "s.db", true);
  auto before = server->change_counter();
  int status = run_child("revoke", dir / "s.db");
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_NE(server->change_counter(), before);
  EXPECT_TRUE(server->revocations().is_revoked("fp-from-other-process"));
}

TEST(ChangeCounter, MemoryStoresCountTheirOwnCommits) {
  auto store = open_memory_store();
  auto before = store->change_counter();
  store->revocations().revoke(revoked("fp"));
  EXPECT_NE(store->change_counter(), before);
}

// --- Durability and concurrency

TEST(Durability, ACommitSurvivesAKilledProcess) {
  TempDir dir;
  open_sqlite_store(dir / "s.db", true).reset();
  int status = run_child("insert-then-kill", dir / "s.db");
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  auto store = open_sqlite_store(dir / "s.db", false);
  EXPECT_EQ(store->applications().find("written-before-kill"), app("written-before-kill"));
}

TEST(Concurrency, AMemoryStoreIsSafeFromSeveralThreads) {
  auto store = open_memory_store();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        store->applications().insert(app(std::to_string(t) + "-" + std::to_string(i), "org"));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(store->applications().list_by_organization("org").size(), 160u);
}

}  // namespace
}  // namespace sandbank::store
