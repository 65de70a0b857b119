#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "store/sqlite.hpp"

// The SQLite schema as an ordered list of migrations. Each is applied once, in its own
// transaction, and recorded in
//   schema_migrations(version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT).
// Append only: a migration that has shipped is never edited, renumbered or removed; later
// features (tokens, authorization codes, consents, accounts, transactions, payments) add
// theirs at the end of the list in migrations.cpp.
namespace sandbank::store {

struct Migration {
  int version;            // > 0, strictly increasing along the list
  std::string_view name;  // recorded; must match on every later open
  std::string_view sql;   // one or more statements
  // What a database without any migration runs instead of `sql` (empty: nothing): a table
  // that later migrations rebuild is created in its final form, once. The database then
  // holds the schema the steps give an existing one. It assumes the list holds the later
  // migrations it stands for (every binary runs its whole list).
  std::optional<std::string_view> fresh_sql = std::nullopt;
};

// Sandbank's SQLite migrations, oldest first.
std::span<const Migration> sqlite_migrations();
// The version of the last entry of sqlite_migrations().
int latest_sqlite_schema_version();

// Checks, without writing anything, that `connection` holds a database these migrations can
// own: an empty database, or one whose schema_migrations agrees with `migrations`. Throws
// Error 500 "store.damaged" (tables but no schema_migrations, a known version under another
// name) or "store.too_new" (a version newer than the last migration, or one between known ones
// that this binary lacks: a newer binary added it to its layer's range). `label` names the
// database in messages. Returns the applied version (0 for an empty database).
int check_schema(sqlite::Connection& connection, std::span<const Migration> migrations,
                 const std::string& label);

// check_schema(), then applies every migration not yet applied, each in one write
// transaction together with its schema_migrations row (a failing migration leaves no
// trace). Safe when several processes open the same new file at once. Returns the schema
// version afterwards.
int migrate(sqlite::Connection& connection, std::span<const Migration> migrations,
            const std::string& label);

}  // namespace sandbank::store
