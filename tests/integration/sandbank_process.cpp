#include "integration/sandbank_process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace sandbank::testing {
namespace fs = std::filesystem;
namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<char*> to_argv(const std::vector<std::string>& args) {
  std::vector<char*> v;
  for (const auto& a : args) v.push_back(const_cast<char*>(a.c_str()));
  v.push_back(nullptr);
  return v;
}

}  // namespace

ProcessResult run(const std::vector<std::string>& argv, const std::string* input,
                  std::chrono::seconds timeout) {
  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0 || pipe(in_pipe) != 0) {
    throw std::runtime_error("pipe failed");
  }
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], in_pipe[0], in_pipe[1]}) {
      close(fd);
    }
    auto args = to_argv(argv);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(in_pipe[0]);
  if (input) {
    std::size_t off = 0;
    while (off < input->size()) {
      ssize_t n = write(in_pipe[1], input->data() + off, input->size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
  }
  close(in_pipe[1]);
  ProcessResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      break;
    }
    int r = poll(fds, 2, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n <= 0) {
          close(fds[i].fd);
          fds[i].fd = -1;
          --open_fds;
        } else {
          (i == 0 ? result.out : result.err).append(buf, static_cast<std::size_t>(n));
        }
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

ProcessResult run_bash(const std::string& script, const fs::path& cwd) {
  std::string wrapped = "cd '" + cwd.string() + "' && " + script;
  return run({"bash", "-c", wrapped});
}

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = fs::temp_directory_path() / ("sandbank-test-" + std::to_string(rd()));
    std::error_code ec;
    if (fs::create_directory(candidate, ec)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temp directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

SandbankServer::SandbankServer(fs::path data_dir, std::vector<std::string> extra_args,
                               bool pass_data)
    : data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)), pass_data_(pass_data) {
  log_file_ = data_dir_.string() + ".log";
  ready_file_ = data_dir_.string() + ".ready.json";
}

SandbankServer::~SandbankServer() {
  if (pid_ > 0) terminate(SIGKILL);
  std::error_code ec;
  fs::remove(log_file_, ec);
  fs::remove(ready_file_, ec);
}

std::string SandbankServer::log() const {
  return read_file(log_file_);
}

void SandbankServer::start() {
  std::error_code ec;
  fs::remove(ready_file_, ec);
  std::vector<std::string> args = {
      SANDBANK_BINARY, "serve",        "--api-listen",       "127.0.0.1:0", "--web-listen",
      "127.0.0.1:0",   "--ready-file", ready_file_.string(), "--threads",   "2"};
  if (pass_data_) {
    args.push_back("--data");
    args.push_back(data_dir_.string());
  }
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int fd = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    auto argv = to_argv(args);
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("sandbank serve exited early: " + log());
    }
    if (fs::exists(ready_file_)) {
      auto text = read_file(ready_file_);
      boost::system::error_code jec;
      auto v = boost::json::parse(text, jec);
      if (!jec && v.is_object()) {
        api_url_ = std::string(v.at("api").as_string());
        web_url_ = std::string(v.at("web").as_string());
        api_port_ =
            static_cast<unsigned short>(std::stoi(api_url_.substr(api_url_.rfind(':') + 1)));
        web_port_ =
            static_cast<unsigned short>(std::stoi(web_url_.substr(web_url_.rfind(':') + 1)));
        return;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  terminate(SIGKILL);
  throw std::runtime_error("sandbank serve did not become ready: " + log());
}

int SandbankServer::terminate(int signal_number) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal_number);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::optional<std::string> HttpResult::header(const std::string& name) const {
  std::istringstream in(headers);
  std::string line;
  std::optional<std::string> found;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    if (key.size() != name.size() ||
        !std::equal(key.begin(), key.end(), name.begin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      continue;
    }
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    found = value;  // the last response's value wins (after redirects/100-continue)
  }
  return found;
}

HttpResult curl(const std::vector<std::string>& args) {
  TempDir tmp;
  auto body = tmp.path() / "body";
  auto headers = tmp.path() / "headers";
  std::vector<std::string> argv = {"curl",        "-sS", "--max-time",     "20", "-o",
                                   body.string(), "-D",  headers.string(), "-w", "%{http_code}"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv);
  HttpResult h;
  h.curl_exit = r.exit_code;
  h.curl_stderr = r.err;
  try {
    h.status = std::stol(r.out);
  } catch (...) {
    h.status = 0;
  }
  h.body = read_file(body);
  h.headers = read_file(headers);
  return h;
}

