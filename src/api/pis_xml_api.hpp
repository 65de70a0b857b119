#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "api/pain001.hpp"
#include "api/pis_api.hpp"
#include "core/error.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

// The pain.001 (ISO 20022 XML) operations of the Payment Initiation API (docs/api.md
// "pain.001"). Authentication, idempotency, the SCA page and the payment's life are the JSON
// API's (api/pis_api, bank::PaymentService); documents are read and written by api/pain001.
namespace sandbank::api {

// The products ING offers pain.001 for: sepa-credit-transfers, cross-border-credit-transfers,
// domestic-credit-transfers. Each has its own routes (the product is part of the segment
// "pain.001-{product}", so it cannot be a path parameter).
std::span<const std::string_view> pain001_products();

// The handlers, for each product:
//   POST   /v1/payments/pain.001-{product}                      application/xml → 201 JSON
//   GET    /v1/payments/pain.001-{product}/{paymentId}          the document as submitted
//   GET    /v1/payments/pain.001-{product}/{paymentId}/status   pain.002.001.03
//   GET    /v2/payments/pain.001-{product}/{paymentId}/status   pain.002.001.11
//   POST   /v1/periodic-payments/pain.001-{product}             multipart/form-data → 201 JSON
//   GET    /v1/periodic-payments/pain.001-{product}/{paymentId} multipart/form-data
//   GET    /v1/periodic-payments/pain.001-{product}/{paymentId}/status  JSON (its status link)
// and DELETE on the two resources, which ING does not offer for pain.001: 405 (refuse_delete).
http::Response initiate_single(PisApi& api, http::Request& request, std::string_view product);
http::Response get_single(PisApi& api, http::Request& request, std::string_view product);
http::Response get_single_status(PisApi& api, http::Request& request, std::string_view product,
                                 pain001::StatusVersion version);
http::Response initiate_periodic(PisApi& api, http::Request& request, std::string_view product);
http::Response get_periodic(PisApi& api, http::Request& request, std::string_view product);
http::Response get_periodic_status(PisApi& api, http::Request& request, std::string_view product);
http::Response refuse_delete(PisApi& api, http::Request& request, std::string_view product);

// For the API router's error renderer: an error raised before any handler (by the HTTP server
// or the router) on a pain.001 path, as the TPPMessages body ING's specification declares
// there. A body over the server's limit is the 400 of a document over the parser's limit
// (pain001.too_large). nullopt for other paths.
std::optional<http::Response> render_pain001_path_error(const http::Request& request,
                                                        const Error& error, bool diagnostics);

}  // namespace sandbank::api
