#include "bank/payments.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "bank/profiles.hpp"
#include "bank/seed.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"
#include "support/store_backends.hpp"

namespace sandbank::bank {
namespace {

using namespace std::chrono;

const std::string kAVanDijk = "7de0041d-4f25-4b6c-a885-0bbeb1eab220";  // NL69INGB0123456789
const std::string kLaura = "AT861921125678901234";      // in the sandbank (Laura Musterfrau)
const std::string kOutside = "DE89370400440532013000";  // valid, not in the sandbank

std::string body(const std::string& amount, const std::string& extra = "",
                 const std::string& iban = kLaura) {
  return R"({"instructedAmount":{"amount":")" + amount + R"(","currency":"EUR"},)" +
         R"("creditorAccount":{"iban":")" + iban + R"("},"creditorName":"Laura Musterfrau")" +
         extra + "}";
}

// The payment service on each store (support/store_backends.hpp): SQLite and PostgreSQL.
class PaymentsTest : public ::testing::TestWithParam<store::test_support::Backend> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::test_support::TestDatabase>(GetParam());
    if (!db_->skip_reason().empty()) GTEST_SKIP() << db_->skip_reason();
    store_ = db_->open();
    ASSERT_TRUE(seed_bank(*store_, builtin_profiles(), kDefaultSeed, clock_.now()));
    service_ = std::make_unique<PaymentService>(*store_, clock_, random_);
  }

  InitiationRequest request(const std::string& text, PaymentKind kind = PaymentKind::Single,
                            const std::string& request_id = "") {
    InitiationRequest r;
    r.kind = kind;
    r.product = "sepa-credit-transfers";
    r.client_id = "client-a";
    r.request_id = request_id.empty() ? random_.uuid() : request_id;
    r.body = text;
    r.body_hash = text;  // any stable digest will do here
    r.redirect_uri = "https://example.com/redirect";
    r.psu_ip_address = "127.0.0.1";
    return r;
  }

  std::int64_t expected(const std::string& account_id) {
    return store_->bank().balances(account_id)->expected_minor;
  }
  std::int64_t booked(const std::string& account_id) {
    return store_->bank().balances(account_id)->closing_booked_minor;
  }
  std::string account_of(const std::string& profile_id) {
    return store_->bank().accounts_of_profile(profile_id).at(0).id;
  }
  std::string laura_account() { return store_->bank().find_account_by_iban(kLaura)->id; }

  std::string field_of(const std::string& text, PaymentKind kind = PaymentKind::Single) {
    try {
      service_->initiate(request(text, kind));
    } catch (const InvalidField& e) {
      return e.field() + " " + e.code();
    }
    return "accepted";
  }

  ManualClock clock_{*parse_rfc3339("2026-03-16T10:00:00Z")};
  SystemRandom random_;
  std::unique_ptr<store::test_support::TestDatabase> db_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<PaymentService> service_;
};

INSTANTIATE_TEST_SUITE_P(Stores, PaymentsTest,
                         ::testing::Values(store::test_support::Backend::Sqlite,
                                           store::test_support::Backend::Postgres),
                         store::test_support::backend_name);

