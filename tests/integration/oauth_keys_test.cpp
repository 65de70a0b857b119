// Dynamic client registration's key rules on the real binary: PUT /oauth2/applications/{id}
// replacing `keys` (guide step 2b), certificates without PSD2 roles, revoked or from another
// CA, and the redirect_uris rules. Requests are signed by jws_request.sh, the guide's pipeline.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "support/server_suite.hpp"

namespace sandbank::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

using Answer = ScriptAnswer;

// A JWK the way the guide's requests carry certificates: x5c with the base64 DER.
json::object jwk(const fs::path& pem) {
  std::string b64;
  std::istringstream in(read_file(pem));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.starts_with("-----")) continue;
    b64 += line;
  }
  return json::object{{"x5c", json::array{json::value(b64)}}};
}

std::string payload(const std::vector<fs::path>& tls, const std::vector<fs::path>& sign) {
  json::array t, s;
  for (const auto& p : tls) t.push_back(jwk(p));
  for (const auto& p : sign) s.push_back(jwk(p));
  json::object body{{"contact", "keys@example.com"},
                    {"redirect_uris", json::array{"https://example.com/cb"}},
                    {"keys", json::object{{"tls", std::move(t)}, {"sign", std::move(s)}}}};
  return json::serialize(body);
}

fs::path tls_cer(const fs::path& dir) {
  return dir / "example_client_tls.cer";
}
fs::path sign_cer(const fs::path& dir) {
  return dir / "example_client_signing.cer";
}

class OAuthKeysTest : public ServerSuite<OAuthKeysTest> {
 protected:
  // A TLS + signing pair from `sandbank certs issue`, named as the guide's scripts expect.
  static fs::path issue(const std::string& name, const std::string& org_id) {
    auto issued = tmp_->path() / (name + "-issued");
    auto r = sandbank({"certs", "issue", "--data", server_->data_dir().string(), "--out",
                       issued.string(), "--org", "TPP " + name, "--org-id", org_id});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return guide_folder(name, issued / "tls", issued / "signing");
  }

  // A folder with example_client_{tls,signing}.{cer,key} and ca.cer from the given file stems.
  static fs::path guide_folder(const std::string& name, const fs::path& tls,
                               const fs::path& signing) {
    auto dir = tmp_->path() / name;
    fs::create_directories(dir);
    for (const auto& [from, to] : std::vector<std::pair<fs::path, std::string>>{
             {tls.string() + ".cer", "example_client_tls.cer"},
             {tls.string() + ".key", "example_client_tls.key"},
             {signing.string() + ".cer", "example_client_signing.cer"},
             {signing.string() + ".key", "example_client_signing.key"}}) {
      fs::copy_file(from, dir / to, fs::copy_options::overwrite_existing);
    }
    fs::copy_file(server_->cert("ca.cer"), dir / "ca.cer", fs::copy_options::overwrite_existing);
    return dir;
  }

  // POST or PUT through jws_request.sh over the TLS certificate in `certs`, signed with the
  // signing certificate in `sign_certs` (default `certs`).
  static Answer jws(const std::string& method, const fs::path& certs, const std::string& body,
                    const std::string& client_id = "", const fs::path& sign_certs = {},
                    const std::string& access_token = "") {
    auto body_file = tmp_->path() / "payload.json";
    std::ofstream(body_file) << body;
    std::string script = "SANDBANK_HOST='" + server_->api_url() + "' SANDBANK_CERTS='" +
                         certs.string() + "' METHOD=" + method + " CLIENT_ID='" + client_id +
                         "' PAYLOAD=\"$(cat '" + body_file.string() + "')\" ";
    if (!sign_certs.empty()) script += "SIGN_CERTS='" + sign_certs.string() + "' ";
    if (!access_token.empty()) script += "ACCESS_TOKEN='" + access_token + "' ";
    script += "bash '" + std::string(SANDBANK_SOURCE_DIR) + "/tests/integration/jws_request.sh'";
    return script_answer(run_bash(script, tmp_->path()));
  }

