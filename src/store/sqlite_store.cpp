#include <fmt/format.h>

#include <boost/json.hpp>

#include "core/error.hpp"
#include "store/codes.hpp"
#include "store/database.hpp"
#include "store/sqlite_bank.hpp"
#include "store/sqlite_oauth.hpp"
#include "store/sqlite_payments.hpp"
#include "store/sqlite_shared.hpp"
#include "store/store.hpp"
#include "store/string_list.hpp"

namespace sandbank::store {
namespace {

using sqlite::Connection;
using sqlite::Database;

constexpr std::string_view kSelectApplication =
    "SELECT client_id, contact, redirect_uris, organization_identifier, roles, created_at, "
    "updated_at, redirect_uris_registered FROM applications";

Application application_from_row(const sqlite::Statement& row) {
  Application app;
  app.client_id = row.text(0);
  app.contact = row.text(1);
  app.redirect_uris = detail::string_list_from_json(row.text(2), "applications.redirect_uris");
  app.organization_identifier = row.text(3);
  app.roles = detail::string_list_from_json(row.text(4), "applications.roles");
  app.created_at = row.time(5);
  app.updated_at = row.time(6);
  app.redirect_uris_registered = row.integer(7) != 0;
  return app;
}

void load_keys(Connection& c, Application& app) {
  auto st = c.query(
      "SELECT use, certificate_pem, fingerprint, serial FROM application_keys "
      "WHERE client_id = ? ORDER BY position",
      app.client_id);
  while (st.step()) {
    app.keys.push_back(RegisteredKey{st.text(0), st.text(1), st.text(2), st.text(3)});
  }
}

// Applications from a query over `applications` (columns as kSelectApplication), with keys.
std::vector<Application> load_applications(Connection& c, sqlite::Statement& st) {
  std::vector<Application> apps;
  while (st.step()) apps.push_back(application_from_row(st));
  for (auto& app : apps) load_keys(c, app);
  return apps;
}

void insert_keys(Connection& c, const Application& app) {
  int position = 0;
  for (const auto& key : app.keys) {
    c.query(
         "INSERT INTO application_keys "
         "(client_id, position, use, fingerprint, serial, certificate_pem) "
         "VALUES (?, ?, ?, ?, ?, ?)",
         app.client_id, position++, key.use, key.fingerprint_sha256, key.serial_hex,
         key.certificate_pem)
        .run();
  }
}

class SqliteApplicationRepository final : public ApplicationRepository {
 public:
  explicit SqliteApplicationRepository(Database& db) : db_(db) {}

  std::optional<Application> find(const std::string& client_id) override {
    return db_.read([&](Connection& c) -> std::optional<Application> {
      static const std::string sql = fmt::format("{} WHERE client_id = ?", kSelectApplication);
      auto st = c.query(sql, client_id);
      auto apps = load_applications(c, st);
      if (apps.empty()) return std::nullopt;
      return std::move(apps.front());
    });
  }

  std::optional<Application> find_by_key_fingerprint(const std::string& use,
                                                     const std::string& fp) override {
    return db_.read([&](Connection& c) -> std::optional<Application> {
      static const std::string sql = fmt::format(
          "{} WHERE client_id IN (SELECT client_id FROM application_keys "
          "WHERE fingerprint = ? AND use = ?) "
          "ORDER BY created_at, client_id LIMIT 1",
          kSelectApplication);
      auto st = c.query(sql, fp, use);
      auto apps = load_applications(c, st);
      if (apps.empty()) return std::nullopt;
      return std::move(apps.front());
    });
  }

  std::vector<Application> list_by_organization(const std::string& org_id) override {
    return db_.read([&](Connection& c) {
      static const std::string sql =
          fmt::format("{} WHERE organization_identifier = ? ORDER BY created_at, client_id",
                      kSelectApplication);
      auto st = c.query(sql, org_id);
      return load_applications(c, st);
    });
  }

  void insert(const Application& app) override {
    db_.write([&](Connection& c) {
      if (exists(c, app.client_id)) {
        throw Error(409, codes::kStoreConflict,
                    fmt::format("An application with client_id {} already exists", app.client_id));
      }
      c.query(
           "INSERT INTO applications (client_id, contact, redirect_uris, "
           "organization_identifier, roles, created_at, updated_at, redirect_uris_registered) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
           app.client_id, app.contact, detail::string_list_to_json(app.redirect_uris),
           app.organization_identifier, detail::string_list_to_json(app.roles), app.created_at,
           app.updated_at, app.redirect_uris_registered ? 1 : 0)
          .run();
      insert_keys(c, app);
    });
  }

