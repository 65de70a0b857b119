#pragma once

// Helpers for the crypto tests: temporary folders, files, running the real openssl binary,
// and keys shared within one test process (RSA key generation is the slow part).

#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "crypto/keys.hpp"
#include "crypto/pki.hpp"
#include "crypto/sandbox_pki.hpp"
#include "crypto/test_keys.hpp"
#include "support/temp_dir.hpp"

namespace sandbank::crypto::testing {

// Temporary folders and files: the shared test support (tests/support/temp_dir.hpp).
using ::sandbank::testing::read_file;
using ::sandbank::testing::TempDir;
using ::sandbank::testing::write_file;

inline void write_file(const std::filesystem::path& p, std::span<const std::uint8_t> content) {
  write_file(p, std::string_view(reinterpret_cast<const char*>(content.data()), content.size()));
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout (stderr too when merged by the command)
};

// Runs a shell command (/bin/sh -c) and captures its standard output.
inline CommandResult run(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Single-quotes a path for the shell.
inline std::string q(const std::filesystem::path& p) {
  std::string out = "'";
  for (char c : p.string()) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// Fixed test keys (test_keys.hpp), parsed once per test process.
inline const PrivateKey& rsa_key_a() {
  static const PrivateKey k = PrivateKey::from_pem(kRsaKeyA);
  return k;
}
inline const PrivateKey& rsa_key_b() {
  static const PrivateKey k = PrivateKey::from_pem(kRsaKeyB);
  return k;
}
inline const PrivateKey& rsa_key_c() {
  static const PrivateKey k = PrivateKey::from_pem(kRsaKeyC);
  return k;
}
inline const PrivateKey& rsa_key_d() {
  static const PrivateKey k = PrivateKey::from_pem(kRsaKeyD);
  return k;
}
inline const PrivateKey& ec_key() {
  static const PrivateKey k = PrivateKey::from_pem(kEcKey);
  return k;
}

// A KeyGenerator for the sandbox PKI functions: RSA keys C, D, A, B in turn (distinct for up
// to four keys), fresh EC keys (EC generation is fast).
inline KeyGenerator fixed_keys() {
  auto next = std::make_shared<int>(0);
  return [next](KeyType type) {
    if (type == KeyType::Ec) return PrivateKey::generate_ec_p256();
    const PrivateKey* pool[] = {&rsa_key_c(), &rsa_key_d(), &rsa_key_a(), &rsa_key_b()};
    return *pool[(*next)++ % 4];
  };
}

inline TimePoint real_now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Expects `statement` to throw sandbank::Error with `code`; returns the error for more checks.
template <typename F>
Error expect_error(F&& statement, const std::string& code) {
  try {
    statement();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.message();
    return e;
  }
  ADD_FAILURE() << "expected sandbank::Error " << code;
  return Error(0, "", "");
}

}  // namespace sandbank::crypto::testing
