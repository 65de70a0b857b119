#pragma once

// The TPP toolkit: one method per step of ING's PSD2 Get Started guide, building exactly the
// guide's requests (headers, Digest, Date, HTTP Signature, detached JWS) for any host. Nothing
// on the wire is Sandbank-specific.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "crypto/certificate.hpp"
#include "crypto/keys.hpp"
#include "http/client.hpp"
#include "tpp/profile.hpp"
#include "tpp/token_cache.hpp"

namespace sandbank::tpp {

// What was signed, for `-v`.
struct Trace {
  std::string digest;                // the Digest header value
  std::string signing_string;        // HTTP Signature signing string
  std::string jws_protected_header;  // JWS protected header (decoded JSON)
  std::string jws_signing_input;     // BASE64URL(header) "." header string
};

struct Request {
  std::string method;        // "POST"
  std::string url;           // absolute: host + target
  std::string target;        // origin-form, as signed: "/oauth2/token"
  http::HeaderList headers;  // in the order sent
  std::string body;
  Trace trace;

  std::optional<std::string> header(std::string_view name) const;
};

using Response = http::ClientResponse;

// How a request authenticates, for `call`.
enum class Auth {
  None,         // mutual TLS only
  Mtls,         // Bearer mTLS-only application token (/oauth2/applications*)
  Application,  // Bearer signed application token + Signature (keyId = client_id)
  Customer,     // Bearer customer token + Signature (keyId = client_id)
  Auto,         // from the path: /oauth2/applications -> Mtls, /v1/payments and
                // /v1/periodic-payments -> Application, /v1/funds-confirmations and accounts ->
                // Customer, anything else -> None
};
Auth auth_for_path(std::string_view path);

// A payment (PIS PaymentInstruction, plus the periodic fields for a standing order).
struct Payment {
  std::string product = "sepa-credit-transfers";
  std::string amount;  // "1.00"
  std::string currency = "EUR";
  std::string creditor_iban;
  std::string creditor_name;
  std::string debtor_iban;               // optional
  std::string remittance;                // remittanceInformationUnstructured, optional
  bool instant = false;                  // localInstrumentCode INST
  std::string requested_execution_date;  // optional
  // Periodic payments only.
  std::string start_date;
  std::string end_date;
  std::string frequency;  // DAIL WEEK TOWK MNTH TOMN FOMN QUTR SEMI YEAR
  std::string day_of_execution;

  std::string to_json(bool periodic) const;
};

struct Options {
  bool insecure = false;  // do not verify the server (never the default)
  bool dry_run = false;   // build and report requests, send nothing
  std::chrono::seconds timeout{60};
  // Called for every request (also the implicit token requests): response is null in dry-run.
  std::function<void(const Request&, const Response*)> observe;
  // Warnings for the user (clock skew); default: stderr.
  std::function<void(const std::string&)> warn;
};

class TppClient {
 public:
  // The server's Date may differ by this much before the user is warned.
  static constexpr Seconds kSkewWarning{60};

  TppClient(TppProfile profile, const Clock& clock, RandomSource& random, Options options = {});
  ~TppClient();

  const TppProfile& profile() const { return profile_; }
  TokenCache& tokens() { return cache_; }

  // ---- requests (no network) -------------------------------------------------------------
  // Step 1: POST /oauth2/applications, detached JWS (b64:false, pars (request-target) digest
  // content-type, PS256 / ES256 by key type), TPP-Signature-Certificate, mTLS. No token.
  Request register_request(std::string_view json_body) const;
  // Step 2.1: POST /oauth2/token grant_type=client_credentials&client_id=..., mTLS only.
  Request mtls_token_request(std::string_view client_id, std::string_view scope = {}) const;
  // Step 3c: POST /oauth2/token grant_type=client_credentials, Authorization: Signature
  // keyId="SN=...", Digest, Date, TPP-Signature-Certificate.
  Request app_token_request(std::string_view scope = {}) const;
  // Step 2.2: GET /oauth2/applications/me or /{id}, Bearer mTLS token.
  Request app_show_request(std::string_view mtls_token, std::string_view id = "me") const;
  // Step 2b: PUT /oauth2/applications/{id}, Bearer mTLS token + JWS.
  Request app_update_request(std::string_view mtls_token, std::string_view id,
                             std::string_view json_body) const;
  // Step 3a: the web host's /authorize/v2/{CC}?client_id&scope&state&redirect_uri&response_type.
  std::string authorize_url(std::string_view client_id, std::string_view country,
                            std::string_view scope, std::string_view state,
                            std::string_view redirect_uri) const;
  // Step 3d: grant_type=authorization_code; Bearer app token + Signature keyId=client_id.
  Request exchange_request(std::string_view app_token, std::string_view client_id,
                           std::string_view code, std::string_view redirect_uri) const;
  Request refresh_request(std::string_view app_token, std::string_view client_id,
                          std::string_view refresh_token) const;
  // POST /oauth2/token/revoke token=...&token_type_hint=refresh_token.
  Request revoke_request(std::string_view app_token, std::string_view client_id,
                         std::string_view refresh_token) const;
  // AIS GET (and CAF): Bearer customer token, Signature over (request-target) date digest
  // x-request-id, X-Request-ID.
  Request ais_request(std::string_view customer_token, std::string_view client_id,
                      std::string_view target) const;
  // PIS: POST /v1/payments/{product} or /v1/periodic-payments/{product}.
  Request payment_request(std::string_view app_token, std::string_view client_id,
                          const Payment& payment, bool periodic, std::string_view redirect_uri,
                          std::string_view psu_ip) const;
  // PIS GET .../{id}/status with the application token.
  Request payment_status_request(std::string_view app_token, std::string_view client_id,
                                 std::string_view product, std::string_view payment_id,
                                 bool periodic) const;
  // CAF: POST /v1/funds-confirmations {account{iban}, instructedAmount{currency, amount}}.
  Request funds_check_request(std::string_view customer_token, std::string_view client_id,
                              std::string_view iban, std::string_view amount,
                              std::string_view currency) const;
  // Any endpoint. Auth::Application/Customer sign (request-target) date digest [x-request-id]
  // with keyId = client_id; a body is sent as application/json unless it looks like a form.
  Request call_request(std::string_view method, std::string_view target, std::string_view body,
                       Auth auth, std::string_view token, std::string_view client_id) const;

