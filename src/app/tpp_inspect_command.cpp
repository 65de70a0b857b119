// `sandbank tpp inspect`: the request inspector's view of this TPP's recent requests, and the
// link to its pages (docs/inspector.md).
#include <fmt/format.h>

#include <boost/json.hpp>
#include <cstdio>
#include <string>

#include "app/codes.hpp"
#include "app/tpp_cli.hpp"
#include "core/error.hpp"
#include "tpp/client.hpp"

namespace sandbank::app::tpp_cli {

using tpp::Auth;
using tpp::TppClient;

namespace {

// {"url", "expires_at"} of GET /sandbank/inspector; throws Error when the server answers
// anything else.
boost::json::object fetch_link(TppClient& client) {
  auto r = client.send(client.call_request("GET", "/sandbank/inspector", "", Auth::None, "", ""));
  boost::json::value body;
  try {
    body = boost::json::parse(r.body);
  } catch (const std::exception&) {
  }
  if (r.status != 200 || !body.is_object() || !body.as_object().contains("url")) {
    std::string detail;
    if (body.is_object()) {
      if (const auto* d = body.as_object().if_contains("detail"); d && d->is_string()) {
        detail = std::string(d->as_string());
      }
    }
    throw Error(r.status >= 400 ? static_cast<int>(r.status) : 502,
                detail.empty() ? std::string(codes::kTppInspectorUnavailable) : detail,
                fmt::format("GET /sandbank/inspector answered HTTP {}: {}", r.status,
                            r.body.substr(0, 300)));
  }
  return body.as_object();
}

std::string text(const boost::json::object& o, const char* name) {
  if (const auto* v = o.if_contains(name); v && v->is_string()) return std::string(v->as_string());
  return {};
}

}  // namespace

void print_inspector_link(TppClient& client) {
  try {
    auto link = fetch_link(client);
    std::fprintf(stderr, "sandbank tpp: what the server saw of it: %s\n",
                 text(link, "url").c_str());
  } catch (const std::exception&) {
    // A server without the inspector (or unreachable by now): nothing to add.
  }
}

void add_inspect_command(CLI::App& tpp, State& s) {
  auto* inspect = tpp.add_subcommand(
      "inspect", "The server's record of this TPP's recent requests, and the inspector's link");
  inspect->add_option("--last", s.last, "How many requests, newest first")
      ->check(CLI::Range(1, 200))
      ->capture_default_str();
  inspect->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto link = fetch_link(client);
      auto url = text(link, "url");
      auto r = client.send_web("GET", url + "?limit=" + std::to_string(s.last),
                               {{"Accept", "application/json"}}, "");
      if (s.common.dry_run) return 0;
      if (r.status != 200) {
        std::fprintf(stderr, "sandbank tpp: the inspector answered HTTP %ld: %s\n", r.status,
                     r.body.substr(0, 300).c_str());
        return 1;
      }
      if (s.common.raw) {
        std::fwrite(r.body.data(), 1, r.body.size(), stdout);
        std::fputc('\n', stdout);
        return 0;
      }
      auto body = boost::json::parse(r.body).as_object();
      std::printf("%s (valid until %s)\n", url.c_str(), text(link, "expires_at").c_str());
      for (const auto& item : body.at("requests").as_array()) {
        const auto& o = item.as_object();
        std::string failed;
        for (const auto& f : o.at("failed_checks").as_array()) {
          failed += (failed.empty() ? "" : ",") + std::string(f.as_string());
        }
        auto detail = text(o, "detail");
        std::printf("%s  %3lld  %-6s %-50s %-32s %-10s %s\n", text(o, "time").c_str(),
                    static_cast<long long>(o.at("status").to_number<std::int64_t>()),
                    text(o, "method").c_str(), text(o, "target").substr(0, 50).c_str(),
                    detail.empty() ? "-" : detail.c_str(), failed.empty() ? "-" : failed.c_str(),
                    text(o, "response_id").c_str());
      }
      return 0;
    };
  });
}

}  // namespace sandbank::app::tpp_cli