  // Registers the connection's certificates (POST without keys); returns the client_id.
  static std::string register_app(const fs::path& certs) {
    auto a = jws("POST", certs,
                 R"({"contact":"keys@example.com","redirect_uris":["https://example.com/cb"]})");
    EXPECT_EQ(a.status, 201) << a.text;
    if (a.status != 201) return "";
    return std::string(a.body.at("application").at("client_id").as_string());
  }

  static HttpResult call(const fs::path& certs, std::vector<std::string> args) {
    return mtls_curl(*server_, std::move(args), tls_cer(certs), certs / "example_client_tls.key");
  }
  static HttpResult token_call(const fs::path& certs, const std::string& client_id) {
    return mtls_token_call(*server_, client_id, certs);
  }
  static std::string mtls_token(const fs::path& certs, const std::string& client_id) {
    return testing::mtls_token(*server_, client_id, certs);
  }
  static json::value get_app(const fs::path& certs, const std::string& client_id) {
    auto token = mtls_token(certs, client_id);
    auto r = call(certs, {server_->api_url() + "/oauth2/applications/" + client_id, "-H",
                          "Authorization: Bearer " + token});
    EXPECT_EQ(r.status, 200) << r.body;
    boost::system::error_code ec;
    return json::parse(r.body, ec);
  }

  static std::string openssl_field(const fs::path& cert, const std::string& option) {
    auto r = run({"openssl", "x509", "-noout", "-in", cert.string(), option});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto value = r.out.substr(r.out.find('=') + 1);
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    return value;
  }

  // An RSA certificate made with openssl: signed by the sandbox CA's key (ca.key) when
  // `sandbox_ca`, self-signed otherwise; never with the PSD2 QCStatement.
  static fs::path openssl_cert(const std::string& name, const std::string& org_id,
                               bool sandbox_ca) {
    auto dir = tmp_->path() / "openssl";
    fs::create_directories(dir);
    auto stem = (dir / name).string();
    auto ext = dir / "ext.cnf";
    std::ofstream(ext) << "basicConstraints=critical,CA:FALSE\n"
                          "keyUsage=critical,digitalSignature,keyEncipherment,nonRepudiation\n"
                          "extendedKeyUsage=clientAuth\n";
    auto subject = "/C=NL/O=TPP " + name + "/organizationIdentifier=" + org_id + "/CN=" + name;
    ProcessResult r;
    if (sandbox_ca) {
      r = run({"openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", stem + ".key",
               "-out", stem + ".csr", "-subj", subject});
      EXPECT_EQ(r.exit_code, 0) << r.err;
      r = run({"openssl", "x509", "-req", "-in", stem + ".csr", "-CA",
               server_->cert("ca.cer").string(), "-CAkey", server_->cert("ca.key").string(),
               "-CAcreateserial", "-days", "30", "-sha256", "-extfile", ext.string(), "-out",
               stem + ".cer"});
    } else {
      r = run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", stem + ".key",
               "-out", stem + ".cer", "-subj", subject, "-days", "30", "-addext",
               "extendedKeyUsage=clientAuth"});
    }
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return fs::path(stem);
  }
};

TEST_F(OAuthKeysTest, PutMustKeepTheConnectionsTlsCertificate) {
  auto a = issue("drop-a", "PSDNL-SBX-2000000001");
  auto b = issue("drop-b", "PSDNL-SBX-2000000001");
  auto id = register_app(a);
  ASSERT_FALSE(id.empty());

  auto put = jws("PUT", a, payload({tls_cer(b)}, {sign_cer(a)}), id);
  EXPECT_EQ(put.status, 400) << put.text;
  EXPECT_EQ(put.str("detail"), "dcr.tls_key_in_use");
  EXPECT_NE(put.str("message").find(openssl_field(tls_cer(a), "-serial")), std::string::npos)
      << put.text;

  // Nothing changed: the old certificate is still the only TLS key.
  auto app = get_app(a, id);
  ASSERT_TRUE(app.is_object());
  EXPECT_EQ(app.at("application").at("keys").at("tls").as_array().size(), 1u);
}

TEST_F(OAuthKeysTest, PutCannotLeaveTheApplicationWithoutTlsOrSigningKey) {
  auto a = issue("incomplete", "PSDNL-SBX-2000000002");
  auto id = register_app(a);
  ASSERT_FALSE(id.empty());

  for (const auto& body : {payload({tls_cer(a)}, {}), payload({}, {sign_cer(a)}),
                           std::string(R"({"contact":"keys@example.com","keys":{}})")}) {
    auto put = jws("PUT", a, body, id);
    EXPECT_EQ(put.status, 400) << put.text;
    EXPECT_EQ(put.str("detail"), "dcr.keys_incomplete") << body;
  }
}

