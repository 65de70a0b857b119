// The change counter that every signed API request reads twice (ClientAuthenticator's
// revocation check and TokenService's revocation sync): watching the wal-index header, as
// change_counter() does, against running PRAGMA data_version on every call, as it does when the
// shared memory cannot be mapped.
//
// The PostgreSQL store's change counter beside it (BM_Postgres*): reading what the listener
// connection's socket holds (PQconsumeInput, PQnotifies), against a round trip (the cheapest
// query). They run when SANDBANK_BENCH_PG_URL (or SANDBANK_TEST_PG_URL) names a database,
// for example the test cluster's: tests/support/pg_cluster.sh start /tmp/pg &&
// SANDBANK_BENCH_PG_URL=$(cat /tmp/pg/url) build/bench/store_bench.
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "store/database.hpp"
#include "store/pg/database.hpp"

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

// --- PostgreSQL

const char* postgres_url() {
  for (const char* name : {"SANDBANK_BENCH_PG_URL", "SANDBANK_TEST_PG_URL"}) {
    const char* url = std::getenv(name);
    if (url != nullptr && *url != '\0') return url;
  }
  return nullptr;
}

struct PostgresFixture {
  explicit PostgresFixture(const std::string& url) : base(url) {
    schema = "bench_" + std::to_string(getpid());
    namespace pg = sandbank::store::pg;
    pg::Connection::open(base)->exec("DROP SCHEMA IF EXISTS " + schema +
                                     " CASCADE; CREATE SCHEMA " + schema);
    const std::string spec = base + (base.find('?') == std::string::npos ? "?" : "&") +
                             "options=-csearch_path%3D" + schema;
    db = pg::Database::open(spec, true);
    other = pg::Database::open(spec, false);
  }
  ~PostgresFixture() {
    other.reset();
    db.reset();
    try {
      sandbank::store::pg::Connection::open(base)->exec("DROP SCHEMA IF EXISTS " + schema +
                                                        " CASCADE");
    } catch (...) {
    }
  }
  std::string base, schema;
  std::unique_ptr<sandbank::store::pg::Database> db;
  std::unique_ptr<sandbank::store::pg::Database> other;  // another node that commits
};

PostgresFixture* postgres(benchmark::State& state) {
  const char* url = postgres_url();
  if (url == nullptr) {
    state.SkipWithError("set SANDBANK_BENCH_PG_URL to a PostgreSQL database");
    return nullptr;
  }
  static PostgresFixture fixture(url);
  return &fixture;
}

// Nothing changes between calls: no round trip, one non-blocking read of the listener socket.
void BM_PostgresChangeCounter(benchmark::State& state) {
  auto* f = postgres(state);
  if (f == nullptr) return;
  for (auto _ : state) benchmark::DoNotOptimize(f->db->change_counter());
}
BENCHMARK(BM_PostgresChangeCounter);
BENCHMARK(BM_PostgresChangeCounter)->Threads(2);

// What a counter that asked the database would cost at least: one round trip.
void BM_PostgresRoundTrip(benchmark::State& state) {
  auto* f = postgres(state);
  if (f == nullptr) return;
  for (auto _ : state) {
    f->db->read_one_statement([](sandbank::store::pg::Connection& c) {
      benchmark::DoNotOptimize(c.run("SELECT 1").rows());
    });
  }
}
BENCHMARK(BM_PostgresRoundTrip);

// From another node's commit returning to this node's counter moving: the notification's way
// through the server and the listener socket (the commit itself is outside the timing).
void BM_PostgresChangeCounterSeesACommit(benchmark::State& state) {
  auto* f = postgres(state);
  if (f == nullptr) return;
  int i = 0;
  std::uint64_t polls = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto before = f->db->change_counter();
    f->other->write([&](sandbank::store::pg::Connection& c) {
      c.run(
          "INSERT INTO revoked_certificates (fingerprint, serial, subject, revoked_at) "
          "VALUES ($1, '01', 'CN=bench', 0) ON CONFLICT DO NOTHING",
          std::to_string(i++ % 64));
    });
    state.ResumeTiming();
    while (f->db->change_counter() == before) ++polls;
  }
  state.counters["empty_polls"] =
      benchmark::Counter(static_cast<double>(polls), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_PostgresChangeCounterSeesACommit);

}  // namespace

BENCHMARK_MAIN();
