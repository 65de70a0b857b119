#include "web/page_scenarios.hpp"

#include <fmt/format.h>

#include "bank/codes.hpp"
#include "core/error.hpp"
#include "web/authorize_request.hpp"

namespace sandbank::web {
namespace {

namespace bc = bank::codes;

bool is_payment_page(const http::Request& request) {
  return request.route->path_template.starts_with("/payment-initiation/");
}

// The first pages of an authorization, where a TPP's link lands.
bool is_first_page(const http::Request& request) {
  if (!request.route || request.method != "GET") return false;
  const auto& path = request.route->path_template;
  return path.starts_with("/authorize/v2") || path.starts_with("/granting/") ||
         is_payment_page(request);
}

std::optional<std::string> query_scenario(const http::Request& request) {
  if (!is_first_page(request)) return std::nullopt;
  return parse_form(request.query()).get(std::string(bank::kScenarioQueryParameter));
}

}  // namespace

void use_page_scenarios(http::Router& router) {
  router.before([](http::Request& request) {
    auto text = query_scenario(request);
    if (!text) return;
    auto s = bank::parse_scenario(*text);
    if (s.info->where == "api") {
      throw Error(400, bc::kScenarioRequestNotApplicable,
                  fmt::format("Scenario {} is one of the API listener: send the header {}: {} "
                              "with the API call (docs/scenarios.md)",
                              s.name(), bank::kScenarioHeader, s.name()));
    }
    if (s.is(bc::kScenarioPaymentRejected) && !is_payment_page(request)) {
      throw Error(400, bc::kScenarioRequestNotApplicable,
                  "Scenario payment-rejected applies to the payment authorization page "
                  "/payment-initiation/... (docs/scenarios.md)");
    }
    request.scenario_code = std::string(s.code());
    bank::throw_error_outcome(
        s, fmt::format("{}={} asked for this answer", bank::kScenarioQueryParameter, s.name()));
  });
  router.after([](const http::Request& request, http::Response& response) {
    if (request.scenario_code.empty()) return;
    auto s = kept_scenario(page_scenario_text(request));
    if (!s) return;
    if (s->is(bc::kScenarioSlow)) response.delay = s->delay;
    if (auto seconds = bank::retry_after_of(*s))
      response.set("Retry-After", std::to_string(*seconds));
  });
}

std::string page_scenario_text(const http::Request& request) {
  if (request.scenario_code.empty()) return "";
  return query_scenario(request).value_or("");
}

std::optional<bank::Scenario> kept_scenario(const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    return bank::parse_scenario(text);
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace sandbank::web
