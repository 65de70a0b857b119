// Two `sandbank serve` processes on one data directory (one SQLite file): the customer's pages
// go to alternate nodes and the code is exchanged on the other one, as behind a load balancer.
#include <gtest/gtest.h>

#include "support/curl.hpp"
#include "support/guide_calls.hpp"
#include "support/sandbank_server.hpp"
#include "support/temp_dir.hpp"

namespace sandbank::testing {
namespace {

constexpr const char* kClientId = "5ca1ab1e-c0ca-c01a-cafe-154deadbea75";

class SharedStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir();
    first_ = new SandbankServer(tmp_->path() / "data");
    first_->start();
    second_ = new SandbankServer(tmp_->path() / "data");
    second_->start();
  }
  static void TearDownTestSuite() {
    delete second_;
    delete first_;
    delete tmp_;
  }

  static std::string ca() { return first_->cert("ca.cer").string(); }

  static TempDir* tmp_;
  static SandbankServer* first_;
  static SandbankServer* second_;
};
TempDir* SharedStoreTest::tmp_ = nullptr;
SandbankServer* SharedStoreTest::first_ = nullptr;
SandbankServer* SharedStoreTest::second_ = nullptr;

TEST_F(SharedStoreTest, EachPageOfTheAuthorizationOnTheOtherNode) {
  auto jar = (tmp_->path() / "jar-walk").string();
  auto start = curl({"--cacert", ca(), "-c", jar,
                     first_->web_url() + "/authorize/v2?client_id=" + kClientId +
                         "&scope=payment-accounts%3Abalances%3Aview&state=s1&response_type=code"
                         "&redirect_uri=https%3A%2F%2Fwww.example.com%2F"});
  ASSERT_EQ(start.status, 200) << start.body;
  auto csrf = first_match(start.body, "name=\"csrf_token\" value=\"([^\"]+)\"");
  ASSERT_FALSE(csrf.empty()) << start.body;

  auto chosen = curl({"--cacert", ca(), "-b", jar, "--data-urlencode", "csrf_token=" + csrf,
                      "--data", "country=NL", second_->web_url() + "/authorize/country"});
  EXPECT_EQ(chosen.status, 303) << chosen.body;

  auto profiles = curl({"--cacert", ca(), "-b", jar, first_->web_url() + "/authorize/profiles"});
  ASSERT_EQ(profiles.status, 200) << profiles.body;
  EXPECT_NE(profiles.body.find("data-outcome=\"select-profile\""), std::string::npos);
  auto profile = first_match(profiles.body,
                             "name=\"profile\" value=\"([^\"]+)\"[^>]*>\\s*<span "
                             "class=\"profile-name\">Jane Doe<");
  ASSERT_FALSE(profile.empty()) << profiles.body;

  auto done =
      curl({"--cacert", ca(), "-b", jar, "--data-urlencode", "csrf_token=" + csrf, "--data",
            "profile=" + profile + "&action=next", second_->web_url() + "/authorize/consent"});
  ASSERT_EQ(done.status, 302) << done.body;
  auto code = first_match(done.header("Location").value_or(""), "[?&]code=([^&]+)");
  ASSERT_FALSE(code.empty());
  // The same POST again, now on the first node: the session is gone everywhere.
  auto again =
      curl({"--cacert", ca(), "-b", jar, "--data-urlencode", "csrf_token=" + csrf, "--data",
            "profile=" + profile + "&action=next", first_->web_url() + "/authorize/consent"});
  EXPECT_EQ(again.status, 400);
  EXPECT_NE(again.body.find("data-error=\"session_expired\""), std::string::npos);

  // The code the second node issued, exchanged on the first.
  auto app = signed_call(*first_, tmp_->path(), "/oauth2/token", "grant_type=client_credentials");
  ASSERT_EQ(app.status, 200) << app.text;
  auto token =
      signed_call(*first_, tmp_->path(), "/oauth2/token",
                  "grant_type=authorization_code&code=" + code +
                      "&redirect_uri=https%3A%2F%2Fwww.example.com%2F",
                  {"BEARER='" + app.str("access_token") + "'", std::string("KEY_ID=") + kClientId});
  ASSERT_EQ(token.status, 200) << token.text;
  EXPECT_EQ(token.str("scope"), "payment-accounts:balances:view");
}

}  // namespace
}  // namespace sandbank::testing
