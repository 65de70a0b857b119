// The request inspector on the real binary: a TPP's link over mutual TLS, its list and detail
// pages (HTML and JSON), the checks of a badly signed call with the troubleshooting cause, no
// secret in what it shows, the access log agreeing, two TPPs that cannot see each other's
// requests, the operator's key, records surviving a restart and links expiring.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <set>
#include <thread>

#include "support/server_suite.hpp"

namespace sandbank::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kOperatorKey = "operator-key-for-the-tests-0123456789";

class InspectorIntegration : public ServerSuite<InspectorIntegration> {
 public:
  static std::vector<std::string> serve_args() {
    return {"--inspector-operator-key", kOperatorKey};
  }

 protected:
  // GET /sandbank/inspector over mutual TLS with the pair in `certs` (the example one when empty).
  static json::object link(const fs::path& cert = {}, const fs::path& key = {}) {
    auto r = mtls_curl(*server_, {server_->api_url() + "/sandbank/inspector"}, cert, key);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    return json::parse(r.body).as_object();
  }
  static HttpResult web_get(const std::string& url, bool as_json) {
    std::vector<std::string> args = {"--cacert", server_->ca_cert().string(), url};
    if (as_json) args.insert(args.begin(), {"-H", "Accept: application/json"});
    return curl(args);
  }
  static json::array list(const std::string& url, const std::string& query = "") {
    auto r = web_get(url + query, true);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).at("requests").as_array();
  }
  static std::set<std::string> response_ids(const json::array& requests) {
    std::set<std::string> out;
    for (const auto& r : requests) out.insert(std::string(r.at("response_id").as_string()));
    return out;
  }
  static std::string url_of(const json::object& l) { return std::string(l.at("url").as_string()); }
};

TEST_F(InspectorIntegration, ABadlySignedCallShowsItsFailedCheckAndCauseAndNoSecret) {
  auto app = guide_->app_token();
  auto john = guide_->customer_token("John Doe", kBalancesScope, app);
  ASSERT_EQ(guide_->call_with(john, "GET", "/v3/accounts", "").status, 200);
  auto bad = guide_->call_with(john, "GET", "/v3/accounts", "", {"SIGN_TRAILING_NEWLINE=1"});
  ASSERT_EQ(bad.status, 401) << bad.text;
  ASSERT_EQ(bad.detail(), "signature.invalid") << bad.text;

  auto l = link();
  ASSERT_FALSE(l.empty());
  auto url = url_of(l);
  EXPECT_EQ(url.rfind(server_->web_url() + "/sandbank/inspector/", 0), 0u) << url;
  EXPECT_TRUE(l.contains("expires_at"));

  auto failed = list(url, "?detail=signature.invalid");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].at("status").as_int64(), 401);
  EXPECT_EQ(failed[0].at("target").as_string(), "/v3/accounts");
  auto id = std::string(failed[0].at("response_id").as_string());

  // The access log line of the same response: same id, same detail code.
  auto log = server_->log();
  auto at = log.find("id=" + id);
  ASSERT_NE(at, std::string::npos) << log;
  auto line_start = log.rfind('\n', at);
  auto line = log.substr(line_start + 1, log.find('\n', at) - line_start - 1);
  EXPECT_NE(line.find("detail=signature.invalid"), std::string::npos) << line;
  EXPECT_NE(line.find(" 401 "), std::string::npos) << line;

  auto detail = web_get(url + "/requests/" + id, true);
  ASSERT_EQ(detail.status, 200) << detail.body;
  auto record = json::parse(detail.body).as_object();
  std::map<std::string, json::object> checks;
  for (const auto& c : record.at("checks").as_array()) {
    checks[std::string(c.at("name").as_string())] = c.as_object();
  }
  EXPECT_EQ(checks["mtls"].at("verdict").as_string(), "passed");
  EXPECT_EQ(checks["token"].at("verdict").as_string(), "passed");
  EXPECT_EQ(checks["date"].at("verdict").as_string(), "passed");
  EXPECT_EQ(checks["digest"].at("verdict").as_string(), "passed");
  EXPECT_EQ(checks["signature"].at("verdict").as_string(), "failed");
  EXPECT_EQ(checks["signature"].at("code").as_string(), "signature.invalid");
  EXPECT_EQ(checks["signature"].at("cause").as_string(), "trailing_newline");
  EXPECT_NE(std::string(checks["signature"].at("signing_string").as_string())
                .find("(request-target): get /v3/accounts"),
            std::string::npos);
  EXPECT_EQ(checks["scope"].at("verdict").as_string(), "not_reached");
  EXPECT_EQ(record.at("client_id").as_string(), kSandboxClientId);
  EXPECT_NE(std::string(record.at("curl").as_string()).find("curl "), std::string::npos);

  // The HTML page of the same request, and the list page, without JavaScript.
  auto page = web_get(url + "/requests/" + id, false);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.header("Content-Type").value_or("").find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("data-check=\"signature\""), std::string::npos);
  EXPECT_NE(page.body.find("trailing_newline"), std::string::npos);
  auto list_page = web_get(url + "?status=401", false);
  ASSERT_EQ(list_page.status, 200);
  EXPECT_NE(list_page.body.find(id), std::string::npos);

  // No token in full anywhere the inspector shows it.
  auto everything =
      web_get(url + "?limit=200", true).body + detail.body + page.body + list_page.body;
  for (const auto& r : list(url, "?limit=200")) {
    everything +=
        web_get(url + "/requests/" + std::string(r.at("response_id").as_string()), true).body;
  }
  EXPECT_EQ(everything.find(john), std::string::npos);
  EXPECT_EQ(everything.find(app), std::string::npos);
}

