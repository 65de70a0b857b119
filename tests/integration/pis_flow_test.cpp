// Payment Initiation end to end on the real binary: an instant payment approved on the
// payment page shows up in AIS over HTTP (debit on the debtor, credit on a creditor account
// the sandbank holds, balances moved); every payment answered 201 survives a SIGKILL of the
// server; and the x-jws-signature form of PIS (mTLS-only token, the guide's step 1 openssl
// pipeline in tests/integration/jws_pis.sh).
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <cmath>
#include <ctime>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include "support/server_suite.hpp"

namespace sandbank::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kAisScopes =
    "payment-accounts%3Abalances%3Aview+payment-accounts%3Atransactions%3Aview";

using Answer = ScriptAnswer;

std::int64_t cents(const json::value& amount) {
  return amount.is_string() ? std::llround(std::stod(std::string(amount.as_string())) * 100)
                            : std::llround(amount.to_number<double>() * 100);
}

std::string path_of(const std::string& url) {
  return url.substr(url.find('/', url.find("://") + 3));
}

std::string status_of(const SandbankServer& server, const fs::path& cwd,
                      const std::string& self_path) {
  auto a = guide_pis(server, cwd, self_path + "/status", nullptr, "get");
  EXPECT_EQ(a.status, 200) << self_path << ": " << a.text;
  return a.str("transactionStatus");
}

class PisFlowTest : public ServerSuite<PisFlowTest> {
 protected:
  static Answer customer_get(const std::string& path, const std::string& token) {
    return guide_->call_with(token, "GET", path, "");
  }

  // Opens the scaRedirect page, picks the account with `iban` and approves.
  static void approve(const std::string& sca, const std::string& iban) {
    auto r = guide_->approve_payment(sca, iban);
    EXPECT_EQ(r.status, 302) << r.body;
    EXPECT_NE(r.body.find("data-outcome=\"authorized\""), std::string::npos) << r.body;
  }

  static std::map<std::string, std::int64_t> balances(const std::string& id,
                                                      const std::string& token) {
    auto a = customer_get("/v3/accounts/" + id + "/balances", token);
    EXPECT_EQ(a.status, 200) << a.text;
    std::map<std::string, std::int64_t> out;
    if (a.status != 200) return out;
    for (const auto& b : a.body.at("balances").as_array()) {
      out[std::string(b.at("balanceType").as_string())] = cents(b.at("balanceAmount").at("amount"));
    }
    return out;
  }

  // The booked transaction with this transactionId, or null.
  static json::value booked(const std::string& id, const std::string& transaction_id,
                            const std::string& token) {
    // From a fixed day, not the default (today on the bank's clock): a test that runs across
    // midnight, or moves the bank's clock past it, still finds a transaction of yesterday.
    auto a = customer_get("/v2/accounts/" + id + "/transactions?dateFrom=2000-01-01", token);
    EXPECT_EQ(a.status, 200) << a.text;
    if (a.status != 200) return nullptr;
    for (const auto& t : a.body.at("transactions").at("booked").as_array()) {
      if (t.at("transactionId").as_string() == transaction_id) return t;
    }
    ADD_FAILURE() << transaction_id << " not booked in " << a.text;
    return nullptr;
  }
};
// Suite name matches `ctest -R pis`.
using pis_flow = PisFlowTest;

