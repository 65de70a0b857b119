// `sandbank tpp` against a real `sandbank serve`.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/sandbank_process.hpp"

namespace sandbank::testing {
namespace {

class tpp_cli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir();
    server_ = new SandbankServer(tmp_->path() / "data");
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete tmp_;
  }
  static std::string data() { return server_->data_dir().string(); }
  static TempDir* tmp_;
  static SandbankServer* server_;
};
TempDir* tpp_cli::tmp_ = nullptr;
SandbankServer* tpp_cli::server_ = nullptr;

TEST_F(tpp_cli, CallWhoamiOverMutualTlsVerifiedAgainstTheSandboxCa) {
  auto r = sandbank({"tpp", "--data", data(), "call", "GET", "/sandbank/whoami"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto v = boost::json::parse(r.out).as_object();
  EXPECT_EQ(v.at("serialNumber").as_string(), "5A4D1C3B");  // the example TLS certificate
  EXPECT_NE(r.out.find("\n  \""), std::string::npos) << "pretty-printed";
  auto raw = sandbank({"tpp", "--data", data(), "--raw", "call", "GET", "/sandbank/whoami"});
  EXPECT_EQ(raw.out.find("\n  "), std::string::npos);
}

TEST_F(tpp_cli, VerboseShowsRequestAndResponseHeaders) {
  auto r = sandbank({"tpp", "--data", data(), "-v", "call", "GET", "/health"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("> GET " + server_->api_url() + "/health"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("< X-ING-Response-ID: "), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("\"status\""), std::string::npos);
}

TEST_F(tpp_cli, DryRunRegisterPrintsTheSignedRequestWithoutSending) {
  auto r = sandbank({"tpp", "--data", data(), "-v", "--dry-run", "register", "--contact",
                     "test@ingsandbox.com", "--redirect-uri", "https://example.com"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("> POST " + server_->api_url() + "/oauth2/applications"), std::string::npos);
  EXPECT_NE(r.out.find("> x-jws-signature: ey"), std::string::npos);
  EXPECT_NE(r.out.find("> TPP-Signature-Certificate: -----BEGIN CERTIFICATE-----MII"),
            std::string::npos);
  EXPECT_NE(r.out.find(".(request-target): post /oauth2/applications\n*   digest: SHA-256="),
            std::string::npos);
  EXPECT_NE(
      r.out.find(R"(> {"contact":"test@ingsandbox.com","redirect_uris":["https://example.com"]})"),
      std::string::npos)
      << r.out;
}

TEST_F(tpp_cli, UntrustedServerIsRefusedUnlessInsecure) {
  // The system store does not know the sandbox CA.
  auto r = sandbank({"tpp", "--data", data(), "--ca", "/dev/null", "call", "GET", "/health"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto insecure = sandbank(
      {"tpp", "--data", data(), "--ca", "/dev/null", "--insecure", "call", "GET", "/health"});
  EXPECT_EQ(insecure.exit_code, 0) << insecure.err;
}

TEST_F(tpp_cli, InitWritesAProfileThatWorks) {
  auto profile = (tmp_->path() / "p.toml").string();
  auto init = sandbank({"tpp", "init", "--data", data(), "--profile", profile});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto r = sandbank({"tpp", "--profile", profile, "call", "GET", "/sandbank/whoami"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto again = sandbank({"tpp", "init", "--data", data(), "--profile", profile});
  EXPECT_EQ(again.exit_code, 2);
}

TEST_F(tpp_cli, KeyMismatchIsReportedWithTheFileNames) {
  auto key = server_->cert("example_client_signing.key").string();
  auto r = sandbank({"tpp", "--data", data(), "--tls-key", key, "call", "GET", "/health"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("tpp.key_mismatch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("example_client_signing.key"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sandbank::testing
