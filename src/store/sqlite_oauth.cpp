#include "store/sqlite_oauth.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "core/error.hpp"
#include "store/codes.hpp"
#include "store/string_list.hpp"

namespace sandbank::store {
namespace {

using sqlite::Connection;
using sqlite::Database;
using sqlite::Statement;

std::optional<TimePoint> optional_time(const Statement& st, int column) {
  if (st.is_null(column)) return std::nullopt;
  return st.time(column);
}

constexpr std::string_view kSelectToken =
    "SELECT token_hash, kind, client_id, scope, consent_id, grant_id, certificate_thumbprint, "
    "issued_at, expires_at, revoked_at FROM oauth_tokens";

class SqliteTokenRepository final : public TokenRepository {
 public:
  explicit SqliteTokenRepository(Database& db) : db_(db) {}

  void insert(const TokenRecord& t) override {
    db_.write([&](Connection& c) {
      if (c.query("SELECT 1 FROM oauth_tokens WHERE token_hash = ?", t.token_hash).step()) {
        throw Error(409, codes::kStoreConflict, "A token with this hash exists");
      }
      c.query(
           "INSERT INTO oauth_tokens (token_hash, kind, client_id, scope, consent_id, grant_id, "
           "certificate_thumbprint, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
           t.token_hash, t.kind, t.client_id, t.scope, t.consent_id, t.grant_id,
           t.certificate_thumbprint, t.issued_at, t.expires_at)
          .run();
      if (t.revoked_at) {
        c.query("UPDATE oauth_tokens SET revoked_at = ?, revocation_seq = ? WHERE token_hash = ?",
                *t.revoked_at, next_sequence(c), t.token_hash)
            .run();
      }
    });
  }

  std::optional<TokenRecord> find(const std::string& hash) override {
    return db_.read([&](Connection& c) -> std::optional<TokenRecord> {
      static const std::string sql = fmt::format("{} WHERE token_hash = ?", kSelectToken);
      auto st = c.query(sql, hash);
      if (!st.step()) return std::nullopt;
      TokenRecord t;
      t.token_hash = st.text(0);
      t.kind = st.text(1);
      t.client_id = st.text(2);
      t.scope = st.text(3);
      t.consent_id = st.text(4);
      t.grant_id = st.text(5);
      t.certificate_thumbprint = st.text(6);
      t.issued_at = st.time(7);
      t.expires_at = st.time(8);
      t.revoked_at = optional_time(st, 9);
      return t;
    });
  }

  bool revoke(const std::string& hash, TimePoint at) override {
    return db_.write([&](Connection& c) {
      if (!c.query("SELECT 1 FROM oauth_tokens WHERE token_hash = ?", hash).step()) return false;
      c.query(
           "UPDATE oauth_tokens SET revoked_at = ?, revocation_seq = ? "
           "WHERE token_hash = ? AND revoked_at IS NULL",
           at, next_sequence(c), hash)
          .run();
      return true;
    });
  }

  int revoke_grant(const std::string& grant_id, TimePoint at) override {
    if (grant_id.empty()) return 0;
    return db_.write([&](Connection& c) {
      c.query(
           "UPDATE oauth_tokens SET revoked_at = ?, revocation_seq = ? "
           "WHERE grant_id = ? AND revoked_at IS NULL",
           at, next_sequence(c), grant_id)
          .run();
      return static_cast<int>(c.changes());
    });
  }

  Revocations revoked_since(std::int64_t after) override {
    return db_.read([&](Connection& c) {
      Revocations out;
      out.sequence = after;
      auto st = c.query(
          "SELECT token_hash, revocation_seq FROM oauth_tokens WHERE revocation_seq > ? "
          "ORDER BY revocation_seq",
          after);
      while (st.step()) {
        out.token_hashes.push_back(st.text(0));
        out.sequence = std::max(out.sequence, st.integer(1));
      }
      return out;
    });
  }

