// OAuth 2.0 on the real binary: the guide's own scripts (tests/interop/guide) and curl.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "support/server_suite.hpp"

namespace sandbank::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

json::value parse(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) ADD_FAILURE() << "not JSON: " << text;
  return v;
}

std::string member(const HttpResult& r, const char* name) {
  auto v = parse(r.body);
  if (!v.is_object() || !v.as_object().contains(name) || !v.at(name).is_string()) return "";
  return std::string(v.at(name).as_string());
}

class OAuthTest : public ServerSuite<OAuthTest> {
 protected:
  static void SetUpTestSuite() {
    ServerSuite::SetUpTestSuite();
    // A second TPP, its files named as the guide's scripts expect.
    other_ = tmp_->path() / "other";
    auto issued = sandbank({"certs", "issue", "--data", server_->data_dir().string(), "--out",
                            (tmp_->path() / "issued").string(), "--org", "Second TPP", "--org-id",
                            "PSDNL-SBX-9999999999"});
    ASSERT_EQ(issued.exit_code, 0) << issued.err;
    fs::create_directories(other_);
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"tls.cer", "example_client_tls.cer"},
             {"tls.key", "example_client_tls.key"},
             {"signing.cer", "example_client_signing.cer"},
             {"signing.key", "example_client_signing.key"}}) {
      fs::copy_file(tmp_->path() / "issued" / from, other_ / to);
    }
    fs::copy_file(server_->cert("ca.cer"), other_ / "ca.cer");
  }

  static ProcessResult guide(const std::string& script, const fs::path& certs) {
    auto path = fs::path(SANDBANK_SOURCE_DIR) / "tests/interop/guide" / script;
    return run_bash("SANDBANK_HOST=" + server_->api_url() + " SANDBANK_CERTS=" + certs.string() +
                        " bash " + path.string() + " 2>/dev/null",
                    tmp_->path());
  }
  static fs::path example_certs() { return server_->data_dir() / "certs"; }

  // curl over mTLS with the TLS certificate in `certs`.
  static HttpResult call(const fs::path& certs, std::vector<std::string> args) {
    return mtls_curl(*server_, std::move(args), certs / "example_client_tls.cer",
                     certs / "example_client_tls.key");
  }
  static std::string mtls_token(const fs::path& certs, const std::string& client_id) {
    return testing::mtls_token(*server_, client_id, certs);
  }

  static fs::path other_;
};
fs::path OAuthTest::other_;

TEST_F(OAuthTest, GuideStep1RegisterReturnsThePreRegisteredApplication) {
  auto r = guide("step1_register.sh", example_certs());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(std::string("\"client_id\": \"") + kSandboxClientId), std::string::npos)
      << r.out;
}

TEST_F(OAuthTest, GuideStep2MtlsTokenAndMetadata) {
  auto r = guide("step2_metadata.sh", example_certs());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"expires_in\": 905"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"application\": {"), std::string::npos) << r.out;
}

TEST_F(OAuthTest, GuideStep2bUpdateIsVisibleInTheNextGet) {
  auto r = guide("step2b_update.sh", example_certs());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"contact\": \"test@ingsandbox.com\""), std::string::npos) << r.out;
  auto token = mtls_token(example_certs(), kSandboxClientId);
  auto get = call(example_certs(), {server_->api_url() + "/oauth2/applications/" + kSandboxClientId,
                                    "-H", "Authorization: Bearer " + token});
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(parse(get.body).at("contact"), "test@ingsandbox.com");
}

