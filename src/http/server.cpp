// The server: its shared bookkeeping (admission and shedding of connections), the listeners and
// the connection's state machine. Longer than the other files because `Connection` is one class
// template whose steps (handshake, wait, read, handle, write, close) hand over to each other;
// request framing lives in request_parser.cpp, the TLS record layer in tls_records.cpp.
#include "http/server.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstring>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "crypto/certificate.hpp"
#include "http/client_group.hpp"
#include "http/codes.hpp"
#include "http/request_parser.hpp"
#include "http/tls_context.hpp"
#include "http/tls_records.hpp"

namespace sandbank::http {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

namespace {

// How long a closing connection keeps reading (and discarding) what the client still sends,
// so that the error response is not destroyed by a TCP reset; and how much it reads at most.
constexpr std::chrono::seconds kLingerTimeout{2};
// How long a TLS close waits for the client's close_notify.
constexpr std::chrono::seconds kShutdownTimeout{2};
constexpr std::chrono::milliseconds kStopPollInterval{25};
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
// The longest a Response::delay holds an answer (the slow scenario allows less).
constexpr std::chrono::milliseconds kMaxResponseDelay{60000};
// Bodies up to this size are copied behind the response head (one TLS record for both);
// longer ones are encrypted where they are.
constexpr std::size_t kCopiedBodyBytes = 8 * 1024;
// Response buffers above this size are freed after the response is sent.
constexpr std::size_t kKeptBufferBytes = 16 * 1024;
// What one read from a socket (or one SSL_read) asks for at most.
constexpr std::size_t kReadChunk = 16 * 1024 + 512;

Bytes certificate_der(X509* cert) {
  int n = i2d_X509(cert, nullptr);
  if (n <= 0) return {};
  Bytes der(static_cast<std::size_t>(n));
  unsigned char* p = der.data();
  i2d_X509(cert, &p);
  return der;
}

// The peer's IP address, an IPv4-mapped IPv6 address in its IPv4 form, and the client group it
// is counted in (client_group); both "" when unknown.
struct Peer {
  std::string address;
  std::string group;
};
Peer peer_of(const tcp::socket& socket, unsigned ipv6_prefix) {
  error_code ec;
  auto remote = socket.remote_endpoint(ec);
  if (ec) return {};
  auto address = remote.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  return {address.to_string(), client_group(address, ipv6_prefix)};
}

unsigned valid_status(unsigned status) {
  return status >= 100 && status <= 599 ? status : 500;
}

// Bytes a response header name (kBadInName) or value (kBadInValue) must not contain.
constexpr std::uint8_t kBadInValue = 1, kBadInName = 2;
constexpr auto kHeaderBytes = [] {
  std::array<std::uint8_t, 256> bad{};
  for (unsigned char c : {'\r', '\n', '\0'}) bad[c] = kBadInValue | kBadInName;
  for (unsigned char c : {':', ' '}) bad[c] = kBadInName;
  return bad;
}();

bool has_forbidden(std::string_view text, std::uint8_t what) {
  for (char c : text) {
    if (kHeaderBytes[static_cast<unsigned char>(c)] & what) return true;
  }
  return false;
}

}  // namespace

// --------------------------------------------------------------------------------------------
// Shared state. Connections hold a raw pointer: the server outlives every connection because
// ~Server stops and joins the threads, and the registry is declared before the io_context so it
// outlives the handlers the io_context destroys.

class Listener;

// What the server's bookkeeping sees of a connection, from any thread.
class ConnectionBase : public std::enable_shared_from_this<ConnectionBase> {
 public:
  // Where the connection stands; changed on its strand, except to kShed (State::admit).
  enum Activity : int {
    kBusy,       // reading, handling or writing a request, closing
    kSilent,     // accepted, nothing of a request yet (TLS handshake or waiting for a byte)
    kKeptAlive,  // waiting for the next request
    kShed,       // told to close to make room for a new connection
  };

  ConnectionBase(std::string client, std::string group)
      : client_(std::move(client)), group_(std::move(group)) {}
  virtual ~ConnectionBase() = default;
  // Both post onto the connection's strand; callable from any thread.
  virtual void server_stopping() = 0;
  virtual void force_close() = 0;

  // The peer's IP address ("127.0.0.1"; an IPv4-mapped IPv6 address in its IPv4 form).
  const std::string& client() const { return client_; }
  // What Limits::max_connections_per_client counts by (client_group: the IPv4 address, the
  // IPv6 /64).
  const std::string& group() const { return group_; }
  Activity activity() const { return static_cast<Activity>(activity_.load(kRelaxed)); }
  std::chrono::steady_clock::time_point idle_since() const {
    return std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(idle_since_.load(kRelaxed)));
  }
  // kSilent or kKeptAlive → kShed; false when the connection is no longer `from`.
  bool try_shed(Activity from) {
    int expected = from;
    return activity_.compare_exchange_strong(expected, kShed, kRelaxed);
  }

  // Guarded by State::mu.
  bool registered = false;    // counted in State::connections and State::per_client
  bool shed_counted = false;  // counted in State::shedding

 protected:
  // Before a request is read. False when the connection has been shed: it must close.
  bool become_busy() {
    int a = activity_.load(kRelaxed);
    while (a != kBusy) {
      if (a == kShed) return false;
      if (activity_.compare_exchange_weak(a, kBusy, kRelaxed)) break;
    }
    return true;
  }
  // After a response, waiting for the next request. False when shed: it must close.
  bool become_kept_alive() {
    idle_since_.store(std::chrono::steady_clock::now().time_since_epoch().count(), kRelaxed);
    int expected = kBusy;
    return activity_.compare_exchange_strong(expected, kKeptAlive, kRelaxed) ||
           expected == kKeptAlive;
  }

