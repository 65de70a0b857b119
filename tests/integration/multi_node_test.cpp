// Several `sandbank serve` nodes on one PostgreSQL database (a schema of the test cluster of
// the CTest fixture pg_cluster): the guide's walkthrough with each step on the other node, the
// races of two nodes answering the same request at once, a node killed with SIGKILL in the
// middle of a flow, changes made through one node seen by the other on its next request, the
// database going away under a node, and the walkthrough through the example HAProxy
// configuration (examples/haproxy/haproxy.cfg). Without PostgreSQL binaries (or haproxy for
// the balancer test) the tests report SKIP with the install command.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <thread>

#include "store/pg/pg.hpp"
#include "support/curl.hpp"
#include "support/guide_calls.hpp"
#include "support/sandbank_server.hpp"
#include "support/store_backends.hpp"
#include "support/temp_dir.hpp"

namespace sandbank::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kAisScopes =
    "payment-accounts%3Abalances%3Aview+payment-accounts%3Atransactions%3Aview";
constexpr const char* kInstallPostgres = "apt-get install postgresql libpq-dev";

std::string path_of(const std::string& url) {
  return url.substr(url.find('/', url.find("://") + 3));
}

json::value parse(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? json::value() : v;
}

std::string detail_of(const HttpResult& r) {
  auto v = parse(r.body);
  if (!v.is_object() || !v.as_object().contains("detail") || !v.at("detail").is_string()) {
    return "";
  }
  return std::string(v.at("detail").as_string());
}

// A schema of its own in the test cluster, dropped at the end.
class Schema {
 public:
  explicit Schema(std::string base_url) : base_url_(std::move(base_url)) {
    static std::atomic<int> counter{0};
    name_ = "nodes" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    store::pg::Connection::open(base_url_)->exec("DROP SCHEMA IF EXISTS " + name_ +
                                                 " CASCADE; CREATE SCHEMA " + name_);
    url_ = store::test_support::with_schema(base_url_, name_);
  }
  ~Schema() {
    try {
      store::pg::Connection::open(base_url_)->exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
    } catch (...) {
    }
  }
  const std::string& url() const { return url_; }
  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_, name_, url_;
};

