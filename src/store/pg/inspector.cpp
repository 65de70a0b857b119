#include <fmt/format.h>

#include "store/inspector_store.hpp"
#include "store/pg/database.hpp"

// The request inspector's rows in the shared PostgreSQL database (migration 50), written
// without the change notification: no node's cache depends on them.
namespace sandbank::store::pg {
namespace {

class PgInspectorRepository final : public InspectorRepository {
 public:
  explicit PgInspectorRepository(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  void append(const std::vector<InspectorRow>& rows) override {
    if (rows.empty()) return;
    std::vector<Params> batch;
    batch.reserve(rows.size());
    for (const auto& r : rows) {
      Params p;
      p.add(r.time)
          .add(r.organisation)
          .add(r.listener)
          .add(r.method)
          .add(r.path)
          .add(r.status)
          .add(r.detail_code)
          .add(r.x_request_id)
          .add(r.response_id)
          .add(r.record);
      batch.push_back(std::move(p));
    }
    db_->unnoticed_write([&](Connection& c) {
      c.pipeline(
          "INSERT INTO inspector_requests (time, organisation, listener, method, path, status, "
          "detail_code, x_request_id, response_id, record) VALUES ($1, $2, $3, $4, $5, $6, $7, "
          "$8, $9, $10)",
          batch);
    });
  }

  std::vector<InspectorRow> list(const InspectorQuery& q) override {
    std::string sql =
        "SELECT id, time, organisation, listener, method, path, status, detail_code, "
        "x_request_id, response_id, record FROM inspector_requests WHERE true";
    Params p;
    auto param = [&](auto value) {
      p.add(value);
      return fmt::format("${}", p.size());
    };
    if (q.organisation) sql += " AND organisation = " + param(*q.organisation);
    if (q.status) sql += " AND status = " + param(*q.status);
    if (!q.path_prefix.empty()) {
      auto n = param(q.path_prefix);
      sql += " AND left(path, length(" + n + ")) = " + n;
    }
    if (!q.detail_code.empty()) sql += " AND detail_code = " + param(q.detail_code);
    if (!q.x_request_id.empty()) sql += " AND x_request_id = " + param(q.x_request_id);
    if (!q.response_id.empty()) sql += " AND response_id = " + param(q.response_id);
    if (q.since) sql += " AND time >= " + param(*q.since);
    if (q.until) sql += " AND time < " + param(*q.until);
    sql += " ORDER BY time DESC, id DESC LIMIT " + param(static_cast<std::int64_t>(q.limit));
    return db_->read_one_statement([&](Connection& c) {
      auto r = c.query(sql, p);
      std::vector<InspectorRow> out;
      for (int i = 0; i < r.rows(); ++i) {
        out.push_back(InspectorRow{r.integer(i, 0), r.time(i, 1), r.text(i, 2), r.text(i, 3),
                                   r.text(i, 4), r.text(i, 5), static_cast<int>(r.integer(i, 6)),
                                   r.text(i, 7), r.text(i, 8), r.text(i, 9), r.text(i, 10)});
      }
      return out;
    });
  }

  std::size_t evict(std::size_t per_organisation, std::size_t total) override {
    return db_->unnoticed_write([&](Connection& c) {
      auto a = c.run(
          "DELETE FROM inspector_requests WHERE id IN (SELECT id FROM (SELECT id, row_number() "
          "OVER (PARTITION BY organisation ORDER BY time DESC, id DESC) AS n FROM "
          "inspector_requests) ranked WHERE n > $1)",
          static_cast<std::int64_t>(per_organisation));
      auto b = c.run(
          "DELETE FROM inspector_requests WHERE id NOT IN (SELECT id FROM inspector_requests "
          "ORDER BY time DESC, id DESC LIMIT $1)",
          static_cast<std::int64_t>(total));
      return static_cast<std::size_t>(a.affected() + b.affected());
    });
  }

  std::size_t count() override {
    return db_->read_one_statement([&](Connection& c) {
      return static_cast<std::size_t>(
          c.run("SELECT count(*) FROM inspector_requests").integer(0, 0));
    });
  }

  void create_link(const InspectorLink& link, TimePoint now) override {
    db_->unnoticed_write([&](Connection& c) {
      c.run("DELETE FROM inspector_links WHERE expires_at <= $1", now);
      c.run(
          "INSERT INTO inspector_links (token_hash, organisation, created_at, expires_at) "
          "VALUES ($1, $2, $3, $4)",
          link.token_hash, link.organisation, link.created_at, link.expires_at);
      c.run(
          "DELETE FROM inspector_links WHERE organisation = $1 AND token_hash NOT IN (SELECT "
          "token_hash FROM inspector_links WHERE organisation = $1 ORDER BY created_at DESC, "
          "token_hash DESC LIMIT $2)",
          link.organisation, static_cast<std::int64_t>(kMaxLinksPerOrganisation));
    });
  }

  std::optional<InspectorLink> find_link(const std::string& token_hash, TimePoint now) override {
    return db_->read_one_statement([&](Connection& c) -> std::optional<InspectorLink> {
      auto r = c.run(
          "SELECT token_hash, organisation, created_at, expires_at FROM inspector_links "
          "WHERE token_hash = $1 AND expires_at > $2",
          token_hash, now);
      if (r.empty()) return std::nullopt;
      return InspectorLink{r.text(0, 0), r.text(0, 1), r.time(0, 2), r.time(0, 3)};
    });
  }

 private:
  std::unique_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<InspectorRepository> make_inspector_repository(const std::string& spec) {
  // A pool of its own (two connections): the inspector's background writes never wait for the
  // bank's connections, nor they for it.
  return std::make_unique<PgInspectorRepository>(
      Database::open(spec, /*create_if_missing=*/false, postgres_migrations(), 2));
}

}  // namespace sandbank::store::pg
