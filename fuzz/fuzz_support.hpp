#pragma once

// Shared by the libFuzzer targets: a split of the input into parts (FuzzedDataProvider from
// clang) and a fixed signing certificate made once per process.

#include <fuzzer/FuzzedDataProvider.h>

#include <chrono>
#include <string>

#include "core/clock.hpp"
#include "crypto/pki.hpp"

namespace sandbank::fuzz {

// A fixed clock: dates in the inputs are judged against 2026-03-16T10:00:00Z.
inline const ManualClock& fixed_clock() {
  static ManualClock clock{TimePoint(std::chrono::seconds(1773655200))};
  return clock;
}

// A self-signed QSealC-like certificate with a P-256 key, made once.
inline const crypto::Certificate& signing_certificate() {
  static const crypto::Certificate certificate = [] {
    auto key = crypto::PrivateKey::generate_ec_p256();
    crypto::IssueRequest r;
    r.profile = crypto::CertificateProfile::Qsealc;
    r.common_name = "fuzz";
    r.organization = "fuzz";
    r.organization_identifier = "PSDNL-SBX-0000000001";
    r.roles = {crypto::Psd2Role::AccountInformation};
    r.not_before = fixed_clock().now() - std::chrono::hours(24);
    r.not_after = fixed_clock().now() + std::chrono::hours(24 * 365);
    return crypto::issue_certificate(r, key.public_key(), std::nullopt, key);
  }();
  return certificate;
}

}  // namespace sandbank::fuzz