std::string first_match(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : "";
}

HttpResult approve_payment(const SandbankServer& server, const fs::path& jar,
                           const std::string& sca_redirect, const std::string& iban) {
  auto ca = server.cert("ca.cer").string();
  auto page = curl({"--cacert", ca, "-c", jar.string(), sca_redirect});
  EXPECT_EQ(page.status, 200) << page.body;
  auto csrf = first_match(page.body, "name=\"csrf_token\" value=\"([^\"]+)\"");
  auto account = first_match(page.body,
                             "value=\"([0-9a-f-]{36})\"[^>]*>\\s*<span "
                             "class=\"profile-name\">[^<]*</span>\\s*<span "
                             "class=\"profile-scopes\">" +
                                 iban);
  EXPECT_FALSE(account.empty()) << page.body;
  return curl({"--cacert", ca, "-b", jar.string(), "-X", "POST", sca_redirect, "--data-urlencode",
               "csrf_token=" + csrf, "--data-urlencode", "account=" + account, "--data-urlencode",
               "action=approve"});
}

std::string ScriptAnswer::str(const char* name) const {
  if (!body.is_object() || !body.as_object().contains(name)) return "";
  const auto& v = body.at(name);
  return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
}

std::string ScriptAnswer::tpp(const char* name) const {
  if (!body.is_object() || !body.as_object().contains("tppMessages")) return "";
  const auto& m = body.at("tppMessages").as_array().at(0).as_object();
  return m.contains(name) ? std::string(m.at(name).as_string()) : "";
}

ScriptAnswer script_answer(const ProcessResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ScriptAnswer a;
  auto cut = r.out.rfind('\n');
  a.text = cut == std::string::npos ? "" : r.out.substr(0, cut);
  try {
    a.status = std::stol(r.out.substr(cut == std::string::npos ? 0 : cut + 1));
  } catch (...) {
    a.status = 0;
  }
  boost::system::error_code ec;
  a.body = boost::json::parse(a.text, ec);
  return a;
}

ScriptAnswer signed_call(const SandbankServer& server, const fs::path& cwd, const std::string& path,
                         const std::string& body, const std::vector<std::string>& env) {
  std::string script = "HOST='" + server.api_url() + "' CERTS='" +
                       (server.data_dir() / "certs").string() + "' REQ_PATH='" + path + "' BODY='" +
                       body + "' ";
  for (const auto& e : env) script += e + " ";
  script += "bash '" + std::string(SANDBANK_SOURCE_DIR) + "/tests/integration/signed_call.sh'";
  return script_answer(run_bash(script, cwd));
}

std::string authorization_code(const SandbankServer& server, const fs::path& jar,
                               const std::string& profile_name, const std::string& scope,
                               const std::string& redirect_uri, const std::string& state) {
  std::string encoded;
  for (unsigned char c : redirect_uri) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      encoded += buf;
    }
  }
  auto ca = server.cert("ca.cer").string();
  auto start =
      curl({"--cacert", ca, "-c", jar.string(),
            server.web_url() +
                "/authorize/v2/NL?client_id=5ca1ab1e-c0ca-c01a-cafe-"
                "154deadbea75&scope=" +
                scope + "&state=" + state + "&response_type=code&redirect_uri=" + encoded});
  EXPECT_EQ(start.status, 200) << start.body;
  auto csrf = first_match(start.body, "name=\"csrf_token\" value=\"([^\"]+)\"");
  auto profile = first_match(start.body,
                             "name=\"profile\" value=\"([^\"]+)\"[^>]*>\\s*<span "
                             "class=\"profile-name\">" +
                                 profile_name + "<");
  EXPECT_FALSE(profile.empty()) << "no test profile " << profile_name << " in " << start.body;
  auto done =
      curl({"--cacert", ca, "-b", jar.string(), "--data-urlencode", "csrf_token=" + csrf, "--data",
            "profile=" + profile + "&action=next", server.web_url() + "/authorize/consent"});
  EXPECT_EQ(done.status, 302) << done.body;
  return first_match(done.header("Location").value_or(""), "[?&]code=([^&]+)");
}

ProcessResult sandbank(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {SANDBANK_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

}  // namespace sandbank::testing