// The two nodes every test of the suite shares.
class MultiNodeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto url = store::test_support::test_postgres_url(skip_);
    if (!url) return;
    tmp_ = std::make_unique<TempDir>("nodes");
    schema_ = std::make_unique<Schema>(*url);
    a_ = std::make_unique<SandbankServer>(tmp_->path() / "a", node_args());
    b_ = std::make_unique<SandbankServer>(tmp_->path() / "b", node_args());
    a_->start();
    b_->start();
    fs::create_directories(tmp_->path() / "work-a");
    fs::create_directories(tmp_->path() / "work-b");
    ga_ = std::make_unique<GuideClient>(*a_, tmp_->path() / "work-a");
    gb_ = std::make_unique<GuideClient>(*b_, tmp_->path() / "work-b");
  }
  static void TearDownTestSuite() {
    ga_.reset();
    gb_.reset();
    a_.reset();
    b_.reset();
    schema_.reset();
    tmp_.reset();
  }
  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
  }

  static std::vector<std::string> node_args() { return {"--store", schema_->url()}; }

  // The EUR current account of the profile behind `token`: {resourceId, iban}, and the savings.
  struct Accounts {
    std::string current_id, current_iban, savings_id, savings_iban;
  };
  static Accounts accounts_of(const GuideClient& g, const std::string& token) {
    Accounts out;
    auto list = g.call_with(token, "GET", "/v3/accounts", "");
    EXPECT_EQ(list.status, 200) << list.text;
    if (list.status != 200) return out;
    for (const auto& acc : list.body.at("accounts").as_array()) {
      if (acc.at("currency").as_string() != "EUR") continue;
      bool current = acc.at("product").as_string() == "Betaalrekening";
      (current ? out.current_id : out.savings_id) = std::string(acc.at("resourceId").as_string());
      (current ? out.current_iban : out.savings_iban) = std::string(acc.at("iban").as_string());
    }
    return out;
  }
  static std::string instant_payment(const Accounts& acc, const std::string& amount,
                                     const std::string& text) {
    return R"({"instructedAmount":{"amount":")" + amount +
           R"(","currency":"EUR"},"creditorAccount":{"iban":")" + acc.savings_iban +
           R"("},"creditorName":"Alice and Bob","localInstrumentCode":"INST",)"
           R"("remittanceInformationUnstructured":")" +
           text + R"(","debtorAccount":{"iban":")" + acc.current_iban + R"("}})";
  }
  // Whether the booked transactions of `account_id` (read through `g`) hold `transaction_id`.
  static bool booked(const GuideClient& g, const std::string& token, const std::string& account_id,
                     const std::string& transaction_id) {
    auto a = g.call_with(token, "GET",
                         "/v2/accounts/" + account_id + "/transactions?dateFrom=2000-01-01", "");
    EXPECT_EQ(a.status, 200) << a.text;
    if (a.status != 200) return false;
    for (const auto& t : a.body.at("transactions").at("booked").as_array()) {
      if (t.at("transactionId").as_string() == transaction_id) return true;
    }
    return false;
  }
  // A customer token of `profile` with pages alternating: start on `start`, consent on
  // `consent`, the code exchanged through `exchange`.
  static std::string alternating_token(const SandbankServer& start, const SandbankServer& consent,
                                       const GuideClient& exchange, const std::string& profile,
                                       const std::string& scope = kAisScopes) {
    auto code = authorization_code(start, tmp_->path() / ("jar-" + std::to_string(++jars_)),
                                   profile, scope, "https://www.example.com/", "xyz", &consent);
    EXPECT_FALSE(code.empty());
    auto token = exchange.exchange_call(code);
    EXPECT_EQ(token.status, 200) << token.text;
    return token.str("access_token");
  }
  static fs::path jar() { return tmp_->path() / ("jar-" + std::to_string(++jars_)); }

  static inline std::string skip_;
  static inline std::unique_ptr<TempDir> tmp_;
  static inline std::unique_ptr<Schema> schema_;
  static inline std::unique_ptr<SandbankServer> a_, b_;
  static inline std::unique_ptr<GuideClient> ga_, gb_;
  static inline std::atomic<int> jars_{0};
};
// Suite name matches `ctest -R multi_node`.
using multi_node = MultiNodeTest;

TEST_F(multi_node, BothNodesServeTheOnePkiTheFirstCreated) {
  for (const char* name : {"ca.cer", "server.cer", "example_client_tls.cer"}) {
    EXPECT_EQ(store::test_support::read_text(a_->cert(name)),
              store::test_support::read_text(b_->cert(name)))
        << name;
  }
}