 private:
  static constexpr auto kRelaxed = std::memory_order_relaxed;
  const std::string client_;
  const std::string group_;
  std::atomic<int> activity_{kSilent};
  std::atomic<std::chrono::steady_clock::rep> idle_since_{
      std::chrono::steady_clock::now().time_since_epoch().count()};
};

struct Server::State {
  Limits limits;
  int threads = 1;
  AccessLogSink access_log;
  RequestRecorder* recorder = nullptr;  // the request inspector's, when installed
  SystemClock default_clock;
  SystemRandom default_random;
  const Clock* clock = &default_clock;
  RandomSource* random = &default_random;

  mutable std::mutex mu;  // guards connections, per_client, shedding
  std::unordered_map<ConnectionBase*, std::weak_ptr<ConnectionBase>> connections;
  std::unordered_map<std::string, std::size_t> per_client;  // open connections per group()
  std::size_t shedding = 0;  // connections shed to make room that have not closed yet
  std::atomic<bool> stopping{false};
  std::atomic<bool> started{false};

  std::mutex wait_mu;
  std::vector<std::thread> workers;

  net::io_context ioc;
  net::strand<net::io_context::executor_type> stop_strand{net::make_strand(ioc)};
  net::steady_timer stop_timer{stop_strand};
  std::chrono::steady_clock::time_point stop_deadline;
  std::vector<std::shared_ptr<Listener>> listeners;

  // X-ING-Response-ID values: 32 hex digits, unique within the server's life. Each is a
  // bijective mix of a counter under keys drawn from `random` at start(), so a response costs
  // no draw from the kernel.
  std::atomic<std::uint64_t> response_counter{0};
  std::uint64_t response_keys[2] = {0, 0};

  explicit State(int n) : threads(n), ioc(n) {}

  std::string next_response_id() {
    std::uint64_t n = response_counter.fetch_add(1, std::memory_order_relaxed);
    std::string id(32, '0');
    put_hex(id.data(), mix64(response_keys[0] + n));
    put_hex(id.data() + 16, mix64(response_keys[1] ^ (n * 0x9e3779b97f4a7c15ULL)));
    return id;
  }
  // 16 lower-case hex digits of v.
  static void put_hex(char* out, std::uint64_t v) {
    static constexpr char kDigits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i, v >>= 4) out[i] = kDigits[v & 0xF];
  }
  // The splitmix64 finaliser: a bijection on 64-bit values.
  static std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  std::size_t connection_count() const {
    std::lock_guard lock(mu);
    return connections.size();
  }
  enum class Admission { kAdmitted, kClientFull, kServerFull };
  // Counts a new connection in, or says why not: its client holds max_connections_per_client
  // connections, or the server max_connections and none of them is idle. At the global limit
  // an idle connection is shed to make room: the longest idle kept-alive one, else the oldest
  // that has sent nothing.
  Admission admit(const std::shared_ptr<ConnectionBase>& c) {
    // Connections locked while choosing, released after mu: the last reference to one may go
    // here, and its destructor takes mu (remove).
    std::vector<std::shared_ptr<ConnectionBase>> held;
    ConnectionBase* shed = nullptr;
    {
      std::lock_guard lock(mu);
      auto mine = per_client.find(c->group());
      if (mine != per_client.end() && mine->second >= limits.max_connections_per_client) {
        return Admission::kClientFull;
      }
      if (connections.size() - shedding >= limits.max_connections) {
        shed = shed_one_locked(held);
        if (!shed) return Admission::kServerFull;
      }
      connections.emplace(c.get(), c);
      ++per_client[c->group()];
      c->registered = true;
    }
    if (shed) shed->force_close();
    return Admission::kAdmitted;
  }
  // Caller holds mu. Marks the idle connection to shed and returns it, locked in `held`; null
  // when none is idle. The scan reads through the raw pointers: a connection stays in the map
  // until its destructor has taken mu to leave it, so each is alive while mu is held.
  ConnectionBase* shed_one_locked(std::vector<std::shared_ptr<ConnectionBase>>& held) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      ConnectionBase* best = nullptr;
      const std::weak_ptr<ConnectionBase>* best_weak = nullptr;
      ConnectionBase::Activity best_activity = ConnectionBase::kBusy;
      std::chrono::steady_clock::time_point best_since;
      for (auto& [raw, weak] : connections) {
        auto activity = raw->activity();
        if (activity != ConnectionBase::kKeptAlive && activity != ConnectionBase::kSilent) {
          continue;
        }
        auto since = raw->idle_since();
        bool better =
            !best ||
            (activity == ConnectionBase::kKeptAlive && best_activity == ConnectionBase::kSilent) ||
            (activity == best_activity && since < best_since);
        if (!better) continue;
        best = raw;
        best_weak = &weak;
        best_activity = activity;
        best_since = since;
      }
      if (!best) return nullptr;
      auto locked = best_weak->lock();
      if (!locked) return nullptr;  // on its way out: it leaves a place soon
      held.push_back(std::move(locked));
      if (best->try_shed(best_activity)) {
        best->shed_counted = true;
        ++shedding;
        return best;
      }
      // It started a request meanwhile: look again.
    }
    return nullptr;
  }
  void remove(ConnectionBase* c) {
    std::lock_guard lock(mu);
    if (!c->registered) return;
    connections.erase(c);
    if (auto mine = per_client.find(c->group()); mine != per_client.end() && --mine->second == 0) {
      per_client.erase(mine);
    }
    if (c->shed_counted) --shedding;
  }
  std::vector<std::shared_ptr<ConnectionBase>> live_connections() const {
    std::vector<std::shared_ptr<ConnectionBase>> out;
    std::lock_guard lock(mu);
    for (auto& [raw, weak] : connections) {
      if (auto c = weak.lock()) out.push_back(std::move(c));
    }
    return out;
  }
  void record(InspectedRequest&& request) {
    try {
      recorder->record(std::move(request));
    } catch (const std::exception& e) {
      spdlog::warn("http: request inspector failed: {}", e.what());
    }
  }

  void log(const AccessLogEntry& entry) {
    if (!access_log) return;
    try {
      access_log(entry);
    } catch (const std::exception& e) {
      spdlog::warn("http: access log sink failed: {}", e.what());
    }
  }
  void on_stop_poll(error_code ec);
};

