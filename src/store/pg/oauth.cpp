#include <fmt/format.h>

#include <boost/json.hpp>

#include "store/codes.hpp"
#include "store/pg/repositories.hpp"
#include "store/string_list.hpp"

namespace sandbank::store::pg {
namespace {

// pg_advisory_xact_lock key that orders revocation numbers ("SBRV"): a reader of
// revoked_since() never sees a number before the smaller ones are committed.
constexpr std::int64_t kRevocationLock = 0x53425256;

// Rethrows a unique violation as 409 with `message`.
template <typename F>
auto conflict_as(const std::string& message, F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    if (e.code() != "store.conflict") throw;
    throw Error(409, codes::kStoreConflict, message, e.diagnostic());
  }
}

// --- applications

constexpr std::string_view kSelectApplication =
    "SELECT a.client_id, a.contact, a.redirect_uris, a.organization_identifier, a.roles, "
    "a.created_at, a.updated_at, a.redirect_uris_registered, "
    "coalesce((SELECT json_agg(json_build_array(k.use, k.certificate_pem, k.fingerprint, "
    "k.serial) ORDER BY k.position) FROM application_keys k WHERE k.client_id = a.client_id), "
    "'[]') FROM applications a";

std::vector<Application> applications_from(const Result& r) {
  std::vector<Application> apps;
  for (int i = 0; i < r.rows(); ++i) {
    Application app;
    app.client_id = r.text(i, 0);
    app.contact = r.text(i, 1);
    app.redirect_uris = detail::string_list_from_json(r.text(i, 2), "applications.redirect_uris");
    app.organization_identifier = r.text(i, 3);
    app.roles = detail::string_list_from_json(r.text(i, 4), "applications.roles");
    app.created_at = r.time(i, 5);
    app.updated_at = r.time(i, 6);
    app.redirect_uris_registered = r.boolean(i, 7);
    // The keys in the same row (one statement, one round trip), as [[use, pem, fp, serial]].
    boost::system::error_code ec;
    auto keys = boost::json::parse(r.view(i, 8), ec);
    if (ec || !keys.is_array()) {
      throw Error(500, codes::kStoreDamaged, "The stored keys of an application are unreadable",
                  app.client_id);
    }
    for (const auto& key : keys.get_array()) {
      const auto* fields = key.if_array();
      if (fields == nullptr || fields->size() != 4) {
        throw Error(500, codes::kStoreDamaged, "The stored keys of an application are unreadable",
                    app.client_id);
      }
      auto field = [&](std::size_t n) { return std::string((*fields)[n].as_string()); };
      app.keys.push_back(RegisteredKey{field(0), field(1), field(2), field(3)});
    }
    apps.push_back(std::move(app));
  }
  return apps;
}

void insert_keys(Connection& c, const Application& app) {
  int position = 0;
  for (const auto& key : app.keys) {
    c.run(
        "INSERT INTO application_keys (client_id, position, use, fingerprint, serial, "
        "certificate_pem) VALUES ($1, $2, $3, $4, $5, $6)",
        app.client_id, position++, key.use, key.fingerprint_sha256, key.serial_hex,
        key.certificate_pem);
  }
}

class PgApplicationRepository final : public ApplicationRepository {
 public:
  explicit PgApplicationRepository(Database& db) : db_(db) {}

  std::optional<Application> find(const std::string& client_id) override {
    static const std::string sql = fmt::format("{} WHERE a.client_id = $1", kSelectApplication);
    auto apps = db_.read_one_statement(
        [&](Connection& c) { return applications_from(c.run(sql, client_id)); });
    if (apps.empty()) return std::nullopt;
    return std::move(apps.front());
  }

  std::optional<Application> find_by_key_fingerprint(const std::string& use,
                                                     const std::string& fp) override {
    static const std::string sql = fmt::format(
        "{} WHERE a.client_id IN (SELECT client_id FROM application_keys "
        "WHERE fingerprint = $1 AND use = $2) ORDER BY a.created_at, a.client_id LIMIT 1",
        kSelectApplication);
    auto apps = db_.read_one_statement(
        [&](Connection& c) { return applications_from(c.run(sql, fp, use)); });
    if (apps.empty()) return std::nullopt;
    return std::move(apps.front());
  }

  std::vector<Application> list_by_organization(const std::string& org_id) override {
    static const std::string sql =
        fmt::format("{} WHERE a.organization_identifier = $1 ORDER BY a.created_at, a.client_id",
                    kSelectApplication);
    return db_.read_one_statement(
        [&](Connection& c) { return applications_from(c.run(sql, org_id)); });
  }

