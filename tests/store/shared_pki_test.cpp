// The sandbox PKI is created once, by the first node, and every node on the store uses it:
// open_shared_sandbox_pki over two Store objects on one SQLite file and two certs folders, as
// two data directories sharing a store would call it.
#include <gtest/gtest.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "app/data_dir.hpp"
#include "core/error.hpp"
#include "store/temp_dir.hpp"

namespace sandbank::app {
namespace {

using store::test_support::read_file;
using store::test_support::TempDir;
using store::test_support::write_file;

const TimePoint kNow = TimePoint(std::chrono::seconds(1'800'000'000));

const char* kFiles[] = {"ca.cer",
                        "ca.key",
                        "server.cer",
                        "server.key",
                        "example_client_tls.cer",
                        "example_client_tls.key",
                        "example_client_signing.cer",
                        "example_client_signing.key"};

std::string error_code(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

class SharedPkiTest : public ::testing::Test {
 protected:
  SharedPkiTest()
      : a_(store::open_sqlite_store(dir_ / "shared.db", true)),
        b_(store::open_sqlite_store(dir_ / "shared.db", false)) {}

  // Counts the keys it makes (a node that takes the stored PKI makes none).
  crypto::KeyGenerator counting(std::atomic<int>& count) {
    return [&count](crypto::KeyType type) {
      ++count;
      return crypto::generate_key(type);
    };
  }

  crypto::SandboxPki open(store::Store& store, const std::string& node,
                          const std::vector<std::string>& names, std::atomic<int>& keys) {
    return open_shared_sandbox_pki(store.files(), dir_ / node / "certs", names, kNow, random_, true,
                                   counting(keys));
  }

  TempDir dir_;
  SystemRandom random_;
  std::unique_ptr<store::Store> a_;
  std::unique_ptr<store::Store> b_;
};

TEST_F(SharedPkiTest, TheSecondNodeUsesTheFirstNodesPki) {
  std::atomic<int> first_keys{0};
  std::atomic<int> second_keys{0};
  auto first = open(*a_, "node1", {"sandbank.example", "10.0.0.7"}, first_keys);
  auto second = open(*b_, "node2", {"other-name.example"}, second_keys);
  EXPECT_EQ(first_keys.load(), 4);
  EXPECT_EQ(second_keys.load(), 0);  // nothing regenerated
  for (const char* name : kFiles) {
    auto one = read_file(dir_ / "node1" / "certs" / name);
    ASSERT_FALSE(one.empty()) << name;
    EXPECT_EQ(one, read_file(dir_ / "node2" / "certs" / name)) << name;
  }
  EXPECT_EQ(first.ca.pem(), second.ca.pem());
  EXPECT_EQ(first.server.pem(), second.server.pem());
  EXPECT_EQ(second.paths.server_cert, dir_ / "node2" / "certs" / "server.cer");
  // The names of the first start: the load balancer's and every node's, not the second's.
  EXPECT_EQ(X509_check_host(second.server.native(), "sandbank.example", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(second.server.native(), "10.0.0.7", 0), 1);
  EXPECT_EQ(X509_check_host(second.server.native(), "localhost", 0, 0, nullptr), 1);
  EXPECT_NE(X509_check_host(second.server.native(), "other-name.example", 0, 0, nullptr), 1);
  // Keys stay private in the copy too.
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "node2" / "certs" / "ca.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(crypto::sandbox_pki_complete(dir_ / "node2" / "certs"));
}

TEST_F(SharedPkiTest, NodesStartingAtOnceAgreeOnOnePki) {
  std::atomic<int> keys{0};
  std::string ca1, ca2;
  std::thread t1([&] { ca1 = open(*a_, "node1", {}, keys).ca.pem(); });
  std::thread t2([&] { ca2 = open(*b_, "node2", {}, keys).ca.pem(); });
  t1.join();
  t2.join();
  EXPECT_EQ(ca1, ca2);
  for (const char* name : kFiles) {
    EXPECT_EQ(read_file(dir_ / "node1" / "certs" / name),
              read_file(dir_ / "node2" / "certs" / name))
        << name;
  }
  EXPECT_EQ(a_->files().list("pki/").size(), 8u);
}

TEST_F(SharedPkiTest, AnInterruptedCopyIsCompletedFromTheStore) {
  std::atomic<int> keys{0};
  open(*a_, "node1", {}, keys);
  // node2's first start stopped after two files: no marker yet.
  const auto certs = dir_ / "node2" / "certs";
  std::filesystem::create_directories(certs);
  for (const char* name : {"ca.cer", "ca.key"}) {
    write_file(certs / name, read_file(dir_ / "node1" / "certs" / name));
  }
  open(*b_, "node2", {}, keys);
  EXPECT_EQ(keys.load(), 4);
  for (const char* name : kFiles) {
    EXPECT_EQ(read_file(certs / name), read_file(dir_ / "node1" / "certs" / name)) << name;
  }
  EXPECT_TRUE(crypto::sandbox_pki_complete(certs));
}

TEST_F(SharedPkiTest, ACompleteFolderThatLostAFileIsDamagedNotRedone) {
  std::atomic<int> keys{0};
  open(*a_, "node1", {}, keys);
  std::filesystem::remove(dir_ / "node1" / "certs" / "server.key");
  EXPECT_EQ(error_code([&] { open(*b_, "node1", {}, keys); }), "pki.damaged");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "node1" / "certs" / "server.key"));
  EXPECT_EQ(keys.load(), 4);
}

TEST_F(SharedPkiTest, ADataDirectoryFromBeforeTheStoreKeptThePkiKeepsIts) {
  auto mine = crypto::create_sandbox_pki(dir_ / "old" / "certs", {}, kNow, random_);
  auto ca = read_file(dir_ / "old" / "certs" / "ca.cer");
  std::atomic<int> keys{0};
  auto opened = open(*a_, "old", {}, keys);
  EXPECT_EQ(keys.load(), 0);
  EXPECT_EQ(opened.ca.pem(), mine.ca.pem());
  EXPECT_EQ(b_->files().find("pki/ca.cer")->content, ca);
  // And the next node gets that one.
  open(*b_, "node2", {}, keys);
  EXPECT_EQ(read_file(dir_ / "node2" / "certs" / "ca.cer"), ca);
}

TEST_F(SharedPkiTest, AFolderWithAnotherPkiIsNotOverwritten) {
  std::atomic<int> keys{0};
  open(*a_, "node1", {}, keys);
  crypto::create_sandbox_pki(dir_ / "node2" / "certs", {}, kNow, random_);
  auto own = read_file(dir_ / "node2" / "certs" / "ca.cer");
  EXPECT_EQ(error_code([&] { open(*b_, "node2", {}, keys); }), "pki.conflict");
  EXPECT_EQ(read_file(dir_ / "node2" / "certs" / "ca.cer"), own);
}

TEST_F(SharedPkiTest, AHalfWrittenFolderIsNotReplacedByANewPki) {
  std::filesystem::create_directories(dir_ / "node1" / "certs");
  write_file(dir_ / "node1" / "certs" / "ca.cer", "half");
  std::atomic<int> keys{0};
  EXPECT_EQ(error_code([&] { open(*a_, "node1", {}, keys); }), "pki.damaged");
  EXPECT_TRUE(a_->files().list("pki/").empty());
}

TEST_F(SharedPkiTest, WithoutCreationAndWithoutAPkiNothingIsMade) {
  EXPECT_EQ(error_code([&] {
              open_shared_sandbox_pki(a_->files(), dir_ / "node1" / "certs", {}, kNow, random_,
                                      false);
            }),
            "pki.missing");
  EXPECT_TRUE(a_->files().list("pki/").empty());
}

TEST_F(SharedPkiTest, AnIncompletePkiInTheStoreIsDamaged) {
  ASSERT_TRUE(a_->files().insert_all_if_absent({{"pki/ca.cer", "x", kNow}}));
  std::atomic<int> keys{0};
  EXPECT_EQ(error_code([&] { open(*b_, "node1", {}, keys); }), "pki.damaged");
  EXPECT_EQ(keys.load(), 0);
}

}  // namespace
}  // namespace sandbank::app
