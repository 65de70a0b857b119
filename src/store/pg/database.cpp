#include "store/pg/database.hpp"

#include <fmt/format.h>

#include <map>

#include "store/codes.hpp"

namespace sandbank::store::pg {
namespace {

// pg_advisory_xact_lock key of the migrations ("SBMG").
constexpr std::int64_t kMigrationLock = 0x53424D47;

const Migration* find_migration(std::span<const Migration> migrations, int version) {
  for (const auto& m : migrations) {
    if (m.version == version) return &m;
  }
  return nullptr;
}

void check_order(std::span<const Migration> migrations) {
  int previous = 0;
  for (const auto& m : migrations) {
    if (m.version <= previous) {
      throw Error(500, codes::kStoreBadMigrations,
                  fmt::format("Migration {} is out of order; versions must grow", m.version));
    }
    previous = m.version;
  }
}

// Checks and migrates inside the caller's transaction, which holds the migration lock.
void migrate_locked(Connection& c, std::span<const Migration> migrations, bool create_if_missing,
                    const std::string& label) {
  auto schema = c.run("SELECT current_schema()");
  if (schema.empty() || schema.is_null(0, 0)) {
    throw Error(500, codes::kStoreMissing,
                fmt::format("The database {} has no schema to hold Sandbank's tables (the "
                            "search_path names none that exists)",
                            label));
  }
  const bool has_table =
      !c.run(
            "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND "
            "tablename = 'schema_migrations'")
           .empty();
  std::map<int, std::string> applied;
  if (!has_table) {
    auto others = c.run(
        "SELECT count(*) FROM pg_catalog.pg_class k JOIN pg_catalog.pg_namespace n "
        "ON n.oid = k.relnamespace WHERE n.nspname = current_schema() AND k.relkind IN "
        "('r', 'p', 'v', 'm', 'S')");
    if (others.integer(0, 0) > 0) {
      throw Error(500, codes::kStoreDamaged,
                  fmt::format("The database {} has tables but no schema_migrations, so it is not "
                              "a Sandbank store; it was left as it is",
                              label));
    }
    if (!create_if_missing) {
      throw Error(500, codes::kStoreMissing,
                  fmt::format("The database {} holds no Sandbank store yet", label));
    }
    c.exec(
        "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
        "applied_at timestamptz NOT NULL DEFAULT now())");
  } else {
    auto rows = c.run("SELECT version, name FROM schema_migrations ORDER BY version");
    for (int i = 0; i < rows.rows(); ++i) {
      applied.emplace(static_cast<int>(rows.integer(i, 0)), rows.text(i, 1));
    }
  }
  const int known = migrations.empty() ? 0 : migrations.back().version;
  if (!applied.empty() && applied.rbegin()->first > known) {
    throw Error(500, codes::kStoreTooNew,
                fmt::format("The database {} has schema version {} but this Sandbank knows "
                            "versions up to {}; use a newer Sandbank binary",
                            label, applied.rbegin()->first, known),
                fmt::format("newest applied migration: {} {}", applied.rbegin()->first,
                            applied.rbegin()->second));
  }
  for (const auto& [version, name] : applied) {
    const Migration* m = find_migration(migrations, version);
    if (m == nullptr) {
      throw Error(500, codes::kStoreTooNew,
                  fmt::format("The database {} has schema migration {} which this Sandbank does "
                              "not know; use a newer Sandbank binary",
                              label, version),
                  fmt::format("unknown applied migration: {} {}", version, name));
    }
    if (m->name != name) {
      throw Error(500, codes::kStoreDamaged,
                  fmt::format("The database {} records schema migration {} which this Sandbank "
                              "does not know by that name",
                              label, version),
                  fmt::format("recorded name: {}; expected: {}", name, m->name));
    }
  }
  for (const auto& m : migrations) {
    if (applied.count(m.version) > 0) continue;
    try {
      c.exec("SAVEPOINT migration");
      c.exec(m.sql);
      c.exec("RELEASE SAVEPOINT migration");
    } catch (const ConnectionLost&) {
      throw;
    } catch (const Error& e) {
      throw Error(500, codes::kStoreMigrationFailed,
                  fmt::format("Schema migration {} {} failed on {}; nothing was applied", m.version,
                              m.name, label),
                  e.diagnostic());
    }
    c.run("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name);
  }
}

void migrate(Connection& c, std::span<const Migration> migrations, bool create_if_missing,
             const std::string& label) {
  check_order(migrations);
  c.exec("BEGIN");
  try {
    c.run("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
    migrate_locked(c, migrations, create_if_missing, label);
    c.exec("COMMIT");
  } catch (...) {
    if (!c.broken()) {
      try {
        c.exec("ROLLBACK");
      } catch (...) {
      }
    }
    throw;
  }
}

}  // namespace

Database::Database(std::string spec, std::string schema, std::unique_ptr<ConnectionPool> pool)
    : spec_(std::move(spec)), label_(redact(spec_)), pool_(std::move(pool)) {
  std::string quoted = "\"sandbank_changes." + schema;
  std::string name;
  for (char ch : quoted) {
    name += ch;
    if (ch == '"' && name.size() > 1) name += '"';
  }
  channel_ = name + "\"";
  notify_commit_ = "NOTIFY " + channel_ + "; COMMIT";
}

Database::~Database() = default;

std::unique_ptr<Database> Database::open(const std::string& spec, bool create_if_missing,
                                         std::span<const Migration> migrations,
                                         std::size_t max_connections) {
  auto first = Connection::open(spec);
  migrate(*first, migrations, create_if_missing, redact(spec));
  std::string schema = first->run("SELECT current_schema()").text(0, 0);
  auto pool =
      std::make_unique<ConnectionPool>([spec] { return Connection::open(spec); }, max_connections);
  pool->adopt(std::move(first));
  auto db = std::unique_ptr<Database>(new Database(spec, std::move(schema), std::move(pool)));
  {
    std::lock_guard lock(db->listen_mutex_);
    db->connect_listener();
  }
  return db;
}

void Database::finish(Connection& c, bool in_transaction, bool write) {
  if (in_transaction) {
    // One round trip for both: the notification is delivered when the commit succeeds.
    c.exec(write ? notify_commit_ : std::string("COMMIT"));
  }
  if (write) local_commits_.fetch_add(1);
}

void Database::rollback(Connection& c) noexcept {
  if (c.broken() || !c.in_transaction()) return;
  try {
    c.exec("ROLLBACK");
  } catch (...) {
    // The pool closes a connection still inside a transaction.
  }
}

void Database::connect_listener() {
  listener_.reset();
  next_listener_attempt_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  auto listener = Connection::open(spec_);
  listener->exec("LISTEN " + channel_);
  listener_ = std::move(listener);
}

void Database::poll_listener() {
  if (listener_ && !listener_->broken() && PQconsumeInput(listener_->handle()) == 1) {
    while (PGnotify* n = PQnotifies(listener_->handle())) {
      ++other_changes_;
      notifications_.fetch_add(1, std::memory_order_relaxed);
      PQfreemem(n);
    }
    if (!listener_->broken()) return;
  }
  // Disconnected: whatever happened meanwhile was not heard, so count a change on every call
  // until the listener is back.
  ++other_changes_;
  if (std::chrono::steady_clock::now() < next_listener_attempt_) return;
  try {
    connect_listener();
  } catch (const Error&) {
    listener_.reset();
  }
}

std::uint64_t Database::change_counter() {
  std::uint64_t others = 0;
  {
    std::lock_guard lock(listen_mutex_);
    poll_listener();
    others = other_changes_;
  }
  return local_commits_.load() + others;
}

int Database::schema_version() {
  return read_one_statement([](Connection& c) {
    return static_cast<int>(
        c.run("SELECT coalesce(max(version), 0) FROM schema_migrations").integer(0, 0));
  });
}

}  // namespace sandbank::store::pg
