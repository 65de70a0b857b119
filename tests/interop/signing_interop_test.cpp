// The signing library against real peers: the guide's own bash + openssl pipelines, npm
// http-signature (joyent) over real loopback HTTP, and npm jose.

#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/clock.hpp"
#include "core/encoding.hpp"
#include "signing/signing.hpp"
#include "signing/signing_test_support.hpp"
#include "signing/troubleshoot.hpp"
#include "support/temp_dir.hpp"

namespace sandbank::signing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using testing::pki;

const fs::path kInterop = fs::path(SANDBANK_SOURCE_DIR) / "tests" / "interop";

using ::sandbank::testing::read_file;
using ::sandbank::testing::TempDir;
using ::sandbank::testing::write_file;

struct Run {
  int status;
  std::string out;
};

Run run(const std::string& command) {
  Run r{-1, {}};
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string quote(const std::string& s) {
  return "'" + s + "'";
}

// The guide's four files in one folder, from the test PKI.
const fs::path& cert_dir() {
  static TempDir dir;
  static bool written = [] {
    write_file(dir.path() / "example_client_signing.cer", pki().signing.cert.pem());
    write_file(dir.path() / "example_client_signing.key", pki().signing.key.pem());
    write_file(dir.path() / "example_client_tls.cer", pki().tls.cert.pem());
    write_file(dir.path() / "example_client_tls.key", pki().tls.key.pem());
    return true;
  }();
  (void)written;
  return dir.path();
}

void require_node() {
  ASSERT_EQ(run("node --version >/dev/null 2>&1").status, 0) << "node is not installed";
  ASSERT_TRUE(fs::exists(kInterop / "node_modules" / "jose") &&
              fs::exists(kInterop / "node_modules" / "http-signature"))
      << "run scripts/install-deps.sh (npm ci in tests/interop)";
}

json::value node_peer(const std::string& command, const json::value& input) {
  TempDir dir;
  write_file(dir.path() / "input.json", json::serialize(input));
  auto r = run("timeout 60 node " + quote((kInterop / "peer.mjs").string()) + " " + command + " " +
               quote((dir.path() / "input.json").string()));
  json::error_code ec;
  auto v = json::parse(r.out, ec);
  if (ec) {
    ADD_FAILURE() << "peer " << command << " printed: " << r.out;
    return json::object{};
  }
  return v;
}

json::value to_json(const Message& m) {
  json::array headers;
  for (const auto& [n, v] : m.headers)
    headers.push_back(json::array{json::string(n), json::string(v)});
  return json::object{
      {"method", m.method}, {"target", m.target}, {"headers", headers}, {"body", m.body}};
}

Message from_json(const json::value& v) {
  Message m;
  m.method = json::value_to<std::string>(v.at("method"));
  m.target = json::value_to<std::string>(v.at("target"));
  m.body = json::value_to<std::string>(v.at("body"));
  for (const auto& h : v.at("headers").as_array()) {
    m.add(json::value_to<std::string>(h.as_array()[0]),
          json::value_to<std::string>(h.as_array()[1]));
  }
  return m;
}

// A different character of the same kind, so base64 stays base64.
char other(char c) {
  if (c >= '0' && c <= '9') return c == '1' ? '2' : '1';
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return c == 'A' ? 'B' : 'A';
  return c == 'x' ? 'y' : 'x';
}

// ---------------------------------------------------------------------------------------------
// The guide's shell pipelines

struct GuideOutput {
  fs::path dir;
  std::string get(const std::string& name) const { return read_file(dir / name); }
};

GuideOutput run_guide(const TempDir& out, const std::string& mistake = "none") {
  auto r =
      run("bash " + quote((kInterop / "guide_pipelines.sh").string()) + " " +
          quote(cert_dir().string()) + " " + quote(out.path().string()) + " " + mistake + " 2>&1");
  EXPECT_EQ(r.status, 0) << r.out;
  return GuideOutput{out.path()};
}

Message guide_token_request(const GuideOutput& g) {
  Message m;
  m.method = "POST";
  m.target = "/oauth2/token";
  m.body = g.get("token_body");
  m.add("Accept", "application/json").add("Content-Type", "application/x-www-form-urlencoded");
  m.add("Digest", g.get("token_digest")).add("Date", g.get("token_date"));
  m.add("TPP-Signature-Certificate", g.get("tpp_signature_certificate"));
  m.add("authorization", g.get("token_authorization"));
  m.client_certificate = pki().tls.cert;
  return m;
}

Message guide_registration_request(const GuideOutput& g) {
  Message m;
  m.method = "POST";
  m.target = "/oauth2/applications";
  m.body = g.get("dcr_body");
  m.add("Content-Type", "application/json").add("Digest", g.get("dcr_digest"));
  m.add("x-jws-signature", g.get("dcr_jws"));
  m.add("TPP-Signature-Certificate", g.get("tpp_signature_certificate"));
  m.client_certificate = pki().tls.cert;
  return m;
}

HttpSignatureResult verify_token(const Message& m) {
  SystemClock clock;
  HttpSignaturePolicy policy;
  policy.carrier = SignatureCarrier::Authorization;
  return verify_http_signature(m.view(), policy, tpp_certificate_key_resolver(), clock);
}

JwsResult verify_jws(const Message& m) {
  SystemClock clock;
  return verify_detached_jws(m.view(), {}, clock);
}

TEST(GuidePipelines, TokenRequestVerifies) {
  TempDir out;
  auto g = run_guide(out);
  EXPECT_EQ(g.get("token_digest"), "SHA-256=w0mymuL8aCrbJmmabs1pytZhon8lQucTuJMUtuKr+uw=");
  EXPECT_EQ(g.get("token_digest"), make_digest("grant_type=client_credentials"));
  auto m = guide_token_request(g);
  SystemClock clock;
  EXPECT_TRUE(check_date(m.view(), clock)) << g.get("token_date");
  EXPECT_TRUE(verify_digest(m.view()));
  auto r = verify_token(m);
  EXPECT_TRUE(r) << r.code << ": " << r.message;
  EXPECT_EQ(r.verified_as, "rsa-sha256");
  // Our signer produces the same header the guide's openssl does (PKCS#1 v1.5 is deterministic).
  Message ours = m;
  ours.remove("authorization");
  std::vector<std::string> h = {"(request-target)", "date", "digest"};
  EXPECT_EQ(
      "Signature " + sign_http_signature(ours.view(), "SN=49BA5C71",
                                         HttpSignatureAlgorithm::RsaSha256, h, pki().signing.key),
      g.get("token_authorization"));
}

TEST(GuidePipelines, RegistrationJwsVerifiesAndUsesTheMaximumSalt) {
  TempDir out;
  auto g = run_guide(out);
  auto m = guide_registration_request(g);
  auto r = verify_jws(m);
  EXPECT_TRUE(r) << r.code << ": " << r.message;
  EXPECT_EQ(r.protected_header, g.get("dcr_jws_header"));
  EXPECT_EQ(r.pars, kGuidePars);
  // x5t#S256 from the guide's openssl | cut | sed | xxd | base64 | tr pipeline is ours.
  EXPECT_NE(r.protected_header.find(pki().signing.cert.x5t_s256()), std::string::npos);
  // openssl dgst -sigopt rsa_padding_mode:pss on OpenSSL 3.0 signs with the maximum salt.
  std::string jws = g.get("dcr_jws");
  auto sig = *base64url_decode(jws.substr(jws.find("..") + 2));
  auto form = detail::inspect_rsa(pki().signing.cert.public_key(), sig);
  EXPECT_EQ(form.kind, detail::RsaForm::Pss);
  RecordProperty("guide_pss_salt", static_cast<int>(form.pss_salt));
}

TEST(GuidePipelines, OneByteChangeAnywhereFailsWithTheRightCode) {
  TempDir out;
  auto g = run_guide(out);
  const Message token = guide_token_request(g);
  ASSERT_TRUE(verify_token(token));
  auto check = [&](const char* what, const Message& m, std::set<std::string> codes, bool jws) {
    std::string code = jws ? verify_jws(m).code : verify_token(m).code;
    EXPECT_TRUE(codes.count(code)) << what << ": got '" << code << "'";
  };
  for (std::size_t i = 0; i < token.body.size(); ++i) {
    Message m = token;
    m.body[i] = other(m.body[i]);
    check("token body", m, {"digest.mismatch"}, false);
  }
  for (const char* name : {"Digest", "Date", "authorization"}) {
    std::string value = *token.get(name);
    std::size_t start = std::string(name) == "authorization" ? value.find("signature=\"") + 11
                        : std::string(name) == "Digest"      ? 8
                                                             : 0;
    for (std::size_t i = start; i < value.size(); ++i) {
      if (value[i] == '=' || value[i] == '"' || value[i] == ' ' || value[i] == ',' ||
          value[i] == ':')
        continue;
      Message m = token;
      std::string changed = value;
      changed[i] = other(changed[i]);
      m.set(name, changed);
      std::set<std::string> codes;
      if (std::string(name) == "Digest") codes = {"digest.mismatch", "digest.malformed"};
      if (std::string(name) == "Date")
        codes = {"signature.invalid", "date.malformed", "date.outside_window"};
      if (std::string(name) == "authorization")
        codes = {"signature.invalid", "signature.malformed"};
      check(name, m, codes, false);
    }
  }
  for (std::size_t i = 1; i < token.target.size(); ++i) {
    Message m = token;
    m.target[i] = other(m.target[i]);
    check("path", m, {"signature.invalid"}, false);
  }

  const Message dcr = guide_registration_request(g);
  ASSERT_TRUE(verify_jws(dcr));
  for (std::size_t i = 0; i < dcr.body.size(); ++i) {
    Message m = dcr;
    m.body[i] = other(m.body[i]);
    check("dcr body", m, {"digest.mismatch"}, true);
  }
  std::string jws = *dcr.get("x-jws-signature");
  std::size_t dots = jws.find("..");
  for (std::size_t i = dots + 2; i < jws.size(); ++i) {
    Message m = dcr;
    std::string changed = jws;
    changed[i] = other(changed[i]);
    m.set("x-jws-signature", changed);
    check("jws signature", m, {"jws.signature_invalid", "jws.signature_malformed"}, true);
  }
  for (std::size_t i = 0; i < dots; ++i) {
    Message m = dcr;
    std::string changed = jws;
    changed[i] = other(changed[i]);
    m.set("x-jws-signature", changed);
    auto r = verify_jws(m);
    EXPECT_FALSE(r) << "jws header byte " << i;
    EXPECT_TRUE(r.code.starts_with("jws.")) << r.code;
  }
  Message ct = dcr;
  ct.set("Content-Type", "application/jsoN");
  check("content-type", ct, {"jws.signature_invalid"}, true);
}

TEST(GuidePipelines, EachTroubleshootingMistakeIsDiagnosedByName) {
  struct Case {
    const char* mistake;
    std::string token_code, token_cause, jws_code, jws_cause;
  };
  const Case cases[] = {
      {"trailing_lf", "signature.invalid", "trailing_newline", "jws.signature_invalid",
       "trailing_newline"},
      {"upper_method", "signature.invalid", "method_not_lower_case", "jws.signature_invalid",
       "method_not_lower_case"},
      {"order", "signature.invalid", "header_order", "jws.signature_invalid", "header_order"},
      {"other_hash", "signature.invalid", "algorithm_mismatch", "jws.signature_invalid",
       "algorithm_mismatch"},
      {"tls_key", "signature.invalid", "signed_with_tls_key", "jws.signature_invalid",
       "signed_with_tls_key"},
      {"echo_digest", "digest.mismatch", "body_trailing_newline", "digest.mismatch",
       "body_trailing_newline"},
      {"no_pss", "", "", "jws.signature_invalid", "padding_mismatch"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.mistake);
    TempDir out;
    auto g = run_guide(out, c.mistake);
    auto t = verify_token(guide_token_request(g));
    EXPECT_EQ(t.code, c.token_code) << t.message;
    EXPECT_EQ(t.cause, c.token_cause) << t.hint;
    auto j = verify_jws(guide_registration_request(g));
    EXPECT_EQ(j.code, c.jws_code) << j.message;
    EXPECT_EQ(j.cause, c.jws_cause) << j.hint;
  }
}

// ---------------------------------------------------------------------------------------------
// npm http-signature (joyent)

TEST(JoyentHttpSignature, SignsRequestsThatWeVerify) {
  require_node();
  struct Case {
    const char* algorithm;
    const testing::KeyPair* pair;
  };
  const Case cases[] = {{"rsa-sha256", &pki().signing},
                        {"rsa-sha512", &pki().signing},
                        {"ecdsa-sha256", &pki().ec256},
                        {"ecdsa-sha512", &pki().ec521}};  // joyent has no SHA-384
  for (const auto& c : cases) {
    SCOPED_TRACE(c.algorithm);
    json::object input{
        {"privateKeyPem", c.pair->key.pem()},
        {"keyId", serial_key_id(c.pair->cert)},
        {"algorithm", c.algorithm},
        {"signedHeaders", json::array{"(request-target)", "date", "digest"}},
        {"method", "POST"},
        {"target", "/oauth2/token?scope=granting%20payment-accounts%3Abalances%3Aview"},
        {"headers", json::array{json::array{"Content-Type", "application/x-www-form-urlencoded"},
                                json::array{"TPP-Signature-Certificate",
                                            tpp_certificate_header_value(c.pair->cert)}}},
        {"body", "grant_type=client_credentials"}};
    auto received = node_peer("joyent-sign", input);
    ASSERT_TRUE(received.is_object() && received.as_object().contains("method")) << received;
    Message m = from_json(received);
    auto r = verify_token(m);
    EXPECT_TRUE(r) << r.code << ": " << r.message << "\n" << r.diagnostic();
    EXPECT_EQ(r.verified_as, c.algorithm);

    Message body = m;
    body.body += "&scope=x";
    EXPECT_EQ(verify_token(body).code, "digest.mismatch");
    Message sig = m;
    std::string auth = *sig.get("Authorization");
    auto pos = auth.find("signature=\"") + 20;
    auth[pos] = other(auth[pos]);
    sig.set("Authorization", auth);
    EXPECT_EQ(verify_token(sig).code, "signature.invalid");
  }
}

TEST(JoyentHttpSignature, VerifiesRequestsThatWeSign) {
  require_node();
  SystemClock clock;
  std::vector<std::string> headers = {"(request-target)", "date", "digest", "x-request-id"};
  struct Case {
    HttpSignatureAlgorithm alg;
    const testing::KeyPair* pair;
    bool authorization;
  };
  const Case cases[] = {{HttpSignatureAlgorithm::RsaSha256, &pki().signing, true},
                        {HttpSignatureAlgorithm::RsaSha256, &pki().signing, false},
                        {HttpSignatureAlgorithm::RsaSha512, &pki().signing, false},
                        {HttpSignatureAlgorithm::EcdsaSha256, &pki().ec256, false}};
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(algorithm_name(c.alg)) + (c.authorization ? " Authorization" : ""));
    Message m;
    m.method = "GET";
    m.target =
        "/v3/accounts/450ffbb8-9f11-4ec6-a1e1-df48aefc82ef/"
        "transactions?dateFrom=2026-11-01&limit=10";
    m.add("Date", make_date(clock)).add("Digest", make_digest(""));
    m.add("X-Request-ID", "3f6b1c9e-2f4a-4c1b-9d3e-7a8b9c0d1e2f");
    std::string params = sign_http_signature(m.view(), "5ca1ab1e-c0ca-c01a-cafe-154deadbea75",
                                             c.alg, headers, c.pair->key);
    if (c.authorization) {
      m.add("Authorization", "Signature " + params);
    } else {
      m.add("Signature", params);
    }
    json::object input{{"request", to_json(m)}, {"publicKeyPem", c.pair->cert.public_key().pem()}};
    auto result = node_peer("joyent-verify", input);
    EXPECT_EQ(result.at("ok"), json::value(true)) << result;
    EXPECT_EQ(json::value_to<std::string>(result.at("signingString")),
              build_signing_string(m.view(), headers));

    Message tampered = m;
    tampered.set("X-Request-ID", "3f6b1c9e-2f4a-4c1b-9d3e-7a8b9c0d1e2e");
    input["request"] = to_json(tampered);
    EXPECT_EQ(node_peer("joyent-verify", input).at("ok"), json::value(false));
  }
}

