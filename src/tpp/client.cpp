// Long because it holds one request builder per step of the guide (registration, the token
// grants, refresh and revocation, AIS, PIS, CAF, the legacy flow): they share the signing and
// the token cache, and each is a screen or less.
#include "tpp/client.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "signing/signing.hpp"
#include "tpp/codes.hpp"

namespace sandbank::tpp {
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kForm = "application/x-www-form-urlencoded";

// Scopes in a form body: each token percent-encoded, spaces as "+" (the guide: "the space
// character must be encoded with '+' instead of '%20'").
std::string form_scope(std::string_view scope) {
  std::string out;
  for (auto token : split(scope, ' ')) {
    if (token.empty()) continue;
    if (!out.empty()) out += '+';
    out += percent_encode(token);
  }
  return out;
}

bool looks_like_form(std::string_view body) {
  auto t = trim_ows(body);
  return !t.empty() && t.front() != '{' && t.front() != '[' &&
         t.find('=') != std::string_view::npos;
}

signing::Message to_message(const Request& r) {
  signing::Message m;
  m.method = r.method;
  m.target = r.target;
  m.headers = r.headers;
  m.body = r.body;
  return m;
}

void require_file(const std::string& path, const char* what, const char* setting,
                  const char* missing_code) {
  if (path.empty()) {
    throw Error(400, codes::kTppNotConfigured,
                std::string("no ") + what + " configured: set " + setting +
                    " in the profile or pass --data DIR");
  }
  if (!fs::exists(path)) {
    throw Error(400, missing_code, std::string(what) + " " + path + " does not exist");
  }
  std::ifstream in(path);
  if (!in) {
    throw Error(400,
                std::string(missing_code) == "tpp.key_missing" ? "tpp.key_unreadable"
                                                               : "tpp.certificate_unreadable",
                std::string(what) + " " + path + " cannot be read (permissions?)");
  }
}

struct Pair {
  crypto::Certificate cert;
  crypto::PrivateKey key;
};

Pair load_pair(const std::string& cert_path, const std::string& key_path, const char* name,
               const char* cert_setting, const char* key_setting) {
  require_file(cert_path, (std::string(name) + " certificate").c_str(), cert_setting,
               "tpp.certificate_missing");
  require_file(key_path, (std::string(name) + " key").c_str(), key_setting, "tpp.key_missing");
  std::optional<crypto::Certificate> cert;
  try {
    cert = crypto::Certificate::load_file(cert_path);
  } catch (const Error& e) {
    throw Error(400, codes::kTppCertificateUnreadable,
                std::string(name) + " certificate " + cert_path + ": " + e.message());
  }
  std::optional<crypto::PrivateKey> key;
  try {
    key = crypto::PrivateKey::load_file(key_path);
  } catch (const Error& e) {
    throw Error(400, codes::kTppKeyUnreadable,
                std::string(name) + " key " + key_path + ": " + e.message());
  }
  if (!key->public_key().equals(cert->public_key())) {
    throw Error(400, codes::kTppKeyMismatch,
                std::string(name) + " key " + key_path + " does not belong to the certificate " +
                    cert_path + " (serial " + cert->serial_hex() +
                    "); check that the key and certificate files are a pair");
  }
  auto psd2 = cert->psd2();
  if (!psd2 || psd2->roles.empty()) {
    throw Error(400, codes::kTppCertificateNoPsd2Roles,
                std::string(name) + " certificate " + cert_path +
                    " carries no PSD2 roles (QCStatement 0.4.0.19495.2); ING accepts only eIDAS "
                    "certificates with PSP_AI, PSP_PI or PSP_IC roles");
  }
  return {std::move(*cert), std::move(*key)};
}

}  // namespace

std::optional<std::string> Request::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return std::nullopt;
}

Auth auth_for_path(std::string_view path) {
  auto starts = [&](std::string_view p) { return path.starts_with(p); };
  if (starts("/oauth2/applications")) return Auth::Mtls;
  if (starts("/v1/payments") || starts("/v1/periodic-payments") || starts("/v1/bulk-payments") ||
      starts("/v2/bulk-payments")) {
    return Auth::Application;
  }
  if (starts("/v1/funds-confirmations") || starts("/v2/accounts") || starts("/v3/accounts") ||
      starts("/v1/card-accounts")) {
    return Auth::Customer;
  }
  return Auth::None;
}

