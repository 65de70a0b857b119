#pragma once

#include <memory>

#include "store/database.hpp"
#include "store/oauth_records.hpp"

// SQLite implementations of the OAuth repositories (tables of migrations 3..5 and 30).
namespace sandbank::store {

std::unique_ptr<TokenRepository> make_sqlite_token_repository(sqlite::Database& db);
std::unique_ptr<AuthorizationCodeRepository> make_sqlite_code_repository(sqlite::Database& db);
std::unique_ptr<ConsentRepository> make_sqlite_consent_repository(sqlite::Database& db);
std::unique_ptr<GrantingReferenceRepository> make_sqlite_granting_reference_repository(
    sqlite::Database& db);

}  // namespace sandbank::store
