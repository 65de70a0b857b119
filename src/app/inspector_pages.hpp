#pragma once

#include "http/message.hpp"

// The request inspector's routes (docs/inspector.md), bound in routes.cpp.
namespace sandbank::app {

struct Services;

// GET /sandbank/inspector (API listener, mTLS): {"url", "expires_at"}, a link for the
// organisation of the connection's certificate.
http::Response inspector_link(Services& services, http::Request& request);
// GET /sandbank/inspector/{token} (web listener): the list, HTML or (Accept: application/json)
// JSON; query: status, path, detail, x_request_id, since, until (RFC 3339), limit.
http::Response inspector_list(Services& services, http::Request& request);
// GET /sandbank/inspector/{token}/requests/{responseId}: one request, HTML or JSON.
http::Response inspector_detail(Services& services, http::Request& request);
// GET /sandbank/requests?token=...&<filters> (web listener): the list as JSON; the token may
// also come as Authorization: Bearer.
http::Response inspector_requests_json(Services& services, http::Request& request);

}  // namespace sandbank::app
