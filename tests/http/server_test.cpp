// The server on real sockets: curl for what real clients do, raw TCP/TLS for what they don't.

#include "http/server.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/json.hpp>
#include <fstream>
#include <future>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "core/strings.hpp"
#include "core/time_format.hpp"
#include "http_test_support.hpp"

#ifdef SANDBANK_HTTP_TEST_HAS_CRYPTO
#include "crypto/certificate.hpp"
#endif

namespace sandbank::http {
namespace {

using namespace std::chrono_literals;
using test::curl;
using test::CurlResult;
using test::parse_http_response;
using test::RawClient;
using test::TestPki;

boost::json::object json_of(const std::string& body) {
  return boost::json::parse(body).as_object();
}

std::string string_of(const boost::json::value& v) {
  return std::string(v.as_string());
}

// Routes shared by every test server.
void add_test_routes(Router& router) {
  router.add("GET", "/health", [](Request&) { return Response::json(200, R"({"status":"UP"})"); });
  router.add("GET", "/items/{id}", [](Request& r) {
    boost::json::object o{{"id", r.path_params.at("id")}, {"listener", r.listener}};
    return Response::json(200, boost::json::serialize(o));
  });
  router.add("GET", "/items/special", [](Request&) { return Response::text(200, "special"); });
  router.add("GET", "/cert", [](Request& r) {
    boost::json::object o{{"chain", r.client_chain_der.size()}};
    if (!r.client_chain_der.empty()) o["leaf"] = hex_encode(r.client_chain_der.front());
    if (r.client_chain_refused != 0) o["refused"] = r.client_chain_refused;
#ifdef SANDBANK_HTTP_TEST_HAS_CRYPTO
    if (auto cert = r.client_certificate()) {
      o["serial"] = cert->serial_hex();
      o["same_object"] = cert.get() == r.client_certificate().get();
    }
    const auto& intermediates = r.client_intermediates();
    o["intermediates"] = intermediates.size();
    o["intermediates_at"] = std::to_string(reinterpret_cast<std::uintptr_t>(&intermediates));
    if (!intermediates.empty()) o["first_intermediate"] = intermediates.front().subject();
#endif
    return Response::json(200, boost::json::serialize(o));
  });
  router.add("GET", "/mtls", [](Request& r) -> Response {
    if (r.client_chain_der.empty()) {
      throw Error(401, "mtls.certificate_missing", "No client certificate was presented",
                  "Send the QWAC with curl --cert and --key");
    }
    return Response::text(200, "welcome");
  });
  router.add("GET", "/boom",
             [](Request&) -> Response { throw std::runtime_error("secret-internal-detail"); });
  router.add("POST", "/echo", [](Request& r) {
    boost::json::object o{{"size", r.body.size()}, {"prefix", r.body.substr(0, 16)}};
    return Response::json(200, boost::json::serialize(o));
  });
  router.add("GET", "/headers", [](Request& r) {
    boost::json::array names;
    for (const auto& h : r.headers) names.emplace_back(h.name);
    boost::json::object o{
        {"names", names}, {"remote", r.remote_address}, {"target", r.target}, {"query", r.query()}};
    return Response::json(200, boost::json::serialize(o));
  });
  // A body of ?size=N bytes (a repeating pattern), for responses of every length.
  router.add("GET", "/big", [](Request& r) {
    std::size_t n = std::stoul(std::string(r.query().substr(5)));
    std::string body(n, 'x');
    for (std::size_t i = 0; i < n; ++i) body[i] = static_cast<char>('a' + i % 26);
    return Response::text(200, std::move(body));
  });
  router.add("GET", "/cached", [](Request&) {
    Response r = Response::text(200, "cacheable");
    r.set("Cache-Control", "max-age=60");
    return r;
  });
}

class AccessLogCollector {
 public:
  AccessLogSink sink() {
    return [this](const AccessLogEntry& e) {
      std::lock_guard lock(mu_);
      entries_.push_back(e);
    };
  }
  std::optional<AccessLogEntry> find(const std::string& response_id) {
    // The entry is written right after the response; give the server thread a moment.
    for (int i = 0; i < 100; ++i) {
      {
        std::lock_guard lock(mu_);
        for (const auto& e : entries_) {
          if (e.response_id == response_id) return e;
        }
      }
      std::this_thread::sleep_for(10ms);
    }
    return std::nullopt;
  }

 private:
  std::mutex mu_;
  std::vector<AccessLogEntry> entries_;
};

TlsConfig server_tls(bool request_client_certificate) {
  const auto& pki = TestPki::get();
  return {pki.server_cert, pki.server_key, request_client_certificate};
}

// One server for most tests: "api" (TLS, asks for a client certificate), "web" (TLS, does not)
// and "plain" (HTTP), all with the same routes.
class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    router_ = new Router();
    add_test_routes(*router_);
    log_ = new AccessLogCollector();
    Limits limits;
    limits.header_timeout = 5s;
    limits.body_timeout = 5s;
    server_ = new Server({{"api", "127.0.0.1", 0, server_tls(true), router_},
                          {"web", "127.0.0.1", 0, server_tls(false), router_},
                          {"plain", "127.0.0.1", 0, {}, router_}},
                         limits, 2, log_->sink());
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete router_;
    delete log_;
  }

  static std::string url(const std::string& listener, const std::string& path) {
    std::string scheme = listener == "plain" ? "http" : "https";
    return scheme + "://127.0.0.1:" + std::to_string(server_->port(listener)) + path;
  }
  static unsigned short port(const std::string& listener) { return server_->port(listener); }

  static void expect_healthy(const std::string& listener = "api") {
    CurlResult r = curl(url(listener, "/health"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.status, 200u);
  }

  static Server* server_;
  static Router* router_;
  static AccessLogCollector* log_;
};

Server* ServerTest::server_ = nullptr;
Router* ServerTest::router_ = nullptr;
AccessLogCollector* ServerTest::log_ = nullptr;

void expect_standard_headers(const CurlResult& r) {
  static const std::regex kResponseId("^[0-9a-f]{32}$");
  EXPECT_TRUE(std::regex_match(r.header("X-ING-Response-ID").value_or(""), kResponseId))
      << r.header("X-ING-Response-ID").value_or("(none)");
  EXPECT_TRUE(parse_http_date(r.header("Date").value_or(""))) << r.header("Date").value_or("");
  EXPECT_EQ(r.header("Strict-Transport-Security").value_or(""),
            "max-age=31622400; includeSubDomains");
  EXPECT_EQ(r.header("X-Content-Type-Options").value_or(""), "nosniff");
  EXPECT_EQ(r.header("X-Frame-Options").value_or(""), "deny");
  EXPECT_EQ(r.header("X-XSS-Protection").value_or(""), "1; mode=block");
  EXPECT_EQ(r.header("Cache-Control").value_or(""),
            "no-cache, no-store, max-age=0, must-revalidate");
  EXPECT_EQ(r.header("Pragma").value_or(""), "no-cache");
  EXPECT_EQ(r.header("Expires").value_or(""), "0");
  EXPECT_EQ(r.header("Content-Length").value_or(""), std::to_string(r.body.size()));
}

TEST_F(ServerTest, HealthCarriesTheStandardHeadersAndAUniqueResponseId) {
  CurlResult first = curl(url("api", "/health"));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.status, 200u);
  EXPECT_EQ(first.body, R"({"status":"UP"})");
  EXPECT_EQ(first.header("Content-Type").value_or(""), "application/json");
  expect_standard_headers(first);
  CurlResult second = curl(url("web", "/health"));
  expect_standard_headers(second);
  EXPECT_NE(first.header("X-ING-Response-ID"), second.header("X-ING-Response-ID"));
}

TEST_F(ServerTest, ResponseIdsAreDistinct32HexDigits) {
  RawClient client(port("api"), true);
  ASSERT_TRUE(client.ok());
  std::set<std::string> ids;
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    CurlResult r = parse_http_response(client.read_response(5s));
    std::string id(r.header("X-ING-Response-ID").value_or(""));
    ASSERT_EQ(id.size(), 32u) << id;
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 300u);
}

