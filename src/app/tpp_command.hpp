#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace sandbank::app {

// `sandbank tpp ...`: the TPP toolkit's commands (docs/tpp.md), one per step of the guide.
struct TppCommand {
  CLI::App* command = nullptr;  // parsed() when the user ran `sandbank tpp ...`
  std::function<int()> run;     // runs the parsed subcommand; returns the exit code
};

// Exit codes: 0 success (2xx), 1 the server answered an error status, 2 a local problem the
// user can fix (profile, keys, certificates, missing token), 3 no answer (connection, TLS).
TppCommand add_tpp_commands(CLI::App& cli);

}  // namespace sandbank::app