TEST_P(PaymentsTest, ValidationNamesTheField) {
  EXPECT_EQ(field_of(body("12.50")), "accepted");
  EXPECT_EQ(field_of("[]"), " payment.body_malformed");
  EXPECT_EQ(field_of(body("12.505")), "instructedAmount.amount payment.amount_invalid");
  EXPECT_EQ(field_of(body("0.00")), "instructedAmount.amount payment.amount_invalid");
  EXPECT_EQ(field_of(body("-1")), "instructedAmount.amount payment.amount_invalid");
  EXPECT_EQ(field_of(body("1e3")), "instructedAmount.amount payment.amount_invalid");
  EXPECT_EQ(field_of(body("1", "", "NL91ABNA0417164301")),
            "creditorAccount.iban payment.iban_checksum");
  EXPECT_EQ(field_of(body("1", "", "XX00")), "creditorAccount.iban payment.iban_invalid");
  EXPECT_EQ(field_of(R"({"instructedAmount":{"amount":"1","currency":"eur"},)"
                     R"("creditorAccount":{"iban":"AT861921125678901234"},"creditorName":"L"})"),
            "instructedAmount.currency payment.currency_invalid");
  EXPECT_EQ(field_of(R"({"instructedAmount":{"amount":"1","currency":"EUR"},)"
                     R"("creditorAccount":{"iban":"AT861921125678901234"}})"),
            "creditorName payment.field_missing");
  EXPECT_EQ(field_of(body(
                "1", R"(,"remittanceInformationUnstructured":")" + std::string(141, 'a') + "\"")),
            "remittanceInformationUnstructured payment.field_too_long");
  EXPECT_EQ(field_of(body("1", R"(,"remittanceInformationUnstructured":"a;b")")),
            "remittanceInformationUnstructured payment.field_charset");
  EXPECT_EQ(field_of(body("1", R"(,"requestedExecutionDate":"2026-03-15")")),
            "requestedExecutionDate payment.date_in_past");
  EXPECT_EQ(field_of(body("100000.01", R"(,"localInstrumentCode":"INST")")),
            "instructedAmount.amount payment.instant_limit");
  EXPECT_EQ(
      field_of(body("1", R"(,"startDate":"2026-03-16","frequency":"HOUR")"), PaymentKind::Periodic),
      "frequency payment.frequency_invalid");
  EXPECT_EQ(field_of(body("1", R"(,"frequency":"WEEK")"), PaymentKind::Periodic),
            "startDate payment.field_missing");
  EXPECT_EQ(field_of(body("1", R"(,"startDate":"2026-03-20","endDate":"2026-03-18",)"
                               R"("frequency":"WEEK")"),
                     PaymentKind::Periodic),
            "endDate payment.date_invalid");
  EXPECT_EQ(
      field_of(body("1", R"(,"startDate":"2026-02-30","frequency":"WEEK")"), PaymentKind::Periodic),
      "startDate payment.date_invalid");
}

// Boost.JSON keeps the last of a duplicated member: the bank would book one amount while the
// signed body shows two. Such a body is refused before anything else is read from it.
TEST_P(PaymentsTest, ABodyWithADuplicatedMemberIsRefused) {
  auto code_of = [&](const std::string& text) {
    try {
      service_->initiate(request(text));
    } catch (const Error& e) {
      return e.code() + " " + e.message();
    }
    return std::string("accepted");
  };
  auto twice = R"({"instructedAmount":{"amount":"1.00","currency":"EUR"},)"
               R"("instructedAmount":{"amount":"900.00","currency":"EUR"},)"
               R"("creditorAccount":{"iban":"AT861921125678901234"},"creditorName":"L"})";
  auto refused = code_of(twice);
  EXPECT_EQ(refused.rfind("request.duplicate_member ", 0), 0u) << refused;
  EXPECT_NE(refused.find("instructedAmount"), std::string::npos) << refused;
  auto inner = code_of(R"({"instructedAmount":{"amount":"1.00","currency":"EUR"},)"
                       R"("creditorAccount":{"iban":"AT861921125678901234",)"
                       R"("iban":"DE89370400440532013000"},"creditorName":"L"})");
  EXPECT_EQ(inner.rfind("request.duplicate_member ", 0), 0u) << inner;
  EXPECT_NE(inner.find("creditorAccount.iban"), std::string::npos) << inner;
  EXPECT_EQ(code_of(body("1.00")), "accepted");
}

TEST_P(PaymentsTest, RejectedRequestsStoreNothing) {
  auto r = request(body("1.001"));
  EXPECT_THROW(service_->initiate(r), InvalidField);
  r.body = body("1.00");
  r.body_hash = r.body;
  auto first = service_->initiate(r);
  EXPECT_TRUE(first.created);  // the X-Request-ID of the rejected request was not recorded
}

