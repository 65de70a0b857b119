// Long because it is the schema's history: the SQL of every migration, oldest first, as it was
// applied (the steps are never edited), then the runner that applies the missing ones.
#include "store/migrations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

#include "core/error.hpp"
#include "store/codes.hpp"

namespace sandbank::store {
namespace {

// Migration 10 created bank_transactions, 11 to 13 rebuilt it twice and added a column: an
// existing database goes through those steps, a fresh one creates the table as 13 left it, once
// (Migration::fresh_sql). Both then hold the same schema (tests/store/migrations_test.cpp
// compares them).
constexpr char kBankTables[] = R"sql(
CREATE TABLE bank_profiles (
  id       TEXT PRIMARY KEY NOT NULL,
  name     TEXT NOT NULL,
  country  TEXT NOT NULL,
  scopes   TEXT NOT NULL DEFAULT '[]',
  scenario TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL
);
CREATE INDEX bank_profiles_by_country ON bank_profiles (country, position);
CREATE TABLE bank_accounts (
  id           TEXT PRIMARY KEY NOT NULL,
  profile_id   TEXT NOT NULL REFERENCES bank_profiles (id) ON DELETE CASCADE,
  position     INTEGER NOT NULL,
  kind         TEXT NOT NULL,
  iban         TEXT NOT NULL,
  bban         TEXT NOT NULL,
  bic          TEXT NOT NULL,
  masked_pan   TEXT NOT NULL,
  name         TEXT NOT NULL,
  product      TEXT NOT NULL,
  currency     TEXT NOT NULL,
  credit_limit INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX bank_accounts_by_profile ON bank_accounts (profile_id, position);
CREATE INDEX bank_accounts_by_iban ON bank_accounts (iban, kind);
CREATE TABLE bank_balances (
  account_id     TEXT PRIMARY KEY NOT NULL REFERENCES bank_accounts (id) ON DELETE CASCADE,
  opening_booked INTEGER NOT NULL,
  booked_sum     INTEGER NOT NULL,
  pending_sum    INTEGER NOT NULL,
  last_change    TEXT NOT NULL
);
)sql";
constexpr char kTransactionsV10[] = R"sql(CREATE TABLE bank_transactions (
  id                      INTEGER PRIMARY KEY,
  account_id              TEXT NOT NULL REFERENCES bank_accounts (id) ON DELETE CASCADE,
  transaction_id          TEXT NOT NULL,
  end_to_end_id           TEXT NOT NULL,
  status                  TEXT NOT NULL,
  execution_time          TEXT NOT NULL,
  booking_date            TEXT NOT NULL,
  value_date              TEXT NOT NULL,
  amount                  INTEGER NOT NULL,
  currency                TEXT NOT NULL,
  creditor_name           TEXT NOT NULL,
  creditor_iban           TEXT NOT NULL,
  creditor_bic            TEXT NOT NULL,
  debtor_name             TEXT NOT NULL,
  debtor_iban             TEXT NOT NULL,
  debtor_bic              TEXT NOT NULL,
  transaction_type        TEXT NOT NULL,
  remittance_unstructured TEXT NOT NULL,
  remittance_structured   TEXT NOT NULL,
  masked_pan              TEXT NOT NULL,
  transaction_details     TEXT NOT NULL
);
CREATE INDEX bank_transactions_page ON bank_transactions (account_id, execution_time, id);
CREATE UNIQUE INDEX bank_transactions_by_transaction_id
  ON bank_transactions (account_id, transaction_id);
)sql";
// The table as migration 13 made it: its columns, then its indexes.
constexpr char kTransactionsColumns[] = R"sql((
  id                      INTEGER NOT NULL,
  account_id              TEXT NOT NULL REFERENCES bank_accounts (id) ON DELETE CASCADE,
  transaction_id          TEXT NOT NULL,
  end_to_end_id           TEXT NOT NULL,
  status                  TEXT NOT NULL,
  execution_time          TEXT NOT NULL,
  booking_date            TEXT NOT NULL,
  value_date              TEXT NOT NULL,
  amount                  INTEGER NOT NULL,
  currency                TEXT NOT NULL,
  creditor_name           TEXT NOT NULL,
  creditor_iban           TEXT NOT NULL,
  creditor_bic            TEXT NOT NULL,
  debtor_name             TEXT NOT NULL,
  debtor_iban             TEXT NOT NULL,
  debtor_bic              TEXT NOT NULL,
  transaction_type        TEXT NOT NULL,
  remittance_unstructured TEXT NOT NULL,
  remittance_structured   TEXT NOT NULL,
  masked_pan              TEXT NOT NULL,
  transaction_details     TEXT NOT NULL,
  booking_due             TEXT NOT NULL DEFAULT '',
  page_fields             TEXT GENERATED ALWAYS AS (
    length(CAST(id AS BLOB)) || ',' || id ||
    length(CAST(execution_time AS BLOB)) || ',' || execution_time ||
    length(CAST(amount AS BLOB)) || ',' || amount ||
    length(CAST(transaction_id AS BLOB)) || ',' || transaction_id ||
    length(CAST(end_to_end_id AS BLOB)) || ',' || end_to_end_id ||
    length(CAST(status AS BLOB)) || ',' || status ||
    length(CAST(booking_date AS BLOB)) || ',' || booking_date ||
    length(CAST(value_date AS BLOB)) || ',' || value_date ||
    length(CAST(currency AS BLOB)) || ',' || currency ||
    length(CAST(creditor_name AS BLOB)) || ',' || creditor_name ||
    length(CAST(creditor_iban AS BLOB)) || ',' || creditor_iban ||
    length(CAST(creditor_bic AS BLOB)) || ',' || creditor_bic ||
    length(CAST(debtor_name AS BLOB)) || ',' || debtor_name ||
    length(CAST(debtor_iban AS BLOB)) || ',' || debtor_iban ||
    length(CAST(debtor_bic AS BLOB)) || ',' || debtor_bic ||
    length(CAST(transaction_type AS BLOB)) || ',' || transaction_type ||
    length(CAST(remittance_unstructured AS BLOB)) || ',' || remittance_unstructured ||
    length(CAST(remittance_structured AS BLOB)) || ',' || remittance_structured ||
    length(CAST(masked_pan AS BLOB)) || ',' || masked_pan ||
    length(CAST(transaction_details AS BLOB)) || ',' || transaction_details) STORED,
  PRIMARY KEY (account_id, execution_time, id)
) WITHOUT ROWID;
)sql";
constexpr char kTransactionsIndexes[] =
    R"sql(CREATE UNIQUE INDEX bank_transactions_by_id ON bank_transactions (id);
