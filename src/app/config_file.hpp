#pragma once

#include <string>
#include <vector>

namespace sandbank::app {

// `sandbank serve --config FILE`: every option can also be set in a TOML file, with the
// option's long name as key (`data = "/srv/sandbank"`, `threads = 4`,
// `server-name = ["sandbox.example"]`, `diagnostics = false`). The file's settings are turned
// into command-line arguments placed before the user's own, so the command line wins.
// Throws sandbank::Error (400 "config.invalid") naming the file, line and problem.
std::vector<std::string> expand_config_file(const std::vector<std::string>& argv);

}  // namespace sandbank::app