TEST_P(PaymentsTest, InstantPaymentMovesBothBalances) {
  auto debtor_before = booked(kAVanDijk);
  auto creditor_before = booked(laura_account());
  auto p = service_->initiate(request(body("10.25", R"(,"localInstrumentCode":"INST")"))).payment;
  EXPECT_EQ(p.status, "RCVD");
  EXPECT_EQ(p.country, "AT");
  auto done = service_->approve(p.id, kAVanDijk);
  EXPECT_EQ(done.status, "ACSC");
  EXPECT_EQ(booked(kAVanDijk), debtor_before - 1025);
  EXPECT_EQ(booked(laura_account()), creditor_before + 1025);
  auto t = store_->bank().find_transaction(kAVanDijk, p.id);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->status, "booked");
  EXPECT_EQ(t->creditor.name, "Laura Musterfrau");
  EXPECT_EQ(
      service_->get_for("client-a", p.id, PaymentKind::Single, "sepa-credit-transfers").status,
      "ACSC");
}

TEST_P(PaymentsTest, NormalPaymentIsAcceptedThenSettlesByTheClock) {
  auto before = booked(kAVanDijk);
  auto p = service_->initiate(request(body("5.00", "", kOutside))).payment;
  auto accepted = service_->approve(p.id, kAVanDijk);
  EXPECT_EQ(accepted.status, "ACCP");
  EXPECT_EQ(expected(kAVanDijk), before - 500);
  EXPECT_EQ(booked(kAVanDijk), before);
  EXPECT_EQ(service_->run_due(), 0);
  clock_.advance(seconds(61));
  EXPECT_EQ(service_->run_due(), 1);
  EXPECT_EQ(booked(kAVanDijk), before - 500);
  EXPECT_EQ(service_->find(p.id)->status, "ACSC");
}

TEST_P(PaymentsTest, InsufficientFundsAndRejectingScenarioEndInRjct) {
  auto poor = account_of("nl-peter-smith");
  auto before = expected(poor);
  auto p = service_->initiate(request(body("500.00"))).payment;
  auto r = service_->approve(p.id, poor);
  EXPECT_EQ(r.status, "RJCT");
  EXPECT_EQ(r.status_reason, "AM04");
  EXPECT_EQ(expected(poor), before);

  auto sarah = account_of("nl-sarah-smith");
  auto q = service_->initiate(request(body("1.00"))).payment;
  EXPECT_EQ(service_->approve(q.id, sarah).status, "RJCT");

  auto refused = service_->initiate(request(body("1.00"))).payment;
  EXPECT_EQ(service_->reject(refused.id).status, "RJCT");
  EXPECT_THROW(service_->approve(refused.id, kAVanDijk), Error);
}

TEST_P(PaymentsTest, DebtorMustMatchDebtorAccountAndCurrency) {
  auto p =
      service_->initiate(request(body("1.00", R"(,"debtorAccount":{"iban":"NL69INGB0123456789"})")))
          .payment;
  EXPECT_EQ(p.country, "NL");
  EXPECT_THROW(service_->approve(p.id, account_of("nl-alice-and-bob")), Error);
  auto nl = store_->bank().find_profile("nl-a-van-dijk");
  ASSERT_TRUE(nl);
  auto candidates = service_->debtor_accounts(p, "nl-a-van-dijk");
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].id, kAVanDijk);
  EXPECT_EQ(service_->approve(p.id, kAVanDijk).status, "ACCP");
}

