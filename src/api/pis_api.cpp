#include "api/pis_api.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <boost/json.hpp>

#include "api/codes.hpp"
#include "api/scenario.hpp"
#include "api/tpp_messages.hpp"
#include "bank/money.hpp"
#include "bank/profiles.hpp"
#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "crypto/hash.hpp"
#include "oauth/codes.hpp"
#include "signing/signing.hpp"

namespace sandbank::api {
namespace {

namespace json = boost::json;
using bank::PaymentKind;

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool is_ip_address(const std::string& s) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, s.c_str(), buffer) == 1 || inet_pton(AF_INET6, s.c_str(), buffer) == 1;
}

std::string required_header(const http::Request& request, std::string_view name, std::string code) {
  auto value = request.header(name);
  if (!value || trim_ows(*value).empty()) {
    throw Error(400, std::move(code), fmt::format("The header {} is required", name));
  }
  return std::string(trim_ows(*value));
}

std::string request_id(const http::Request& request) {
  auto id = required_header(request, "X-Request-ID", "x_request_id.malformed");
  if (!is_uuid(id)) {
    throw Error(400, codes::kXRequestIdMalformed,
                fmt::format("X-Request-ID {} is not a UUID", id.substr(0, 64)));
  }
  return id;
}

bool has_scope(const std::string& scopes, std::string_view wanted) {
  for (auto s : split(scopes, ' ')) {
    if (s == wanted) return true;
  }
  return false;
}

}  // namespace

InitiationHeaders initiation_headers(const http::Request& request) {
  InitiationHeaders out;
  out.request_id = request_id(request);
  out.redirect_uri = required_header(request, "TPP-Redirect-URI", "payment.redirect_uri_invalid");
  if (!istarts_with(out.redirect_uri, "https://") && !istarts_with(out.redirect_uri, "http://")) {
    throw Error(400, codes::kPaymentRedirectUriInvalid,
                "TPP-Redirect-URI must be an absolute http(s) URL");
  }
  out.psu_ip_address = required_header(request, "PSU-IP-Address", "payment.psu_ip_invalid");
  if (!is_ip_address(out.psu_ip_address)) {
    throw Error(400, codes::kPaymentPsuIpInvalid,
                fmt::format("PSU-IP-Address {} is not an IPv4 or IPv6 address",
                            out.psu_ip_address.substr(0, 64)));
  }
  return out;
}

// The application token of a PIS call, in either form api.md Part 1 accepts: a signed
// application token with a draft-cavage `Signature` header, or an mTLS-only application
// token with a detached JWS in `x-jws-signature` (the guide's migration table).
store::Application authenticate_pis(PisApi& api, const http::Request& request) {
  auto& oauth = api.oauth;
  auto connection = oauth.authenticate_client(const_cast<http::Request&>(request));
  std::optional<oauth::ValidToken> token;
  std::optional<store::Application> app;
  if (request.header("Signature")) {
    auto call =
        authenticate_signed_call(oauth, request, connection, oauth::TokenKind::ApplicationSigned);
    token = std::move(call.token);
    app = call.application();
  } else if (request.header("x-jws-signature")) {
    token = oauth.tokens.validate(bearer_token(request), connection.x5t_s256(),
                                  oauth::TokenKind::ApplicationMtls);
    app = oauth.registry.find(token->record.client_id);
    if (!app) {
      throw Error(401, codes::kClientUnknown,
                  fmt::format("The application {} no longer exists", token->record.client_id));
    }
    auto view = message_view(request, &connection);
    if (auto digest = signing::verify_digest(view); !digest) throw digest.to_error();
    std::optional<crypto::Certificate> certificate;
    if (view.has("TPP-Signature-Certificate")) {
      auto parsed = signing::tpp_signature_certificate(view, oauth.certificates.get());
      if (!parsed.certificate) throw parsed.diagnosis.to_error();
      certificate = *parsed.certificate;
      bool registered = false;
      for (const auto& key : app->keys) {
        registered =
            registered || (key.use == "sign" && key.fingerprint_sha256 == certificate->x5t_s256());
      }
      if (!registered) {
        throw Error(401, codes::kClientSigningCertificateNotRegistered,
                    fmt::format("The TPP-Signature-Certificate (serial {}) is not a registered "
                                "signing key of application {}",
                                certificate->serial_hex(), app->client_id));
      }
    } else {
      for (const auto& key : app->keys) {
        if (key.use != "sign" || certificate) continue;
        if (auto parsed = oauth.certificates->parse(key.certificate_pem); parsed.certificate) {
          certificate = *parsed.certificate;
        }
      }
      if (!certificate) {
        throw Error(401, codes::kClientSigningCertificateNotRegistered,
                    "The application has no registered signing certificate");
      }
    }
    auto jws = signing::verify_detached_jws(view, signing::JwsPolicy{}, *certificate, oauth.clock);
    trace_signature(jws, view.has("digest"));
    if (!jws) throw jws.to_error();
  } else {
    throw Error(401, codes::kSignatureMissing,
                "A PIS call needs a Signature header (with a signed application token) or an "
                "x-jws-signature header (with an mTLS-only application token)");
  }
  if (!has_scope(token->record.scope, bank::kScopeOrders)) {
    throw Error(403, oauth::codes::kTokenInsufficientScope,
                fmt::format("The application token lacks the scope {}", bank::kScopeOrders));
  }
  return std::move(*app);
}

