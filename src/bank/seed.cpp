#include "bank/seed.hpp"

#include "bank/history.hpp"

namespace sandbank::bank {

bool seed_bank(store::Store& store, const Profiles& profiles, std::uint64_t seed, TimePoint today) {
  if (store.bank().seeded()) return false;
  store.bank().replace_all(generate_bank(profiles, seed, today));
  return true;
}

void reset_bank(store::Store& store, const Profiles& profiles, std::uint64_t seed,
                TimePoint today) {
  store.bank().replace_all(generate_bank(profiles, seed, today));
}

}  // namespace sandbank::bank