// ---------------------------------------------------------------------------------------------
// npm jose

TEST(JoseJws, SignsDetachedUnencodedJwsThatWeVerify) {
  require_node();
  SystemClock clock;
  struct Case {
    const char* alg;
    const testing::KeyPair* pair;
  };
  for (const auto& c : {Case{"PS256", &pki().signing}, Case{"ES256", &pki().ec256},
                        Case{"PS512", &pki().signing}, Case{"ES384", &pki().ec384}}) {
    SCOPED_TRACE(c.alg);
    Message m = testing::registration_request();
    m.set("TPP-Signature-Certificate", tpp_certificate_header_value(c.pair->cert));
    json::object input{{"alg", c.alg},
                       {"privateKeyPem", c.pair->key.pem()},
                       {"x5t", c.pair->cert.x5t_s256()},
                       {"sigT", format_rfc3339(clock.now())},
                       {"pars", json::array{"(request-target)", "digest", "content-type"}},
                       {"request", to_json(m)}};
    auto result = node_peer("jose-sign", input);
    ASSERT_TRUE(result.as_object().contains("jws")) << result;
    EXPECT_EQ(result.at("payload"), json::value(""));  // b64:false, detached
    m.add("x-jws-signature", json::value_to<std::string>(result.at("jws")));
    auto r = verify_jws(m);
    EXPECT_TRUE(r) << r.code << ": " << r.message;

    Message tampered = m;
    tampered.set("Content-Type", "application/json; charset=utf-8");
    EXPECT_EQ(verify_jws(tampered).code, "jws.signature_invalid");
  }
}

