#pragma once

#include <memory>

#include "store/bulk_records.hpp"
#include "store/database.hpp"
#include "store/payment_records.hpp"

namespace sandbank::store {

// The SQLite PaymentRepository over the tables of migration 20 (see migrations.cpp).
std::unique_ptr<PaymentRepository> make_sqlite_payment_repository(sqlite::Database& db);
// One row of bulk_payment_entries, inside the caller's transaction.
void insert_bulk_entry(sqlite::Connection& c, const BulkEntry& entry);
// The SQLite BulkEntryRepository over bulk_payment_entries (migration 25).
std::unique_ptr<BulkEntryRepository> make_sqlite_bulk_entry_repository(sqlite::Database& db);

}  // namespace sandbank::store
