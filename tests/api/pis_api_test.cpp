// The Payment Initiation handlers (api/pis_api) as plain functions of a request over an
// in-memory store: initiation and its answer, status and the payment as submitted, the
// idempotency of X-Request-ID, cancellation, and the main refusals with their status, detail
// code and ING's tppMessages body.
#include <gtest/gtest.h>

#include "api/api_harness.hpp"

namespace sandbank::api::testing {
namespace {

constexpr const char* kTppRedirect = "https://www.example.com/after-payment";

tpp::Payment laura(const std::string& amount = "25.00") {
  tpp::Payment p;
  p.amount = amount;
  p.creditor_iban = "AT611904300234573201";
  p.creditor_name = "Laura Musterfrau";
  return p;
}

// ING's error body of PIS (docs/api.md "Errors", api/tpp_messages.hpp).
void expect_tpp_error(const Answer& a, unsigned status, const std::string& detail,
                      const std::string& code, const std::string& path = "") {
  EXPECT_EQ(a.status(), status) << a.response.body;
  EXPECT_EQ(a.str("detail"), detail) << a.response.body;
  EXPECT_EQ(a.tpp("category"), "ERROR") << a.response.body;
  EXPECT_EQ(a.tpp("code"), code) << a.response.body;
  EXPECT_FALSE(a.tpp("text").empty()) << a.response.body;
  EXPECT_EQ(a.tpp("path"), path) << a.response.body;
  EXPECT_EQ(a.response.header("Cache-Control").value_or(""), "no-store");
}

std::string path_of(const std::string& url) {
  return url.substr(url.find('/', url.find("://") + 3));
}

class PisApiTest : public ::testing::Test {
 protected:
  PisApiTest() : app_token_(h_.app_token()) {}

  tpp::Request initiation(const tpp::Payment& p, bool periodic = false) {
    return h_.tpp().payment_request(app_token_, kClientId, p, periodic, kTppRedirect, "192.0.2.10");
  }
  Answer initiate(const tpp::Payment& p, bool periodic = false) {
    return h_.handle(initiation(p, periodic));
  }
  Answer signed_get(const std::string& target) {
    return h_.handle(
        h_.tpp().call_request("GET", target, "", tpp::Auth::Application, app_token_, kClientId));
  }
  static void set_header(tpp::Request& r, const std::string& name, const std::string& value) {
    for (auto& [n, v] : r.headers) {
      if (n == name) v = value;
    }
  }
  static void drop_header(tpp::Request& r, const std::string& name) {
    std::erase_if(r.headers, [&](const auto& h) { return h.first == name; });
  }