// --------------------------------------------------------------------------------------------
// Listener: one acceptor.

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(Server::State& server, ListenerConfig config)
      : server_(server),
        config_(std::move(config)),
        acceptor_(net::make_strand(server.ioc)),
        retry_timer_(acceptor_.get_executor()) {
    bool has_cert = !config_.tls.certificate_chain_file.empty();
    bool has_key = !config_.tls.private_key_file.empty();
    if (has_cert != has_key) {
      throw Error(500, codes::kHttpTlsConfig,
                  fmt::format("listener {}: give both a certificate chain file and a private key "
                              "file, or neither for plain HTTP",
                              config_.name));
    }
    if (has_cert) tls_ = detail::make_server_tls_context(config_.tls, config_.name);
  }

  const ListenerConfig& config() const { return config_; }
  ssl::context* tls() const { return tls_.get(); }
  unsigned short port() const { return port_; }
  Server::State& server() { return server_; }

  void open() {
    std::string where = fmt::format("{}:{}", config_.host, config_.port);
    error_code ec;
    tcp::resolver resolver(server_.ioc);
    auto results = resolver.resolve(config_.host, std::to_string(config_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec) {
      throw Error(
          500, codes::kHttpBind,
          fmt::format("listener {}: cannot resolve {}: {}", config_.name, where, ec.message()));
    }
    for (const auto& entry : results) {
      error_code attempt;
      tcp::acceptor& a = acceptor_;
      if (a.is_open()) a.close(attempt);
      a.open(entry.endpoint().protocol(), attempt);
      if (!attempt) a.set_option(net::socket_base::reuse_address(true), attempt);
      if (!attempt) a.bind(entry.endpoint(), attempt);
      if (!attempt) a.listen(net::socket_base::max_listen_connections, attempt);
      if (!attempt) {
        port_ = a.local_endpoint().port();
        return;
      }
      ec = attempt;
    }
    error_code ignored;
    acceptor_.close(ignored);
    throw Error(500, codes::kHttpBind,
                fmt::format("listener {}: cannot listen on {}: {}", config_.name, where,
                            ec ? ec.message() : std::string("no address")));
  }

  void run() {
    net::dispatch(acceptor_.get_executor(),
                  beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
  }

  void close() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      error_code ignored;
      self->retry_timer_.cancel();
      self->acceptor_.close(ignored);
    });
  }

 private:
  void do_accept() {
    if (!acceptor_.is_open()) return;
    // With one thread every handler runs on it, one after the other: a connection needs no
    // strand of its own (a strand costs a dispatch through its queue on every completion).
    auto executor = server_.threads == 1 ? net::any_io_executor(server_.ioc.get_executor())
                                         : net::any_io_executor(net::make_strand(server_.ioc));
    acceptor_.async_accept(executor,
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void on_accept(error_code ec, tcp::socket socket);

  void on_retry(error_code ec) {
    if (!ec) do_accept();
  }

  Server::State& server_;
  ListenerConfig config_;
  std::shared_ptr<ssl::context> tls_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;
  unsigned short port_ = 0;
};

// --------------------------------------------------------------------------------------------
// Connection: one accepted socket, plain or TLS. Every step is a do_x / on_x pair on the
// connection's strand; every wait has a deadline; errors on the I/O path are error_codes.

template <bool kTls>
class Connection final : public ConnectionBase {
  using Stream = std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  enum class Phase { Handshake, Idle, Reading, Handling, Writing, Closing };

 public:
  Connection(std::shared_ptr<Listener> listener, tcp::socket&& socket, std::string client,
             std::string group)
      : ConnectionBase(std::move(client), std::move(group)),
        server_(listener->server()),
        limits_(server_.limits),
        listener_(std::move(listener)),
        stream_(make_stream(std::move(socket), *listener_)),
        timer_(stream_.get_executor()),
        tick_(std::min({limits_.header_timeout, limits_.body_timeout, limits_.keep_alive_timeout,
                        limits_.handshake_timeout, limits_.first_request_timeout,
                        limits_.write_timeout})),
        remote_address_(ConnectionBase::client()) {
    if (tick_ <= std::chrono::steady_clock::duration::zero()) tick_ = std::chrono::seconds(1);
    if constexpr (kTls) {
      // Asio asks OpenSSL to free its record buffers whenever they are empty, that is after
      // every request and every response: two allocations of 16 KB and more per request. A
      // kept-alive connection keeps them instead (about 34 KB).
      SSL_clear_mode(stream_.native_handle(), SSL_MODE_RELEASE_BUFFERS);
    }
  }

  ~Connection() override { server_.remove(this); }

  // After State::admit counted it in.
  void run() {
    net::dispatch(stream_.get_executor(), [self = shared_self()] { self->on_run(); });
  }

  void server_stopping() override {
    net::post(stream_.get_executor(), [self = shared_self()] {
      // Nothing of a request has arrived: close now. A request in flight finishes first and is
      // answered with Connection: close (see handle_request).
      if (self->phase_ == Phase::Handshake || self->phase_ == Phase::Idle) {
        self->stop_requested_ = true;
        error_code ignored;
        beast::get_lowest_layer(self->stream_).socket().cancel(ignored);
      }
    });
  }

  void force_close() override {
    net::post(stream_.get_executor(), [self = shared_self()] { self->close_now(); });
  }

 private:
  static Stream make_stream(tcp::socket&& socket, Listener& listener) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *listener.tls());
    } else {
      return Stream(std::move(socket));
    }
  }

  std::shared_ptr<Connection> shared_self() {
    return std::static_pointer_cast<Connection>(shared_from_this());
  }

  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

  void on_run() {
    if (server_.stopping) return close_now();
    if constexpr (kTls) {
      do_handshake();
    } else {
      do_read_request();
    }
  }

  // ---- TLS handshake

  void do_handshake() {
    phase_ = Phase::Handshake;
    set_deadline(std::min(limits_.handshake_timeout, limits_.first_request_timeout));
    stream_.async_handshake(ssl::stream_base::server,
                            beast::bind_front_handler(&Connection::on_handshake, shared_self()));
  }

  void on_handshake(error_code ec) {
    if (ec) {
      spdlog::debug("http: {} TLS handshake with {} failed: {}", listener_->config().name,
                    remote_address_, ec.message());
      return close_now();
    }
    clear_deadline();
    if constexpr (kTls) capture_client_chain();
    do_read_request();
  }

  // Once per connection: the requests share the chain and its parsed form (certificate_cache_).
  void capture_client_chain() {
    SSL* ssl = stream_.native_handle();
    X509* leaf = SSL_get0_peer_certificate(ssl);
    if (!leaf) return;
    X509_up_ref(leaf);  // the Certificate's reference
    client_serial_ = crypto::Certificate(std::shared_ptr<X509>(leaf, X509_free)).serial_hex();
    // On the server side the peer chain does not include the leaf.
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
    const int sent = chain ? sk_X509_num(chain) : 0;
    const int first = sent > 0 && X509_cmp(sk_X509_value(chain, 0), leaf) == 0 ? 1 : 0;
    const auto length = static_cast<std::size_t>(1 + sent - first);
    if (length > limits_.max_client_chain) {
      client_chain_refused_ = length;
      spdlog::debug("http: {} client {} sent a chain of {} certificates", listener_->config().name,
                    remote_address_, length);
      return;
    }
    client_chain_.reserve(length);
    client_chain_.push_back(certificate_der(leaf));
    for (int i = first; i < sent; ++i)
      client_chain_.push_back(certificate_der(sk_X509_value(chain, i)));
    certificate_cache_ = std::make_shared<detail::ClientCertificateCache>();
  }

  // ---- reading a request: wait for its first byte (keep-alive or first-request deadline), then
  // read the header (header deadline, from that first byte) and the body (body deadline, from the
  // end of the header; only set when the body has not arrived with the header)

  void do_read_request() {
    if (server_.stopping || stop_requested_) return close_now();
    parser_.emplace(FramingLimits{limits_.max_header_bytes, limits_.max_body_bytes});
    if (buffer_.size() > 0) return do_read_header();
    do_wait_first_byte();
  }

  void do_wait_first_byte() {
    phase_ = Phase::Idle;
    if (served_ == 0) {
      // A connection that has sent nothing yet: counted from the accept, TLS handshake included.
      set_deadline(accepted_at_ + limits_.first_request_timeout - std::chrono::steady_clock::now());
    } else {
      if (!become_kept_alive()) return close_now();
      set_deadline(limits_.keep_alive_timeout);
    }
    read_more(&Connection::on_first_byte);
  }

  void on_first_byte(error_code ec) {
    clear_deadline();
    if (ec) return close_now();  // idle timeout, client gone, server stopping: nothing to answer
    do_read_header();
  }

  // ---- reading: what arrives is appended to buffer_ (decrypted first over TLS), then `next`
  // runs. The request is parsed from buffer_ in place; the socket is read only for what is
  // missing. Over TLS the records are decrypted with the connection's SSL object directly (see
  // decrypt_available); asio's SSL stream is left to the handshake and the shutdown.

  using ReadStep = void (Connection::*)(error_code);

  void read_more(ReadStep next) {
    if constexpr (kTls) {
      error_code ec;
      const std::size_t added = decrypt_available(ec);
      if (!records_.to_send().empty()) {
        // Reading made the SSL object answer something (the alert refusing a TLS 1.2
        // renegotiation): it leaves before anything else happens.
        net::async_write(tcp().socket(), net::buffer(records_.to_send()),
                         [self = shared_self(), next, added, ec](error_code write_ec, std::size_t) {
                           self->records_.to_send().clear();
                           if (write_ec) return ((*self).*next)(write_ec);
                           if (added > 0 || ec) return ((*self).*next)(ec);
                           self->read_more(next);
                         });
        return;
      }
      if (added > 0 || ec) return (this->*next)(ec);
      tcp().socket().async_read_some(records_.received().prepare(kReadChunk),
                                     [self = shared_self(), next](error_code ec, std::size_t n) {
                                       if (ec) return ((*self).*next)(ec);
                                       self->records_.received().commit(n);
                                       self->read_more(next);
                                     });
    } else {
      tcp().socket().async_read_some(buffer_.prepare(kReadChunk),
                                     [self = shared_self(), next](error_code ec, std::size_t n) {
                                       if (!ec) self->buffer_.commit(n);
                                       ((*self).*next)(ec);
                                     });
    }
  }

  // Decrypts what has arrived into buffer_ (tls_records.hpp); returns the plaintext bytes
  // added. Bounded per call: the parser consumes buffer_ before more is decrypted.
  std::size_t decrypt_available(error_code& ec) {
    const std::size_t added =
        records_.decrypt(stream_.native_handle(), buffer_, kReadChunk, 4 * kReadChunk, ec);
    if (ec == net::error::connection_aborted) {
      spdlog::debug("http: {} TLS read from {} failed: {}", listener_->config().name,
                    remote_address_, records_.failure());
    }
    return added;
  }

  void do_read_header() {
    if (!become_busy()) return close_now();  // shed to make room while it waited
    phase_ = Phase::Reading;
    started_steady_ = std::chrono::steady_clock::now();
    started_time_ = server_.clock->now();
    reading_body_ = false;
    set_deadline_at(started_steady_ + limits_.header_timeout);
    parse_header({});
  }

  void parse_header(error_code ec) {
    if (ec) return on_read_error(ec);
    if (!parser_->read_header(buffer_, ec)) {
      if (ec) return on_read_error(ec);
      return read_more(&Connection::parse_header);
    }
    if (parser_->version >= 11 && iequals(parser_->header("Expect"), "100-continue") &&
        !parser_->is_done()) {
      start_body_deadline();
      return do_write_continue();
    }
    parse_body({});
  }

  void do_write_continue() {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     beast::bind_front_handler(&Connection::on_write_continue, shared_self()));
  }

  void on_write_continue(error_code ec, std::size_t) { parse_body(ec); }

  void parse_body(error_code ec) {
    if (ec) return on_read_error(ec);
    if (!parser_->read_body(buffer_, ec)) {
      if (ec) return on_read_error(ec);
      if (!reading_body_) start_body_deadline();
      return read_more(&Connection::parse_body);
    }
    clear_deadline();
    handle_request();
  }

  // The header is complete and the body still has to arrive: the header deadline gives way to
  // the body deadline (the same timer; a request whose body came with its header never gets here).
  void start_body_deadline() {
    reading_body_ = true;
    set_deadline(limits_.body_timeout);
  }

  void on_read_error(error_code ec) {
    clear_deadline();
    if (timed_out_) {
      // Something of a request arrived but not all of it in time: its header within the header
      // timeout of its first byte, or its body within the body timeout of the end of the header.
      const auto timeout = reading_body_ ? limits_.body_timeout : limits_.header_timeout;
      const char* what = reading_body_ ? "body" : "header";
      return respond_with_error(
          Error(408, codes::kHttpRequestTimeout,
                fmt::format("The request {} was not received within {} s of its {}", what,
                            timeout.count(), reading_body_ ? "header" : "first byte"),
                fmt::format("Send the whole {} within the server's --{}-timeout", what, what)));
    }
    if (auto error =
            framing_error(ec, parser_ ? &*parser_ : nullptr,
                          FramingLimits{limits_.max_header_bytes, limits_.max_body_bytes})) {
      return respond_with_error(*error);
    }
    spdlog::debug("http: {} read from {} ended: {}", listener_->config().name, remote_address_,
                  ec.message());
    close_now();
  }

  // ---- deadlines of the handshake, the reads and the writes: one timer per connection.
  // Setting or clearing a deadline does not touch the timer, so a request costs no timer
  // operation. The timer never waits longer than tick_ (the shortest timeout), so it fires no
  // later than any deadline set while it waits (each lies at least tick_ ahead); when it fires
  // before the deadline it waits again for what is left, and with no deadline it stops.

  void set_deadline(std::chrono::steady_clock::duration timeout) {
    set_deadline_at(std::chrono::steady_clock::now() + timeout);
  }

  void set_deadline_at(std::chrono::steady_clock::time_point deadline) {
    timed_out_ = false;
    deadline_ = deadline;
    if (!timer_waiting_) arm_timer();
  }

  void clear_deadline() { deadline_ = std::chrono::steady_clock::time_point::max(); }

  void arm_timer() {
    timer_waiting_ = true;
    timer_.expires_at(std::min(deadline_, std::chrono::steady_clock::now() + tick_));
    timer_.async_wait([self = shared_self()](error_code ec) { self->on_timer(ec); });
  }

  void on_timer(error_code ec) {
    timer_waiting_ = false;
    if (ec || phase_ == Phase::Closing) return;
    if (deadline_ == std::chrono::steady_clock::time_point::max()) return;
    if (std::chrono::steady_clock::now() < deadline_) return arm_timer();
    // Idle: the connection closes; reading: 408; handshake or writing: the connection closes.
    timed_out_ = true;
    clear_deadline();
    error_code ignored;
    tcp().socket().cancel(ignored);
  }

  // ---- answering

  Request base_request() {
    Request request;
    request.listener = listener_->config().name;
    request.remote_address = remote_address_;
    // Lent to the request and taken back after the answer (return_chain): no copy per request.
    request.client_chain_der = std::move(client_chain_);
    request.client_chain_refused = client_chain_refused_;
    request.client_certificate_cache = certificate_cache_;
    request.response_id = server_.next_response_id();
    return request;
  }

  void return_chain(Request& request) { client_chain_ = std::move(request.client_chain_der); }

  void handle_request() {
    phase_ = Phase::Handling;
    RequestParser& parsed = *parser_;
    Request request = base_request();
    request.method = std::move(parsed.method);
    request.target = std::move(parsed.target);
    request.headers = std::move(parsed.headers);
    request.body = std::move(parsed.body);
    ++served_;
    Response response;
    Router* router = listener_->config().router;
    std::optional<RequestTrace> trace;
    if (server_.recorder) {
      trace.emplace();
      trace->checks.reserve(7);
    }
    try {
      TraceScope scope(trace ? &*trace : nullptr);
      response = router->handle(request);
    } catch (...) {  // Router::handle does not throw; this is the last line of defence
      response = render_error_json(Error::internal("internal", "Internal server error"), false);
      request.detail_code = "internal";
    }
    // Decided after the handler ran: a stop() meanwhile closes this connection after the answer.
    bool keep_alive =
        parsed.keep_alive() && !server_.stopping &&
        (limits_.max_requests_per_connection == 0 || served_ < limits_.max_requests_per_connection);
    do_write(request, std::move(response), parsed.version, keep_alive, false,
             trace ? &*trace : nullptr);
    return_chain(request);
  }

  // An error the server answers itself (400, 408, 413, 431) and then closes the connection.
  void respond_with_error(const Error& error) {
    Request request = base_request();
    unsigned version = 11;
    if (parser_) {
      request.method = parser_->method;
      request.target = parser_->target;
      if (parser_->version == 10) version = 10;
    }
    Response response;
    try {
      response = listener_->config().router->render_error(request, error);
    } catch (...) {
      response = render_error_json(error, false);
      request.detail_code = error.code();
    }
    do_write(request, std::move(response), version, false, true);
    return_chain(request);
  }

  void do_write(const Request& request, Response response, unsigned version, bool keep_alive,
                bool linger, RequestTrace* trace = nullptr) {
    phase_ = Phase::Writing;
    const std::chrono::milliseconds delay = response.delay;

    unsigned status = valid_status(response.status);
    if (server_.recorder) {
      inspected_ = make_inspected_request(request, response, status, started_time_, client_serial_,
                                          trace, server_.recorder->body_cap());
    }
    bool no_body = status < 200 || status == 204 || status == 304;
    bool send_body = !no_body && request.method != "HEAD";
    // Status line, header and body in one buffer: a typical response leaves in one TLS record
    // and one send. (A separate body buffer saves one copy but costs a second TLS record.)
    // Over TLS a long body is encrypted from where it is instead of being copied behind the
    // head (write_tls_direct); its records still leave with the head's in one send.
    const bool separate_body = kTls && send_body && response.body.size() > kCopiedBodyBytes;
    std::size_t header_size = 512;  // the status line, framing and standard headers
    for (const auto& h : response.headers) header_size += h.name.size() + h.value.size() + 4;
    head_.clear();
    body_.clear();
    head_.reserve(header_size + (send_body && !separate_body ? response.body.size() : 0));
    head_ += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    head_ += std::to_string(status);
    head_ += ' ';
    head_ += bhttp::obsolete_reason(bhttp::int_to_status(status));
    head_ += "\r\n";
    for (const auto& h : response.headers) {
      // Framing and the response id are the server's.
      if (iequals(h.name, "Content-Length") || iequals(h.name, "Transfer-Encoding") ||
          iequals(h.name, "Connection") || iequals(h.name, "X-ING-Response-ID")) {
        continue;
      }
      if (h.name.empty() || has_forbidden(h.name, kBadInName) ||
          has_forbidden(h.value, kBadInValue)) {
        spdlog::error("http: dropped response header with a forbidden character: {}", h.name);
        continue;
      }
      head_ += h.name;
      head_ += ": ";
      head_ += h.value;
      head_ += "\r\n";
    }
    append_standard_header_lines(head_, response, request.response_id, server_.clock->now());
    if (!no_body) {
      head_ += "Content-Length: ";
      head_ += std::to_string(response.body.size());
      head_ += "\r\n";
    }
    if (!keep_alive) {
      head_ += "Connection: close\r\n";
    } else if (version == 10) {
      head_ += "Connection: keep-alive\r\n";
    }
    head_ += "\r\n";
    if (separate_body) {
      body_ = std::move(response.body);
    } else if (send_body) {
      head_ += response.body;
    }
    close_after_write_ = !keep_alive;
    linger_ = linger;

    entry_ = {};
    entry_.time = started_time_;
    entry_.listener = request.listener;
    entry_.method = request.method;
    entry_.target = request.target;
    entry_.status = status;
    entry_.client_certificate_serial = client_serial_;
    entry_.detail_code = request.detail_code;
    entry_.notice = request.notice;
    entry_.response_id = request.response_id;
    entry_.remote_address = remote_address_;

    if (delay > std::chrono::milliseconds::zero()) return hold_then_write(delay);
    set_deadline(limits_.write_timeout);
    // Posted: the requests of one batch of readiness events are all handled before their
    // answers go out, so the client is woken once per batch.
    net::post(stream_.get_executor(), [self = shared_self()] { self->start_write(); });
  }

  // Response::delay: the answer waits on a timer of its own (made on first use: most
  // connections never need one), the thread goes on serving other connections. The write
  // deadline counts from the end of the wait; close_now() cancels it.
  void hold_then_write(std::chrono::milliseconds delay) {
    delay = std::min(delay, kMaxResponseDelay);
    set_deadline(limits_.write_timeout + delay);
    if (!delay_timer_) delay_timer_ = std::make_unique<net::steady_timer>(stream_.get_executor());
    delay_timer_->expires_after(delay);
    delay_timer_->async_wait([self = shared_self()](error_code ec) {
      if (ec || self->phase_ == Phase::Closing) return;
      self->start_write();
    });
  }

  void start_write() {
    if constexpr (kTls) {
      if (write_tls_direct()) return;
    }
    head_ += body_;
    body_.clear();
    if constexpr (kTls) {
      net::async_write(stream_, net::buffer(head_),
                       beast::bind_front_handler(&Connection::on_write, shared_self()));
    } else {
      net::async_write(tcp().socket(), net::buffer(head_),
                       beast::bind_front_handler(&Connection::on_write, shared_self()));
    }
  }

  // Encrypts the response with the connection's SSL object (the body from where it is) and
  // sends all its records with one write to the socket. Asio's SSL stream would pass each
  // record through its engine's buffer (one copy and one send per 16 KB record). Returns false
  // (asio writes) if the engine still holds output of its own, which would have to leave first.
  bool write_tls_direct() {
    switch (records_.encrypt(stream_.native_handle(), head_, body_)) {
      case TlsRecords::Encrypted::kUseStream:
        return false;
      case TlsRecords::Encrypted::kFailed:
        spdlog::debug("http: {} TLS write to {} failed", listener_->config().name, remote_address_);
        close_now();
        return true;
      case TlsRecords::Encrypted::kDone:
        break;
    }
    const std::size_t plain_bytes = head_.size() + body_.size();
    body_.clear();
    net::async_write(tcp().socket(), net::buffer(records_.to_send()),
                     [self = shared_self(), plain_bytes](error_code ec, std::size_t) {
                       self->on_write(ec, plain_bytes);
                     });
    return true;
  }

  void on_write(error_code ec, std::size_t bytes) {
    clear_deadline();
    entry_.bytes = bytes;
    entry_.duration = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started_steady_);
    server_.log(entry_);
    if (inspected_) {
      inspected_->duration = entry_.duration;
      server_.record(std::move(*inspected_));
      inspected_.reset();
    }
    // A long response's buffers are not kept for the connection's next one: an idle kept-alive
    // connection holds its read buffers and OpenSSL's record buffers (about 70 KB), not the
    // last answer.
    // (swap: `head_ = {}` assigns an empty initializer list and keeps the capacity)
    if (head_.capacity() > kKeptBufferBytes) std::string().swap(head_);
    if (body_.capacity() > kKeptBufferBytes) std::string().swap(body_);
    records_.release_above(kKeptBufferBytes);
    if (ec) {
      spdlog::debug("http: {} write to {} failed: {}", listener_->config().name, remote_address_,
                    ec.message());
      return close_now();
    }
    if (linger_) return do_linger();
    if (close_after_write_) return do_shutdown();
    do_read_request();
  }

  // ---- closing

  // After a response with Connection: close: TLS close_notify (bounded wait for the client's),
  // or for plain HTTP a lingering close.
  void do_shutdown() {
    phase_ = Phase::Closing;
    if constexpr (kTls) {
      tcp().expires_after(kShutdownTimeout);
      stream_.async_shutdown(beast::bind_front_handler(&Connection::on_shutdown, shared_self()));
    } else {
      do_linger();
    }
  }

  void on_shutdown(error_code) { close_now(); }

  // Stop sending, then read and discard what the client still sends (the rest of a refused
  // request) for a bounded time, so the client reads the response instead of a reset.
  void do_linger() {
    phase_ = Phase::Closing;
    error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    linger_budget_ = limits_.max_body_bytes + limits_.max_header_bytes + 64 * 1024;
    tcp().expires_after(kLingerTimeout);
    buffer_.clear();
    do_drain();
  }

  void do_drain() {
    tcp().async_read_some(buffer_.prepare(16 * 1024),
                          beast::bind_front_handler(&Connection::on_drain, shared_self()));
  }

  void on_drain(error_code ec, std::size_t n) {
    if (ec || n >= linger_budget_) return close_now();
    linger_budget_ -= n;
    do_drain();
  }

  void close_now() {
    phase_ = Phase::Closing;
    clear_deadline();
    timer_.cancel();
    if (delay_timer_) delay_timer_->cancel();
    error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().socket().close(ignored);
  }

  Server::State& server_;
  const Limits& limits_;
  std::shared_ptr<Listener> listener_;
  Stream stream_;
  net::steady_timer timer_;
  std::unique_ptr<net::steady_timer> delay_timer_;  // Response::delay (hold_then_write)
  std::chrono::steady_clock::duration tick_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  bool timer_waiting_ = false;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::string head_;    // the response being written: status line, header and body
  std::string body_;    // or its body apart (TLS, longer than kCopiedBodyBytes)
  TlsRecords records_;  // TLS: records received and to send
  AccessLogEntry entry_;
  std::optional<InspectedRequest> inspected_;

  Phase phase_ = Phase::Idle;
  bool timed_out_ = false;
  bool reading_body_ = false;  // the header is complete: the body deadline holds (408's message)
  bool stop_requested_ = false;
  bool close_after_write_ = false;
  bool linger_ = false;
  std::size_t linger_budget_ = 0;
  std::size_t served_ = 0;
  const std::chrono::steady_clock::time_point accepted_at_{std::chrono::steady_clock::now()};
  std::chrono::steady_clock::time_point started_steady_{std::chrono::steady_clock::now()};
  TimePoint started_time_{};

  const std::string& remote_address_;
  std::vector<Bytes> client_chain_;
  std::size_t client_chain_refused_ = 0;  // the chain's length when it was too long
  std::string client_serial_;
  std::shared_ptr<detail::ClientCertificateCache> certificate_cache_;
};