CREATE UNIQUE INDEX bank_transactions_by_transaction_id
  ON bank_transactions (account_id, transaction_id);
CREATE INDEX bank_transactions_due ON bank_transactions (booking_due) WHERE status = 'pending';
)sql";
constexpr char kTransactionsV13Copy[] =
    R"sql(INSERT INTO bank_transactions_v13 (id, account_id, transaction_id, end_to_end_id, status, execution_time, booking_date,
  value_date, amount, currency, creditor_name, creditor_iban, creditor_bic, debtor_name,
  debtor_iban, debtor_bic, transaction_type, remittance_unstructured, remittance_structured,
  masked_pan, transaction_details, booking_due)
SELECT id, account_id, transaction_id, end_to_end_id, status, execution_time, booking_date,
  value_date, amount, currency, creditor_name, creditor_iban, creditor_bic, debtor_name,
  debtor_iban, debtor_bic, transaction_type, remittance_unstructured, remittance_structured,
  masked_pan, transaction_details, booking_due
FROM bank_transactions;
DROP TABLE bank_transactions;
ALTER TABLE bank_transactions_v13 RENAME TO bank_transactions;
)sql";

// The texts of `parts` one after the other, as a constant (with its '\0').
template <std::size_t... N>
constexpr auto join(const char (&... parts)[N]) {
  std::array<char, (N + ...) - sizeof...(N) + 1> out{};
  std::size_t at = 0;
  auto append = [&](const char* part, std::size_t size) {
    for (std::size_t i = 0; i + 1 < size; ++i) out[at++] = part[i];
  };
  (append(parts, N), ...);
  return out;
}
template <std::size_t N>
constexpr std::string_view text(const std::array<char, N>& joined) {
  return {joined.data(), N - 1};
}

