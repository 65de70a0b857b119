#pragma once

// Helpers for the HTTP server tests: run a program (openssl, curl), a throwaway PKI made with the
// openssl CLI, and raw TCP / TLS clients for input no well-behaved client sends.

#include <openssl/ssl.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace sandbank::http::test {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up in PATH) with the arguments; no shell involved.
ProcessResult run_process(const std::vector<std::string>& argv);

// A CA, a server certificate for localhost / 127.0.0.1 and a client certificate (serial
// 49BA5C71), made once per test program in a temporary directory.
struct TestPki {
  std::filesystem::path dir;
  std::string ca_cert, server_cert, server_key, client_cert, client_key, client_chain;
  std::string client_der_hex;  // DER of the client certificate, lower-case hex
  static const TestPki& get();
};

struct CurlResult {
  int exit_code = -1;
  unsigned status = 0;
  std::vector<Header> headers;  // of the final response
  std::string body;
  std::string err;
  std::optional<std::string> header(std::string_view name) const;
};

// curl -sS -i --cacert <test CA> <extra...> <url> (no --cacert when extra has -k)
CurlResult curl(const std::string& url, const std::vector<std::string>& extra = {});

// Parses "HTTP/1.1 200 OK\r\nName: value\r\n...\r\n\r\nbody" (skipping 1xx responses).
CurlResult parse_http_response(const std::string& raw);

// A blocking client connection, plain or TLS, that sends raw bytes and reads until the server
// closes or a timeout passes.
class RawClient {
 public:
  // Connects to 127.0.0.1:port; with tls, completes a TLS handshake (no verification).
  // ok() is false when connecting or the handshake failed. `source` is the client's own
  // address, another loopback address such as "127.0.0.2" to play a second client; an IPv6
  // one ("::1") connects to [::1]:port.
  RawClient(unsigned short port, bool tls, int max_tls_version = 0, const char* source = nullptr);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool ok() const { return ok_; }
  // Returns false when the connection is gone.
  bool send(std::string_view bytes);
  // Reads until end of stream (closed = true) or until timeout passes without the server
  // closing (closed = false).
  std::string read_all(std::chrono::milliseconds timeout, bool* closed = nullptr);
  // Reads one response with a Content-Length body (keep-alive use).
  std::string read_response(std::chrono::milliseconds timeout);
  // Asks for a TLS 1.2 renegotiation; "" when it completed, else OpenSSL's reason.
  std::string renegotiate();

 private:
  // > 0 bytes, 0 = closed, -1 = timeout / error
  long read_some(char* buf, std::size_t n, std::chrono::milliseconds timeout);
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  bool ok_ = false;
  std::string pending_;
};

}  // namespace sandbank::http::test
