#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

// Small RAII wrappers over the SQLite C API, shared by every SQLite repository.
namespace sandbank::store::sqlite {

// Throws the sandbank::Error matching an SQLite result code (busy → 503 "store.busy",
// unique/primary key → 409 "store.conflict", not-a-database/corrupt → 500 "store.damaged",
// disk/IO → 500 "store.io", else 500 "store.sqlite"). The SQLite message goes to the
// diagnostic, prefixed with `context`.
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view context);

// Timestamps are stored as fixed-width UTC text, "2026-11-25T08:49:37.123456Z", which sorts
// like the time it names and reads well in the sqlite3 shell.
std::string format_timestamp(TimePoint t);
std::optional<TimePoint> parse_timestamp(std::string_view text);

class Connection;

// A prepared statement borrowed for one use. Usually taken from the connection's cache;
// on destruction it is reset and its bindings cleared, ready for the next use. The
// connection must outlive it. Parameter and column indexes: parameters from 1, columns
// from 0, as in SQLite.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, TimePoint t);
  Statement& bind(int index, std::nullptr_t);

  // Advances to the next row: true while there is one.
  bool step();
  // Runs a statement that returns no rows (or ignores them) to completion.
  void run();

  bool is_null(int column) const;
  std::string text(int column) const;
  // The same text without a copy: valid until the next step() or the end of the statement.
  std::string_view text_view(int column) const;
  std::int64_t integer(int column) const;
  // Throws 500 "store.damaged" when the stored text is not a timestamp.
  TimePoint time(int column) const;

  const char* sql() const;

 private:
  friend class Connection;
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool* in_use, bool owned);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache slot's flag, or nullptr
  bool owned_;    // finalize on destruction (not cached)
};

// One SQLite database connection with its cache of prepared statements. Not thread
// safe: one thread at a time (the pool hands it out).
class Connection {
 public:
  // `flags` as for sqlite3_open_v2; SQLITE_OPEN_NOMUTEX is added. Extended result codes
  // are switched on. Throws Error on failure.
  static std::unique_ptr<Connection> open(const std::string& filename, int flags);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  sqlite3* handle() const { return db_; }

  // Executes one or more statements without parameters (schema, pragmas).
  void exec(std::string_view sql);
  // A prepared statement for `sql`, from the cache (prepared on first use).
  Statement prepare(std::string_view sql);
  // prepare() plus binding `args` to parameters 1..n.
  template <typename... Args>
  Statement query(std::string_view sql, const Args&... args) {
    Statement st = prepare(sql);
    int index = 0;
    (st.bind(++index, args), ...);
    return st;
  }

  // Runs a one-value statement such as "PRAGMA data_version".
  std::int64_t scalar(std::string_view sql);
  bool in_transaction() const;
  std::int64_t changes() const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  sqlite3* db_;
  std::map<std::string, CachedStatement, std::less<>> cache_;
};

enum class TransactionMode {
  Read,   // BEGIN (DEFERRED): a consistent snapshot for several reads
  Write,  // BEGIN IMMEDIATE: takes the write lock at once, so no upgrade deadlocks
};

// Rolls back on destruction unless committed.
class Transaction {
 public:
  Transaction(Connection& connection, TransactionMode mode);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

// Connections for concurrent users: a mutex-protected free list that grows on demand up
// to `max_connections`; beyond that, acquire() waits for a release. Never nest two
// leases in one thread (with a limit of one it would wait forever).
class ConnectionPool {
 public:
  using Opener = std::function<std::unique_ptr<Connection>()>;

  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), connection_(std::move(other.connection_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> c)
        : pool_(&pool), connection_(std::move(c)) {}
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  ConnectionPool(Opener opener, std::size_t max_connections);
  // Puts an already opened connection in the free list (counts towards the limit).
  void adopt(std::unique_ptr<Connection> connection);
  Lease acquire();
  std::size_t open_connections() const;

 private:
  void release(std::unique_ptr<Connection> connection) noexcept;

  Opener opener_;
  const std::size_t max_connections_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<Connection>> free_;
  std::size_t open_ = 0;
};

}  // namespace sandbank::store::sqlite