TEST_F(InspectorIntegration, AnotherTppsLinkCannotSeeTheseRequests) {
  // The example TPP calls whoami; a second TPP (another organisation) calls it too.
  auto mine = mtls_curl(*server_, {server_->api_url() + "/sandbank/whoami"});
  ASSERT_EQ(mine.status, 200);
  auto mine_id = mine.header("X-ING-Response-ID").value_or("");
  auto other = tmp_->path() / "other-tpp";
  auto issued =
      sandbank({"certs", "issue", "--data", server_->data_dir().string(), "--out", other.string(),
                "--org", "Other TPP", "--org-id", "PSDNL-SBX-9999999999", "--roles", "PSP_AI"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  auto theirs = mtls_curl(*server_, {server_->api_url() + "/sandbank/whoami"}, other / "tls.cer",
                          other / "tls.key");
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  auto theirs_id = theirs.header("X-ING-Response-ID").value_or("");
  // A client without a certificate: only the operator sees it.
  auto anonymous =
      curl({"--cacert", server_->ca_cert().string(), server_->api_url() + "/sandbank/whoami"});
  ASSERT_EQ(anonymous.status, 401);
  auto anonymous_id = anonymous.header("X-ING-Response-ID").value_or("");
  ASSERT_FALSE(mine_id.empty());
  ASSERT_FALSE(theirs_id.empty());
  ASSERT_FALSE(anonymous_id.empty());

  auto my_url = url_of(link());
  auto their_link = link(other / "tls.cer", other / "tls.key");
  EXPECT_EQ(their_link.at("organisation").as_string(), "PSDNL-SBX-9999999999");
  auto their_url = url_of(their_link);

  auto my_ids = response_ids(list(my_url, "?limit=200"));
  auto their_ids = response_ids(list(their_url, "?limit=200"));
  EXPECT_TRUE(my_ids.count(mine_id));
  EXPECT_FALSE(my_ids.count(theirs_id));
  EXPECT_FALSE(my_ids.count(anonymous_id));
  EXPECT_TRUE(their_ids.count(theirs_id));
  EXPECT_FALSE(their_ids.count(mine_id));
  EXPECT_FALSE(their_ids.count(anonymous_id));
  // Asking for the other's request by its id: not found, in JSON and on the page.
  auto probe = web_get(their_url + "/requests/" + mine_id, true);
  EXPECT_EQ(probe.status, 404);
  EXPECT_NE(probe.body.find("inspector.not_found"), std::string::npos) << probe.body;
  EXPECT_EQ(web_get(their_url + "/requests/" + mine_id, false).status, 404);
  // The JSON twin with B's token as a bearer: the same view.
  auto token = their_url.substr(their_url.rfind('/') + 1);
  auto twin = curl({"--cacert", server_->ca_cert().string(), "-H", "Authorization: Bearer " + token,
                    server_->web_url() + "/sandbank/requests?limit=200"});
  ASSERT_EQ(twin.status, 200) << twin.body;
  EXPECT_EQ(response_ids(json::parse(twin.body).at("requests").as_array()), their_ids);

  // The operator sees all three.
  auto all =
      response_ids(list(server_->web_url() + "/sandbank/inspector/" + kOperatorKey, "?limit=200"));
  EXPECT_TRUE(all.count(mine_id));
  EXPECT_TRUE(all.count(theirs_id));
  EXPECT_TRUE(all.count(anonymous_id));

  // A made-up link: 404 inspector.link_invalid, JSON when asked for.
  auto guessed = web_get(server_->web_url() + "/sandbank/inspector/" + std::string(43, 'A'), true);
  EXPECT_EQ(guessed.status, 404);
  EXPECT_NE(guessed.body.find("inspector.link_invalid"), std::string::npos) << guessed.body;
  // A bad filter: 400.
  auto bad = web_get(my_url + "?status=abc", true);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("inspector.filter_invalid"), std::string::npos) << bad.body;
}

TEST_F(InspectorIntegration, TheCommandLinesPrintTheRecentRequestsAndTheLink) {
  auto data = server_->data_dir().string();
  ASSERT_EQ(mtls_curl(*server_, {server_->api_url() + "/sandbank/whoami"}).status, 200);
  auto anonymous = curl({"--cacert", server_->ca_cert().string(), server_->api_url() + "/health"});
  ASSERT_EQ(anonymous.status, 200);
  // The TPP's view: its link, then its requests newest first.
  auto mine = sandbank({"tpp", "--data", data, "inspect", "--last", "5"});
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  EXPECT_NE(mine.out.find(server_->web_url() + "/sandbank/inspector/"), std::string::npos)
      << mine.out;
  EXPECT_NE(mine.out.find("/sandbank/whoami"), std::string::npos) << mine.out;
  EXPECT_EQ(mine.out.find("/health"), std::string::npos) << mine.out;
  // -v after a failed request: the link on stderr.
  auto failed =
      sandbank({"tpp", "--data", data, "-v", "call", "GET", "/sandbank/nothing", "--auth", "none"});
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_NE(
      failed.err.find("what the server saw of it: " + server_->web_url() + "/sandbank/inspector/"),
      std::string::npos)
      << failed.err;
  // The operator's view on the machine: every client's, the one without a certificate too.
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // the writer's next batch
  auto all = sandbank({"inspect", "--data", data, "--last", "200"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find("(no certificate)"), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("/health"), std::string::npos);
  EXPECT_NE(all.out.find("/sandbank/nothing"), std::string::npos);
  EXPECT_NE(all.out.find("route.not_found"), std::string::npos);
}

TEST_F(InspectorIntegration, RecordsSurviveARestartAndLinksExpire) {
  auto id_of = [](const HttpResult& r) { return r.header("X-ING-Response-ID").value_or(""); };
  // Written by the background batch within a second: kept even when the process is killed.
  auto batched = id_of(mtls_curl(*server_, {server_->api_url() + "/sandbank/whoami"}));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  restart_server(serve_args());  // SIGKILL
  // Still waiting in memory when the server stops: written on the way out of a SIGTERM.
  auto last = id_of(mtls_curl(*server_, {server_->api_url() + "/sandbank/whoami"}));
  ASSERT_FALSE(batched.empty());
  ASSERT_FALSE(last.empty());
  ASSERT_EQ(server_->terminate(), 0);
  restart_server({"--inspector-operator-key", kOperatorKey, "--inspector-link-lifetime", "1"});
  auto all =
      response_ids(list(server_->web_url() + "/sandbank/inspector/" + kOperatorKey, "?limit=200"));
  EXPECT_TRUE(all.count(batched));
  EXPECT_TRUE(all.count(last));
  auto url = url_of(link());
  EXPECT_EQ(web_get(url, true).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto expired = web_get(url, true);
  EXPECT_EQ(expired.status, 404);
  EXPECT_NE(expired.body.find("inspector.link_invalid"), std::string::npos) << expired.body;
  restart_server(serve_args());
}

}  // namespace
}  // namespace sandbank::testing