  // ---- network -----------------------------------------------------------------------------
  // Sends (or, in dry-run, only reports) a request; warns on server clock skew.
  Response send(const Request& request);
  // A request to the web (authorization) host: no client certificate, the server verified as
  // for the API host, redirects not followed; reported to `observe` like any other request.
  Response send_web(std::string_view method, const std::string& url,
                    const http::HeaderList& headers, std::string_view body);

  // The client_id: profile, else cache, else learned from a signed token request.
  std::string client_id();
  // Tokens from the cache while valid, else requested (and cached). force: always request.
  std::string mtls_token(bool force = false, std::string_view scope = {});
  std::string app_token(bool force = false, std::string_view scope = {});
  // The customer token; refreshed with the refresh token when expired. Throws
  // "tpp.no_customer_token" when there is none (run `exchange CODE` first).
  std::string customer_token();

  // Token-endpoint calls that also update the cache; return the raw response.
  Response fetch_mtls_token(std::string_view scope = {});
  Response fetch_app_token(std::string_view scope = {});
  Response exchange(std::string_view code, std::string_view redirect_uri);
  Response refresh();
  Response revoke(std::string_view refresh_token = {});

  // The checked credentials (loaded on first use). Throw sandbank::Error with codes
  // tpp.key_missing, tpp.key_unreadable, tpp.key_mismatch, tpp.certificate_unreadable,
  // tpp.certificate_no_psd2_roles naming the files.
  const crypto::Certificate& signing_certificate() const;
  const crypto::PrivateKey& signing_key() const;
  void check_tls_credentials() const;
  // keyId of the application-token request: the profile's, or "SN=<serial>".
  std::string serial_key_id() const;

 private:
  Request make(std::string_view method, std::string_view target, std::string body) const;
  Request signed_form_request(std::string_view path, std::string body, std::string_view app_token,
                              std::string_view client_id) const;
  void sign_http(Request& request, std::string_view key_id, bool authorization_header,
                 const std::vector<std::string>& names) const;
  void sign_jws(Request& request) const;
  Response send_token_request(const Request& request, TokenKind kind);
  void load_signing() const;

  TppProfile profile_;
  const Clock& clock_;
  RandomSource& random_;
  Options options_;
  TokenCache cache_;
  std::unique_ptr<http::Client> http_;
  std::unique_ptr<http::Client> web_http_;
  mutable std::optional<crypto::Certificate> signing_cert_;
  mutable std::optional<crypto::PrivateKey> signing_key_;
  mutable bool tls_checked_ = false;
};

// The token cache's section for a profile: the API host, and the TLS certificate when one is
// configured (two TPPs on one host keep their tokens and client_ids apart).
std::string token_cache_key(const TppProfile& profile);

// A warning when `server_date` (an HTTP Date) differs from `now` by more than `limit`.
std::optional<std::string> clock_skew_warning(std::string_view server_date, TimePoint now,
                                              Seconds limit = TppClient::kSkewWarning);

// Output helpers for the CLI.
std::string pretty_json(std::string_view text);  // indented JSON, or the text unchanged
// The exit code of a command that failed with `error` (docs/tpp.md): 3 no answer
// (http.transport), 1 the token endpoint refused (tpp.token_failed), 2 anything else (a local
// problem to fix).
int exit_code_of(const Error& error);
// "> " request lines, "* " trace lines (Digest, signing string, JWS input), for -v.
std::string describe_request(const Request& request);
// "< " status and header lines, for -v.
std::string describe_response(const Response& response);

}  // namespace sandbank::tpp
