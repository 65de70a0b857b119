#pragma once

// Every detail code the store layer emits (Error::code(), the "detail" of error bodies and the
// access log): one catalogue per layer, so that a code is spelled once and cannot be
// mistyped. The values are part of the contract (tests and TPPs match on them).
namespace sandbank::store::codes {

inline constexpr char kBankCurrencyMismatch[] = "bank.currency_mismatch";
inline constexpr char kBankCursorInvalid[] = "bank.cursor_invalid";
inline constexpr char kBankLimitInvalid[] = "bank.limit_invalid";
inline constexpr char kBankStatusInvalid[] = "bank.status_invalid";
inline constexpr char kStoreBadMigrations[] = "store.bad_migrations";
inline constexpr char kStoreBusy[] = "store.busy";
inline constexpr char kStoreConflict[] = "store.conflict";
inline constexpr char kStoreConstraint[] = "store.constraint";
inline constexpr char kStoreDamaged[] = "store.damaged";
inline constexpr char kStoreIo[] = "store.io";
inline constexpr char kStoreMigrationFailed[] = "store.migration_failed";
inline constexpr char kStoreMissing[] = "store.missing";
inline constexpr char kStoreNotFound[] = "store.not_found";
inline constexpr char kStorePostgresql[] = "store.postgresql";
inline constexpr char kStoreSqlite[] = "store.sqlite";
inline constexpr char kStoreTooNew[] = "store.too_new";

}  // namespace sandbank::store::codes