TEST_F(OAuthKeysTest, PutWithARevokedCertificateIsRefused) {
  auto a = issue("revoked-a", "PSDNL-SBX-2000000003");
  auto b = issue("revoked-b", "PSDNL-SBX-2000000003");
  auto id = register_app(a);
  ASSERT_FALSE(id.empty());
  auto revoke =
      sandbank({"certs", "revoke", "--data", server_->data_dir().string(), tls_cer(b).string()});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;

  auto put = jws("PUT", a, payload({tls_cer(a), tls_cer(b)}, {sign_cer(a)}), id);
  EXPECT_EQ(put.status, 401) << put.text;
  EXPECT_EQ(put.str("detail"), "dcr.certificate_revoked");
  EXPECT_NE(put.str("message").find("revoked"), std::string::npos) << put.text;
}

TEST_F(OAuthKeysTest, PutWithACertificateOfAnotherCaIsRefused) {
  auto a = issue("foreign-a", "PSDNL-SBX-2000000004");
  auto id = register_app(a);
  ASSERT_FALSE(id.empty());
  auto foreign = openssl_cert("foreign", "PSDNL-SBX-2000000004", false);

  auto put = jws("PUT", a, payload({tls_cer(a), foreign.string() + ".cer"}, {sign_cer(a)}), id);
  EXPECT_EQ(put.status, 401) << put.text;
  EXPECT_EQ(put.str("detail"), "dcr.certificate_untrusted");
  EXPECT_NE(put.str("message").find("trusted"), std::string::npos) << put.text;

  auto sign = jws("PUT", a, payload({tls_cer(a)}, {sign_cer(a), foreign.string() + ".cer"}), id);
  EXPECT_EQ(sign.status, 401) << sign.text;
  EXPECT_EQ(sign.str("detail"), "dcr.certificate_untrusted");
}

TEST_F(OAuthKeysTest, PutAddsASecondTlsCertificateThatThenWorks) {
  auto a = issue("second-a", "PSDNL-SBX-2000000005");
  auto b = issue("second-b", "PSDNL-SBX-2000000005");
  auto id = register_app(a);
  ASSERT_FALSE(id.empty());

  // Before the PUT the new certificate is not the application's.
  auto before = token_call(b, id);
  EXPECT_EQ(before.status, 401) << before.body;

  // b listed twice is registered once.
  auto put = jws("PUT", a, payload({tls_cer(a), tls_cer(b), tls_cer(b)}, {sign_cer(a)}), id);
  ASSERT_EQ(put.status, 200) << put.text;
  EXPECT_EQ(put.body.at("application").at("keys").at("tls").as_array().size(), 2u);

  // Over a connection with the new certificate: token, GET, and the next PUT.
  auto app = get_app(b, id);
  ASSERT_TRUE(app.is_object());
  EXPECT_EQ(app.at("application").at("client_id"), json::value(id));
  auto again = jws("PUT", b, payload({tls_cer(b)}, {sign_cer(a)}), id, a);
  ASSERT_EQ(again.status, 200) << again.text;
  EXPECT_EQ(again.body.at("application").at("keys").at("tls").as_array().size(), 1u);
}

TEST_F(OAuthKeysTest, PutKeysMustBeOfTheOrganizationAndOfNoOtherApplication) {
  auto a = issue("owner-a", "PSDNL-SBX-2000000011");
  auto c = issue("owner-c", "PSDNL-SBX-2000000011");
  auto foreign = issue("owner-foreign", "PSDNL-SBX-2999999999");
  auto id = register_app(a);
  auto other_id = register_app(c);
  ASSERT_FALSE(id.empty());
  ASSERT_FALSE(other_id.empty());

  auto org = jws("PUT", a, payload({tls_cer(a), tls_cer(foreign)}, {sign_cer(a)}), id);
  EXPECT_EQ(org.status, 403) << org.text;
  EXPECT_EQ(org.str("detail"), "dcr.organization_mismatch");
  EXPECT_NE(org.str("message").find("PSDNL-SBX-2999999999"), std::string::npos) << org.text;

  auto taken = jws("PUT", a, payload({tls_cer(a), tls_cer(c)}, {sign_cer(a)}), id);
  EXPECT_EQ(taken.status, 409) << taken.text;
  EXPECT_EQ(taken.str("detail"), "dcr.certificate_registered_elsewhere");
  EXPECT_NE(taken.str("message").find(other_id), std::string::npos) << taken.text;
}

