#include "bank/bookings.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace sandbank::bank {
namespace {

using namespace std::chrono;

std::int64_t day_number(TimePoint t) {
  return floor<days>(t).time_since_epoch().count();
}

// Days since 1970-01-01 of "YYYY-MM-DD", or nullopt.
std::optional<std::int64_t> day_number(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8}, sizes[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (std::size_t j = starts[i]; j < starts[i] + sizes[i]; ++j) {
      if (text[j] < '0' || text[j] > '9') return std::nullopt;
      parts[i] = parts[i] * 10 + (text[j] - '0');
    }
  }
  year_month_day ymd{year{parts[0]}, month{static_cast<unsigned>(parts[1])},
                     day{static_cast<unsigned>(parts[2])}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd}.time_since_epoch().count();
}

}  // namespace

PendingBookings::PendingBookings(store::Store& store, const Clock& clock)
    : store_(store), clock_(clock) {}

int PendingBookings::catch_up() {
  const auto now = clock_.now();
  const auto today = day_number(now);
  if (store_.change_counter() == seen_.load(std::memory_order_acquire) &&
      today < next_due_.load(std::memory_order_relaxed)) {
    return 0;
  }
  std::lock_guard lock(mutex_);
  auto counter = store_.change_counter();
  if (counter == seen_.load(std::memory_order_relaxed) &&
      today < next_due_.load(std::memory_order_relaxed)) {
    return 0;  // another thread has just refreshed
  }
  auto& bank = store_.bank();
  int booked = 0;
  auto next = bank.next_booking_due();
  auto next_day = next ? day_number(*next) : std::nullopt;
  if (next_day && *next_day <= today) {
    booked = bank.book_due(now);
    // Our own commit moved the counter: the earliest day is learned again after it.
    counter = store_.change_counter();
    next = bank.next_booking_due();
    next_day = next ? day_number(*next) : std::nullopt;
  }
  // A commit between reading `counter` and the query above leaves the counter moved, so the
  // next call looks again.
  next_due_.store(next_day ? *next_day : kNoneDue, std::memory_order_relaxed);
  seen_.store(counter, std::memory_order_release);
  return booked;
}

}  // namespace sandbank::bank
