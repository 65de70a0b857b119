#include "store/database.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstring>
#include <fstream>
#include <system_error>
#include <thread>

#include "core/error.hpp"

namespace sandbank::store::sqlite {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSqliteHeader{"SQLite format 3\0", 16};

void configure(Connection& connection, bool durable) {
  int rc = sqlite3_busy_timeout(connection.handle(), Database::kBusyTimeoutMs);
  if (rc != SQLITE_OK) fail(connection.handle(), rc, "setting busy_timeout");
  connection.exec("PRAGMA foreign_keys = ON");
  // FULL: in WAL mode every commit syncs the WAL, so an acknowledged change survives a
  // crash of the process or of the machine.
  if (durable) connection.exec("PRAGMA synchronous = FULL");
}

// Refuses, before SQLite touches it, a path that is not a (possibly empty) SQLite file.
void check_file(const fs::path& db_file, bool create_if_missing) {
  const std::string label = db_file.string();
  std::error_code ec;
  auto status = fs::status(db_file, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw Error(500, "store.io", fmt::format("Cannot inspect the database file {}", label),
                ec.message());
  }
  if (!fs::exists(status)) {
    if (!create_if_missing) {
      throw Error(500, "store.missing", fmt::format("The database file {} does not exist", label));
    }
    if (db_file.has_parent_path()) {
      fs::create_directories(db_file.parent_path(), ec);
      if (ec) {
        throw Error(500, "store.io",
                    fmt::format("Cannot create the directory of the database file {}", label),
                    ec.message());
      }
    }
    return;
  }
  if (!fs::is_regular_file(status)) {
    throw Error(500, "store.damaged",
                fmt::format("The database path {} is not a regular file", label));
  }
  auto size = fs::file_size(db_file, ec);
  if (ec) {
    throw Error(500, "store.io", fmt::format("Cannot inspect the database file {}", label),
                ec.message());
  }
  if (size == 0) {
    if (!create_if_missing) {
      throw Error(500, "store.missing", fmt::format("The database file {} is empty", label));
    }
    return;  // SQLite treats an empty file as a new database.
  }
  std::array<char, 16> header{};
  std::ifstream in(db_file, std::ios::binary);
  if (!in) {
    throw Error(500, "store.io", fmt::format("Cannot read the database file {}", label));
  }
  in.read(header.data(), header.size());
  if (in.gcount() != static_cast<std::streamsize>(header.size()) || size < 512 ||
      std::string_view(header.data(), header.size()) != kSqliteHeader) {
    throw Error(500, "store.damaged",
                fmt::format("The file {} is not a SQLite database; it was left as it is", label),
                "the first 16 bytes are not the SQLite header \"SQLite format 3\\0\"");
  }
}

// Two connections switching a new file to WAL at the same moment both hold a shared lock and
// want an exclusive one; SQLite answers one of them "busy" at once instead of calling the
// busy handler (it would deadlock), so that one tries again until the busy timeout.
void switch_to_wal(Connection& connection, const std::string& label) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(Database::kBusyTimeoutMs);
  for (;;) {
    try {
      auto st = connection.prepare("PRAGMA journal_mode = WAL");
      std::string mode = st.step() ? st.text(0) : std::string();
      if (mode != "wal") {
        throw Error(500, "store.io",
                    fmt::format("The database {} cannot use write-ahead logging", label),
                    fmt::format("PRAGMA journal_mode = WAL answered {}", mode));
      }
      return;
    } catch (const Error& e) {
      if (e.code() != "store.busy" || std::chrono::steady_clock::now() >= deadline) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

Database::Database(std::unique_ptr<ConnectionPool> pool, std::unique_ptr<Connection> watcher)
    : pool_(std::move(pool)), watcher_(std::move(watcher)) {
  if (watcher_) last_data_version_ = watcher_->scalar("PRAGMA data_version");
}

Database::~Database() = default;

std::unique_ptr<Database> Database::open_file(const fs::path& db_file, bool create_if_missing,
                                              std::span<const Migration> migrations,
                                              std::size_t max_connections) {
  check_file(db_file, create_if_missing);
  const std::string label = db_file.string();

  int flags = SQLITE_OPEN_READWRITE | (create_if_missing ? SQLITE_OPEN_CREATE : 0);
  auto first = Connection::open(label, flags);
  configure(*first, true);
  // Read-only check first: nothing is written to a file that is not ours.
  check_schema(*first, migrations, label);
  switch_to_wal(*first, label);
  migrate(*first, migrations, label);

  auto pool = std::make_unique<ConnectionPool>(
      [label] {
        auto connection = Connection::open(label, SQLITE_OPEN_READWRITE);
        configure(*connection, true);
        return connection;
      },
      max_connections);
  pool->adopt(std::move(first));
  auto watcher = Connection::open(label, SQLITE_OPEN_READWRITE);
  configure(*watcher, true);
  return std::unique_ptr<Database>(new Database(std::move(pool), std::move(watcher)));
}

std::unique_ptr<Database> Database::open_memory(std::span<const Migration> migrations) {
  auto connection = Connection::open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  configure(*connection, false);
  migrate(*connection, migrations, ":memory:");
  auto pool = std::make_unique<ConnectionPool>(
      []() -> std::unique_ptr<Connection> {
        throw Error(500, "store.sqlite", "An in-memory database has exactly one connection");
      },
      1);
  pool->adopt(std::move(connection));
  return std::unique_ptr<Database>(new Database(std::move(pool), nullptr));
}

std::uint64_t Database::change_counter() {
  std::uint64_t others = 0;
  if (watcher_) {
    std::lock_guard lock(watch_mutex_);
    auto version = watcher_->scalar("PRAGMA data_version");
    if (version != last_data_version_) {
      last_data_version_ = version;
      ++other_commits_;
    }
    others = other_commits_;
  }
  return local_commits_.load() + others;
}

int Database::schema_version() {
  return read([](Connection& c) {
    return static_cast<int>(c.scalar("SELECT coalesce(max(version), 0) FROM schema_migrations"));
  });
}

}  // namespace sandbank::store::sqlite
