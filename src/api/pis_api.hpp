#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "api/oauth_api.hpp"
#include "bank/payments.hpp"
#include "http/router.hpp"
#include "store/bank_repository.hpp"

// The Payment Initiation API and Confirmation of Funds (docs/api.md "PIS", "CAF"). Handlers
// authenticate, parse headers and render; the rules live in bank::PaymentService. Errors
// are tppMessages bodies (api/tpp_messages.hpp) with `path` naming the offending field.
namespace sandbank::api {

// The absolute base URLs of the two listeners as links name them ("https://host:port"). Set
// by the server once it listens.
class PublicUrls {
 public:
  void set(std::string api, std::string web);
  std::string api() const;
  std::string web() const;

 private:
  mutable std::mutex mutex_;
  std::string api_;
  std::string web_;
};

struct PisApi {
  OAuthApi& oauth;  // token service, registry, certificate cache, clock, TLS client check
  bank::PaymentService& payments;
  store::BankRepository& bank;
  std::shared_ptr<PublicUrls> urls = std::make_shared<PublicUrls>();
};

// The JSON handlers (step 6 of the guide), for single (/v1/payments/{product}), periodic
// (/v1/periodic-payments/{product}) and bulk (/v1|v2/bulk-payments/{product}) payments:
// POST the collection, GET .../{paymentId}, GET .../{paymentId}/status, DELETE .../{paymentId}.
http::Response initiate(PisApi& api, http::Request& request, bank::PaymentKind kind);
http::Response get_payment(PisApi& api, http::Request& request, bank::PaymentKind kind);
http::Response get_status(PisApi& api, http::Request& request, bank::PaymentKind kind);
http::Response delete_payment(PisApi& api, http::Request& request, bank::PaymentKind kind);

// The application of a PIS call, authenticated in either form docs/api.md "PIS" lists (signed
// application token + Signature, or mTLS-only token + x-jws-signature) and holding the scope
// payment-accounts:orders:create. Throws Error 401/403.
store::Application authenticate_pis(PisApi& api, const http::Request& request);

// The headers every payment initiation needs, checked (JSON and pain.001 alike): X-Request-ID
// a UUID (400 x_request_id.malformed), TPP-Redirect-URI an absolute http(s) URL (400
// payment.redirect_uri_invalid), PSU-IP-Address an IPv4 or IPv6 address (400
// payment.psu_ip_invalid).
struct InitiationHeaders {
  std::string request_id;
  std::string redirect_uri;
  std::string psu_ip_address;
};
InitiationHeaders initiation_headers(const http::Request& request);

// The payment authorization page of a payment: <web>/payment-initiation/{paymentId}/{CC}.
std::string sca_redirect_url(const std::string& web_base, const store::PaymentRecord& payment);

}  // namespace sandbank::api
