#include "store/sqlite.hpp"

#include <fmt/format.h>

#include <chrono>
#include <utility>

#include "core/error.hpp"
#include "core/time_format.hpp"
#include "store/codes.hpp"

namespace sandbank::store::sqlite {

void fail(sqlite3* db, int rc, std::string_view context) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string diagnostic = fmt::format("{}: {} (SQLite code {})", context, detail, rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw Error(503, codes::kStoreBusy, "The database stayed locked by another user; try again",
                  std::move(diagnostic));
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
        throw Error(409, codes::kStoreConflict, "A record with the same identity already exists",
                    std::move(diagnostic));
      }
      throw Error(500, codes::kStoreConstraint, "A database constraint was violated",
                  std::move(diagnostic));
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      throw Error(500, codes::kStoreDamaged, "The database file is damaged or not a database",
                  std::move(diagnostic));
    case SQLITE_FULL:
      throw Error(500, codes::kStoreIo, "The disk holding the database is full",
                  std::move(diagnostic));
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      throw Error(500, codes::kStoreIo, "The database file could not be read or written",
                  std::move(diagnostic));
    default:
      throw Error(500, codes::kStoreSqlite, "The database reported an error",
                  std::move(diagnostic));
  }
}

std::string format_timestamp(TimePoint t) {
  using namespace std::chrono;
  const auto us = floor<microseconds>(t);
  const auto secs = floor<seconds>(us);
  std::string text(27, 'Z');  // YYYY-MM-DDThh:mm:ss.ffffffZ
  char* p = put_rfc3339_seconds(text.data(), secs);
  *p++ = '.';
  auto fraction = static_cast<unsigned>((us - secs).count());
  for (int i = 5; i >= 0; --i, fraction /= 10) p[i] = static_cast<char>('0' + fraction % 10);
  return text;
}

std::optional<TimePoint> parse_timestamp(std::string_view text) {
  auto whole = parse_rfc3339(text);
  if (!whole || text.size() < 20) return std::nullopt;
  std::chrono::microseconds fraction{0};
  if (text[19] == '.') {
    long long scale = 100000;
    for (std::size_t i = 20; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      fraction += std::chrono::microseconds((text[i] - '0') * scale);
      scale /= 10;
    }
  }
  return *whole + fraction;
}

// --- Statement

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, bool* in_use, bool owned)
    : db_(db), stmt_(stmt), in_use_(in_use), owned_(owned) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      owned_(other.owned_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  if (in_use_ != nullptr) *in_use_ = false;
}

Statement& Statement::bind(int index, std::string_view text) {
  int rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(db_, rc, fmt::format("binding parameter {} of {}", index, sql()));
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(db_, rc, fmt::format("binding parameter {} of {}", index, sql()));
  return *this;
}

Statement& Statement::bind(int index, TimePoint t) {
  return bind(index, format_timestamp(t));
}

Statement& Statement::bind(int index, std::nullptr_t) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) fail(db_, rc, fmt::format("binding parameter {} of {}", index, sql()));
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, rc, sql());
}

void Statement::run() {
  while (step()) {
  }
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (data == nullptr) return {};
  return std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string_view Statement::text_view(int column) const {
  // One sqlite3_column_value() instead of sqlite3_column_text() + sqlite3_column_bytes(): each
  // sqlite3_column_* call costs a statement lookup and an error check, which for a wide row
  // costs more than the values. The unprotected value is only "not threadsafe", and a
  // connection (hence its statements) is used by one thread at a time.
  sqlite3_value* value = sqlite3_column_value(stmt_, column);
  const auto* data = reinterpret_cast<const char*>(sqlite3_value_text(value));
  if (data == nullptr) return {};
  return {data, static_cast<std::size_t>(sqlite3_value_bytes(value))};
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

TimePoint Statement::time(int column) const {
  std::string value = text(column);
  auto t = parse_timestamp(value);
  if (!t) {
    throw Error(500, codes::kStoreDamaged, "A stored timestamp is unreadable",
                fmt::format("column {} of {}: {}", column, sql(), value));
  }
  return *t;
}

const char* Statement::sql() const {
  return stmt_ != nullptr ? sqlite3_sql(stmt_) : "";
}

// --- Connection

std::unique_ptr<Connection> Connection::open(const std::string& filename, int flags) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(filename.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    throw Error(500, codes::kStoreIo, fmt::format("Could not open the database {}", filename),
                fmt::format("sqlite3_open_v2: {} (SQLite code {})", message, rc));
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close_v2(db_);
}

void Connection::exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    fail(db_, rc, fmt::format("{} [{}]", detail, text));
  }
}

Statement Connection::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return Statement(db_, it->second.stmt, &it->second.in_use, false);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) fail(db_, rc, fmt::format("preparing {}", sql));
  if (it != cache_.end()) {
    // The cached one is busy (the same SQL used twice at once): a one-off statement.
    return Statement(db_, stmt, nullptr, true);
  }
  auto [slot, inserted] = cache_.emplace(std::string(sql), CachedStatement{stmt, true});
  return Statement(db_, stmt, &slot->second.in_use, false);
}

std::int64_t Connection::scalar(std::string_view sql) {
  Statement st = prepare(sql);
  if (!st.step()) return 0;
  return st.integer(0);
}

bool Connection::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

std::int64_t Connection::changes() const {
  return sqlite3_changes64(db_);
}

// --- Transaction

Transaction::Transaction(Connection& connection, TransactionMode mode) : connection_(connection) {
  connection_.prepare(mode == TransactionMode::Write ? "BEGIN IMMEDIATE" : "BEGIN").run();
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    if (connection_.in_transaction()) connection_.prepare("ROLLBACK").run();
  } catch (...) {
    // The pool discards a connection still inside a transaction.
  }
}

void Transaction::commit() {
  connection_.prepare("COMMIT").run();
  open_ = false;
}

// --- ConnectionPool

ConnectionPool::Lease::~Lease() {
  if (connection_) pool_->release(std::move(connection_));
}

ConnectionPool::ConnectionPool(Opener opener, std::size_t max_connections)
    : opener_(std::move(opener)), max_connections_(max_connections == 0 ? 1 : max_connections) {}

void ConnectionPool::adopt(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard lock(mutex_);
    ++open_;
    free_.push_back(std::move(connection));
  }
  released_.notify_one();
}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  released_.wait(lock, [&] { return !free_.empty() || open_ < max_connections_; });
  if (!free_.empty()) {
    auto connection = std::move(free_.back());
    free_.pop_back();
    return Lease(*this, std::move(connection));
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(*this, opener_());
  } catch (...) {
    {
      std::lock_guard relock(mutex_);
      --open_;
    }
    released_.notify_one();
    throw;
  }
}

std::size_t ConnectionPool::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) noexcept {
  if (connection->in_transaction()) {
    // Left mid-transaction by a failure: try to clean it, else close it.
    try {
      connection->prepare("ROLLBACK").run();
    } catch (...) {
    }
    if (connection->in_transaction()) connection.reset();
  }
  {
    std::lock_guard lock(mutex_);
    if (connection) {
      free_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  released_.notify_one();
}

}  // namespace sandbank::store::sqlite
