// The repositories several nodes share a sandbox through (migrations 31 and 32): the web pages'
// browser sessions and the sandbox files, over one store and over two stores on one file.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "store/store.hpp"
#include "store/temp_dir.hpp"

namespace sandbank::store {
namespace {

using namespace std::chrono_literals;
using test_support::TempDir;

const TimePoint kNow = TimePoint(std::chrono::seconds(1'800'000'000));

AuthorizationSession session(const std::string& id, const std::string& kind = "authorize",
                             TimePoint created = kNow) {
  return {id, kind, "csrf-" + id, R"({"country":""})", created, created + 600s};
}

std::string error_code(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

TEST(SqliteSessions, CreateFindUpdateRemove) {
  auto store = open_memory_store();
  auto& sessions = store->sessions();
  ASSERT_TRUE(sessions.create(session("h1"), kNow, 10));
  auto found = sessions.find("authorize", "h1", kNow + 1s);
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, session("h1"));
  EXPECT_FALSE(sessions.find("payment", "h1", kNow));  // another page's kind
  EXPECT_FALSE(sessions.find("authorize", "h2", kNow));

  EXPECT_TRUE(sessions.update("h1", R"({"country":"NL"})", kNow + 2s));
  EXPECT_EQ(sessions.find("authorize", "h1", kNow)->data, R"({"country":"NL"})");
  EXPECT_EQ(sessions.find("authorize", "h1", kNow)->csrf_token, "csrf-h1");
  EXPECT_FALSE(sessions.update("h2", "{}", kNow));

  EXPECT_TRUE(sessions.remove("h1"));
  EXPECT_FALSE(sessions.remove("h1"));  // once
  EXPECT_FALSE(sessions.find("authorize", "h1", kNow));
}

TEST(SqliteSessions, ASessionIsGoneWhenItExpires) {
  auto store = open_memory_store();
  auto& sessions = store->sessions();
  ASSERT_TRUE(sessions.create(session("h1"), kNow, 10));
  EXPECT_TRUE(sessions.find("authorize", "h1", kNow + 599s));
  EXPECT_FALSE(sessions.find("authorize", "h1", kNow + 600s));
  EXPECT_FALSE(sessions.update("h1", "{}", kNow + 600s));
  EXPECT_EQ(sessions.count("authorize", kNow + 599s), 1u);
  EXPECT_EQ(sessions.count("authorize", kNow + 600s), 0u);
  ASSERT_TRUE(sessions.create(session("h2", "authorize", kNow + 300s), kNow + 300s, 10));
  EXPECT_EQ(sessions.purge_expired(kNow + 600s), 1u);
  EXPECT_EQ(sessions.purge_expired(kNow + 600s), 0u);
  EXPECT_TRUE(sessions.find("authorize", "h2", kNow + 600s));
}

TEST(SqliteSessions, TheLimitCountsLiveSessionsOfOneKind) {
  auto store = open_memory_store();
  auto& sessions = store->sessions();
  ASSERT_TRUE(sessions.create(session("a1"), kNow, 2));
  ASSERT_TRUE(sessions.create(session("a2"), kNow, 2));
  EXPECT_FALSE(sessions.create(session("a3"), kNow, 2));
  EXPECT_FALSE(sessions.find("authorize", "a3", kNow));
  EXPECT_TRUE(sessions.create(session("p1", "payment"), kNow, 2));
  // Once the first two expired, they no longer count (and are removed).
  const auto later = kNow + 601s;
  EXPECT_TRUE(sessions.create(session("a3", "authorize", later), later, 2));
  EXPECT_EQ(sessions.count("authorize", later), 1u);
  EXPECT_EQ(sessions.purge_expired(later), 0u);
}

TEST(SqliteSessions, ASecondSessionWithTheSameIdIsAConflict) {
  auto store = open_memory_store();
  ASSERT_TRUE(store->sessions().create(session("h1"), kNow, 10));
  EXPECT_EQ(error_code([&] { store->sessions().create(session("h1"), kNow, 10); }),
            "store.conflict");
}

TEST(SqliteSessions, TwoStoresOnOneFileShareThem) {
  TempDir dir;
  auto a = open_sqlite_store(dir / "s.db", true);
  auto b = open_sqlite_store(dir / "s.db", false);
  ASSERT_TRUE(a->sessions().create(session("h1"), kNow, 10));
  EXPECT_EQ(b->sessions().find("authorize", "h1", kNow), session("h1"));
  EXPECT_TRUE(b->sessions().update("h1", R"({"country":"BE"})", kNow));
  EXPECT_EQ(a->sessions().find("authorize", "h1", kNow)->data, R"({"country":"BE"})");
  // The limit is the store's, not a node's.
  ASSERT_TRUE(b->sessions().create(session("h2"), kNow, 2));
  EXPECT_FALSE(a->sessions().create(session("h3"), kNow, 2));
}

TEST(SqliteSessions, OfTwoNodesEndingOneSessionAtOnceOneDoes) {
  TempDir dir;
  auto a = open_sqlite_store(dir / "s.db", true);
  auto b = open_sqlite_store(dir / "s.db", false);
  for (int round = 0; round < 20; ++round) {
    auto id = "h" + std::to_string(round);
    ASSERT_TRUE(a->sessions().create(session(id), kNow, 100));
    std::atomic<int> ended{0};
    std::thread ta([&] { ended += a->sessions().remove(id) ? 1 : 0; });
    std::thread tb([&] { ended += b->sessions().remove(id) ? 1 : 0; });
    ta.join();
    tb.join();
    EXPECT_EQ(ended.load(), 1) << round;
  }
}

TEST(SqliteSessions, TwoNodesCreatingAtOnceKeepTheLimit) {
  TempDir dir;
  auto a = open_sqlite_store(dir / "s.db", true);
  auto b = open_sqlite_store(dir / "s.db", false);
  std::atomic<int> created{0};
  auto run = [&](Store& s, const std::string& prefix) {
    for (int i = 0; i < 20; ++i) {
      if (s.sessions().create(session(prefix + std::to_string(i)), kNow, 25)) ++created;
    }
  };
  std::thread ta([&] { run(*a, "a"); });
  std::thread tb([&] { run(*b, "b"); });
  ta.join();
  tb.join();
  EXPECT_EQ(created.load(), 25);
  EXPECT_EQ(a->sessions().count("authorize", kNow), 25u);
}

std::vector<SandboxFile> file_set(const std::string& tag) {
  return {{"pki/a.cer", "A " + tag, kNow}, {"pki/b.key", "B " + tag, kNow}};
}

TEST(SqliteFiles, StoredOnceAsAWholeSet) {
  auto store = open_memory_store();
  auto& files = store->files();
  EXPECT_TRUE(files.list("pki/").empty());
  EXPECT_TRUE(files.insert_all_if_absent(file_set("first")));
  EXPECT_FALSE(files.insert_all_if_absent(file_set("second")));
  EXPECT_EQ(files.list("pki/"), file_set("first"));
  EXPECT_EQ(files.find("pki/b.key")->content, "B first");
  EXPECT_FALSE(files.find("pki/c"));
  // One name already stored: nothing of the set is written.
  EXPECT_FALSE(files.insert_all_if_absent({{"pki/c.cer", "C", kNow}, {"pki/a.cer", "X", kNow}}));
  EXPECT_FALSE(files.find("pki/c.cer"));
  EXPECT_EQ(files.find("pki/a.cer")->content, "A first");
}

TEST(SqliteFiles, ListTakesThePrefixLiterally) {
  auto store = open_memory_store();
  auto& files = store->files();
  ASSERT_TRUE(files.insert_all_if_absent(
      {{"pki/x", "1", kNow}, {"pki_y", "2", kNow}, {"pk%/z", "3", kNow}, {"other", "4", kNow}}));
  auto pki = files.list("pki/");
  ASSERT_EQ(pki.size(), 1u);
  EXPECT_EQ(pki[0].name, "pki/x");
  ASSERT_EQ(files.list("pk%").size(), 1u);
  EXPECT_EQ(files.list("").size(), 4u);
}

TEST(SqliteFiles, OfTwoNodesStoringAtOnceOneWinsWholly) {
  TempDir dir;
  auto a = open_sqlite_store(dir / "s.db", true);
  auto b = open_sqlite_store(dir / "s.db", false);
  std::atomic<int> won{0};
  std::thread ta([&] { won += a->files().insert_all_if_absent(file_set("a")) ? 1 : 0; });
  std::thread tb([&] { won += b->files().insert_all_if_absent(file_set("b")) ? 1 : 0; });
  ta.join();
  tb.join();
  EXPECT_EQ(won.load(), 1);
  auto stored = a->files().list("pki/");
  EXPECT_TRUE(stored == file_set("a") || stored == file_set("b"));
  EXPECT_EQ(b->files().list("pki/"), stored);
}

}  // namespace
}  // namespace sandbank::store
