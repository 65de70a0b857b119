// The payments table: a pain.001 payment keeps its document (migration 21), on a fresh store
// and on one upgraded from every earlier schema.
#include "store/sqlite_payments.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "core/error.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "store/temp_dir.hpp"

namespace sandbank::store {
namespace {

using sqlite::Connection;
using sqlite::Database;
using test_support::TempDir;

const std::string kDocument =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document "
    "xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\">\r\n  <CstmrCdtTrfInitn/>\n"
    "</Document>\n";

PaymentRecord payment(const std::string& id, const std::string& xml = "") {
  PaymentRecord p;
  p.id = id;
  p.client_id = "client";
  p.kind = "single";
  p.product = "sepa-credit-transfers";
  p.request_json = R"({"instructedAmount":{"amount":"1.00","currency":"EUR"}})";
  p.request_xml = xml;
  p.status = "RCVD";
  p.country = "NL";
  p.redirect_uri = "https://example.com/";
  p.psu_ip_address = "127.0.0.1";
  p.amount_minor = 100;
  p.currency = "EUR";
  p.creditor_iban = "AT611904300234573201";
  p.creditor_name = "Creditor";
  p.created_at = TimePoint(std::chrono::seconds(1773655200));
  p.updated_at = p.created_at;
  return p;
}

// The migration lists of the binaries released before migration 21: 1 ... 5, 10 ... 13, 20 and
// 30. Each prefix of it is a schema one of them can have left behind.
std::vector<Migration> released_before_21() {
  std::vector<Migration> list;
  for (const auto& m : sqlite_migrations()) {
    if (m.version != 21 && m.version <= 30) list.push_back(m);
  }
  for (auto& m : list) m.fresh_sql.reset();  // they ran every step
  return list;
}

bool has_payments_table(Database& db) {
  return db.read([](Connection& c) {
    return c.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'payments'").step();
  });
}

TEST(SqlitePayments, APain001PaymentKeepsItsDocumentByteForByte) {
  auto db = Database::open_memory();
  auto payments = make_sqlite_payment_repository(*db);
  ASSERT_TRUE(payments->create(payment("p-xml", kDocument), "req-1", "hash-1").created);
  ASSERT_TRUE(payments->create(payment("p-json"), "req-2", "hash-2").created);
  EXPECT_EQ(payments->find("p-xml")->request_xml, kDocument);
  EXPECT_EQ(payments->find("p-json")->request_xml, "");
  // A repeated request answers the first payment, document included.
  auto again = payments->create(payment("p-other", "<other/>"), "req-1", "hash-1");
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.payment.id, "p-xml");
  EXPECT_EQ(again.payment.request_xml, kDocument);
  // Updates leave it alone.
  auto p = *payments->find("p-xml");
  p.status = "ACSC";
  payments->update(p);
  EXPECT_EQ(payments->find("p-xml")->request_xml, kDocument);
  EXPECT_EQ(payments->find("p-xml")->status, "ACSC");
}

// A bulk payment's transfers are written in the batch's transaction: a repeated request adds
// none, and the batch never exists without them.
TEST(SqlitePayments, ABulkPaymentIsStoredWithItsTransfersInOneTransaction) {
  auto db = Database::open_memory();
  auto payments = make_sqlite_payment_repository(*db);
  auto entries = make_sqlite_bulk_entry_repository(*db);
  auto batch = payment("bulk-1");
  batch.kind = "bulk";
  std::vector<BulkEntry> transfers(3);
  for (int i = 0; i < 3; ++i) {
    transfers[i].payment_id = "bulk-1";
    transfers[i].position = i;
    transfers[i].amount_minor = 100 * (i + 1);
    transfers[i].currency = "EUR";
    transfers[i].status = "RCVD";
  }
  ASSERT_TRUE(payments->create(batch, "req-b", "hash-b", transfers).created);
  EXPECT_EQ(entries->of_payment("bulk-1"), transfers);
  auto other = batch;
  other.id = "bulk-2";
  for (auto& t : transfers) t.payment_id = "bulk-2";
  EXPECT_FALSE(payments->create(other, "req-b", "hash-b", transfers).created);
  EXPECT_TRUE(entries->of_payment("bulk-2").empty());
  EXPECT_FALSE(payments->find("bulk-2"));
  // A transfer that cannot be written (the same position twice) leaves no batch behind.
  auto broken = batch;
  broken.id = "bulk-3";
  std::vector<BulkEntry> twice(2, transfers[0]);
  for (auto& t : twice) t.payment_id = "bulk-3";
  EXPECT_THROW(payments->create(broken, "req-c", "hash-c", twice), Error);
  EXPECT_FALSE(payments->find("bulk-3"));
  EXPECT_TRUE(entries->of_payment("bulk-3").empty());
}

// Every schema a released binary can have left behind (each prefix of the migration list)
// upgrades to the latest: the payments written before keep their fields and read as JSON
// payments, and pain.001 payments can be stored next to them.
TEST(SqlitePayments, EveryEarlierSchemaUpgradesToTheDocumentColumn) {
  const auto released = released_before_21();
  std::size_t upgraded = 0;
  for (std::size_t end = 1; end <= released.size(); ++end) {
    std::vector<Migration> older(released.begin(),
                                 released.begin() + static_cast<std::ptrdiff_t>(end));
    SCOPED_TRACE("schema up to migration " + std::to_string(older.back().version));
    TempDir dir;
    bool with_payments = false;
    {
      auto db = Database::open_file(dir / "s.db", true, older);
      EXPECT_EQ(db->schema_version(), older.back().version);
      with_payments = has_payments_table(*db);
      if (with_payments) {
        // A row as the older code wrote it: every column but request_xml.
        db->write([](Connection& c) {
          c.exec(
              "INSERT INTO payments (id, client_id, kind, product, request_json, status, "
              "status_reason, country, redirect_uri, psu_ip_address, amount, currency, "
              "creditor_iban, creditor_name, creditor_bic, debtor_iban, debtor_account_id, "
              "remittance, end_to_end_id, instant, requested_execution_date, start_date, "
              "end_date, frequency, next_execution_date, executions, failed_executions, "
              "settle_at, created_at, updated_at) VALUES ('old', 'client', 'single', "
              "'sepa-credit-transfers', '{}', 'ACCP', '', 'NL', 'https://example.com/', "
              "'127.0.0.1', 2500, 'EUR', 'AT611904300234573201', 'Old creditor', '', "
              "'NL69INGB0123456789', 'acc', 'rent', 'E2E', 0, '2026-03-17', '', '', '', '', 0, "
              "0, '2026-03-17T00:00:00.000000Z', '2026-03-16T10:00:00.000000Z', "
              "'2026-03-16T10:00:00.000000Z')");
        });
      }
    }
    auto db = Database::open_file(dir / "s.db", false);
    EXPECT_EQ(db->schema_version(), latest_sqlite_schema_version());
    auto payments = make_sqlite_payment_repository(*db);
    if (with_payments) {
      auto old = payments->find("old");
      ASSERT_TRUE(old.has_value());
      EXPECT_EQ(old->request_xml, "");
      EXPECT_EQ(old->status, "ACCP");
      EXPECT_EQ(old->amount_minor, 2500);
      EXPECT_EQ(old->creditor_name, "Old creditor");
      EXPECT_TRUE(old->settle_at.has_value());
    }
    ASSERT_TRUE(payments->create(payment("new", kDocument), "req", "hash").created);
    EXPECT_EQ(payments->find("new")->request_xml, kDocument);
    ++upgraded;
  }
  EXPECT_EQ(upgraded, released.size());
  EXPECT_GE(upgraded, 11u);
}

// A binary that predates migration 21 (it knows every other one) sees a store that has it as
// too new: a newer binary wrote it. Not as damaged.
TEST(SqlitePayments, AnOlderBinarySeesTheUpgradedStoreAsTooNew) {
  TempDir dir;
  Database::open_file(dir / "s.db", true).reset();
  std::vector<Migration> without_21;
  for (const auto& m : sqlite_migrations()) {
    if (m.version != 21) without_21.push_back(m);
  }
  try {
    Database::open_file(dir / "s.db", false, without_21);
    ADD_FAILURE() << "opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "store.too_new") << e.message();
    EXPECT_NE(e.message().find("21"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("newer Sandbank"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace sandbank::store
