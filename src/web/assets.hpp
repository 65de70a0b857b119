#pragma once

#include <string_view>

// The authorization app's templates and stylesheet, compiled into the binary from
// src/web/templates/ and src/web/assets/ (CMake generates assets_data.cpp).
namespace sandbank::web::assets {

extern const std::string_view kLayoutTemplate;    // templates/layout.mustache
extern const std::string_view kCountryTemplate;   // templates/country.mustache
extern const std::string_view kProfilesTemplate;  // templates/profiles.mustache
extern const std::string_view kErrorTemplate;     // templates/error.mustache
extern const std::string_view kRedirectTemplate;  // templates/redirect.mustache
extern const std::string_view kPaymentTemplate;   // templates/payment.mustache
extern const std::string_view kStylesheet;        // assets/sandbank.css

}  // namespace sandbank::web::assets