TEST_F(ServerTest, HandlerHeadersWinOverDefaults) {
  CurlResult r = curl(url("api", "/cached"));
  EXPECT_EQ(r.header("Cache-Control").value_or(""), "max-age=60");
  EXPECT_EQ(r.header("X-Frame-Options").value_or(""), "deny");
}

TEST_F(ServerTest, PathParametersAndLiteralPrecedence) {
  CurlResult r = curl(url("api", "/items/5ca1ab1e-0000?x=1"));
  EXPECT_EQ(r.status, 200u);
  auto o = json_of(r.body);
  EXPECT_EQ(string_of(o.at("id")), "5ca1ab1e-0000");
  EXPECT_EQ(string_of(o.at("listener")), "api");
  EXPECT_EQ(curl(url("web", "/items/special")).body, "special");
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowedAreJson) {
  CurlResult missing = curl(url("api", "/nothing/here"));
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(string_of(json_of(missing.body).at("detail")), "route.not_found");
  expect_standard_headers(missing);

  CurlResult wrong = curl(url("api", "/health"), {"-X", "DELETE"});
  EXPECT_EQ(wrong.status, 405u);
  EXPECT_EQ(wrong.header("Allow").value_or(""), "GET, HEAD");
  EXPECT_EQ(string_of(json_of(wrong.body).at("detail")), "route.method_not_allowed");
  expect_standard_headers(wrong);
}

TEST_F(ServerTest, EveryRequestOfAKeptAliveConnectionSeesTheClientChain) {
  const auto& pki = TestPki::get();
  // curl sends the three requests on one connection.
  CurlResult r =
      curl(url("api", "/cert"), {"-k", "--cert", pki.client_chain, "--key", pki.client_key,
                                 url("api", "/cert"), url("api", "/cert")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::size_t seen = 0;
  for (auto at = r.body.find("\"chain\":2"); at != std::string::npos;
       at = r.body.find("\"chain\":2", at + 1)) {
    ++seen;
  }
  EXPECT_EQ(seen, 3u) << r.body;
}

TEST_F(ServerTest, HeadAnswersWithTheGetLengthAndNoBody) {
  CurlResult r = curl(url("api", "/health"), {"-I"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("Content-Length").value_or(""), "15");
  EXPECT_EQ(r.body, "");
}

TEST_F(ServerTest, ClientCertificateChainIsExposedOnTheApiListener) {
  const auto& pki = TestPki::get();
  CurlResult with =
      curl(url("api", "/cert"), {"-k", "--cert", pki.client_cert, "--key", pki.client_key});
  ASSERT_EQ(with.exit_code, 0) << with.err;
  auto o = json_of(with.body);
  EXPECT_EQ(o.at("chain").as_int64(), 1);
  EXPECT_EQ(string_of(o.at("leaf")), pki.client_der_hex);
#ifdef SANDBANK_HTTP_TEST_HAS_CRYPTO
  EXPECT_EQ(string_of(o.at("serial")), "49BA5C71");
  EXPECT_TRUE(o.at("same_object").as_bool());
#endif

  // The client sends its chain (here from the file; OpenSSL clients also complete it from
  // their CA store): leaf first.
  CurlResult chain =
      curl(url("api", "/cert"), {"-k", "--cert", pki.client_chain, "--key", pki.client_key});
  auto c = json_of(chain.body);
  EXPECT_EQ(c.at("chain").as_int64(), 2);
  EXPECT_EQ(string_of(c.at("leaf")), pki.client_der_hex);  // leaf first

  CurlResult without = curl(url("api", "/cert"));
  ASSERT_EQ(without.exit_code, 0) << without.err;
  EXPECT_EQ(json_of(without.body).at("chain").as_int64(), 0);
}

TEST_F(ServerTest, WebListenerDoesNotAskForAClientCertificate) {
  const auto& pki = TestPki::get();
  CurlResult r = curl(url("web", "/cert"), {"--cert", pki.client_cert, "--key", pki.client_key});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json_of(r.body).at("chain").as_int64(), 0);
}

TEST_F(ServerTest, HandlerErrorBecomesJsonWithItsDetailCode) {
  CurlResult r = curl(url("api", "/mtls"));
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json");
  auto o = json_of(r.body);
  EXPECT_EQ(string_of(o.at("message")), "No client certificate was presented");
  EXPECT_EQ(string_of(o.at("detail")), "mtls.certificate_missing");
  EXPECT_EQ(string_of(o.at("diagnostic")), "Send the QWAC with curl --cert and --key");
  expect_standard_headers(r);

  auto entry = log_->find(r.header("X-ING-Response-ID").value_or(""));
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->status, 401u);
  EXPECT_EQ(entry->detail_code, "mtls.certificate_missing");
  EXPECT_EQ(entry->listener, "api");

  const auto& pki = TestPki::get();
  CurlResult ok = curl(url("api", "/mtls"), {"--cert", pki.client_cert, "--key", pki.client_key});
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(ok.body, "welcome");
}

TEST_F(ServerTest, AccessLogRecordsEachResponse) {
  const auto& pki = TestPki::get();
  CurlResult r =
      curl(url("api", "/items/42?a=b"), {"--cert", pki.client_cert, "--key", pki.client_key});
  auto entry = log_->find(r.header("X-ING-Response-ID").value_or(""));
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->method, "GET");
  EXPECT_EQ(entry->target, "/items/42?a=b");
  EXPECT_EQ(entry->status, 200u);
  EXPECT_EQ(entry->client_certificate_serial, "49BA5C71");
  EXPECT_EQ(entry->detail_code, "");
  EXPECT_EQ(entry->remote_address, "127.0.0.1");
  EXPECT_GT(entry->bytes, r.body.size());
  EXPECT_GT(entry->duration.count(), 0);
}

TEST_F(ServerTest, OtherExceptionsAre500WithoutInternals) {
  CurlResult r = curl(url("api", "/boom"));
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(string_of(json_of(r.body).at("detail")), "internal");
  EXPECT_EQ(r.body.find("secret-internal-detail"), std::string::npos);
  expect_standard_headers(r);
}

