#include "store/database.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <system_error>
#include <thread>

#include "core/error.hpp"
#include "store/codes.hpp"

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
    throw Error(500, codes::kStoreIo, fmt::format("Cannot inspect the database file {}", label),
                ec.message());
  }
  if (!fs::exists(status)) {
    if (!create_if_missing) {
      throw Error(500, codes::kStoreMissing,
                  fmt::format("The database file {} does not exist", label));
    }
    if (db_file.has_parent_path()) {
      fs::create_directories(db_file.parent_path(), ec);
      if (ec) {
        throw Error(500, codes::kStoreIo,
                    fmt::format("Cannot create the directory of the database file {}", label),
                    ec.message());
      }
    }
    return;
  }
  if (!fs::is_regular_file(status)) {
    throw Error(500, codes::kStoreDamaged,
                fmt::format("The database path {} is not a regular file", label));
  }
  auto size = fs::file_size(db_file, ec);
  if (ec) {
    throw Error(500, codes::kStoreIo, fmt::format("Cannot inspect the database file {}", label),
                ec.message());
  }
  if (size == 0) {
    if (!create_if_missing) {
      throw Error(500, codes::kStoreMissing, fmt::format("The database file {} is empty", label));
    }
    return;  // SQLite treats an empty file as a new database.
  }
  std::array<char, 16> header{};
  std::ifstream in(db_file, std::ios::binary);
  if (!in) {
    throw Error(500, codes::kStoreIo, fmt::format("Cannot read the database file {}", label));
  }
  in.read(header.data(), header.size());
  if (in.gcount() != static_cast<std::streamsize>(header.size()) || size < 512 ||
      std::string_view(header.data(), header.size()) != kSqliteHeader) {
    throw Error(500, codes::kStoreDamaged,
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
        throw Error(500, codes::kStoreIo,
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

// The wal-index header: the first 48 bytes of SQLite's shared memory for a database in WAL
// mode (the -shm file), as described in https://www.sqlite.org/walformat.html.
using WalIndexHeader = std::array<std::uint32_t, 12>;
constexpr int kWalIndexRegionSize = 32768;
constexpr std::uint32_t kWalIndexVersion = 3007000;

// The watcher's own mapping of the header, through the public VFS interface, or nullptr when
// there is none (then change_counter() runs PRAGMA data_version on every call). The mapping
// lives as long as the watcher connection stays open in WAL mode; it runs nothing but
// PRAGMA data_version.
const volatile std::uint32_t* map_wal_index_header(Connection& watcher) {
  {
    auto st = watcher.prepare("PRAGMA journal_mode");
    if (!st.step() || st.text(0) != "wal") return nullptr;
  }
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(watcher.handle(), "main", SQLITE_FCNTL_FILE_POINTER, &file) !=
          SQLITE_OK ||
      file == nullptr || file->pMethods == nullptr || file->pMethods->iVersion < 2 ||
      file->pMethods->xShmMap == nullptr) {
    return nullptr;
  }
  volatile void* region = nullptr;
  if (file->pMethods->xShmMap(file, 0, kWalIndexRegionSize, 0, &region) != SQLITE_OK ||
      region == nullptr) {
    return nullptr;
  }
  auto* header = static_cast<const volatile std::uint32_t*>(region);
  return header[0] == kWalIndexVersion ? header : nullptr;
}

void read_header(const volatile std::uint32_t* header, WalIndexHeader& out) {
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = header[i];
  std::atomic_thread_fence(std::memory_order_acquire);
}

bool header_moved(const volatile std::uint32_t* header, const WalIndexHeader& seen) {
  for (std::size_t i = 0; i < seen.size(); ++i) {
    if (header[i] != seen[i]) return true;
  }
  return false;
}

}  // namespace

Database::Database(std::unique_ptr<ConnectionPool> pool, std::unique_ptr<Connection> watcher)
    : pool_(std::move(pool)), watcher_(std::move(watcher)) {
  if (!watcher_) return;
  // The first read transaction opens the watcher's WAL and maps the shared memory.
  last_data_version_ = watcher_->scalar("PRAGMA data_version");
  wal_index_header_ = map_wal_index_header(*watcher_);
  if (wal_index_header_) query_data_version();  // takes the first copy of the header
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
        throw Error(500, codes::kStoreSqlite, "An in-memory database has exactly one connection");
      },
      1);
  pool->adopt(std::move(connection));
  return std::unique_ptr<Database>(new Database(std::move(pool), nullptr));
}

// Why comparing the wal-index header misses no commit of another connection or process:
//
// 1. A commit in WAL mode becomes visible when the committer writes the new wal-index header
//    into the shared memory (two copies: copy 1, a memory barrier, then copy 0, which is the
//    one compared here). That happens after its frames were written to the -wal file and, with
//    synchronous=FULL, synced, while it still holds the write lock, and before its COMMIT
//    returns. Every commit changes the header: a counter in it grows by one per transaction,
//    and mxFrame, the checksums and, after a WAL reset, the salts change with it. Readers and
//    checkpoints that do not restart the WAL leave it alone.
// 2. PRAGMA data_version moves exactly when the header a read transaction of the watcher finds
//    differs from the one its previous read transaction found (SQLite compares the 48 bytes,
//    and on a difference discards its cache and increments the version).
// 3. The copy is taken before the PRAGMA runs, so the PRAGMA reflects at least the commits the
//    copy shows. A copy taken while a committer is writing the header may be torn; the PRAGMA
//    then waits for a consistent header (the committer finishes within nanoseconds), sees the
//    commit, and the next call finds the header differing from the torn copy and runs the
//    PRAGMA once more, for nothing. So a call that finds the header equal to the copy knows
//    that nothing was committed since the last PRAGMA (barring exactly 2^32 commits between two
//    calls).
// 4. A commit that returned before a call started has written its header to memory that the
//    call reads after: the call sees it and runs the PRAGMA. The mutex makes a thread that
//    finds the header equal to a copy just taken by another thread wait until that thread's
//    PRAGMA has counted the commit.
//
// Watching the files instead (inotify) could not be made exact: the header is a store to
// mapped memory, which raises no event, and it follows the last write() to the -wal file by an
// fsync of unbounded length; a writer that stays connected raises no event after it. The
// wal-index header is part of SQLite's documented file format (walformat.html), which
// processes of different SQLite versions share, and the mapping is SQLite's own, reached
// through the public VFS interface.
std::uint64_t Database::change_counter() {
  std::uint64_t others = 0;
  if (watcher_) {
    std::lock_guard lock(watch_mutex_);
    if (wal_index_header_ == nullptr || header_moved(wal_index_header_, header_seen_)) {
      query_data_version();
    }
    others = other_commits_;
  }
  return local_commits_.load() + others;
}

void Database::query_data_version() {
  if (wal_index_header_) read_header(wal_index_header_, header_seen_);
  auto version = watcher_->scalar("PRAGMA data_version");
  data_version_queries_.fetch_add(1, std::memory_order_relaxed);
  if (version != last_data_version_) {
    last_data_version_ = version;
    ++other_commits_;
  }
}

bool Database::watches_wal_index() {
  std::lock_guard lock(watch_mutex_);
  return wal_index_header_ != nullptr;
}

void Database::disable_wal_index_watch() {
  std::lock_guard lock(watch_mutex_);
  wal_index_header_ = nullptr;
}

int Database::schema_version() {
  return read([](Connection& c) {
    return static_cast<int>(c.scalar("SELECT coalesce(max(version), 0) FROM schema_migrations"));
  });
}

}  // namespace sandbank::store::sqlite
