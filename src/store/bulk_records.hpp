#pragma once

#include <cstdint>
#include <string>
#include <vector>

// The transactions of a bulk payment (PIS /v1|v2/bulk-payments): the batch itself is a
// PaymentRecord of kind "bulk" (debtor, currency, the total, the batch's status); each credit
// transfer of its `payments` array is one entry with a status of its own.
namespace sandbank::store {

struct BulkEntry {
  std::string payment_id;     // the bulk payment
  std::int64_t position = 0;  // index in the request's payments array, from 0
  std::string end_to_end_id;
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string creditor_iban;
  std::string creditor_name;
  std::string creditor_bic;
  std::string remittance;
  std::string status;         // RCVD ACCP ACSC RJCT CANC
  std::string status_reason;  // AM04, MS02, ... when RJCT

  friend bool operator==(const BulkEntry&, const BulkEntry&) = default;
};

class BulkEntryRepository {
 public:
  virtual ~BulkEntryRepository() = default;
  // (Entries are stored with their batch by PaymentRepository::create, in one transaction.)
  // The entries of a bulk payment by position.
  virtual std::vector<BulkEntry> of_payment(const std::string& payment_id) = 0;
  // Replaces the status and reason of every given entry in one transaction.
  virtual void update_statuses(const std::vector<BulkEntry>& entries) = 0;
};

}  // namespace sandbank::store
