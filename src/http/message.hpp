#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/encoding.hpp"

namespace sandbank::crypto {
class Certificate;
}

namespace sandbank::http {

struct RouteInfo;  // router.hpp

struct Header {
  std::string name;
  std::string value;
};

namespace detail {
// One per TLS connection: the parsed client certificate and intermediates, shared by that
// connection's requests so the chain is parsed at most once per connection.
struct ClientCertificateCache {
  std::once_flag once;
  std::shared_ptr<const crypto::Certificate> certificate;
  std::shared_ptr<const std::vector<crypto::Certificate>> intermediates;
};
}  // namespace detail

// One HTTP request as a handler sees it: no socket, no TLS object, just data. Handlers are
// unit-testable by filling the fields by hand.
struct Request {
  std::string method;           // as received, e.g. "GET"
  std::string target;           // raw request-target exactly as sent: "/v3/accounts?currency=EUR"
  std::vector<Header> headers;  // order and name case as received
  std::string body;

  // The target's path: everything before the first '?', raw (no percent-decoding). For an
  // absolute-form target ("https://host/p?q") the path after the authority.
  std::string_view path() const;
  // The raw query after the first '?', without the '?'; empty when there is none.
  std::string_view query() const;
  // First header of that name (case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const;
  // All values of headers of that name, in order.
  std::vector<std::string_view> headers_named(std::string_view name) const;

  std::string listener;        // the ListenerConfig name, e.g. "api" or "web"
  std::string remote_address;  // peer IP address, e.g. "127.0.0.1"
  // The client's TLS certificate chain as the client sent it, leaf first, DER. Empty when the
  // client sent none (or on a listener that does not ask for one).
  std::vector<Bytes> client_chain_der;
  // The leaf of client_chain_der, parsed once per connection; nullptr when there is none or it
  // cannot be parsed. Defined only when sandbank_crypto is linked.
  std::shared_ptr<const crypto::Certificate> client_certificate() const;
  // The rest of client_chain_der (the intermediates the client sent), parsed with the leaf once
  // per connection; empty when there are none. Defined only when sandbank_crypto is linked.
  const std::vector<crypto::Certificate>& client_intermediates() const;
  // How many certificates the client sent when they were more than the listener keeps
  // (Limits::max_client_chain), else 0. client_chain_der is then empty: the application
  // refuses such a client rather than verify its chain.
  std::size_t client_chain_refused = 0;

  std::unordered_map<std::string, std::string> path_params;  // set by the Router
  // The route the Router matched (its row of the route table); nullptr before routing and for
  // a request no route matched.
  const RouteInfo* route = nullptr;
  std::string response_id;  // the X-ING-Response-ID this request's response carries
  std::string detail_code;  // set when an Error was rendered (for the access log)
  // Set by a hook that answers the request with a named test outcome (X-Sandbank-Scenario,
  // api/scenario.hpp): "scenario.NAME". The router then records it as detail_code, whatever
  // the answer (an error, or a handler's answer the outcome only delayed).
  std::string scenario_code;
  // Something the request got away with that a stricter server refuses (a leniency), e.g. a
  // Digest without its algorithm: the router answers it in X-Sandbank-Notice and the access
  // log records it. Mutable: the checks that find it see the request as const.
  mutable std::string notice;

  // Set by the server to share parsing between the requests of one connection; created on
  // first use otherwise.
  mutable std::shared_ptr<detail::ClientCertificateCache> client_certificate_cache;
};

// The token of an `Authorization: Bearer ...` header (scheme case-insensitive, surrounding
// spaces dropped); empty when there is none.
std::string_view bearer_token(const Request& request);

struct Response {
  unsigned status = 200;
  std::vector<Header> headers;
  std::string body;
  // How long the server holds the answer before writing it (the `slow` scenario), on a timer:
  // no thread waits. The write deadline starts after it.
  std::chrono::milliseconds delay{0};

  // Replaces every header of that name (case-insensitive) with one.
  void set(std::string_view name, std::string_view value);
  // Appends a header even when one of that name exists (Set-Cookie).
  void add(std::string_view name, std::string_view value);
  // First header of that name (case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const;
  // Removes every header of that name; returns whether one was there.
  bool erase(std::string_view name);

  // Status, Content-Type application/json and body.
  static Response json(unsigned status, std::string body);
  static Response text(unsigned status, std::string body,
                       std::string_view content_type = "text/plain; charset=utf-8");
};

// The headers every response carries (ING's sandbox sends them): the ones below are added
// unless the handler set a header of the same name; X-ING-Response-ID is always set to
// response_id; Date is added when absent. Content-Length and Connection are the server's.
//   Strict-Transport-Security: max-age=31622400; includeSubDomains
//   X-Content-Type-Options: nosniff
//   X-Frame-Options: deny
//   X-XSS-Protection: 1; mode=block
//   Cache-Control: no-cache, no-store, max-age=0, must-revalidate
//   Pragma: no-cache
//   Expires: 0
// They are appended to `out` as "Name: value\r\n" lines, the response left as it is: the
// server writes them into the response head after the handler's own headers, leaving out an
// X-ING-Response-ID of the handler's.
void append_standard_header_lines(std::string& out, const Response& response,
                                  std::string_view response_id, TimePoint now);

}  // namespace sandbank::http