TEST_F(ServerTest, HeadersKeepOrderAndCaseAndTargetIsRaw) {
  RawClient client(port("api"), true);
  ASSERT_TRUE(client.ok());
  client.send(
      "GET /headers?b=%20x&a HTTP/1.1\r\nHost: localhost\r\nX-Zeta: 1\r\nx-alpha: 2\r\n"
      "DIGEST: SHA-256=x\r\nConnection: close\r\n\r\n");
  CurlResult r = parse_http_response(client.read_all(5s));
  ASSERT_EQ(r.status, 200u);
  auto o = json_of(r.body);
  const auto& names = o.at("names").as_array();
  ASSERT_EQ(names.size(), 5u);
  EXPECT_EQ(names[0].as_string(), "Host");
  EXPECT_EQ(names[1].as_string(), "X-Zeta");
  EXPECT_EQ(names[2].as_string(), "x-alpha");
  EXPECT_EQ(names[3].as_string(), "DIGEST");
  EXPECT_EQ(string_of(o.at("target")), "/headers?b=%20x&a");
  EXPECT_EQ(string_of(o.at("query")), "b=%20x&a");
  EXPECT_EQ(string_of(o.at("remote")), "127.0.0.1");
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  RawClient client(port("api"), true);
  ASSERT_TRUE(client.ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    CurlResult r = parse_http_response(client.read_response(5s));
    EXPECT_EQ(r.status, 200u) << "request " << i;
    EXPECT_FALSE(r.header("Connection"));
  }
  // Two pipelined requests, the second asking to close.
  ASSERT_TRUE(
      client.send("GET /items/1 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                  "GET /items/2 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
  CurlResult first = parse_http_response(client.read_response(5s));
  EXPECT_EQ(string_of(json_of(first.body).at("id")), "1");
  bool closed = false;
  CurlResult last = parse_http_response(client.read_all(5s, &closed));
  EXPECT_EQ(string_of(json_of(last.body).at("id")), "2");
  EXPECT_EQ(last.header("Connection").value_or(""), "close");
  EXPECT_TRUE(closed);
}

TEST_F(ServerTest, BodiesOfEveryLengthArriveWholeOverTlsAndPlain) {
  for (const char* listener : {"api", "plain"}) {
    for (std::size_t n : {0ul, 1ul, 8192ul, 8193ul, 16383ul, 16384ul, 16385ul, 48000ul, 65536ul,
                          200000ul, 1000000ul}) {
      CurlResult r = curl(url(listener, "/big?size=" + std::to_string(n)));
      ASSERT_EQ(r.exit_code, 0) << listener << " " << n << ": " << r.err;
      EXPECT_EQ(r.status, 200u);
      ASSERT_EQ(r.body.size(), n) << listener;
      for (std::size_t i = 0; i < n; i += 997) {
        ASSERT_EQ(r.body[i], static_cast<char>('a' + i % 26)) << listener << " " << n << " @" << i;
      }
    }
  }
  // Keep-alive after a long body: the next response on the connection is intact.
  RawClient client(port("api"), true);
  ASSERT_TRUE(client.ok());
  for (std::size_t n : {200000ul, 10ul, 70000ul}) {
    ASSERT_TRUE(
        client.send("GET /big?size=" + std::to_string(n) + " HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    CurlResult r = parse_http_response(client.read_response(10s));
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body.size(), n);
  }
}

TEST_F(ServerTest, TlsRequestsArriveInAnyRecordSplit) {
  // The server decrypts records itself: a request cut into many records, one spread over
  // records bigger than a read, and two requests in one record are all read whole.
  RawClient client(port("api"), true);
  ASSERT_TRUE(client.ok());
  const std::string body(40000, 'b');
  const std::string request =
      "POST /echo HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(15000, 'h') +
      "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  for (std::size_t i = 0; i < 60; ++i) ASSERT_TRUE(client.send(request.substr(i, 1)));
  std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(client.send(request.substr(60, 20000)));
  std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(client.send(request.substr(20060)));
  CurlResult r = parse_http_response(client.read_response(5s));
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(json_of(r.body).at("size").as_int64(), 40000);
  // One record larger than a socket read, then two requests in one record.
  ASSERT_TRUE(client.send(request));
  r = parse_http_response(client.read_response(5s));
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(json_of(r.body).at("size").as_int64(), 40000);
  ASSERT_TRUE(
      client.send("GET /items/1 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                  "GET /items/2 HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  EXPECT_EQ(string_of(json_of(parse_http_response(client.read_response(5s)).body).at("id")), "1");
  EXPECT_EQ(string_of(json_of(parse_http_response(client.read_response(5s)).body).at("id")), "2");
}

TEST_F(ServerTest, ATls12RenegotiationIsRefusedAtOnce) {
  // Reading records itself, the server still sends what OpenSSL answers while reading: here
  // the no_renegotiation alert, rather than leaving the client waiting for a handshake.
  RawClient client(port("api"), true, TLS1_2_VERSION);
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  EXPECT_EQ(parse_http_response(client.read_response(5s)).status, 200u);
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(client.renegotiate(), "no renegotiation");
  // An answer, not a header or body timeout.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(ServerTest, Http10ClosesUnlessAskedToKeepAlive) {
  RawClient client(port("plain"), false);
  client.send("GET /health HTTP/1.0\r\n\r\n");
  bool closed = false;
  CurlResult r = parse_http_response(client.read_all(5s, &closed));
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(closed);
}

TEST_F(ServerTest, OversizedHeadersGet431AndClose) {
  for (std::string listener : {"api", "plain"}) {
    RawClient client(port(listener), listener != "plain");
    ASSERT_TRUE(client.ok());
    client.send("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(20000, 'a') +
                "\r\n\r\n");
    bool closed = false;
    CurlResult r = parse_http_response(client.read_all(5s, &closed));
    EXPECT_EQ(r.status, 431u) << listener;
    EXPECT_EQ(string_of(json_of(r.body).at("detail")), "http.header_too_large");
    EXPECT_EQ(r.header("Connection").value_or(""), "close");
    expect_standard_headers(r);
    EXPECT_TRUE(closed);
  }
  // Just under the limit is fine.
  CurlResult ok = curl(url("api", "/health"), {"-H", "X-Big: " + std::string(15000, 'a')});
  EXPECT_EQ(ok.status, 200u);
}

// The limit holds the request line and the headers together (Beast holds each to it alone): a
// 10 KB target and 10 KB of headers are refused, in one write or in two.
TEST_F(ServerTest, TheHeaderLimitCountsTheRequestLineWithTheHeaders) {
  const std::string line = "GET /health?pad=" + std::string(10000, 'p') + " HTTP/1.1\r\n";
  const std::string fields = "Host: localhost\r\nX-Big: " + std::string(10000, 'a') + "\r\n\r\n";
  for (bool split : {false, true}) {
    RawClient client(port("plain"), false);
    ASSERT_TRUE(client.ok());
    if (split) {
      client.send(line);
      std::this_thread::sleep_for(100ms);
      client.send(fields);
    } else {
      client.send(line + fields);
    }
    CurlResult r = parse_http_response(client.read_all(5s));
    EXPECT_EQ(r.status, 431u) << split;
  }
}

TEST_F(ServerTest, OversizedBodyByContentLengthGets413) {
  RawClient client(port("api"), true);
  ASSERT_TRUE(client.ok());
  client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2000000\r\n\r\n" +
              std::string(1000, 'x'));
  bool closed = false;
  CurlResult r = parse_http_response(client.read_all(5s, &closed));
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(string_of(json_of(r.body).at("detail")), "http.body_too_large");
  EXPECT_EQ(r.header("Connection").value_or(""), "close");
  EXPECT_TRUE(closed);
}

TEST_F(ServerTest, OversizedChunkedBodyGets413) {
  RawClient client(port("plain"), false);
  ASSERT_TRUE(client.ok());
  client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
  std::string chunk = "10000\r\n" + std::string(0x10000, 'c') + "\r\n";
  for (int i = 0; i < 20; ++i) {
    if (!client.send(chunk)) break;  // the server may already have answered and stopped reading
  }
  bool closed = false;
  CurlResult r = parse_http_response(client.read_all(5s, &closed));
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(string_of(json_of(r.body).at("detail")), "http.body_too_large");
  EXPECT_TRUE(closed);
}

TEST_F(ServerTest, BodiesUpToTheLimitAreReadAndBiggerUploadsAreRefused) {
  auto dir = TestPki::get().dir;
  auto write = [&](const char* name, std::size_t size) {
    std::ofstream(dir / name, std::ios::binary) << std::string(size, 'b');
    return "@" + (dir / name).string();
  };
  std::string small = write("small.bin", 512 * 1024);
  std::string big = write("big.bin", 2 * 1024 * 1024);

  CurlResult ok = curl(url("api", "/echo"), {"--data-binary", small});
  EXPECT_EQ(ok.status, 200u) << ok.err;
  EXPECT_EQ(json_of(ok.body).at("size").as_int64(), 512 * 1024);

  CurlResult expect =
      curl(url("api", "/echo"),
           {"--data-binary", small, "-H", "Expect: 100-continue", "--expect100-timeout", "5"});
  EXPECT_EQ(expect.status, 200u) << expect.err;
  EXPECT_EQ(json_of(expect.body).at("size").as_int64(), 512 * 1024);

  CurlResult refused = curl(url("api", "/echo"), {"--data-binary", big});
  EXPECT_EQ(refused.status, 413u) << refused.err;
  EXPECT_EQ(refused.exit_code, 0) << refused.err;
  CurlResult refused_plain = curl(url("plain", "/echo"), {"--data-binary", big, "-H", "Expect:"});
  EXPECT_EQ(refused_plain.status, 413u) << refused_plain.err;
  expect_healthy();
}

TEST_F(ServerTest, MalformedHttpGets400AndClose) {
  for (std::string listener : {"api", "plain"}) {
    RawClient client(port(listener), listener != "plain");
    ASSERT_TRUE(client.ok());
    client.send("GET /health HTTP/1.1\r\nHost: localhost\r\nNo colon here\r\n\r\n");
    bool closed = false;
    CurlResult r = parse_http_response(client.read_all(5s, &closed));
    EXPECT_EQ(r.status, 400u) << listener;
    EXPECT_EQ(string_of(json_of(r.body).at("detail")), "http.malformed");
    expect_standard_headers(r);
    EXPECT_TRUE(closed);
  }
  RawClient version(port("plain"), false);
  version.send("GET /health HTTP/9.9\r\n\r\n");
  EXPECT_EQ(parse_http_response(version.read_all(5s)).status, 400u);
}

// How many responses `raw` holds: each carries one X-ING-Response-ID.
std::size_t response_count(const std::string& raw) {
  std::string lower = to_lower(raw);
  std::size_t n = 0;
  for (auto at = lower.find("x-ing-response-id:"); at != std::string::npos;
       at = lower.find("x-ing-response-id:", at + 1)) {
    ++n;
  }
  return n;
}

// RFC 9112 §6.1/§6.3: a request whose body length is not certain is refused with 400 and the
// connection closed, so that what follows it is never read as a request of its own.
TEST_F(ServerTest, AmbiguousFramingIs400AndTheSmuggledRequestIsNeverAnswered) {
  const std::string smuggled = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";
  const std::vector<std::string> framings = {
      "Transfer-Encoding: gzip\r\n",
      "Transfer-Encoding: identity\r\n",
      "Transfer-Encoding: chunked, gzip\r\n",
      "Transfer-Encoding: gzip, chunked\r\n",
      "Transfer-Encoding: xchunked\r\n",
      "Transfer-Encoding: \"chunked\"\r\n",
      "Transfer-Encoding: chunked, chunked\r\n",
      "Transfer-Encoding: chunked;ext=1\r\n",
      "Transfer-Encoding:\r\n",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
      "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: gzip\r\nContent-Length: 0\r\n",
      "Content-Length: 0\r\nTransfer-Encoding: gzip\r\n",
      "Content-Length: 0\r\nContent-Length: 5\r\n",
      "Content-Length: 0, 5\r\n",
  };
  for (std::string listener : {"plain", "api"}) {
    for (const auto& framing : framings) {
      RawClient client(port(listener), listener != "plain");
      ASSERT_TRUE(client.ok());
      client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\n" + framing + "\r\n" + smuggled);
      bool closed = false;
      std::string raw = client.read_all(3s, &closed);
      CurlResult r = parse_http_response(raw);
      EXPECT_EQ(r.status, 400u) << listener << " " << framing << raw;
      if (r.status == 400) {
        EXPECT_EQ(string_of(json_of(r.body).at("detail")), "http.framing_invalid") << framing;
      }
      EXPECT_EQ(response_count(raw), 1u) << listener << " " << framing << raw;
      EXPECT_EQ(r.header("Connection").value_or(""), "close") << framing;
      EXPECT_TRUE(closed) << listener << " " << framing;
    }
  }
  // HTTP/1.0 has no chunked coding: its framing is faulty (RFC 9112 §6.1).
  RawClient old(port("plain"), false);
  old.send("POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled);
  bool closed = false;
  std::string raw = old.read_all(3s, &closed);
  EXPECT_EQ(parse_http_response(raw).status, 400u) << raw;
  EXPECT_EQ(response_count(raw), 1u) << raw;
  EXPECT_TRUE(closed);
}

TEST_F(ServerTest, ChunkedInAnyCaseStaysAccepted) {
  for (std::string coding : {"chunked", "Chunked", "CHUNKED"}) {
    RawClient client(port("plain"), false);
    client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: " + coding +
                "\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /health HTTP/1.1\r\nHost: localhost\r\n"
                "Connection: close\r\n\r\n");
    std::string raw = client.read_all(3s);
    EXPECT_EQ(parse_http_response(raw).status, 200u) << coding << raw;
    EXPECT_NE(raw.find(R"({"size":3,"prefix":"abc"})"), std::string::npos) << raw;
    EXPECT_EQ(response_count(raw), 2u) << raw;
  }
}

// Chunk extensions and trailer fields count against the header limit: neither is buffered
// without bound, and a request that exceeds it is refused at once (the header and body timeouts
// are 5 s).
TEST_F(ServerTest, OversizedChunkExtensionsAndTrailersAreRefusedAtOnce) {
  const std::string head =
      "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string many_extensions;  // 40 chunks, each under the limit, together over it
  for (int i = 0; i < 40; ++i) many_extensions += "1;e=" + std::string(500, 'x') + "\r\na\r\n";
  const std::vector<std::pair<std::string, bool>> starts = {
      {"5;ext=", true},                          // one endless extension
      {"0;ext=", true},                          // the last chunk's
      {"5\r\nabcde\r\n0\r\nX-Trailer: ", true},  // one endless trailer field
      {many_extensions, false},                  // many extensions, each one small
  };
  for (std::string listener : {"plain", "api"}) {
    for (const auto& [start, endless] : starts) {
      RawClient client(port(listener), listener != "plain");
      ASSERT_TRUE(client.ok());
      auto started = std::chrono::steady_clock::now();
      client.send(head + start);
      if (endless) {
        const std::string filler(16 * 1024, 'a');
        for (int i = 0; i < 32 && client.send(filler); ++i) {
        }
      }
      bool closed = false;
      CurlResult r = parse_http_response(client.read_all(4s, &closed));
      EXPECT_EQ(r.status, 431u) << listener << " " << start.substr(0, 40);
      if (r.status != 0) {
        EXPECT_EQ(string_of(json_of(r.body).at("detail")), "http.header_too_large");
      }
      EXPECT_TRUE(closed);
      EXPECT_LT(std::chrono::steady_clock::now() - started, 3s) << listener << " " << start;
    }
  }
  expect_healthy();
}

TEST_F(ServerTest, ChunkExtensionsAreSkippedAndTrailersNeverBecomeHeaders) {
  RawClient client(port("plain"), false);
  client.send(
      "GET /headers HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3;name=value;q=\"quoted\"\r\nabc\r\n0\r\nX-Trailer: late\r\nHost: evil\r\n\r\n");
  CurlResult r = parse_http_response(client.read_response(3s));
  ASSERT_EQ(r.status, 200u);
  auto names = json_of(r.body).at("names").as_array();
  EXPECT_EQ(names.size(), 2u) << r.body;  // Host, Transfer-Encoding
  EXPECT_EQ(r.body.find("X-Trailer"), std::string::npos) << r.body;
}

// RFC 9112 §3.2: an HTTP/1.1 request without Host, any request with two Host fields or with an
// invalid one is answered 400 (and the connection closed, as for every request the server
// refuses itself). HTTP/1.0 may leave Host out (see Http10ClosesUnlessAskedToKeepAlive).
TEST_F(ServerTest, AMissingDuplicatedOrInvalidHostIs400) {
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"GET /health HTTP/1.1\r\n\r\n", "http.host_missing"},
      {"GET /health HTTP/1.1\r\nX-Host: localhost\r\n\r\n", "http.host_missing"},
      {"GET /health HTTP/1.1\r\nHost: localhost\r\nHost: localhost\r\n\r\n", "http.host_duplicate"},
      {"GET /health HTTP/1.1\r\nHost: a.example\r\nhost: b.example\r\n\r\n", "http.host_duplicate"},
      {"GET /health HTTP/1.0\r\nHost: a.example\r\nHOST: a.example\r\n\r\n", "http.host_duplicate"},
  };
  std::vector<std::pair<std::string, std::string>> cases = refused;
  for (std::string bad :
       {"exa mple.com", "a/b", "user@host", "a:b:c", "[::1", "[::1]x", "[::1]:x", "host:8x", "a%zz",
        "a%4", "\xc3\xa9.example", "a\"b", "<script>", "a,b\\c", "[]"}) {
    cases.push_back({"GET /health HTTP/1.1\r\nHost: " + bad + "\r\n\r\n", "http.host_invalid"});
  }
  for (std::string listener : {"plain", "api", "web"}) {
    for (const auto& [request, detail] : cases) {
      RawClient client(port(listener), listener != "plain");
      ASSERT_TRUE(client.ok());
      client.send(request);
      bool closed = false;
      CurlResult r = parse_http_response(client.read_all(3s, &closed));
      EXPECT_EQ(r.status, 400u) << listener << " " << request;
      if (r.status == 400) {
        EXPECT_EQ(string_of(json_of(r.body).at("detail")), detail) << request;
      }
      EXPECT_TRUE(closed) << request;
    }
  }
  for (std::string good : {"", "localhost", "localhost:8443", "127.0.0.1:1", "[::1]:8443",
                           "[fe80::1%25eth0]", "EXAMPLE.com.", "a_b~c-d!$&'()*+,;=%41", "host:"}) {
    RawClient client(port("plain"), false);
    client.send("GET /health HTTP/1.1\r\nHost: " + good + "\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(parse_http_response(client.read_all(3s)).status, 200u) << good;
  }
}

// An error that names what the request sent stays valid JSON: invalid UTF-8 in it is replaced.
TEST_F(ServerTest, ErrorsEchoingInvalidUtf8AreStillJson) {
  for (std::string listener : {"plain", "api"}) {
    RawClient client(port(listener), listener != "plain");
    client.send("GET /no/\xFF\xFE\xC3 HTTP/1.1\r\nHost: localhost\r\n\r\n");
    CurlResult r = parse_http_response(client.read_response(3s));
    EXPECT_EQ(r.status, 404u);
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);  // refuses invalid UTF-8
    EXPECT_FALSE(ec) << r.body;
    if (!ec) {
      EXPECT_EQ(string_of(v.at("message")),
                "No resource at /no/\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    }
  }
}

TEST_F(ServerTest, GarbageOnTheTlsPortClosesTheConnection) {
  RawClient client(port("api"), false);
  ASSERT_TRUE(client.ok());
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 7919 + 13) % 256));
  client.send(garbage);
  bool closed = false;
  client.read_all(5s, &closed);
  EXPECT_TRUE(closed);
  expect_healthy();
}

TEST_F(ServerTest, PlainHttpToTheTlsPortClosesTheConnection) {
  RawClient client(port("api"), false);
  ASSERT_TRUE(client.ok());
  client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  bool closed = false;
  std::string answer = client.read_all(5s, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(answer.find("HTTP/1.1 200"), std::string::npos);
  expect_healthy();
}

TEST_F(ServerTest, GarbageAfterTheHandshakeGets400) {
  RawClient client(port("web"), true);
  ASSERT_TRUE(client.ok());
  client.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + "\r\n\r\n");
  bool closed = false;
  CurlResult r = parse_http_response(client.read_all(5s, &closed));
  EXPECT_EQ(r.status, 400u);
  EXPECT_TRUE(closed);
  expect_healthy("web");
}

TEST_F(ServerTest, OnlyTls12AndTls13AreAccepted) {
  // SECLEVEL=0 lets the client offer TLS 1.1 at all; the refusal must come from the server.
  CurlResult tls11 = curl(url("api", "/health"),
                          {"--tlsv1.1", "--tls-max", "1.1", "--ciphers", "DEFAULT@SECLEVEL=0"});
  EXPECT_NE(tls11.exit_code, 0);
  EXPECT_EQ(tls11.status, 0u);

  CurlResult tls12 = curl(url("api", "/health"), {"--tlsv1.2", "--tls-max", "1.2"});
  EXPECT_EQ(tls12.status, 200u) << tls12.err;
  CurlResult tls13 = curl(url("api", "/health"), {"--tlsv1.3"});
  EXPECT_EQ(tls13.status, 200u) << tls13.err;
  // A TLS 1.2 client offering only CBC suites finds none in common.
  CurlResult cbc = curl(url("api", "/health"),
                        {"--tlsv1.2", "--tls-max", "1.2", "--ciphers", "ECDHE-ECDSA-AES128-SHA"});
  EXPECT_NE(cbc.exit_code, 0);
}

TEST_F(ServerTest, Http2IsNotNegotiated) {
  CurlResult r = curl(url("api", "/health"), {"--http2", "-w", "%{http_version}"});
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body.substr(r.body.size() - 3), "1.1");
}