TEST_F(OAuthKeysTest, PutThatReplacesKeysIsVisibleInTheNextGet) {
  auto a = issue("replace-a", "PSDNL-SBX-2000000006");
  auto b = issue("replace-b", "PSDNL-SBX-2000000006");
  auto id = register_app(a);
  ASSERT_FALSE(id.empty());

  auto put = jws("PUT", a, payload({tls_cer(a)}, {sign_cer(b)}), id);
  ASSERT_EQ(put.status, 200) << put.text;

  auto app = get_app(a, id);
  ASSERT_TRUE(app.is_object());
  const auto& keys = app.at("application").at("keys");
  ASSERT_EQ(keys.at("sign").as_array().size(), 1u);
  ASSERT_EQ(keys.at("tls").as_array().size(), 1u);
  const auto& sign = keys.at("sign").as_array()[0].as_object();
  for (const char* name : {"kty", "alg", "use", "kid", "n", "e", "x5t", "x5c"}) {
    EXPECT_TRUE(sign.contains(name)) << name << " missing in " << json::serialize(sign);
  }
  EXPECT_EQ(sign.at("kty"), "RSA");
  EXPECT_EQ(sign.at("x5c").as_array()[0], jwk(sign_cer(b)).at("x5c").as_array()[0]);
  EXPECT_EQ(keys.at("tls").as_array()[0].at("x5c").as_array()[0],
            jwk(tls_cer(a)).at("x5c").as_array()[0]);
  // kid is the serial; openssl prints it in upper-case hex.
  auto kid = std::string(sign.at("kid").as_string());
  auto serial = openssl_field(sign_cer(b), "-serial");
  std::string upper_kid;
  for (char c : kid) upper_kid += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_NE(serial.find(upper_kid), std::string::npos) << kid << " vs " << serial;

  // The replaced signing certificate no longer signs for the application; the new one does.
  auto old_sign = jws("PUT", a, payload({tls_cer(a)}, {sign_cer(b)}), id);
  EXPECT_EQ(old_sign.status, 401) << old_sign.text;
  EXPECT_EQ(old_sign.str("detail"), "dcr.signature_certificate_not_registered");
  auto new_sign = jws("PUT", a, payload({tls_cer(a)}, {sign_cer(b)}), id, b);
  EXPECT_EQ(new_sign.status, 200) << new_sign.text;
}

TEST_F(OAuthKeysTest, RemovedTlsCertificateGetsNoNewToken) {
  auto a = issue("removed-a", "PSDNL-SBX-2000000009");
  auto b = issue("removed-b", "PSDNL-SBX-2000000009");
  auto id = register_app(a);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(jws("PUT", a, payload({tls_cer(a), tls_cer(b)}, {sign_cer(a)}), id).status, 200);
  auto stale = mtls_token(b, id);
  ASSERT_EQ(jws("PUT", a, payload({tls_cer(a)}, {sign_cer(a)}), id).status, 200);

  auto after = token_call(b, id);
  EXPECT_EQ(after.status, 401) << after.body;
  EXPECT_NE(after.body.find("client.tls_not_registered"), std::string::npos) << after.body;
  // A token obtained over b before the PUT cannot change the application any more.
  auto put = jws("PUT", b, payload({tls_cer(a), tls_cer(b)}, {sign_cer(a)}), id, a, stale);
  EXPECT_EQ(put.status, 401) << put.text;
  EXPECT_EQ(put.str("detail"), "token.certificate_not_registered");
}

