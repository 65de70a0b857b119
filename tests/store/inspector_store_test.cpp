// The request inspector's store on both backends: rows newest first and by organisation,
// eviction beyond the limits, links and their expiry, two nodes sharing one database, and
// (PostgreSQL) writes that leave the bank store's change counter alone.
#include "store/inspector_store.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "support/store_backends.hpp"

namespace sandbank::store {
namespace {

using test_support::Backend;
using test_support::StoreContract;

const TimePoint kStart = TimePoint(std::chrono::seconds(1'800'000'000));

InspectorRow row(const std::string& organisation, int n) {
  InspectorRow r;
  r.time = kStart + std::chrono::milliseconds(n);
  r.organisation = organisation;
  r.listener = "api";
  r.method = "GET";
  r.path = "/v3/accounts";
  r.status = n % 2 ? 401 : 200;
  r.detail_code = n % 2 ? "signature.invalid" : "";
  r.x_request_id = "x-" + std::to_string(n);
  r.response_id = organisation + "-" + std::to_string(n);
  r.record = "{\"n\":" + std::to_string(n) + "}";
  return r;
}

std::vector<std::string> ids(const std::vector<InspectorRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.response_id);
  return out;
}

class InspectorStore : public StoreContract {
 protected:
  std::unique_ptr<InspectorRepository> open() {
    return open_inspector_store(
        database().backend() == Backend::Sqlite
            ? (std::filesystem::path(database().spec()).parent_path() / "inspector.db").string()
            : database().spec());
  }
};

TEST_P(InspectorStore, RowsNewestFirstByOrganisationAndEvictedBeyondTheLimits) {
  auto repository = open();
  std::vector<InspectorRow> rows;
  for (int i = 0; i < 5; ++i) rows.push_back(row("A", i));
  rows.push_back(row("B", 10));
  rows.push_back(row("", 11));
  repository->append(rows);
  InspectorQuery a;
  a.organisation = "A";
  auto listed = repository->list(a);
  EXPECT_EQ(ids(listed), (std::vector<std::string>{"A-4", "A-3", "A-2", "A-1", "A-0"}));
  EXPECT_EQ(listed[0].record, "{\"n\":4}");
  EXPECT_EQ(listed[0].time, kStart + std::chrono::milliseconds(4));
  InspectorQuery none;
  none.organisation = "";
  EXPECT_EQ(ids(repository->list(none)), (std::vector<std::string>{"-11"}));
  InspectorQuery failed;
  failed.detail_code = "signature.invalid";
  EXPECT_EQ(ids(repository->list(failed)), (std::vector<std::string>{"-11", "A-3", "A-1"}));

  EXPECT_EQ(repository->evict(/*per_organisation=*/2, /*total=*/100), 3u);
  EXPECT_EQ(ids(repository->list(a)), (std::vector<std::string>{"A-4", "A-3"}));
  EXPECT_EQ(repository->evict(100, /*total=*/3), 1u);
  InspectorQuery all;
  EXPECT_EQ(ids(repository->list(all)), (std::vector<std::string>{"-11", "B-10", "A-4"}));
  EXPECT_EQ(repository->count(), 3u);
}

TEST_P(InspectorStore, TwoNodesShareTheRowsAndLinksExpire) {
  auto one = open();
  auto two = open();
  one->append({row("A", 1)});
  two->append({row("A", 2)});
  InspectorQuery q;
  EXPECT_EQ(ids(one->list(q)), (std::vector<std::string>{"A-2", "A-1"}));
  one->create_link(InspectorLink{"hash-1", "A", kStart, kStart + std::chrono::seconds(60)}, kStart);
  auto found = two->find_link("hash-1", kStart + std::chrono::seconds(59));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->organisation, "A");
  EXPECT_FALSE(two->find_link("hash-1", kStart + std::chrono::seconds(60)));
  EXPECT_FALSE(two->find_link("hash-2", kStart));
}

TEST_P(InspectorStore, AnOrganisationKeepsOnlyItsNewestLinks) {
  auto repository = open();
  const auto expires = kStart + std::chrono::hours(1);
  repository->create_link(InspectorLink{"other-org", "B", kStart, expires}, kStart);
  const auto n = static_cast<int>(kMaxLinksPerOrganisation);
  for (int i = 0; i <= n; ++i) {
    auto at = kStart + std::chrono::seconds(i + 1);
    repository->create_link(InspectorLink{"a-" + std::to_string(i), "A", at, expires}, at);
  }
  auto now = kStart + std::chrono::seconds(n + 2);
  EXPECT_FALSE(repository->find_link("a-0", now));  // the oldest of n + 1 went
  EXPECT_TRUE(repository->find_link("a-1", now));
  EXPECT_TRUE(repository->find_link("a-" + std::to_string(n), now));
  EXPECT_TRUE(repository->find_link("other-org", now));  // another organisation's stays
}

TEST_P(InspectorStore, WritingRowsLeavesTheBankStoresChangeCounterAlone) {
  auto repository = open();
  auto before = store().change_counter();
  repository->append({row("A", 1), row("A", 2)});
  repository->evict(1, 10);
  repository->create_link(InspectorLink{"h", "A", kStart, kStart + std::chrono::seconds(1)},
                          kStart);
  // A notification would have arrived by now (PostgreSQL delivers it with the commit).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(store().change_counter(), before);
}

INSTANTIATE_TEST_SUITE_P(Stores, InspectorStore,
                         ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         test_support::backend_name);

}  // namespace
}  // namespace sandbank::store
