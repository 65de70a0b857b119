#include "support/sandbank_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace sandbank::testing {
namespace fs = std::filesystem;

SandbankServer::SandbankServer(fs::path data_dir, std::vector<std::string> extra_args,
                               bool pass_data)
    : data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)), pass_data_(pass_data) {
  log_file_ = data_dir_.string() + ".log";
  ready_file_ = data_dir_.string() + ".ready.json";
}

void SandbankServer::reach_at(const std::string& api_url, const std::string& web_url) {
  api_url_ = api_url;
  web_url_ = web_url;
  api_port_ = static_cast<unsigned short>(std::stoi(api_url_.substr(api_url_.rfind(':') + 1)));
  web_port_ = static_cast<unsigned short>(std::stoi(web_url_.substr(web_url_.rfind(':') + 1)));
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

}  // namespace sandbank::testing
