#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "store/bulk_records.hpp"

// Payments initiated through PIS (single and periodic) and the idempotency keys of their
// initiation requests. Plain values; the rules live in src/bank/payments.
namespace sandbank::store {

struct PaymentRecord {
  std::string id;             // paymentId (uuid)
  std::string client_id;      // the TPP that initiated it
  std::string kind;           // "single" | "periodic"
  std::string product;        // "sepa-credit-transfers", ...
  std::string request_json;   // the PaymentInstruction as submitted (GET .../{paymentId})
  std::string status;         // ING transactionStatus: RCVD ACCP ACSC RJCT CANC ACTV EXPI
  std::string status_reason;  // ISO 20022 reason code of RJCT (AM04, ...), else ""
  std::string country;        // the country of the authorization page (scaRedirect CC)
  std::string redirect_uri;   // TPP-Redirect-URI
  std::string psu_ip_address;
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string creditor_iban;
  std::string creditor_name;
  std::string creditor_bic;
  std::string debtor_iban;        // as requested (may be "") or, once authorized, the debtor's
  std::string debtor_account_id;  // set when the customer authorized it
  std::string remittance;
  std::string end_to_end_id;
  bool instant = false;
  std::string requested_execution_date;  // "YYYY-MM-DD" or ""
  // Periodic payments.
  std::string start_date;
  std::string end_date;
  std::string frequency;
  std::string next_execution_date;  // the next occurrence still to execute, "" when none
  std::int64_t executions = 0;      // occurrences executed (booked)
  std::int64_t failed_executions = 0;
  // Single payments accepted but not settled: the moment they settle (ACCP → ACSC).
  std::optional<TimePoint> settle_at;
  // A pain.001 payment: the document as submitted (GET .../pain.001-{product}/{paymentId});
  // "" for a JSON one. request_json then holds the PaymentInstruction it was read as.
  std::string request_xml;
  TimePoint created_at;
  TimePoint updated_at;

  friend bool operator==(const PaymentRecord&, const PaymentRecord&) = default;
};

// The outcome of PaymentRepository::create.
struct PaymentCreation {
  PaymentRecord payment;  // the new payment, or the one the first request created
  bool created = false;   // false: (client_id, request_id) was seen before
  std::string body_hash;  // the body hash recorded with the first request
};

class PaymentRepository {
 public:
  virtual ~PaymentRepository() = default;

  // Stores `payment` together with the idempotency key (client_id, request_id) and the body
  // hash, in one transaction. When the key exists already, nothing is written and the
  // payment of the first request is returned with created = false (also when several
  // processes or threads race: exactly one creates).
  // A bulk payment's credit transfers are stored in the same transaction (`entries`, their
  // payment_id that of `payment`), so a batch never exists without them, nor they without it.
  virtual PaymentCreation create(const PaymentRecord& payment, const std::string& request_id,
                                 const std::string& body_hash,
                                 const std::vector<BulkEntry>& entries = {}) = 0;
  virtual std::optional<PaymentRecord> find(const std::string& id) = 0;
  // Replaces every mutable field. 404 "store.not_found" when missing.
  virtual void update(const PaymentRecord& payment) = 0;
  // Payments with work to do at `now`: single payments in ACCP whose settle_at has passed,
  // and periodic payments in ACTV whose next_execution_date is not after `today`.
  virtual std::vector<PaymentRecord> due(TimePoint now, const std::string& today) = 0;
};

}  // namespace sandbank::store
