// The request inspector's memory and store: recording in the background, the limits per
// organisation and in all, eviction, a restart over the same file, links and their expiry,
// and what one TPP's link lets it see.
#include "app/inspector.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <thread>

#include "core/random.hpp"
#include "support/temp_dir.hpp"

namespace sandbank::app {
namespace {

using namespace std::chrono_literals;

const TimePoint kStart = TimePoint(std::chrono::seconds(1'800'000'000));

http::InspectedRequest request(const std::string& organisation, int n, unsigned status = 200) {
  http::InspectedRequest r;
  r.time = kStart + std::chrono::milliseconds(n);
  r.listener = "api";
  r.method = "GET";
  r.target = "/v3/accounts?n=" + std::to_string(n);
  r.status = status;
  r.detail_code = status == 200 ? "" : "signature.invalid";
  r.response_id = organisation + "-" + std::to_string(n);
  r.x_request_id = "x-" + std::to_string(n);
  r.organisation = organisation;
  r.checks.push_back(http::CheckVerdict{"mtls", http::Verdict::Passed, {}, {}, {}, {}, {}});
  return r;
}

InspectorSettings settings(std::size_t per_organisation = 100, std::size_t total = 1000) {
  InspectorSettings s;
  s.per_organisation = per_organisation;
  s.total = total;
  s.flush_interval = 10ms;
  s.link_lifetime = std::chrono::seconds(600);
  s.operator_key = "operator-key-0123456789";
  return s;
}

std::vector<std::string> ids(const std::vector<http::InspectedRequest>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.response_id);
  return out;
}

class InspectorTest : public ::testing::Test {
 protected:
  ManualClock clock{kStart};
  SystemRandom random;
  std::unique_ptr<store::InspectorRepository> repository = store::open_inspector_store(":memory:");
};

TEST_F(InspectorTest, RecordsReachTheStoreInTheBackground) {
  Inspector inspector(*repository, settings(), clock, random);
  inspector.record(request("ORG-A", 1));
  inspector.record(request("ORG-A", 2, 401));
  // Not written per request: the writer thread batches them.
  for (int i = 0; i < 500 && repository->count() < 2; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(repository->count(), 2u);
  store::InspectorQuery all;
  auto records = inspector.list(all);
  EXPECT_EQ(ids(records), (std::vector<std::string>{"ORG-A-2", "ORG-A-1"}));  // newest first
  EXPECT_EQ(records[0].status, 401u);
  EXPECT_EQ(records[0].checks.at(0).verdict, http::Verdict::Passed);
}

// A request may bring any bytes: its record is stored and listed with U+FFFD in their place,
// not dropped as unreadable (nor refused by a PostgreSQL text column with its whole batch).
TEST_F(InspectorTest, ARequestWithInvalidUtf8IsListedNotDropped) {
  Inspector inspector(*repository, settings(), clock, random);
  auto bad = request("ORG-A", 1, 400);
  bad.target = "/v3/accounts?q=\xff\xfe";
  bad.request_headers.push_back({"X-Name", "Caf\xe9"});
  bad.request_body = "name=Caf\xe9";
  inspector.record(std::move(bad));
  inspector.record(request("ORG-A", 2));
  store::InspectorQuery all;
  auto records = inspector.list(all);
  ASSERT_EQ(ids(records), (std::vector<std::string>{"ORG-A-2", "ORG-A-1"}));
  EXPECT_EQ(records[1].target, "/v3/accounts?q=\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(records[1].request_body, "name=Caf\xef\xbf\xbd");
}

TEST_F(InspectorTest, FiltersByStatusPathDetailAndRequestId) {
  Inspector inspector(*repository, settings(), clock, random);
  for (int i = 0; i < 6; ++i) inspector.record(request("ORG-A", i, i % 2 ? 401 : 200));
  store::InspectorQuery q;
  q.status = 401;
  EXPECT_EQ(ids(inspector.list(q)), (std::vector<std::string>{"ORG-A-5", "ORG-A-3", "ORG-A-1"}));
  q = {};
  q.x_request_id = "x-4";
  EXPECT_EQ(ids(inspector.list(q)), (std::vector<std::string>{"ORG-A-4"}));
  q = {};
  q.detail_code = "signature.invalid";
  q.limit = 1;
  EXPECT_EQ(ids(inspector.list(q)), (std::vector<std::string>{"ORG-A-5"}));
  q = {};
  q.path_prefix = "/v3/acc";
  EXPECT_EQ(inspector.list(q).size(), 6u);
  q.path_prefix = "/v2/";
  EXPECT_TRUE(inspector.list(q).empty());
  q = {};
  q.since = kStart + 2ms;
  q.until = kStart + 4ms;
  EXPECT_EQ(ids(inspector.list(q)), (std::vector<std::string>{"ORG-A-3", "ORG-A-2"}));
}

TEST_F(InspectorTest, KeepsTheLastNPerOrganisationAndInAll) {
  Inspector inspector(*repository, settings(/*per_organisation=*/3, /*total=*/5), clock, random);
  for (int i = 0; i < 6; ++i) inspector.record(request("ORG-A", i));
  inspector.record(request("ORG-B", 10));
  inspector.record(request("", 11));  // no recognised certificate
  inspector.flush();
  store::InspectorQuery a;
  a.organisation = "ORG-A";
  EXPECT_EQ(ids(inspector.list(a)), (std::vector<std::string>{"ORG-A-5", "ORG-A-4", "ORG-A-3"}));
  EXPECT_EQ(repository->count(), 5u);
  // The total limit drops the oldest of all next.
  for (int i = 20; i < 23; ++i) inspector.record(request("ORG-B", i));
  inspector.flush();
  store::InspectorQuery all;
  EXPECT_EQ(ids(inspector.list(all)),
            (std::vector<std::string>{"ORG-B-22", "ORG-B-21", "ORG-B-20", "-11", "ORG-A-5"}));
}

TEST_F(InspectorTest, OneOrganisationsLinkSeesOnlyItsRequests) {
  Inspector inspector(*repository, settings(), clock, random);
  inspector.record(request("ORG-A", 1));
  inspector.record(request("ORG-B", 2));
  inspector.record(request("", 3));
  auto link_a = inspector.create_link("ORG-A");
  auto link_b = inspector.create_link("ORG-B");
  EXPECT_NE(link_a.token, link_b.token);
  EXPECT_GE(link_a.token.size(), 40u);
  auto viewer_a = inspector.viewer(link_a.token);
  ASSERT_TRUE(viewer_a);
  ASSERT_EQ(viewer_a->organisation, std::optional<std::string>("ORG-A"));
  store::InspectorQuery q;
  q.organisation = viewer_a->organisation;
  EXPECT_EQ(ids(inspector.list(q)), (std::vector<std::string>{"ORG-A-1"}));
  // B's link and B's request id: nothing of A's.
  q.organisation = inspector.viewer(link_b.token)->organisation;
  q.response_id = "ORG-A-1";
  EXPECT_TRUE(inspector.list(q).empty());
  // The operator key sees every request, those without a certificate too.
  auto op = inspector.viewer("operator-key-0123456789");
  ASSERT_TRUE(op);
  EXPECT_FALSE(op->organisation);
  store::InspectorQuery all;
  all.organisation = op->organisation;
  EXPECT_EQ(inspector.list(all).size(), 3u);
  EXPECT_FALSE(inspector.viewer("operator-key-0123456788"));
  EXPECT_FALSE(inspector.viewer(""));
  EXPECT_FALSE(inspector.viewer(link_a.token + "x"));
}

TEST_F(InspectorTest, LinksExpire) {
  Inspector inspector(*repository, settings(), clock, random);
  auto link = inspector.create_link("ORG-A");
  EXPECT_EQ(link.expires_at, kStart + 600s);
  clock.advance(599s);
  EXPECT_TRUE(inspector.viewer(link.token));
  clock.advance(1s);
  EXPECT_FALSE(inspector.viewer(link.token));
}

TEST(InspectorFile, SurvivesARestartAndKeepsOnlyTheSecretsHash) {
  sandbank::testing::TempDir tmp("inspector");
  auto file = (tmp.path() / "inspector.db").string();
  ManualClock clock(kStart);
  SystemRandom random;
  std::string token;
  {
    auto repository = store::open_inspector_store(file);
    Inspector inspector(*repository, settings(), clock, random);
    inspector.record(request("ORG-A", 1));
    token = inspector.create_link("ORG-A").token;
  }  // the destructor writes what is pending
  auto repository = store::open_inspector_store(file);
  Inspector inspector(*repository, settings(), clock, random);
  store::InspectorQuery q;
  EXPECT_EQ(ids(inspector.list(q)), (std::vector<std::string>{"ORG-A-1"}));
  EXPECT_TRUE(inspector.viewer(token));
  // The link's secret is not in the file, only its hash.
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ifstream wal(file + "-wal", std::ios::binary);
  bytes.append((std::istreambuf_iterator<char>(wal)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find(token), std::string::npos);
}

TEST_F(InspectorTest, AFullQueueDropsTheOldestNotTheRequest) {
  auto s = settings();
  s.max_pending = 2;
  s.flush_interval = std::chrono::hours(1);
  Inspector inspector(*repository, s, clock, random);
  inspector.record(request("ORG-A", 1));
  inspector.record(request("ORG-A", 2));
  inspector.record(request("ORG-A", 3));
  EXPECT_EQ(inspector.dropped(), 1u);
  store::InspectorQuery q;
  EXPECT_EQ(ids(inspector.list(q)), (std::vector<std::string>{"ORG-A-3", "ORG-A-2"}));
}

}  // namespace
}  // namespace sandbank::app