  void insert(const Application& app) override {
    conflict_as(fmt::format("An application with client_id {} already exists", app.client_id), [&] {
      db_.write([&](Connection& c) {
        c.run(
            "INSERT INTO applications (client_id, contact, redirect_uris, "
            "organization_identifier, roles, created_at, updated_at, "
            "redirect_uris_registered) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            app.client_id, app.contact, detail::string_list_to_json(app.redirect_uris),
            app.organization_identifier, detail::string_list_to_json(app.roles), app.created_at,
            app.updated_at, app.redirect_uris_registered);
        insert_keys(c, app);
      });
    });
  }

  void update(const Application& app) override {
    db_.write([&](Connection& c) {
      auto r = c.run(
          "UPDATE applications SET contact = $1, redirect_uris = $2, organization_identifier = $3, "
          "roles = $4, created_at = $5, updated_at = $6, redirect_uris_registered = $7 "
          "WHERE client_id = $8",
          app.contact, detail::string_list_to_json(app.redirect_uris), app.organization_identifier,
          detail::string_list_to_json(app.roles), app.created_at, app.updated_at,
          app.redirect_uris_registered, app.client_id);
      if (r.affected() == 0) {
        throw Error(404, codes::kStoreNotFound,
                    fmt::format("No application with client_id {}", app.client_id));
      }
      c.run("DELETE FROM application_keys WHERE client_id = $1", app.client_id);
      insert_keys(c, app);
    });
  }

  bool remove(const std::string& client_id) override {
    return db_.write([&](Connection& c) {
      // The keys go with it (ON DELETE CASCADE).
      return c.run("DELETE FROM applications WHERE client_id = $1", client_id).affected() == 1;
    });
  }

 private:
  Database& db_;
};

class PgRevocationRepository final : public RevocationRepository {
 public:
  explicit PgRevocationRepository(Database& db) : db_(db) {}

  void revoke(const RevokedCertificate& cert) override {
    db_.write([&](Connection& c) {
      c.run(
          "INSERT INTO revoked_certificates (fingerprint, serial, subject, revoked_at) "
          "VALUES ($1, $2, $3, $4) ON CONFLICT (fingerprint) DO NOTHING",
          cert.fingerprint_sha256, cert.serial_hex, cert.subject, cert.revoked_at);
    });
  }

  bool is_revoked(const std::string& fingerprint) override {
    return db_.read_one_statement([&](Connection& c) {
      return !c.run("SELECT 1 FROM revoked_certificates WHERE fingerprint = $1", fingerprint)
                  .empty();
    });
  }

  std::vector<RevokedCertificate> list() override {
    return db_.read_one_statement([](Connection& c) {
      auto r = c.run(
          "SELECT fingerprint, serial, subject, revoked_at FROM revoked_certificates "
          "ORDER BY revoked_at, fingerprint");
      std::vector<RevokedCertificate> out;
      for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.time(i, 3)});
      }
      return out;
    });
  }

 private:
  Database& db_;
};

// --- tokens

class PgTokenRepository final : public TokenRepository {
 public:
  explicit PgTokenRepository(Database& db) : db_(db) {}

  void insert(const TokenRecord& t) override {
    conflict_as("A token with this hash exists", [&] {
      db_.write([&](Connection& c) {
        c.run(
            "INSERT INTO oauth_tokens (token_hash, kind, client_id, scope, consent_id, grant_id, "
            "certificate_thumbprint, issued_at, expires_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            t.token_hash, t.kind, t.client_id, t.scope, t.consent_id, t.grant_id,
            t.certificate_thumbprint, t.issued_at, t.expires_at);
        if (t.revoked_at) {
          lock_sequence(c);
          c.run(
              "UPDATE oauth_tokens SET revoked_at = $1, revocation_seq = (SELECT "
              "coalesce(max(revocation_seq), 0) + 1 FROM oauth_tokens) WHERE token_hash = $2",
              *t.revoked_at, t.token_hash);
        }
      });
    });
  }

  std::optional<TokenRecord> find(const std::string& hash) override {
    return db_.read_one_statement([&](Connection& c) -> std::optional<TokenRecord> {
      auto r = c.run(
          "SELECT token_hash, kind, client_id, scope, consent_id, grant_id, "
          "certificate_thumbprint, issued_at, expires_at, revoked_at FROM oauth_tokens "
          "WHERE token_hash = $1",
          hash);
      if (r.empty()) return std::nullopt;
      TokenRecord t;
      t.token_hash = r.text(0, 0);
      t.kind = r.text(0, 1);
      t.client_id = r.text(0, 2);
      t.scope = r.text(0, 3);
      t.consent_id = r.text(0, 4);
      t.grant_id = r.text(0, 5);
      t.certificate_thumbprint = r.text(0, 6);
      t.issued_at = r.time(0, 7);
      t.expires_at = r.time(0, 8);
      t.revoked_at = r.optional_time(0, 9);
      return t;
    });
  }

