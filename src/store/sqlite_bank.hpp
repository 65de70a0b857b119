#pragma once

#include <memory>

#include "store/bank_repository.hpp"
#include "store/database.hpp"

namespace sandbank::store {

// The SQLite BankRepository over the tables of migrations 10.. (see migrations.cpp).
std::unique_ptr<BankRepository> make_sqlite_bank_repository(sqlite::Database& db);

}  // namespace sandbank::store