TEST(JoseJws, VerifiesOurJwsAndRejectsTheGuidesMaximumSalt) {
  require_node();
  SystemClock clock;
  struct Case {
    const char* alg;
    const testing::KeyPair* pair;
  };
  for (const auto& c : {Case{"PS256", &pki().signing}, Case{"PS384", &pki().signing},
                        Case{"ES256", &pki().ec256}, Case{"ES512", &pki().ec521}}) {
    SCOPED_TRACE(c.alg);
    Message m = testing::registration_request();
    std::string jws =
        sign_detached_jws(m.view(), kGuidePars, c.alg, c.pair->key, c.pair->cert, clock.now());
    json::object input{{"jws", jws}, {"certPem", c.pair->cert.pem()}, {"request", to_json(m)}};
    auto result = node_peer("jose-verify", input);
    EXPECT_EQ(result.at("ok"), json::value(true)) << result;
    m.body += " ";
    m.set("Digest", make_digest(m.body));
    input["request"] = to_json(m);
    EXPECT_EQ(node_peer("jose-verify", input).at("ok"), json::value(false));
  }

  // The guide's openssl PS256 (maximum salt): Sandbank accepts it, a strict RFC 7518 verifier
  // does not - which is why Sandbank signs with salt = hash length and verifies with AUTO.
  TempDir out;
  auto g = run_guide(out);
  Message dcr = guide_registration_request(g);
  EXPECT_TRUE(verify_jws(dcr));
  json::object input{
      {"jws", g.get("dcr_jws")}, {"certPem", pki().signing.cert.pem()}, {"request", to_json(dcr)}};
  auto result = node_peer("jose-verify", input);
  EXPECT_EQ(result.at("ok"), json::value(false)) << result;
}

}  // namespace
}  // namespace sandbank::signing
