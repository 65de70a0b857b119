// Payment Initiation on the real binary: the guide's step 4 script (tests/interop/guide),
// the payment authorization page over plain HTTP (curl with a cookie jar), idempotency.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>
#include <regex>
#include <set>

#include "support/server_suite.hpp"

namespace sandbank::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class PisTest : public ServerSuite<PisTest> {
 protected:
  using Answer = ScriptAnswer;
  // The guide's PIS script with the given knobs (path, body, method, X-Request-ID).
  static Answer pis(const std::string& path, const std::string* body = nullptr,
                    const std::string& method = "post", const std::string& request_id = "") {
    return guide_->guide_pis(path, body, method, request_id);
  }
  static json::object object(const std::string& text) {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) {
      ADD_FAILURE() << "not a JSON object: " << text;
      return {};
    }
    return v.as_object();
  }
  static std::string status_of(const std::string& self_path) {
    auto a = pis(self_path + "/status", nullptr, "get");
    EXPECT_EQ(a.status, 200) << a.text;
    auto o = object(a.text);
    return o.contains("transactionStatus") ? std::string(o["transactionStatus"].as_string()) : "";
  }

  // Opens the scaRedirect page, picks the account whose IBAN is given (or the first), and
  // submits `action`; returns the POST's result.
  static HttpResult decide(const std::string& sca, const std::string& action,
                           const std::string& iban = "") {
    auto jar = guide_->new_jar().string();
    auto page = curl({"--cacert", server_->cert("ca.cer").string(), "-c", jar, sca});
    EXPECT_EQ(page.status, 200) << page.body;
    std::smatch m;
    EXPECT_TRUE(
        std::regex_search(page.body, m, std::regex("name=\"csrf_token\" value=\"([^\"]+)\"")));
    std::string csrf = m[1];
    std::string account;
    std::regex radio(
        "value=\"([0-9a-f-]{36})\"[^>]*>\\s*<span class=\"profile-name\">[^<]*</span>\\s*"
        "<span class=\"profile-scopes\">([A-Z0-9]+)");
    for (auto it = std::sregex_iterator(page.body.begin(), page.body.end(), radio);
         it != std::sregex_iterator(); ++it) {
      if (account.empty() || (*it)[2] == iban) account = (*it)[1];
      if ((*it)[2] == iban) break;
    }
    return curl({"--cacert", server_->cert("ca.cer").string(), "-b", jar, "-X", "POST", sca,
                 "--data-urlencode", "csrf_token=" + csrf, "--data-urlencode", "account=" + account,
                 "--data-urlencode", "action=" + action});
  }
};

std::string path_of(const std::string& url) {
  auto scheme = url.find("://");
  return url.substr(url.find('/', scheme + 3));
}

TEST_F(PisTest, GuideStep4PeriodicPaymentScript) {
  auto a = pis("/v1/periodic-payments/sepa-credit-transfers");
  ASSERT_EQ(a.status, 201) << a.text;
  auto o = object(a.text);
  EXPECT_EQ(o["transactionStatus"].as_string(), "RCVD");
  auto links = o["_links"].as_object();
  EXPECT_TRUE(links["scaRedirect"].is_string());
  EXPECT_NE(std::string(links["scaRedirect"].as_string()).find("/payment-initiation/"),
            std::string::npos);
  EXPECT_EQ(status_of(path_of(std::string(links["self"].as_string()))), "RCVD");
}

TEST_F(PisTest, InstantPaymentApprovedOnThePageCompletes) {
  std::string body = R"({"instructedAmount":{"amount":"12.34","currency":"EUR"},)"
                     R"("creditorAccount":{"iban":"AT861921125678901234"},)"
                     R"("creditorName":"Laura Musterfrau","localInstrumentCode":"INST",)"
                     R"("debtorAccount":{"iban":"NL69INGB0123456789"}})";
  auto a = pis("/v1/payments/sepa-credit-transfers", &body);
  ASSERT_EQ(a.status, 201) << a.text;
  auto links = object(a.text)["_links"].as_object();
  auto sca = std::string(links["scaRedirect"].as_string());
  EXPECT_NE(sca.find("/NL"), std::string::npos);
  auto r = decide(sca, "approve", "NL69INGB0123456789");
  EXPECT_EQ(r.status, 302) << r.body;
  EXPECT_EQ(r.header("Location").value_or(""), "https://example.com/redirect");
  EXPECT_NE(r.body.find("data-outcome=\"authorized\""), std::string::npos);
  auto self = path_of(std::string(links["self"].as_string()));
  EXPECT_EQ(status_of(self), "ACSC");
  auto got = pis(self, nullptr, "get");
  EXPECT_EQ(got.text, body);
}

