#pragma once

#include <memory>

#include "store/database.hpp"
#include "store/payment_records.hpp"

namespace sandbank::store {

// The SQLite PaymentRepository over the tables of migration 20 (see migrations.cpp).
std::unique_ptr<PaymentRepository> make_sqlite_payment_repository(sqlite::Database& db);

}  // namespace sandbank::store
