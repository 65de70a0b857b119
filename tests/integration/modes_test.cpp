// `serve --mode production` (no pre-registered application, as in ING's production) and the
// production prerequisites that hold in both modes: UK Open Banking (OBIE) certificates of a CA
// given with --trust.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "support/server_suite.hpp"

namespace sandbank::testing {
namespace {
namespace fs = std::filesystem;

boost::json::value json_of(const HttpResult& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (ec) ADD_FAILURE() << "not JSON: " << r.body;
  return v;
}

std::string field(const HttpResult& r, const char* name) {
  auto v = json_of(r);
  if (!v.is_object() || !v.as_object().contains(name)) return "";
  const auto& f = v.as_object().at(name);
  return f.is_string() ? std::string(f.as_string()) : boost::json::serialize(f);
}

HttpResult mtls(const SandbankServer& server, const fs::path& cert, const fs::path& key,
                std::vector<std::string> args) {
  return mtls_curl(server, std::move(args), cert, key);
}

HttpResult mtls_token(const SandbankServer& server) {
  return mtls_token_call(server, kSandboxClientId);
}

TEST(ServeModes, ProductionHasNoPreRegisteredApplicationUntilTheTppRegisters) {
  TempDir tmp;
  {
    SandbankServer server(tmp.path() / "data", {"--mode", "production"});
    server.start();
    auto token = mtls_token(server);
    EXPECT_EQ(token.status, 401) << token.body;
    EXPECT_EQ(field(token, "detail"), "client.unknown") << token.body;
    auto whoami =
        mtls(server, server.cert("example_client_tls.cer"), server.cert("example_client_tls.key"),
             {server.api_url() + "/sandbank/whoami"});
    EXPECT_EQ(whoami.status, 200) << whoami.body;
    EXPECT_EQ(field(whoami, "client_id"), "null") << whoami.body;
    EXPECT_NE(server.log().find("production mode"), std::string::npos) << server.log();

    // Production step 1: the TPP registers its certificates and gets a client_id of its own;
    // every later step of the guide works with it.
    auto walk = sandbank({"tpp", "--data", server.data_dir().string(), "walkthrough"});
    EXPECT_EQ(walk.exit_code, 0) << walk.out << walk.err;
    EXPECT_NE(walk.out.find(
                  "register           POST /oauth2/applications                            201"),
              std::string::npos)
        << walk.out;
    auto again = mtls_token(server);
    EXPECT_EQ(again.status, 401) << again.body;  // the sandbox client_id stays unknown
    EXPECT_EQ(server.terminate(), 0);
  }
  {
    // Back in sandbox mode the pre-registered application is not restored over the TPP's own
    // registration of the example certificate; the log says why.
    SandbankServer server(tmp.path() / "data");
    server.start();
    EXPECT_NE(server.log().find("is not restored"), std::string::npos) << server.log();
    EXPECT_EQ(mtls_token(server).status, 401);
  }
}

TEST(ServeModes, SandboxModePutsThePreRegisteredApplicationBack) {
  TempDir tmp;
  auto config = tmp.path() / "sandbank.toml";
  std::ofstream(config) << "mode = \"production\"\n";
  {
    SandbankServer server(tmp.path() / "data", {"--config", config.string()});
    server.start();
    EXPECT_EQ(mtls_token(server).status, 401);
  }
  SandbankServer server(tmp.path() / "data");
  server.start();
  EXPECT_NE(server.log().find("is back"), std::string::npos) << server.log();
  auto token = mtls_token(server);
  EXPECT_EQ(token.status, 200) << token.body;
  EXPECT_EQ(field(token, "client_id"), kSandboxClientId);
}

TEST(ServeModes, AnUnknownModeIsRefused) {
  TempDir tmp;
  auto r = sandbank({"serve", "--data", (tmp.path() / "data").string(), "--mode", "staging"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("--mode"), std::string::npos) << r.out << r.err;
}

// The guide's production prerequisites: eIDAS or OBIE certificates. An OBWac of a CA given
// with --trust passes mutual TLS and shows its PSD2 attributes; without --trust it is refused.
TEST(ServeModes, OpenBankingCertificatesOfATrustedCaPassMutualTls) {
  TempDir tmp;
  auto out = tmp.path() / "uk-tpp";
  auto issued = sandbank({"certs", "issue", "--style", "obie", "--out", out.string(), "--org",
                          "UK TPP Ltd", "--roles", "PSP_AI,PSP_PI"});
  ASSERT_EQ(issued.exit_code, 0) << issued.out << issued.err;
  EXPECT_NE(issued.out.find("--trust"), std::string::npos) << issued.out;
  for (const char* f : {"tls.cer", "tls.key", "signing.cer", "signing.key", "ca.cer", "ca.key"}) {
    EXPECT_TRUE(fs::exists(out / f)) << f;
  }
  {
    SandbankServer plain(tmp.path() / "plain");
    plain.start();
    auto refused =
        mtls(plain, out / "tls.cer", out / "tls.key", {plain.api_url() + "/sandbank/whoami"});
    EXPECT_EQ(refused.status, 401) << refused.body;
    EXPECT_EQ(field(refused, "detail"), "mtls.certificate_untrusted") << refused.body;
  }
  SandbankServer server(tmp.path() / "data", {"--trust", (out / "ca.cer").string()});
  server.start();
  auto whoami =
      mtls(server, out / "tls.cer", out / "tls.key", {server.api_url() + "/sandbank/whoami"});
  ASSERT_EQ(whoami.status, 200) << whoami.body;
  EXPECT_EQ(field(whoami, "organizationIdentifier").substr(0, 10), "PSDGB-FCA-") << whoami.body;
  EXPECT_EQ(field(whoami, "roles"), "[\"PSP_AI\",\"PSP_PI\"]") << whoami.body;
}

}  // namespace
}  // namespace sandbank::testing
