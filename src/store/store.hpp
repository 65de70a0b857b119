#pragma once

#include <cstddef>
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

// A browser session of the web listener's pages (the consent pages of /authorize and
// /granting, the payment page), kept in the store so that any node can serve the next page.
struct AuthorizationSession {
  std::string id_hash;     // lower-case hex SHA-256 of the cookie's value (never the value)
  std::string kind;        // "authorize" | "payment"
  std::string csrf_token;  // the forms' hidden csrf_token (shown on every page, so in clear)
  std::string data;        // the page's state, JSON
  TimePoint created_at;
  TimePoint expires_at;

  friend bool operator==(const AuthorizationSession&, const AuthorizationSession&) = default;
};

class AuthorizationSessionRepository {
 public:
  virtual ~AuthorizationSessionRepository() = default;

  // In one transaction: removes the sessions expired at `now`, counts the live ones of the
  // session's kind and, when fewer than `max_live`, stores it. False (nothing stored) when
  // `max_live` are alive. Throws Error 409 "store.conflict" when the id_hash exists.
  virtual bool create(const AuthorizationSession& session, TimePoint now, std::size_t max_live) = 0;
  // The session of this kind, unless absent or expired at `now`.
  virtual std::optional<AuthorizationSession> find(const std::string& kind,
                                                   const std::string& id_hash, TimePoint now) = 0;
  // Replaces the data of a session alive at `now`; false when absent or expired.
  virtual bool update(const std::string& id_hash, const std::string& data, TimePoint now) = 0;
  // Ends it: true for the one call that removed it, so a session is used once even when two
  // nodes are asked at the same moment.
  virtual bool remove(const std::string& id_hash) = 0;
  // Removes the sessions expired at `now`; how many.
  virtual std::size_t purge_expired(TimePoint now) = 0;
  // Sessions of this kind alive at `now`.
  virtual std::size_t count(const std::string& kind, TimePoint now) = 0;
};

// A file every node needs the same copy of (the sandbox PKI's PEM files), by name.
struct SandboxFile {
  std::string name;  // "pki/ca.cer", ...
  std::string content;
  TimePoint created_at;

  friend bool operator==(const SandboxFile&, const SandboxFile&) = default;
};

class SandboxFileRepository {
 public:
  virtual ~SandboxFileRepository() = default;

  virtual std::optional<SandboxFile> find(const std::string& name) = 0;
  // The files whose names start with `prefix`, by name.
  virtual std::vector<SandboxFile> list(const std::string& prefix) = 0;
  // Stores every file in one transaction when none of their names is stored yet: true. False
  // (nothing written) when one is, so of two nodes storing a set at once exactly one wins.
  virtual bool insert_all_if_absent(const std::vector<SandboxFile>& files) = 0;
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
  // The web pages' browser sessions (migration 31).
  virtual AuthorizationSessionRepository& sessions() = 0;
  // Files shared by every node: the sandbox PKI (migration 32).
  virtual SandboxFileRepository& files() = 0;
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
