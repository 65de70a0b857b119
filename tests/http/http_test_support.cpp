#include "http_test_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "core/strings.hpp"

namespace sandbank::http::test {

namespace {

// Writes to a socket the server has closed must fail with EPIPE, not kill the test.
const bool kSigpipeIgnored = [] {
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}();

std::string read_fd(int fd) {
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void must(const ProcessResult& r, const std::string& what) {
  if (r.exit_code != 0) throw std::runtime_error(what + " failed: " + r.err);
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv) {
  (void)kSigpipeIgnored;
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  char err_template[] = "/tmp/sandbank-http-test-stderr-XXXXXX";
  int err_fd = ::mkstemp(err_template);
  int out_pipe[2];
  if (err_fd < 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_fd, 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ProcessResult result;
  result.out = read_fd(out_pipe[0]);
  ::close(out_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  ::lseek(err_fd, 0, SEEK_SET);
  result.err = read_fd(err_fd);
  ::close(err_fd);
  ::unlink(err_template);
  return result;
}

// Removes the PKI directory when the test program ends.
struct TemporaryDirectory {
  std::filesystem::path path;
  ~TemporaryDirectory() {
    std::error_code ignored;
    if (!path.empty()) std::filesystem::remove_all(path, ignored);
  }
};

const TestPki& TestPki::get() {
  static TemporaryDirectory temporary;
  static const TestPki pki = [] {
    TestPki p;
    char dir_template[] = "/tmp/sandbank-http-pki-XXXXXX";
    if (!::mkdtemp(dir_template)) throw std::runtime_error("mkdtemp failed");
    p.dir = dir_template;
    temporary.path = p.dir;
    auto file = [&](const char* name) { return (p.dir / name).string(); };
    p.ca_cert = file("ca.pem");
    p.server_cert = file("server.pem");
    p.server_key = file("server.key");
    p.client_cert = file("client.pem");
    p.client_key = file("client.key");
    p.client_chain = file("client-chain.pem");
    const std::string ca_key = file("ca.key");
    {
      std::ofstream(file("server.ext")) << "basicConstraints=CA:FALSE\n"
                                           "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                           "extendedKeyUsage=serverAuth\n";
      std::ofstream(file("client.ext")) << "basicConstraints=CA:FALSE\n"
                                           "extendedKeyUsage=clientAuth\n";
    }
    must(run_process({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                      "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca_key, "-out", p.ca_cert,
                      "-days", "2", "-subj", "/CN=Sandbank HTTP Test CA"}),
         "openssl req (CA)");
    for (const auto& [name, subject, serial] :
         {std::tuple<std::string, std::string, std::string>{"server", "/CN=localhost", "0x1001"},
          {"client", "/O=Example TPP/CN=example-tpp", "0x49BA5C71"}}) {
      must(run_process({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", file((name + ".key").c_str()), "-out",
                        file((name + ".csr").c_str()), "-subj", subject}),
           "openssl req (" + name + ")");
      must(
          run_process({"openssl", "x509", "-req", "-in", file((name + ".csr").c_str()), "-CA",
                       p.ca_cert, "-CAkey", ca_key, "-set_serial", serial, "-days", "2", "-extfile",
                       file((name + ".ext").c_str()), "-out", file((name + ".pem").c_str())}),
          "openssl x509 (" + name + ")");
    }
    std::ofstream(p.client_chain) << read_file(p.client_cert) << read_file(p.ca_cert);
    must(run_process({"openssl", "x509", "-in", p.client_cert, "-outform", "DER", "-out",
                      file("client.der")}),
         "openssl x509 -outform DER");
    std::string der = read_file(file("client.der"));
    p.client_der_hex = hex_encode(as_bytes(der));
    return p;
  }();
  return pki;
}

std::optional<std::string> CurlResult::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return std::nullopt;
}

CurlResult parse_http_response(const std::string& raw) {
  CurlResult r;
  std::size_t pos = 0;
  for (;;) {
    std::size_t end = raw.find("\r\n\r\n", pos);
    if (end == std::string::npos) return r;
    std::string_view head(raw.data() + pos, end - pos);
    std::size_t line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    auto space = status_line.find(' ');
    if (space == std::string_view::npos) return r;
    r.status =
        static_cast<unsigned>(std::atoi(std::string(status_line.substr(space + 1, 3)).c_str()));
    pos = end + 4;
    if (r.status >= 100 && r.status < 200) continue;
    r.headers.clear();
    if (line_end != std::string_view::npos) {
      for (auto line : split(head.substr(line_end + 2), '\n')) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        r.headers.push_back(
            {std::string(line.substr(0, colon)), std::string(trim_ows(line.substr(colon + 1)))});
      }
    }
    r.body = raw.substr(pos);
    return r;
  }
}

CurlResult curl(const std::string& url, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {"curl", "-sS", "-i", "--max-time", "10"};
  // With -k no CA store is loaded, so OpenSSL does not complete a client chain from it either.
  if (std::find(extra.begin(), extra.end(), "-k") == extra.end()) {
    argv.insert(argv.end(), {"--cacert", TestPki::get().ca_cert});
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(url);
  ProcessResult p = run_process(argv);
  CurlResult r = parse_http_response(p.out);
  r.exit_code = p.exit_code;
  r.err = p.err;
  return r;
}

RawClient::RawClient(unsigned short port, bool tls, int max_tls_version, const char* source) {
  // An IPv6 source ("::1") connects to [::1]:port, any other to 127.0.0.1:port.
  const bool v6 = source && std::strchr(source, ':');
  fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  if (v6) {
    sockaddr_in6 local{};
    local.sin6_family = AF_INET6;
    if (::inet_pton(AF_INET6, source, &local.sin6_addr) != 1 ||
        ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      return;
    }
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_port = htons(port);
    addr.sin6_addr = in6addr_loopback;
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
  } else {
    if (source) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      if (::inet_pton(AF_INET, source, &local.sin_addr) != 1 ||
          ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        return;
      }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{5, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (tls) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    if (max_tls_version != 0) SSL_CTX_set_max_proto_version(ctx_, max_tls_version);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, "localhost");
    if (SSL_connect(ssl_) != 1) return;
  }
  ok_ = true;
}

std::string RawClient::renegotiate() {
  if (!ssl_) return "no TLS";
  ERR_clear_error();
  if (SSL_renegotiate(ssl_) == 1 && SSL_do_handshake(ssl_) == 1) return "";
  unsigned long code = ERR_peek_error();
  const char* reason = code ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason ? reason : "failed without an OpenSSL error";
}

RawClient::~RawClient() {
  if (ssl_) SSL_free(ssl_);
  if (ctx_) SSL_CTX_free(ctx_);
  if (fd_ >= 0) ::close(fd_);
}

bool RawClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    long n = ssl_ ? SSL_write(ssl_, bytes.data(),
                              static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20)))
                  : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      if (!ssl_ && n < 0 && errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

long RawClient::read_some(char* buf, std::size_t n, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (!(ssl_ && SSL_pending(ssl_) > 0)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return -1;
      pollfd p{fd_, POLLIN, 0};
      int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return -1;
    }
    if (ssl_) {
      int r = SSL_read(ssl_, buf, static_cast<int>(n));
      if (r > 0) return r;
      int e = SSL_get_error(ssl_, r);
      if (e == SSL_ERROR_WANT_READ) continue;
      if (e == SSL_ERROR_ZERO_RETURN) return 0;
      // A close without close_notify or a reset: the connection is gone either way.
      return 0;
    }
    ssize_t r = ::recv(fd_, buf, n, 0);
    if (r > 0) return r;
    if (r < 0 && errno == EINTR) continue;
    return 0;
  }
}

std::string RawClient::read_all(std::chrono::milliseconds timeout, bool* closed) {
  std::string out = std::move(pending_);
  pending_.clear();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[16384];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    long n = left.count() > 0 ? read_some(buf, sizeof buf, left) : -1;
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (closed) *closed = n == 0;
    return out;
  }
}

std::string RawClient::read_response(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string& data = pending_;
  char buf[16384];
  auto more = [&] {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    long n = left.count() > 0 ? read_some(buf, sizeof buf, left) : -1;
    if (n > 0) data.append(buf, static_cast<std::size_t>(n));
    return n > 0;
  };
  std::size_t end;
  while ((end = data.find("\r\n\r\n")) == std::string::npos) {
    if (!more()) return std::exchange(data, {});
  }
  CurlResult head = parse_http_response(data.substr(0, end + 4));
  std::size_t length = 0;
  if (auto cl = head.header("Content-Length")) length = std::stoul(*cl);
  while (data.size() < end + 4 + length) {
    if (!more()) break;
  }
  std::size_t total = std::min(data.size(), end + 4 + length);
  std::string response = data.substr(0, total);
  data.erase(0, total);
  return response;
}

}  // namespace sandbank::http::test