  bool revoke(const std::string& hash, TimePoint at) override {
    return db_.write([&](Connection& c) {
      lock_sequence(c);
      auto r = c.run(
          "UPDATE oauth_tokens SET revoked_at = $1, revocation_seq = (SELECT "
          "coalesce(max(revocation_seq), 0) + 1 FROM oauth_tokens) "
          "WHERE token_hash = $2 AND revoked_at IS NULL",
          at, hash);
      if (r.affected() > 0) return true;
      return !c.run("SELECT 1 FROM oauth_tokens WHERE token_hash = $1", hash).empty();
    });
  }

  int revoke_grant(const std::string& grant_id, TimePoint at) override {
    if (grant_id.empty()) return 0;
    return db_.write([&](Connection& c) {
      lock_sequence(c);
      return static_cast<int>(c.run("UPDATE oauth_tokens SET revoked_at = $1, revocation_seq = "
                                    "(SELECT coalesce(max(revocation_seq), 0) + 1 FROM "
                                    "oauth_tokens) WHERE grant_id = $2 AND revoked_at IS NULL",
                                    at, grant_id)
                                  .affected());
    });
  }

  Revocations revoked_since(std::int64_t after) override {
    return db_.read_one_statement([&](Connection& c) {
      Revocations out;
      out.sequence = after;
      auto r = c.run(
          "SELECT token_hash, revocation_seq FROM oauth_tokens WHERE revocation_seq > $1 "
          "ORDER BY revocation_seq",
          after);
      for (int i = 0; i < r.rows(); ++i) {
        out.token_hashes.push_back(r.text(i, 0));
        out.sequence = std::max(out.sequence, r.integer(i, 1));
      }
      return out;
    });
  }

 private:
  // Revocation numbers are max + 1 under this lock: taken before the statement that reads the
  // maximum, whose snapshot (READ COMMITTED) then includes every earlier revocation.
  static void lock_sequence(Connection& c) {
    c.run("SELECT pg_advisory_xact_lock($1)", kRevocationLock);
  }

  Database& db_;
};

// --- authorization codes

class PgCodeRepository final : public AuthorizationCodeRepository {
 public:
  explicit PgCodeRepository(Database& db) : db_(db) {}

  void insert(const AuthorizationCode& code) override {
    conflict_as("An authorization code with this hash exists", [&] {
      db_.write([&](Connection& c) {
        c.run(
            "INSERT INTO authorization_codes (code_hash, client_id, consent_id, redirect_uri, "
            "scope, state, created_at, expires_at, grant_id, flow, used_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            code.code_hash, code.client_id, code.consent_id, code.redirect_uri, code.scope,
            code.state, code.created_at, code.expires_at, code.grant_id, code.flow, code.used_at);
      });
    });
  }

  std::optional<AuthorizationCode> find(const std::string& hash) override {
    return db_.read_one_statement([&](Connection& c) -> std::optional<AuthorizationCode> {
      auto r = c.run(
          "SELECT code_hash, client_id, consent_id, redirect_uri, scope, state, created_at, "
          "expires_at, used_at, grant_id, flow FROM authorization_codes WHERE code_hash = $1",
          hash);
      if (r.empty()) return std::nullopt;
      AuthorizationCode code;
      code.code_hash = r.text(0, 0);
      code.client_id = r.text(0, 1);
      code.consent_id = r.text(0, 2);
      code.redirect_uri = r.text(0, 3);
      code.scope = r.text(0, 4);
      code.state = r.text(0, 5);
      code.created_at = r.time(0, 6);
      code.expires_at = r.time(0, 7);
      code.used_at = r.optional_time(0, 8);
      code.grant_id = r.text(0, 9);
      code.flow = r.text(0, 10);
      return code;
    });
  }

  // One conditional UPDATE: of two nodes redeeming the code at once, the second waits for the
  // first's row lock, re-checks used_at IS NULL on the committed row and changes nothing.
  bool mark_used(const std::string& hash, const std::string& grant_id, TimePoint at) override {
    return db_.write([&](Connection& c) {
      return c.run(
                  "UPDATE authorization_codes SET used_at = $1, grant_id = $2 "
                  "WHERE code_hash = $3 AND used_at IS NULL",
                  at, grant_id, hash)
                 .affected() == 1;
    });
  }

 private:
  Database& db_;
};

class PgGrantingReferenceRepository final : public GrantingReferenceRepository {
 public:
  explicit PgGrantingReferenceRepository(Database& db) : db_(db) {}

  void insert(const GrantingReference& r) override {
    conflict_as("A granting reference with this value exists", [&] {
      db_.write([&](Connection& c) {
        c.run(
            "INSERT INTO granting_references (reference, client_id, scope, redirect_uri, "
            "country, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            r.reference, r.client_id, r.scope, r.redirect_uri, r.country, r.created_at,
            r.expires_at, r.used_at);
      });
    });
  }