 private:
  static std::int64_t next_sequence(Connection& c) {
    return c.scalar("SELECT coalesce(max(revocation_seq), 0) + 1 FROM oauth_tokens");
  }

  Database& db_;
};

class SqliteCodeRepository final : public AuthorizationCodeRepository {
 public:
  explicit SqliteCodeRepository(Database& db) : db_(db) {}

  void insert(const AuthorizationCode& code) override {
    db_.write([&](Connection& c) {
      if (c.query("SELECT 1 FROM authorization_codes WHERE code_hash = ?", code.code_hash).step()) {
        throw Error(409, codes::kStoreConflict, "An authorization code with this hash exists");
      }
      c.query(
           "INSERT INTO authorization_codes (code_hash, client_id, consent_id, redirect_uri, "
           "scope, state, created_at, expires_at, grant_id, flow) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           code.code_hash, code.client_id, code.consent_id, code.redirect_uri, code.scope,
           code.state, code.created_at, code.expires_at, code.grant_id, code.flow)
          .run();
      if (code.used_at) {
        c.query("UPDATE authorization_codes SET used_at = ? WHERE code_hash = ?", *code.used_at,
                code.code_hash)
            .run();
      }
    });
  }

  std::optional<AuthorizationCode> find(const std::string& hash) override {
    return db_.read([&](Connection& c) -> std::optional<AuthorizationCode> {
      auto st = c.query(
          "SELECT code_hash, client_id, consent_id, redirect_uri, scope, state, created_at, "
          "expires_at, used_at, grant_id, flow FROM authorization_codes WHERE code_hash = ?",
          hash);
      if (!st.step()) return std::nullopt;
      AuthorizationCode code;
      code.code_hash = st.text(0);
      code.client_id = st.text(1);
      code.consent_id = st.text(2);
      code.redirect_uri = st.text(3);
      code.scope = st.text(4);
      code.state = st.text(5);
      code.created_at = st.time(6);
      code.expires_at = st.time(7);
      code.used_at = optional_time(st, 8);
      code.grant_id = st.text(9);
      code.flow = st.text(10);
      return code;
    });
  }

  bool mark_used(const std::string& hash, const std::string& grant_id, TimePoint at) override {
    return db_.write([&](Connection& c) {
      c.query(
           "UPDATE authorization_codes SET used_at = ?, grant_id = ? "
           "WHERE code_hash = ? AND used_at IS NULL",
           at, grant_id, hash)
          .run();
      return c.changes() == 1;
    });
  }

 private:
  Database& db_;
};

class SqliteGrantingReferenceRepository final : public GrantingReferenceRepository {
 public:
  explicit SqliteGrantingReferenceRepository(Database& db) : db_(db) {}

  void insert(const GrantingReference& r) override {
    db_.write([&](Connection& c) {
      if (c.query("SELECT 1 FROM granting_references WHERE reference = ?", r.reference).step()) {
        throw Error(409, codes::kStoreConflict, "A granting reference with this value exists");
      }
      c.query(
           "INSERT INTO granting_references (reference, client_id, scope, redirect_uri, country, "
           "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
           r.reference, r.client_id, r.scope, r.redirect_uri, r.country, r.created_at, r.expires_at)
          .run();
      if (r.used_at) {
        c.query("UPDATE granting_references SET used_at = ? WHERE reference = ?", *r.used_at,
                r.reference)
            .run();
      }
    });
  }

  std::optional<GrantingReference> find(const std::string& reference) override {
    return db_.read([&](Connection& c) -> std::optional<GrantingReference> {
      auto st = c.query(
          "SELECT reference, client_id, scope, redirect_uri, country, created_at, expires_at, "
          "used_at FROM granting_references WHERE reference = ?",
          reference);
      if (!st.step()) return std::nullopt;
      GrantingReference r;
      r.reference = st.text(0);
      r.client_id = st.text(1);
      r.scope = st.text(2);
      r.redirect_uri = st.text(3);
      r.country = st.text(4);
      r.created_at = st.time(5);
      r.expires_at = st.time(6);
      r.used_at = optional_time(st, 7);
      return r;
    });
  }

