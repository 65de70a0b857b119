#include "bank/scenario.hpp"

#include <fmt/format.h>

#include <charconv>
#include <set>

#include "bank/codes.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"

namespace sandbank::bank {
namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

bool value_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

[[noreturn]] void invalid(std::string message) {
  throw Error(400, codes::kScenarioRequestInvalid, std::move(message));
}

// A whole number in [low, high], else 400 naming the parameter and its bounds.
int bounded(std::string_view scenario, std::string_view param, std::string_view value, int low,
            int high) {
  int n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < low || n > high) {
    invalid(fmt::format("Scenario {}: {} must be a whole number from {} to {}, not {}", scenario,
                        param, low, high, value));
  }
  return n;
}

}  // namespace

bool is_status_reason_code(std::string_view v) {
  return v.size() == 4 && v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' && v[1] <= 'Z' && v[2] >= '0' &&
         v[2] <= '9' && v[3] >= '0' && v[3] <= '9';
}

const std::vector<ScenarioInfo>& scenario_catalogue() {
  static const std::vector<ScenarioInfo> catalogue = {
      {"rate-limited", codes::kScenarioRateLimited, "retry-after=SECONDS (1..3600, default 60)",
       "api, web", "429 Too Many Requests with Retry-After and the route's error body"},
      {"server-error", codes::kScenarioServerError, "", "api, web",
       "500 Internal Server Error with the route's error body"},
      {"unavailable", codes::kScenarioUnavailable, "retry-after=SECONDS (1..3600, default 60)",
       "api, web", "503 Service Unavailable with Retry-After and the route's error body"},
      {"slow", codes::kScenarioSlow, "ms=MILLISECONDS (1..30000, required)", "api, web",
       "the request's own answer, sent after the delay"},
      {"token-expired", codes::kScenarioTokenExpired, "", "api",
       "401 token.expired, as an expired access token gets (routes that take a token)"},
      {"signature-invalid", codes::kScenarioSignatureInvalid, "", "api",
       "the answer of a signature that does not verify (401 signature.invalid, or "
       "jws.signature_invalid): the request's signature is spoilt before it is checked"},
      {"consent-expired", codes::kScenarioConsentExpired, "", "api",
       "401 consent.expired for the consent of the request's customer token (AIS, CAF)"},
      {"payment-rejected", codes::kScenarioPaymentRejected,
       "reason=CODE (ISO 20022 status reason, e.g. AM04, MS03; default AM04)", "api, web",
       "the payment initiated ends RJCT with that reason (initiation: at once; payment page: "
       "when the customer authorizes)"},
      {"sca-failed", codes::kScenarioScaFailed, "", "web",
       "the customer's authentication fails: the consent page sends the customer back with "
       "error=access_denied; a payment ends RJCT (AC07)"},
      {"sca-cancelled", codes::kScenarioScaCancelled, "", "web",
       "the customer cancels: the consent page sends the customer back with "
       "error=access_denied; a payment ends RJCT (MS02), as a refusal does"},
      {"sca-pending-forever", codes::kScenarioScaPendingForever, "", "web",
       "the authentication never completes: the page says it is waiting and sends the customer "
       "nowhere; the payment stays RCVD"},
  };
  return catalogue;
}

std::string scenario_names() {
  std::string out;
  for (const auto& s : scenario_catalogue()) {
    if (!out.empty()) out += ", ";
    out += s.name;
  }
  return out;
}

Scenario parse_scenario(std::string_view text) {
  if (text.size() > kMaxScenarioText) {
    invalid(fmt::format("A scenario is at most {} characters", kMaxScenarioText));
  }
  std::vector<std::string_view> parts;
  for (;;) {
    auto semicolon = text.find(';');
    parts.push_back(trim_ows(text.substr(0, semicolon)));
    if (semicolon == std::string_view::npos) break;
    text.remove_prefix(semicolon + 1);
  }
  std::string_view name = parts.front();
  if (name.empty()) {
    invalid(
        fmt::format("A scenario needs a name: NAME[;param=value], one of {}", scenario_names()));
  }
  Scenario out;
  for (const auto& info : scenario_catalogue()) {
    if (info.name == name) out.info = &info;
  }
  if (!out.info) {
    bool printable = true;
    for (char c : name) printable = printable && name_char(c);
    throw Error(
        400, codes::kScenarioRequestUnknown,
        fmt::format("Unknown scenario {}; the known ones are {} (docs/scenarios.md)",
                    printable ? std::string(name) : std::string("(not a name)"), scenario_names()));
  }
  const std::string takes = out.info->params.empty() ? std::string("it takes no parameters")
                                                     : fmt::format("it takes {}", out.info->params);
  std::set<std::string_view> seen;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    auto part = parts[i];
    auto eq = part.find('=');
    if (eq == std::string_view::npos) {
      invalid(fmt::format("Scenario {}: a parameter is param=value; {}", name, takes));
    }
    auto param = trim_ows(part.substr(0, eq));
    auto value = trim_ows(part.substr(eq + 1));
    bool ok = !param.empty() && !value.empty() && value.size() <= kMaxScenarioParamText;
    for (char c : param) ok = ok && name_char(c);
    for (char c : value) ok = ok && value_char(c);
    if (!ok) {
      invalid(fmt::format(
          "Scenario {}: a parameter is param=value, the value at most {} letters, digits, '-', "
          "'_' or '.'; {}",
          name, kMaxScenarioParamText, takes));
    }
    if (!seen.insert(param).second) {
      invalid(fmt::format("Scenario {}: the parameter {} is given twice", name, param));
    }
    if (name == "slow" && param == "ms") {
      out.delay = std::chrono::milliseconds(
          bounded(name, param, value, 1, static_cast<int>(kMaxScenarioDelay.count())));
    } else if ((name == "rate-limited" || name == "unavailable") && param == "retry-after") {
      out.retry_after = bounded(name, param, value, 1, kMaxRetryAfterSeconds);
    } else if (name == "payment-rejected" && param == "reason") {
      if (!is_status_reason_code(value)) {
        invalid(fmt::format(
            "Scenario payment-rejected: reason must be an ISO 20022 status reason code, two "
            "capitals and two digits (AM04, MS03, ...), not {}",
            value));
      }
      out.reason = std::string(value);
    } else {
      invalid(fmt::format("Scenario {}: unknown parameter {}; {}", name, param, takes));
    }
  }
  if (name == "slow" && out.delay.count() == 0) {
    invalid(fmt::format("Scenario slow needs ms: slow;ms=MILLISECONDS, at most {}",
                        kMaxScenarioDelay.count()));
  }
  return out;
}

void throw_error_outcome(const Scenario& s, const std::string& diagnostic) {
  if (s.is(codes::kScenarioRateLimited)) {
    throw Error(429, codes::kScenarioRateLimited,
                fmt::format("Too many requests; retry after {} seconds", s.retry_after),
                diagnostic);
  }
  if (s.is(codes::kScenarioServerError)) {
    throw Error(500, codes::kScenarioServerError, "Internal server error", diagnostic);
  }
  if (s.is(codes::kScenarioUnavailable)) {
    throw Error(503, codes::kScenarioUnavailable,
                fmt::format("The service is unavailable; retry after {} seconds", s.retry_after),
                diagnostic);
  }
}

std::optional<int> retry_after_of(const Scenario& s) {
  if (s.is(codes::kScenarioRateLimited) || s.is(codes::kScenarioUnavailable)) {
    return s.retry_after;
  }
  return std::nullopt;
}

}  // namespace sandbank::bank