// The guide's update script, signed as the guide signs it, with a body naming contact twice:
// Boost.JSON would keep the second.
TEST_F(OAuthTest, ARegistrationBodyWithAMemberTwiceIsRefused) {
  auto original = fs::path(SANDBANK_SOURCE_DIR) / "tests/interop/guide/step2b_update.sh";
  std::ifstream in(original);
  std::string script((std::istreambuf_iterator<char>(in)), {});
  auto line = script.find("updatePayload=");
  ASSERT_NE(line, std::string::npos);
  script.replace(
      line, script.find('\n', line) - line,
      R"(updatePayload='{"contact":"first@example.com","contact":"second@example.com"}')");
  auto copy = tmp_->path() / "step2b_update_twice.sh";
  std::ofstream(copy) << script;
  auto r = run_bash("SANDBANK_HOST=" + server_->api_url() + " SANDBANK_CERTS=" +
                        example_certs().string() + " bash " + copy.string() + " 2>/dev/null",
                    tmp_->path());
  EXPECT_NE(r.out.find("\"detail\": \"request.duplicate_member\""), std::string::npos) << r.out;
  auto token = mtls_token(example_certs(), kSandboxClientId);
  auto get = call(example_certs(), {server_->api_url() + "/oauth2/applications/" + kSandboxClientId,
                                    "-H", "Authorization: Bearer " + token});
  EXPECT_NE(parse(get.body).at("contact"), "second@example.com");
}

TEST_F(OAuthTest, GuideStep3cSignedApplicationToken) {
  auto r = guide("step3c_app_token.sh", example_certs());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("HTTP/1.1 200"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"expires_in\":905"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"token_type\":\"Bearer\""), std::string::npos) << r.out;
}