constexpr auto kMigration10 = join(kBankTables, kTransactionsV10);
constexpr auto kMigration10Fresh = join(kBankTables, "CREATE TABLE bank_transactions ",
                                        kTransactionsColumns, kTransactionsIndexes);
constexpr auto kMigration13 = join("\nCREATE TABLE bank_transactions_v13 ", kTransactionsColumns,
                                   kTransactionsV13Copy, kTransactionsIndexes);

// Timestamps are TEXT "YYYY-MM-DDTHH:MM:SS.ffffffZ" (see sqlite::format_timestamp); lists of
// strings are JSON arrays in TEXT columns.
constexpr std::array kMigrations{
    Migration{1, "create_applications", R"sql(
CREATE TABLE applications (
  client_id               TEXT PRIMARY KEY NOT NULL,
  contact                 TEXT NOT NULL,
  redirect_uris           TEXT NOT NULL DEFAULT '[]',
  organization_identifier TEXT NOT NULL,
  roles                   TEXT NOT NULL DEFAULT '[]',
  created_at              TEXT NOT NULL,
  updated_at              TEXT NOT NULL
);
CREATE INDEX applications_by_organization ON applications (organization_identifier, created_at);
CREATE TABLE application_keys (
  client_id       TEXT NOT NULL REFERENCES applications (client_id) ON DELETE CASCADE,
  position        INTEGER NOT NULL,
  use             TEXT NOT NULL,
  fingerprint     TEXT NOT NULL,
  serial          TEXT NOT NULL,
  certificate_pem TEXT NOT NULL,
  PRIMARY KEY (client_id, position)
);
CREATE INDEX application_keys_by_fingerprint ON application_keys (fingerprint, use);
)sql"},
    Migration{2, "create_revoked_certificates", R"sql(
CREATE TABLE revoked_certificates (
  fingerprint TEXT PRIMARY KEY NOT NULL,
  serial      TEXT NOT NULL,
  subject     TEXT NOT NULL,
  revoked_at  TEXT NOT NULL
);
)sql"},
    Migration{3, "create_consents", R"sql(
CREATE TABLE consents (
  id           TEXT PRIMARY KEY NOT NULL,
  client_id    TEXT NOT NULL,
  profile_id   TEXT NOT NULL,
  country      TEXT NOT NULL,
  account_ids  TEXT NOT NULL DEFAULT '[]',
  scopes       TEXT NOT NULL DEFAULT '[]',
  redirect_uri TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  status       TEXT NOT NULL
);
CREATE INDEX consents_by_client ON consents (client_id, created_at);
)sql"},
    Migration{4, "create_authorization_codes", R"sql(
CREATE TABLE authorization_codes (
  code_hash    TEXT PRIMARY KEY NOT NULL,
  client_id    TEXT NOT NULL,
  consent_id   TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  scope        TEXT NOT NULL,
  state        TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  used_at      TEXT,
  grant_id     TEXT NOT NULL DEFAULT ''
);
)sql"},
    Migration{5, "create_oauth_tokens", R"sql(
CREATE TABLE oauth_tokens (
  token_hash             TEXT PRIMARY KEY NOT NULL,
  kind                   TEXT NOT NULL,
  client_id              TEXT NOT NULL,
  scope                  TEXT NOT NULL,
  consent_id             TEXT NOT NULL,
  grant_id               TEXT NOT NULL,
  certificate_thumbprint TEXT NOT NULL,
  issued_at              TEXT NOT NULL,
  expires_at             TEXT NOT NULL,
  revoked_at             TEXT,
  revocation_seq         INTEGER
);
CREATE INDEX oauth_tokens_by_grant ON oauth_tokens (grant_id) WHERE grant_id <> '';
CREATE INDEX oauth_tokens_by_revocation ON oauth_tokens (revocation_seq)
  WHERE revocation_seq IS NOT NULL;
)sql"},
    // Append new migrations here (version 3, ...). Never edit the ones above.
    // The simulated bank (src/bank) owns versions 10..19.
    Migration{10, "create_bank", text(kMigration10), text(kMigration10Fresh)},
    // The transactions clustered by the page order: a page of an account is one range scan
    // of the primary key (account_id, execution_time, id) instead of an index walk plus a
    // table lookup per row. Ids keep their values; the store assigns new ones (max + 1).
    // page_fields repeats the texts a page shows in one value, "<byte length>,<bytes>" per
    // field, so that reading a page row costs a few column reads instead of twenty; SQLite
    // keeps it up to date on every insert and update.
    Migration{11, "cluster_bank_transactions", R"sql(
CREATE TABLE bank_transactions_clustered (
  id                      INTEGER NOT NULL,
  account_id              TEXT NOT NULL REFERENCES bank_accounts (id) ON DELETE CASCADE,
  transaction_id          TEXT NOT NULL,
  end_to_end_id           TEXT NOT NULL,
  status                  TEXT NOT NULL,
  execution_time          TEXT NOT NULL,
  booking_date            TEXT NOT NULL,
  value_date              TEXT NOT NULL,
  amount                  INTEGER NOT NULL,
  currency                TEXT NOT NULL,
  creditor_name           TEXT NOT NULL,
  creditor_iban           TEXT NOT NULL,
  creditor_bic            TEXT NOT NULL,
  debtor_name             TEXT NOT NULL,
  debtor_iban             TEXT NOT NULL,
  debtor_bic              TEXT NOT NULL,
  transaction_type        TEXT NOT NULL,
  remittance_unstructured TEXT NOT NULL,
  remittance_structured   TEXT NOT NULL,
  masked_pan              TEXT NOT NULL,
  transaction_details     TEXT NOT NULL,
  page_fields             TEXT GENERATED ALWAYS AS (
    length(CAST(transaction_id AS BLOB)) || ',' || transaction_id ||
    length(CAST(end_to_end_id AS BLOB)) || ',' || end_to_end_id ||
    length(CAST(status AS BLOB)) || ',' || status ||
    length(CAST(booking_date AS BLOB)) || ',' || booking_date ||
    length(CAST(value_date AS BLOB)) || ',' || value_date ||
    length(CAST(currency AS BLOB)) || ',' || currency ||
    length(CAST(creditor_name AS BLOB)) || ',' || creditor_name ||
    length(CAST(creditor_iban AS BLOB)) || ',' || creditor_iban ||
    length(CAST(creditor_bic AS BLOB)) || ',' || creditor_bic ||
    length(CAST(debtor_name AS BLOB)) || ',' || debtor_name ||
    length(CAST(debtor_iban AS BLOB)) || ',' || debtor_iban ||
    length(CAST(debtor_bic AS BLOB)) || ',' || debtor_bic ||
    length(CAST(transaction_type AS BLOB)) || ',' || transaction_type ||
    length(CAST(remittance_unstructured AS BLOB)) || ',' || remittance_unstructured ||
    length(CAST(remittance_structured AS BLOB)) || ',' || remittance_structured ||
    length(CAST(masked_pan AS BLOB)) || ',' || masked_pan ||
    length(CAST(transaction_details AS BLOB)) || ',' || transaction_details) STORED,
  PRIMARY KEY (account_id, execution_time, id)
) WITHOUT ROWID;
INSERT INTO bank_transactions_clustered (id, account_id, transaction_id, end_to_end_id, status,
  execution_time, booking_date, value_date, amount, currency, creditor_name, creditor_iban,
  creditor_bic, debtor_name, debtor_iban, debtor_bic, transaction_type, remittance_unstructured,
  remittance_structured, masked_pan, transaction_details)
SELECT id, account_id, transaction_id, end_to_end_id, status, execution_time, booking_date,
  value_date, amount, currency, creditor_name, creditor_iban, creditor_bic, debtor_name,
  debtor_iban, debtor_bic, transaction_type, remittance_unstructured, remittance_structured,
  masked_pan, transaction_details
FROM bank_transactions;
DROP TABLE bank_transactions;
ALTER TABLE bank_transactions_clustered RENAME TO bank_transactions;
CREATE UNIQUE INDEX bank_transactions_by_id ON bank_transactions (id);
CREATE UNIQUE INDEX bank_transactions_by_transaction_id
  ON bank_transactions (account_id, transaction_id);
)sql",
              ""},
    // booking_due: the day a pending transaction of a generated history books by itself
    // ("YYYY-MM-DD"; "" for one that waits for something else, as a payment's pending debit
    // waits for its settlement). bank_transactions_due finds the earliest one, and those due,
    // with one seek. The column is not part of page_fields: pages do not show it. Histories
    // generated before knew their booking days but did not store them: their pending
    // transactions (the 24-digit transactionIds of generated ones; payments' are UUIDs) get
    // the earliest day the generator books such a transaction on, the first business day on or
    // after their execution day, or after it for card payments (those with
    // transaction_details).
    Migration{12, "bank_transactions_booking_due", R"sql(
ALTER TABLE bank_transactions ADD COLUMN booking_due TEXT NOT NULL DEFAULT '';
UPDATE bank_transactions SET booking_due = (
  SELECT CASE strftime('%w', day) WHEN '6' THEN date(day, '+2 days')
                                  WHEN '0' THEN date(day, '+1 day')
                                  ELSE day END
  FROM (SELECT date(substr(execution_time, 1, 10),
                    CASE WHEN transaction_details <> '' THEN '+1 day' ELSE '+0 days' END) AS day))
WHERE status = 'pending' AND length(transaction_id) = 24
  AND transaction_id NOT GLOB '*[^0-9]*';
CREATE INDEX bank_transactions_due ON bank_transactions (booking_due) WHERE status = 'pending';
)sql",
              ""},
    // page_fields carries the row's id, execution_time and amount as well (as text, framed
    // like the others), so that a page reads one column per row instead of four: about 6 µs
    // less per page of 100 (docs/performance.md). SQLite cannot change a generated column in
    // place: the table is rebuilt as migration 11 built it, with the same rows and indexes.
    Migration{13, "page_fields_with_key_and_amount", text(kMigration13), ""},
    // Payments (src/bank/payments) own versions 20..29.
    Migration{20, "create_payments", R"sql(
CREATE TABLE payments (
  id                       TEXT PRIMARY KEY NOT NULL,
  client_id                TEXT NOT NULL,
  kind                     TEXT NOT NULL,
  product                  TEXT NOT NULL,
  request_json             TEXT NOT NULL,
  status                   TEXT NOT NULL,
  status_reason            TEXT NOT NULL DEFAULT '',
  country                  TEXT NOT NULL,
  redirect_uri             TEXT NOT NULL,
  psu_ip_address           TEXT NOT NULL,
  amount                   INTEGER NOT NULL,
  currency                 TEXT NOT NULL,
  creditor_iban            TEXT NOT NULL,
  creditor_name            TEXT NOT NULL,
  creditor_bic             TEXT NOT NULL,
  debtor_iban              TEXT NOT NULL,
  debtor_account_id        TEXT NOT NULL,
  remittance               TEXT NOT NULL,
  end_to_end_id            TEXT NOT NULL,
  instant                  INTEGER NOT NULL,
  requested_execution_date TEXT NOT NULL,
  start_date               TEXT NOT NULL,
  end_date                 TEXT NOT NULL,
  frequency                TEXT NOT NULL,
  next_execution_date      TEXT NOT NULL,
  executions               INTEGER NOT NULL DEFAULT 0,
  failed_executions        INTEGER NOT NULL DEFAULT 0,
  settle_at                TEXT,
  created_at               TEXT NOT NULL,
  updated_at               TEXT NOT NULL
);
CREATE INDEX payments_settling ON payments (status, settle_at);
CREATE INDEX payments_periodic_due ON payments (status, next_execution_date);
CREATE TABLE payment_requests (
  client_id  TEXT NOT NULL,
  request_id TEXT NOT NULL,
  body_hash  TEXT NOT NULL,
  payment_id TEXT NOT NULL REFERENCES payments (id),
  created_at TEXT NOT NULL,
  PRIMARY KEY (client_id, request_id)
);
)sql"},
    // pain.001 payments (POST /v1/payments/pain.001-{product}, docs/api.md "pain.001"): the
    // document as submitted, which GET answers byte for byte; '' for a JSON payment.
    Migration{21, "payments_request_xml", R"sql(
ALTER TABLE payments ADD COLUMN request_xml TEXT NOT NULL DEFAULT '';
)sql"},
    // 25: the credit transfers of bulk payments (the batch is a payments row of kind 'bulk').
    Migration{25, "create_bulk_payment_entries", R"sql(
CREATE TABLE bulk_payment_entries (
  payment_id    TEXT NOT NULL,
  position      INTEGER NOT NULL,
  end_to_end_id TEXT NOT NULL,
  amount        INTEGER NOT NULL,
  currency      TEXT NOT NULL,
  creditor_iban TEXT NOT NULL,
  creditor_name TEXT NOT NULL,
  creditor_bic  TEXT NOT NULL,
  remittance    TEXT NOT NULL,
  status        TEXT NOT NULL,
  status_reason TEXT NOT NULL,
  PRIMARY KEY (payment_id, position)
);
)sql"},
    // The second wave of the OAuth layer owns 30..39 (versions must grow in this list, and an
    // older binary must see a newer store as too new, not as damaged).
    // 30: ING's pre-migration granting flow (GET /oauth2/authorization-server-url, the granting
    // pages and the consent app's grantssupport API) and the migration guide's rule between the
    // two flows: which applications registered redirect URIs themselves, which codes came from
    // the legacy flow, and the references the legacy flow hands out.
    Migration{30, "legacy_granting", R"sql(
ALTER TABLE applications ADD COLUMN redirect_uris_registered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE authorization_codes ADD COLUMN flow TEXT NOT NULL DEFAULT 'authorize';
CREATE TABLE granting_references (
  reference    TEXT PRIMARY KEY NOT NULL,
  client_id    TEXT NOT NULL,
  scope        TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  country      TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  used_at      TEXT
);
)sql"},
    // 31: the browser sessions of the consent pages and of the payment page, shared by every
    // node on the store (a customer's next page may land on another node). The cookie's value
    // is kept only as its SHA-256.
    Migration{31, "authorization_sessions", R"sql(
CREATE TABLE authorization_sessions (
  id_hash    TEXT PRIMARY KEY NOT NULL,
  kind       TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  data       TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX authorization_sessions_by_kind ON authorization_sessions (kind, expires_at);
CREATE INDEX authorization_sessions_by_expiry ON authorization_sessions (expires_at);
)sql"},
    // 32: files every node uses the same copy of: the sandbox PKI, created by the first node.
    Migration{32, "sandbox_files", R"sql(
CREATE TABLE sandbox_files (
  name       TEXT PRIMARY KEY NOT NULL,
  content    TEXT NOT NULL,
  created_at TEXT NOT NULL
);
)sql"},
    // The request inspector: PostgreSQL creates its tables here; SQLite keeps them in a file
    // of their own, inspector.db, never synced (src/store/inspector_store.cpp), so this
    // version only keeps schema_version() the same on both stores.
    Migration{50, "inspector", R"sql(
-- inspector_requests and inspector_links live in inspector.db
)sql"},
};

