#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/bank_repository.hpp"
#include "store/bulk_records.hpp"
#include "store/oauth_records.hpp"
#include "store/payment_records.hpp"
#include "store/records.hpp"

// Repository interfaces: what the rest of Sandbank knows about persistence. Every
// method may be called from several threads at once. Failures are sandbank::Error:
//  - 409 "store.conflict"  a record with the same identity exists
//  - 404 "store.not_found" the record to change does not exist
//  - 503 "store.busy"      the database stayed locked by another process for 5 s
//  - 503 "store.unavailable" (PostgreSQL) the database server cannot be reached
//  - 500 "store.missing" / "store.damaged" / "store.too_new" / "store.io" / "store.sqlite"
namespace sandbank::store {

class ApplicationRepository {
 public:
  virtual ~ApplicationRepository() = default;

  virtual std::optional<Application> find(const std::string& client_id) = 0;
  // The application that registered a key with this use ("tls"/"sign") and fingerprint.
  // Should several have registered the same key, the one created first.
  virtual std::optional<Application> find_by_key_fingerprint(const std::string& use,
                                                             const std::string& fp) = 0;
  // Oldest first.
  virtual std::vector<Application> list_by_organization(const std::string& org_id) = 0;
  // Throws Error 409 "store.conflict" when the client_id exists.
  virtual void insert(const Application& application) = 0;
  // Replaces every field and the whole key list in one transaction; a key not in
  // `application.keys` is gone afterwards. Throws Error 404 "store.not_found" when missing.
  virtual void update(const Application& application) = 0;
  // Removes the application and its keys; false when there was none. Its tokens and codes
  // stay (they name a client_id that no longer exists, and are refused as such).
  virtual bool remove(const std::string& client_id) = 0;
};

class RevocationRepository {
 public:
  virtual ~RevocationRepository() = default;

  // Idempotent: revoking a revoked certificate again keeps the first record.
  virtual void revoke(const RevokedCertificate& certificate) = 0;
  virtual bool is_revoked(const std::string& fingerprint) = 0;
  // Oldest revocation first.
  virtual std::vector<RevokedCertificate> list() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual ApplicationRepository& applications() = 0;
  virtual RevocationRepository& revocations() = 0;
  virtual TokenRepository& tokens() = 0;
  virtual AuthorizationCodeRepository& codes() = 0;
  virtual ConsentRepository& consents() = 0;
  // References of the pre-migration granting flow (GET /oauth2/authorization-server-url).
  virtual GrantingReferenceRepository& granting_references() = 0;
  // The simulated bank: profiles, accounts, balances, transactions.
  virtual BankRepository& bank() = 0;
  // Payments initiated through PIS and the idempotency keys of their requests.
  virtual PaymentRepository& payments() = 0;
  // The credit transfers of bulk payments.
  virtual BulkEntryRepository& bulk_entries() = 0;
  // Highest applied schema migration.
  virtual int schema_version() = 0;
  // Changes (grows) whenever this process or another one commits a change to the store,
  // so caches can be invalidated cheaply: remember the value, compare it on the next use.
  virtual std::uint64_t change_counter() = 0;
};

// The embedded store: one SQLite file in WAL mode, migrated to the latest schema on open.
// Throws Error 500:
//  - "store.missing"  the file does not exist (or is empty) and create_if_missing is false
//  - "store.damaged"  the file is not a SQLite database, or not a Sandbank one; it is left
//                     untouched, never recreated
//  - "store.too_new"  the schema is newer than this binary knows
std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& db_file,
                                         bool create_if_missing);

// A private in-memory store with the same schema and behaviour, for tests of other layers.
std::unique_ptr<Store> open_memory_store();

// The shared store: a PostgreSQL database named by a libpq connection URL
// (postgresql://user@host:port/db; the password from the URL, PGPASSWORD or ~/.pgpass), migrated
// to the latest schema on open (src/store/pg, docs/deployment.md). Errors as for
// open_sqlite_store(), plus 503 "store.unavailable" when the server cannot be reached (also
// later, while a node has lost its connection; it reconnects by itself). "store.missing": the
// database holds no Sandbank schema and create_if_missing is false.
std::unique_ptr<Store> open_postgres_store(const std::string& url, bool create_if_missing);

// Whether `spec` names a PostgreSQL database (postgresql:// or postgres://).
bool is_postgres_spec(std::string_view spec);
// A PostgreSQL URL opens a PostgreSQL store, anything else is a SQLite file path.
std::unique_ptr<Store> open_store(const std::string& spec, bool create_if_missing);

}  // namespace sandbank::store
