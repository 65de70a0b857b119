#pragma once

// The TPP side's HTTP client: libcurl with mutual TLS, the server verified against a CA file
// (the sandbox's ca.cer, or the system store), HTTP/2 when the server offers it, timeouts, and
// the proxy from the environment (libcurl's https_proxy/no_proxy handling).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sandbank::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ClientOptions {
  std::string tls_cert;   // client certificate (PEM file); empty: no client certificate
  std::string tls_key;    // its private key (PEM file)
  std::string ca_file;    // trust anchors for the server (PEM); empty: the system store
  bool insecure = false;  // skip server verification (never the default)
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds timeout{60};  // whole transfer
  bool http2 = true;                 // offer h2 over TLS (ALPN), fall back to HTTP/1.1
};

struct ClientResponse {
  long status = 0;
  std::string http_version;  // "HTTP/2", "HTTP/1.1"
  HeaderList headers;        // in the order received (names as sent by the server)
  std::string body;

  // The first value of `name` (case-insensitive).
  std::optional<std::string> header(std::string_view name) const;
};

// One client, one connection cache. Not thread-safe; make one per thread.
class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends exactly `headers` (libcurl adds Host, and nothing else: no Accept, no Expect, no
  // default Content-Type) and `body`. Throws sandbank::Error (code "http.transport", status
  // 502) naming the URL and libcurl's reason when no response arrives.
  ClientResponse request(std::string_view method, const std::string& url, const HeaderList& headers,
                         std::string_view body);

  const ClientOptions& options() const { return options_; }

 private:
  ClientOptions options_;
  void* curl_ = nullptr;  // CURL*
};

}  // namespace sandbank::http