// The guide's walkthrough, each step on the other node than the one before.
TEST_F(multi_node, TheWalkthroughWithEachStepOnTheOtherNode) {
  // Step 1 on A: the pre-registered application.
  auto script = fs::path(SANDBANK_SOURCE_DIR) / "tests/interop/guide/step1_register.sh";
  auto registered =
      run_bash("SANDBANK_HOST=" + a_->api_url() + " SANDBANK_CERTS=" + a_->certs_dir().string() +
                   " bash " + script.string() + " 2>/dev/null",
               tmp_->path());
  ASSERT_EQ(registered.exit_code, 0) << registered.err;
  EXPECT_NE(registered.out.find(kSandboxClientId), std::string::npos) << registered.out;
  // Step 2: the mTLS token from B, used on A.
  auto mtls = mtls_token(*b_, kSandboxClientId);
  ASSERT_FALSE(mtls.empty());
  auto app = mtls_curl(*a_, {a_->api_url() + "/oauth2/applications/" + kSandboxClientId, "-H",
                             "Authorization: Bearer " + mtls});
  EXPECT_EQ(app.status, 200) << app.body;

  // Step 3: the signed application token from A; the pages B, A; the code exchanged on B.
  auto app_token = ga_->app_token();
  ASSERT_FALSE(app_token.empty());
  auto code = authorization_code(*b_, jar(), "Alice and Bob", kAisScopes,
                                 "https://www.example.com/", "walk", a_.get());
  ASSERT_FALSE(code.empty());
  auto exchanged = gb_->exchange_call(code, app_token);
  ASSERT_EQ(exchanged.status, 200) << exchanged.text;
  auto token = exchanged.str("access_token");

  // AIS: the accounts on A, the balances on B.
  auto acc = accounts_of(*ga_, token);
  ASSERT_FALSE(acc.current_id.empty());
  ASSERT_FALSE(acc.savings_iban.empty());
  auto balances = gb_->call_with(token, "GET", "/v3/accounts/" + acc.current_id + "/balances", "");
  EXPECT_EQ(balances.status, 200) << balances.text;

  // PIS: created on A, its page opened on B and approved on A, its status read on B, the
  // booking seen through A.
  auto body = instant_payment(acc, "7.25", "Across nodes");
  auto created = ga_->guide_pis("/v1/payments/sepa-credit-transfers", &body);
  ASSERT_EQ(created.status, 201) << created.text;
  const auto& links = created.body.at("_links");
  auto approved = approve_payment(*b_, jar(), std::string(links.at("scaRedirect").as_string()),
                                  acc.current_iban, a_.get());
  EXPECT_EQ(approved.status, 302) << approved.body;
  auto status =
      gb_->guide_pis(path_of(std::string(links.at("status").as_string())), nullptr, "get");
  EXPECT_EQ(status.status, 200) << status.text;
  EXPECT_EQ(status.str("transactionStatus"), "ACSC") << status.text;
  EXPECT_TRUE(booked(*ga_, token, acc.current_id, created.str("paymentId")));
  EXPECT_TRUE(booked(*gb_, token, acc.savings_id, created.str("paymentId") + "-CR"));
}

// One code, exchanged on both nodes at the same moment: one token, the other refused.
TEST_F(multi_node, ACodeExchangedOnTwoNodesAtOnceYieldsOneToken) {
  auto app_token = ga_->app_token();
  for (int round = 0; round < 3; ++round) {
    auto code = authorization_code(*a_, jar(), "Jane Doe", kBalancesScope,
                                   "https://www.example.com/", "race", b_.get());
    ASSERT_FALSE(code.empty());
    ScriptAnswer on_a, on_b;
    std::thread ta([&] { on_a = ga_->exchange_call(code, app_token); });
    std::thread tb([&] { on_b = gb_->exchange_call(code, app_token); });
    ta.join();
    tb.join();
    EXPECT_EQ((on_a.status == 200) + (on_b.status == 200), 1)
        << "A: " << on_a.text << "\nB: " << on_b.text;
    const auto& refused = on_a.status == 200 ? on_b : on_a;
    EXPECT_EQ(refused.status, 400) << refused.text;
    EXPECT_EQ(refused.str("error"), "invalid_grant") << refused.text;
  }
}

// The same payment (one X-Request-ID) sent to both nodes at once is created once.
TEST_F(multi_node, TheSamePaymentToTwoNodesAtOnceIsCreatedOnce) {
  auto token = alternating_token(*a_, *b_, *ga_, "Alice and Bob");
  auto acc = accounts_of(*ga_, token);
  ASSERT_FALSE(acc.current_iban.empty());
  auto body = instant_payment(acc, "1.10", "Sent twice");
  for (int round = 0; round < 3; ++round) {
    char tail[13];
    std::snprintf(tail, sizeof tail, "%012x", static_cast<unsigned>(getpid() * 10 + round));
    const std::string request_id = std::string("7c1e6b2a-0000-4000-8000-") + tail;
    ScriptAnswer on_a, on_b;
    std::thread ta([&] {
      on_a = ga_->guide_pis("/v1/payments/sepa-credit-transfers", &body, "post", request_id);
    });
    std::thread tb([&] {
      on_b = gb_->guide_pis("/v1/payments/sepa-credit-transfers", &body, "post", request_id);
    });
    ta.join();
    tb.join();
    ASSERT_EQ(on_a.status, 201) << on_a.text;
    ASSERT_EQ(on_b.status, 201) << on_b.text;
    EXPECT_EQ(on_a.str("paymentId"), on_b.str("paymentId"));
  }
}

