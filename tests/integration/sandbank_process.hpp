#pragma once

// Test support: runs the real `sandbank` binary and the real `curl`/`openssl` binaries.

#include <sys/types.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sandbank::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv to completion (no shell), capturing stdout and stderr. stdin is /dev/null
// unless `input` is given.
ProcessResult run(const std::vector<std::string>& argv, const std::string* input = nullptr,
                  std::chrono::seconds timeout = std::chrono::seconds(60));

// Runs a bash script (for the guide's own pipelines) with `cwd` as working directory.
ProcessResult run_bash(const std::string& script, const std::filesystem::path& cwd);

// A fresh temporary directory, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// `sandbank serve` on port 0 with a data directory, waiting for its ready file.
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
  // Sends SIGTERM and waits; returns the exit code (or 128+signal).
  int terminate(int signal_number = 15);
  bool running() const { return pid_ > 0; }

  const std::string& api_url() const { return api_url_; }
  const std::string& web_url() const { return web_url_; }
  unsigned short api_port() const { return api_port_; }
  unsigned short web_port() const { return web_port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::filesystem::path cert(const std::string& name) const { return data_dir_ / "certs" / name; }
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

struct HttpResult {
  int curl_exit = -1;
  long status = 0;
  std::string headers;  // raw response header block
  std::string body;
  std::string curl_stderr;
  std::optional<std::string> header(const std::string& name) const;  // case-insensitive
};

// curl with the sandbox CA trusted (--cacert) and the given extra arguments.
HttpResult curl(const std::vector<std::string>& args);

// Runs the `sandbank` binary with args.
ProcessResult sandbank(const std::vector<std::string>& args);

// The customer's side of the guide's step 3a/3b over plain HTTP, as docs/authorize.md walks
// it: opens /authorize/v2/{country} for the pre-registered application, picks the test profile
// by its name, presses Next and returns the code of the redirect (empty, with a test failure,
// when a step does not answer as expected). `jar` is a fresh cookie-jar path.
std::string authorization_code(const SandbankServer& server, const std::filesystem::path& jar,
                               const std::string& profile_name,
                               const std::string& scope = "payment-accounts%3Abalances%3Aview",
                               const std::string& redirect_uri = "https://www.example.com/",
                               const std::string& state = "xyz");

// The first group of `pattern` in `text`, or "".
// The customer's side of a payment: opens the payment's scaRedirect page, picks the account
// with `iban` and presses Approve; returns the answer to that (302 when decided). `jar` is a
// fresh cookie-jar path.
HttpResult approve_payment(const SandbankServer& server, const std::filesystem::path& jar,
                           const std::string& sca_redirect, const std::string& iban);

std::string first_match(const std::string& text, const std::string& pattern);

// What tests/integration/signed_call.sh (and the other request scripts) print: the body, then
// the HTTP status on a last line.
struct ScriptAnswer {
  long status = 0;
  boost::json::value body;  // null when the body is not JSON
  std::string text;
  const boost::json::object& object() const { return body.as_object(); }
  // A top-level field as text ("" when absent; other JSON than a string serialised).
  std::string str(const char* name) const;
  std::string detail() const { return str("detail"); }
  // tppMessages[0].<name> of an ING error body ("" when absent).
  std::string tpp(const char* name) const;
};
// Splits a script's output; a non-zero exit of the script fails the test.
ScriptAnswer script_answer(const ProcessResult& r);
// One request through signed_call.sh to `server`'s API, run in `cwd`; `env` holds the
// script's knobs (METHOD=POST, BEARER=..., KEY_ID=..., REQ_DATE=..., see the script).
ScriptAnswer signed_call(const SandbankServer& server, const std::filesystem::path& cwd,
                         const std::string& path, const std::string& body,
                         const std::vector<std::string>& env = {});

}  // namespace sandbank::testing
