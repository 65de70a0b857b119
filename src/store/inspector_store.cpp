#include "store/inspector_store.hpp"

#include <mutex>

#include "core/error.hpp"
#include "store/codes.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace sandbank::store {

namespace pg {
std::unique_ptr<InspectorRepository> make_inspector_repository(const std::string& spec);
}

namespace {

using sqlite::Connection;

// The inspector's own SQLite file: one connection, synchronous=OFF (a crash may lose the last
// moments of diagnostic data; the database stays consistent), its schema version 50 in
// user_version.
constexpr int kSchemaVersion = 50;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS inspector_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time TEXT NOT NULL,
  organisation TEXT NOT NULL,
  listener TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  detail_code TEXT NOT NULL,
  x_request_id TEXT NOT NULL,
  response_id TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS inspector_requests_by_organisation
  ON inspector_requests (organisation, time DESC, id DESC);
CREATE INDEX IF NOT EXISTS inspector_requests_by_time ON inspector_requests (time DESC, id DESC);
CREATE INDEX IF NOT EXISTS inspector_requests_by_response_id ON inspector_requests (response_id);
CREATE TABLE IF NOT EXISTS inspector_links (
  token_hash TEXT PRIMARY KEY,
  organisation TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
)sql";

class SqliteInspectorRepository final : public InspectorRepository {
 public:
  explicit SqliteInspectorRepository(const std::string& path) {
    connection_ = Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    auto& c = *connection_;
    c.exec("PRAGMA busy_timeout = 5000");
    if (path != ":memory:") c.exec("PRAGMA journal_mode = WAL");
    c.exec("PRAGMA synchronous = OFF");
    auto version = c.scalar("PRAGMA user_version");
    if (version > kSchemaVersion) {
      throw Error(500, codes::kStoreTooNew,
                  "The inspector database " + path + " is newer than this binary");
    }
    c.exec(kSchema);
    c.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
  }

  void append(const std::vector<InspectorRow>& rows) override {
    if (rows.empty()) return;
    std::lock_guard lock(mutex_);
    sqlite::Transaction tx(*connection_, sqlite::TransactionMode::Write);
    for (const auto& r : rows) {
      connection_
          ->query(
              "INSERT INTO inspector_requests (time, organisation, listener, method, path, status, "
              "detail_code, x_request_id, response_id, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
              "?)",
              r.time, r.organisation, r.listener, r.method, r.path, r.status, r.detail_code,
              r.x_request_id, r.response_id, r.record)
          .run();
    }
    tx.commit();
  }

  std::vector<InspectorRow> list(const InspectorQuery& q) override {
    std::string sql =
        "SELECT id, time, organisation, listener, method, path, status, detail_code, "
        "x_request_id, response_id, record FROM inspector_requests WHERE 1 = 1";
    if (q.organisation) sql += " AND organisation = ?1";
    if (q.status) sql += " AND status = ?2";
    if (!q.path_prefix.empty()) sql += " AND substr(path, 1, length(?3)) = ?3";
    if (!q.detail_code.empty()) sql += " AND detail_code = ?4";
    if (!q.x_request_id.empty()) sql += " AND x_request_id = ?5";
    if (!q.response_id.empty()) sql += " AND response_id = ?6";
    if (q.since) sql += " AND time >= ?7";
    if (q.until) sql += " AND time < ?8";
    sql += " ORDER BY time DESC, id DESC LIMIT ?9";
    std::lock_guard lock(mutex_);
    auto st = connection_->prepare(sql);
    if (q.organisation) st.bind(1, *q.organisation);
    if (q.status) st.bind(2, *q.status);
    if (!q.path_prefix.empty()) st.bind(3, q.path_prefix);
    if (!q.detail_code.empty()) st.bind(4, q.detail_code);
    if (!q.x_request_id.empty()) st.bind(5, q.x_request_id);
    if (!q.response_id.empty()) st.bind(6, q.response_id);
    if (q.since) st.bind(7, *q.since);
    if (q.until) st.bind(8, *q.until);
    st.bind(9, static_cast<std::int64_t>(q.limit));
    std::vector<InspectorRow> out;
    while (st.step()) {
      InspectorRow r;
      r.id = st.integer(0);
      r.time = st.time(1);
      r.organisation = st.text(2);
      r.listener = st.text(3);
      r.method = st.text(4);
      r.path = st.text(5);
      r.status = static_cast<int>(st.integer(6));
      r.detail_code = st.text(7);
      r.x_request_id = st.text(8);
      r.response_id = st.text(9);
      r.record = st.text(10);
      out.push_back(std::move(r));
    }
    return out;
  }

  std::size_t evict(std::size_t per_organisation, std::size_t total) override {
    std::lock_guard lock(mutex_);
    sqlite::Transaction tx(*connection_, sqlite::TransactionMode::Write);
    connection_
        ->query(
            "DELETE FROM inspector_requests WHERE id IN (SELECT id FROM (SELECT id, row_number() "
            "OVER (PARTITION BY organisation ORDER BY time DESC, id DESC) AS n FROM "
            "inspector_requests) WHERE n > ?)",
            static_cast<std::int64_t>(per_organisation))
        .run();
    auto removed = static_cast<std::size_t>(connection_->changes());
    connection_
        ->query(
            "DELETE FROM inspector_requests WHERE id NOT IN (SELECT id FROM inspector_requests "
            "ORDER BY time DESC, id DESC LIMIT ?)",
            static_cast<std::int64_t>(total))
        .run();
    removed += static_cast<std::size_t>(connection_->changes());
    tx.commit();
    return removed;
  }

  std::size_t count() override {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(connection_->scalar("SELECT count(*) FROM inspector_requests"));
  }

  void create_link(const InspectorLink& link, TimePoint now) override {
    std::lock_guard lock(mutex_);
    sqlite::Transaction tx(*connection_, sqlite::TransactionMode::Write);
    connection_->query("DELETE FROM inspector_links WHERE expires_at <= ?", now).run();
    connection_
        ->query(
            "INSERT INTO inspector_links (token_hash, organisation, created_at, expires_at) "
            "VALUES (?, ?, ?, ?)",
            link.token_hash, link.organisation, link.created_at, link.expires_at)
        .run();
    connection_
        ->query(
            "DELETE FROM inspector_links WHERE organisation = ?1 AND token_hash NOT IN (SELECT "
            "token_hash FROM inspector_links WHERE organisation = ?1 ORDER BY created_at DESC, "
            "rowid DESC LIMIT ?2)",
            link.organisation, static_cast<std::int64_t>(kMaxLinksPerOrganisation))
        .run();
    tx.commit();
  }

  std::optional<InspectorLink> find_link(const std::string& token_hash, TimePoint now) override {
    std::lock_guard lock(mutex_);
    auto st = connection_->query(
        "SELECT token_hash, organisation, created_at, expires_at FROM inspector_links "
        "WHERE token_hash = ? AND expires_at > ?",
        token_hash, now);
    if (!st.step()) return std::nullopt;
    return InspectorLink{st.text(0), st.text(1), st.time(2), st.time(3)};
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace

std::unique_ptr<InspectorRepository> open_inspector_store(const std::string& spec) {
  if (is_postgres_spec(spec)) return pg::make_inspector_repository(spec);
  return std::make_unique<SqliteInspectorRepository>(spec);
}

}  // namespace sandbank::store
