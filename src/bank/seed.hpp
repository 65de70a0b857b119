#pragma once

#include <cstdint>

#include "bank/profiles.hpp"
#include "core/clock.hpp"
#include "store/store.hpp"

// Filling the store with the simulated bank's data.
namespace sandbank::bank {

// The seed `sandbank data reset` uses when none is given.
inline constexpr std::uint64_t kDefaultSeed = 20191119;

// First-start seeding: when the store holds no bank data yet, generates every profile's
// accounts and 13 months of history up to `today` and writes them in one transaction.
// Returns false (and changes nothing) when the bank was seeded before.
bool seed_bank(store::Store& store, const Profiles& profiles, std::uint64_t seed, TimePoint today);

// Deletes all bank data (profiles, accounts, balances, transactions, including payments
// booked since) and seeds again, in one transaction.
void reset_bank(store::Store& store, const Profiles& profiles, std::uint64_t seed, TimePoint today);

}  // namespace sandbank::bank
