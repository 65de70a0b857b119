// The real `sandbank serve` binary, driven by the real curl and openssl binaries.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "support/server_suite.hpp"

namespace sandbank::testing {
namespace {
namespace fs = std::filesystem;

boost::json::value parse_json(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec) ADD_FAILURE() << "not JSON: " << text;
  return v;
}

std::string detail_of(const HttpResult& r) {
  auto v = parse_json(r.body);
  if (!v.is_object() || !v.as_object().contains("detail")) return "";
  return std::string(v.at("detail").as_string());
}

// One sandbox shared by the tests of this suite (starting one costs RSA key generation).
class ServeTest : public ServerSuite<ServeTest> {
 protected:
  static std::vector<std::string> with_ca(std::vector<std::string> args) {
    args.insert(args.begin(), {"--cacert", server_->cert("ca.cer").string()});
    return args;
  }
  static std::vector<std::string> with_example_tls(std::vector<std::string> args) {
    args.insert(args.begin(), {"--cert", server_->cert("example_client_tls.cer").string(), "--key",
                               server_->cert("example_client_tls.key").string()});
    return with_ca(std::move(args));
  }
};

TEST_F(ServeTest, FirstStartCreatesTheDataDirectory) {
  const auto& dir = server_->data_dir();
  for (auto name :
       {"ca.cer", "server.cer", "server.key", "example_client_tls.cer", "example_client_tls.key",
        "example_client_signing.cer", "example_client_signing.key"}) {
    EXPECT_TRUE(fs::exists(dir / "certs" / name)) << name;
  }
  EXPECT_TRUE(fs::exists(dir / "sandbank.db"));
  auto endpoints = parse_json(run({"cat", (dir / "endpoints.json").string()}).out);
  EXPECT_EQ(std::string(endpoints.at("api").as_string()), server_->api_url());
  EXPECT_EQ(std::string(endpoints.at("web").as_string()), server_->web_url());
  // The guide's keyId for the example signing certificate.
  auto serial = run({"openssl", "x509", "-noout", "-serial", "-in",
                     (dir / "certs" / "example_client_signing.cer").string()});
  EXPECT_EQ(serial.out, "serial=49BA5C71\n");
}

TEST_F(ServeTest, HealthAnswersOnBothListenersWithTheSandboxCa) {
  for (const auto& url : {server_->api_url(), server_->web_url()}) {
    auto r = curl(with_ca({url + "/health"}));
    ASSERT_EQ(r.curl_exit, 0) << r.curl_stderr;
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(parse_json(r.body), parse_json(R"({"status":"ok"})"));
  }
}

TEST_F(ServeTest, EveryResponseCarriesTheGuidesHeaders) {
  auto a = curl(with_ca({server_->api_url() + "/health"}));
  auto b = curl(with_ca({server_->api_url() + "/no/such/route"}));
  for (const auto& r : {a, b}) {
    EXPECT_TRUE(r.header("x-ing-response-id")) << r.headers;
    EXPECT_TRUE(r.header("date"));
    EXPECT_EQ(r.header("strict-transport-security").value_or(""),
              "max-age=31622400; includeSubDomains");
    EXPECT_EQ(r.header("x-content-type-options").value_or(""), "nosniff");
    EXPECT_EQ(r.header("x-frame-options").value_or(""), "deny");
    EXPECT_TRUE(r.header("cache-control").value_or("").find("no-store") != std::string::npos);
    EXPECT_EQ(r.header("pragma").value_or(""), "no-cache");
    EXPECT_EQ(r.header("expires").value_or(""), "0");
  }
  EXPECT_NE(a.header("x-ing-response-id"), b.header("x-ing-response-id"));
}

TEST_F(ServeTest, ExampleTlsCertificatePassesMutualTls) {
  auto r = curl(with_example_tls({server_->api_url() + "/sandbank/whoami"}));
  ASSERT_EQ(r.curl_exit, 0) << r.curl_stderr;
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = parse_json(r.body);
  EXPECT_EQ(std::string(v.at("organizationIdentifier").as_string()), "PSDNL-SBX-1234512345");
  EXPECT_EQ(std::string(v.at("client_id").as_string()), "5ca1ab1e-c0ca-c01a-cafe-154deadbea75");
  auto roles = v.at("roles").as_array();
  EXPECT_EQ(roles.size(), 4u);
}

TEST_F(ServeTest, NoClientCertificateIs401WithAnExplanation) {
  auto r = curl(with_ca({server_->api_url() + "/sandbank/whoami"}));
  ASSERT_EQ(r.curl_exit, 0) << r.curl_stderr;
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(detail_of(r), "mtls.certificate_missing");
  EXPECT_NE(r.body.find("--cert"), std::string::npos) << r.body;
}

TEST_F(ServeTest, CertificateFromAnotherCaIs401) {
  TempDir other;
  auto script =
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.cer -days 30 "
      "-subj '/CN=Not The Sandbox' 2>/dev/null";
  ASSERT_EQ(run_bash(script, other.path()).exit_code, 0);
  auto r = curl(
      with_ca({"--cert", (other.path() / "other.cer").string(), "--key",
               (other.path() / "other.key").string(), server_->api_url() + "/sandbank/whoami"}));
  ASSERT_EQ(r.curl_exit, 0) << r.curl_stderr;
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(detail_of(r), "mtls.certificate_untrusted");
}

// A client chain longer than the listener keeps (the leaf and 9 more) is refused with a 401
// naming the limit, not verified on every request.
TEST_F(ServeTest, AClientChainOfMoreThanTenCertificatesIs401) {
  TempDir tmp;
  std::string script = "cat " + server_->cert("example_client_tls.cer").string() + " > long.pem";
  for (int i = 0; i < 11; ++i) {
    script +=
        " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-keyout /dev/null -subj /CN=unrelated" +
        std::to_string(i) + " -days 2 -out u.pem 2>/dev/null && cat u.pem >> long.pem";
  }
  script += " && cat " + server_->cert("example_client_tls.cer").string() + " " +
            server_->cert("ca.cer").string() + " > short.pem";
  ASSERT_EQ(run_bash(script, tmp.path()).exit_code, 0);
  auto key = server_->cert("example_client_tls.key").string();
  auto refused = curl(with_ca({"--cert", (tmp.path() / "long.pem").string(), "--key", key,
                               server_->api_url() + "/sandbank/whoami"}));
  ASSERT_EQ(refused.curl_exit, 0) << refused.curl_stderr;
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(detail_of(refused), "mtls.certificate_chain_too_long");
  EXPECT_NE(refused.body.find("12 certificates"), std::string::npos) << refused.body;
  auto accepted = curl(with_ca({"--cert", (tmp.path() / "short.pem").string(), "--key", key,
                                server_->api_url() + "/sandbank/whoami"}));
  EXPECT_EQ(accepted.status, 200) << accepted.body;
}

TEST_F(ServeTest, IssuedThenRevokedCertificateIsRefusedWithoutRestart) {
  TempDir out;
  auto issued = sandbank({"certs", "issue", "--data", server_->data_dir().string(), "--out",
                          out.path().string(), "--org", "Second TPP", "--roles", "PSP_AI"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  auto verify = run({"openssl", "verify", "-CAfile", server_->cert("ca.cer").string(),
                     (out.path() / "tls.cer").string(), (out.path() / "signing.cer").string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto args = with_ca({"--cert", (out.path() / "tls.cer").string(), "--key",
                       (out.path() / "tls.key").string(), server_->api_url() + "/sandbank/whoami"});
  auto before = curl(args);
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(parse_json(before.body).at("client_id"), nullptr);  // not registered yet

  auto revoked = sandbank({"certs", "revoke", "--data", server_->data_dir().string(),
                           (out.path() / "tls.cer").string()});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  auto after = curl(args);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(detail_of(after), "mtls.certificate_revoked");
}

TEST_F(ServeTest, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
  auto a = curl(with_ca({server_->api_url() + "/v9/nothing"}));
  EXPECT_EQ(a.status, 404);
  EXPECT_FALSE(detail_of(a).empty());
  auto b = curl(with_ca({"-X", "DELETE", server_->api_url() + "/health"}));
  EXPECT_EQ(b.status, 405);
  EXPECT_NE(b.header("allow").value_or("").find("GET"), std::string::npos) << b.headers;
}

// The web listener serves a browser: its errors are pages in the authorization app's style,
// except under /grantssupport/, the JSON API that ING's CLI calls.
TEST_F(ServeTest, WebListenerErrorsAreHtmlPagesExceptItsJsonApi) {
  auto is_error_page = [](const HttpResult& r, const std::string& code) {
    return r.header("content-type").value_or("").starts_with("text/html") &&
           r.body.find("data-outcome=\"error\"") != std::string::npos &&
           r.body.find("<code id=\"error-code\">" + code + "</code>") != std::string::npos &&
           r.header("content-security-policy").has_value();
  };
  auto missing = curl(with_ca({server_->web_url() + "/no/such/page"}));
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(is_error_page(missing, "route.not_found")) << missing.headers << missing.body;
  EXPECT_NE(missing.body.find("Page not found"), std::string::npos) << missing.body;

  auto method = curl(with_ca({"-X", "DELETE", server_->web_url() + "/health"}));
  EXPECT_EQ(method.status, 405);
  EXPECT_TRUE(is_error_page(method, "route.method_not_allowed")) << method.body;
  EXPECT_NE(method.header("allow").value_or("").find("GET"), std::string::npos);

  TempDir tmp;
  auto body_file = tmp.path() / "body";
  std::ofstream(body_file) << std::string(1024 * 1024 + 10, 'x');
  auto large = curl(with_ca({"-X", "POST", "--data-binary", std::string("@") + body_file.string(),
                             server_->web_url() + "/authorize/consent"}));
  EXPECT_EQ(large.status, 413) << large.curl_stderr;
  EXPECT_TRUE(is_error_page(large, "http.body_too_large")) << large.body;

  auto headers = curl(with_ca({"-H", std::string("X-Big: ") + std::string(20 * 1024, 'a'),
                               server_->web_url() + "/authorize/v2/NL"}));
  EXPECT_EQ(headers.status, 431);
  EXPECT_TRUE(is_error_page(headers, "http.header_too_large")) << headers.body;

  // The JSON API of the web listener keeps JSON errors, known route or not.
  auto api = curl(with_ca({server_->web_url() + "/grantssupport/no/such/route"}));
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(detail_of(api), "route.not_found");
  auto token = curl(with_ca({server_->web_url() + "/grantssupport/accounts"}));
  EXPECT_EQ(token.status, 401);
  EXPECT_EQ(detail_of(token), "token.missing");
  // The API listener answers JSON as always.
  EXPECT_EQ(detail_of(curl(with_ca({server_->api_url() + "/no/such/page"}))), "route.not_found");
}

TEST_F(ServeTest, OversizeHeadersAre431AndOversizeBodyIs413) {
  auto big = std::string(20 * 1024, 'a');
  auto a = curl(with_ca({"-H", std::string("X-Big: ") + big, server_->api_url() + "/health"}));
  EXPECT_EQ(a.status, 431) << a.curl_stderr;
  TempDir tmp;
  auto body_file = tmp.path() / "body";
  {
    std::ofstream f(body_file);
    f << std::string(1024 * 1024 + 10, 'x');
  }
  auto b = curl(with_ca({"-X", "POST", "--data-binary", std::string("@") + body_file.string(),
                         server_->api_url() + "/health"}));
  EXPECT_EQ(b.status, 413) << b.curl_stderr;
  // Still serving.
  EXPECT_EQ(curl(with_ca({server_->api_url() + "/health"})).status, 200);
}

TEST_F(ServeTest, GarbageOnTheSocketClosesOnlyThatConnection) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server_->api_port());
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  // A TLS record header announcing a handshake, then bytes that are no handshake at all.
  using namespace std::string_literals;
  std::string garbage = "\x16\x03\x01\x00\x05garbage\r\n\r\nGET / HTTP/1.1\r\n\r\n"s;
  ASSERT_GT(write(fd, garbage.data(), garbage.size()), 0);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[256];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
  }
  EXPECT_EQ(n, 0) << "server should close the connection, not hang";
  close(fd);
  EXPECT_EQ(curl(with_ca({server_->api_url() + "/health"})).status, 200);
}

TEST(ServeLifecycle, SigtermExitsCleanlyAndARestartReusesTheData) {
  TempDir tmp;
  auto data = tmp.path() / "data";
  std::string ca_before;
  {
    SandbankServer server(data);
    server.start();
    ca_before = run({"cat", (data / "certs" / "ca.cer").string()}).out;
    EXPECT_EQ(server.terminate(SIGTERM), 0) << server.log();
    EXPECT_NE(server.log().find("stopped cleanly"), std::string::npos);
  }
  SandbankServer again(data);
  again.start();
  EXPECT_EQ(run({"cat", (data / "certs" / "ca.cer").string()}).out, ca_before);
  EXPECT_EQ(again.terminate(SIGINT), 0);
}

TEST(ServeLifecycle, DamagedDataDirectoryIsAnErrorNotARegeneration) {
  TempDir tmp;
  auto data = tmp.path() / "data";
  {
    SandbankServer server(data);
    server.start();
    server.terminate();
  }
  fs::remove(data / "certs" / "example_client_signing.key");
  auto r = sandbank({"serve", "--data", data.string(), "--api-listen", "127.0.0.1:0",
                     "--web-listen", "127.0.0.1:0"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("example_client_signing.key"), std::string::npos)
      << r.out << r.err;
  EXPECT_FALSE(fs::exists(data / "certs" / "example_client_signing.key"));

  // A directory left half-written by an interrupted first start.
  auto half = tmp.path() / "half";
  fs::create_directories(half / "certs");
  std::ofstream(half / "certs" / "ca.cer") << "partial";
  auto h = sandbank({"serve", "--data", half.string(), "--api-listen", "127.0.0.1:0",
                     "--web-listen", "127.0.0.1:0"});
  EXPECT_NE(h.exit_code, 0);
  EXPECT_NE((h.out + h.err).find("incomplete"), std::string::npos) << h.out << h.err;
}

TEST(ServeLifecycle, OptionsComeFromATomlConfigFile) {
  TempDir tmp;
  auto config = tmp.path() / "sandbank.toml";
  auto data = tmp.path() / "from-config";
  std::ofstream(config) << "data = \"" << data.string() << "\"\nlog-format = \"json\"\n";
  SandbankServer server(data, {"--config", config.string()}, /*pass_data=*/false);
  server.start();
  EXPECT_TRUE(fs::exists(data / "certs" / "ca.cer"));
  auto r = curl({"--cacert", (data / "certs" / "ca.cer").string(), server.api_url() + "/health"});
  EXPECT_EQ(r.status, 200);
  server.terminate();
  // JSON log lines: every line of output parses as an object.
  auto log = server.log();
  EXPECT_NE(log.find("{\"time\""), std::string::npos) << log;
}

// A TCP connection to 127.0.0.1:port; -1 when it cannot connect.
int connect_to(unsigned short port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Seconds until the server closes the silent connection `fd` (-1: it did not in 5 s).
double seconds_until_closed(int fd) {
  auto started = std::chrono::steady_clock::now();
  char buf[64];
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  if (n != 0) return -1;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

// The limits of docs/reliability.md are options of serve, from the command line or the TOML
// file like any other.
TEST(ServeLifecycle, LimitsComeFromTheCommandLineAndTheConfigFile) {
  TempDir tmp;
  auto config = tmp.path() / "sandbank.toml";
  std::ofstream(config) << "max-connections-per-client = 2\nmax-body-bytes = 1000\n";
  SandbankServer server(tmp.path() / "data",
                        {"--config", config.string(), "--first-request-timeout", "1"});
  server.start();
  int first = connect_to(server.api_port());
  int second = connect_to(server.web_port());  // the limit counts both listeners together
  ASSERT_GE(first, 0);
  ASSERT_GE(second, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  int third = connect_to(server.api_port());
  ASSERT_GE(third, 0);
  auto refused = seconds_until_closed(third);
  EXPECT_GE(refused, 0);
  EXPECT_LT(refused, 0.5);  // closed at once: the client has two connections open
  auto silent = seconds_until_closed(first);
  EXPECT_GT(silent, 0.5);  // closed by the first-request timeout, 1 s after the accept
  EXPECT_LT(silent, 3);
  close(second);

  auto body = curl({"--cacert", server.cert("ca.cer").string(), "--data-binary",
                    std::string(2000, 'x'), server.api_url() + "/health"});
  EXPECT_EQ(body.status, 413);
  EXPECT_EQ(server.terminate(), 0);

  auto help = sandbank({"serve", "--help"});
  for (const char* option :
       {"--max-connections", "--max-connections-per-client", "--max-header-bytes",
        "--max-body-bytes", "--handshake-timeout", "--first-request-timeout", "--header-timeout",
        "--body-timeout", "--keep-alive-timeout", "--write-timeout", "--stop-timeout",
        "--max-requests-per-connection", "--max-client-chain"}) {
    EXPECT_NE(help.out.find(option), std::string::npos) << option;
  }
  auto zero =
      sandbank({"serve", "--data", (tmp.path() / "data").string(), "--max-connections", "0"});
  EXPECT_NE(zero.exit_code, 0);
  EXPECT_NE(zero.err.find("--max-connections"), std::string::npos) << zero.err;
}

TEST(CertsCommand, ShowPrintsSerialFingerprintAndRoles) {
  TempDir tmp;
  SandbankServer server(tmp.path() / "data");
  server.start();
  auto r = sandbank({"certs", "show", server.cert("example_client_signing.cer").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("49BA5C71"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PSDNL-SBX-1234512345"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PSP_IC"), std::string::npos) << r.out;
  auto fp = run({"openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in",
                 server.cert("example_client_signing.cer").string()});
  auto hex = fp.out.substr(fp.out.find('=') + 1);
  hex.erase(std::remove(hex.begin(), hex.end(), ':'), hex.end());
  hex.erase(std::remove(hex.begin(), hex.end(), '\n'), hex.end());
  EXPECT_NE(r.out.find(hex), std::string::npos) << r.out << "\nexpected " << hex;
}

}  // namespace
}  // namespace sandbank::testing

namespace sandbank::testing {
namespace {

TEST(DataCommand, ResetRestoresTheBankAndRefusesABadProfilesFile) {
  TempDir tmp;
  auto data = tmp.path() / "data";
  {
    SandbankServer server(data);
    server.start();
    EXPECT_NE(server.log().find("seeded the simulated bank"), std::string::npos) << server.log();
    server.terminate();
  }
  auto r = sandbank({"data", "reset", "--data", data.string(), "--seed", "5"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("seed 5"), std::string::npos) << r.out;

  auto bad = tmp.path() / "profiles.json";
  std::ofstream(bad) << "{\"profiles\": [{\"id\": 1}]}";
  auto b = sandbank({"data", "reset", "--data", data.string(), "--profiles", bad.string()});
  EXPECT_NE(b.exit_code, 0);
  EXPECT_NE(b.err.find("profiles.json"), std::string::npos) << b.err;

  auto missing = sandbank({"data", "reset", "--data", (tmp.path() / "nowhere").string()});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace sandbank::testing
