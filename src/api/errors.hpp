#pragma once

#include "core/error.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

// The one error path of the API listener: how an Error becomes a response, whoever raised it
// (a handler, the router's 404/405, the server's own 400/408/413/431). The body follows the
// route's RouteInfo::error_body (app/routes.cpp gives each route one): RFC 6749 on the token
// endpoint, tppMessages with the AIS or the PIS codes on AIS/PIS/CAF paths, {message, detail}
// elsewhere. Handlers only throw.
namespace sandbank::api {

// Which error body a route answers with (RouteInfo::error_body).
enum class ErrorBody : int {
  Plain = 0,    // {"message", "detail", "diagnostic"?}
  OAuth = 1,    // RFC 6749 {"error", "error_description", "message", "detail"} (token endpoint)
  Ais = 2,      // tppMessages with the Account Information API's codes
  Pis = 3,      // tppMessages with the Payment Initiation API's codes (also CAF)
  Web = 4,      // the web listener: an HTML error page (web::render_web_error)
  WebJson = 5,  // the web listener's JSON API (/grantssupport/): {"message", "detail"}
};

// "json", "oauth", "tppMessages (AIS)", "tppMessages (PIS)", "html" (`sandbank routes`).
const char* error_body_name(int error_body);

// The error body of a request on the API listener: its route's, or for a request no route
// matched the one of the API its path belongs to (api::tpp_api_of), else Plain.
ErrorBody error_body_of(const http::Request& request);

// The response for `error` on the API listener. A pain.001 document over the body limit is a
// 400 pain001.too_large there, as the parser's own limit answers.
http::Response render_api_error(const http::Request& request, const Error& error, bool diagnostics);

// Makes render_api_error the router's renderer (with the router's diagnostics setting) and
// adds the after hook that echoes X-Request-ID on every AIS/PIS/CAF answer, as ING's do.
void use_api_error_path(http::Router& router);

}  // namespace sandbank::api
