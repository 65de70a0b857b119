#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <type_traits>
#include <utility>

#include "store/migrations.hpp"
#include "store/sqlite.hpp"

// One SQLite database as the SQLite repositories use it: opened, checked and migrated; a
// pool of connections for concurrent callers; transactions as functions; the change
// counter. Repositories for new tables take a Database& and call read()/write().
namespace sandbank::store::sqlite {

class Database {
 public:
  static constexpr std::size_t kDefaultMaxConnections = 16;
  static constexpr int kBusyTimeoutMs = 5000;

  // Opens `db_file` (WAL, synchronous=FULL, foreign_keys=ON, busy_timeout 5 s), checks it
  // and applies the missing `migrations`. Errors as for open_sqlite_store(); a file that is
  // not a Sandbank database is never written to.
  static std::unique_ptr<Database> open_file(
      const std::filesystem::path& db_file, bool create_if_missing,
      std::span<const Migration> migrations = sqlite_migrations(),
      std::size_t max_connections = kDefaultMaxConnections);
  // A private in-memory database on a single connection (callers take turns).
  static std::unique_ptr<Database> open_memory(
      std::span<const Migration> migrations = sqlite_migrations());

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs f(Connection&) inside a read transaction (one consistent snapshot).
  template <typename F>
  std::invoke_result_t<F&, Connection&> read(F&& f) {
    auto lease = pool_->acquire();
    Transaction transaction(*lease, TransactionMode::Read);
    if constexpr (std::is_void_v<std::invoke_result_t<F&, Connection&>>) {
      f(*lease);
      transaction.commit();
    } else {
      auto result = f(*lease);
      transaction.commit();
      return result;
    }
  }

  // Runs f(Connection&), which runs one statement: SQLite's autocommit gives that statement a
  // consistent snapshot of its own, so the BEGIN and COMMIT of read() are left out.
  template <typename F>
  std::invoke_result_t<F&, Connection&> read_one_statement(F&& f) {
    auto lease = pool_->acquire();
    return f(*lease);
  }

  // Runs f(Connection&) inside a write transaction (BEGIN IMMEDIATE) and commits; an
  // exception from f rolls everything back. Writers of this process queue on a mutex
  // rather than on SQLite's busy sleep; other processes are waited for up to 5 s.
  template <typename F>
  std::invoke_result_t<F&, Connection&> write(F&& f) {
    auto lease = pool_->acquire();
    std::lock_guard writer(write_mutex_);
    Transaction transaction(*lease, TransactionMode::Write);
    if constexpr (std::is_void_v<std::invoke_result_t<F&, Connection&>>) {
      f(*lease);
      transaction.commit();
      local_commits_.fetch_add(1);
    } else {
      auto result = f(*lease);
      transaction.commit();
      local_commits_.fetch_add(1);
      return result;
    }
  }

  // Grows whenever a write() of this process commits, and (for files) whenever any other
  // connection or process commits: a call that starts after such a commit returned sees the
  // counter moved. Nearly free while nothing changes: it compares the wal-index header in
  // SQLite's shared memory (the -shm file) with the copy taken at its last check, and runs
  // PRAGMA data_version on a connection of its own only when the header moved (database.cpp
  // explains why this misses no commit). Safe to call from several threads.
  std::uint64_t change_counter();
  int schema_version();
  std::size_t open_connections() const { return pool_->open_connections(); }

  // For tests and benchmarks. Whether change_counter() watches the wal-index header (false
  // for in-memory databases, and where SQLite's shared memory cannot be mapped: then it runs
  // PRAGMA data_version on every call); how many times it ran the PRAGMA; and a switch to the
  // PRAGMA on every call.
  bool watches_wal_index();
  std::uint64_t data_version_queries() const { return data_version_queries_.load(); }
  void disable_wal_index_watch();

 private:
  Database(std::unique_ptr<ConnectionPool> pool, std::unique_ptr<Connection> watcher);

  std::unique_ptr<ConnectionPool> pool_;
  std::mutex write_mutex_;
  std::atomic<std::uint64_t> local_commits_{0};

  // Holding watch_mutex_ while checking keeps a caller from returning the old count while
  // another thread has seen the header move but not yet run the PRAGMA.
  std::mutex watch_mutex_;
  std::unique_ptr<Connection> watcher_;  // nullptr for in-memory databases
  // The watcher's mapping of the wal-index header (nullptr: PRAGMA on every call) and the
  // header as it was before the last PRAGMA.
  const volatile std::uint32_t* wal_index_header_ = nullptr;
  std::array<std::uint32_t, 12> header_seen_{};
  std::int64_t last_data_version_ = 0;
  std::uint64_t other_commits_ = 0;
  std::atomic<std::uint64_t> data_version_queries_{0};

  void query_data_version();  // with watch_mutex_ held
};

}  // namespace sandbank::store::sqlite