TEST_F(OAuthTest, SecondTppRegistersAndIsKeptApart) {
  auto r = guide("step1_register.sh", other_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto start = r.out.find("\"client_id\": \"");
  ASSERT_NE(start, std::string::npos) << r.out;
  auto client_id = r.out.substr(start + 14, 36);
  EXPECT_NE(client_id, kSandboxClientId);

  // Registering again with the same TLS certificate changes nothing.
  auto again = guide("step1_register.sh", other_);
  EXPECT_NE(again.out.find(client_id), std::string::npos);

  auto token = mtls_token(other_, client_id);
  auto mine = call(other_, {server_->api_url() + "/oauth2/applications/me", "-H",
                            "Authorization: Bearer " + token});
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(parse(mine.body).at("applications").as_array().size(), 1u);

  auto foreign = call(other_, {server_->api_url() + "/oauth2/applications/" + kSandboxClientId,
                               "-H", "Authorization: Bearer " + token});
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(member(foreign, "detail"), "dcr.not_your_application");

  auto put =
      call(other_, {"-X", "PUT", server_->api_url() + "/oauth2/applications/" + kSandboxClientId,
                    "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json",
                    "-d", "{\"contact\":\"x@y.z\"}"});
  EXPECT_EQ(put.status, 403);
  EXPECT_EQ(member(put, "detail"), "dcr.not_your_application");

  // The second TPP's token over the first TPP's certificate.
  auto stolen = call(example_certs(), {server_->api_url() + "/oauth2/applications/me", "-H",
                                       "Authorization: Bearer " + token});
  EXPECT_EQ(stolen.status, 401);
  EXPECT_EQ(member(stolen, "detail"), "token.certificate_mismatch");

  // An mTLS token for the first TPP's client_id over the second TPP's certificate.
  auto other_id =
      call(other_, {"-X", "POST", server_->api_url() + "/oauth2/token", "-H",
                    "Content-Type: application/x-www-form-urlencoded", "-d",
                    std::string("grant_type=client_credentials&client_id=") + kSandboxClientId});
  EXPECT_EQ(other_id.status, 401);
  EXPECT_EQ(member(other_id, "error"), "invalid_client");
  EXPECT_EQ(member(other_id, "detail"), "client.tls_not_registered");
}

TEST_F(OAuthTest, TokenEndpointErrorsFollowRfc6749) {
  auto post = [&](const std::string& body) {
    return call(example_certs(), {"-X", "POST", server_->api_url() + "/oauth2/token", "-H",
                                  "Content-Type: application/x-www-form-urlencoded", "-d", body});
  };
  auto wrong_grant = post("grant_type=password&client_id=x");
  EXPECT_EQ(wrong_grant.status, 400);
  EXPECT_EQ(member(wrong_grant, "error"), "unsupported_grant_type");
  EXPECT_EQ(member(wrong_grant, "detail"), "grant_type.unsupported");

  auto bad_scope = post(std::string("grant_type=client_credentials&client_id=") + kSandboxClientId +
                        "&scope=granting+payment-accounts%3Aeverything");
  EXPECT_EQ(bad_scope.status, 400);
  EXPECT_EQ(member(bad_scope, "error"), "invalid_scope");
  EXPECT_EQ(member(bad_scope, "detail"), "scope.unknown");

  auto subset = post(std::string("grant_type=client_credentials&client_id=") + kSandboxClientId +
                     "&scope=granting");
  EXPECT_EQ(subset.status, 200);
  EXPECT_EQ(member(subset, "scope"), "granting");

  // The message names the grant_type sent; its invalid UTF-8 does not make the body invalid JSON.
  auto bytes = post("grant_type=\xFF\xFE&client_id=x");
  EXPECT_EQ(bytes.status, 400);
  EXPECT_EQ(member(bytes, "error"), "unsupported_grant_type") << bytes.body;

  auto no_grant = post("client_id=x");
  EXPECT_EQ(no_grant.status, 400);
  EXPECT_EQ(member(no_grant, "error"), "invalid_request");

  auto twice = post("grant_type=client_credentials&grant_type=client_credentials");
  EXPECT_EQ(twice.status, 400);
  EXPECT_EQ(member(twice, "detail"), "request.duplicate_parameter");

  auto unsigned_code = post("grant_type=authorization_code&code=abc");
  EXPECT_EQ(unsigned_code.status, 401);
  EXPECT_EQ(member(unsigned_code, "detail"), "token.missing");

  // A signed request without Digest.
  auto no_digest = call(example_certs(),
                        {"-X", "POST", server_->api_url() + "/oauth2/token", "-H",
                         "Content-Type: application/x-www-form-urlencoded", "-H",
                         "Authorization: Signature keyId=\"SN=49BA5C71\",algorithm=\"rsa-sha256\","
                         "headers=\"(request-target) date digest\",signature=\"AAAA\"",
                         "-d", "grant_type=client_credentials"});
  EXPECT_TRUE(no_digest.status == 400 || no_digest.status == 401) << no_digest.body;
  EXPECT_FALSE(member(no_digest, "detail").empty());
  EXPECT_FALSE(member(no_digest, "error").empty());
}

TEST_F(OAuthTest, ApplicationsNeedTheRightToken) {
  auto me = server_->api_url() + "/oauth2/applications/me";
  auto none = call(example_certs(), {me});
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(member(none, "detail"), "token.missing");

  auto garbage = call(example_certs(), {me, "-H", "Authorization: Bearer nonsense"});
  EXPECT_EQ(garbage.status, 401);
  EXPECT_EQ(member(garbage, "detail"), "token.unknown");

  // The signed application token is the wrong kind for /oauth2/applications.
  auto r = guide("step3c_app_token.sh", example_certs());
  auto start = r.out.find('{');
  ASSERT_NE(start, std::string::npos) << r.out;
  auto signed_token = std::string(parse(r.out.substr(start)).at("access_token").as_string());
  auto wrong = call(example_certs(), {me, "-H", "Authorization: Bearer " + signed_token});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(member(wrong, "detail"), "token.wrong_kind");

  // PUT without Digest and signature.
  auto token = mtls_token(example_certs(), kSandboxClientId);
  auto put = call(example_certs(),
                  {"-X", "PUT", server_->api_url() + "/oauth2/applications/" + kSandboxClientId,
                   "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json",
                   "-d", "{\"contact\":\"x@y.z\"}"});
  EXPECT_EQ(put.status, 400);
  EXPECT_EQ(member(put, "detail"), "digest.missing");

  // POST without x-jws-signature.
  auto post = call(example_certs(),
                   {"-X", "POST", server_->api_url() + "/oauth2/applications", "-H",
                    "Content-Type: application/json", "-H",
                    "Digest: SHA-256=RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=", "-d", "{}"});
  EXPECT_GE(post.status, 400);
  EXPECT_LT(post.status, 500);
  EXPECT_FALSE(member(post, "detail").empty()) << post.body;
}

}  // namespace
}  // namespace sandbank::testing
