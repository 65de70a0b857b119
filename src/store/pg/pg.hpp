#pragma once

#include <libpq-fe.h>

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
#include "core/error.hpp"

// Small RAII wrappers over libpq, shared by the PostgreSQL repositories: connections with a
// cache of prepared statements, text parameters and results, a bounded pool, and the mapping
// of PostgreSQL's SQLSTATEs onto the store's Error codes (store.hpp).
namespace sandbank::store::pg {

// What a failed statement or connection becomes:
//  - 409 "store.conflict"     unique_violation (23505)
//  - 503 "store.unavailable"  the server cannot be reached or the connection was lost (class
//                             08, admin/crash shutdown 57P01..57P03, or libpq's own failure);
//                             thrown as ConnectionLost
//  - 503 "store.busy"         serialization_failure / deadlock_detected that stayed after the
//                             retries (thrown as RetryableFailure first), or too many clients
//  - 500 "store.constraint"   another integrity constraint
//  - 500 "store.postgresql"   anything else
// Messages are fixed sentences; the server's text goes to the diagnostic. Neither ever holds
// the password (libpq does not repeat it, and connection specs are redacted).
class ConnectionLost : public Error {
 public:
  using Error::Error;
};
class RetryableFailure : public Error {
 public:
  using Error::Error;
};

[[noreturn]] void fail(PGconn* conn, const PGresult* result, std::string_view context);

// `spec` with the password of a postgresql:// URL (user:password@) or of a `password=`
// key/value replaced by "***", for messages and logs.
std::string redact(std::string_view spec);

// Timestamps are bigint microseconds since the Unix epoch (UTC); they compare and sort like
// the moments they name.
std::int64_t to_micros(TimePoint t);
TimePoint from_micros(std::int64_t us);

// Parameters, all sent as text.
class Params {
 public:
  Params& add(std::string_view text);
  Params& add(const std::string& text) { return add(std::string_view(text)); }
  Params& add(const char* text) { return add(std::string_view(text)); }
  Params& add(std::int64_t value);
  Params& add(int value) { return add(static_cast<std::int64_t>(value)); }
  Params& add(bool value);
  Params& add(TimePoint t) { return add(to_micros(t)); }
  Params& add(const std::optional<TimePoint>& t);
  Params& add(std::nullptr_t);

  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const;
  const int* lengths() const { return lengths_.data(); }

 private:
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<int> lengths_;
  mutable std::vector<const char*> pointers_;
};

// A query's rows (text format). Columns from 0, rows from 0.
class Result {
 public:
  Result() = default;
  explicit Result(PGresult* result) : result_(result, &PQclear) {}

  int rows() const { return result_ ? PQntuples(result_.get()) : 0; }
  bool empty() const { return rows() == 0; }
  // Rows changed by an INSERT/UPDATE/DELETE.
  std::int64_t affected() const;
  bool is_null(int row, int column) const;
  std::string_view view(int row, int column) const;
  std::string text(int row, int column) const { return std::string(view(row, column)); }
  // Throw 500 "store.damaged" when the value is not what the column should hold.
  std::int64_t integer(int row, int column) const;
  bool boolean(int row, int column) const;
  TimePoint time(int row, int column) const;
  std::optional<TimePoint> optional_time(int row, int column) const;

 private:
  std::shared_ptr<PGresult> result_;
};

// One connection with its prepared statements. One thread at a time (the pool hands it out).
class Connection {
 public:
  // Connects with `spec` (a postgresql:// URL or key=value string; libpq reads the password
  // from it, PGPASSWORD or ~/.pgpass). Throws ConnectionLost (503 store.unavailable).
  static std::unique_ptr<Connection> open(const std::string& spec);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  PGconn* handle() const { return conn_; }

  // Runs `sql` as a prepared statement (prepared on first use on this connection).
  Result query(std::string_view sql, const Params& params);
  template <typename... Args>
  Result run(std::string_view sql, const Args&... args) {
    Params params;
    (params.add(args), ...);
    return query(sql, params);
  }
  // Runs `sql` once with each of `batch` in libpq's pipeline mode: one round trip per
  // kPipelineBatch statements instead of one per statement (results are not kept). A failure
  // throws as query() would, for the first statement that failed.
  static constexpr std::size_t kPipelineBatch = 256;
  void pipeline(std::string_view sql, const std::vector<Params>& batch);
  // Runs one or more statements without parameters (simple query protocol).
  void exec(std::string_view sql);

  bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }
  bool in_transaction() const;
  int backend_pid() const { return PQbackendPID(conn_); }
  std::size_t prepared_statements() const { return prepared_.size(); }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  Result check(PGresult* result, std::string_view context);
  const std::string& prepared_name(std::string_view sql);

  PGconn* conn_;
  std::map<std::string, std::string, std::less<>> prepared_;  // sql -> statement name
};

// Connections for concurrent users, up to `max_connections`; beyond that acquire() waits for
// a release. A connection returned broken or inside a transaction it cannot leave is closed.
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
    // Closes the connection instead of returning it (it failed).
    void discard() { connection_.reset(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> c)
        : pool_(&pool), connection_(std::move(c)) {}
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  ConnectionPool(Opener opener, std::size_t max_connections);
  void adopt(std::unique_ptr<Connection> connection);
  Lease acquire();
  // Closes every idle connection (after one was found lost: the others most likely are too).
  void discard_idle();
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

}  // namespace sandbank::store::pg
