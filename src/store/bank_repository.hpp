#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/bank_records.hpp"

// The simulated bank's persistence. Errors as in store/store.hpp, plus
//  - 400 "bank.cursor_invalid"   a cursor that this store did not hand out
//  - 400 "bank.limit_invalid"    a page limit outside 1..1000
//  - 404 "store.not_found"       append/book on an account or transaction that is missing
namespace sandbank::store {

class BankRepository {
 public:
  static constexpr int kMaxPageLimit = 1000;

  virtual ~BankRepository() = default;

  // True when any profile is stored (the bank has been seeded).
  virtual bool seeded() = 0;
  // Deletes every bank record, then writes `data`, in one transaction.
  virtual void replace_all(const BankData& data) = 0;
  // Deletes every bank record.
  virtual void clear() = 0;

  // Profiles by country (in the data file's order); all countries when `country` is "".
  virtual std::vector<BankProfile> list_profiles(const std::string& country) = 0;
  virtual std::optional<BankProfile> find_profile(const std::string& id) = 0;

  virtual std::optional<BankAccount> find_account(const std::string& id) = 0;
  // The payment account with this IBAN (a card account settling on it is not returned).
  virtual std::optional<BankAccount> find_account_by_iban(const std::string& iban) = 0;
  virtual std::vector<BankAccount> accounts_of_profile(const std::string& profile_id) = 0;

  virtual std::optional<BankBalances> balances(const std::string& account_id) = 0;

  // One page of an account's transactions in a stable order (execution time, then
  // insertion), newest first. Costs O(limit) whatever the history length; a transaction
  // inserted between two page requests never shifts or repeats the later pages.
  virtual TransactionPage list_transactions(const TransactionQuery& query) = 0;
  // The same page without copying it: calls `visit` with each transaction in page order,
  // as views into the row being read (valid during the call only), and returns the page's
  // next cursor (absent on the last page). Same query, cursor and errors as
  // list_transactions; the read transaction stays open while `visit` runs, so it must not
  // call back into the store. What `visit` throws ends the read and propagates.
  using TransactionVisitor = std::function<void(const BankTransactionView&)>;
  virtual std::optional<std::string> visit_transactions(const TransactionQuery& query,
                                                        const TransactionVisitor& visit) = 0;
  // Looks a transaction up by its transactionId within the account.
  virtual std::optional<BankTransaction> find_transaction(const std::string& account_id,
                                                          const std::string& transaction_id) = 0;

  // Inserts a transaction and moves the account's balances in the same transaction.
  // `transaction.status` decides whether booked_sum or pending_sum changes. Returns the
  // stored record (with row_id). 404 when the account is missing, 409 when the
  // transactionId exists on the account, 400 "bank.currency_mismatch" when the currency
  // differs from the account's.
  virtual BankTransaction append_transaction(const BankTransaction& transaction) = 0;
  // Books a pending transaction at `booked_at`: its bookingDate and valueDate become that day,
  // its amount moves from pending_sum to booked_sum and the balances' last change is at least
  // `booked_at`. 404 when missing; no change when already booked.
  virtual BankTransaction book_transaction(const std::string& account_id,
                                           const std::string& transaction_id,
                                           TimePoint booked_at) = 0;

  // The earliest booking_due of a pending transaction ("YYYY-MM-DD"), if any.
  virtual std::optional<std::string> next_booking_due() = 0;
  // Books, in one transaction, every pending transaction whose booking_due is on or before
  // the date of `now`: status booked, booking_date and value_date = booking_due (as the
  // generated booked transactions have them), the amounts move from pending_sum to
  // booked_sum and each account's last_change becomes the start of its latest booking day
  // when that is later. The execution time, and with it the page order, stays. Returns how
  // many transactions it booked; 0 when none was due (a second caller, in this process or
  // another, finds them booked).
  virtual int book_due(TimePoint now) = 0;
};

}  // namespace sandbank::store
