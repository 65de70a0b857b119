#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "bank/profiles.hpp"

namespace sandbank::app {

// The test profiles in force: the file given with --profiles, else the compiled-in ones.
// Throws sandbank::Error naming the file when it cannot be read or is invalid.
bank::Profiles load_profiles_option(const std::filesystem::path& file);

struct DataResetOptions {
  std::filesystem::path data_dir = "sandbank-data";
  std::filesystem::path profiles_file;
  std::uint64_t seed = 0;  // 0: the default seed
  std::string store;       // --store: a PostgreSQL URL or SQLite file; "" = DATA/sandbank.db
};

// `sandbank data reset`: the simulated bank back to its initial state (profiles, accounts,
// 13 months of history up to today). Applications, tokens and consents are kept.
int run_data_reset(const DataResetOptions& options);

}  // namespace sandbank::app
