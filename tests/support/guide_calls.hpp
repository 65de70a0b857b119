#pragma once

// Calls signed the way ING's guide signs them (tests/support/signed_call.sh: openssl dgst,
// rsa-sha256, the example certificates), the application token, and the customer's consent
// walked over the authorization pages to a customer token.

#include <boost/json.hpp>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "support/curl.hpp"
#include "support/process.hpp"
#include "support/sandbank_server.hpp"

namespace sandbank::testing {

// The balances scope the guide's step 3a asks for, as it sits in a URL.
inline constexpr const char* kBalancesScope = "payment-accounts%3Abalances%3Aview";
// The redirect URI of the pre-registered application the helpers use, form-encoded.
inline constexpr const char* kExampleRedirectEncoded = "https%3A%2F%2Fwww.example.com%2F";

// What tests/support/signed_call.sh (and the other request scripts) print: the body, then
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

// The customer's side of the guide's step 3a/3b over plain HTTP, as docs/authorize.md walks
// it: opens /authorize/v2/NL for the pre-registered application, picks the test profile by
// its name, presses Next and returns the code of the redirect (empty, with a test failure,
// when a step does not answer as expected). `jar` is a fresh cookie-jar path. With
// `consent_on`, the second page (the profile chosen) goes to that node instead.
std::string authorization_code(const SandbankServer& server, const std::filesystem::path& jar,
                               const std::string& profile_name,
                               const std::string& scope = kBalancesScope,
                               const std::string& redirect_uri = "https://www.example.com/",
                               const std::string& state = "xyz",
                               const SandbankServer* consent_on = nullptr);

// The customer's side of a payment: opens the payment's scaRedirect page, picks the account
// with `iban` and presses Approve; returns the answer to that (302 when decided). `jar` is a
// fresh cookie-jar path. With `decide_on`, the page is opened on `server` and Approve is sent
// to that node (the scaRedirect's origin replaced by its web URL).
HttpResult approve_payment(const SandbankServer& server, const std::filesystem::path& jar,
                           const std::string& sca_redirect, const std::string& iban,
                           const SandbankServer* decide_on = nullptr);

// `url` (https://host:port/path...) with its origin replaced by `server`'s web listener.
std::string on_web_of(const SandbankServer& server, const std::string& url);

// The guide's own step 4 PIS script (tests/interop/guide/step4_pis_periodic_payment.sh: a
// signed application token, then the payment call) against `server`, run in `cwd`, for
// `path` with `body` (none when null), `method` ("post", "get", "delete") and X-Request-ID
// `request_id` (the script's own when empty). The answer: the status of the response's status
// line and its body.
ScriptAnswer guide_pis(const SandbankServer& server, const std::filesystem::path& cwd,
                       const std::string& path, const std::string* body,
                       const std::string& method = "post", const std::string& request_id = "");

// The pre-registered application's calls against one server, signed as the guide signs them,
// with its scratch files (cookie jars, the scripts' working directory) in `work_dir`.
class GuideClient {
 public:
  GuideClient(const SandbankServer& server, std::filesystem::path work_dir);

  // Knobs added to every call, asked for per call (for example a REQ_DATE that follows a
  // moved bank clock).
  std::function<std::vector<std::string>()> default_knobs;

  // `method` `path` through signed_call.sh with keyId SN=... and TPP-Signature-Certificate
  // unless `env` sets BEARER (then keyId = KEY_ID).
  ScriptAnswer call(const std::string& method, const std::string& path, const std::string& body,
                    const std::vector<std::string>& env = {}) const;
  // The guide's step 4 form: Bearer `token` + Signature with keyId = the client_id.
  ScriptAnswer call_with(const std::string& token, const std::string& method,
                         const std::string& path, const std::string& body,
                         const std::vector<std::string>& env = {}) const;

  // Step 3c: the signed client_credentials grant; the answer.
  ScriptAnswer app_token_call(const std::vector<std::string>& env = {}) const;
  // Its access_token (a test failure when the answer is not 200).
  std::string app_token() const;
  // Step 3a/3b for `profile_name` in a fresh cookie jar: the authorization code.
  std::string authorization_code(const std::string& profile_name,
                                 const std::string& scope = kBalancesScope,
                                 const std::string& redirect_uri = "https://www.example.com/");
  // Step 3d: the code exchange with `app_token` (a fresh one when empty); the answer.
  ScriptAnswer exchange_call(const std::string& code, const std::string& app_token = "") const;
  // Step 3a-3d: the consent of `profile_name` for `scope`, exchanged; the customer's
  // access_token ("" with a test failure when a step fails).
  std::string customer_token(const std::string& profile_name,
                             const std::string& scope = kBalancesScope,
                             const std::string& app_token = "");
  // testing::guide_pis against this server, in work_dir.
  ScriptAnswer guide_pis(const std::string& path, const std::string* body,
                         const std::string& method = "post",
                         const std::string& request_id = "") const;
  // Approves the payment of `sca_redirect` with the account of `iban` (a fresh cookie jar).
  HttpResult approve_payment(const std::string& sca_redirect, const std::string& iban);

  // A cookie-jar path not used before.
  std::filesystem::path new_jar();
  const SandbankServer& server() const { return server_; }
  const std::filesystem::path& work_dir() const { return work_dir_; }

 private:
  const SandbankServer& server_;
  std::filesystem::path work_dir_;
};

}  // namespace sandbank::testing
