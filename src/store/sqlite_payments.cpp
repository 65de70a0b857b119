#include "store/sqlite_payments.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "store/codes.hpp"

namespace sandbank::store {
namespace {

using sqlite::Connection;
using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kColumns =
    "id, client_id, kind, product, request_json, status, status_reason, country, redirect_uri, "
    "psu_ip_address, amount, currency, creditor_iban, creditor_name, creditor_bic, "
    "debtor_iban, debtor_account_id, remittance, end_to_end_id, instant, "
    "requested_execution_date, start_date, end_date, frequency, next_execution_date, "
    "executions, failed_executions, settle_at, created_at, updated_at, request_xml";

PaymentRecord payment_from_row(const Statement& st) {
  PaymentRecord p;
  int i = 0;
  p.id = st.text(i++);
  p.client_id = st.text(i++);
  p.kind = st.text(i++);
  p.product = st.text(i++);
  p.request_json = st.text(i++);
  p.status = st.text(i++);
  p.status_reason = st.text(i++);
  p.country = st.text(i++);
  p.redirect_uri = st.text(i++);
  p.psu_ip_address = st.text(i++);
  p.amount_minor = st.integer(i++);
  p.currency = st.text(i++);
  p.creditor_iban = st.text(i++);
  p.creditor_name = st.text(i++);
  p.creditor_bic = st.text(i++);
  p.debtor_iban = st.text(i++);
  p.debtor_account_id = st.text(i++);
  p.remittance = st.text(i++);
  p.end_to_end_id = st.text(i++);
  p.instant = st.integer(i++) != 0;
  p.requested_execution_date = st.text(i++);
  p.start_date = st.text(i++);
  p.end_date = st.text(i++);
  p.frequency = st.text(i++);
  p.next_execution_date = st.text(i++);
  p.executions = st.integer(i++);
  p.failed_executions = st.integer(i++);
  if (!st.is_null(i)) p.settle_at = st.time(i);
  ++i;
  p.created_at = st.time(i++);
  p.updated_at = st.time(i++);
  p.request_xml = st.text(i++);
  return p;
}

void bind_settle_at(Statement& st, int index, const std::optional<TimePoint>& settle_at) {
  if (settle_at) {
    st.bind(index, *settle_at);
  } else {
    st.bind(index, nullptr);
  }
}

std::optional<PaymentRecord> find_in(Connection& c, const std::string& id) {
  static const std::string sql = fmt::format("SELECT {} FROM payments WHERE id = ?", kColumns);
  auto st = c.query(sql, id);
  if (!st.step()) return std::nullopt;
  return payment_from_row(st);
}

class SqlitePaymentRepository final : public PaymentRepository {
 public:
  explicit SqlitePaymentRepository(Database& db) : db_(db) {}

  PaymentCreation create(const PaymentRecord& p, const std::string& request_id,
                         const std::string& body_hash,
                         const std::vector<BulkEntry>& entries) override {
    return db_.write([&](Connection& c) {
      {
        auto st = c.query(
            "SELECT payment_id, body_hash FROM payment_requests "
            "WHERE client_id = ? AND request_id = ?",
            p.client_id, request_id);
        if (st.step()) {
          auto payment_id = st.text(0);
          auto hash = st.text(1);
          auto existing = find_in(c, payment_id);
          if (!existing) {
            throw Error(500, codes::kStoreDamaged,
                        fmt::format("payment_requests names the missing payment {}", payment_id));
          }
          return PaymentCreation{std::move(*existing), false, std::move(hash)};
        }
      }
      static const std::string insert = fmt::format(
          "INSERT INTO payments ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          kColumns);
      auto st = c.query(insert, p.id, p.client_id, p.kind, p.product, p.request_json, p.status,
                        p.status_reason, p.country, p.redirect_uri, p.psu_ip_address,
                        p.amount_minor, p.currency, p.creditor_iban, p.creditor_name,
                        p.creditor_bic, p.debtor_iban, p.debtor_account_id, p.remittance,
                        p.end_to_end_id, static_cast<std::int64_t>(p.instant ? 1 : 0),
                        p.requested_execution_date, p.start_date, p.end_date, p.frequency,
                        p.next_execution_date, p.executions, p.failed_executions);
      bind_settle_at(st, 28, p.settle_at);
      st.bind(29, p.created_at);
      st.bind(30, p.updated_at);
      st.bind(31, std::string_view(p.request_xml));
      st.run();
      c.query(
           "INSERT INTO payment_requests (client_id, request_id, body_hash, payment_id, "
           "created_at) VALUES (?, ?, ?, ?, ?)",
           p.client_id, request_id, body_hash, p.id, p.created_at)
          .run();
      for (const auto& e : entries) insert_bulk_entry(c, e);
      return PaymentCreation{p, true, body_hash};
    });
  }

  std::optional<PaymentRecord> find(const std::string& id) override {
    return db_.read([&](Connection& c) { return find_in(c, id); });
  }

  void update(const PaymentRecord& p) override {
    db_.write([&](Connection& c) {
      auto st = c.query(
          "UPDATE payments SET status = ?, status_reason = ?, debtor_iban = ?, "
          "debtor_account_id = ?, next_execution_date = ?, executions = ?, "
          "failed_executions = ?, settle_at = ?, updated_at = ? WHERE id = ?",
          p.status, p.status_reason, p.debtor_iban, p.debtor_account_id, p.next_execution_date,
          p.executions, p.failed_executions);
      bind_settle_at(st, 8, p.settle_at);
      st.bind(9, p.updated_at);
      st.bind(10, std::string_view(p.id));
      st.run();
      if (c.changes() == 0) {
        throw Error(404, codes::kStoreNotFound, fmt::format("No payment {}", p.id));
      }
    });
  }

  std::vector<PaymentRecord> due(TimePoint now, const std::string& today) override {
    return db_.read([&](Connection& c) {
      static const std::string sql = fmt::format(
          "SELECT {} FROM payments WHERE (status = 'ACCP' AND settle_at IS NOT NULL AND "
          "settle_at <= ?) OR (status = 'ACTV' AND next_execution_date <> '' AND "
          "next_execution_date <= ?) ORDER BY created_at, id",
          kColumns);
      auto st = c.query(sql, now, today);
      std::vector<PaymentRecord> out;
      while (st.step()) out.push_back(payment_from_row(st));
      return out;
    });
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<PaymentRepository> make_sqlite_payment_repository(Database& db) {
  return std::make_unique<SqlitePaymentRepository>(db);
}

}  // namespace sandbank::store