void Listener::on_accept(error_code ec, tcp::socket socket) {
  if (ec) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    spdlog::warn("http: {} accept failed: {}", config_.name, ec.message());
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait(beast::bind_front_handler(&Listener::on_retry, shared_from_this()));
    return;
  }
  error_code ignored;
  if (server_.stopping) {
    socket.close(ignored);
    return;
  }
  socket.set_option(tcp::no_delay(true), ignored);
  auto [client, group] = peer_of(socket, server_.limits.client_ipv6_prefix);
  std::shared_ptr<ConnectionBase> connection;
  if (tls_) {
    connection =
        std::make_shared<Connection<true>>(shared_from_this(), std::move(socket), client, group);
  } else {
    connection =
        std::make_shared<Connection<false>>(shared_from_this(), std::move(socket), client, group);
  }
  switch (server_.admit(connection)) {
    case Server::State::Admission::kAdmitted:
      if (tls_) {
        std::static_pointer_cast<Connection<true>>(connection)->run();
      } else {
        std::static_pointer_cast<Connection<false>>(connection)->run();
      }
      break;
    case Server::State::Admission::kClientFull:
      spdlog::debug("http: {} refused a connection from {}: {} has {} open", config_.name, client,
                    group, server_.limits.max_connections_per_client);
      break;  // closed with the connection object
    case Server::State::Admission::kServerFull:
      spdlog::debug("http: {} refused a connection from {}: {} connections open, none idle",
                    config_.name, client, server_.limits.max_connections);
      break;
  }
  do_accept();
}

