#pragma once

// The store tests' names for the shared test support (tests/support/temp_dir.hpp).
#include "support/temp_dir.hpp"

namespace sandbank::store::test_support {

using sandbank::testing::read_file;
using sandbank::testing::TempDir;
using sandbank::testing::write_file;

}  // namespace sandbank::store::test_support