std::string Payment::to_json(bool periodic) const {
  json::object o;
  o["instructedAmount"] = json::object{{"amount", amount}, {"currency", currency}};
  o["creditorAccount"] = json::object{{"iban", creditor_iban}};
  o["creditorName"] = creditor_name;
  if (!debtor_iban.empty()) o["debtorAccount"] = json::object{{"iban", debtor_iban}};
  if (!remittance.empty()) o["remittanceInformationUnstructured"] = remittance;
  if (instant) o["localInstrumentCode"] = "INST";
  if (!requested_execution_date.empty()) o["requestedExecutionDate"] = requested_execution_date;
  if (periodic) {
    o["startDate"] = start_date;
    if (!end_date.empty()) o["endDate"] = end_date;
    o["frequency"] = frequency;
    if (!day_of_execution.empty()) o["dayOfExecution"] = day_of_execution;
  }
  return json::serialize(o);
}

TppClient::TppClient(TppProfile profile, const Clock& clock, RandomSource& random, Options options)
    : profile_(std::move(profile)),
      clock_(clock),
      random_(random),
      options_(std::move(options)),
      cache_(profile_.token_cache, token_cache_key(profile_), clock) {
  while (!profile_.host.empty() && profile_.host.back() == '/') profile_.host.pop_back();
  while (!profile_.web.empty() && profile_.web.back() == '/') profile_.web.pop_back();
  if (!options_.warn) {
    options_.warn = [](const std::string& m) { std::fprintf(stderr, "warning: %s\n", m.c_str()); };
  }
}

TppClient::~TppClient() = default;

// ---- credentials ------------------------------------------------------------------------

void TppClient::load_signing() const {
  if (signing_cert_) return;
  auto pair = load_pair(profile_.signing_cert, profile_.signing_key, "signing", "signing_cert",
                        "signing_key");
  signing_cert_ = std::move(pair.cert);
  signing_key_ = std::move(pair.key);
}

const crypto::Certificate& TppClient::signing_certificate() const {
  load_signing();
  return *signing_cert_;
}

const crypto::PrivateKey& TppClient::signing_key() const {
  load_signing();
  return *signing_key_;
}

void TppClient::check_tls_credentials() const {
  if (tls_checked_) return;
  if (!profile_.tls_cert.empty() || !profile_.tls_key.empty()) {
    load_pair(profile_.tls_cert, profile_.tls_key, "TLS", "tls_cert", "tls_key");
  }
  tls_checked_ = true;
}

std::string TppClient::serial_key_id() const {
  if (!profile_.key_id.empty()) return profile_.key_id;
  return signing::serial_key_id(signing_certificate());
}

// ---- request construction --------------------------------------------------------------

Request TppClient::make(std::string_view method, std::string_view target, std::string body) const {
  if (profile_.host.empty()) {
    throw Error(400, codes::kTppNotConfigured,
                "no API host: pass --host URL, --data DIR of a running sandbox, or set host in "
                "the profile");
  }
  Request r;
  r.method = std::string(method);
  r.target = std::string(target);
  r.url = profile_.host + r.target;
  r.body = std::move(body);
  return r;
}

void TppClient::sign_http(Request& request, std::string_view key_id, bool authorization_header,
                          const std::vector<std::string>& names) const {
  const auto& key = signing_key();
  auto algorithm = key.type() == crypto::KeyType::Ec ? signing::HttpSignatureAlgorithm::EcdsaSha256
                                                     : signing::HttpSignatureAlgorithm::RsaSha256;
  auto message = to_message(request);
  auto view = message.view();
  auto params = signing::sign_http_signature(view, key_id, algorithm, names, key);
  request.trace.signing_string = signing::build_signing_string(view, names);
  if (authorization_header) {
    request.headers.emplace_back("Authorization", "Signature " + params);
  } else {
    request.headers.emplace_back("Signature", params);
  }
}