// --------------------------------------------------------------------------------------------
// Server

Server::Server(std::vector<ListenerConfig> listeners, Limits limits, int threads,
               AccessLogSink access_log)
    : state_(std::make_shared<State>(threads < 1 ? 1 : threads)) {
  state_->limits = limits;
  state_->access_log = std::move(access_log);
  if (listeners.empty()) throw Error(500, codes::kHttpConfig, "no listener configured");
  std::set<std::string> names;
  for (auto& config : listeners) {
    if (config.name.empty()) throw Error(500, codes::kHttpConfig, "a listener has no name");
    if (!names.insert(config.name).second) {
      throw Error(500, codes::kHttpConfig, "two listeners are named " + config.name);
    }
    if (!config.router)
      throw Error(500, codes::kHttpConfig, "listener " + config.name + " has no router");
    state_->listeners.push_back(std::make_shared<Listener>(*state_, std::move(config)));
  }
}

Server::~Server() {
  stop();
  wait();
}

void Server::use_recorder(RequestRecorder* recorder) {
  state_->recorder = recorder;
}

void Server::use_clock(const Clock& clock) {
  state_->clock = &clock;
}

void Server::use_random(RandomSource& random) {
  state_->random = &random;
}

void Server::start() {
  if (state_->started.exchange(true)) throw std::logic_error("Server::start called twice");
  if (state_->stopping) return;
  state_->random->fill(reinterpret_cast<std::uint8_t*>(state_->response_keys),
                       sizeof state_->response_keys);
  for (auto& listener : state_->listeners) listener->open();
  for (auto& listener : state_->listeners) {
    spdlog::info("http: listener {} on {}:{} ({})", listener->config().name,
                 listener->config().host, listener->port(),
                 listener->tls() ? (listener->config().tls.request_client_certificate
                                        ? "TLS, client certificate requested"
                                        : "TLS")
                                 : "plain HTTP");
    listener->run();
  }
  std::lock_guard lock(state_->wait_mu);
  for (int i = 0; i < state_->threads; ++i) {
    state_->workers.emplace_back([state = state_.get()] {
      for (;;) {
        try {
          state->ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("http: uncaught exception in an I/O thread: {}", e.what());
        }
      }
    });
  }
}

