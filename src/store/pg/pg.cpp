#include "store/pg/pg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <utility>

#include "store/codes.hpp"

namespace sandbank::store::pg {
namespace {

std::string trimmed(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  return std::string(text);
}

[[noreturn]] void unavailable(std::string diagnostic) {
  throw ConnectionLost(503, "store.unavailable",
                       "The database is unavailable; try again in a moment", std::move(diagnostic));
}

}  // namespace

void fail(PGconn* conn, const PGresult* result, std::string_view context) {
  std::string detail;
  if (result != nullptr) detail = trimmed(PQresultErrorMessage(result));
  if (detail.empty() && conn != nullptr) detail = trimmed(PQerrorMessage(conn));
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state != nullptr ? state : "";
  std::string diagnostic = fmt::format("{}: {}{}", context, detail,
                                       sqlstate.empty() ? "" : " (SQLSTATE " + sqlstate + ")");
  // libpq's own failures (no SQLSTATE) are those of the connection.
  if ((conn != nullptr && PQstatus(conn) != CONNECTION_OK) || sqlstate.empty() ||
      sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03") {
    unavailable(std::move(diagnostic));
  }
  if (sqlstate == "23505") {
    throw Error(409, codes::kStoreConflict, "A record with the same identity already exists",
                std::move(diagnostic));
  }
  if (sqlstate == "40001" || sqlstate == "40P01") {
    throw RetryableFailure(503, "store.busy",
                           "The database was busy with conflicting changes; try again",
                           std::move(diagnostic));
  }
  if (sqlstate == "53300") {
    throw Error(503, codes::kStoreBusy, "The database has too many clients; try again",
                std::move(diagnostic));
  }
  if (sqlstate.starts_with("23")) {
    throw Error(500, codes::kStoreConstraint, "A database constraint was violated",
                std::move(diagnostic));
  }
  throw Error(500, codes::kStorePostgresql, "The database reported an error",
              std::move(diagnostic));
}

std::string redact(std::string_view spec) {
  std::string out(spec);
  // URL form: scheme://user:password@host...
  if (auto scheme = out.find("://"); scheme != std::string::npos) {
    auto start = scheme + 3;
    auto at = out.find('@', start);
    auto slash = out.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      auto colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // password=... as a query parameter or a key/value.
  for (std::size_t pos = 0; (pos = out.find("password=", pos)) != std::string::npos;) {
    if (pos > 0 && out[pos - 1] != '?' && out[pos - 1] != '&' && out[pos - 1] != ' ') {
      pos += 9;
      continue;
    }
    auto value = pos + 9;
    auto end = value;
    if (end < out.size() && out[end] == '\'') {
      end = out.find('\'', end + 1);
      end = end == std::string::npos ? out.size() : end + 1;
    } else {
      while (end < out.size() && out[end] != '&' && out[end] != ' ') ++end;
    }
    out.replace(value, end - value, "***");
    pos = value + 3;
  }
  return out;
}

std::int64_t to_micros(TimePoint t) {
  return std::chrono::floor<std::chrono::microseconds>(t.time_since_epoch()).count();
}

TimePoint from_micros(std::int64_t us) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(us)));
}

// --- Params

Params& Params::add(std::string_view text) {
  values_.emplace_back(text);
  null_.push_back(false);
  lengths_.push_back(static_cast<int>(text.size()));
  return *this;
}

Params& Params::add(std::int64_t value) {
  return add(std::string_view(std::to_string(value)));
}

Params& Params::add(bool value) {
  return add(std::string_view(value ? "t" : "f"));
}

Params& Params::add(const std::optional<TimePoint>& t) {
  return t ? add(*t) : add(nullptr);
}

Params& Params::add(std::nullptr_t) {
  values_.emplace_back();
  null_.push_back(true);
  lengths_.push_back(0);
  return *this;
}

const char* const* Params::values() const {
  pointers_.clear();
  for (std::size_t i = 0; i < values_.size(); ++i) {
    pointers_.push_back(null_[i] ? nullptr : values_[i].c_str());
  }
  return pointers_.data();
}

// --- Result

std::int64_t Result::affected() const {
  if (!result_) return 0;
  const char* n = PQcmdTuples(result_.get());
  return (n == nullptr || *n == '\0') ? 0 : std::strtoll(n, nullptr, 10);
}

bool Result::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string_view Result::view(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::int64_t Result::integer(int row, int column) const {
  auto text = view(row, column);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw Error(500, codes::kStoreDamaged, "A stored number is unreadable",
                fmt::format("column {} ({}): {}", column, PQfname(result_.get(), column), text));
  }
  return value;
}