void TppClient::sign_jws(Request& request) const {
  const auto& key = signing_key();
  std::string alg = key.type() == crypto::KeyType::Ec ? "ES256" : "PS256";
  auto message = to_message(request);
  auto view = message.view();
  auto value = signing::sign_detached_jws(view, signing::kGuidePars, alg, key,
                                          signing_certificate(), clock_.now());
  std::string_view header_b64 = std::string_view(value).substr(0, value.find('.'));
  if (auto decoded = base64url_decode(header_b64)) {
    request.trace.jws_protected_header = to_string(*decoded);
  }
  request.trace.jws_signing_input = signing::jws_signing_input(
      header_b64, signing::build_jws_header_string(view, signing::kGuidePars));
  request.headers.emplace_back("x-jws-signature", value);
}

Request TppClient::register_request(std::string_view json_body) const {
  auto r = make("POST", "/oauth2/applications", std::string(json_body));
  r.trace.digest = signing::make_digest(r.body);
  r.headers = {
      {"Accept", std::string(kJson)},
      {"Content-Type", std::string(kJson)},
      {"Digest", r.trace.digest},
      {"TPP-Signature-Certificate", signing::tpp_certificate_header_value(signing_certificate())}};
  sign_jws(r);
  return r;
}

Request TppClient::mtls_token_request(std::string_view client_id, std::string_view scope) const {
  std::string body = "grant_type=client_credentials&client_id=" + percent_encode(client_id);
  if (!scope.empty()) body += "&scope=" + form_scope(scope);
  auto r = make("POST", "/oauth2/token", std::move(body));
  r.headers = {{"Accept", std::string(kJson)}, {"Content-Type", std::string(kForm)}};
  return r;
}

Request TppClient::app_token_request(std::string_view scope) const {
  std::string body = "grant_type=client_credentials";
  if (!scope.empty()) body += "&scope=" + form_scope(scope);
  auto r = make("POST", "/oauth2/token", std::move(body));
  r.trace.digest = signing::make_digest(r.body);
  r.headers = {
      {"Accept", std::string(kJson)},
      {"Content-Type", std::string(kForm)},
      {"Digest", r.trace.digest},
      {"Date", signing::make_date(clock_)},
      {"TPP-Signature-Certificate", signing::tpp_certificate_header_value(signing_certificate())}};
  sign_http(r, serial_key_id(), true, {"(request-target)", "date", "digest"});
  return r;
}

Request TppClient::app_show_request(std::string_view mtls_token, std::string_view id) const {
  auto r = make("GET", "/oauth2/applications/" + percent_encode(id.empty() ? "me" : id), {});
  r.headers = {{"Accept", std::string(kJson)},
               {"Authorization", "Bearer " + std::string(mtls_token)}};
  return r;
}

Request TppClient::app_update_request(std::string_view mtls_token, std::string_view id,
                                      std::string_view json_body) const {
  auto r = make("PUT", "/oauth2/applications/" + percent_encode(id), std::string(json_body));
  r.trace.digest = signing::make_digest(r.body);
  r.headers = {
      {"Accept", std::string(kJson)},
      {"Content-Type", std::string(kJson)},
      {"Digest", r.trace.digest},
      {"TPP-Signature-Certificate", signing::tpp_certificate_header_value(signing_certificate())},
      {"Authorization", "Bearer " + std::string(mtls_token)}};
  sign_jws(r);
  return r;
}

std::string TppClient::authorize_url(std::string_view client_id, std::string_view country,
                                     std::string_view scope, std::string_view state,
                                     std::string_view redirect_uri) const {
  if (profile_.web.empty()) {
    throw Error(400, codes::kTppNotConfigured,
                "no authorization host: pass --web URL or set web in the profile");
  }
  std::string url = profile_.web + "/authorize/v2";
  if (!country.empty()) url += "/" + to_upper(country);
  url += "?client_id=" + percent_encode(client_id);
  url += "&scope=" + percent_encode(scope);  // spaces as %20
  url += "&state=" + percent_encode(state);
  if (!redirect_uri.empty()) url += "&redirect_uri=" + percent_encode(redirect_uri);
  url += "&response_type=code";
  return url;
}

namespace {
const std::vector<std::string> kTokenSigned = {"(request-target)", "date", "digest"};
const std::vector<std::string> kApiSigned = {"(request-target)", "date", "digest", "x-request-id"};
}  // namespace