TEST_F(PisTest, RejectedAndInsufficientFundsEndInRjct) {
  std::string body = R"({"instructedAmount":{"amount":"900.00","currency":"EUR"},)"
                     R"("creditorAccount":{"iban":"AT861921125678901234"},)"
                     R"("creditorName":"Laura Musterfrau"})";
  auto a = pis("/v1/payments/sepa-credit-transfers", &body);
  ASSERT_EQ(a.status, 201) << a.text;
  auto links = object(a.text)["_links"].as_object();
  auto r = decide(std::string(links["scaRedirect"].as_string()), "reject");
  EXPECT_EQ(r.status, 302);
  EXPECT_NE(r.body.find("data-outcome=\"denied\""), std::string::npos);
  EXPECT_EQ(status_of(path_of(std::string(links["self"].as_string()))), "RJCT");

  // Peter Smith (insufficient_funds) holds 12.50.
  auto b = pis("/v1/payments/sepa-credit-transfers", &body);
  auto links2 = object(b.text)["_links"].as_object();
  auto sca = std::string(links2["scaRedirect"].as_string());
  auto page =
      curl({"--cacert", server_->cert("ca.cer").string(), sca.substr(0, sca.size() - 2) + "NL"});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m,
                                std::regex("<span class=\"profile-name\">Peter Smith</span>\\s*"
                                           "<span class=\"profile-scopes\">([A-Z0-9]+)")));
  auto rejected = decide(sca.substr(0, sca.size() - 2) + "NL", "approve", m[1]);
  EXPECT_NE(rejected.body.find("data-outcome=\"rejected\""), std::string::npos);
  EXPECT_EQ(status_of(path_of(std::string(links2["self"].as_string()))), "RJCT");
}

TEST_F(PisTest, ValidationErrorsNameTheField) {
  std::string body = R"({"instructedAmount":{"amount":"1.234","currency":"EUR"},)"
                     R"("creditorAccount":{"iban":"AT861921125678901234"},"creditorName":"L"})";
  auto a = pis("/v1/payments/sepa-credit-transfers", &body);
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.text.find("\"path\":\"instructedAmount.amount\""), std::string::npos) << a.text;
  auto b = pis("/v1/payments/instant-transfers", &body);
  EXPECT_EQ(b.status, 404);
  EXPECT_NE(b.text.find("PRODUCT_UNKNOWN"), std::string::npos) << b.text;
}

// Boost.JSON keeps the last of a duplicated member: the bank would book 900.00 while the
// signed body also says 1.00. Refused before anything is stored.
TEST_F(PisTest, ABodyWithAMemberTwiceIsRefused) {
  std::string body = R"({"instructedAmount":{"amount":"1.00","currency":"EUR"},)"
                     R"("instructedAmount":{"amount":"900.00","currency":"EUR"},)"
                     R"("creditorAccount":{"iban":"AT861921125678901234"},"creditorName":"L"})";
  auto a = pis("/v1/payments/sepa-credit-transfers", &body);
  EXPECT_EQ(a.status, 400) << a.text;
  EXPECT_EQ(object(a.text)["detail"], "request.duplicate_member") << a.text;
}

TEST_F(PisTest, ConcurrentDuplicatesCreateOnePaymentAndAnotherBodyConflicts) {
  std::string body = R"({"instructedAmount":{"amount":"2.00","currency":"EUR"},)"
                     R"("creditorAccount":{"iban":"AT861921125678901234"},)"
                     R"("creditorName":"Laura Musterfrau"})";
  const std::string id = "7c0e6f8a-4f7e-4a59-9d0b-3a2f1b9c0d11";
  std::vector<std::future<Answer>> calls;
  for (int i = 0; i < 20; ++i) {
    calls.push_back(std::async(std::launch::async, [&] {
      return pis("/v1/payments/sepa-credit-transfers", &body, "post", id);
    }));
  }
  std::set<std::string> ids;
  for (auto& c : calls) {
    auto a = c.get();
    EXPECT_EQ(a.status, 201) << a.text;
    ids.insert(std::string(object(a.text)["paymentId"].as_string()));
  }
  EXPECT_EQ(ids.size(), 1u);
  std::string other = R"({"instructedAmount":{"amount":"3.00","currency":"EUR"},)"
                      R"("creditorAccount":{"iban":"AT861921125678901234"},)"
                      R"("creditorName":"Laura Musterfrau"})";
  // The same X-Request-ID with another body: 422 (ING's PIS documents no 409), the header named.
  auto reused = pis("/v1/payments/sepa-credit-transfers", &other, "post", id);
  EXPECT_EQ(reused.status, 422) << reused.text;
  auto answer = object(reused.text);
  EXPECT_EQ(answer["detail"].as_string(), "payment.request_id_reused");
  EXPECT_EQ(answer["tppMessages"].as_array()[0].as_object()["code"].as_string(), "INVALID_HEADER");
}

}  // namespace
}  // namespace sandbank::testing