bool Result::boolean(int row, int column) const {
  auto text = view(row, column);
  return text == "t" || text == "true" || text == "1";
}

TimePoint Result::time(int row, int column) const {
  return from_micros(integer(row, column));
}

std::optional<TimePoint> Result::optional_time(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return time(row, column);
}

// --- Connection

std::unique_ptr<Connection> Connection::open(const std::string& spec) {
  // Defaults first: the spec's own values (expanded from "dbname") override them.
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"5", "sandbank", spec.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, 1);
  if (conn == nullptr) unavailable("libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string detail = trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    unavailable(fmt::format("connecting to {}: {}", redact(spec), detail));
  }
  auto connection = std::unique_ptr<Connection>(new Connection(conn));
  // Quiet: notices (such as "relation already exists, skipping") are not errors.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return connection;
}

Connection::~Connection() {
  PQfinish(conn_);
}

Result Connection::check(PGresult* result, std::string_view context) {
  if (result == nullptr) fail(conn_, nullptr, context);
  auto status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Result(result);
  Result owned(result);  // freed on the way out
  fail(conn_, result, context);
}

const std::string& Connection::prepared_name(std::string_view sql) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = fmt::format("s{}", prepared_.size() + 1);
    std::string text(sql);
    check(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr), text);
    it = prepared_.emplace(std::move(text), std::move(name)).first;
  }
  return it->second;
}

Result Connection::query(std::string_view sql, const Params& params) {
  const std::string& name = prepared_name(sql);
  return check(PQexecPrepared(conn_, name.c_str(), params.size(), params.values(), params.lengths(),
                              nullptr, 0),
               sql);
}

void Connection::pipeline(std::string_view sql, const std::vector<Params>& batch) {
  const std::string name = prepared_name(sql);
  // In batches: the server's results are read before more is sent, so that neither side
  // blocks on a full socket buffer while the other waits.
  for (std::size_t start = 0; start < batch.size(); start += kPipelineBatch) {
    const std::size_t end = std::min(batch.size(), start + kPipelineBatch);
    if (PQenterPipelineMode(conn_) != 1) fail(conn_, nullptr, "entering pipeline mode");
    bool sent = true;
    for (std::size_t i = start; i < end && sent; ++i) {
      const Params& p = batch[i];
      sent = PQsendQueryPrepared(conn_, name.c_str(), p.size(), p.values(), p.lengths(), nullptr,
                                 0) == 1;
    }
    sent = sent && PQpipelineSync(conn_) == 1;
    if (!sent) {
      std::string detail = trimmed(PQerrorMessage(conn_));
      PQexitPipelineMode(conn_);
      unavailable(fmt::format("sending a pipeline of {}: {}", sql, detail));
    }
    // Each statement's results end with a null; the sync's result ends the batch.
    std::shared_ptr<PGresult> first_error;
    for (;;) {
      PGresult* r = PQgetResult(conn_);
      if (r == nullptr) {
        if (PQstatus(conn_) != CONNECTION_OK) break;
        continue;
      }
      auto status = PQresultStatus(r);
      if (status == PGRES_PIPELINE_SYNC) {
        PQclear(r);
        break;
      }
      if (status == PGRES_FATAL_ERROR && !first_error) {
        first_error.reset(r, &PQclear);
      } else {
        PQclear(r);
      }
    }
    PQexitPipelineMode(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) fail(conn_, first_error.get(), sql);
    if (first_error) fail(conn_, first_error.get(), sql);
  }
}

void Connection::exec(std::string_view sql) {
  std::string text(sql);
  check(PQexec(conn_, text.c_str()), text);
}

bool Connection::in_transaction() const {
  auto status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

// --- ConnectionPool

ConnectionPool::Lease::~Lease() {
  if (connection_) {
    pool_->release(std::move(connection_));
  } else {
    pool_->release(nullptr);
  }
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

void ConnectionPool::discard_idle() {
  std::vector<std::unique_ptr<Connection>> closing;
  {
    std::lock_guard lock(mutex_);
    closing.swap(free_);
    open_ -= closing.size();
  }
  released_.notify_all();
}

std::size_t ConnectionPool::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) noexcept {
  if (connection && !connection->broken() && connection->in_transaction()) {
    try {
      connection->exec("ROLLBACK");
    } catch (...) {
    }
  }
  if (connection && (connection->broken() || connection->in_transaction())) connection.reset();
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

}  // namespace sandbank::store::pg