// The form posts after the application token (code exchange, refresh, revoke): Bearer
// application token plus a Signature header with keyId = client_id, as the guide's step 3d.
Request TppClient::signed_form_request(std::string_view path, std::string body,
                                       std::string_view app_token,
                                       std::string_view client_id) const {
  auto r = make("POST", path, std::move(body));
  r.trace.digest = signing::make_digest(r.body);
  r.headers = {{"Accept", std::string(kJson)},
               {"Content-Type", std::string(kForm)},
               {"Digest", r.trace.digest},
               {"Date", signing::make_date(clock_)},
               {"Authorization", "Bearer " + std::string(app_token)}};
  sign_http(r, client_id, false, kTokenSigned);
  return r;
}

Request TppClient::exchange_request(std::string_view app_token, std::string_view client_id,
                                    std::string_view code, std::string_view redirect_uri) const {
  std::string body = "grant_type=authorization_code&code=" + percent_encode(code);
  if (!redirect_uri.empty()) body += "&redirect_uri=" + percent_encode(redirect_uri);
  return signed_form_request("/oauth2/token", std::move(body), app_token, client_id);
}

Request TppClient::refresh_request(std::string_view app_token, std::string_view client_id,
                                   std::string_view refresh_token) const {
  return signed_form_request(
      "/oauth2/token", "grant_type=refresh_token&refresh_token=" + percent_encode(refresh_token),
      app_token, client_id);
}

Request TppClient::revoke_request(std::string_view app_token, std::string_view client_id,
                                  std::string_view refresh_token) const {
  return signed_form_request(
      "/oauth2/token/revoke",
      "token=" + percent_encode(refresh_token) + "&token_type_hint=refresh_token", app_token,
      client_id);
}

Request TppClient::ais_request(std::string_view customer_token, std::string_view client_id,
                               std::string_view target) const {
  auto r = make("GET", target, {});
  r.trace.digest = signing::make_digest(r.body);
  r.headers = {{"Accept", std::string(kJson)},
               {"Digest", r.trace.digest},
               {"Date", signing::make_date(clock_)},
               {"X-Request-ID", random_.uuid()},
               {"Authorization", "Bearer " + std::string(customer_token)}};
  sign_http(r, client_id, false, kApiSigned);
  return r;
}

Request TppClient::payment_request(std::string_view app_token, std::string_view client_id,
                                   const Payment& payment, bool periodic,
                                   std::string_view redirect_uri, std::string_view psu_ip) const {
  std::string target =
      (periodic ? "/v1/periodic-payments/" : "/v1/payments/") + percent_encode(payment.product);
  auto r = make("POST", target, payment.to_json(periodic));
  r.trace.digest = signing::make_digest(r.body);
  r.headers = {{"Accept", std::string(kJson)},
               {"Content-Type", std::string(kJson)},
               {"Digest", r.trace.digest},
               {"Date", signing::make_date(clock_)},
               {"X-Request-ID", random_.uuid()},
               {"TPP-Redirect-URI", std::string(redirect_uri)},
               {"PSU-IP-Address", std::string(psu_ip)},
               {"Authorization", "Bearer " + std::string(app_token)}};
  sign_http(r, client_id, false, kApiSigned);
  return r;
}

Request TppClient::payment_status_request(std::string_view app_token, std::string_view client_id,
                                          std::string_view product, std::string_view payment_id,
                                          bool periodic) const {
  std::string target = (periodic ? "/v1/periodic-payments/" : "/v1/payments/") +
                       percent_encode(product) + "/" + percent_encode(payment_id) + "/status";
  auto r = make("GET", target, {});
  r.trace.digest = signing::make_digest(r.body);
  r.headers = {{"Accept", std::string(kJson)},
               {"Digest", r.trace.digest},
               {"Date", signing::make_date(clock_)},
               {"X-Request-ID", random_.uuid()},
               {"Authorization", "Bearer " + std::string(app_token)}};
  sign_http(r, client_id, false, kApiSigned);
  return r;
}

Request TppClient::funds_check_request(std::string_view customer_token, std::string_view client_id,
                                       std::string_view iban, std::string_view amount,
                                       std::string_view currency) const {
  json::object o;
  o["account"] = json::object{{"iban", iban}};
  o["instructedAmount"] = json::object{{"currency", currency}, {"amount", amount}};
  auto r = make("POST", "/v1/funds-confirmations", json::serialize(o));
  r.trace.digest = signing::make_digest(r.body);
  r.headers = {
      {"Accept", std::string(kJson)},   {"Content-Type", std::string(kJson)},
      {"Digest", r.trace.digest},       {"Date", signing::make_date(clock_)},
      {"X-Request-ID", random_.uuid()}, {"Authorization", "Bearer " + std::string(customer_token)}};
  sign_http(r, client_id, false, kApiSigned);
  return r;
}

