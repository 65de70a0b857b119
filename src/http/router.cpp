#include "http/router.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>

#include "http/codes.hpp"

namespace sandbank::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  // "/a/b" -> {"a", "b"}; "/" -> {""}; "/a/" -> {"a", ""}.
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool is_parameter(std::string_view segment) {
  return segment.size() >= 3 && segment.front() == '{' && segment.back() == '}';
}

unsigned valid_status(int status) {
  return status >= 100 && status <= 599 ? static_cast<unsigned>(status) : 500u;
}

}  // namespace

Response render_error_json(const Error& error, bool include_diagnostic) {
  boost::json::object body;
  body["message"] = error.message();
  body["detail"] = error.code();
  if (include_diagnostic && !error.diagnostic().empty()) body["diagnostic"] = error.diagnostic();
  return Response::json(valid_status(error.status()), boost::json::serialize(body));
}

struct Router::Node {
  struct Entry {
    Handler handler;
    std::vector<std::string> param_names;
    const RouteInfo* info;
  };
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> parameter;
  std::map<std::string, Entry, std::less<>> methods;
};

struct Router::Match {
  const Node* node;
  std::vector<std::string_view> params;
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

void Router::add(std::string method, std::string path_template, Handler handler) {
  RouteInfo route;
  route.method = std::move(method);
  route.path_template = std::move(path_template);
  add(std::move(route), std::move(handler));
}

void Router::add(RouteInfo route, Handler handler) {
  const std::string& method = route.method;
  const std::string& path_template = route.path_template;
  if (method.empty()) throw std::invalid_argument("route method is empty");
  if (!handler) throw std::invalid_argument("route " + path_template + " has no handler");
  if (path_template.empty() || path_template.front() != '/') {
    throw std::invalid_argument("route template must start with '/': " + path_template);
  }
  Node* node = root_.get();
  std::vector<std::string> names;
  for (std::string_view segment : split_path(path_template)) {
    if (is_parameter(segment)) {
      std::string name(segment.substr(1, segment.size() - 2));
      if (name.find_first_of("{}/") != std::string::npos ||
          std::find(names.begin(), names.end(), name) != names.end()) {
        throw std::invalid_argument("bad parameter in route template " + path_template);
      }
      names.push_back(std::move(name));
      if (!node->parameter) node->parameter = std::make_unique<Node>();
      node = node->parameter.get();
    } else {
      if (segment.find_first_of("{}?#") != std::string_view::npos) {
        throw std::invalid_argument("bad segment in route template " + path_template);
      }
      auto it = node->literals.find(segment);
      if (it == node->literals.end()) {
        it = node->literals.emplace(std::string(segment), std::make_unique<Node>()).first;
      }
      node = it->second.get();
    }
  }
  if (node->methods.count(method)) {
    throw std::invalid_argument("duplicate route " + method + " " + path_template);
  }
  auto info = std::make_unique<const RouteInfo>(std::move(route));
  node->methods.emplace(info->method,
                        Node::Entry{std::move(handler), std::move(names), info.get()});
  routes_.push_back(std::move(info));
}

void Router::before(BeforeHook hook) {
  hooks_.push_back(std::move(hook));
}

void Router::after(AfterHook hook) {
  after_hooks_.push_back(std::move(hook));
}

void Router::set_error_renderer(ErrorRenderer renderer) {
  renderer_ = std::move(renderer);
}

void Router::set_diagnostics(bool on) {
  diagnostics_ = on;
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& route : routes_) out.push_back(*route);
  return out;
}

void Router::collect(const Node& node, const std::vector<std::string_view>& segments, std::size_t i,
                     std::vector<std::string_view>& params, std::vector<Match>& out) const {
  if (i == segments.size()) {
    if (!node.methods.empty()) out.push_back({&node, params});
    return;
  }
  std::string_view segment = segments[i];
  if (auto it = node.literals.find(segment); it != node.literals.end()) {
    collect(*it->second, segments, i + 1, params, out);
  }
  if (node.parameter && !segment.empty()) {
    params.push_back(segment);
    collect(*node.parameter, segments, i + 1, params, out);
    params.pop_back();
  }
}

