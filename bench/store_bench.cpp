// The change counter that every signed API request reads twice (ClientAuthenticator's
// revocation check and TokenService's revocation sync): watching the wal-index header, as
// change_counter() does, against running PRAGMA data_version on every call, as it does when the
// shared memory cannot be mapped.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "store/database.hpp"

namespace {

using sandbank::store::sqlite::Connection;
using sandbank::store::sqlite::Database;

struct Fixture {
  explicit Fixture(bool watch) {
    std::string pattern = "/tmp/sandbank-store-bench-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = pattern;
    db = Database::open_file(dir / "sandbank.db", true);
    if (!watch) db->disable_wal_index_watch();
    other = Database::open_file(dir / "sandbank.db", false);
  }
  ~Fixture() {
    other.reset();
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path dir;
  std::unique_ptr<Database> db;
  std::unique_ptr<Database> other;  // another connection that commits
};

Fixture& fixture(bool watch) {
  static Fixture watched(true);
  static Fixture polled(false);
  return watch ? watched : polled;
}

// Nothing changes between calls: the common case.
void BM_ChangeCounter(benchmark::State& state, bool watch) {
  Database& db = *fixture(watch).db;
  auto queries = db.data_version_queries();
  for (auto _ : state) benchmark::DoNotOptimize(db.change_counter());
  if (state.thread_index() == 0) {
    state.counters["pragmas_per_call"] =
        benchmark::Counter(static_cast<double>(db.data_version_queries() - queries),
                           benchmark::Counter::kAvgIterations);
  }
}
BENCHMARK_CAPTURE(BM_ChangeCounter, wal_index_watch, true);
BENCHMARK_CAPTURE(BM_ChangeCounter, data_version_every_call, false);
BENCHMARK_CAPTURE(BM_ChangeCounter, wal_index_watch, true)->Threads(2);
BENCHMARK_CAPTURE(BM_ChangeCounter, data_version_every_call, false)->Threads(2);

// The cost of noticing: another connection commits, then the counter is read (the commit
// itself is outside the timing).
void BM_ChangeCounterAfterACommit(benchmark::State& state, bool watch) {
  Fixture& f = fixture(watch);
  int i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    f.other->write([&](Connection& c) {
      c.query(
           "INSERT OR REPLACE INTO revoked_certificates (fingerprint, serial, subject, "
           "revoked_at) VALUES (?, '01', 'CN=bench', '2020-01-01T00:00:00.000000Z')",
           std::to_string(i++ % 64))
          .run();
    });
    state.ResumeTiming();
    benchmark::DoNotOptimize(f.db->change_counter());
  }
}
BENCHMARK_CAPTURE(BM_ChangeCounterAfterACommit, wal_index_watch, true);
BENCHMARK_CAPTURE(BM_ChangeCounterAfterACommit, data_version_every_call, false);

}  // namespace

BENCHMARK_MAIN();