Request TppClient::call_request(std::string_view method, std::string_view target,
                                std::string_view body, Auth auth, std::string_view token,
                                std::string_view client_id) const {
  if (auth == Auth::Auto) auth = auth_for_path(target);
  auto r = make(to_upper(method), target, std::string(body));
  r.headers.emplace_back("Accept", std::string(kJson));
  if (!r.body.empty()) {
    r.headers.emplace_back("Content-Type", std::string(looks_like_form(r.body) ? kForm : kJson));
  }
  switch (auth) {
    case Auth::None:
    case Auth::Auto:
      break;
    case Auth::Mtls:
      if (!r.body.empty()) {
        r.trace.digest = signing::make_digest(r.body);
        r.headers.emplace_back("Digest", r.trace.digest);
        r.headers.emplace_back("TPP-Signature-Certificate",
                               signing::tpp_certificate_header_value(signing_certificate()));
      }
      if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + std::string(token));
      if (!r.body.empty()) sign_jws(r);
      break;
    case Auth::Application:
    case Auth::Customer:
      r.trace.digest = signing::make_digest(r.body);
      r.headers.emplace_back("Digest", r.trace.digest);
      r.headers.emplace_back("Date", signing::make_date(clock_));
      r.headers.emplace_back("X-Request-ID", random_.uuid());
      r.headers.emplace_back("Authorization", "Bearer " + std::string(token));
      sign_http(r, client_id, false, kApiSigned);
      break;
  }
  return r;
}

// ---- network ----------------------------------------------------------------------------

Response TppClient::send(const Request& request) {
  if (options_.dry_run) {
    if (options_.observe) options_.observe(request, nullptr);
    return Response{};
  }
  check_tls_credentials();
  if (!http_) {
    http::ClientOptions o;
    o.tls_cert = profile_.tls_cert;
    o.tls_key = profile_.tls_key;
    o.ca_file = profile_.ca_file;
    o.insecure = options_.insecure;
    o.timeout = options_.timeout;
    http_ = std::make_unique<http::Client>(std::move(o));
  }
  auto response = http_->request(request.method, request.url, request.headers, request.body);
  if (options_.observe) options_.observe(request, &response);
  if (auto date = response.header("Date")) {
    if (auto warning = clock_skew_warning(*date, clock_.now())) options_.warn(*warning);
  }
  return response;
}

Response TppClient::send_web(std::string_view method, const std::string& url,
                             const http::HeaderList& headers, std::string_view body) {
  Request request;
  request.method = std::string(method);
  request.url = url;
  request.headers = headers;
  request.body = std::string(body);
  if (!web_http_) {
    http::ClientOptions o;
    o.ca_file = profile_.ca_file;
    o.insecure = options_.insecure;
    o.timeout = options_.timeout;
    web_http_ = std::make_unique<http::Client>(std::move(o));
  }
  auto response = web_http_->request(method, url, headers, body);
  if (options_.observe) options_.observe(request, &response);
  return response;
}

Response TppClient::send_token_request(const Request& request, TokenKind kind) {
  auto response = send(request);
  if (options_.dry_run || response.status != 200) return response;
  boost::system::error_code ec;
  auto body = json::parse(response.body, ec);
  if (ec || !body.is_object()) {
    throw Error(502, codes::kTppTokenResponse, "the token response is not a JSON object");
  }
  auto previous = cache_.any(kind);
  auto token =
      CachedToken::from_response(body.as_object(), clock_.now(), previous ? &*previous : nullptr);
  cache_.store(kind, token);
  if (auto* id = body.as_object().if_contains("client_id"); id && id->is_string()) {
    cache_.set_client_id(id->as_string());
  }
  return response;
}

namespace {
Error token_failed(const char* what, const Response& r) {
  return Error(r.status == 0 ? 502 : static_cast<int>(r.status), "tpp.token_failed",
               std::string(what) + " failed: HTTP " + std::to_string(r.status) + " " + r.body);
}
}  // namespace