constexpr std::string_view kCreateSchemaMigrations = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at TEXT NOT NULL
);
)sql";

void check_order(std::span<const Migration> migrations) {
  int previous = 0;
  for (const auto& m : migrations) {
    if (m.version <= previous) {
      throw Error(500, codes::kStoreBadMigrations,
                  fmt::format("Migration {} is out of order; versions must grow", m.version));
    }
    previous = m.version;
  }
}

const Migration* find_migration(std::span<const Migration> migrations, int version) {
  for (const auto& m : migrations) {
    if (m.version == version) return &m;
  }
  return nullptr;
}

// The applied migrations (version → name), after checking them against `migrations`.
std::map<int, std::string> inspect(sqlite::Connection& connection,
                                   std::span<const Migration> migrations,
                                   const std::string& label) {
  check_order(migrations);
  sqlite::Transaction read(connection, sqlite::TransactionMode::Read);
  std::int64_t has_table = 0;
  try {
    has_table = connection.scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  } catch (const Error& e) {
    if (e.code() != "store.damaged") throw;
    throw Error(500, codes::kStoreDamaged,
                fmt::format("The file {} is not a SQLite database or is damaged; it was left "
                            "as it is",
                            label),
                e.diagnostic());
  }
  if (has_table == 0) {
    auto others =
        connection.scalar("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite%'");
    if (others > 0) {
      throw Error(500, codes::kStoreDamaged,
                  fmt::format("The database {} has tables but no schema_migrations, so it is not "
                              "a Sandbank store; it was left as it is",
                              label));
    }
    read.commit();
    return {};
  }

  std::map<int, std::string> applied;
  {
    auto st = connection.prepare("SELECT version, name FROM schema_migrations ORDER BY version");
    while (st.step()) applied.emplace(static_cast<int>(st.integer(0)), st.text(1));
  }
  read.commit();
  if (applied.empty()) return applied;

  const int known = migrations.empty() ? 0 : migrations.back().version;
  const int newest = applied.rbegin()->first;
  if (newest > known) {
    throw Error(500, codes::kStoreTooNew,
                fmt::format("The database {} has schema version {} but this Sandbank knows "
                            "versions up to {}; use a newer Sandbank binary",
                            label, newest, known),
                fmt::format("newest applied migration: {} {}", newest, applied.rbegin()->second));
  }
  for (const auto& [version, name] : applied) {
    const Migration* m = find_migration(migrations, version);
    // Each layer owns a range of versions, so a newer binary can add one below this binary's
    // newest (21 after 30): that store is newer, not damaged.
    if (m == nullptr) {
      throw Error(500, codes::kStoreTooNew,
                  fmt::format("The database {} has schema migration {} which this Sandbank does "
                              "not know; use a newer Sandbank binary",
                              label, version),
                  fmt::format("unknown applied migration: {} {}", version, name));
    }
    if (m->name != name) {
      throw Error(500, codes::kStoreDamaged,
                  fmt::format("The database {} records schema migration {} which this Sandbank "
                              "does not know by that name",
                              label, version),
                  fmt::format("recorded name: {}; expected: {}", name, m->name));
    }
  }
  return applied;
}

}  // namespace