// ---- tests that need a server of their own

struct OwnServer {
  explicit OwnServer(Limits limits, std::vector<std::string> listeners = {"api", "plain"},
                     AccessLogSink access_log = {}) {
    add_test_routes(router);
    router.add("GET", "/slow", [this](Request&) {
      slow_started.set_value();
      std::this_thread::sleep_for(700ms);
      return Response::text(200, "slow done");
    });
    std::vector<ListenerConfig> configs;
    for (const auto& name : listeners) {
      configs.push_back(
          {name, "127.0.0.1", 0, name == "plain" ? TlsConfig{} : server_tls(true), &router});
    }
    server = std::make_unique<Server>(std::move(configs), limits, 2, std::move(access_log));
  }
  std::string url(const std::string& listener, const std::string& path) {
    return (listener == "plain" ? "http" : "https") + std::string("://127.0.0.1:") +
           std::to_string(server->port(listener)) + path;
  }
  Router router;
  std::promise<void> slow_started;
  std::unique_ptr<Server> server;
};

TEST(ServerTimeoutTest, SlowClientGets408AndIdleClientIsClosed) {
  Limits limits;
  limits.header_timeout = 1s;
  limits.body_timeout = 1s;
  limits.keep_alive_timeout = 1s;
  limits.first_request_timeout = 1s;
  OwnServer own(limits);
  own.server->start();
  auto started = std::chrono::steady_clock::now();
  RawClient tls_half(own.server->port("api"), true);
  RawClient plain_half(own.server->port("plain"), false);
  RawClient idle(own.server->port("api"), true);
  ASSERT_TRUE(tls_half.ok() && plain_half.ok() && idle.ok());
  tls_half.send("GET /health HTTP/1.1\r\nHost: loc");
  plain_half.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nabc");
  for (RawClient* client : {&tls_half, &plain_half}) {
    bool closed = false;
    CurlResult r = parse_http_response(client->read_all(4s, &closed));
    EXPECT_EQ(r.status, 408u);
    EXPECT_EQ(string_of(json_of(r.body).at("detail")), "http.request_timeout");
    EXPECT_EQ(r.header("Connection").value_or(""), "close");
    EXPECT_TRUE(closed);
  }
  bool closed = false;
  EXPECT_EQ(idle.read_all(4s, &closed), "");
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(curl(own.url("api", "/health")).status, 200u);
}

