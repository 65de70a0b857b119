#pragma once

// Every detail code the core layer emits (Error::code(), the "detail" of error bodies and the
// access log): one catalogue per layer, so that a code is spelled once and cannot be
// mistyped. The values are part of the contract (tests and TPPs match on them).
namespace sandbank::core::codes {

inline constexpr char kRequestDuplicateMember[] = "request.duplicate_member";

}  // namespace sandbank::core::codes
