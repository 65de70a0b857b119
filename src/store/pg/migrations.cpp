#include <array>

#include "store/pg/database.hpp"

namespace sandbank::store::pg {
namespace {

// The PostgreSQL schema, migration by migration with the versions and names of the SQLite
// list (src/store/migrations.cpp), so that schema_version() means the same on both stores.
// Append only, as there. The records are the same; the types are PostgreSQL's:
//  - timestamps: bigint, microseconds since the Unix epoch (UTC), as exact as the SQLite text
//  - lists of strings: text holding a JSON array, as in SQLite
//  - flags: boolean
// Where SQLite needed a migration for its own storage (11, 13: the clustered page table and
// its packed page column), the PostgreSQL one changes nothing a query sees.
constexpr std::array kMigrations{
    Migration{1, "create_applications", R"sql(
CREATE TABLE applications (
  client_id               text PRIMARY KEY,
  contact                 text NOT NULL,
  redirect_uris           text NOT NULL DEFAULT '[]',
  organization_identifier text NOT NULL,
  roles                   text NOT NULL DEFAULT '[]',
  created_at              bigint NOT NULL,
  updated_at              bigint NOT NULL
);
CREATE INDEX applications_by_organization ON applications (organization_identifier, created_at);
CREATE TABLE application_keys (
  client_id       text NOT NULL REFERENCES applications (client_id) ON DELETE CASCADE,
  position        integer NOT NULL,
  use             text NOT NULL,
  fingerprint     text NOT NULL,
  serial          text NOT NULL,
  certificate_pem text NOT NULL,
  PRIMARY KEY (client_id, position)
);
CREATE INDEX application_keys_by_fingerprint ON application_keys (fingerprint, use);
)sql"},
    Migration{2, "create_revoked_certificates", R"sql(
CREATE TABLE revoked_certificates (
  fingerprint text PRIMARY KEY,
  serial      text NOT NULL,
  subject     text NOT NULL,
  revoked_at  bigint NOT NULL
);
)sql"},
    Migration{3, "create_consents", R"sql(
CREATE TABLE consents (
  id           text PRIMARY KEY,
  client_id    text NOT NULL,
  profile_id   text NOT NULL,
  country      text NOT NULL,
  account_ids  text NOT NULL DEFAULT '[]',
  scopes       text NOT NULL DEFAULT '[]',
  redirect_uri text NOT NULL,
  created_at   bigint NOT NULL,
  expires_at   bigint NOT NULL,
  status       text NOT NULL
);
CREATE INDEX consents_by_client ON consents (client_id, created_at);
)sql"},
    Migration{4, "create_authorization_codes", R"sql(
CREATE TABLE authorization_codes (
  code_hash    text PRIMARY KEY,
  client_id    text NOT NULL,
  consent_id   text NOT NULL,
  redirect_uri text NOT NULL,
  scope        text NOT NULL,
  state        text NOT NULL,
  created_at   bigint NOT NULL,
  expires_at   bigint NOT NULL,
  used_at      bigint,
  grant_id     text NOT NULL DEFAULT ''
);
)sql"},
    Migration{5, "create_oauth_tokens", R"sql(
CREATE TABLE oauth_tokens (
  token_hash             text PRIMARY KEY,
  kind                   text NOT NULL,
  client_id              text NOT NULL,
  scope                  text NOT NULL,
  consent_id             text NOT NULL,
  grant_id               text NOT NULL,
  certificate_thumbprint text NOT NULL,
  issued_at              bigint NOT NULL,
  expires_at             bigint NOT NULL,
  revoked_at             bigint,
  revocation_seq         bigint
);
CREATE INDEX oauth_tokens_by_grant ON oauth_tokens (grant_id) WHERE grant_id <> '';
CREATE INDEX oauth_tokens_by_revocation ON oauth_tokens (revocation_seq)
  WHERE revocation_seq IS NOT NULL;
)sql"},
    // The page order (account_id, execution_time, id) is the primary key, so a page is one
    // backward scan of its index.
    Migration{10, "create_bank", R"sql(
CREATE TABLE bank_profiles (
  id       text PRIMARY KEY,
  name     text NOT NULL,
  country  text NOT NULL,
  scopes   text NOT NULL DEFAULT '[]',
  scenario text NOT NULL DEFAULT '',
  position integer NOT NULL
);
CREATE INDEX bank_profiles_by_country ON bank_profiles (country, position);
CREATE TABLE bank_accounts (
  id           text PRIMARY KEY,
  profile_id   text NOT NULL REFERENCES bank_profiles (id) ON DELETE CASCADE,
  position     integer NOT NULL,
  kind         text NOT NULL,
  iban         text NOT NULL,
  bban         text NOT NULL,
  bic          text NOT NULL,
  masked_pan   text NOT NULL,
  name         text NOT NULL,
  product      text NOT NULL,
  currency     text NOT NULL,
  credit_limit bigint NOT NULL DEFAULT 0
);
CREATE INDEX bank_accounts_by_profile ON bank_accounts (profile_id, position);
CREATE INDEX bank_accounts_by_iban ON bank_accounts (iban, kind);
CREATE TABLE bank_balances (
  account_id     text PRIMARY KEY REFERENCES bank_accounts (id) ON DELETE CASCADE,
  opening_booked bigint NOT NULL,
  booked_sum     bigint NOT NULL,
  pending_sum    bigint NOT NULL,
  last_change    bigint NOT NULL
);
CREATE TABLE bank_transactions (
  id                      bigint NOT NULL,
  account_id              text NOT NULL REFERENCES bank_accounts (id) ON DELETE CASCADE,
  transaction_id          text NOT NULL,
  end_to_end_id           text NOT NULL,
  status                  text NOT NULL,
  execution_time          bigint NOT NULL,
  booking_date            text NOT NULL,
  value_date              text NOT NULL,
  amount                  bigint NOT NULL,
  currency                text NOT NULL,
  creditor_name           text NOT NULL,
  creditor_iban           text NOT NULL,
  creditor_bic            text NOT NULL,
  debtor_name             text NOT NULL,
  debtor_iban             text NOT NULL,
  debtor_bic              text NOT NULL,
  transaction_type        text NOT NULL,
  remittance_unstructured text NOT NULL,
  remittance_structured   text NOT NULL,
  masked_pan              text NOT NULL,
  transaction_details     text NOT NULL,
  PRIMARY KEY (account_id, execution_time, id)
);
CREATE UNIQUE INDEX bank_transactions_by_id ON bank_transactions (id);
CREATE UNIQUE INDEX bank_transactions_by_transaction_id
  ON bank_transactions (account_id, transaction_id);
)sql"},
    Migration{11, "cluster_bank_transactions", R"sql(
ALTER TABLE bank_transactions CLUSTER ON bank_transactions_pkey;
)sql"},
    Migration{12, "bank_transactions_booking_due", R"sql(
ALTER TABLE bank_transactions ADD COLUMN booking_due text NOT NULL DEFAULT '';
CREATE INDEX bank_transactions_due ON bank_transactions (booking_due) WHERE status = 'pending';
)sql"},
    Migration{13, "page_fields_with_key_and_amount", R"sql(
COMMENT ON TABLE bank_transactions IS
  'Pages are read column by column; SQLite''s packed page_fields has no counterpart here';
)sql"},
    Migration{20, "create_payments", R"sql(
CREATE TABLE payments (
  id                       text PRIMARY KEY,
  client_id                text NOT NULL,
  kind                     text NOT NULL,
  product                  text NOT NULL,
  request_json             text NOT NULL,
  status                   text NOT NULL,
  status_reason            text NOT NULL DEFAULT '',
  country                  text NOT NULL,
  redirect_uri             text NOT NULL,
  psu_ip_address           text NOT NULL,
  amount                   bigint NOT NULL,
  currency                 text NOT NULL,
  creditor_iban            text NOT NULL,
  creditor_name            text NOT NULL,
  creditor_bic             text NOT NULL,
  debtor_iban              text NOT NULL,
  debtor_account_id        text NOT NULL,
  remittance               text NOT NULL,
  end_to_end_id            text NOT NULL,
  instant                  boolean NOT NULL,
  requested_execution_date text NOT NULL,
  start_date               text NOT NULL,
  end_date                 text NOT NULL,
  frequency                text NOT NULL,
  next_execution_date      text NOT NULL,
  executions               bigint NOT NULL DEFAULT 0,
  failed_executions        bigint NOT NULL DEFAULT 0,
  settle_at                bigint,
  created_at               bigint NOT NULL,
  updated_at               bigint NOT NULL
);
CREATE INDEX payments_settling ON payments (status, settle_at);
CREATE INDEX payments_periodic_due ON payments (status, next_execution_date);
-- The idempotency key is written first (ON CONFLICT DO NOTHING decides which of two racing
-- requests creates the payment), the payment after it: the reference is checked at commit.
CREATE TABLE payment_requests (
  client_id  text NOT NULL,
  request_id text NOT NULL,
  body_hash  text NOT NULL,
  payment_id text NOT NULL REFERENCES payments (id) DEFERRABLE INITIALLY DEFERRED,
  created_at bigint NOT NULL,
  PRIMARY KEY (client_id, request_id)
);
)sql"},
    Migration{21, "payments_request_xml", R"sql(
ALTER TABLE payments ADD COLUMN request_xml text NOT NULL DEFAULT '';
)sql"},
    Migration{25, "create_bulk_payment_entries", R"sql(
CREATE TABLE bulk_payment_entries (
  payment_id    text NOT NULL,
  position      bigint NOT NULL,
  end_to_end_id text NOT NULL,
  amount        bigint NOT NULL,
  currency      text NOT NULL,
  creditor_iban text NOT NULL,
  creditor_name text NOT NULL,
  creditor_bic  text NOT NULL,
  remittance    text NOT NULL,
  status        text NOT NULL,
  status_reason text NOT NULL,
  PRIMARY KEY (payment_id, position)
);
)sql"},
    Migration{30, "legacy_granting", R"sql(
ALTER TABLE applications ADD COLUMN redirect_uris_registered boolean NOT NULL DEFAULT false;
ALTER TABLE authorization_codes ADD COLUMN flow text NOT NULL DEFAULT 'authorize';
CREATE TABLE granting_references (
  reference    text PRIMARY KEY,
  client_id    text NOT NULL,
  scope        text NOT NULL,
  redirect_uri text NOT NULL,
  country      text NOT NULL,
  created_at   bigint NOT NULL,
  expires_at   bigint NOT NULL,
  used_at      bigint
);
)sql"},
    Migration{31, "authorization_sessions", R"sql(
CREATE TABLE authorization_sessions (
  id_hash    text PRIMARY KEY,
  kind       text NOT NULL,
  csrf_token text NOT NULL,
  data       text NOT NULL DEFAULT '{}',
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX authorization_sessions_by_kind ON authorization_sessions (kind, expires_at);
CREATE INDEX authorization_sessions_by_expiry ON authorization_sessions (expires_at);
)sql"},
    Migration{32, "sandbox_files", R"sql(
CREATE TABLE sandbox_files (
  name       text PRIMARY KEY,
  content    text NOT NULL,
  created_at bigint NOT NULL
);
)sql"},
    // The request inspector (docs/inspector.md); on SQLite these tables live in inspector.db.
    Migration{50, "inspector", R"sql(
CREATE TABLE inspector_requests (
  id           bigserial PRIMARY KEY,
  time         bigint NOT NULL,
  organisation text NOT NULL,
  listener     text NOT NULL,
  method       text NOT NULL,
  path         text NOT NULL,
  status       integer NOT NULL,
  detail_code  text NOT NULL,
  x_request_id text NOT NULL,
  response_id  text NOT NULL,
  record       text NOT NULL
);
CREATE INDEX inspector_requests_by_organisation
  ON inspector_requests (organisation, time DESC, id DESC);
CREATE INDEX inspector_requests_by_time ON inspector_requests (time DESC, id DESC);
CREATE INDEX inspector_requests_by_response_id ON inspector_requests (response_id);
CREATE TABLE inspector_links (
  token_hash   text PRIMARY KEY,
  organisation text NOT NULL,
  created_at   bigint NOT NULL,
  expires_at   bigint NOT NULL
);
)sql"},
};

}  // namespace

std::span<const Migration> postgres_migrations() {
  return kMigrations;
}

}  // namespace sandbank::store::pg
