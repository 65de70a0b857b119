// Confirmation of Funds on the real binary: a customer token from the authorization pages
// ("Alice and Bob", with the funds-availability scope), calls signed as the guide signs AIS
// calls, and an instant payment approved on the payment page that moves the answer from true
// to false for the same amount.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <regex>

#include "integration/sandbank_process.hpp"

namespace sandbank::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kClientId = "5ca1ab1e-c0ca-c01a-cafe-154deadbea75";
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

class CafTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir();
    server_ = new SandbankServer(tmp_->path() / "data");
    server_->start();
    app_token_ = new std::string(app_token());
  }
  static void TearDownTestSuite() {
    delete app_token_;
    delete server_;
    delete tmp_;
  }

  static Answer signed_call(const std::string& method, const std::string& path,
                            const std::string& body, const std::vector<std::string>& env = {}) {
    auto knobs = env;
    knobs.push_back("METHOD=" + method);
    return testing::signed_call(*server_, tmp_->path(), path, body, knobs);
  }
  static Answer customer_call(const std::string& method, const std::string& path,
                              const std::string& body, const std::string& token) {
    return signed_call(method, path, body,
                       {"BEARER='" + token + "'", std::string("KEY_ID=") + kClientId});
  }

  // POST /v1/funds-confirmations with the customer token.
  static Answer funds_call(const std::string& body, const std::string& token,
                           const std::string& content_type = "application/json") {
    return signed_call("POST", "/v1/funds-confirmations", body,
                       {"BEARER='" + token + "'", std::string("KEY_ID=") + kClientId,
                        "CONTENT_TYPE='" + content_type + "'"});
  }

  static std::string app_token() {
    auto a = signed_call("POST", "/oauth2/token", "grant_type=client_credentials");
    EXPECT_EQ(a.status, 200) << a.text;
    return std::string(a.body.at("access_token").as_string());
  }

  // The plain-HTTP walk of docs/authorize.md for `profile_name`, then the code exchange.
  static std::string customer_token(const std::string& profile_name, const std::string& scope) {
    auto code = authorization_code(*server_, tmp_->path() / ("jar-" + std::to_string(++jars_)),
                                   profile_name, scope);
    auto exchanged = customer_call("POST", "/oauth2/token",
                                   "grant_type=authorization_code&code=" + code +
                                       "&redirect_uri=https%3A%2F%2Fwww.example.com%2F",
                                   *app_token_);
    EXPECT_EQ(exchanged.status, 200) << exchanged.text;
    return exchanged.body.is_object() && exchanged.body.as_object().contains("access_token")
               ? std::string(exchanged.body.at("access_token").as_string())
               : "";
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
    auto created = pis("/v1/payments/sepa-credit-transfers", &body);
    EXPECT_NE(created.find("201"), std::string::npos) << created;
    auto json_start = created.find("\r\n\r\n");
    if (json_start == std::string::npos) return "";
    auto o = json::parse(created.substr(json_start + 4)).as_object();
    auto links = o.at("_links").as_object();
    auto sca = std::string(links.at("scaRedirect").as_string());
    auto decided = approve_payment(*server_, tmp_->path() / ("jar-" + std::to_string(++jars_)), sca,
                                   debtor_iban);
    EXPECT_EQ(decided.status, 302) << decided.body;
    auto self = std::string(links.at("self").as_string());
    auto status =
        pis(self.substr(self.find('/', self.find("://") + 3)) + "/status", nullptr, "get");
    auto cut = status.find("\r\n\r\n");
    return cut == std::string::npos
               ? ""
               : first_match(status.substr(cut), "\"transactionStatus\":\"([A-Z]+)\"");
  }

  static std::string pis(const std::string& path, const std::string* body,
                         const std::string& method = "post") {
    auto script =
        fs::path(SANDBANK_SOURCE_DIR) / "tests/interop/guide/step4_pis_periodic_payment.sh";
    std::string env = "SANDBANK_HOST=" + server_->api_url() +
                      " SANDBANK_CERTS=" + (server_->data_dir() / "certs").string() +
                      " SANDBANK_PIS_PATH='" + path + "' SANDBANK_PIS_METHOD=" + method;
    if (body) env += " SANDBANK_PIS_BODY='" + *body + "'";
    return run_bash(env + " bash " + script.string() + " 2>/dev/null", tmp_->path()).out;
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

  static TempDir* tmp_;
  static SandbankServer* server_;
  static std::string* app_token_;
  static int jars_;
};
TempDir* CafTest::tmp_ = nullptr;
SandbankServer* CafTest::server_ = nullptr;
std::string* CafTest::app_token_ = nullptr;
int CafTest::jars_ = 0;
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
