#pragma once

#include <array>
#include <string_view>

namespace sandbank::app {

// The pre-registered sandbox application of the guide (spec/api.md, "Sandbox identity").
inline constexpr std::string_view kSandboxClientId = "5ca1ab1e-c0ca-c01a-cafe-154deadbea75";
inline constexpr std::string_view kSandboxContact = "sandbox@sandbank.example";
inline constexpr std::array<std::string_view, 4> kSandboxRedirectUris = {
    "https://www.example.com/", "https://example.com/redirect", "http://localhost:8080/redirect",
    "http://localhost:8080/callback"};
inline constexpr std::string_view kSandboxOrganizationIdentifier = "PSDNL-SBX-1234512345";

}  // namespace sandbank::app
