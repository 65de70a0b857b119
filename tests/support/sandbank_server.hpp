#pragma once

// The SandbankServer fixture: the real `sandbank serve` on 127.0.0.1:0 over a data directory,
// with the URLs it reports in its ready file and the sandbox PKI it created there (the
// guide's example certificates of the pre-registered application).

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace sandbank::testing {

// The guide's pre-registered application, bound to the example certificates.
inline constexpr const char* kSandboxClientId = "5ca1ab1e-c0ca-c01a-cafe-154deadbea75";

class SandbankServer {
 public:
  // pass_data=false leaves --data out of the command line (for tests of --config).
  explicit SandbankServer(std::filesystem::path data_dir, std::vector<std::string> extra_args = {},
                          bool pass_data = true);
  ~SandbankServer();
  SandbankServer(const SandbankServer&) = delete;
  SandbankServer& operator=(const SandbankServer&) = delete;

  // Starts and waits up to 30 s for the ready file; throws std::runtime_error with the
  // server's stderr when it exits or times out.
  void start();
  // Sends the signal (SIGTERM by default) and waits; returns the exit code (or 128+signal).
  int terminate(int signal_number = 15);
  bool running() const { return pid_ > 0; }
  // For a server not started here: its URLs are `api_url` and `web_url` (a load balancer in
  // front of nodes over this data directory's PKI), so the helpers that take a SandbankServer
  // send their calls there.
  void reach_at(const std::string& api_url, const std::string& web_url);

  const std::string& api_url() const { return api_url_; }
  const std::string& web_url() const { return web_url_; }
  unsigned short api_port() const { return api_port_; }
  unsigned short web_port() const { return web_port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }

  // The sandbox PKI in <data>/certs: the CA the listeners' certificate chains to, and the
  // guide's example TLS (QWAC) and signing (QSealC) pairs.
  std::filesystem::path certs_dir() const { return data_dir_ / "certs"; }
  std::filesystem::path cert(const std::string& name) const { return certs_dir() / name; }
  std::filesystem::path ca_cert() const { return cert("ca.cer"); }
  std::filesystem::path example_tls_cert() const { return cert("example_client_tls.cer"); }
  std::filesystem::path example_tls_key() const { return cert("example_client_tls.key"); }
  std::filesystem::path example_signing_cert() const { return cert("example_client_signing.cer"); }
  std::filesystem::path example_signing_key() const { return cert("example_client_signing.key"); }

  std::string log() const;  // what the server printed so far (stdout+stderr)

 private:
  std::filesystem::path data_dir_;
  std::vector<std::string> extra_args_;
  bool pass_data_;
  std::filesystem::path log_file_;
  std::filesystem::path ready_file_;
  pid_t pid_ = -1;
  std::string api_url_, web_url_;
  unsigned short api_port_ = 0, web_port_ = 0;
};

}  // namespace sandbank::testing
