#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/routes.hpp"

// `sandbank routes`: the route tables of routes.cpp as a newcomer reads them, without starting
// a server.
namespace sandbank::app {

int run_routes(const RoutesOptions& options) {
  std::vector<std::string> listeners;
  if (options.listener == "api" || options.listener == "all") listeners.emplace_back("api");
  if (options.listener == "web" || options.listener == "all") listeners.emplace_back("web");
  if (options.format == "json") {
    boost::json::array out;
    for (const auto& listener : listeners) {
      for (const auto& route : route_table(listener)) {
        out.push_back(boost::json::object{{"listener", listener},
                                          {"method", route.method},
                                          {"path", route.path_template},
                                          {"authentication", route.authentication},
                                          {"handler", route.handler},
                                          {"errors", error_body_name(route.error_body)}});
      }
    }
    std::fputs((boost::json::serialize(out) + "\n").c_str(), stdout);
    return 0;
  }
  for (const auto& listener : listeners) {
    auto table = route_table(listener);
    std::size_t path_width = 4, handler_width = 7;
    for (const auto& route : table) {
      path_width = std::max(path_width, route.path_template.size());
      handler_width = std::max(handler_width, route.handler.size());
    }
    fmt::print("{} listener\n", listener);
    fmt::print("  {:<7} {:<{}} {:<{}} {:<18} {}\n", "METHOD", "PATH", path_width, "HANDLER",
               handler_width, "ERRORS", "AUTHENTICATION");
    for (const auto& route : table) {
      fmt::print("  {:<7} {:<{}} {:<{}} {:<18} {}\n", route.method, route.path_template, path_width,
                 route.handler, handler_width, error_body_name(route.error_body),
                 route.authentication.empty() ? "none" : route.authentication);
    }
    if (listener == "api") {
      fmt::print(
          "  (in sandbox mode every route above also takes X-Sandbank-Scenario, "
          "docs/scenarios.md)\n");
    }
    if (&listener != &listeners.back()) fmt::print("\n");
  }
  return 0;
}

}  // namespace sandbank::app