TEST(ServerTimeoutTest, SilentTlsClientIsClosedAfterTheHandshakeTimeout) {
  Limits limits;
  limits.handshake_timeout = 1s;
  limits.header_timeout = 5s;
  limits.body_timeout = 5s;
  limits.keep_alive_timeout = 5s;
  OwnServer own(limits);
  own.server->start();
  auto started = std::chrono::steady_clock::now();
  RawClient silent(own.server->port("api"), false);  // TCP only: no ClientHello
  ASSERT_TRUE(silent.ok());
  bool closed = false;
  silent.read_all(4s, &closed);
  EXPECT_TRUE(closed);
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 3s);
}

// A connection that has sent nothing (no TLS handshake, or no request after it) is closed after
// Limits::first_request_timeout, counted from the accept; a kept-alive one waits longer.
TEST(ServerTimeoutTest, SilentConnectionsAreClosedAfterTheFirstRequestTimeout) {
  Limits limits;
  limits.first_request_timeout = 1s;
  limits.handshake_timeout = 5s;
  limits.header_timeout = 5s;
  limits.body_timeout = 5s;
  limits.keep_alive_timeout = 5s;
  OwnServer own(limits);
  own.server->start();
  auto started = std::chrono::steady_clock::now();
  RawClient tcp_only(own.server->port("api"), false);
  RawClient handshaken(own.server->port("api"), true);
  RawClient plain(own.server->port("plain"), false);
  RawClient kept(own.server->port("plain"), false);
  ASSERT_TRUE(tcp_only.ok() && handshaken.ok() && plain.ok() && kept.ok());
  kept.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  ASSERT_EQ(parse_http_response(kept.read_response(3s)).status, 200u);
  for (RawClient* client : {&tcp_only, &handshaken, &plain}) {
    bool closed = false;
    EXPECT_EQ(client->read_all(4s, &closed), "");
    EXPECT_TRUE(closed);
  }
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 3s);
  kept.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(parse_http_response(kept.read_response(3s)).status, 200u);
}

