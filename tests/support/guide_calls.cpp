#include "support/guide_calls.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>

namespace sandbank::testing {
namespace fs = std::filesystem;

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
  std::string script = "HOST='" + server.api_url() + "' CERTS='" + server.certs_dir().string() +
                       "' REQ_PATH='" + path + "' BODY='" + body + "' ";
  for (const auto& e : env) script += e + " ";
  script += "bash '" + std::string(SANDBANK_SOURCE_DIR) + "/tests/support/signed_call.sh'";
  return script_answer(run_bash(script, cwd));
}

std::string authorization_code(const SandbankServer& server, const fs::path& jar,
                               const std::string& profile_name, const std::string& scope,
                               const std::string& redirect_uri, const std::string& state,
                               const SandbankServer* consent_on) {
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
  auto ca = server.ca_cert().string();
  auto start = curl({"--cacert", ca, "-c", jar.string(),
                     server.web_url() + "/authorize/v2/NL?client_id=" + kSandboxClientId +
                         "&scope=" + scope + "&state=" + state +
                         "&response_type=code&redirect_uri=" + encoded});
  EXPECT_EQ(start.status, 200) << start.body;
  auto csrf = first_match(start.body, "name=\"csrf_token\" value=\"([^\"]+)\"");
  auto profile = first_match(start.body,
                             "name=\"profile\" value=\"([^\"]+)\"[^>]*>\\s*<span "
                             "class=\"profile-name\">" +
                                 profile_name + "<");
  EXPECT_FALSE(profile.empty()) << "no test profile " << profile_name << " in " << start.body;
  auto done = curl({"--cacert", ca, "-b", jar.string(), "--data-urlencode", "csrf_token=" + csrf,
                    "--data", "profile=" + profile + "&action=next",
                    (consent_on ? *consent_on : server).web_url() + "/authorize/consent"});
  EXPECT_EQ(done.status, 302) << done.body;
  return first_match(done.header("Location").value_or(""), "[?&]code=([^&]+)");
}

std::string on_web_of(const SandbankServer& server, const std::string& url) {
  auto path = url.find('/', url.find("://") + 3);
  return server.web_url() + (path == std::string::npos ? "" : url.substr(path));
}

HttpResult approve_payment(const SandbankServer& server, const fs::path& jar,
                           const std::string& sca_redirect, const std::string& iban,
                           const SandbankServer* decide_on) {
  auto ca = server.ca_cert().string();
  auto page = curl({"--cacert", ca, "-c", jar.string(), on_web_of(server, sca_redirect)});
  EXPECT_EQ(page.status, 200) << page.body;
  auto csrf = first_match(page.body, "name=\"csrf_token\" value=\"([^\"]+)\"");
  auto account = first_match(page.body,
                             "value=\"([0-9a-f-]{36})\"[^>]*>\\s*<span "
                             "class=\"profile-name\">[^<]*</span>\\s*<span "
                             "class=\"profile-scopes\">" +
                                 iban);
  EXPECT_FALSE(account.empty()) << page.body;
  return curl({"--cacert", ca, "-b", jar.string(), "-X", "POST",
               decide_on ? on_web_of(*decide_on, sca_redirect) : sca_redirect, "--data-urlencode",
               "csrf_token=" + csrf, "--data-urlencode", "account=" + account, "--data-urlencode",
               "action=approve"});
}

ScriptAnswer guide_pis(const SandbankServer& server, const fs::path& cwd, const std::string& path,
                       const std::string* body, const std::string& method,
                       const std::string& request_id) {
  auto script = fs::path(SANDBANK_SOURCE_DIR) / "tests/interop/guide/step4_pis_periodic_payment.sh";
  std::string env = "SANDBANK_HOST=" + server.api_url() +
                    " SANDBANK_CERTS=" + server.certs_dir().string() + " SANDBANK_PIS_PATH='" +
                    path + "' SANDBANK_PIS_METHOD=" + method;
  if (body) env += " SANDBANK_PIS_BODY='" + *body + "'";
  if (!request_id.empty()) env += " SANDBANK_REQUEST_ID=" + request_id;
  auto r = run_bash(env + " bash " + script.string() + " 2>/dev/null", cwd);
  ScriptAnswer a;
  auto status = first_match(r.out, "HTTP/[0-9.]+ ([0-9]{3})");
  a.status = status.empty() ? 0 : std::stol(status);
  auto blank = r.out.find("\r\n\r\n");
  a.text = blank == std::string::npos ? "" : r.out.substr(blank + 4);
  boost::system::error_code ec;
  a.body = boost::json::parse(a.text, ec);
  return a;
}

GuideClient::GuideClient(const SandbankServer& server, fs::path work_dir)
    : server_(server), work_dir_(std::move(work_dir)) {}

ScriptAnswer GuideClient::call(const std::string& method, const std::string& path,
                               const std::string& body, const std::vector<std::string>& env) const {
  std::vector<std::string> knobs;
  if (default_knobs) knobs = default_knobs();
  knobs.insert(knobs.end(), env.begin(), env.end());
  knobs.push_back("METHOD=" + method);
  return signed_call(server_, work_dir_, path, body, knobs);
}

ScriptAnswer GuideClient::call_with(const std::string& token, const std::string& method,
                                    const std::string& path, const std::string& body,
                                    const std::vector<std::string>& env) const {
  auto knobs = env;
  knobs.push_back("BEARER='" + token + "'");
  knobs.push_back(std::string("KEY_ID=") + kSandboxClientId);
  return call(method, path, body, knobs);
}

ScriptAnswer GuideClient::app_token_call(const std::vector<std::string>& env) const {
  return call("POST", "/oauth2/token", "grant_type=client_credentials", env);
}

std::string GuideClient::app_token() const {
  auto a = app_token_call();
  EXPECT_EQ(a.status, 200) << a.text;
  return a.str("access_token");
}

std::string GuideClient::authorization_code(const std::string& profile_name,
                                            const std::string& scope,
                                            const std::string& redirect_uri) {
  return testing::authorization_code(server_, new_jar(), profile_name, scope, redirect_uri);
}

ScriptAnswer GuideClient::exchange_call(const std::string& code,
                                        const std::string& app_token) const {
  return call_with(
      app_token.empty() ? this->app_token() : app_token, "POST", "/oauth2/token",
      "grant_type=authorization_code&code=" + code + "&redirect_uri=" + kExampleRedirectEncoded);
}

std::string GuideClient::customer_token(const std::string& profile_name, const std::string& scope,
                                        const std::string& app_token) {
  auto token = app_token.empty() ? this->app_token() : app_token;
  auto code = authorization_code(profile_name, scope);
  auto exchanged = exchange_call(code, token);
  EXPECT_EQ(exchanged.status, 200) << exchanged.text;
  return exchanged.str("access_token");
}

ScriptAnswer GuideClient::guide_pis(const std::string& path, const std::string* body,
                                    const std::string& method,
                                    const std::string& request_id) const {
  return testing::guide_pis(server_, work_dir_, path, body, method, request_id);
}

HttpResult GuideClient::approve_payment(const std::string& sca_redirect, const std::string& iban) {
  return testing::approve_payment(server_, new_jar(), sca_redirect, iban);
}

fs::path GuideClient::new_jar() {
  // Numbered per process: a client made after a restart of its server gets no jar of the first.
  static std::atomic<int> jars{0};
  return work_dir_ / ("jar-" + std::to_string(++jars));
}

}  // namespace sandbank::testing
