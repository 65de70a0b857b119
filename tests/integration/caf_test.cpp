// Confirmation of Funds on the real binary: a customer token from the authorization pages
// ("Alice and Bob", with the funds-availability scope), calls signed as the guide signs AIS
// calls, and an instant payment approved on the payment page that moves the answer from true
// to false for the same amount.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <regex>

#include "support/server_suite.hpp"

namespace sandbank::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kFundsAndBalances =
    "payment-accounts%3Afunds-availability%3Aconfirm+payment-accounts%3Abalances%3Aview";
constexpr const char* kBalancesOnly = "payment-accounts%3Abalances%3Aview";

using Answer = ScriptAnswer;

std::int64_t cents(const json::value& amount) {
  return amount.is_string() ? std::llround(std::stod(std::string(amount.as_string())) * 100)
                            : std::llround(amount.to_number<double>() * 100);
}

std::string decimal(std::int64_t minor) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(minor / 100),
                static_cast<long long>(minor % 100));
  return buf;
}

class CafTest : public ServerSuite<CafTest> {
 protected:
  static void SetUpTestSuite() {
    ServerSuite::SetUpTestSuite();
    app_token_ = guide_->app_token();
  }

  static Answer customer_call(const std::string& method, const std::string& path,
                              const std::string& body, const std::string& token) {
    return guide_->call_with(token, method, path, body);
  }

  // POST /v1/funds-confirmations with the customer token.
  static Answer funds_call(const std::string& body, const std::string& token,
                           const std::string& content_type = "application/json") {
    return guide_->call_with(token, "POST", "/v1/funds-confirmations", body,
                             {"CONTENT_TYPE='" + content_type + "'"});
  }

  static std::string customer_token(const std::string& profile_name, const std::string& scope) {
    return guide_->customer_token(profile_name, scope, app_token_);
  }

  // IBAN and resourceId of the profile's EUR current account (product Betaalrekening).
  static std::pair<std::string, std::string> current_account(const std::string& token) {
    auto a = customer_call("GET", "/v3/accounts", "", token);
    EXPECT_EQ(a.status, 200) << a.text;
    if (a.status != 200) return {};
    for (const auto& acc : a.body.at("accounts").as_array()) {
      const auto& o = acc.as_object();
      if (o.at("currency").as_string() == "EUR" &&
          o.at("product").as_string() == "Betaalrekening") {
        return {std::string(o.at("iban").as_string()), std::string(o.at("resourceId").as_string())};
      }
    }
    ADD_FAILURE() << "no EUR current account in " << a.text;
    return {};
  }

  static std::int64_t interim_available(const std::string& account_id, const std::string& token) {
    auto a = customer_call("GET", "/v3/accounts/" + account_id + "/balances", "", token);
    EXPECT_EQ(a.status, 200) << a.text;
    if (a.status != 200) return 0;
    for (const auto& b : a.body.at("balances").as_array()) {
      if (b.at("balanceType").as_string() == "interimAvailable") {
        return cents(b.at("balanceAmount").at("amount"));
      }
    }
    ADD_FAILURE() << "no interimAvailable in " << a.text;
    return 0;
  }

  static Answer funds(const std::string& iban, const std::string& amount, const std::string& token,
                      const std::string& currency = "EUR") {
    return funds_call(R"({"account":{"iban":")" + iban + R"("},"instructedAmount":{"currency":")" +
                          currency + R"(","amount":")" + amount + R"("}})",
                      token);
  }
  static bool available(const std::string& iban, const std::string& amount,
                        const std::string& token) {
    auto a = funds(iban, amount, token);
    EXPECT_EQ(a.status, 200) << a.text;
    EXPECT_TRUE(a.body.is_object() && a.body.as_object().contains("fundsAvailable")) << a.text;
    return a.status == 200 && a.body.at("fundsAvailable").as_bool();
  }

  // An instant payment from `debtor_iban`, created with the guide's step 4 script and
  // approved on the payment page; returns the payment's final status.
  static std::string pay_instant(const std::string& debtor_iban, const std::string& amount) {
    std::string body = R"({"instructedAmount":{"amount":")" + amount +
                       R"(","currency":"EUR"},"creditorAccount":{"iban":"AT861921125678901234"},)"
                       R"("creditorName":"Laura Musterfrau","localInstrumentCode":"INST",)"
                       R"("debtorAccount":{"iban":")" +
                       debtor_iban + R"("}})";
    auto created = guide_->guide_pis("/v1/payments/sepa-credit-transfers", &body);
    EXPECT_EQ(created.status, 201) << created.text;
    if (created.status != 201) return "";
    const auto& links = created.body.at("_links").as_object();
    auto sca = std::string(links.at("scaRedirect").as_string());
    auto decided = guide_->approve_payment(sca, debtor_iban);
    EXPECT_EQ(decided.status, 302) << decided.body;
    auto self = std::string(links.at("self").as_string());
    auto status = guide_->guide_pis(self.substr(self.find('/', self.find("://") + 3)) + "/status",
                                    nullptr, "get");
    return status.str("transactionStatus");
  }

  static void expect_error(const Answer& a, long status, const std::string& detail,
                           const std::string& path = "") {
    EXPECT_EQ(a.status, status) << a.text;
    EXPECT_EQ(a.tpp("category"), "ERROR") << a.text;
    EXPECT_EQ(a.detail(), detail) << a.text;
    if (!path.empty()) {
      EXPECT_EQ(a.tpp("path"), path) << a.text;
    }
  }

  static inline std::string app_token_;
};
// Suite name matches `ctest -R caf`.
using caf = CafTest;

