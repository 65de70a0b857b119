#include "api/api_harness.hpp"

#include <gtest/gtest.h>

#include "api/errors.hpp"
#include "api/token_api.hpp"
#include "crypto/pki.hpp"
#include "support/temp_dir.hpp"
#include "tpp/profile.hpp"

namespace sandbank::api::testing {
namespace {

using sandbank::testing::TempDir;

TimePoint whole_seconds_now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// The PKI's folder: DIR/certs, as a data directory holds it (the TPP profile reads it there).
struct PkiFolder {
  TempDir dir{"api-test"};
  crypto::SandboxPki pki = make(dir);

  static crypto::SandboxPki make(const TempDir& dir) {
    SystemRandom random;
    return crypto::create_sandbox_pki(dir / "certs", {}, whole_seconds_now(), random);
  }
};

const PkiFolder& pki_folder() {
  static const PkiFolder folder;
  return folder;
}

store::RegisteredKey registered_key(const std::string& use, const crypto::Certificate& cert) {
  return store::RegisteredKey{use, cert.pem(), cert.x5t_s256(), cert.serial_hex()};
}

// The pre-registered application as `sandbank serve` seeds it (app/data_dir.cpp).
store::Application sandbox_application(const crypto::SandboxPki& pki, TimePoint now) {
  store::Application app;
  app.client_id = kClientId;
  app.contact = "sandbox@sandbank.example";
  app.redirect_uris = {kRedirectUri, "https://example.com/redirect"};
  app.keys.push_back(registered_key("tls", pki.example_tls));
  app.keys.push_back(registered_key("sign", pki.example_signing));
  app.organization_identifier = "PSDNL-SBX-1234512345";
  if (auto psd2 = pki.example_tls.psd2()) {
    for (auto role : psd2->roles) app.roles.emplace_back(crypto::role_name(role));
  }
  app.created_at = now;
  app.updated_at = now;
  return app;
}

}  // namespace

void RepeatableRandom::fill(std::uint8_t* out, std::size_t n) {
  if (!repeat) {
    system_.fill(out, n);
    return;
  }
  // The same bytes for every call: the same X-Request-ID for every request built meanwhile.
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(0x5a + i);
}

std::string Answer::str(const char* name) const {
  if (!body.is_object()) return "";
  const auto* v = body.as_object().if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
}

std::string Answer::tpp(const char* name) const {
  if (!body.is_object()) return "";
  const auto* list = body.as_object().if_contains("tppMessages");
  if (list == nullptr || !list->is_array() || list->as_array().empty()) return "";
  const auto* v = list->as_array().front().as_object().if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
}

const crypto::SandboxPki& ApiHarness::pki() {
  return pki_folder().pki;
}

ApiHarness::ApiHarness() : clock_(whole_seconds_now()), store_(store::open_memory_store()) {
  const auto& pki = this->pki();
  store_->applications().insert(sandbox_application(pki, clock_.now()));
  trust_ = std::make_shared<crypto::TrustStore>();
  trust_->add(pki.ca);
  registry_ = std::make_unique<oauth::ApplicationRegistry>(*store_, trust_, clock_, random_);
  tokens_ = std::make_unique<oauth::TokenService>(*store_, clock_, random_);
  authorizations_ = std::make_unique<oauth::Authorizations>(*store_, clock_, random_);
  payments_ = std::make_unique<bank::PaymentService>(*store_, clock_, random_);
  // The TLS client check of the app layer (ClientAuthenticator) in its simplest form: the
  // connection's certificate, chained to the sandbox CA.
  auto authenticate = [trust = trust_, this](http::Request& request) -> crypto::Certificate {
    auto leaf = request.client_certificate();
    if (!leaf) {
      throw Error(401, "mtls.certificate_missing", "This API needs mutual TLS");
    }
    if (auto verdict = trust->verify(*leaf, {}, clock_.now()); !verdict.ok) {
      throw Error(401, "mtls.certificate_untrusted", verdict.reason);
    }
    return *leaf;
  };
  oauth_api_ = std::make_unique<OAuthApi>(
      OAuthApi{*registry_, *tokens_, clock_, authenticate, certificate_jwk(pki.server)});
  pis_api_ = std::make_unique<PisApi>(PisApi{*oauth_api_, *payments_, store_->bank()});
  pis_api_->urls->set("https://127.0.0.1:8443", "https://127.0.0.1:8444");
  // The routes of app/routes.cpp these tests reach, with the API listener's error path.
  auto add = [this](std::string method, std::string path, ErrorBody errors, http::Handler handler) {
    router_.add(
        http::RouteInfo{std::move(method), std::move(path), "", "", static_cast<int>(errors)},
        std::move(handler));
  };
  auto& o = *oauth_api_;
  auto& p = *pis_api_;
  add("POST", "/oauth2/applications", ErrorBody::Plain,
      [&o](http::Request& r) { return register_application(o, r); });
  add("GET", "/oauth2/applications/me", ErrorBody::Plain,
      [&o](http::Request& r) { return list_applications(o, r); });
  add("GET", "/oauth2/applications/{id}", ErrorBody::Plain,
      [&o](http::Request& r) { return get_application(o, r); });
  add("PUT", "/oauth2/applications/{id}", ErrorBody::Plain,
      [&o](http::Request& r) { return update_application(o, r); });
  add("POST", "/oauth2/token", ErrorBody::OAuth, [&o](http::Request& r) { return token(o, r); });
  add("POST", "/oauth2/token/revoke", ErrorBody::OAuth,
      [&o](http::Request& r) { return revoke_token(o, r); });
  for (auto entry : {std::pair{"/v1/payments/{product}", bank::PaymentKind::Single},
                     std::pair{"/v1/periodic-payments/{product}", bank::PaymentKind::Periodic}}) {
    const std::string base = entry.first;
    const auto kind = entry.second;
    add("POST", base, ErrorBody::Pis,
        [&p, kind](http::Request& r) { return initiate(p, r, kind); });
    add("GET", base + "/{paymentId}", ErrorBody::Pis,
        [&p, kind](http::Request& r) { return get_payment(p, r, kind); });
    add("GET", base + "/{paymentId}/status", ErrorBody::Pis,
        [&p, kind](http::Request& r) { return get_status(p, r, kind); });
    add("DELETE", base + "/{paymentId}", ErrorBody::Pis,
        [&p, kind](http::Request& r) { return delete_payment(p, r, kind); });
  }
  use_api_error_path(router_);

  auto profile = tpp::profile_from_data_dir(pki_folder().dir.path(), true);
  profile.client_id = kClientId;
  profile.token_cache.clear();
  tpp_ = std::make_unique<tpp::TppClient>(profile, clock_, tpp_random_);
}

ApiHarness::~ApiHarness() = default;

Answer ApiHarness::handle(const tpp::Request& request, bool with_certificate) {
  if (!with_certificate) {
    http::Request r;
    r.method = request.method;
    r.target = request.target;
    for (const auto& [name, value] : request.headers) r.headers.push_back({name, value});
    r.body = request.body;
    r.listener = "api";
    r.remote_address = "127.0.0.1";
    Answer a{router_.handle(r), {}};
    boost::system::error_code ec;
    a.body = boost::json::parse(a.response.body, ec);
    return a;
  }
  return handle(request, pki().example_tls);
}

Answer ApiHarness::handle(const tpp::Request& request, const crypto::Certificate& client) {
  http::Request r;
  r.method = request.method;
  r.target = request.target;
  for (const auto& [name, value] : request.headers) r.headers.push_back({name, value});
  r.body = request.body;
  r.listener = "api";
  r.remote_address = "127.0.0.1";
  r.client_chain_der = {client.der()};
  Answer a{router_.handle(r), {}};
  boost::system::error_code ec;
  a.body = boost::json::parse(a.response.body, ec);
  return a;
}

std::string ApiHarness::mtls_token(const std::string& scope) {
  auto a = handle(tpp().mtls_token_request(kClientId, scope));
  EXPECT_EQ(a.status(), 200u) << a.response.body;
  return a.str("access_token");
}

std::string ApiHarness::app_token(const std::string& scope) {
  auto a = handle(tpp().app_token_request(scope));
  EXPECT_EQ(a.status(), 200u) << a.response.body;
  return a.str("access_token");
}

std::string ApiHarness::authorization_code(const std::string& profile_id, const std::string& scopes,
                                           const std::string& redirect_uri) {
  std::vector<std::string> list;
  for (std::size_t start = 0; start <= scopes.size();) {
    auto end = scopes.find(' ', start);
    if (end == std::string::npos) end = scopes.size();
    if (end > start) list.push_back(scopes.substr(start, end - start));
    start = end + 1;
  }
  auto consent = authorizations_->create_consent(
      {kClientId, profile_id, "NL", {"account-1"}, list, redirect_uri, std::nullopt});
  return authorizations_->issue_code(consent, redirect_uri, "state-1");
}

Answer ApiHarness::exchange(const std::string& code, const std::string& redirect_uri) {
  return handle(tpp().exchange_request(app_token(), kClientId, code, redirect_uri));
}

}  // namespace sandbank::api::testing