  bool mark_used(const std::string& reference, TimePoint at) override {
    return db_.write([&](Connection& c) {
      c.query("UPDATE granting_references SET used_at = ? WHERE reference = ? AND used_at IS NULL",
              at, reference)
          .run();
      return c.changes() == 1;
    });
  }

 private:
  Database& db_;
};

class SqliteConsentRepository final : public ConsentRepository {
 public:
  explicit SqliteConsentRepository(Database& db) : db_(db) {}

  void insert(const Consent& k) override {
    db_.write([&](Connection& c) {
      if (c.query("SELECT 1 FROM consents WHERE id = ?", k.id).step()) {
        throw Error(409, codes::kStoreConflict, fmt::format("A consent with id {} exists", k.id));
      }
      c.query(
           "INSERT INTO consents (id, client_id, profile_id, country, account_ids, scopes, "
           "redirect_uri, created_at, expires_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           k.id, k.client_id, k.profile_id, k.country, detail::string_list_to_json(k.account_ids),
           detail::string_list_to_json(k.scopes), k.redirect_uri, k.created_at, k.expires_at,
           k.status)
          .run();
    });
  }

  std::optional<Consent> find(const std::string& id) override {
    return db_.read([&](Connection& c) -> std::optional<Consent> {
      static const std::string sql = fmt::format("{} WHERE id = ?", kSelect);
      auto st = c.query(sql, id);
      if (!st.step()) return std::nullopt;
      return from_row(st);
    });
  }

  void set_status(const std::string& id, const std::string& status) override {
    db_.write([&](Connection& c) {
      c.query("UPDATE consents SET status = ? WHERE id = ?", status, id).run();
      if (c.changes() == 0) {
        throw Error(404, codes::kStoreNotFound, fmt::format("No consent with id {}", id));
      }
    });
  }

  std::vector<Consent> list_by_client(const std::string& client_id) override {
    return db_.read([&](Connection& c) {
      static const std::string sql =
          fmt::format("{} WHERE client_id = ? ORDER BY created_at, id", kSelect);
      std::vector<Consent> out;
      auto st = c.query(sql, client_id);
      while (st.step()) out.push_back(from_row(st));
      return out;
    });
  }

 private:
  static constexpr std::string_view kSelect =
      "SELECT id, client_id, profile_id, country, account_ids, scopes, redirect_uri, created_at, "
      "expires_at, status FROM consents";

  static Consent from_row(const Statement& st) {
    Consent k;
    k.id = st.text(0);
    k.client_id = st.text(1);
    k.profile_id = st.text(2);
    k.country = st.text(3);
    k.account_ids = detail::string_list_from_json(st.text(4), "consents.account_ids");
    k.scopes = detail::string_list_from_json(st.text(5), "consents.scopes");
    k.redirect_uri = st.text(6);
    k.created_at = st.time(7);
    k.expires_at = st.time(8);
    k.status = st.text(9);
    return k;
  }

  Database& db_;
};

}  // namespace

std::unique_ptr<TokenRepository> make_sqlite_token_repository(Database& db) {
  return std::make_unique<SqliteTokenRepository>(db);
}
std::unique_ptr<AuthorizationCodeRepository> make_sqlite_code_repository(Database& db) {
  return std::make_unique<SqliteCodeRepository>(db);
}
std::unique_ptr<ConsentRepository> make_sqlite_consent_repository(Database& db) {
  return std::make_unique<SqliteConsentRepository>(db);
}
std::unique_ptr<GrantingReferenceRepository> make_sqlite_granting_reference_repository(
    Database& db) {
  return std::make_unique<SqliteGrantingReferenceRepository>(db);
}

}  // namespace sandbank::store