TEST_P(PaymentsTest, SameRequestIdReturnsTheFirstPaymentAndAnotherBodyConflicts) {
  auto first = service_->initiate(request(body("3.00"), PaymentKind::Single, "rid-1"));
  auto again = service_->initiate(request(body("3.00"), PaymentKind::Single, "rid-1"));
  EXPECT_TRUE(first.created);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(first.payment.id, again.payment.id);
  try {
    service_->initiate(request(body("4.00"), PaymentKind::Single, "rid-1"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 422);  // IETF Idempotency-Key: reused with another payload
    EXPECT_EQ(e.code(), "payment.request_id_reused");
  }
}

TEST_P(PaymentsTest, ConcurrentDuplicatesCreateOnePayment) {
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::set<std::string> ids;
  int created = 0;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&] {
      auto r = service_->initiate(request(body("7.00"), PaymentKind::Single, "same-id"));
      std::lock_guard lock(mutex);
      ids.insert(r.payment.id);
      created += r.created ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(created, 1);
}

TEST_P(PaymentsTest, PeriodicPaymentExecutesAsTheClockPassesItsDates) {
  auto before = booked(kAVanDijk);
  auto laura_before = booked(laura_account());
  auto p =
      service_
          ->initiate(request(body("2.00", R"(,"startDate":"2026-03-16","endDate":"2026-03-18",)"
                                          R"("frequency":"DAIL","dayOfExecution":"16")"),
                             PaymentKind::Periodic))
          .payment;
  auto active = service_->approve(p.id, kAVanDijk);
  EXPECT_EQ(active.status, "ACTV");
  EXPECT_EQ(active.executions, 1);
  EXPECT_EQ(active.next_execution_date, "2026-03-17");
  clock_.advance(hours(48));
  EXPECT_EQ(service_->run_due(), 1);
  auto done = *service_->find(p.id);
  EXPECT_EQ(done.executions, 3);
  EXPECT_EQ(done.status, "EXPI");
  EXPECT_EQ(booked(kAVanDijk), before - 600);
  EXPECT_EQ(booked(laura_account()), laura_before + 600);
  EXPECT_TRUE(store_->bank().find_transaction(kAVanDijk, p.id + "-3"));
  EXPECT_EQ(service_->run_due(), 0);
}

TEST_P(PaymentsTest, CancelAndOtherTpps) {
  auto p = service_->initiate(request(body("1.00"))).payment;
  EXPECT_THROW(service_->get_for("client-b", p.id, PaymentKind::Single, "sepa-credit-transfers"),
               Error);
  EXPECT_THROW(service_->get_for("client-a", p.id, PaymentKind::Periodic, "sepa-credit-transfers"),
               Error);
  EXPECT_EQ(service_->cancel("client-a", p.id, PaymentKind::Single, "sepa-credit-transfers").status,
            "CANC");
  auto standing =
      service_
          ->initiate(request(body("1.00", R"(,"startDate":"2026-03-20","frequency":"MNTH")"),
                             PaymentKind::Periodic))
          .payment;
  service_->approve(standing.id, kAVanDijk);
  EXPECT_EQ(
      service_->cancel("client-a", standing.id, PaymentKind::Periodic, "sepa-credit-transfers")
          .status,
      "CANC");
  clock_.advance(hours(24 * 10));
  service_->run_due();
  EXPECT_FALSE(store_->bank().find_transaction(kAVanDijk, standing.id + "-1"));
}

TEST_P(PaymentsTest, FundsAvailableFollowsExecutedPayments) {
  auto before = expected(kAVanDijk);
  EXPECT_TRUE(service_->funds_available(kAVanDijk, before));
  auto p = service_->initiate(request(body("1.00", R"(,"localInstrumentCode":"INST")"))).payment;
  service_->approve(p.id, kAVanDijk);
  EXPECT_FALSE(service_->funds_available(kAVanDijk, before));
}

// --- bulk payments ------------------------------------------------------------------------

std::string transfer(const std::string& amount, const std::string& iban = kLaura,
                     const std::string& extra = "") {
  return R"({"instructedAmount":{"amount":")" + amount + R"(","currency":"EUR"},)" +
         R"("creditorAccount":{"iban":")" + iban + R"("},"creditorName":"Laura Musterfrau")" +
         extra + "}";
}
std::string bulk(const std::vector<std::string>& transfers, const std::string& batch = "") {
  std::string list;
  for (const auto& t : transfers) list += (list.empty() ? "" : ",") + t;
  return "{" + batch + (batch.empty() ? "" : ",") + R"("payments":[)" + list + "]}";
}

TEST_P(PaymentsTest, BulkValidationNamesTheTransferAndTheField) {
  auto field = [&](const std::string& text) { return field_of(text, PaymentKind::Bulk); };
  EXPECT_EQ(field(bulk({transfer("1.00"), transfer("2.00")})), "accepted");
  EXPECT_EQ(field(R"({"payments":[]})"), "payments payment.field_missing");
  EXPECT_EQ(field(R"({"debtorName":"x"})"), "payments payment.field_missing");
  EXPECT_EQ(field(bulk({transfer("1.00"), transfer("1.00", "NL00INGB0000000000")})),
            "payments[1].creditorAccount.iban payment.iban_checksum");
  EXPECT_EQ(field(bulk({transfer("1.00"), transfer("-3")})),
            "payments[1].instructedAmount.amount payment.amount_invalid");
  EXPECT_EQ(field(bulk({transfer("1.00")}, R"("batchBookingPreferred":"yes")")),
            "batchBookingPreferred payment.field_invalid");
  // A batch-level member is named as sent.
  EXPECT_EQ(field(bulk({transfer("1.00")}, R"("requestedExecutionDate":"2001-01-01")")),
            "requestedExecutionDate payment.date_in_past");
  std::string usd = R"({"instructedAmount":{"amount":"1.00","currency":"USD"},)"
                    R"("creditorAccount":{"iban":"DE89370400440532013000"},"creditorName":"X"})";
  auto cross = request(bulk({transfer("1.00"), usd}), PaymentKind::Bulk);
  cross.product = "cross-border-credit-transfers";
  try {
    service_->initiate(cross);
    ADD_FAILURE() << "mixed currencies accepted";
  } catch (const InvalidField& e) {
    EXPECT_EQ(e.field(), "payments[1].instructedAmount.currency");
  }
  std::vector<std::string> many(kMaxBulkTransactions + 1, transfer("1.00"));
  EXPECT_EQ(field(bulk(many)), "payments payment.bulk_too_large");
}

TEST_P(PaymentsTest, BulkTransfersAreAcceptedOneByOneWithPartialAcceptance) {
  auto poor = account_of("nl-peter-smith");  // a few euros
  auto start = expected(poor);
  ASSERT_GT(start, 200);
  ASSERT_LT(start, 50000);
  auto laura_before = booked(laura_account());
  auto p =
      service_
          ->initiate(request(bulk({transfer("1.00", kLaura, R"(,"endToEndIdentification":"E1")"),
                                   transfer("500.00"), transfer("1.50")}),
                             PaymentKind::Bulk))
          .payment;
  EXPECT_EQ(p.kind, "bulk");
  EXPECT_EQ(p.amount_minor, 50250);
  EXPECT_EQ(service_->bulk_entries(p.id).size(), 3u);
  auto approved = service_->approve(p.id, poor);
  EXPECT_EQ(approved.status, "ACCP");
  auto entries = service_->bulk_entries(p.id);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].status, "ACCP");
  EXPECT_EQ(entries[0].end_to_end_id, "E1");
  EXPECT_EQ(entries[1].status, "RJCT");
  EXPECT_EQ(entries[1].status_reason, "AM04");
  EXPECT_EQ(entries[2].status, "ACCP");
  EXPECT_EQ(expected(poor), start - 250);  // reserved: the two accepted transfers
  // Settled by the bank's clock: each accepted transfer booked on its own, the batch PART.
  clock_.advance(seconds(61));
  service_->run_due();
  auto done = service_->find(p.id);
  EXPECT_EQ(done->status, "PART");
  entries = service_->bulk_entries(p.id);
  EXPECT_EQ(entries[0].status, "ACSC");
  EXPECT_EQ(entries[1].status, "RJCT");
  EXPECT_EQ(entries[2].status, "ACSC");
  EXPECT_TRUE(store_->bank().find_transaction(poor, p.id + "-1"));
  EXPECT_FALSE(store_->bank().find_transaction(poor, p.id + "-2"));
  EXPECT_EQ(store_->bank().find_transaction(poor, p.id + "-3")->status, "booked");
  EXPECT_EQ(booked(laura_account()), laura_before + 250);  // credited in the sandbank
}

