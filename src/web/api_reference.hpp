#pragma once

#include <string>
#include <string_view>

#include "http/router.hpp"

// The human-readable reference of Sandbank's OpenAPI document (docs/openapi.json, compiled in)
// on the web listener: GET /docs/api. One page, rendered from the document by our own mustache
// template (templates/api_reference.mustache inside the pages' layout), with the pages'
// stylesheet and no script: the document's description, then every operation grouped by tag
// in the order of the document's tags, each an element id="op-<operationId>" with its method,
// path, listener, summary, description, security, parameters, request body and responses
// (status and description). Descriptions are shown as text; `code` spans, paragraphs and "- "
// lists are kept.
namespace sandbank::web {

inline constexpr std::string_view kApiReferencePath = "/docs/api";

// The page of an OpenAPI 3.1 document. Throws std::invalid_argument when the text is not JSON
// or lacks `paths`, or a local $ref does not resolve.
std::string render_api_reference(std::string_view openapi_json);

// GET /docs/api: renders the page once, when called (at start-up), and answers it as
// text/html with the pages' Content-Security-Policy.
http::Handler api_reference_handler(std::string_view openapi_json);

}  // namespace sandbank::web
