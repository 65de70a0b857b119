#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace sandbank::http {

// A handler is a plain function of the request: it never sees a socket. It may throw
// sandbank::Error; the HTTP layer alone renders it.
using Handler = std::function<Response(Request&)>;
// Runs before every matched handler (for example the API's client-certificate check); may throw
// sandbank::Error.
using BeforeHook = std::function<void(Request&)>;
// Turns an Error into a response (status, body, content type).
using ErrorRenderer = std::function<Response(const Request&, const Error&)>;
// Runs on every response the router gives, a handler's or a rendered error's, after the
// handler or renderer (for example echoing a request header the API answers with).
using AfterHook = std::function<void(const Request&, Response&)>;

// {"message": ..., "detail": code, "diagnostic": ...} with the Error's status and Content-Type
// application/json; "diagnostic" only when non-empty and include_diagnostic.
Response render_error_json(const Error& error, bool include_diagnostic);

// One row of the route table: what `sandbank routes` prints, and what the listener's error
// renderer and after hooks read from Request::route.
struct RouteInfo {
  std::string method;
  std::string path_template;
  // The handler's name as the code spells it, e.g. "api::token"; empty when not given.
  std::string handler;
  // What a request must bring, e.g. "mTLS + application token + signature"; empty: nothing.
  std::string authentication;
  // Which error body the listener's renderer gives on this route; its meaning belongs to the
  // renderer (0 when not given).
  int error_body = 0;
};

// Method + path-template routing. Templates are '/'-separated segments; a segment "{name}"
// matches one non-empty raw segment and binds Request::path_params["name"]. At each segment a
// literal beats a parameter. Matching is on the raw path (no query, no percent-decoding).
// Unknown path → 404 "route.not_found"; known path, other method → 405
// "route.method_not_allowed" with Allow. HEAD is served by the GET handler (body dropped by the
// server) unless a HEAD route exists.
//
// Configure (add, before, set_*) before the server starts; handle() is then safe to call from
// many threads at once.
class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Throws std::invalid_argument for a malformed template or a duplicate method + template.
  void add(RouteInfo route, Handler handler);
  void add(std::string method, std::string path_template, Handler handler);
  void before(BeforeHook hook);
  void after(AfterHook hook);
  void set_error_renderer(ErrorRenderer renderer);
  // Whether the default renderer includes Error::diagnostic() (default true).
  void set_diagnostics(bool on);
  bool diagnostics() const { return diagnostics_; }

  // The route table in the order routes were added.
  std::vector<RouteInfo> routes() const;

  // Routes the request, runs the hooks and the handler, and renders any exception. Never throws.
  // Sets request.route and request.path_params and, when an Error is rendered,
  // request.detail_code (Request::scenario_code instead when a hook set one, also on a
  // handler's answer). A 405 a handler throws gets the Allow header of its path.
  Response handle(Request& request) const;

  // Renders an Error with this router's renderer (falls back to render_error_json if the
  // renderer throws), runs the after hooks and sets request.detail_code. The only way an Error
  // becomes a response: handle() uses it, and the server for its own errors (400, 408, 413,
  // 431, 500).
  Response render_error(Request& request, const Error& error) const;

 private:
  struct Node;
  struct Match;
  void collect(const Node& node, const std::vector<std::string_view>& segments, std::size_t i,
               std::vector<std::string_view>& params, std::vector<Match>& out) const;

  // X-Sandbank-Notice and the after hooks.
  void finish(const Request& request, Response& response) const;

  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<const RouteInfo>> routes_;  // stable: Request::route points here
  std::vector<BeforeHook> hooks_;
  std::vector<AfterHook> after_hooks_;
  ErrorRenderer renderer_;
  bool diagnostics_ = true;
};

}  // namespace sandbank::http
