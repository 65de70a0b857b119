#include "core/error.hpp"
#include "store/codes.hpp"
#include "store/sqlite_shared.hpp"

namespace sandbank::store {
namespace {

using sqlite::Connection;
using sqlite::Database;

class SqliteSessionRepository final : public AuthorizationSessionRepository {
 public:
  explicit SqliteSessionRepository(Database& db) : db_(db) {}

  bool create(const AuthorizationSession& s, TimePoint now, std::size_t max_live) override {
    return db_.write([&](Connection& c) {
      c.query("DELETE FROM authorization_sessions WHERE expires_at <= ?", now).run();
      auto live = c.query("SELECT count(*) FROM authorization_sessions WHERE kind = ?", s.kind);
      live.step();
      if (static_cast<std::size_t>(live.integer(0)) >= max_live) return false;
      if (c.query("SELECT 1 FROM authorization_sessions WHERE id_hash = ?", s.id_hash).step()) {
        throw Error(409, codes::kStoreConflict, "A session with this id exists");
      }
      c.query(
           "INSERT INTO authorization_sessions (id_hash, kind, csrf_token, data, created_at, "
           "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
           s.id_hash, s.kind, s.csrf_token, s.data, s.created_at, s.expires_at)
          .run();
      return true;
    });
  }

  std::optional<AuthorizationSession> find(const std::string& kind, const std::string& id_hash,
                                           TimePoint now) override {
    return db_.read_one_statement([&](Connection& c) -> std::optional<AuthorizationSession> {
      auto st = c.query(
          "SELECT id_hash, kind, csrf_token, data, created_at, expires_at "
          "FROM authorization_sessions WHERE id_hash = ? AND kind = ? AND expires_at > ?",
          id_hash, kind, now);
      if (!st.step()) return std::nullopt;
      return AuthorizationSession{st.text(0), st.text(1), st.text(2),
                                  st.text(3), st.time(4), st.time(5)};
    });
  }

  bool update(const std::string& id_hash, const std::string& data, TimePoint now) override {
    return db_.write([&](Connection& c) {
      c.query("UPDATE authorization_sessions SET data = ? WHERE id_hash = ? AND expires_at > ?",
              data, id_hash, now)
          .run();
      return c.changes() == 1;
    });
  }

  bool remove(const std::string& id_hash) override {
    return db_.write([&](Connection& c) {
      c.query("DELETE FROM authorization_sessions WHERE id_hash = ?", id_hash).run();
      return c.changes() == 1;
    });
  }

  std::size_t purge_expired(TimePoint now) override {
    return db_.write([&](Connection& c) {
      c.query("DELETE FROM authorization_sessions WHERE expires_at <= ?", now).run();
      return static_cast<std::size_t>(c.changes());
    });
  }

  std::size_t count(const std::string& kind, TimePoint now) override {
    return db_.read_one_statement([&](Connection& c) {
      auto st =
          c.query("SELECT count(*) FROM authorization_sessions WHERE kind = ? AND expires_at > ?",
                  kind, now);
      st.step();
      return static_cast<std::size_t>(st.integer(0));
    });
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<AuthorizationSessionRepository> make_sqlite_session_repository(Database& db) {
  return std::make_unique<SqliteSessionRepository>(db);
}

}  // namespace sandbank::store
