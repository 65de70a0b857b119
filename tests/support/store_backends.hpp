#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "store/pg/pg.hpp"
#include "store/store.hpp"

// The stores a contract test runs against, unchanged: SQLite (a file in a temp directory) and
// PostgreSQL (a fresh schema of the test cluster). The cluster's URL comes from
// SANDBANK_TEST_PG_URL, or from the file the CTest fixture pg_cluster writes
// (tests/support/pg_cluster.sh start BUILD/pg-test). Without either, the PostgreSQL cases
// report SKIP and say why.
namespace sandbank::store::test_support {

enum class Backend { Sqlite, Postgres };

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::Sqlite ? "Sqlite" : "Postgres";
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// The test cluster's URL, or nullopt with `why` set.
inline std::optional<std::string> test_postgres_url(std::string& why) {
  if (const char* env = std::getenv("SANDBANK_TEST_PG_URL"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  const std::filesystem::path dir = std::filesystem::path(SANDBANK_BUILD_DIR) / "pg-test";
  std::error_code ec;
  if (std::filesystem::exists(dir / "url", ec)) return read_text(dir / "url");
  if (std::filesystem::exists(dir / "skip", ec)) {
    why = read_text(dir / "skip");
  } else {
    why =
        "no PostgreSQL test cluster: run the test through ctest (fixture pg_cluster starts one), "
        "or set SANDBANK_TEST_PG_URL; the server comes with: apt-get install postgresql "
        "libpq-dev";
  }
  return std::nullopt;
}

// `url` with its search_path set to `schema` (libpq's options parameter).
inline std::string with_schema(const std::string& url, const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

// One database for a test: open() gives a new Store object on it each time (two of them are
// two nodes). The PostgreSQL schema is dropped at the end.
class TestDatabase {
 public:
  explicit TestDatabase(Backend backend) : backend_(backend) {
    if (backend_ == Backend::Sqlite) {
      std::string pattern = "/tmp/sandbank-contract-XXXXXX";
      if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
      dir_ = pattern;
      spec_ = (dir_ / "s.db").string();
      return;
    }
    auto url = test_postgres_url(skip_reason_);
    if (!url) return;
    base_url_ = *url;
    static std::atomic<int> counter{0};
    schema_ = "t" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    auto c = pg::Connection::open(base_url_);
    c->exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " + schema_);
    spec_ = with_schema(base_url_, schema_);
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  ~TestDatabase() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
    if (!schema_.empty()) {
      try {
        pg::Connection::open(base_url_)->exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
      } catch (...) {
      }
    }
  }

  // Non-empty when the backend cannot run here (GTEST_SKIP with it).
  const std::string& skip_reason() const { return skip_reason_; }
  Backend backend() const { return backend_; }
  // What open_store() takes: the SQLite file or the PostgreSQL URL.
  const std::string& spec() const { return spec_; }
  const std::string& base_url() const { return base_url_; }
  const std::string& schema() const { return schema_; }

  std::unique_ptr<Store> open(bool create_if_missing = true) const {
    return open_store(spec_, create_if_missing);
  }

 private:
  Backend backend_;
  std::filesystem::path dir_;
  std::string base_url_;
  std::string schema_;
  std::string spec_;
  std::string skip_reason_;
};

// A parameterised fixture: store() is a store of the backend under test.
class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(GetParam());
    if (!db_->skip_reason().empty()) GTEST_SKIP() << db_->skip_reason();
    store_ = db_->open();
  }

  Store& store() { return *store_; }
  // Another node on the same database.
  std::unique_ptr<Store> another_store() { return db_->open(false); }
  TestDatabase& database() { return *db_; }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

}  // namespace sandbank::store::test_support