TEST_P(PaymentsTest, BulkWithBatchBookingIsOneDebitOfAllOrNothing) {
  auto before = booked(kAVanDijk);
  auto p = service_
               ->initiate(request(bulk({transfer("2.00"), transfer("3.00", kOutside)},
                                       R"("batchBookingPreferred":true)"),
                                  PaymentKind::Bulk))
               .payment;
  EXPECT_EQ(service_->approve(p.id, kAVanDijk).status, "ACCP");
  clock_.advance(seconds(61));
  service_->run_due();
  EXPECT_EQ(service_->find(p.id)->status, "ACSC");
  auto one = store_->bank().find_transaction(kAVanDijk, p.id);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->amount_minor, -500);
  EXPECT_FALSE(store_->bank().find_transaction(kAVanDijk, p.id + "-1"));
  EXPECT_EQ(booked(kAVanDijk), before - 500);

  auto poor = account_of("nl-peter-smith");
  auto start = expected(poor);
  auto q = service_
               ->initiate(request(
                   bulk({transfer("1.00"), transfer("500.00")}, R"("batchBookingPreferred":true)"),
                   PaymentKind::Bulk))
               .payment;
  auto rejected = service_->approve(q.id, poor);
  EXPECT_EQ(rejected.status, "RJCT");
  EXPECT_EQ(rejected.status_reason, "AM04");
  for (const auto& e : service_->bulk_entries(q.id)) EXPECT_EQ(e.status, "RJCT");
  EXPECT_EQ(expected(poor), start);
}

