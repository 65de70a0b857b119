#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bank/profiles.hpp"
#include "core/clock.hpp"
#include "store/bank_records.hpp"

// Deterministic account histories. The same profiles, seed and `today` give the same
// records, byte for byte, on every machine: all randomness comes from bank/prng.hpp and
// every profile draws from its own stream (derived from the seed and the profile id), so
// adding a profile leaves the others' histories unchanged.
namespace sandbank::bank {

// How far back histories reach at least. Generation starts on the first day of the month
// kHistoryMonths + 1 months before today's, so even monthly activity covers 13 months.
inline constexpr int kHistoryMonths = 13;

// The records for one profile: its accounts, their opening balances and transactions
// (ordered by execution time). Transactions dated after `today` are not generated; those
// whose booking date would fall after today's date are pending (no booking date) and carry
// that day as booking_due: bank/bookings.hpp books them when the bank's clock reaches it.
struct ProfileHistory {
  std::vector<store::BankAccount> accounts;
  std::vector<std::pair<std::string, std::int64_t>> opening_balances;
  std::vector<store::BankTransaction> transactions;
};
ProfileHistory generate_profile(const ProfileSpec& profile, int position, std::uint64_t seed,
                                TimePoint today);

// Every profile, ready for BankRepository::replace_all.
store::BankData generate_bank(const Profiles& profiles, std::uint64_t seed, TimePoint today);

// "YYYY-MM-DD" of a time (UTC).
std::string date_of(TimePoint t);

}  // namespace sandbank::bank
