#include <fmt/format.h>

#include "store/codes.hpp"
#include "store/pg/repositories.hpp"

namespace sandbank::store::pg {
namespace {

constexpr std::string_view kColumns =
    "id, client_id, kind, product, request_json, status, status_reason, country, redirect_uri, "
    "psu_ip_address, amount, currency, creditor_iban, creditor_name, creditor_bic, "
    "debtor_iban, debtor_account_id, remittance, end_to_end_id, instant, "
    "requested_execution_date, start_date, end_date, frequency, next_execution_date, "
    "executions, failed_executions, settle_at, created_at, updated_at, request_xml";

PaymentRecord payment_from_row(const Result& r, int row) {
  PaymentRecord p;
  int i = 0;
  p.id = r.text(row, i++);
  p.client_id = r.text(row, i++);
  p.kind = r.text(row, i++);
  p.product = r.text(row, i++);
  p.request_json = r.text(row, i++);
  p.status = r.text(row, i++);
  p.status_reason = r.text(row, i++);
  p.country = r.text(row, i++);
  p.redirect_uri = r.text(row, i++);
  p.psu_ip_address = r.text(row, i++);
  p.amount_minor = r.integer(row, i++);
  p.currency = r.text(row, i++);
  p.creditor_iban = r.text(row, i++);
  p.creditor_name = r.text(row, i++);
  p.creditor_bic = r.text(row, i++);
  p.debtor_iban = r.text(row, i++);
  p.debtor_account_id = r.text(row, i++);
  p.remittance = r.text(row, i++);
  p.end_to_end_id = r.text(row, i++);
  p.instant = r.boolean(row, i++);
  p.requested_execution_date = r.text(row, i++);
  p.start_date = r.text(row, i++);
  p.end_date = r.text(row, i++);
  p.frequency = r.text(row, i++);
  p.next_execution_date = r.text(row, i++);
  p.executions = r.integer(row, i++);
  p.failed_executions = r.integer(row, i++);
  p.settle_at = r.optional_time(row, i++);
  p.created_at = r.time(row, i++);
  p.updated_at = r.time(row, i++);
  p.request_xml = r.text(row, i++);
  return p;
}

std::optional<PaymentRecord> find_in(Connection& c, const std::string& id) {
  static const std::string sql = fmt::format("SELECT {} FROM payments WHERE id = $1", kColumns);
  auto r = c.run(sql, id);
  if (r.empty()) return std::nullopt;
  return payment_from_row(r, 0);
}

void insert_bulk_entry(Connection& c, const BulkEntry& e) {
  c.run(
      "INSERT INTO bulk_payment_entries (payment_id, position, end_to_end_id, amount, currency, "
      "creditor_iban, creditor_name, creditor_bic, remittance, status, status_reason) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      e.payment_id, e.position, e.end_to_end_id, e.amount_minor, e.currency, e.creditor_iban,
      e.creditor_name, e.creditor_bic, e.remittance, e.status, e.status_reason);
}

class PgPaymentRepository final : public PaymentRepository {
 public:
  explicit PgPaymentRepository(Database& db) : db_(db) {}

  PaymentCreation create(const PaymentRecord& p, const std::string& request_id,
                         const std::string& body_hash,
                         const std::vector<BulkEntry>& entries) override {
    return db_.write([&](Connection& c) {
      // The idempotency key first: of two requests with the same key, on two nodes at once,
      // the second waits here for the first to commit and then inserts nothing. Its next
      // statement (READ COMMITTED: a new snapshot) sees the first one's payment.
      auto claimed = c.run(
          "INSERT INTO payment_requests (client_id, request_id, body_hash, payment_id, "
          "created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (client_id, request_id) "
          "DO NOTHING RETURNING 1",
          p.client_id, request_id, body_hash, p.id, p.created_at);
      if (claimed.empty()) {
        auto r = c.run(
            "SELECT payment_id, body_hash FROM payment_requests "
            "WHERE client_id = $1 AND request_id = $2",
            p.client_id, request_id);
        if (r.empty()) {
          throw Error(500, codes::kStorePostgresql,
                      "The payment request vanished while being read");
        }
        auto payment_id = r.text(0, 0);
        auto existing = find_in(c, payment_id);
        if (!existing) {
          throw Error(500, codes::kStoreDamaged,
                      fmt::format("payment_requests names the missing payment {}", payment_id));
        }
        return PaymentCreation{std::move(*existing), false, r.text(0, 1)};
      }
      static const std::string insert = fmt::format(
          "INSERT INTO payments ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
          "$13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, "
          "$30, $31)",
          kColumns);
      Params params;
      params.add(p.id)
          .add(p.client_id)
          .add(p.kind)
          .add(p.product)
          .add(p.request_json)
          .add(p.status)
          .add(p.status_reason)
          .add(p.country)
          .add(p.redirect_uri)
          .add(p.psu_ip_address)
          .add(p.amount_minor)
          .add(p.currency)
          .add(p.creditor_iban)
          .add(p.creditor_name)
          .add(p.creditor_bic)
          .add(p.debtor_iban)
          .add(p.debtor_account_id)
          .add(p.remittance)
          .add(p.end_to_end_id)
          .add(p.instant)
          .add(p.requested_execution_date)
          .add(p.start_date)
          .add(p.end_date)
          .add(p.frequency)
          .add(p.next_execution_date)
          .add(p.executions)
          .add(p.failed_executions)
          .add(p.settle_at)
          .add(p.created_at)
          .add(p.updated_at)
          .add(p.request_xml);
      c.query(insert, params);
      for (const auto& e : entries) insert_bulk_entry(c, e);
      return PaymentCreation{p, true, body_hash};
    });
  }