TEST_P(PaymentsTest, InstantBulkSettlesAtOnceAndRejectAndCancelCoverEveryTransfer) {
  auto before = booked(kAVanDijk);
  auto p = service_
               ->initiate(request(
                   bulk({transfer("1.00"), transfer("2.00")}, R"("localInstrumentCode":"INST")"),
                   PaymentKind::Bulk))
               .payment;
  EXPECT_EQ(service_->approve(p.id, kAVanDijk).status, "ACSC");
  EXPECT_EQ(booked(kAVanDijk), before - 300);

  auto refused = service_->initiate(request(bulk({transfer("1.00")}), PaymentKind::Bulk)).payment;
  EXPECT_EQ(service_->reject(refused.id).status, "RJCT");
  EXPECT_EQ(service_->bulk_entries(refused.id)[0].status_reason, "MS02");
  auto cancelled = service_->initiate(request(bulk({transfer("1.00")}), PaymentKind::Bulk)).payment;
  EXPECT_EQ(
      service_->cancel("client-a", cancelled.id, PaymentKind::Bulk, "sepa-credit-transfers").status,
      "CANC");
  EXPECT_EQ(service_->bulk_entries(cancelled.id)[0].status, "CANC");
  // A bulk payment is not a single one.
  EXPECT_THROW(service_->get_for("client-a", p.id, PaymentKind::Single, "sepa-credit-transfers"),
               Error);
}

TEST_P(PaymentsTest, BulkIsIdempotentOnTheRequestId) {
  auto text = bulk({transfer("1.00"), transfer("2.00")});
  auto first = service_->initiate(request(text, PaymentKind::Bulk, "bulk-1"));
  EXPECT_TRUE(first.created);
  auto again = service_->initiate(request(text, PaymentKind::Bulk, "bulk-1"));
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.payment.id, first.payment.id);
  EXPECT_EQ(service_->bulk_entries(first.payment.id).size(), 2u);
  try {
    service_->initiate(request(bulk({transfer("9.00")}), PaymentKind::Bulk, "bulk-1"));
    ADD_FAILURE() << "another body under the same X-Request-ID was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 422);
    EXPECT_EQ(e.code(), "payment.request_id_reused");
  }
}

TEST(NextOccurrence, StepsKeepTheDayClampedToTheMonth) {
  EXPECT_EQ(next_occurrence("2026-01-31", "MNTH", 1), "2026-02-28");
  EXPECT_EQ(next_occurrence("2026-01-31", "MNTH", 2), "2026-03-31");
  EXPECT_EQ(next_occurrence("2026-03-16", "WEEK", 2), "2026-03-30");
  EXPECT_EQ(next_occurrence("2026-03-16", "TOWK", 1), "2026-03-30");
  EXPECT_EQ(next_occurrence("2026-03-16", "QUTR", 1), "2026-06-16");
  EXPECT_EQ(next_occurrence("2024-02-29", "YEAR", 1), "2025-02-28");
  EXPECT_EQ(next_occurrence("2026-12-31", "DAIL", 1), "2027-01-01");
}

}  // namespace
}  // namespace sandbank::bank
