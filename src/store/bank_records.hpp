#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

// Records of the simulated bank: test profiles, their accounts, transactions and balances.
// Plain values like store/records.hpp. Money is always an integer number of minor units
// (cents) next to an ISO 4217 currency code; never floating point.
namespace sandbank::store {

// A test customer a TPP can pick in the authorization app.
struct BankProfile {
  std::string id;  // stable, e.g. "nl-a-van-dijk"
  std::string name;
  std::string country;              // BE, NL, ES, RO, LU, IT, DE, WB, AT
  std::vector<std::string> scopes;  // the scopes this profile can grant
  std::string scenario;             // "" or e.g. "payments_rejected"
  int position = 0;                 // order within its country, as the data file lists it

  friend bool operator==(const BankProfile&, const BankProfile&) = default;
};

// A payment account or a card account.
struct BankAccount {
  std::string id;  // resourceId (uuid)
  std::string profile_id;
  int position = 0;  // order within the profile
  std::string kind;  // "current" | "savings" | "card"
  std::string iban;  // card accounts: the IBAN of the settlement account, or ""
  std::string bban;  // national part of the IBAN (after the check digits)
  std::string bic;
  std::string masked_pan;  // card accounts only, e.g. "5355********1234"
  std::string name;        // account holder name(s) as shown by AIS
  std::string product;     // "Betaalrekening", "Girokonto", "Card de Credit", ...
  std::string currency;
  std::int64_t credit_limit_minor = 0;  // > 0 for card accounts with a limit

  friend bool operator==(const BankAccount&, const BankAccount&) = default;
};

// One side of a transaction: who paid or got paid.
struct BankParty {
  std::string name;
  std::string iban;
  std::string bic;

  friend bool operator==(const BankParty&, const BankParty&) = default;
};

// One booked or pending transaction of an account. Negative amounts leave the account.
struct BankTransaction {
  std::int64_t row_id = 0;  // store-assigned, increasing with insertion; 0 before insert
  std::string account_id;
  std::string transaction_id;  // unique within the account
  std::string end_to_end_id;   // "NOTPROVIDED" when the payer gave none
  std::string status;          // "booked" | "pending"
  // Execution moment; also the stable sort key of the account's transaction list.
  TimePoint execution_time;
  std::string booking_date;  // "YYYY-MM-DD"; "" while pending
  std::string value_date;    // "YYYY-MM-DD"
  // "YYYY-MM-DD": the day a pending transaction of a generated history books by itself
  // (BankRepository::book_due), kept once it has; "" for one that waits for something else
  // (a payment's settlement) and for booked ones. Read by find_transaction only: pages
  // (list_transactions, visit_transactions) leave it "".
  std::string booking_due;
  std::int64_t amount_minor = 0;
  std::string currency;
  BankParty creditor;
  BankParty debtor;
  std::string transaction_type;  // free text: "Overschrijving", "Betaalautomaat", ...
  std::string remittance_unstructured;
  std::string remittance_structured;  // SCOR reference, or ""
  std::string masked_pan;             // card transactions
  std::string transaction_details;    // card transactions: merchant/location text

  friend bool operator==(const BankTransaction&, const BankTransaction&) = default;
};

// A transaction as visit_transactions reads it: the fields of BankTransaction as views into
// the row being read, valid only while the visitor runs.
struct BankTransactionView {
  std::int64_t row_id = 0;
  std::string_view account_id;
  std::string_view transaction_id;
  std::string_view end_to_end_id;
  std::string_view status;
  // As stored, "YYYY-MM-DDTHH:MM:SS.ffffffZ" (sqlite::format_timestamp); not checked.
  std::string_view execution_time;
  std::string_view booking_date;
  std::string_view value_date;
  std::int64_t amount_minor = 0;
  std::string_view currency;
  std::string_view creditor_name;
  std::string_view creditor_iban;
  std::string_view creditor_bic;
  std::string_view debtor_name;
  std::string_view debtor_iban;
  std::string_view debtor_bic;
  std::string_view transaction_type;
  std::string_view remittance_unstructured;
  std::string_view remittance_structured;
  std::string_view masked_pan;
  std::string_view transaction_details;
  // Rows of a page (visit_transactions): the texts above as they are stored together, each
  // with its length in front (page_fields, migrations 11 and 13), so a reader can check them in
  // one pass; empty otherwise.
  std::string_view packed_texts;
};

// The execution time of a view (its stored text parsed); 500 store.damaged when unreadable.
TimePoint execution_time_of(const BankTransactionView& transaction);

// The running balance of an account, kept up to date on every append, and the balance
// types ING's AIS reports derived from it:
//   closing_booked    = opening_booked + booked_sum
//   expected          = closing_booked + pending_sum
//   interim_booked    = closing_booked
//   interim_available = expected + credit_limit
struct BankBalances {
  std::string account_id;
  std::string currency;
  std::int64_t opening_booked_minor = 0;  // before the oldest booked transaction
  std::int64_t booked_sum_minor = 0;
  std::int64_t pending_sum_minor = 0;
  std::int64_t credit_limit_minor = 0;
  std::int64_t closing_booked_minor = 0;
  std::int64_t expected_minor = 0;
  std::int64_t interim_booked_minor = 0;
  std::int64_t interim_available_minor = 0;
  TimePoint last_change;

  friend bool operator==(const BankBalances&, const BankBalances&) = default;
};

// Everything seeding writes in one go.
struct BankData {
  std::vector<BankProfile> profiles;
  std::vector<BankAccount> accounts;
  // Per account: its opening booked balance. Sums are computed from the transactions.
  std::vector<std::pair<std::string, std::int64_t>> opening_balances;
  std::vector<BankTransaction> transactions;  // inserted in this order
  TimePoint seeded_at;
};

// A page request over one account's transactions, newest first.
struct TransactionQuery {
  std::string account_id;
  std::optional<TimePoint> from;  // inclusive, on execution_time
  std::optional<TimePoint> to;    // inclusive
  int limit = 100;                // 1..1000
  // An opaque cursor from TransactionPage::next_cursor. It carries the position and the
  // from/to of the first request; when given, `from` and `to` above are ignored.
  std::optional<std::string> cursor;
};

struct TransactionPage {
  std::vector<BankTransaction> transactions;  // booked and pending, newest first
  std::optional<std::string> next_cursor;     // absent on the last page
};

}  // namespace sandbank::store