// A bulk payment: one authorization on the payment page for all its credit transfers, each
// booked on its own (batchBookingPreferred false) and credited to the sandbank's account.
TEST_F(pis_flow, InstantBulkPaymentBooksEveryTransferOnOneAuthorization) {
  auto token = guide_->customer_token("Alice and Bob", kAisScopes);
  ASSERT_FALSE(token.empty());
  auto list = customer_get("/v3/accounts", token);
  ASSERT_EQ(list.status, 200) << list.text;
  std::string current_id, current_iban, savings_id, savings_iban;
  for (const auto& acc : list.body.at("accounts").as_array()) {
    if (acc.at("currency").as_string() != "EUR") continue;
    bool current = acc.at("product").as_string() == "Betaalrekening";
    (current ? current_id : savings_id) = std::string(acc.at("resourceId").as_string());
    (current ? current_iban : savings_iban) = std::string(acc.at("iban").as_string());
  }
  auto debtor_before = balances(current_id, token);
  auto transfer = [&](const std::string& amount, const std::string& e2e) {
    return R"({"endToEndIdentification":")" + e2e + R"(","instructedAmount":{"amount":")" + amount +
           R"(","currency":"EUR"},"creditorAccount":{"iban":")" + savings_iban +
           R"("},"creditorName":"Alice and Bob"})";
  };
  std::string body = R"({"debtorAccount":{"iban":")" + current_iban +
                     R"("},"localInstrumentCode":"INST","batchBookingPreferred":false,)"
                     R"("payments":[)" +
                     transfer("10.00", "BULK-1") + "," + transfer("2.50", "BULK-2") + "]}";
  auto created =
      guide_pis(*server_, tmp_->path(), "/v1/bulk-payments/sepa-credit-transfers", &body);
  ASSERT_EQ(created.status, 201) << created.text;
  auto payment_id = created.str("paymentId");
  const auto& links = created.body.at("_links");
  std::string sca(links.at("scaRedirect").as_string());
  EXPECT_NE(sca.find("?type=bulk"), std::string::npos) << sca;
  // The page lists both transfers.
  auto page = curl({"--cacert", server_->cert("ca.cer").string(), sca});
  EXPECT_NE(page.body.find("id=\"transfers\""), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("2.50 EUR"), std::string::npos) << page.body;
  approve(sca, current_iban);

  auto status = guide_pis(*server_, tmp_->path(),
                          path_of(std::string(links.at("status").as_string())), nullptr, "get");
  ASSERT_EQ(status.status, 200) << status.text;
  EXPECT_EQ(status.str("transactionStatus"), "ACSC") << status.text;
  const auto& transfers = status.body.at("payments").as_array();
  ASSERT_EQ(transfers.size(), 2u) << status.text;
  EXPECT_EQ(transfers[1].at("endToEndIdentification").as_string(), "BULK-2");
  EXPECT_EQ(transfers[1].at("transactionStatus").as_string(), "ACSC");

  auto first = booked(current_id, payment_id + "-1", token);
  ASSERT_TRUE(first.is_object());
  EXPECT_EQ(cents(first.at("transactionAmount").at("amount")), -1000);
  auto second = booked(current_id, payment_id + "-2", token);
  ASSERT_TRUE(second.is_object());
  EXPECT_EQ(cents(second.at("transactionAmount").at("amount")), -250);
  EXPECT_TRUE(booked(savings_id, payment_id + "-2-CR", token).is_object());
  auto debtor_after = balances(current_id, token);
  EXPECT_EQ(debtor_after["interimBooked"], debtor_before["interimBooked"] - 1250);

  // GET answers the bulk as submitted; the same X-Request-ID is idempotent elsewhere (unit).
  auto details = guide_pis(*server_, tmp_->path(),
                           path_of(std::string(links.at("self").as_string())), nullptr, "get");
  EXPECT_EQ(details.status, 200) << details.text;
  EXPECT_EQ(details.body.at("payments").as_array().size(), 2u) << details.text;
}

TEST_F(pis_flow, InstantPaymentShowsInAisOnDebtorAndCreditorAccounts) {
  auto token = guide_->customer_token("Alice and Bob", kAisScopes);
  ASSERT_FALSE(token.empty());
  auto list = customer_get("/v3/accounts", token);
  ASSERT_EQ(list.status, 200) << list.text;
  std::string current_id, current_iban, savings_id, savings_iban;
  for (const auto& acc : list.body.at("accounts").as_array()) {
    auto product = acc.at("product").as_string();
    if (acc.at("currency").as_string() != "EUR") continue;
    (product == "Betaalrekening" ? current_id : savings_id) =
        std::string(acc.at("resourceId").as_string());
    (product == "Betaalrekening" ? current_iban : savings_iban) =
        std::string(acc.at("iban").as_string());
  }
  ASSERT_FALSE(current_id.empty()) << list.text;
  ASSERT_FALSE(savings_id.empty()) << list.text;
  auto debtor_before = balances(current_id, token);
  auto creditor_before = balances(savings_id, token);

  std::string body = R"({"instructedAmount":{"amount":"123.45","currency":"EUR"},)"
                     R"("creditorAccount":{"iban":")" +
                     savings_iban +
                     R"("},"creditorName":"Alice and Bob","localInstrumentCode":"INST",)"
                     R"("remittanceInformationUnstructured":"To savings",)"
                     R"("debtorAccount":{"iban":")" +
                     current_iban + R"("}})";
  auto created = guide_pis(*server_, tmp_->path(), "/v1/payments/sepa-credit-transfers", &body);
  ASSERT_EQ(created.status, 201) << created.text;
  auto payment_id = created.str("paymentId");
  const auto& links = created.body.at("_links");
  approve(std::string(links.at("scaRedirect").as_string()), current_iban);
  EXPECT_EQ(status_of(*server_, tmp_->path(), path_of(std::string(links.at("self").as_string()))),
            "ACSC");

  auto debit = booked(current_id, payment_id, token);
  ASSERT_TRUE(debit.is_object());
  EXPECT_EQ(cents(debit.at("transactionAmount").at("amount")), -12345);
  EXPECT_EQ(debit.at("transactionAmount").at("currency").as_string(), "EUR");
  EXPECT_EQ(debit.at("creditorAccount").at("iban").as_string(), savings_iban);
  EXPECT_EQ(debit.at("remittanceInformationUnstructured").as_string(), "To savings");
  auto credit = booked(savings_id, payment_id + "-CR", token);
  ASSERT_TRUE(credit.is_object());
  EXPECT_EQ(cents(credit.at("transactionAmount").at("amount")), 12345);
  EXPECT_EQ(credit.at("debtorAccount").at("iban").as_string(), current_iban);

  auto debtor_after = balances(current_id, token);
  auto creditor_after = balances(savings_id, token);
  for (const char* type : {"interimBooked", "interimAvailable", "expected"}) {
    EXPECT_EQ(debtor_after[type], debtor_before[type] - 12345) << type;
    EXPECT_EQ(creditor_after[type], creditor_before[type] + 12345) << type;
  }
}

