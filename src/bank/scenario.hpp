#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Scenarios on demand (docs/scenarios.md): a request asks for a named outcome a TPP cannot
// reach on a stub, with the header `X-Sandbank-Scenario: NAME[;param=value]...` on the API
// listener (api/scenario.hpp), or the query parameter `sandbank_scenario=NAME[;param=value]...`
// on the web listener's pages. This is the catalogue and the parser both listeners share.
namespace sandbank::bank {

inline constexpr std::string_view kScenarioHeader = "X-Sandbank-Scenario";
inline constexpr std::string_view kScenarioQueryParameter = "sandbank_scenario";
// Longest header or query value; longest parameter value.
inline constexpr std::size_t kMaxScenarioText = 256;
inline constexpr std::size_t kMaxScenarioParamText = 32;
// Bounds of the parameters.
inline constexpr std::chrono::milliseconds kMaxScenarioDelay{30000};
inline constexpr int kMaxRetryAfterSeconds = 3600;
inline constexpr int kDefaultRetryAfterSeconds = 60;

// One entry of the catalogue (docs/scenarios.md has the same list).
struct ScenarioInfo {
  std::string_view name;     // "rate-limited"
  std::string_view code;     // "scenario.rate-limited" (bank/codes.hpp)
  std::string_view params;   // "retry-after=SECONDS (1..3600, default 60)", or ""
  std::string_view where;    // "api", "web" or "api, web"
  std::string_view summary;  // what it answers
};
const std::vector<ScenarioInfo>& scenario_catalogue();
// "rate-limited, server-error, ...": the names, in catalogue order.
std::string scenario_names();

// A parsed and checked scenario.
struct Scenario {
  const ScenarioInfo* info = nullptr;
  std::chrono::milliseconds delay{0};           // slow: ms
  int retry_after = kDefaultRetryAfterSeconds;  // rate-limited, unavailable: retry-after
  std::string reason = "AM04";                  // payment-rejected: reason (ISO 20022)

  std::string_view name() const { return info->name; }
  std::string_view code() const { return info->code; }
  bool is(std::string_view code) const { return info->code == code; }
};

// An ISO 20022 status reason code: two capitals and two digits (AM04, MS03, AC01, ...).
bool is_status_reason_code(std::string_view code);

// Parses `NAME[;param=value]...` (spaces around the parts allowed). Throws Error 400
// request.scenario_unknown naming the known scenarios for an unknown name, 400
// request.scenario_invalid for a malformed value, an unknown or repeated parameter or one out
// of its bounds (the message names the parameters the scenario takes).
Scenario parse_scenario(std::string_view text);

// The outcomes that replace the answer with an error of their own, thrown with `diagnostic`
// (who asked): rate-limited 429, server-error 500, unavailable 503 (detail scenario.NAME).
// Returns for the other scenarios.
void throw_error_outcome(const Scenario& scenario, const std::string& diagnostic);
// The Retry-After seconds the scenario's answer carries (rate-limited, unavailable), else
// nullopt.
std::optional<int> retry_after_of(const Scenario& scenario);

}  // namespace sandbank::bank
