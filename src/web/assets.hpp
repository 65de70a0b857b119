#pragma once

#include <string_view>

// The web listener's templates and stylesheet and Sandbank's OpenAPI document, compiled into
// the binary from src/web/templates/, src/web/assets/ and docs/openapi.json (CMake generates
// assets_data.cpp).
namespace sandbank::web::assets {

extern const std::string_view kLayoutTemplate;        // templates/layout.mustache
extern const std::string_view kCountryTemplate;       // templates/country.mustache
extern const std::string_view kProfilesTemplate;      // templates/profiles.mustache
extern const std::string_view kErrorTemplate;         // templates/error.mustache
extern const std::string_view kRedirectTemplate;      // templates/redirect.mustache
extern const std::string_view kPaymentTemplate;       // templates/payment.mustache
extern const std::string_view kApiReferenceTemplate;  // templates/api_reference.mustache
extern const std::string_view kStylesheet;            // assets/sandbank.css
extern const std::string_view kOpenApiDocument;       // docs/openapi.json, byte for byte

}  // namespace sandbank::web::assets