unsigned short Server::port(std::string_view listener_name) const {
  for (const auto& listener : state_->listeners) {
    if (listener->config().name == listener_name) return listener->port();
  }
  throw std::out_of_range("no listener named " + std::string(listener_name));
}

std::size_t Server::connection_count() const {
  return state_->connection_count();
}

void Server::stop() {
  if (state_->stopping.exchange(true)) return;
  if (!state_->started) return;
  for (auto& listener : state_->listeners) listener->close();
  for (auto& connection : state_->live_connections()) connection->server_stopping();
  State* state = state_.get();
  net::post(state->stop_strand, [state] {
    state->stop_deadline = std::chrono::steady_clock::now() + state->limits.stop_timeout;
    state->on_stop_poll({});
  });
}

// Polls until every connection is gone; past the deadline closes what is left.
void Server::State::on_stop_poll(error_code ec) {
  if (ec) return;
  if (connection_count() == 0) return;
  if (std::chrono::steady_clock::now() >= stop_deadline) {
    auto live = live_connections();
    spdlog::warn("http: closing {} connection(s) still open after {} s", live.size(),
                 limits.stop_timeout.count());
    for (auto& connection : live) connection->force_close();
    stop_deadline = std::chrono::steady_clock::time_point::max();
  }
  stop_timer.expires_after(kStopPollInterval);
  stop_timer.async_wait([this](error_code e) { on_stop_poll(e); });
}

void Server::wait() {
  std::lock_guard lock(state_->wait_mu);
  for (auto& worker : state_->workers) {
    if (worker.get_id() == std::this_thread::get_id()) {
      throw std::logic_error("Server::wait called from one of the server's own threads");
    }
  }
  for (auto& worker : state_->workers) {
    if (worker.joinable()) worker.join();
  }
  state_->workers.clear();
}

}  // namespace sandbank::http
