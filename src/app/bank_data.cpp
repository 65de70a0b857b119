#include "app/bank_data.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include "app/codes.hpp"
#include "app/data_dir.hpp"
#include "bank/seed.hpp"
#include "core/error.hpp"

namespace sandbank::app {

bank::Profiles load_profiles_option(const std::filesystem::path& file) {
  if (file.empty()) return bank::builtin_profiles();
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw Error(400, codes::kConfigProfilesUnreadable,
                "cannot read the profiles file " + file.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return bank::load_profiles(text.str());
  } catch (const Error& e) {
    throw Error(e.status(), e.code(), file.string() + ": " + e.message(), e.diagnostic());
  }
}

int run_data_reset(const DataResetOptions& options) {
  auto profiles = load_profiles_option(options.profiles_file);
  auto dir = open_existing_data_dir(options.data_dir, options.store);
  SystemClock clock;
  auto seed = options.seed == 0 ? bank::kDefaultSeed : options.seed;
  bank::reset_bank(*dir.store, profiles, seed, clock.now());
  std::cout << "The simulated bank in " << dir.root.string() << " is back to its initial state ("
            << profiles.profiles.size() << " test profiles, seed " << seed
            << "). Applications and certificates are unchanged.\n";
  return 0;
}

}  // namespace sandbank::app
