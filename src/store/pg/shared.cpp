#include <fmt/format.h>

#include "store/codes.hpp"
#include "store/pg/repositories.hpp"

// What several nodes share beyond the OAuth and bank records: the web pages' browser sessions
// (migration 31) and the sandbox PKI's files (migration 32).
namespace sandbank::store::pg {
namespace {

// pg_advisory_xact_lock keys: session creation in turn, so the limit of live sessions counts
// those of every node ("SBSE"); the shared files' insert-if-absent in turn ("SBFI").
constexpr std::int64_t kSessionLock = 0x53425345;
constexpr std::int64_t kFileLock = 0x53424649;

class PgSessionRepository final : public AuthorizationSessionRepository {
 public:
  explicit PgSessionRepository(Database& db) : db_(db) {}

  bool create(const AuthorizationSession& s, TimePoint now, std::size_t max_live) override {
    try {
      return db_.write([&](Connection& c) {
        c.run("SELECT pg_advisory_xact_lock($1)", kSessionLock);
        c.run("DELETE FROM authorization_sessions WHERE expires_at <= $1", now);
        auto live = c.run("SELECT count(*) FROM authorization_sessions WHERE kind = $1", s.kind);
        if (static_cast<std::size_t>(live.integer(0, 0)) >= max_live) return false;
        c.run(
            "INSERT INTO authorization_sessions (id_hash, kind, csrf_token, data, created_at, "
            "expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            s.id_hash, s.kind, s.csrf_token, s.data, s.created_at, s.expires_at);
        return true;
      });
    } catch (const Error& e) {
      if (e.code() != "store.conflict") throw;
      throw Error(409, codes::kStoreConflict, "A session with this id exists", e.diagnostic());
    }
  }

  std::optional<AuthorizationSession> find(const std::string& kind, const std::string& id_hash,
                                           TimePoint now) override {
    return db_.read_one_statement([&](Connection& c) -> std::optional<AuthorizationSession> {
      auto r = c.run(
          "SELECT id_hash, kind, csrf_token, data, created_at, expires_at "
          "FROM authorization_sessions WHERE id_hash = $1 AND kind = $2 AND expires_at > $3",
          id_hash, kind, now);
      if (r.empty()) return std::nullopt;
      return AuthorizationSession{r.text(0, 0), r.text(0, 1), r.text(0, 2),
                                  r.text(0, 3), r.time(0, 4), r.time(0, 5)};
    });
  }

  bool update(const std::string& id_hash, const std::string& data, TimePoint now) override {
    return db_.write([&](Connection& c) {
      return c.run(
                  "UPDATE authorization_sessions SET data = $1 WHERE id_hash = $2 AND "
                  "expires_at > $3",
                  data, id_hash, now)
                 .affected() == 1;
    });
  }

  // Of two nodes removing it at once, the second waits for the first's row lock and then
  // deletes nothing.
  bool remove(const std::string& id_hash) override {
    return db_.write([&](Connection& c) {
      return c.run("DELETE FROM authorization_sessions WHERE id_hash = $1", id_hash).affected() ==
             1;
    });
  }

  std::size_t purge_expired(TimePoint now) override {
    return db_.write([&](Connection& c) {
      return static_cast<std::size_t>(
          c.run("DELETE FROM authorization_sessions WHERE expires_at <= $1", now).affected());
    });
  }

  std::size_t count(const std::string& kind, TimePoint now) override {
    return db_.read_one_statement([&](Connection& c) {
      return static_cast<std::size_t>(
          c.run("SELECT count(*) FROM authorization_sessions WHERE kind = $1 AND expires_at > $2",
                kind, now)
              .integer(0, 0));
    });
  }

 private:
  Database& db_;
};

class PgFileRepository final : public SandboxFileRepository {
 public:
  explicit PgFileRepository(Database& db) : db_(db) {}

  std::optional<SandboxFile> find(const std::string& name) override {
    return db_.read_one_statement([&](Connection& c) -> std::optional<SandboxFile> {
      auto r = c.run("SELECT name, content, created_at FROM sandbox_files WHERE name = $1", name);
      if (r.empty()) return std::nullopt;
      return SandboxFile{r.text(0, 0), r.text(0, 1), r.time(0, 2)};
    });
  }

  std::vector<SandboxFile> list(const std::string& prefix) override {
    return db_.read_one_statement([&](Connection& c) {
      // left() rather than LIKE: a prefix may hold % or _.
      auto r = c.run(
          "SELECT name, content, created_at FROM sandbox_files "
          "WHERE left(name, length($1)) = $1 ORDER BY name COLLATE \"C\"",
          prefix);
      std::vector<SandboxFile> out;
      for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1), r.time(i, 2)});
      return out;
    });
  }

  bool insert_all_if_absent(const std::vector<SandboxFile>& files) override {
    return db_.write([&](Connection& c) {
      // In turn: the second of two nodes then sees the first one's files (its next statement
      // has a snapshot taken after the lock).
      c.run("SELECT pg_advisory_xact_lock($1)", kFileLock);
      for (const auto& f : files) {
        if (!c.run("SELECT 1 FROM sandbox_files WHERE name = $1", f.name).empty()) return false;
      }
      for (const auto& f : files) {
        c.run("INSERT INTO sandbox_files (name, content, created_at) VALUES ($1, $2, $3)", f.name,
              f.content, f.created_at);
      }
      return true;
    });
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<AuthorizationSessionRepository> make_session_repository(Database& db) {
  return std::make_unique<PgSessionRepository>(db);
}
std::unique_ptr<SandboxFileRepository> make_file_repository(Database& db) {
  return std::make_unique<PgFileRepository>(db);
}

}  // namespace sandbank::store::pg
