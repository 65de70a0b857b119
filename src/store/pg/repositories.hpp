#pragma once

#include <memory>

#include "store/pg/database.hpp"
#include "store/store.hpp"

// The PostgreSQL repositories of store.hpp over the tables of postgres_migrations().
namespace sandbank::store::pg {

std::unique_ptr<ApplicationRepository> make_application_repository(Database& db);
std::unique_ptr<RevocationRepository> make_revocation_repository(Database& db);
std::unique_ptr<TokenRepository> make_token_repository(Database& db);
std::unique_ptr<AuthorizationCodeRepository> make_code_repository(Database& db);
std::unique_ptr<ConsentRepository> make_consent_repository(Database& db);
std::unique_ptr<GrantingReferenceRepository> make_granting_reference_repository(Database& db);
std::unique_ptr<BankRepository> make_bank_repository(Database& db);
std::unique_ptr<PaymentRepository> make_payment_repository(Database& db);
std::unique_ptr<BulkEntryRepository> make_bulk_entry_repository(Database& db);
std::unique_ptr<AuthorizationSessionRepository> make_session_repository(Database& db);
std::unique_ptr<SandboxFileRepository> make_file_repository(Database& db);

}  // namespace sandbank::store::pg