namespace {

// The resource of a payment; a bulk payment under the version it was initiated with (v2 has
// no status and no DELETE of its own: those links use v1).
std::string payment_path(const store::PaymentRecord& p, std::string_view version = "v1") {
  if (p.kind == "bulk") return fmt::format("/{}/bulk-payments/{}/{}", version, p.product, p.id);
  return fmt::format("/v1/{}/{}/{}", p.kind == "periodic" ? "periodic-payments" : "payments",
                     p.product, p.id);
}

http::Response json_response(unsigned status, const json::value& body) {
  return http::Response::json(status, json::serialize(body));
}

http::Response initiation_response(PisApi& api, const store::PaymentRecord& p,
                                   std::string_view version) {
  auto self = api.urls->api() + payment_path(p, version);
  auto v1 = api.urls->api() + payment_path(p);
  json::object links;
  // ING's bulk links carry ?type=bulk; the page takes the payment from its id alone.
  links["scaRedirect"] =
      sca_redirect_url(api.urls->web(), p) + (p.kind == "bulk" ? "?type=bulk" : "");
  links["self"] = self;
  links["status"] = v1 + "/status";
  if (p.kind == "periodic" || p.kind == "bulk") links["delete"] = v1;
  json::object body;
  body["transactionStatus"] = "RCVD";  // the first answer, also for a repeated X-Request-ID
  body["paymentId"] = p.id;
  body["_links"] = std::move(links);
  auto response = json_response(201, body);
  response.set("Location", self);
  response.set("ASPSP-SCA-Approach", "REDIRECT");
  return response;
}

}  // namespace

http::Response initiate(PisApi& api, http::Request& request, PaymentKind kind) {
  auto app = authenticate_pis(api, request);
  auto headers = initiation_headers(request);
  const auto& id = headers.request_id;
  const auto& redirect = headers.redirect_uri;
  const auto& ip = headers.psu_ip_address;
  auto type = request.header("Content-Type");
  if (!type || !media_type_is(*type, "application/json")) {
    throw Error(400, codes::kRequestContentType, "Content-Type must be application/json");
  }
  bank::InitiationRequest initiation;
  initiation.kind = kind;
  initiation.product = request.path_params.at("product");
  initiation.client_id = app.client_id;
  initiation.request_id = id;
  initiation.body = request.body;
  initiation.body_hash = hex_encode(crypto::sha256(
      std::span(reinterpret_cast<const std::uint8_t*>(request.body.data()), request.body.size())));
  initiation.redirect_uri = redirect;
  initiation.psu_ip_address = ip;
  if (auto reason = rejected_payment_reason(request)) initiation.reject_reason = *reason;
  auto result = api.payments.initiate(initiation);
  auto path = request.path();
  return initiation_response(api, result.payment, path.starts_with("/v2/") ? "v2" : "v1");
}

namespace {

store::PaymentRecord payment_of(PisApi& api, http::Request& request, PaymentKind kind) {
  auto app = authenticate_pis(api, request);
  return api.payments.get_for(app.client_id, request.path_params.at("paymentId"), kind,
                              request.path_params.at("product"));
}

}  // namespace

http::Response get_payment(PisApi& api, http::Request& request, PaymentKind kind) {
  auto p = payment_of(api, request, kind);
  return http::Response::json(200, p.request_json);
}

http::Response get_status(PisApi& api, http::Request& request, PaymentKind kind) {
  auto p = payment_of(api, request, kind);
  json::object body;
  body["transactionStatus"] = p.status;
  if (!p.status_reason.empty()) {
    json::object reason;
    reason["rsn"] = json::object{{"cd", p.status_reason}};
    body["stsRsnInf"] = json::array{std::move(reason)};
  }
  if (kind == PaymentKind::Bulk) {
    // Sandbank's addition to PaymentStatusResponse: the status of every credit transfer.
    json::array transfers;
    for (const auto& e : api.payments.bulk_entries(p.id)) {
      json::object t;
      t["index"] = e.position;
      if (!e.end_to_end_id.empty()) t["endToEndIdentification"] = e.end_to_end_id;
      t["transactionStatus"] = e.status;
      if (!e.status_reason.empty()) {
        t["stsRsnInf"] = json::array{json::object{{"rsn", json::object{{"cd", e.status_reason}}}}};
      }
      transfers.push_back(std::move(t));
    }
    body["payments"] = std::move(transfers);
  }
  return json_response(200, body);
}

http::Response delete_payment(PisApi& api, http::Request& request, PaymentKind kind) {
  auto app = authenticate_pis(api, request);
  api.payments.cancel(app.client_id, request.path_params.at("paymentId"), kind,
                      request.path_params.at("product"));
  http::Response response;
  response.status = 204;
  return response;
}

void PublicUrls::set(std::string api, std::string web) {
  std::lock_guard lock(mutex_);
  api_ = std::move(api);
  web_ = std::move(web);
}
std::string PublicUrls::api() const {
  std::lock_guard lock(mutex_);
  return api_;
}
std::string PublicUrls::web() const {
  std::lock_guard lock(mutex_);
  return web_;
}

std::string sca_redirect_url(const std::string& web_base, const store::PaymentRecord& payment) {
  return fmt::format("{}/payment-initiation/{}/{}", web_base, payment.id, payment.country);
}

}  // namespace sandbank::api