  ApiHarness h_;
  std::string app_token_;
};

TEST_F(PisApiTest, InitiationAnswersRcvdWithTheLinksOfThePayment) {
  auto request = initiation(laura());
  auto a = h_.handle(request);
  ASSERT_EQ(a.status(), 201u) << a.response.body;
  EXPECT_EQ(a.str("transactionStatus"), "RCVD");
  auto id = a.str("paymentId");
  ASSERT_FALSE(id.empty());
  const auto& links = a.body.at("_links").as_object();
  auto self = std::string(links.at("self").as_string());
  EXPECT_EQ(self, "https://127.0.0.1:8443/v1/payments/sepa-credit-transfers/" + id);
  EXPECT_EQ(links.at("status").as_string(), self + "/status");
  EXPECT_EQ(std::string(links.at("scaRedirect").as_string())
                .rfind("https://127.0.0.1:8444/payment-initiation/" + id + "/", 0),
            0u)
      << links.at("scaRedirect");
  EXPECT_FALSE(links.contains("delete"));  // a single payment is cancelled only while RCVD
  EXPECT_EQ(a.response.header("Location").value_or(""), self);
  EXPECT_EQ(a.response.header("ASPSP-SCA-Approach").value_or(""), "REDIRECT");
  EXPECT_EQ(a.response.header("X-Request-ID"), request.header("X-Request-ID"));

  auto status = signed_get(path_of(self) + "/status");
  ASSERT_EQ(status.status(), 200u) << status.response.body;
  EXPECT_EQ(status.str("transactionStatus"), "RCVD");
  auto got = signed_get(path_of(self));
  ASSERT_EQ(got.status(), 200u) << got.response.body;
  EXPECT_EQ(got.response.body, request.body);  // the payment as submitted
}

TEST_F(PisApiTest, APeriodicPaymentHasADeleteLinkAndIsCancelled) {
  auto p = laura("1.00");
  p.start_date = "2099-01-01";
  p.frequency = "MNTH";
  auto a = initiate(p, /*periodic=*/true);
  ASSERT_EQ(a.status(), 201u) << a.response.body;
  auto self = path_of(std::string(a.body.at("_links").at("self").as_string()));
  EXPECT_EQ(self.rfind("/v1/periodic-payments/sepa-credit-transfers/", 0), 0u) << self;
  EXPECT_EQ(path_of(std::string(a.body.at("_links").at("delete").as_string())), self);

  auto deleted = h_.handle(
      h_.tpp().call_request("DELETE", self, "", tpp::Auth::Application, app_token_, kClientId));
  EXPECT_EQ(deleted.status(), 204u) << deleted.response.body;
  EXPECT_EQ(signed_get(self + "/status").str("transactionStatus"), "CANC");
  // The single-payment route does not know a periodic payment's id.
  auto single = "/v1/payments/sepa-credit-transfers/" + a.str("paymentId") + "/status";
  expect_tpp_error(signed_get(single), 404, "payment.unknown", "RESOURCE_UNKNOWN");
}

TEST_F(PisApiTest, TheSameXRequestIdAnswersTheFirstPaymentAndRefusesAnotherBody) {
  h_.tpp_random().repeat = true;  // every request built now carries the same X-Request-ID
  auto first = initiate(laura("10.00"));
  ASSERT_EQ(first.status(), 201u) << first.response.body;
  auto again = initiate(laura("10.00"));
  ASSERT_EQ(again.status(), 201u) << again.response.body;
  EXPECT_EQ(again.str("paymentId"), first.str("paymentId"));
  EXPECT_EQ(again.str("transactionStatus"), "RCVD");

  auto other = initiate(laura("11.00"));
  expect_tpp_error(other, 422, "payment.request_id_reused", "INVALID_HEADER");
  h_.tpp_random().repeat = false;
  auto fresh = initiate(laura("10.00"));
  ASSERT_EQ(fresh.status(), 201u) << fresh.response.body;
  EXPECT_NE(fresh.str("paymentId"), first.str("paymentId"));
}

TEST_F(PisApiTest, InvalidFieldsAreRefusedWithThePathOfTheField) {
  expect_tpp_error(initiate(laura("1.234")), 400, "payment.amount_invalid", "FORMAT_ERROR",
                   "instructedAmount.amount");
  auto bad_iban = laura();
  bad_iban.creditor_iban = "AT611904300234573202";
  expect_tpp_error(initiate(bad_iban), 400, "payment.iban_checksum", "FORMAT_ERROR",
                   "creditorAccount.iban");
  auto no_name = laura();
  no_name.creditor_name.clear();
  expect_tpp_error(initiate(no_name), 400, "payment.field_missing", "FORMAT_ERROR", "creditorName");

  auto unknown = laura();
  unknown.product = "no-such-product";
  expect_tpp_error(initiate(unknown), 404, "payment.product_unknown", "PRODUCT_UNKNOWN");
}

TEST_F(PisApiTest, TheInitiationHeadersAreChecked) {
  auto no_ip = initiation(laura());
  drop_header(no_ip, "PSU-IP-Address");
  expect_tpp_error(h_.handle(no_ip), 400, "payment.psu_ip_invalid", "INVALID_HEADER");
  auto bad_ip = initiation(laura());
  set_header(bad_ip, "PSU-IP-Address", "999.1.1.1");
  expect_tpp_error(h_.handle(bad_ip), 400, "payment.psu_ip_invalid", "INVALID_HEADER");
  auto relative = initiation(laura());
  set_header(relative, "TPP-Redirect-URI", "/back");
  expect_tpp_error(h_.handle(relative), 400, "payment.redirect_uri_invalid", "INVALID_HEADER");
  auto text = initiation(laura());
  set_header(text, "Content-Type", "text/plain");
  expect_tpp_error(h_.handle(text), 400, "request.content_type", "INVALID_HEADER");
}

TEST_F(PisApiTest, AuthenticationRefusals) {
  auto tampered = initiation(laura());
  tampered.body[tampered.body.find("25.00")] = '3';  // the amount, not the signed Digest
  expect_tpp_error(h_.handle(tampered), 401, "digest.mismatch", "INVALID_HEADER");

  auto unsigned_call = initiation(laura());
  drop_header(unsigned_call, "Signature");
  expect_tpp_error(h_.handle(unsigned_call), 401, "signature.missing", "INVALID_HEADER");

  // The mTLS-only token goes with x-jws-signature, not with a Signature header.
  auto mtls = h_.tpp().payment_request(h_.mtls_token(), kClientId, laura(), false, kTppRedirect,
                                       "192.0.2.10");
  expect_tpp_error(h_.handle(mtls), 401, "token.wrong_kind", "INVALID_HEADER");

  auto granting_only = h_.tpp().payment_request(h_.app_token("granting"), kClientId, laura(), false,
                                                kTppRedirect, "192.0.2.10");
  expect_tpp_error(h_.handle(granting_only), 403, "token.insufficient_scope", "SERVICE_BLOCKED");

  expect_tpp_error(h_.handle(initiation(laura()), /*with_certificate=*/false), 401,
                   "mtls.certificate_missing", "INVALID_HEADER");
  // Nothing of the refused requests was stored.
  EXPECT_EQ(initiate(laura()).status(), 201u);
}

TEST_F(PisApiTest, AnUnknownPaymentIsNotFound) {
  expect_tpp_error(signed_get("/v1/payments/sepa-credit-transfers/no-such-id/status"), 404,
                   "payment.unknown", "RESOURCE_UNKNOWN");
}

}  // namespace
}  // namespace sandbank::api::testing
