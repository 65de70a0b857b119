#pragma once

// Running the real binaries a test needs (sandbank, curl, openssl, bash) without a shell.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace sandbank::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv to completion (no shell), capturing stdout and stderr. stdin is /dev/null
// unless `input` is given.
ProcessResult run(const std::vector<std::string>& argv, const std::string* input = nullptr,
                  std::chrono::seconds timeout = std::chrono::seconds(60));

// Runs a bash script (for the guide's own pipelines) with `cwd` as working directory.
ProcessResult run_bash(const std::string& script, const std::filesystem::path& cwd);

// argv for execv/execvp: pointers into `args` (which must outlive the call), null-terminated.
std::vector<char*> to_argv(const std::vector<std::string>& args);

// Runs the `sandbank` binary of this build with args.
ProcessResult sandbank(const std::vector<std::string>& args);

}  // namespace sandbank::testing
