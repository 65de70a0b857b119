#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <type_traits>

#include "store/migrations.hpp"
#include "store/pg/pg.hpp"

// One PostgreSQL database as the PostgreSQL repositories use it: connected, checked and
// migrated; a bounded pool; transactions as functions, retried on serialization failures and
// deadlocks; the change counter fed by LISTEN/NOTIFY.
namespace sandbank::store::pg {

// Sandbank's PostgreSQL migrations, oldest first: the same versions and names as
// sqlite_migrations(), so that schema_version() means the same on both stores.
std::span<const Migration> postgres_migrations();

class Database {
 public:
  static constexpr std::size_t kDefaultMaxConnections = 16;
  static constexpr int kMaxAttempts = 8;
  // Every write transaction notifies the channel "sandbank_changes.<schema>" (two sandboxes
  // in two schemas of one database do not disturb each other's caches).

  // Connects with `spec`, checks the schema and applies the missing migrations (one
  // transaction under pg_advisory_xact_lock, so nodes starting together migrate once).
  // Throws 503 "store.unavailable" when the server cannot be reached, 500 "store.missing" when
  // the database holds no Sandbank schema and create_if_missing is false, "store.damaged" /
  // "store.too_new" as open_sqlite_store() does.
  static std::unique_ptr<Database> open(
      const std::string& spec, bool create_if_missing,
      std::span<const Migration> migrations = postgres_migrations(),
      std::size_t max_connections = kDefaultMaxConnections);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // f(Connection&) inside one REPEATABLE READ, READ ONLY transaction: one snapshot.
  template <typename F>
  std::invoke_result_t<F&, Connection&> read(F&& f) {
    return run(f, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", false, true);
  }

  // f(Connection&), which runs one statement: autocommit gives it a snapshot of its own, so
  // BEGIN and COMMIT are left out (two round trips fewer).
  template <typename F>
  std::invoke_result_t<F&, Connection&> read_one_statement(F&& f) {
    return run(f, nullptr, false, true);
  }

  // f(Connection&) inside a READ COMMITTED transaction that notifies the channel and commits;
  // an exception from f rolls it back. Serialization failures and deadlocks run f again
  // (up to kMaxAttempts times), so f must only touch the database. Races are settled by
  // constraints, row locks and conditional updates in the repositories.
  template <typename F>
  std::invoke_result_t<F&, Connection&> write(F&& f) {
    return run(f, "BEGIN", true, false);
  }

  // Grows on every write() of this process that committed, and on every notification of a
  // write transaction of any process (this one included) on this database. No round trip:
  // it reads what the listener connection's socket holds (PQconsumeInput, PQnotifies).
  // While the listener is disconnected it grows on every call (caches cannot trust anything)
  // and reconnects at most once a second.
  // write() without the notification and without moving the change counter: for data no cache
  // reads (the request inspector's records), so that writing it invalidates nothing.
  template <typename F>
  std::invoke_result_t<F&, Connection&> unnoticed_write(F&& f) {
    return run(f, "BEGIN", false, false);
  }

  std::uint64_t change_counter();
  int schema_version();
  std::size_t open_connections() const { return pool_->open_connections(); }
  // For tests: how many notifications the listener received.
  std::uint64_t notifications() const { return notifications_.load(); }
  const std::string& label() const { return label_; }

 private:
  Database(std::string spec, std::string schema, std::unique_ptr<ConnectionPool> pool);

  template <typename F>
  std::invoke_result_t<F&, Connection&> run(F& f, const char* begin, bool write, bool idempotent) {
    for (int attempt = 1;; ++attempt) {
      auto lease = pool_->acquire();
      bool begun = false;
      try {
        if (begin != nullptr) lease->exec(begin);
        begun = true;
        if constexpr (std::is_void_v<std::invoke_result_t<F&, Connection&>>) {
          f(*lease);
          finish(*lease, begin != nullptr, write);
          return;
        } else {
          auto result = f(*lease);
          finish(*lease, begin != nullptr, write);
          return result;
        }
      } catch (const RetryableFailure&) {
        if (attempt >= kMaxAttempts) throw;
        rollback(*lease);
      } catch (const ConnectionLost&) {
        lease.discard();
        pool_->discard_idle();
        // A pooled connection the server closed since (restart, pg_terminate_backend) fails
        // on its first statement: try once more on a new one when nothing can have been
        // committed (before BEGIN returned, or a read).
        if (attempt >= 2 || (begun && !idempotent)) throw;
      } catch (...) {
        rollback(*lease);
        throw;
      }
    }
  }

  void finish(Connection& c, bool in_transaction, bool write);
  static void rollback(Connection& c) noexcept;
  void poll_listener();  // with listen_mutex_ held
  void connect_listener();

  std::string spec_;
  std::string label_;          // spec_ redacted
  std::string channel_;        // quoted identifier
  std::string notify_commit_;  // "NOTIFY <channel>; COMMIT"
  std::unique_ptr<ConnectionPool> pool_;
  std::atomic<std::uint64_t> local_commits_{0};

  std::mutex listen_mutex_;
  std::unique_ptr<Connection> listener_;
  std::chrono::steady_clock::time_point next_listener_attempt_{};
  std::uint64_t other_changes_ = 0;
  std::atomic<std::uint64_t> notifications_{0};
};

}  // namespace sandbank::store::pg