TEST_F(caf, SameAmountIsAvailableBeforeAndNotAfterALargeInstantPayment) {
  auto token = customer_token("Alice and Bob", kFundsAndBalances);
  ASSERT_FALSE(token.empty());
  auto [iban, id] = current_account(token);
  ASSERT_FALSE(iban.empty());
  auto before = interim_available(id, token);
  ASSERT_GT(before, 1000);  // Alice and Bob hold about 2200 EUR
  EXPECT_TRUE(available(iban, "10.00", token));
  EXPECT_TRUE(available(iban, decimal(before), token));
  EXPECT_FALSE(available(iban, decimal(before + 1), token));

  // Leaves 5.00 on the account.
  ASSERT_EQ(pay_instant(iban, decimal(before - 500)), "ACSC");
  EXPECT_EQ(interim_available(id, token), 500);
  EXPECT_FALSE(available(iban, "10.00", token));
  EXPECT_TRUE(available(iban, "5.00", token));
  EXPECT_FALSE(available(iban, "5.01", token));
}

TEST_F(caf, AccountOutsideTheConsentIsRefused) {
  auto token = customer_token("Alice and Bob", kFundsAndBalances);
  // A Van Dijk's account: held by the sandbank, not in Alice's consent.
  expect_error(funds("NL69INGB0123456789", "1.00", token), 403, "caf.account_not_in_consent");
  // Not held by the sandbank at all: the same answer (api.md: 403).
  expect_error(funds("NL91ABNA0417164300", "1.00", token), 403, "caf.account_not_in_consent");
}

TEST_F(caf, TokenWithoutTheFundsScopeIsForbidden) {
  auto token = customer_token("Alice and Bob", kBalancesOnly);
  ASSERT_FALSE(token.empty());
  auto iban = current_account(token).first;
  auto a = funds(iban, "1.00", token);
  expect_error(a, 403, "token.insufficient_scope");
}

// Boost.JSON keeps the last of a duplicated member; the signed body would say two things.
TEST_F(caf, ABodyWithAMemberTwiceIsRefused) {
  auto token = customer_token("Alice and Bob", kFundsAndBalances);
  auto iban = current_account(token).first;
  auto a = funds_call(R"({"account":{"iban":")" + iban +
                          R"("},"instructedAmount":{"currency":"EUR","amount":"1.00",)"
                          R"("amount":"999999.00"}})",
                      token);
  expect_error(a, 400, "request.duplicate_member");
  EXPECT_NE(a.tpp("text").find("instructedAmount.amount"), std::string::npos) << a.text;
}

// As PIS: the body is JSON and says so.
TEST_F(caf, AnotherContentTypeThanJsonIsRefused) {
  auto token = customer_token("Alice and Bob", kFundsAndBalances);
  auto iban = current_account(token).first;
  auto body = R"({"account":{"iban":")" + iban +
              R"("},"instructedAmount":{"currency":"EUR","amount":"1.00"}})";
  for (const char* type : {"application/x-www-form-urlencoded", "text/plain", ""}) {
    expect_error(funds_call(body, token, type), 400, "request.content_type");
  }
  EXPECT_EQ(funds_call(body, token, "application/json; charset=utf-8").status, 200);
}

TEST_F(caf, MalformedRequestsNameTheField) {
  auto token = customer_token("Alice and Bob", kFundsAndBalances);
  auto iban = current_account(token).first;
  for (const char* amount : {"1.234", "-1.00", "0", "abc", ""}) {
    expect_error(funds(iban, amount, token), 400, "caf.amount_invalid", "instructedAmount.amount");
  }
  expect_error(funds(iban, "1.00", token, "USD"), 400, "caf.currency_mismatch",
               "instructedAmount.currency");
  expect_error(
      funds_call(R"({"account":{"iban":")" + iban + R"("},"instructedAmount":{"amount":"1.00"}})",
                 token),
      400, "caf.field_missing", "instructedAmount.currency");
  expect_error(funds_call(R"({"instructedAmount":{"currency":"EUR","amount":"1.00"}})", token), 400,
               "caf.field_missing", "account.iban");
}

}  // namespace
}  // namespace sandbank::testing