// Tokens obtained before the PUT: a token bound to a TLS certificate that is no longer
// registered for its application stops working (401 token.certificate_not_registered).
TEST_F(OAuthKeysTest, TokensOfARemovedTlsCertificateStopWorking) {
  auto a = issue("stale-a", "PSDNL-SBX-2000000010");
  auto b = issue("stale-b", "PSDNL-SBX-2000000010");
  auto id = register_app(a);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(jws("PUT", a, payload({tls_cer(a), tls_cer(b)}, {sign_cer(a)}), id).status, 200);
  auto token = mtls_token(b, id);
  ASSERT_EQ(jws("PUT", a, payload({tls_cer(a)}, {sign_cer(a)}), id).status, 200);

  auto get = call(b, {server_->api_url() + "/oauth2/applications/" + id, "-H",
                      "Authorization: Bearer " + token});
  EXPECT_EQ(get.status, 401);
  EXPECT_NE(get.body.find("token.certificate_not_registered"), std::string::npos)
      << get.body.substr(0, 200);
}

TEST_F(OAuthKeysTest, PostWithCertificatesWithoutPsd2RolesIsRefused) {
  auto good = issue("roles-good", "PSDNL-SBX-2000000007");
  auto plain = openssl_cert("noroles", "PSDNL-SBX-2000000007", true);
  auto plain_sign = openssl_cert("noroles-sign", "PSDNL-SBX-2000000007", true);
  auto body = std::string(R"({"contact":"keys@example.com"})");

  // As the TLS certificate of the connection.
  auto as_tls = guide_folder("roles-tls", plain, good.parent_path() / "roles-good-issued/signing");
  auto tls = jws("POST", as_tls, body);
  EXPECT_EQ(tls.status, 400) << tls.text;
  EXPECT_EQ(tls.str("detail"), "dcr.certificate_without_roles");
  EXPECT_NE(tls.str("message").find("PSD2 roles"), std::string::npos) << tls.text;

  // As the signing certificate.
  auto as_sign = guide_folder("roles-sign", good.parent_path() / "roles-good-issued/tls", plain);
  auto sign = jws("POST", as_sign, body);
  EXPECT_EQ(sign.status, 400) << sign.text;
  EXPECT_EQ(sign.str("detail"), "dcr.certificate_without_roles");

  // As both.
  auto both = guide_folder("roles-both", plain, plain_sign);
  auto neither = jws("POST", both, body);
  EXPECT_EQ(neither.status, 400) << neither.text;
  EXPECT_EQ(neither.str("detail"), "dcr.certificate_without_roles");

  // In the body's keys, sent over a good connection.
  auto in_keys = jws("POST", good, payload({tls_cer(good)}, {plain.string() + ".cer"}));
  EXPECT_EQ(in_keys.status, 400) << in_keys.text;
  EXPECT_EQ(in_keys.str("detail"), "dcr.certificate_without_roles");
  EXPECT_NE(in_keys.str("message").find("PSD2 roles"), std::string::npos) << in_keys.text;

  // The refused requests registered nothing: the good certificate's first POST creates.
  EXPECT_FALSE(register_app(good).empty());
}

TEST_F(OAuthKeysTest, RedirectUrisMustBeAbsoluteHttpsWithoutFragment) {
  auto a = issue("uris", "PSDNL-SBX-2000000008");
  for (const std::string uri :
       {"http://example.com/cb", "https://example.com/cb#section", "/cb", "example.com/cb"}) {
    auto body = R"({"contact":"keys@example.com","redirect_uris":["https://ok.example/cb",")" +
                uri + R"("]})";
    auto post = jws("POST", a, body);
    EXPECT_EQ(post.status, 400) << uri << ": " << post.text;
    EXPECT_EQ(post.str("detail"), "dcr.redirect_uri_invalid") << uri;
    EXPECT_NE(post.str("message").find(uri), std::string::npos) << post.text;
  }
  // localhost may use http; the same rules hold for PUT.
  auto id = register_app(a);
  ASSERT_FALSE(id.empty());
  auto local =
      jws("PUT", a,
          R"({"contact":"keys@example.com","redirect_uris":["http://localhost:8080/cb"]})", id);
  EXPECT_EQ(local.status, 200) << local.text;
  auto put = jws("PUT", a,
                 R"({"contact":"keys@example.com","redirect_uris":["http://example.com/cb"]})", id);
  EXPECT_EQ(put.status, 400) << put.text;
  EXPECT_EQ(put.str("detail"), "dcr.redirect_uri_invalid");
  EXPECT_NE(put.str("message").find("http://example.com/cb"), std::string::npos) << put.text;
}

}  // namespace
}  // namespace sandbank::testing