  void update(const Application& app) override {
    db_.write([&](Connection& c) {
      c.query(
           "UPDATE applications SET contact = ?, redirect_uris = ?, organization_identifier = ?, "
           "roles = ?, created_at = ?, updated_at = ?, redirect_uris_registered = ? "
           "WHERE client_id = ?",
           app.contact, detail::string_list_to_json(app.redirect_uris), app.organization_identifier,
           detail::string_list_to_json(app.roles), app.created_at, app.updated_at,
           app.redirect_uris_registered ? 1 : 0, app.client_id)
          .run();
      if (c.changes() == 0) {
        throw Error(404, codes::kStoreNotFound,
                    fmt::format("No application with client_id {}", app.client_id));
      }
      c.query("DELETE FROM application_keys WHERE client_id = ?", app.client_id).run();
      insert_keys(c, app);
    });
  }

  bool remove(const std::string& client_id) override {
    return db_.write([&](Connection& c) {
      c.query("DELETE FROM application_keys WHERE client_id = ?", client_id).run();
      c.query("DELETE FROM applications WHERE client_id = ?", client_id).run();
      return c.changes() == 1;
    });
  }

 private:
  static bool exists(Connection& c, const std::string& client_id) {
    auto st = c.query("SELECT 1 FROM applications WHERE client_id = ?", client_id);
    return st.step();
  }

  Database& db_;
};

class SqliteRevocationRepository final : public RevocationRepository {
 public:
  explicit SqliteRevocationRepository(Database& db) : db_(db) {}

  void revoke(const RevokedCertificate& cert) override {
    db_.write([&](Connection& c) {
      c.query(
           "INSERT INTO revoked_certificates (fingerprint, serial, subject, revoked_at) "
           "VALUES (?, ?, ?, ?) ON CONFLICT (fingerprint) DO NOTHING",
           cert.fingerprint_sha256, cert.serial_hex, cert.subject, cert.revoked_at)
          .run();
    });
  }

  bool is_revoked(const std::string& fingerprint) override {
    return db_.read([&](Connection& c) {
      return c.query("SELECT 1 FROM revoked_certificates WHERE fingerprint = ?", fingerprint)
          .step();
    });
  }

  std::vector<RevokedCertificate> list() override {
    return db_.read([](Connection& c) {
      std::vector<RevokedCertificate> out;
      auto st = c.prepare(
          "SELECT fingerprint, serial, subject, revoked_at FROM revoked_certificates "
          "ORDER BY revoked_at, fingerprint");
      while (st.step()) out.push_back({st.text(0), st.text(1), st.text(2), st.time(3)});
      return out;
    });
  }

 private:
  Database& db_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<Database> db)
      : db_(std::move(db)),
        applications_(*db_),
        revocations_(*db_),
        tokens_(make_sqlite_token_repository(*db_)),
        codes_(make_sqlite_code_repository(*db_)),
        consents_(make_sqlite_consent_repository(*db_)),
        references_(make_sqlite_granting_reference_repository(*db_)),
        bank_(make_sqlite_bank_repository(*db_)),
        payments_(make_sqlite_payment_repository(*db_)),
        bulk_entries_(make_sqlite_bulk_entry_repository(*db_)),
        sessions_(make_sqlite_session_repository(*db_)),
        files_(make_sqlite_file_repository(*db_)) {}

  ApplicationRepository& applications() override { return applications_; }
  RevocationRepository& revocations() override { return revocations_; }
  TokenRepository& tokens() override { return *tokens_; }
  AuthorizationCodeRepository& codes() override { return *codes_; }
  ConsentRepository& consents() override { return *consents_; }
  GrantingReferenceRepository& granting_references() override { return *references_; }
  BankRepository& bank() override { return *bank_; }
  PaymentRepository& payments() override { return *payments_; }
  BulkEntryRepository& bulk_entries() override { return *bulk_entries_; }
  AuthorizationSessionRepository& sessions() override { return *sessions_; }
  SandboxFileRepository& files() override { return *files_; }
  int schema_version() override { return db_->schema_version(); }
  std::uint64_t change_counter() override { return db_->change_counter(); }

 private:
  std::unique_ptr<Database> db_;
  SqliteApplicationRepository applications_;
  SqliteRevocationRepository revocations_;
  std::unique_ptr<TokenRepository> tokens_;
  std::unique_ptr<AuthorizationCodeRepository> codes_;
  std::unique_ptr<ConsentRepository> consents_;
  std::unique_ptr<GrantingReferenceRepository> references_;
  std::unique_ptr<BankRepository> bank_;
  std::unique_ptr<PaymentRepository> payments_;
  std::unique_ptr<BulkEntryRepository> bulk_entries_;
  std::unique_ptr<AuthorizationSessionRepository> sessions_;
  std::unique_ptr<SandboxFileRepository> files_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& db_file,
                                         bool create_if_missing) {
  return std::make_unique<SqliteStore>(Database::open_file(db_file, create_if_missing));
}

std::unique_ptr<Store> open_memory_store() {
  return std::make_unique<SqliteStore>(Database::open_memory());
}

}  // namespace sandbank::store