Response Router::render_error(Request& request, const Error& error) const {
  request.detail_code = request.scenario_code.empty() ? error.code() : request.scenario_code;
  std::optional<Response> response;
  if (renderer_) {
    try {
      response = renderer_(request, error);
    } catch (const std::exception& e) {
      spdlog::error("http: error renderer threw for {}: {}", error.code(), e.what());
    } catch (...) {
      spdlog::error("http: error renderer threw for {}", error.code());
    }
  }
  if (!response) response = render_error_json(error, diagnostics_);
  finish(request, *response);
  return std::move(*response);
}

void Router::finish(const Request& request, Response& response) const {
  if (!request.notice.empty()) response.set("X-Sandbank-Notice", request.notice);
  for (const auto& hook : after_hooks_) {
    try {
      hook(request, response);
    } catch (const std::exception& e) {
      spdlog::error("http: after hook threw for {} {}: {}", request.method, request.target,
                    e.what());
    }
  }
}

namespace {

// "GET, HEAD, PUT": the methods routed at a node, HEAD wherever GET is.
template <typename Methods>
std::string allow_header(const Methods& methods) {
  std::set<std::string> allowed;
  for (const auto& [method, unused] : methods) {
    allowed.insert(method);
    if (method == "GET") allowed.insert("HEAD");
  }
  std::string allow;
  for (const auto& method : allowed) allow += (allow.empty() ? "" : ", ") + method;
  return allow;
}

}  // namespace

Response Router::handle(Request& request) const {
  request.route = nullptr;
  const Match* chosen = nullptr;
  std::vector<Match> matches;
  try {
    std::vector<std::string_view> params;
    collect(*root_, split_path(request.path()), 0, params, matches);
    if (matches.empty()) {
      throw Error(404, codes::kRouteNotFound,
                  "No resource at " + std::string(request.path().empty() ? "/" : request.path()));
    }
    const Node::Entry* entry = nullptr;
    for (const std::string& method :
         {request.method, request.method == "HEAD" ? std::string("GET") : std::string()}) {
      for (const auto& m : matches) {
        if (auto it = m.node->methods.find(method); it != m.node->methods.end()) {
          chosen = &m;
          entry = &it->second;
          break;
        }
      }
      if (entry || method.empty()) break;
    }
    if (!entry) {
      std::map<std::string, int> methods;
      for (const auto& m : matches) {
        for (const auto& [method, unused] : m.node->methods) methods.emplace(method, 0);
      }
      auto allow = allow_header(methods);
      Response response = render_error(
          request, Error(405, codes::kRouteMethodNotAllowed,
                         "Method " + request.method + " is not allowed here; use " + allow));
      response.set("Allow", allow);
      return response;
    }
    request.route = entry->info;
    request.path_params.clear();
    for (std::size_t i = 0; i < entry->param_names.size(); ++i) {
      request.path_params[entry->param_names[i]] = std::string(chosen->params[i]);
    }
    for (const auto& hook : hooks_) hook(request);
    Response response = entry->handler(request);
    if (!request.scenario_code.empty()) request.detail_code = request.scenario_code;
    finish(request, response);
    return response;
  } catch (const Error& e) {
    Response response = render_error(request, e);
    if (e.status() == 405 && chosen && !response.header("Allow")) {
      // A handler that refuses its method (a resource ING does not let one DELETE): the Allow
      // of RFC 9110 §15.5.6 names the methods routed at its path but the refused one.
      std::map<std::string, int> others;
      for (const auto& [method, unused] : chosen->node->methods) {
        if (method != request.method) others.emplace(method, 0);
      }
      response.set("Allow", allow_header(others));
    }
    return response;
  } catch (const std::exception& e) {
    spdlog::error("http: handler for {} {} threw: {} (response id {})", request.method,
                  request.target, e.what(), request.response_id);
  } catch (...) {
    spdlog::error("http: handler for {} {} threw a non-exception (response id {})", request.method,
                  request.target, request.response_id);
  }
  return render_error(request, Error::internal("internal", "Internal server error"));
}

}  // namespace sandbank::http
