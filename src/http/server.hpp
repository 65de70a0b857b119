#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "http/access_log.hpp"
#include "http/inspect.hpp"
#include "http/router.hpp"

namespace sandbank::http {

// What one client may cost the server (docs/reliability.md "Limits").
struct Limits {
  // Request line + headers, and a chunked body's chunk extensions and trailer fields with
  // them; beyond → 431, close.
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;  // beyond (Content-Length or chunked) → 413, close
  // The two deadlines of a request (one timer per connection, re-armed): from its first byte to
  // the end of its header, and from there to the end of its body; either passes → 408, close.
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_timeout{30};
  std::chrono::seconds keep_alive_timeout{60};  // idle wait for the next request → close
  std::chrono::seconds handshake_timeout{10};   // TLS handshake → close
  // From the accept to the first byte of the first request, TLS handshake included → close.
  std::chrono::seconds first_request_timeout{10};
  std::chrono::seconds write_timeout{30};  // writing one response → close
  std::chrono::seconds stop_timeout{10};   // stop(): how long in-flight requests may finish
  // Open connections, all listeners together. A new connection beyond it takes the place of an
  // idle one (the longest idle kept-alive connection, else the oldest that has sent nothing);
  // when none is idle it is closed at once.
  std::size_t max_connections = 1024;
  // Open connections from one client: an IPv4 address, or the first client_ipv6_prefix bits of
  // an IPv6 address (client_group); beyond: its new connections are closed at once.
  std::size_t max_connections_per_client = 256;
  unsigned client_ipv6_prefix = 64;
  std::size_t max_requests_per_connection = 0;  // 0 = unlimited
  // Certificates a TLS client may send, its own included. A longer chain is not kept (nor
  // verified in the handshake): the request carries Request::client_chain_refused instead.
  std::size_t max_client_chain = 10;
};

struct TlsConfig {
  // PEM files. Both empty = plain HTTP (for tests, or behind a TLS-terminating proxy).
  std::string certificate_chain_file;  // server certificate first, then intermediates
  std::string private_key_file;        // unencrypted PEM
  // Ask for a client certificate (API listener). The handshake never fails for want of one or
  // for an untrusted one, and does not verify it: the chain goes to Request::client_chain_der
  // and the app decides.
  bool request_client_certificate = false;
};

struct ListenerConfig {
  std::string name;         // "api", "web": becomes Request::listener
  std::string host;         // "127.0.0.1", "::", "localhost", "0.0.0.0"
  unsigned short port = 0;  // 0 = the OS picks a free one; see Server::port()
  TlsConfig tls;
  Router* router = nullptr;  // not owned; must outlive the server
};

// HTTPS/1.1 server over Boost.Beast: one io_context run by N threads, a strand per connection,
// TLS 1.2/1.3 (ECDHE + AEAD only, ALPN http/1.1), keep-alive, limits and timeouts from Limits.
// Every response carries the standard headers (see append_standard_header_lines) and goes to the
// access log sink.
class Server {
 public:
  // Validates the configuration and loads certificates and keys; throws sandbank::Error naming
  // the file or setting that is wrong (codes "http.config", "http.tls_config",
  // "http.tls_certificate", "http.tls_private_key", "http.tls_setup"). Nothing is bound yet.
  // threads < 1 counts as 1. An empty access_log sink disables the access log.
  Server(std::vector<ListenerConfig> listeners, Limits limits, int threads,
         AccessLogSink access_log = make_access_log_sink(false));
  ~Server();  // stop() + wait()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Optional, before start(): the clock for the Date header and access log times, and the
  // source of the keys start() draws for the response ids (X-ING-Response-ID: 32 hex digits,
  // unique within the server's life). Both must outlive the server. Defaults: a SystemClock
  // and SystemRandom owned by the server.
  void use_clock(const Clock& clock);
  // Optional, before start(): the request inspector's recorder (not owned, must outlive the
  // server). Each response's record reaches it after the access log line, with the same
  // response id and detail code.
  void use_recorder(RequestRecorder* recorder);
  void use_random(RandomSource& random);

  // Binds and listens on every listener, then starts the threads. Throws sandbank::Error
  // (code "http.bind") naming host:port when a listener cannot bind.
  void start();
  // The bound port of the named listener (useful with port 0). Throws std::out_of_range.
  unsigned short port(std::string_view listener_name) const;
  // Graceful and non-blocking; may be called from any thread, also from a handler, and more
  // than once. Stops accepting, closes idle connections, lets requests in flight finish and
  // answers them with Connection: close; after Limits::stop_timeout closes whatever is left.
  void stop();
  // Blocks until the threads have finished (after stop()).
  void wait();

  std::size_t connection_count() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace sandbank::http
