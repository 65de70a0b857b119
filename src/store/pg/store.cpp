#include "store/pg/repositories.hpp"

namespace sandbank::store {
namespace {

class PgStore final : public Store {
 public:
  explicit PgStore(std::unique_ptr<pg::Database> db)
      : db_(std::move(db)),
        applications_(pg::make_application_repository(*db_)),
        revocations_(pg::make_revocation_repository(*db_)),
        tokens_(pg::make_token_repository(*db_)),
        codes_(pg::make_code_repository(*db_)),
        consents_(pg::make_consent_repository(*db_)),
        references_(pg::make_granting_reference_repository(*db_)),
        bank_(pg::make_bank_repository(*db_)),
        payments_(pg::make_payment_repository(*db_)),
        bulk_entries_(pg::make_bulk_entry_repository(*db_)),
        sessions_(pg::make_session_repository(*db_)),
        files_(pg::make_file_repository(*db_)) {}

  ApplicationRepository& applications() override { return *applications_; }
  RevocationRepository& revocations() override { return *revocations_; }
  TokenRepository& tokens() override { return *tokens_; }
  AuthorizationCodeRepository& codes() override { return *codes_; }
  ConsentRepository& consents() override { return *consents_; }
  GrantingReferenceRepository& granting_references() override { return *references_; }
  BankRepository& bank() override { return *bank_; }
  PaymentRepository& payments() override { return *payments_; }
  BulkEntryRepository& bulk_entries() override { return *bulk_entries_; }
  AuthorizationSessionRepository& sessions() override { return *sessions_; }
  SandboxFileRepository& files() override { return *files_; }
  int schema_version() override { return db_->schema_version(); }
  std::uint64_t change_counter() override { return db_->change_counter(); }

 private:
  std::unique_ptr<pg::Database> db_;
  std::unique_ptr<ApplicationRepository> applications_;
  std::unique_ptr<RevocationRepository> revocations_;
  std::unique_ptr<TokenRepository> tokens_;
  std::unique_ptr<AuthorizationCodeRepository> codes_;
  std::unique_ptr<ConsentRepository> consents_;
  std::unique_ptr<GrantingReferenceRepository> references_;
  std::unique_ptr<BankRepository> bank_;
  std::unique_ptr<PaymentRepository> payments_;
  std::unique_ptr<BulkEntryRepository> bulk_entries_;
  std::unique_ptr<AuthorizationSessionRepository> sessions_;
  std::unique_ptr<SandboxFileRepository> files_;
};

}  // namespace

std::unique_ptr<Store> open_postgres_store(const std::string& spec, bool create_if_missing) {
  return std::make_unique<PgStore>(pg::Database::open(spec, create_if_missing));
}

bool is_postgres_spec(std::string_view spec) {
  return spec.starts_with("postgresql://") || spec.starts_with("postgres://");
}

std::unique_ptr<Store> open_store(const std::string& spec, bool create_if_missing) {
  if (is_postgres_spec(spec)) return open_postgres_store(spec, create_if_missing);
  return open_sqlite_store(spec, create_if_missing);
}

}  // namespace sandbank::store
