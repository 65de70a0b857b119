#include <fmt/format.h>

#include "store/sqlite_payments.hpp"

namespace sandbank::store {
namespace {

using sqlite::Connection;
using sqlite::Database;

class SqliteBulkEntryRepository final : public BulkEntryRepository {
 public:
  explicit SqliteBulkEntryRepository(Database& db) : db_(db) {}

  std::vector<BulkEntry> of_payment(const std::string& payment_id) override {
    return db_.read([&](Connection& c) {
      std::vector<BulkEntry> out;
      auto st = c.query(
          "SELECT payment_id, position, end_to_end_id, amount, currency, creditor_iban, "
          "creditor_name, creditor_bic, remittance, status, status_reason "
          "FROM bulk_payment_entries WHERE payment_id = ? ORDER BY position",
          payment_id);
      while (st.step()) {
        BulkEntry e;
        e.payment_id = st.text(0);
        e.position = st.integer(1);
        e.end_to_end_id = st.text(2);
        e.amount_minor = st.integer(3);
        e.currency = st.text(4);
        e.creditor_iban = st.text(5);
        e.creditor_name = st.text(6);
        e.creditor_bic = st.text(7);
        e.remittance = st.text(8);
        e.status = st.text(9);
        e.status_reason = st.text(10);
        out.push_back(std::move(e));
      }
      return out;
    });
  }

  void update_statuses(const std::vector<BulkEntry>& entries) override {
    db_.write([&](Connection& c) {
      for (const auto& e : entries) {
        c.query(
             "UPDATE bulk_payment_entries SET status = ?, status_reason = ? "
             "WHERE payment_id = ? AND position = ?",
             e.status, e.status_reason, e.payment_id, e.position)
            .run();
      }
    });
  }

 private:
  Database& db_;
};

}  // namespace

void insert_bulk_entry(Connection& c, const BulkEntry& e) {
  c.query(
       "INSERT INTO bulk_payment_entries (payment_id, position, end_to_end_id, amount, currency, "
       "creditor_iban, creditor_name, creditor_bic, remittance, status, status_reason) "
       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
       e.payment_id, e.position, e.end_to_end_id, e.amount_minor, e.currency, e.creditor_iban,
       e.creditor_name, e.creditor_bic, e.remittance, e.status, e.status_reason)
      .run();
}

std::unique_ptr<BulkEntryRepository> make_sqlite_bulk_entry_repository(Database& db) {
  return std::make_unique<SqliteBulkEntryRepository>(db);
}

}  // namespace sandbank::store
