#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

#include "core/clock.hpp"
#include "store/store.hpp"

// The pending transactions of the generated histories book themselves, as a real bank's do:
// each knows its booking day (BankTransaction::booking_due), and once the bank's clock has
// reached that day it is booked (BankRepository::book_due: status booked, bookingDate and
// valueDate that day, the balances moved, lastChangeDateTime the start of that day). Payments'
// pending debits are not among them; PaymentService settles those.
//
// Where it runs (sandbank serve): before each AIS balances and transactions read, and every
// second next to the payment clock. Funds checks (PIS, CAF) need no catch-up: booking moves
// an amount from pending to booked, which leaves the expected balance they compare unchanged.
namespace sandbank::bank {

class PendingBookings {
 public:
  PendingBookings(store::Store& store, const Clock& clock);

  // Books every generated pending transaction that is due by the clock; returns how many
  // this call booked. Nearly free when none is: it reads the clock and the store's change
  // counter and compares them with the earliest due day it knows (kept in memory) and the
  // counter it learned that day at. Only when today has reached that day, or the store has
  // changed since (a booking or a reseed by this process or another one), does it ask the
  // store, and it writes only when something is due. Exactly once across threads and
  // processes: the booking is one write transaction that books only what is still pending.
  // Safe to call from several threads.
  int catch_up();

 private:
  static constexpr std::int64_t kNoneDue = INT64_MAX;

  store::Store& store_;
  const Clock& clock_;
  std::mutex mutex_;  // one refresh at a time (this process)
  // The earliest booking day of a pending transaction, in days since 1970-01-01 (kNoneDue:
  // none), as of change counter seen_ (published after next_due_).
  std::atomic<std::int64_t> next_due_{kNoneDue};
  std::atomic<std::uint64_t> seen_{~std::uint64_t{0}};
};

}  // namespace sandbank::bank
