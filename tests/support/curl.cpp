#include "support/curl.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <regex>
#include <sstream>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace sandbank::testing {
namespace fs = std::filesystem;

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
  TempDir tmp("curl");
  auto body = tmp / "body";
  auto headers = tmp / "headers";
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

HttpResult mtls_curl(const SandbankServer& server, std::vector<std::string> args,
                     const fs::path& cert, const fs::path& key) {
  args.insert(args.begin(), {"--cacert", server.ca_cert().string(), "--cert",
                             (cert.empty() ? server.example_tls_cert() : cert).string(), "--key",
                             (key.empty() ? server.example_tls_key() : key).string()});
  return curl(args);
}

HttpResult mtls_token_call(const SandbankServer& server, const std::string& client_id,
                           const fs::path& certs) {
  auto dir = certs.empty() ? server.certs_dir() : certs;
  return mtls_curl(server,
                   {"-X", "POST", server.api_url() + "/oauth2/token", "-H",
                    "Content-Type: application/x-www-form-urlencoded", "-d",
                    "grant_type=client_credentials&client_id=" + client_id},
                   dir / "example_client_tls.cer", dir / "example_client_tls.key");
}

std::string mtls_token(const SandbankServer& server, const std::string& client_id,
                       const fs::path& certs) {
  auto r = mtls_token_call(server, client_id, certs);
  EXPECT_EQ(r.status, 200) << r.body;
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("access_token") ||
      !v.at("access_token").is_string()) {
    ADD_FAILURE() << "no access_token in " << r.body;
    return "";
  }
  return std::string(v.at("access_token").as_string());
}

std::string first_match(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? m[1].str() : "";
}

}  // namespace sandbank::testing