TEST_F(pis_flow, PaymentToAnAccountOutsideTheSandbankOnlyDebits) {
  auto token = guide_->customer_token("Alice and Bob", kAisScopes);
  auto list = customer_get("/v3/accounts", token);
  ASSERT_EQ(list.status, 200) << list.text;
  std::string id, iban;
  for (const auto& acc : list.body.at("accounts").as_array()) {
    if (acc.at("product").as_string() == "Betaalrekening" &&
        acc.at("currency").as_string() == "EUR") {
      id = std::string(acc.at("resourceId").as_string());
      iban = std::string(acc.at("iban").as_string());
    }
  }
  ASSERT_FALSE(id.empty()) << list.text;
  auto before = balances(id, token);
  std::string body = R"({"instructedAmount":{"amount":"7.50","currency":"EUR"},)"
                     R"("creditorAccount":{"iban":"AT861921125678901234"},)"
                     R"("creditorName":"Laura Musterfrau","localInstrumentCode":"INST",)"
                     R"("debtorAccount":{"iban":")" +
                     iban + R"("}})";
  auto created = guide_pis(*server_, tmp_->path(), "/v1/payments/sepa-credit-transfers", &body);
  ASSERT_EQ(created.status, 201) << created.text;
  approve(std::string(created.body.at("_links").at("scaRedirect").as_string()), iban);
  auto debit = booked(id, created.str("paymentId"), token);
  ASSERT_TRUE(debit.is_object());
  EXPECT_EQ(cents(debit.at("transactionAmount").at("amount")), -750);
  EXPECT_EQ(balances(id, token)["expected"], before["expected"] - 750);
}

// Alice's EUR current account {resourceId, iban}.
std::pair<std::string, std::string> alice_current(const Answer& list) {
  for (const auto& acc : list.body.at("accounts").as_array()) {
    if (acc.at("product").as_string() == "Betaalrekening" &&
        acc.at("currency").as_string() == "EUR") {
      return {std::string(acc.at("resourceId").as_string()),
              std::string(acc.at("iban").as_string())};
    }
  }
  ADD_FAILURE() << "no EUR current account in " << list.text;
  return {};
}

std::string today_utc() {
  auto t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

TEST_F(pis_flow, NormalTransferIsAcceptedWithAPendingDebit) {
  auto token = guide_->customer_token("Alice and Bob", kAisScopes);
  auto list = customer_get("/v3/accounts", token);
  ASSERT_EQ(list.status, 200) << list.text;
  auto [id, iban] = alice_current(list);
  auto before = balances(id, token);
  std::string body = R"({"instructedAmount":{"amount":"3.21","currency":"EUR"},)"
                     R"("creditorAccount":{"iban":"AT861921125678901234"},)"
                     R"("creditorName":"Laura Musterfrau","debtorAccount":{"iban":")" +
                     iban + R"("}})";
  auto created = guide_pis(*server_, tmp_->path(), "/v1/payments/sepa-credit-transfers", &body);
  ASSERT_EQ(created.status, 201) << created.text;
  const auto& links = created.body.at("_links");
  approve(std::string(links.at("scaRedirect").as_string()), iban);
  EXPECT_EQ(status_of(*server_, tmp_->path(), path_of(std::string(links.at("self").as_string()))),
            "ACCP");
  auto a = customer_get("/v2/accounts/" + id + "/transactions?dateFrom=2000-01-01", token);
  ASSERT_EQ(a.status, 200) << a.text;
  bool pending = false;
  for (const auto& t : a.body.at("transactions").at("pending").as_array()) {
    if (t.at("transactionId").as_string() == created.str("paymentId")) {
      pending = true;
      EXPECT_EQ(cents(t.at("transactionAmount").at("amount")), -321);
    }
  }
  EXPECT_TRUE(pending) << a.text;
  auto after = balances(id, token);
  EXPECT_EQ(after["expected"], before["expected"] - 321);
  EXPECT_EQ(after["interimAvailable"], before["interimAvailable"] - 321);
}

