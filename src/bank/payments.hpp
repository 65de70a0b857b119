#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "store/store.hpp"

// The payment engine of the simulated bank (docs/api.md "PIS"): validation of payment
// instructions, the status machine, execution against the accounts' balances, and the
// schedule of periodic payments. The clock is the bank's: settlement of normal transfers and
// the occurrences of periodic payments happen when it passes their moment (run_due).
//
// Single payments:   RCVD ─approve→ ACSC (instant) | ACCP ─settle_at→ ACSC
//                    RCVD ─reject / insufficient funds / scenario→ RJCT;  RCVD ─cancel→ CANC
// Periodic payments: RCVD ─approve→ ACTV ─end date passed→ EXPI;  RJCT;  CANC (cancel)
// Bulk payments (bulk_payments.cpp): one authorization for the batch; each credit transfer
//                    is accepted (ACCP/ACSC) or rejected (RJCT AM04) on its own, or all
//                    together with batchBookingPreferred; the batch: RCVD ─approve→ ACCP |
//                    ACSC (all accepted) | PART (some rejected, the rest settled) | RJCT.
//
// Error detail codes (sandbank::Error): 400 payment.* validation codes as InvalidField
// (with the JSON path of the field), 404 payment.unknown, 422 payment.request_id_reused,
// 409 payment.not_authorizable, 400 payment.not_cancellable, 400 payment.debtor_invalid.
namespace sandbank::bank {

inline constexpr std::string_view kScopeOrders = "payment-accounts:orders:create";

enum class PaymentKind { Single, Periodic, Bulk };
std::string_view kind_name(PaymentKind kind);  // "single" | "periodic" | "bulk"

// How a payment was initiated: a JSON PaymentInstruction or a pain.001 document. Each is its
// own resource: a payment is found only under the paths of its format.
enum class PaymentFormat { Json, Pain001 };

// ING's payment products (path segment {payment-product}).
bool known_payment_product(std::string_view product);

// The field rules every format of payment shares:
// ING's text fields: a-z A-Z 0-9 and ?:()./,'+ - and space.
bool allowed_payment_text(std::string_view text);
// Three upper-case letters (ISO 4217 form).
bool valid_currency_code(std::string_view code);
// A calendar date "YYYY-MM-DD".
bool valid_payment_date(std::string_view text);

// Validation failures are sandInvalidField (core/error.hpp): a 400 naming the field by
// its JSON path ("instructedAmount.amount", "creditorAccount.iban", ...).

struct PaymentSettings {
  // A normal (not instant) transfer settles this long after the customer authorized it.
  Seconds settlement_delay{60};
  // SEPA Instant's scheme limit per payment (EUR, minor units).
  std::int64_t instant_limit_minor = 100000 * 100;
  // How many occurrences one run_due() books at most for one periodic payment (catch-up
  // after a large clock jump).
  int max_catch_up = 400;
};

struct InitiationRequest {
  PaymentKind kind = PaymentKind::Single;
  std::string product;
  std::string client_id;
  std::string request_id;  // X-Request-ID
  std::string body;        // the JSON body as sent (a pain.001's: the instruction read from it)
  std::string xml;         // the pain.001 document as sent; "" for a JSON initiation
  std::string body_hash;   // a digest of `body`, compared on a repeated X-Request-ID
  std::string redirect_uri;
  std::string psu_ip_address;
  // The payment-rejected scenario (docs/scenarios.md): the payment is stored RJCT with this
  // ISO 20022 reason at once; "" for a payment like any other.
  std::string reject_reason;
};

struct Initiation {
  store::PaymentRecord payment;
  bool created = false;  // false: the first result of a repeated X-Request-ID
};

// Validates a PaymentInstruction (and, for periodic payments, the standing order fields)
// and fills the record's payment fields. `today` is "YYYY-MM-DD". `bank` resolves IBANs the
// sandbank holds (they are accepted even when copied from ING's documentation with wrong
// check digits). Throws InvalidField.
store::PaymentRecord parse_payment(PaymentKind kind, std::string_view product,
                                   std::string_view body, const std::string& today,
                                   store::BankRepository& bank, const PaymentSettings& settings);

// The occurrence after `date` ("YYYY-MM-DD") for a frequency (DAIL WEEK TOWK MNTH TOMN FOMN
// QUTR SEMI YEAR); month steps keep the start day, clamped to the month's end.
std::string next_occurrence(const std::string& start_date, const std::string& frequency,
                            std::int64_t index);

// A bulk payment request (BulkPaymentInitiationSct_json, v1 and v2): the batch as a
// PaymentRecord of kind "bulk" (debtor, currency, requestedExecutionDate, the total as amount)
// and its credit transfers. Every transfer is checked as a PaymentInstruction with the batch's
// debtorAccount, requestedExecutionDate and localInstrumentCode; errors name
// "payments[i].<field>". All transfers share one currency. At most 5000 (ING's maxItems).
struct BulkRequest {
  store::PaymentRecord batch;
  std::vector<store::BulkEntry> entries;  // payment_id left empty
};
inline constexpr std::size_t kMaxBulkTransactions = 5000;
BulkRequest parse_bulk_payment(std::string_view product, std::string_view body,
                               const std::string& today, store::BankRepository& bank,
                               const PaymentSettings& settings);
bool known_frequency(std::string_view frequency);

class PaymentService {
 public:
  PaymentService(store::Store& store, const Clock& clock, RandomSource& random,
                 PaymentSettings settings = {});