  std::optional<GrantingReference> find(const std::string& reference) override {
    return db_.read_one_statement([&](Connection& c) -> std::optional<GrantingReference> {
      auto r = c.run(
          "SELECT reference, client_id, scope, redirect_uri, country, created_at, expires_at, "
          "used_at FROM granting_references WHERE reference = $1",
          reference);
      if (r.empty()) return std::nullopt;
      GrantingReference g;
      g.reference = r.text(0, 0);
      g.client_id = r.text(0, 1);
      g.scope = r.text(0, 2);
      g.redirect_uri = r.text(0, 3);
      g.country = r.text(0, 4);
      g.created_at = r.time(0, 5);
      g.expires_at = r.time(0, 6);
      g.used_at = r.optional_time(0, 7);
      return g;
    });
  }

  bool mark_used(const std::string& reference, TimePoint at) override {
    return db_.write([&](Connection& c) {
      return c.run(
                  "UPDATE granting_references SET used_at = $1 WHERE reference = $2 AND "
                  "used_at IS NULL",
                  at, reference)
                 .affected() == 1;
    });
  }

 private:
  Database& db_;
};

// --- consents

class PgConsentRepository final : public ConsentRepository {
 public:
  explicit PgConsentRepository(Database& db) : db_(db) {}

  void insert(const Consent& k) override {
    conflict_as(fmt::format("A consent with id {} exists", k.id), [&] {
      db_.write([&](Connection& c) {
        c.run(
            "INSERT INTO consents (id, client_id, profile_id, country, account_ids, scopes, "
            "redirect_uri, created_at, expires_at, status) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            k.id, k.client_id, k.profile_id, k.country, detail::string_list_to_json(k.account_ids),
            detail::string_list_to_json(k.scopes), k.redirect_uri, k.created_at, k.expires_at,
            k.status);
      });
    });
  }

  std::optional<Consent> find(const std::string& id) override {
    static const std::string sql = fmt::format("{} WHERE id = $1", kSelect);
    return db_.read_one_statement([&](Connection& c) -> std::optional<Consent> {
      auto r = c.run(sql, id);
      if (r.empty()) return std::nullopt;
      return from_row(r, 0);
    });
  }

  void set_status(const std::string& id, const std::string& status) override {
    db_.write([&](Connection& c) {
      if (c.run("UPDATE consents SET status = $1 WHERE id = $2", status, id).affected() == 0) {
        throw Error(404, codes::kStoreNotFound, fmt::format("No consent with id {}", id));
      }
    });
  }

  std::vector<Consent> list_by_client(const std::string& client_id) override {
    static const std::string sql =
        fmt::format("{} WHERE client_id = $1 ORDER BY created_at, id", kSelect);
    return db_.read_one_statement([&](Connection& c) {
      auto r = c.run(sql, client_id);
      std::vector<Consent> out;
      for (int i = 0; i < r.rows(); ++i) out.push_back(from_row(r, i));
      return out;
    });
  }

 private:
  static constexpr std::string_view kSelect =
      "SELECT id, client_id, profile_id, country, account_ids, scopes, redirect_uri, created_at, "
      "expires_at, status FROM consents";

  static Consent from_row(const Result& r, int i) {
    Consent k;
    k.id = r.text(i, 0);
    k.client_id = r.text(i, 1);
    k.profile_id = r.text(i, 2);
    k.country = r.text(i, 3);
    k.account_ids = detail::string_list_from_json(r.text(i, 4), "consents.account_ids");
    k.scopes = detail::string_list_from_json(r.text(i, 5), "consents.scopes");
    k.redirect_uri = r.text(i, 6);
    k.created_at = r.time(i, 7);
    k.expires_at = r.time(i, 8);
    k.status = r.text(i, 9);
    return k;
  }

  Database& db_;
};

}  // namespace

std::unique_ptr<ApplicationRepository> make_application_repository(Database& db) {
  return std::make_unique<PgApplicationRepository>(db);
}
std::unique_ptr<RevocationRepository> make_revocation_repository(Database& db) {
  return std::make_unique<PgRevocationRepository>(db);
}
std::unique_ptr<TokenRepository> make_token_repository(Database& db) {
  return std::make_unique<PgTokenRepository>(db);
}
std::unique_ptr<AuthorizationCodeRepository> make_code_repository(Database& db) {
  return std::make_unique<PgCodeRepository>(db);
}
std::unique_ptr<ConsentRepository> make_consent_repository(Database& db) {
  return std::make_unique<PgConsentRepository>(db);
}
std::unique_ptr<GrantingReferenceRepository> make_granting_reference_repository(Database& db) {
  return std::make_unique<PgGrantingReferenceRepository>(db);
}

}  // namespace sandbank::store::pg