// A standing order starting today books its first occurrence when it is approved (the
// bank's clock has reached today); with endDate today it then expires.
TEST_F(pis_flow, PeriodicPaymentStartingTodayBooksTheFirstOccurrence) {
  auto token = guide_->customer_token("Alice and Bob", kAisScopes);
  auto list = customer_get("/v3/accounts", token);
  ASSERT_EQ(list.status, 200) << list.text;
  auto [id, iban] = alice_current(list);
  auto today = today_utc();
  for (const std::string& end : std::vector<std::string>{"", today}) {
    auto before = balances(id, token);
    std::string body = R"({"instructedAmount":{"amount":"4.00","currency":"EUR"},)"
                       R"("creditorAccount":{"iban":"AT861921125678901234"},)"
                       R"("creditorName":"Laura Musterfrau","debtorAccount":{"iban":")" +
                       iban + R"("},"startDate":")" + today + R"(",)" +
                       (end.empty() ? "" : R"("endDate":")" + end + R"(",)") +
                       R"("frequency":"MNTH"})";
    auto created =
        guide_pis(*server_, tmp_->path(), "/v1/periodic-payments/sepa-credit-transfers", &body);
    ASSERT_EQ(created.status, 201) << created.text;
    const auto& links = created.body.at("_links");
    approve(std::string(links.at("scaRedirect").as_string()), iban);
    EXPECT_EQ(status_of(*server_, tmp_->path(), path_of(std::string(links.at("self").as_string()))),
              end.empty() ? "ACTV" : "EXPI");
    auto occurrence = booked(id, created.str("paymentId") + "-1", token);
    ASSERT_TRUE(occurrence.is_object());
    EXPECT_EQ(cents(occurrence.at("transactionAmount").at("amount")), -400);
    EXPECT_EQ(balances(id, token)["expected"], before["expected"] - 400);
  }
}

// `serve --clock-offset`: a normal transfer accepted (ACCP, pending) settles once the bank's
// clock has passed the 60 s settlement delay; the server is restarted on the same data
// directory 120 s ahead (inside the 3 minute Date window, so signed calls still pass).
TEST_F(pis_flow, NormalTransferSettlesWhenTheBanksClockIsAhead) {
  auto token = guide_->customer_token("Alice and Bob", kAisScopes);
  auto list = customer_get("/v3/accounts", token);
  ASSERT_EQ(list.status, 200) << list.text;
  auto [id, iban] = alice_current(list);
  std::string body = R"({"instructedAmount":{"amount":"2.22","currency":"EUR"},)"
                     R"("creditorAccount":{"iban":"AT861921125678901234"},)"
                     R"("creditorName":"Laura Musterfrau","debtorAccount":{"iban":")" +
                     iban + R"("}})";
  auto created = guide_pis(*server_, tmp_->path(), "/v1/payments/sepa-credit-transfers", &body);
  ASSERT_EQ(created.status, 201) << created.text;
  const auto& links = created.body.at("_links");
  auto self = path_of(std::string(links.at("self").as_string()));
  approve(std::string(links.at("scaRedirect").as_string()), iban);
  EXPECT_EQ(status_of(*server_, tmp_->path(), self), "ACCP");

  restart_server({"--clock-offset", "120"});
  EXPECT_EQ(status_of(*server_, tmp_->path(), self), "ACSC");
  auto settled = booked(id, created.str("paymentId"), token);
  ASSERT_TRUE(settled.is_object());
  EXPECT_EQ(cents(settled.at("transactionAmount").at("amount")), -222);
  // Booked on the day it settled, with that day as its value date.
  EXPECT_EQ(settled.at("valueDate"), settled.at("bookingDate")) << settled;
  restart_server();
}