// The header deadline of a request that starts late in a long keep-alive wait still holds: a
// shorter timeout set after a longer one is not served late.
TEST(ServerTimeoutTest, HeaderTimeoutAfterALongKeepAliveWaitIsNotLate) {
  Limits limits;
  limits.header_timeout = 1s;
  limits.body_timeout = 4s;
  limits.keep_alive_timeout = 4s;
  OwnServer own(limits, {"plain"});
  own.server->start();
  RawClient client(own.server->port("plain"), false);
  ASSERT_TRUE(client.ok());
  client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(parse_http_response(client.read_response(5s)).status, 200u);
  std::this_thread::sleep_for(1500ms);
  auto started = std::chrono::steady_clock::now();
  client.send("GET /health HTTP/1.1\r\nHost: loc");
  bool closed = false;
  CurlResult r = parse_http_response(client.read_all(5s, &closed));
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.status, 408u);
  EXPECT_TRUE(closed);
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 2500ms);
}

// Sends `head` at once, then `slow` one byte per `interval` while it reads what the server
// answers, until the server closes or `give_up` passes.
struct Trickled {
  std::string response;
  bool closed = false;
  std::chrono::steady_clock::duration took{};  // from the first byte sent to the close
};

Trickled trickle(RawClient& client, std::string_view head, std::string_view slow,
                 std::chrono::milliseconds interval, std::chrono::milliseconds give_up = 6s) {
  Trickled out;
  auto started = std::chrono::steady_clock::now();
  client.send(head);
  std::size_t sent = 0;
  while (std::chrono::steady_clock::now() - started < give_up) {
    if (sent < slow.size()) client.send(slow.substr(sent++, 1));
    out.response += client.read_all(interval, &out.closed);
    if (out.closed) break;
  }
  out.took = std::chrono::steady_clock::now() - started;
  return out;
}

// A header that keeps trickling in is answered 408 at the header deadline, counted from its
// first byte: neither the longer body deadline nor the bytes that keep arriving extend it.
TEST(ServerTimeoutTest, SlowHeaderSenderGets408AtTheHeaderDeadline) {
  Limits limits;
  limits.header_timeout = 1s;
  limits.body_timeout = 10s;
  limits.keep_alive_timeout = 10s;
  limits.first_request_timeout = 10s;
  OwnServer own(limits);
  own.server->start();
  for (const char* listener : {"api", "plain"}) {
    SCOPED_TRACE(listener);
    RawClient client(own.server->port(listener), std::string_view(listener) == "api");
    ASSERT_TRUE(client.ok());
    Trickled t = trickle(client, "GET /health HTTP/1.1\r\nHost: localhost\r\n",
                         "X-Slow: " + std::string(100, 'a') + "\r\n\r\n", 100ms);
    CurlResult r = parse_http_response(t.response);
    EXPECT_EQ(r.status, 408u) << t.response;
    EXPECT_TRUE(t.closed);
    EXPECT_GE(t.took, 900ms);
    EXPECT_LT(t.took, 2500ms);
    ASSERT_EQ(r.status, 408u);
    EXPECT_EQ(string_of(json_of(r.body).at("detail")), "http.request_timeout");
    EXPECT_NE(string_of(json_of(r.body).at("message")).find("header"), std::string::npos) << r.body;
    EXPECT_EQ(r.header("Connection").value_or(""), "close");
  }
  EXPECT_EQ(curl(own.url("api", "/health")).status, 200u);
}

// A body that trickles in after a quick header is answered 408 at the body deadline, counted
// from the end of the header (not at the shorter header deadline), by Content-Length or
// chunked; the access log records the refused request.
TEST(ServerTimeoutTest, SlowBodySenderGets408AtTheBodyDeadline) {
  Limits limits;
  limits.header_timeout = 1s;
  limits.body_timeout = 2s;
  limits.keep_alive_timeout = 10s;
  limits.first_request_timeout = 10s;
  AccessLogCollector log;
  OwnServer own(limits, {"api", "plain"}, log.sink());
  own.server->start();
  struct Case {
    const char* listener;
    std::string head;
    std::string slow;
  };
  std::string chunks;
  for (int i = 0; i < 60; ++i) chunks += "1\r\nb\r\n";
  const Case cases[] = {
      {"plain", "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n",
       std::string(100, 'b')},
      {"api", "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n",
       chunks + "0\r\n\r\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.listener);
    RawClient client(own.server->port(c.listener), std::string_view(c.listener) == "api");
    ASSERT_TRUE(client.ok());
    Trickled t = trickle(client, c.head, c.slow, 50ms);
    CurlResult r = parse_http_response(t.response);
    EXPECT_EQ(r.status, 408u) << t.response;
    EXPECT_TRUE(t.closed);
    EXPECT_GE(t.took, 1900ms);
    EXPECT_LT(t.took, 3500ms);
    ASSERT_EQ(r.status, 408u);
    EXPECT_EQ(string_of(json_of(r.body).at("detail")), "http.request_timeout");
    EXPECT_NE(string_of(json_of(r.body).at("message")).find("body"), std::string::npos) << r.body;
    EXPECT_EQ(r.header("Connection").value_or(""), "close");
    auto entry = log.find(r.header("X-ING-Response-ID").value_or(""));
    ASSERT_TRUE(entry.has_value());
    EXPECT_EQ(entry->status, 408u);
    EXPECT_EQ(entry->listener, c.listener);
    EXPECT_EQ(entry->method, "POST");
    EXPECT_EQ(entry->target, "/echo");
    EXPECT_EQ(entry->detail_code, "http.request_timeout");
    EXPECT_GE(entry->duration, 1900ms);
  }
  // With Expect: 100-continue the body deadline starts with the 100 Continue.
  RawClient expecting(own.server->port("plain"), false);
  ASSERT_TRUE(expecting.ok());
  auto started = std::chrono::steady_clock::now();
  expecting.send(
      "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n");
  bool closed = false;
  std::string answer = expecting.read_all(5s, &closed);
  auto took = std::chrono::steady_clock::now() - started;
  constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  ASSERT_EQ(answer.substr(0, kContinue.size()), kContinue) << answer;
  CurlResult r = parse_http_response(answer.substr(kContinue.size()));
  EXPECT_EQ(r.status, 408u) << answer;
  EXPECT_TRUE(closed);
  EXPECT_GE(took, 1900ms);
  EXPECT_LT(took, 3500ms);
  EXPECT_NE(r.body.find("body"), std::string::npos) << r.body;
}

// A request that takes most of its header deadline and then most of its body deadline is
// served, though it took longer than either: the body deadline starts at the end of the header.
// The next request on the connection has fresh deadlines.
TEST(ServerTimeoutTest, RequestJustWithinBothDeadlinesIsServed) {
  Limits limits;
  limits.header_timeout = 2s;
  limits.body_timeout = 2s;
  limits.keep_alive_timeout = 10s;
  limits.first_request_timeout = 10s;
  OwnServer own(limits);
  own.server->start();
  for (const char* listener : {"api", "plain"}) {
    SCOPED_TRACE(listener);
    RawClient client(own.server->port(listener), std::string_view(listener) == "api");
    ASSERT_TRUE(client.ok());
    auto started = std::chrono::steady_clock::now();
    for (std::string_view part :
         {"POST /echo HTTP/1.1\r\n", "Host: localhost\r\n", "Content-Length: 12\r\n", "\r\n"}) {
      ASSERT_TRUE(client.send(part));
      if (part != "\r\n") std::this_thread::sleep_for(450ms);  // the header: about 1.35 s
    }
    for (std::string_view part : {"body", "-of-", "12.."}) {
      std::this_thread::sleep_for(450ms);  // the body: about 1.35 s after the header
      ASSERT_TRUE(client.send(part));
    }
    CurlResult r = parse_http_response(client.read_response(3s));
    EXPECT_GT(std::chrono::steady_clock::now() - started, 2500ms);  // beyond either deadline
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, R"({"size":12,"prefix":"body-of-12.."})");
    EXPECT_NE(r.header("Connection").value_or(""), "close");
    std::this_thread::sleep_for(1500ms);  // idle, then a second request as slow as the first
    for (std::string_view part : {"GET /health HTTP/1.1\r\n", "Host: localhost\r\n", "\r\n"}) {
      ASSERT_TRUE(client.send(part));
      if (part != "\r\n") std::this_thread::sleep_for(600ms);
    }
    EXPECT_EQ(parse_http_response(client.read_response(3s)).status, 200u);
  }
}