// A revocation, a PUT of the application and a `data reset`, each through one node (or the
// command line against the store), seen by the other node on its very next request although
// it had just answered from its caches.
TEST_F(multi_node, ChangesThroughOneNodeAreSeenByTheOtherOnItsNextRequest) {
  // A customer token revoked on A: B, which just validated it twice, refuses it.
  auto app_token = gb_->app_token();
  auto token = alternating_token(*b_, *a_, *gb_, "John Doe", kBalancesScope);
  ASSERT_EQ(gb_->call_with(token, "GET", "/v3/accounts", "").status, 200);
  ASSERT_EQ(gb_->call_with(token, "GET", "/v3/accounts", "").status, 200);
  auto revoke = ga_->call_with(app_token, "POST", "/oauth2/token/revoke", "token=" + token);
  ASSERT_EQ(revoke.status, 200) << revoke.text;
  auto after = gb_->call_with(token, "GET", "/v3/accounts", "");
  EXPECT_EQ(after.status, 401) << after.text;

  // A PUT of the application on A: the next GET on B shows it.
  auto mtls = mtls_token(*b_, kSandboxClientId);
  auto get_on_b = [&] {
    return mtls_curl(*b_, {b_->api_url() + "/oauth2/applications/" + kSandboxClientId, "-H",
                           "Authorization: Bearer " + mtls});
  };
  ASSERT_EQ(get_on_b().status, 200);
  const std::string contact = "nodes-" + std::to_string(getpid()) + "@example.com";
  // The guide's own update script (step 2b), with this contact, run against A.
  std::ifstream in(fs::path(SANDBANK_SOURCE_DIR) / "tests/interop/guide/step2b_update.sh");
  std::string update((std::istreambuf_iterator<char>(in)), {});
  auto line = update.find("updatePayload=");
  ASSERT_NE(line, std::string::npos);
  update.replace(line, update.find('\n', line) - line,
                 "updatePayload='{\"contact\":\"" + contact +
                     "\",\"redirect_uris\":[\"https://www.example.com/\"]}'");
  auto copy = tmp_->path() / "step2b_update_nodes.sh";
  std::ofstream(copy) << update;
  auto put =
      run_bash("SANDBANK_HOST=" + a_->api_url() + " SANDBANK_CERTS=" + a_->certs_dir().string() +
                   " bash " + copy.string() + " 2>/dev/null",
               tmp_->path());
  ASSERT_EQ(put.exit_code, 0) << put.err;
  ASSERT_NE(put.out.find("\"contact\": \"" + contact + "\""), std::string::npos) << put.out;
  auto got = get_on_b();
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(parse(got.body).at("contact"), contact.c_str()) << got.body;

  // A certificate revoked with `sandbank certs revoke` against the store: B refuses it next.
  TempDir issued_dir("issued");
  auto issued =
      sandbank({"certs", "issue", "--data", a_->data_dir().string(), "--store", schema_->url(),
                "--out", issued_dir.path().string(), "--org", "Node TPP", "--roles", "PSP_AI"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  auto whoami = [&] {
    return curl({"--cacert", b_->ca_cert().string(), "--cert",
                 (issued_dir.path() / "tls.cer").string(), "--key",
                 (issued_dir.path() / "tls.key").string(), b_->api_url() + "/sandbank/whoami"});
  };
  ASSERT_EQ(whoami().status, 200);
  ASSERT_EQ(whoami().status, 200);
  auto revoked = sandbank({"certs", "revoke", "--data", a_->data_dir().string(), "--store",
                           schema_->url(), (issued_dir.path() / "tls.cer").string()});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  auto refused = whoami();
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(detail_of(refused), "mtls.certificate_revoked");

  // A payment booked through A, seen through B; `sandbank data reset` puts the seeded bank
  // back, and B no longer lists the booking.
  auto customer = alternating_token(*a_, *b_, *gb_, "Alice and Bob");
  auto acc = accounts_of(*gb_, customer);
  ASSERT_FALSE(acc.current_iban.empty());
  auto body = instant_payment(acc, "3.30", "Before the reset");
  auto created = ga_->guide_pis("/v1/payments/sepa-credit-transfers", &body);
  ASSERT_EQ(created.status, 201) << created.text;
  auto approved = approve_payment(
      *a_, jar(), std::string(created.body.at("_links").at("scaRedirect").as_string()),
      acc.current_iban);
  ASSERT_EQ(approved.status, 302) << approved.body;
  ASSERT_TRUE(booked(*gb_, customer, acc.current_id, created.str("paymentId")));
  auto reset =
      sandbank({"data", "reset", "--data", a_->data_dir().string(), "--store", schema_->url()});
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  EXPECT_FALSE(booked(*gb_, customer, acc.current_id, created.str("paymentId")));
}

// A third node on the same store is killed with SIGKILL half-way through a consent and a
// payment; A completes both.
TEST_F(multi_node, ANodeKilledMidWalkthroughTheSurvivorCompletesTheFlow) {
  SandbankServer doomed(tmp_->path() / "doomed", node_args());
  doomed.start();
  fs::create_directories(tmp_->path() / "work-doomed");
  GuideClient gd(doomed, tmp_->path() / "work-doomed");

  // The consent: its first page on the doomed node, the code exchanged there; a second
  // consent starts there too.
  auto token = alternating_token(doomed, doomed, gd, "Alice and Bob");
  auto acc = accounts_of(gd, token);
  ASSERT_FALSE(acc.current_iban.empty());
  auto body = instant_payment(acc, "4.40", "Survivor");
  auto created = gd.guide_pis("/v1/payments/sepa-credit-transfers", &body);
  ASSERT_EQ(created.status, 201) << created.text;
  std::string sca(created.body.at("_links").at("scaRedirect").as_string());

  // The page of a second consent opened on the doomed node.
  auto pending_jar = jar();
  auto start = curl({"--cacert", doomed.ca_cert().string(), "-c", pending_jar.string(),
                     doomed.web_url() + "/authorize/v2/NL?client_id=" + kSandboxClientId +
                         "&scope=" + kBalancesScope +
                         "&state=s&response_type=code&redirect_uri=" + kExampleRedirectEncoded});
  ASSERT_EQ(start.status, 200) << start.body;
  auto csrf = first_match(start.body, "name=\"csrf_token\" value=\"([^\"]+)\"");
  auto profile = first_match(start.body,
                             "name=\"profile\" value=\"([^\"]+)\"[^>]*>\\s*<span "
                             "class=\"profile-name\">Jane Doe<");
  ASSERT_FALSE(profile.empty()) << start.body;

  EXPECT_EQ(doomed.terminate(SIGKILL), 128 + SIGKILL);

  // The consent finished on A: its code, exchanged on A, gives a token A accepts.
  auto done = curl({"--cacert", a_->ca_cert().string(), "-b", pending_jar.string(),
                    "--data-urlencode", "csrf_token=" + csrf, "--data",
                    "profile=" + profile + "&action=next", a_->web_url() + "/authorize/consent"});
  ASSERT_EQ(done.status, 302) << done.body;
  auto code = first_match(done.header("Location").value_or(""), "[?&]code=([^&]+)");
  ASSERT_FALSE(code.empty());
  auto second = ga_->exchange_call(code);
  ASSERT_EQ(second.status, 200) << second.text;
  EXPECT_EQ(ga_->call_with(second.str("access_token"), "GET", "/v3/accounts", "").status, 200);

  // The token the dead node issued works on A; the payment it accepted is approved on A.
  EXPECT_EQ(ga_->call_with(token, "GET", "/v3/accounts", "").status, 200);
  auto approved = approve_payment(*a_, jar(), sca, acc.current_iban, a_.get());
  EXPECT_EQ(approved.status, 302) << approved.body;
  auto status = ga_->guide_pis(
      "/v1/payments/sepa-credit-transfers/" + created.str("paymentId") + "/status", nullptr, "get");
  EXPECT_EQ(status.str("transactionStatus"), "ACSC") << status.text;
  EXPECT_TRUE(booked(*ga_, token, acc.current_id, created.str("paymentId")));
}

// The walkthrough through examples/haproxy/haproxy.cfg, round robin over A and B.
TEST_F(multi_node, TheWalkthroughThroughTheExampleHaproxyBalancer) {
  if (run({"sh", "-c", "command -v haproxy"}).exit_code != 0) {
    GTEST_SKIP() << "haproxy not installed; install it with: apt-get install haproxy";
  }
  auto free_port = [] {
    auto r = run({"python3", "-c",
                  "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); "
                  "print(s.getsockname()[1])"});
    return std::stoi(r.out);
  };
  const int api_port = free_port();
  int web_port = free_port();
  while (web_port == api_port) web_port = free_port();
  auto authority = [](const std::string& url) { return url.substr(url.find("://") + 3); };
  const std::string lb_api = "127.0.0.1:" + std::to_string(api_port);
  const std::string lb_web = "127.0.0.1:" + std::to_string(web_port);
  const auto config = fs::path(SANDBANK_SOURCE_DIR) / "examples/haproxy/haproxy.cfg";
  const auto pid_file = tmp_->path() / "haproxy.pid";
  const std::string env = "SANDBANK_LB_API=" + lb_api + " SANDBANK_LB_WEB=" + lb_web +
                          " SANDBANK_NODE1_API=" + authority(a_->api_url()) +
                          " SANDBANK_NODE1_WEB=" + authority(a_->web_url()) +
                          " SANDBANK_NODE2_API=" + authority(b_->api_url()) +
                          " SANDBANK_NODE2_WEB=" + authority(b_->web_url());
  auto check = run_bash(env + " haproxy -c -q -f " + config.string(), tmp_->path());
  ASSERT_EQ(check.exit_code, 0) << check.out << check.err;
  auto started = run_bash(env + " haproxy -D -p " + pid_file.string() + " -f " + config.string(),
                          tmp_->path());
  ASSERT_EQ(started.exit_code, 0) << started.out << started.err;
  struct Stop {
    fs::path pid_file;
    ~Stop() {
      std::ifstream in(pid_file);
      int pid = 0;
      if (in >> pid && pid > 0) kill(pid, SIGTERM);
    }
  } stop{pid_file};

  // The balancer, seen by the helpers as one server with A's copy of the PKI.
  SandbankServer lb(a_->data_dir());
  lb.reach_at("https://" + lb_api, "https://" + lb_web);
  for (int i = 0;
       i < 50 && curl({"--cacert", lb.ca_cert().string(), lb.web_url() + "/health"}).curl_exit != 0;
       ++i) {
    std::this_thread::sleep_for(100ms);
  }
  GuideClient gl(lb, tmp_->path() / "work-a");
  const auto before_a = a_->log().size(), before_b = b_->log().size();

  auto app_token = gl.app_token();
  ASSERT_FALSE(app_token.empty());
  auto token = alternating_token(lb, lb, gl, "Alice and Bob");
  ASSERT_FALSE(token.empty());
  auto acc = accounts_of(gl, token);
  ASSERT_FALSE(acc.current_iban.empty());
  EXPECT_EQ(gl.call_with(token, "GET", "/v3/accounts/" + acc.current_id + "/balances", "").status,
            200);
  auto body = instant_payment(acc, "2.20", "Through the balancer");
  auto created = gl.guide_pis("/v1/payments/sepa-credit-transfers", &body);
  ASSERT_EQ(created.status, 201) << created.text;
  auto approved = approve_payment(
      lb, jar(), std::string(created.body.at("_links").at("scaRedirect").as_string()),
      acc.current_iban, &lb);
  EXPECT_EQ(approved.status, 302) << approved.body;
  EXPECT_TRUE(booked(gl, token, acc.current_id, created.str("paymentId")));

  // Round robin: both nodes answered part of it (their access logs grew).
  EXPECT_GT(a_->log().size(), before_a);
  EXPECT_GT(b_->log().size(), before_b);
}

// An upgrade seen by the nodes: the schema checks run when a node starts. A node already
// running when a newer binary migrates the store goes on serving; a node of the older binary
// started afterwards is refused with store.too_new and exits. (Here the newer binary's
// migration is a row in schema_migrations with a version this binary does not know.)
TEST_F(multi_node, AfterANewerBinaryMigratedOlderNodesKeepRunningButCannotStart) {
  Schema own(schema_->base_url());
  SandbankServer running(tmp_->path() / "upgrade-old", {"--store", own.url()});
  running.start();
  ASSERT_EQ(mtls_token_call(running, kSandboxClientId).status, 200);
  store::pg::Connection::open(own.url())->exec(
      "INSERT INTO schema_migrations (version, name) VALUES (1000, 'from_a_newer_binary')");

  EXPECT_EQ(mtls_token_call(running, kSandboxClientId).status, 200);
  SandbankServer restarted(tmp_->path() / "upgrade-old-2", {"--store", own.url()});
  try {
    restarted.start();
    ADD_FAILURE() << "an older binary started on a newer schema";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("schema version 1000"), std::string::npos) << what;
    EXPECT_NE(what.find("use a newer Sandbank binary"), std::string::npos) << what;
  }
  EXPECT_FALSE(restarted.running());
}

// A node whose database goes away (a cluster of its own, stopped under it) answers 503 with
// detail store.unavailable in the JSON body, and recovers by itself when the database is back.
TEST(multi_node_database_loss, TheNodeAnswers503AndRecoversByItself) {
  std::string why;
  if (!store::test_support::test_postgres_url(why)) {
    GTEST_SKIP() << why << " (" << kInstallPostgres << ")";
  }
  const std::string script = std::string(SANDBANK_SOURCE_DIR) + "/tests/support/pg_cluster.sh";
  TempDir tmp("pg-loss");
  const auto cluster = (tmp.path() / "cluster").string();
  ASSERT_EQ(run({script, "start", cluster}).exit_code, 0);
  struct Stop {
    std::string script, dir;
    ~Stop() { run({script, "stop", dir}); }
  } stop{script, cluster};
  const auto url = store::test_support::read_text(cluster + "/url");

  SandbankServer node(tmp.path() / "data", {"--store", url});
  node.start();
  ASSERT_EQ(mtls_token_call(node, kSandboxClientId).status, 200);

  ASSERT_EQ(run({script, "halt", cluster}).exit_code, 0);
  for (int i = 0; i < 3; ++i) {
    auto down = mtls_token_call(node, kSandboxClientId);
    EXPECT_EQ(down.status, 503) << down.body;
    EXPECT_EQ(detail_of(down), "store.unavailable") << down.body;
    EXPECT_NE(down.header("Content-Type").value_or("").find("json"), std::string::npos)
        << down.headers;
  }

  ASSERT_EQ(run({script, "resume", cluster}).exit_code, 0);
  auto back = mtls_token_call(node, kSandboxClientId);
  EXPECT_EQ(back.status, 200) << back.body;
  EXPECT_TRUE(node.running());
}

}  // namespace
}  // namespace sandbank::testing