  std::optional<PaymentRecord> find(const std::string& id) override {
    return db_.read_one_statement([&](Connection& c) { return find_in(c, id); });
  }

  void update(const PaymentRecord& p) override {
    db_.write([&](Connection& c) {
      auto r = c.run(
          "UPDATE payments SET status = $1, status_reason = $2, debtor_iban = $3, "
          "debtor_account_id = $4, next_execution_date = $5, executions = $6, "
          "failed_executions = $7, settle_at = $8, updated_at = $9 WHERE id = $10",
          p.status, p.status_reason, p.debtor_iban, p.debtor_account_id, p.next_execution_date,
          p.executions, p.failed_executions, p.settle_at, p.updated_at, p.id);
      if (r.affected() == 0)
        throw Error(404, codes::kStoreNotFound, fmt::format("No payment {}", p.id));
    });
  }

  std::vector<PaymentRecord> due(TimePoint now, const std::string& today) override {
    static const std::string sql = fmt::format(
        "SELECT {} FROM payments WHERE (status = 'ACCP' AND settle_at IS NOT NULL AND "
        "settle_at <= $1) OR (status = 'ACTV' AND next_execution_date <> '' AND "
        "next_execution_date <= $2) ORDER BY created_at, id",
        kColumns);
    return db_.read_one_statement([&](Connection& c) {
      auto r = c.run(sql, now, today);
      std::vector<PaymentRecord> out;
      for (int i = 0; i < r.rows(); ++i) out.push_back(payment_from_row(r, i));
      return out;
    });
  }

 private:
  Database& db_;
};

class PgBulkEntryRepository final : public BulkEntryRepository {
 public:
  explicit PgBulkEntryRepository(Database& db) : db_(db) {}

  std::vector<BulkEntry> of_payment(const std::string& payment_id) override {
    return db_.read_one_statement([&](Connection& c) {
      auto r = c.run(
          "SELECT payment_id, position, end_to_end_id, amount, currency, creditor_iban, "
          "creditor_name, creditor_bic, remittance, status, status_reason "
          "FROM bulk_payment_entries WHERE payment_id = $1 ORDER BY position",
          payment_id);
      std::vector<BulkEntry> out;
      for (int i = 0; i < r.rows(); ++i) {
        BulkEntry e;
        e.payment_id = r.text(i, 0);
        e.position = r.integer(i, 1);
        e.end_to_end_id = r.text(i, 2);
        e.amount_minor = r.integer(i, 3);
        e.currency = r.text(i, 4);
        e.creditor_iban = r.text(i, 5);
        e.creditor_name = r.text(i, 6);
        e.creditor_bic = r.text(i, 7);
        e.remittance = r.text(i, 8);
        e.status = r.text(i, 9);
        e.status_reason = r.text(i, 10);
        out.push_back(std::move(e));
      }
      return out;
    });
  }

  void update_statuses(const std::vector<BulkEntry>& entries) override {
    db_.write([&](Connection& c) {
      for (const auto& e : entries) {
        c.run(
            "UPDATE bulk_payment_entries SET status = $1, status_reason = $2 "
            "WHERE payment_id = $3 AND position = $4",
            e.status, e.status_reason, e.payment_id, e.position);
      }
    });
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<PaymentRepository> make_payment_repository(Database& db) {
  return std::make_unique<PgPaymentRepository>(db);
}
std::unique_ptr<BulkEntryRepository> make_bulk_entry_repository(Database& db) {
  return std::make_unique<PgBulkEntryRepository>(db);
}

}  // namespace sandbank::store::pg