std::string TppClient::client_id() {
  if (!profile_.client_id.empty()) return profile_.client_id;
  if (auto id = cache_.client_id()) return *id;
  if (options_.dry_run) return "CLIENT_ID";
  auto r = fetch_app_token();
  if (r.status != 200) throw token_failed("learning the client_id (signed token request)", r);
  if (auto id = cache_.client_id()) return *id;
  throw Error(400, codes::kTppClientIdUnknown,
              "the token response carried no client_id: set client_id in the profile or pass "
              "--client-id");
}

Response TppClient::fetch_mtls_token(std::string_view scope) {
  return send_token_request(mtls_token_request(client_id(), scope), TokenKind::Mtls);
}

Response TppClient::fetch_app_token(std::string_view scope) {
  return send_token_request(app_token_request(scope), TokenKind::Application);
}

std::string TppClient::mtls_token(bool force, std::string_view scope) {
  if (!force) {
    if (auto t = cache_.valid(TokenKind::Mtls)) return t->access_token;
  }
  if (options_.dry_run) return "MTLS_TOKEN";
  auto r = fetch_mtls_token(scope);
  if (r.status != 200) throw token_failed("the mTLS token request", r);
  return cache_.any(TokenKind::Mtls)->access_token;
}

std::string TppClient::app_token(bool force, std::string_view scope) {
  if (!force) {
    if (auto t = cache_.valid(TokenKind::Application)) return t->access_token;
  }
  if (options_.dry_run) return "APPLICATION_TOKEN";
  auto r = fetch_app_token(scope);
  if (r.status != 200) throw token_failed("the signed application token request", r);
  return cache_.any(TokenKind::Application)->access_token;
}

std::string TppClient::customer_token() {
  if (auto t = cache_.valid(TokenKind::Customer)) return t->access_token;
  if (options_.dry_run) return "CUSTOMER_TOKEN";
  if (cache_.refresh_token()) {
    auto r = refresh();
    if (r.status != 200) throw token_failed("refreshing the customer token", r);
    return cache_.any(TokenKind::Customer)->access_token;
  }
  throw Error(400, codes::kTppNoCustomerToken,
              "no customer token: run `sandbank tpp authorize --profile NAME --exchange`, or "
              "open `sandbank tpp authorize-url` and run `sandbank tpp exchange CODE` with the "
              "code from the redirect");
}

Response TppClient::exchange(std::string_view code, std::string_view redirect_uri) {
  auto token = app_token();
  auto id = client_id();
  return send_token_request(exchange_request(token, id, code, redirect_uri), TokenKind::Customer);
}

Response TppClient::refresh() {
  auto refresh_token = cache_.refresh_token();
  if (!refresh_token && options_.dry_run) refresh_token = "REFRESH_TOKEN";
  if (!refresh_token) {
    throw Error(400, codes::kTppNoRefreshToken,
                "no refresh token cached (or it expired): run `sandbank tpp exchange CODE`");
  }
  auto token = app_token();
  auto id = client_id();
  return send_token_request(refresh_request(token, id, *refresh_token), TokenKind::Customer);
}

Response TppClient::revoke(std::string_view refresh_token) {
  std::string rt(refresh_token);
  if (rt.empty()) {
    if (auto cached = cache_.any(TokenKind::Customer)) rt = cached->refresh_token;
  }
  if (rt.empty() && options_.dry_run) rt = "REFRESH_TOKEN";
  if (rt.empty()) {
    throw Error(400, codes::kTppNoRefreshToken,
                "no refresh token to revoke: pass one or exchange a code");
  }
  auto token = app_token();
  auto id = client_id();
  auto response = send(revoke_request(token, id, rt));
  if (!options_.dry_run && response.status == 200) {
    if (auto cached = cache_.any(TokenKind::Customer); cached && cached->refresh_token == rt) {
      cache_.erase(TokenKind::Customer);
    }
  }
  return response;
}

std::string token_cache_key(const TppProfile& profile) {
  std::string host = profile.host;
  while (!host.empty() && host.back() == '/') host.pop_back();
  if (profile.tls_cert.empty()) return host;
  return host + " " + profile.tls_cert;
}

}  // namespace sandbank::tpp
