#include "api/scenario.hpp"

#include <fmt/format.h>

#include "bank/codes.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "oauth/token_service.hpp"

namespace sandbank::api {
namespace {

namespace bc = bank::codes;

bool mentions(const http::Request& request, std::string_view what) {
  return request.route && request.route->authentication.find(what) != std::string::npos;
}

bool initiates_payment(const http::Request& request) {
  return request.route && (request.route->handler == "api::initiate(PaymentKind::Single)" ||
                           request.route->handler == "api::initiate(PaymentKind::Periodic)");
}

std::string route_name(const http::Request& request) {
  return request.route ? request.route->method + " " + request.route->path_template
                       : std::string("this route");
}

// 400 request.scenario_not_applicable unless the route has a use for the scenario.
void check_applies(const bank::Scenario& s, const http::Request& request) {
  auto refuse = [&](std::string_view needs) {
    throw Error(400, bc::kScenarioRequestNotApplicable,
                fmt::format("Scenario {} applies to {}; {} is not one (docs/scenarios.md)",
                            s.name(), needs, route_name(request)));
  };
  if (s.info->where == "web") {
    throw Error(400, bc::kScenarioRequestNotApplicable,
                fmt::format("Scenario {} is one of the authorization pages: add {}={} to the "
                            "page's URL on the web listener (docs/scenarios.md)",
                            s.name(), bank::kScenarioQueryParameter, s.name()));
  }
  if (s.is(bc::kScenarioTokenExpired) && !mentions(request, "token")) {
    refuse("the routes that take an access token");
  }
  if (s.is(bc::kScenarioConsentExpired) && !mentions(request, "customer token")) {
    refuse("the routes that take a customer token (AIS, funds confirmations)");
  }
  if (s.is(bc::kScenarioSignatureInvalid) && !mentions(request, "Signature") &&
      !mentions(request, "signature")) {
    refuse("the signed routes");
  }
  if (s.is(bc::kScenarioPaymentRejected) && !initiates_payment(request)) {
    refuse(
        "the JSON initiation of single and periodic payments (POST /v1/payments/{product}, "
        "POST /v1/periodic-payments/{product})");
  }
}

// The character in the middle of [begin, end) of `value` changes to another base64 letter:
// the signature still decodes to as many bytes, but they are not the signature any more.
void spoil(std::string& value, std::size_t begin, std::size_t end) {
  if (end <= begin) return;
  char& c = value[begin + (end - begin) / 2];
  c = c == 'A' ? 'B' : 'A';
}

// signature="..." of an HTTP Signature (the Signature header, or Authorization: Signature on
// the token endpoint); the last part of a detached JWS (x-jws-signature).
void spoil_signatures(http::Request& request) {
  for (auto& h : request.headers) {
    if (iequals(h.name, "Signature") || iequals(h.name, "Authorization")) {
      constexpr std::string_view kParam = "signature=\"";
      auto at = h.value.find(kParam);
      // Not the keyword of the scheme: the parameter follows a comma or the scheme.
      while (at != std::string::npos && at > 0 && h.value[at - 1] != ',' &&
             h.value[at - 1] != ' ') {
        at = h.value.find(kParam, at + 1);
      }
      if (at == std::string::npos) continue;
      auto begin = at + kParam.size();
      auto end = h.value.find('"', begin);
      if (end != std::string::npos) spoil(h.value, begin, end);
    } else if (iequals(h.name, "x-jws-signature")) {
      auto dot = h.value.rfind('.');
      if (dot != std::string::npos) spoil(h.value, dot + 1, h.value.size());
    }
  }
}

}  // namespace

std::optional<bank::Scenario> requested_scenario(const http::Request& request) {
  auto values = request.headers_named(bank::kScenarioHeader);
  if (values.empty()) return std::nullopt;
  if (values.size() > 1) {
    throw Error(400, bc::kScenarioRequestInvalid,
                fmt::format("{} is given {} times; send one scenario per request",
                            bank::kScenarioHeader, values.size()));
  }
  return bank::parse_scenario(values.front());
}

void use_api_scenarios(http::Router& router, oauth::TokenService& tokens) {
  router.before([&tokens](http::Request& request) {
    auto s = requested_scenario(request);
    if (!s) return;
    check_applies(*s, request);
    request.scenario_code = std::string(s->code());
    bank::throw_error_outcome(
        *s, fmt::format("{}: {} asked for this answer", bank::kScenarioHeader, s->name()));
    if (s->is(bc::kScenarioTokenExpired)) throw oauth::token_expired_error();
    if (s->is(bc::kScenarioConsentExpired)) {
      // The consent of the request's own token: a token that is not valid gets its own error.
      auto token =
          tokens.validate_without_binding(http::bearer_token(request), oauth::TokenKind::Customer);
      throw oauth::consent_error(token.record.consent_id, "expired", false);
    }
    if (s->is(bc::kScenarioSignatureInvalid)) spoil_signatures(request);
  });
  router.after([](const http::Request& request, http::Response& response) {
    if (request.scenario_code.empty()) return;
    std::optional<bank::Scenario> s;
    try {
      s = requested_scenario(request);
    } catch (const Error&) {
      return;
    }
    if (!s) return;
    if (s->is(bc::kScenarioSlow)) response.delay = s->delay;
    if (auto seconds = bank::retry_after_of(*s)) {
      response.set("Retry-After", std::to_string(*seconds));
    }
  });
}

std::optional<std::string> rejected_payment_reason(const http::Request& request) {
  if (request.scenario_code != bc::kScenarioPaymentRejected) return std::nullopt;
  auto s = requested_scenario(request);
  if (!s) return std::nullopt;
  return s->reason;
}

}  // namespace sandbank::api
