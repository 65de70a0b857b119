#pragma once

// The real curl against a SandbankServer's listeners (always 127.0.0.1).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/sandbank_server.hpp"

namespace sandbank::testing {

struct HttpResult {
  int curl_exit = -1;
  long status = 0;
  std::string headers;  // raw response header block
  std::string body;
  std::string curl_stderr;
  std::optional<std::string> header(const std::string& name) const;  // case-insensitive
};

// curl -sS with the given arguments (add --cacert for TLS).
HttpResult curl(const std::vector<std::string>& args);

// curl over mutual TLS to `server`: its CA trusted, `cert`/`key` as the client certificate
// (the guide's example TLS pair when not given), then `args`.
HttpResult mtls_curl(const SandbankServer& server, std::vector<std::string> args,
                     const std::filesystem::path& cert = {}, const std::filesystem::path& key = {});

// The guide's step 2.1: POST /oauth2/token grant_type=client_credentials&client_id=... over
// mutual TLS only, with the TLS pair in `certs` (example_client_tls.cer/.key; the data
// directory's when empty). The raw answer.
HttpResult mtls_token_call(const SandbankServer& server, const std::string& client_id,
                           const std::filesystem::path& certs = {});
// Its access_token ("", with a test failure, when the answer is not 200 with one).
std::string mtls_token(const SandbankServer& server, const std::string& client_id,
                       const std::filesystem::path& certs = {});

// The first group of `pattern` in `text`, or "".
std::string first_match(const std::string& text, const std::string& pattern);

}  // namespace sandbank::testing