TEST_F(pis_flow, EveryPaymentAnswered201SurvivesASigkill) {
  TempDir dir;
  SandbankServer server(dir.path() / "data");
  server.start();
  std::string body = R"({"instructedAmount":{"amount":"1.00","currency":"EUR"},)"
                     R"("creditorAccount":{"iban":"AT861921125678901234"},)"
                     R"("creditorName":"Laura Musterfrau"})";
  std::mutex mutex;
  std::vector<std::string> created;  // self paths of 201 answers
  std::atomic<int> successes{0};
  std::atomic<int> answered{0};
  // Two loops of 20, so requests are in flight when the kill comes.
  auto loop = [&] {
    for (int i = 0; i < 20; ++i) {
      auto a = guide_pis(server, dir.path(), "/v1/payments/sepa-credit-transfers", &body);
      ++answered;
      if (a.status != 201) continue;
      std::lock_guard lock(mutex);
      created.push_back(path_of(std::string(a.body.at("_links").at("self").as_string())));
      ++successes;
    }
  };
  std::thread first(loop);
  std::thread second(loop);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (successes < 15 && answered < 40 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(server.terminate(SIGKILL), 128 + SIGKILL);
  first.join();
  second.join();
  ASSERT_GE(created.size(), 15u);
  EXPECT_LT(created.size(), 40u);  // killed mid-loop

  server.start();  // the same data directory
  for (const auto& self : created) {
    EXPECT_EQ(status_of(server, dir.path(), self), "RCVD") << self;
  }
  // And the restarted server goes on accepting payments.
  EXPECT_EQ(guide_pis(server, dir.path(), "/v1/payments/sepa-credit-transfers", &body).status, 201);
}

class PisJwsTest : public PisFlowTest {
 protected:
  static Answer jws_pis(const std::string& path, const std::string& body,
                        const std::string& breakage = "") {
    std::string script =
        "HOST='" + server_->api_url() + "' CERTS='" + (server_->data_dir() / "certs").string() +
        "' CLIENT_ID=" + kSandboxClientId + " REQ_PATH='" + path + "' BODY='" + body + "' BREAK='" +
        breakage + "' bash '" + std::string(SANDBANK_SOURCE_DIR) + "/tests/integration/jws_pis.sh'";
    return script_answer(run_bash(script, tmp_->path()));
  }
  static std::string tpp_detail(const Answer& a) { return a.str("detail"); }
};
using pis_jws = PisJwsTest;

TEST_F(pis_jws, MtlsOnlyTokenWithXJwsSignatureCreatesThePayment) {
  std::string body = R"({"instructedAmount":{"amount":"25.00","currency":"EUR"},)"
                     R"("creditorAccount":{"iban":"AT861921125678901234"},)"
                     R"("creditorName":"Laura Musterfrau"})";
  auto a = jws_pis("/v1/payments/sepa-credit-transfers", body);
  ASSERT_EQ(a.status, 201) << a.text;
  EXPECT_EQ(a.str("transactionStatus"), "RCVD");
  auto self = path_of(std::string(a.body.at("_links").at("self").as_string()));
  // The same application reads it with the other form (signed token + Signature).
  EXPECT_EQ(status_of(*server_, tmp_->path(), self), "RCVD");
  auto got = guide_pis(*server_, tmp_->path(), self, nullptr, "get");
  EXPECT_EQ(got.text, body);

  auto periodic = jws_pis("/v1/periodic-payments/sepa-credit-transfers",
                          R"({"instructedAmount":{"amount":"1.00","currency":"EUR"},)"
                          R"("creditorAccount":{"iban":"AT861921125678901234"},)"
                          R"("creditorName":"Laura Musterfrau","startDate":"2099-01-01",)"
                          R"("frequency":"MNTH"})");
  EXPECT_EQ(periodic.status, 201) << periodic.text;
}

TEST_F(pis_jws, BrokenJwsIsRefusedWithAJwsDetail) {
  std::string body = R"({"instructedAmount":{"amount":"25.00","currency":"EUR"},)"
                     R"("creditorAccount":{"iban":"AT861921125678901234"},)"
                     R"("creditorName":"Laura Musterfrau"})";
  auto bad = jws_pis("/v1/payments/sepa-credit-transfers", body, "signature");
  EXPECT_EQ(bad.status, 401) << bad.text;
  EXPECT_EQ(tpp_detail(bad), "jws.signature_invalid") << bad.text;
  auto no_sigd = jws_pis("/v1/payments/sepa-credit-transfers", body, "header");
  EXPECT_EQ(no_sigd.status / 100, 4) << no_sigd.text;
  EXPECT_EQ(tpp_detail(no_sigd).rfind("jws.", 0), 0u) << no_sigd.text;
}

}  // namespace
}  // namespace sandbank::testing