bool wait_for_connections(Server& server, std::size_t n) {
  for (int i = 0; i < 300 && server.connection_count() != n; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  return server.connection_count() == n;
}

// Whether the connection was closed without an answer (read_all returns at once then).
bool closed_unanswered(RawClient& client) {
  bool closed = false;
  std::string got = client.read_all(2s, &closed);
  return closed && got.empty();
}

TEST(ServerLimitTest, ConnectionsBeyondTheLimitAreClosedAtOnce) {
  Limits limits;
  limits.max_connections = 1;
  OwnServer own(limits, {"plain"});
  own.server->start();
  // A connection in the middle of a request is never closed to make room (an idle one would
  // be, see AtTheLimitIdleConnectionsMakeRoomBusyOnesDoNot).
  auto holder = std::make_unique<RawClient>(own.server->port("plain"), false);
  ASSERT_TRUE(holder->ok());
  holder->send("GET /health HTTP/1.1\r\nHost: loc");
  ASSERT_TRUE(wait_for_connections(*own.server, 1));
  std::this_thread::sleep_for(100ms);  // the server has read the partial request
  RawClient extra(own.server->port("plain"), false);
  extra.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  bool closed = false;
  EXPECT_EQ(extra.read_all(3s, &closed), "");
  EXPECT_TRUE(closed);

  holder.reset();
  for (int i = 0; i < 200 && own.server->connection_count() > 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(curl(own.url("plain", "/health")).status, 200u);
}

// One client address may hold Limits::max_connections_per_client connections; beyond it its new
// connections are closed at once while other clients are still served.
TEST(ServerLimitTest, OneClientCannotTakeEveryConnection) {
  Limits limits;
  limits.max_connections = 8;
  limits.max_connections_per_client = 3;
  OwnServer own(limits);
  own.server->start();
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawClient>(own.server->port("plain"), false));
    ASSERT_TRUE(held.back()->ok());
  }
  ASSERT_TRUE(wait_for_connections(*own.server, 3));
  for (std::string listener : {"plain", "api"}) {
    RawClient extra(own.server->port(listener), false);
    ASSERT_TRUE(extra.ok());
    extra.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_TRUE(closed_unanswered(extra)) << listener;
  }
  RawClient other(own.server->port("plain"), false, 0, "127.0.0.2");
  ASSERT_TRUE(other.ok());
  other.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(parse_http_response(other.read_response(3s)).status, 200u);
  RawClient other_tls(own.server->port("api"), true, 0, "127.0.0.2");
  ASSERT_TRUE(other_tls.ok());
  other_tls.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(parse_http_response(other_tls.read_response(3s)).status, 200u);
  // A connection given back is a place for that client again.
  held.pop_back();
  ASSERT_TRUE(wait_for_connections(*own.server, 4));
  RawClient again(own.server->port("plain"), false);
  again.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(parse_http_response(again.read_response(3s)).status, 200u);
}

// The per-client limit over IPv6: a client is its /64 (Limits::client_ipv6_prefix), so [::1]
// counts as ::/64; an IPv4 client reaching a dual-stack socket (as ::ffff:127.0.0.x) still
// counts by its IPv4 address and not with every other IPv4 client in ::ffff:0:0/64. The
// grouping of other addresses is ClientGroup's (client_group_test.cpp): the loopback has only
// ::1 for IPv6. Skipped when the machine cannot listen on [::1].
TEST(ServerLimitTest, PerClientLimitOverIpv6AndDualStack) {
  Router router;
  add_test_routes(router);
  Limits limits;
  limits.max_connections = 16;
  limits.max_connections_per_client = 2;
  Server server({{"v6", "::1", 0, {}, &router}, {"mapped", "::ffff:127.0.0.1", 0, {}, &router}},
                limits, 2, AccessLogSink{});
  try {
    server.start();
  } catch (const Error& e) {
    GTEST_SKIP() << "cannot listen on [::1] or ::ffff:127.0.0.1: " << e.message();
  }
  const std::string health = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<RawClient>(server.port("v6"), false, 0, "::1"));
    ASSERT_TRUE(held.back()->ok());
    held.back()->send(health);
    ASSERT_EQ(parse_http_response(held.back()->read_response(3s)).status, 200u);
  }
  RawClient third(server.port("v6"), false, 0, "::1");
  ASSERT_TRUE(third.ok());
  third.send(health);
  EXPECT_TRUE(closed_unanswered(third));

  // IPv4 clients on the dual-stack socket: two each for 127.0.0.1 and 127.0.0.2, beside the
  // two of ::/64; the third of 127.0.0.1 is refused.
  for (const char* source : {"127.0.0.1", "127.0.0.2", "127.0.0.1", "127.0.0.2"}) {
    held.push_back(std::make_unique<RawClient>(server.port("mapped"), false, 0, source));
    ASSERT_TRUE(held.back()->ok()) << source;
    held.back()->send(health);
    EXPECT_EQ(parse_http_response(held.back()->read_response(3s)).status, 200u) << source;
  }
  RawClient third_v4(server.port("mapped"), false, 0, "127.0.0.1");
  ASSERT_TRUE(third_v4.ok());
  third_v4.send(health);
  EXPECT_TRUE(closed_unanswered(third_v4));
  EXPECT_EQ(server.connection_count(), 6u);
}