  // Validates and stores a new payment in RCVD, or returns the payment of an earlier request
  // with the same (client_id, X-Request-ID) and body hash (422 payment.request_id_reused
  // when the body differs: PIS documents no 409). Durable when it returns.
  Initiation initiate(const InitiationRequest& request);

  // The payment of `client_id`, of this kind, product and format, after running its due
  // work. 404 payment.unknown for a missing one or one of another TPP.
  store::PaymentRecord get_for(const std::string& client_id, const std::string& payment_id,
                               PaymentKind kind, const std::string& product,
                               PaymentFormat format = PaymentFormat::Json);
  // DELETE: RCVD payments and unfinished periodic payments (RCVD, ACTV) become CANC; 400
  // payment.not_cancellable otherwise.
  store::PaymentRecord cancel(const std::string& client_id, const std::string& payment_id,
                              PaymentKind kind, const std::string& product,
                              PaymentFormat format = PaymentFormat::Json);

  // For the payment authorization page.
  std::optional<store::PaymentRecord> find(const std::string& payment_id);
  // The credit transfers of a bulk payment, by position (empty for other kinds).
  std::vector<store::BulkEntry> bulk_entries(const std::string& payment_id);
  // Accounts the customer may pay from: payment accounts of the profile in the payment's
  // currency (only the debtorAccount when the request named one).
  std::vector<store::BankAccount> debtor_accounts(const store::PaymentRecord& payment,
                                                  const std::string& profile_id);
  // The customer approves with `debtor_account_id`: executes (or schedules) the payment, or
  // rejects it (RJCT with AM04 when funds are insufficient, or the profile's scenario).
  // `reject_reason` (the payment page's payment-rejected or sca-failed scenario,
  // docs/scenarios.md): RJCT with that reason instead, once the account is checked.
  store::PaymentRecord approve(const std::string& payment_id, const std::string& debtor_account_id,
                               const std::string& reject_reason = "");
  // The customer rejects: RJCT.
  store::PaymentRecord reject(const std::string& payment_id);

  // Settles accepted payments and books the periodic occurrences that are due by the clock.
  // Returns how many payments changed.
  int run_due();

  // Funds check (CAF and payment execution): expected balance plus credit limit ≥ amount.
  bool funds_available(const std::string& account_id, std::int64_t amount_minor);

 private:
  store::PaymentRecord advance(store::PaymentRecord payment);  // under mutex_
  // bulk_payments.cpp, under mutex_.
  Initiation initiate_bulk(const InitiationRequest& request);
  store::PaymentRecord approve_bulk(store::PaymentRecord batch, const store::BankAccount& debtor);
  void settle_bulk(store::PaymentRecord& batch);
  void finish_bulk(store::PaymentRecord& batch, const std::string& status,
                   const std::string& reason);
  void settle(store::PaymentRecord& payment);
  bool execute_occurrence(store::PaymentRecord& payment, const std::string& date);
  void book(const store::PaymentRecord& payment, const store::BankAccount& debtor,
            const std::string& transaction_id, const std::string& status, TimePoint when);
  std::string today() const;

  store::Store& store_;
  const Clock& clock_;
  RandomSource& random_;
  PaymentSettings settings_;
  std::mutex mutex_;  // one execution at a time (this process)
};

}  // namespace sandbank::bank