std::span<const Migration> sqlite_migrations() {
  return kMigrations;
}

int latest_sqlite_schema_version() {
  return kMigrations.back().version;
}

int check_schema(sqlite::Connection& connection, std::span<const Migration> migrations,
                 const std::string& label) {
  auto applied = inspect(connection, migrations, label);
  return applied.empty() ? 0 : applied.rbegin()->first;
}

int migrate(sqlite::Connection& connection, std::span<const Migration> migrations,
            const std::string& label) {
  auto applied = inspect(connection, migrations, label);
  int version = applied.empty() ? 0 : applied.rbegin()->first;
  // A database without any migration takes the fresh_sql of those that have one.
  const bool fresh = applied.empty();
  for (const auto& m : migrations) {
    if (applied.count(m.version) > 0) continue;
    sqlite::Transaction write(connection, sqlite::TransactionMode::Write);
    connection.exec(kCreateSchemaMigrations);
    // Another process may have applied it between the check and our write lock.
    bool already = false;
    {
      auto done =
          connection.query("SELECT count(*) FROM schema_migrations WHERE version = ?", m.version);
      done.step();
      already = done.integer(0) > 0;
    }
    if (!already) {
      try {
        const auto sql = fresh && m.fresh_sql ? *m.fresh_sql : m.sql;
        if (!sql.empty()) connection.exec(sql);
      } catch (const Error& e) {
        throw Error(500, codes::kStoreMigrationFailed,
                    fmt::format("Schema migration {} {} failed on {}; nothing of it was applied",
                                m.version, m.name, label),
                    e.diagnostic());
      }
      connection
          .query(
              "INSERT INTO schema_migrations (version, name, applied_at) "
              "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z')",
              m.version, m.name)
          .run();
    }
    write.commit();
    version = std::max(version, m.version);
  }
  return version;
}

}  // namespace sandbank::store