// At the global limit a new connection takes the place of an idle one: a kept-alive connection
// waiting for its next request first (the longest idle), then one that has sent nothing yet
// (the oldest). Connections in the middle of a request are never closed for it.
TEST(ServerLimitTest, AtTheLimitIdleConnectionsMakeRoomBusyOnesDoNot) {
  Limits limits;
  limits.max_connections = 4;
  limits.max_connections_per_client = 4;
  OwnServer own(limits, {"plain"});
  own.server->start();
  const auto port = own.server->port("plain");
  const std::string health = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";
  RawClient kept1(port, false, 0, "127.0.0.1");
  kept1.send(health);
  ASSERT_EQ(parse_http_response(kept1.read_response(3s)).status, 200u);
  std::this_thread::sleep_for(50ms);
  RawClient kept2(port, false, 0, "127.0.0.1");
  kept2.send(health);
  ASSERT_EQ(parse_http_response(kept2.read_response(3s)).status, 200u);
  RawClient silent1(port, false, 0, "127.0.0.2");
  std::this_thread::sleep_for(50ms);
  RawClient silent2(port, false, 0, "127.0.0.2");
  ASSERT_TRUE(wait_for_connections(*own.server, 4));

  // A newcomer is served, then closes: its place is free again.
  auto serve_newcomer = [&] {
    RawClient c(port, false, 0, "127.0.0.3");
    c.send("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    return parse_http_response(c.read_all(3s)).status;
  };
  EXPECT_EQ(serve_newcomer(), 200u);
  EXPECT_TRUE(closed_unanswered(kept1));  // the longest idle kept-alive connection went first
  ASSERT_TRUE(wait_for_connections(*own.server, 3));
  RawClient silent3(port, false, 0, "127.0.0.2");
  ASSERT_TRUE(wait_for_connections(*own.server, 4));
  EXPECT_EQ(serve_newcomer(), 200u);
  EXPECT_TRUE(closed_unanswered(kept2));  // kept-alive before silent, even a younger one
  ASSERT_TRUE(wait_for_connections(*own.server, 3));
  // No kept-alive connection left: the oldest silent one goes, never one in mid-request.
  RawClient busy(port, false, 0, "127.0.0.4");
  busy.send("GET /health HTTP/1.1\r\nHost: loc");
  ASSERT_TRUE(wait_for_connections(*own.server, 4));
  std::this_thread::sleep_for(100ms);  // the server has read the partial request
  EXPECT_EQ(serve_newcomer(), 200u);
  EXPECT_TRUE(closed_unanswered(silent1));
  busy.send("calhost\r\n\r\n");
  EXPECT_EQ(parse_http_response(busy.read_response(3s)).status, 200u);
  for (RawClient* c : {&silent2, &silent3}) {
    c->send(health);
    EXPECT_EQ(parse_http_response(c->read_response(3s)).status, 200u);
  }
}

// Limits::max_client_chain bounds the certificates a TLS client may send (its leaf included):
// a longer chain is not kept at all, and the request says how long it was, for the application
// to refuse. Whatever its length, the chain is parsed once per connection, not per request.
TEST(ServerLimitTest, ALongClientChainIsNotKeptAndAChainIsParsedOncePerConnection) {
  const auto& pki = TestPki::get();
  std::string extras;
  for (int i = 0; i < 2; ++i) {
    auto file = (pki.dir / ("unrelated" + std::to_string(i) + ".pem")).string();
    auto made =
        test::run_process({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                           "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj",
                           "/CN=Unrelated " + std::to_string(i), "-days", "2", "-out", file});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    std::ifstream in(file);
    extras += std::string(std::istreambuf_iterator<char>(in), {});
  }
  auto long_chain = (pki.dir / "long-chain.pem").string();
  {
    std::ifstream chain(pki.client_chain);
    std::ofstream(long_chain) << std::string(std::istreambuf_iterator<char>(chain), {}) << extras;
  }
  Limits limits;
  limits.max_client_chain = 3;
  OwnServer own(limits, {"api"});
  own.server->start();

  CurlResult refused =
      curl(own.url("api", "/cert"), {"--cert", long_chain, "--key", pki.client_key});
  ASSERT_EQ(refused.exit_code, 0) << refused.err;
  auto r = json_of(refused.body);
  EXPECT_EQ(r.at("chain").as_int64(), 0) << refused.body;
  EXPECT_EQ(r.at("refused").as_int64(), 4) << refused.body;

  // curl sends the three requests on one connection.
  CurlResult kept =
      curl(own.url("api", "/cert"), {"--cert", pki.client_chain, "--key", pki.client_key,
                                     own.url("api", "/cert"), own.url("api", "/cert")});
  ASSERT_EQ(kept.exit_code, 0) << kept.err;
  EXPECT_EQ(kept.body.find("refused"), std::string::npos) << kept.body;
#ifdef SANDBANK_HTTP_TEST_HAS_CRYPTO
  std::set<std::string> addresses;
  std::size_t answers = 0;
  for (std::size_t at = 0; (at = kept.body.find('{', at)) != std::string::npos; ++answers) {
    auto end = kept.body.find('}', at);
    auto o = json_of(kept.body.substr(at, end - at + 1));
    EXPECT_EQ(o.at("intermediates").as_int64(), 1);
    EXPECT_NE(string_of(o.at("first_intermediate")).find("Test CA"), std::string::npos)
        << kept.body;
    addresses.insert(string_of(o.at("intermediates_at")));
    at = end;
  }
  EXPECT_EQ(answers, 3u) << kept.body;
  EXPECT_EQ(addresses.size(), 1u) << kept.body;  // the same parsed chain for every request
#endif
}

TEST(ServerLimitTest, RequestsPerConnectionAreLimitedAndTheClockIsInjected) {
  Limits limits;
  limits.max_requests_per_connection = 2;
  OwnServer own(limits, {"plain"});
  ManualClock clock(std::chrono::sys_days{std::chrono::year{2020} / 8 / 12} + 7h + 36min + 42s);
  own.server->use_clock(clock);
  own.server->start();
  RawClient client(own.server->port("plain"), false);
  client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  CurlResult first = parse_http_response(client.read_response(5s));
  EXPECT_EQ(first.status, 200u);
  EXPECT_FALSE(first.header("Connection"));
  EXPECT_EQ(first.header("Date").value_or(""), "Wed, 12 Aug 2020 07:36:42 GMT");
  client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  bool closed = false;
  CurlResult second = parse_http_response(client.read_all(5s, &closed));
  EXPECT_EQ(second.status, 200u);
  EXPECT_EQ(second.header("Connection").value_or(""), "close");
  EXPECT_TRUE(closed);
}

TEST(ServerStopTest, StopLetsARunningRequestFinishAndClosesIdleConnections) {
  OwnServer own(Limits{});
  own.server->start();
  RawClient idle(own.server->port("api"), true);
  ASSERT_TRUE(idle.ok());
  auto slow = std::async(std::launch::async, [&] { return curl(own.url("api", "/slow")); });
  ASSERT_EQ(own.slow_started.get_future().wait_for(5s), std::future_status::ready);
  auto stop_started = std::chrono::steady_clock::now();
  own.server->stop();
  own.server->stop();  // idempotent

  bool closed = false;
  EXPECT_EQ(idle.read_all(2s, &closed), "");
  EXPECT_TRUE(closed);

  CurlResult r = slow.get();
  EXPECT_EQ(r.status, 200u) << r.err;
  EXPECT_EQ(r.body, "slow done");
  EXPECT_EQ(r.header("Connection").value_or(""), "close");
  own.server->wait();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, 3s);

  RawClient after(own.server->port("api"), false);
  EXPECT_FALSE(after.ok());  // nobody listens any more
}

TEST(ServerStormTest, SurvivesManyGoodAndBadClientsAtOnce) {
  Limits limits;
  limits.header_timeout = 1s;
  limits.body_timeout = 1s;
  OwnServer own(limits);
  own.server->start();
  std::atomic<int> good{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 12; ++i) {
        bool tls = (t + i) % 2 == 0;
        RawClient client(own.server->port(tls ? "api" : "plain"), tls);
        if (!client.ok()) continue;
        switch ((t * 12 + i) % 4) {
          case 0:
            client.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            if (parse_http_response(client.read_all(5s)).status == 200) ++good;
            break;
          case 1: {
            std::string junk(3000, '\0');
            for (std::size_t k = 0; k < junk.size(); ++k) junk[k] = static_cast<char>(k * 31 + t);
            client.send(junk);
            client.read_all(2s);
            break;
          }
          case 2:
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab");
            break;  // and hang up mid-body
          case 3:
            client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\n");
            client.read_response(5s);
            break;  // and hang up with half a pipelined request
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(good.load(), 24);
  EXPECT_EQ(curl(own.url("api", "/health")).status, 200u);
  for (int i = 0; i < 300 && own.server->connection_count() > 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(own.server->connection_count(), 0u);
}

TEST(ServerConfigTest, BindFailureNamesHostAndPort) {
  OwnServer first(Limits{}, {"plain"});
  first.server->start();
  unsigned short taken = first.server->port("plain");
  Router router;
  Server second({{"plain", "127.0.0.1", taken, {}, &router}}, Limits{}, 1, AccessLogSink{});
  try {
    second.start();
    FAIL() << "second bind succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "http.bind");
    EXPECT_NE(e.message().find("127.0.0.1:" + std::to_string(taken)), std::string::npos)
        << e.message();
  }
}

TEST(ServerConfigTest, UnusableCertificateFilesAreNamed) {
  Router router;
  const auto& pki = TestPki::get();
  try {
    Server s({{"api", "127.0.0.1", 0, {"/nonexistent/server.pem", pki.server_key, true}, &router}},
             Limits{}, 1, AccessLogSink{});
    FAIL() << "constructed with a missing certificate";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "http.tls_certificate");
    EXPECT_NE(e.message().find("/nonexistent/server.pem"), std::string::npos);
  }
  try {
    Server s({{"api", "127.0.0.1", 0, {pki.server_cert, pki.client_key, true}, &router}}, Limits{},
             1, AccessLogSink{});
    FAIL() << "constructed with a key of another certificate";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "http.tls_private_key");
  }
  EXPECT_THROW(Server({{"api", "127.0.0.1", 0, {}, nullptr}}, Limits{}, 1, AccessLogSink{}), Error);
}

TEST(ServerConfigTest, PortOfAnUnknownListenerThrows) {
  OwnServer own(Limits{}, {"plain"});
  EXPECT_THROW(own.server->port("nope"), std::out_of_range);
}

}  // namespace
}  // namespace sandbank::http
