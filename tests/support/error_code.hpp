#pragma once

// The detail code of the sandbank::Error a call throws: what most refusal tests assert.

#include <functional>
#include <string>

#include "core/error.hpp"

namespace sandbank::testing {

// Runs `f` and returns the code() of the sandbank::Error it throws ("" when it returns
// normally; any other exception propagates and fails the test). With `message`, also stores
// the error's message there.
inline std::string code_of(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message != nullptr) *message = e.message();
    return e.code();
  }
  return "";
}

}  // namespace sandbank::testing
