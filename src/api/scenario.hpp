#pragma once

#include <optional>
#include <string>

#include "bank/scenario.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace sandbank::oauth {
class TokenService;
}

// The scenarios of the API listener (docs/scenarios.md; the catalogue and the parser are
// bank/scenario.hpp). Where an outcome mimics a real failure (an expired token, a bad
// signature, an expired consent) it is that failure's own error, from the code that raises
// it; the access log records every outcome as `scenario.NAME` (Request::scenario_code).
namespace sandbank::api {

// The scenario a request of the API listener asks for (its header), nullopt when none.
// Throws as bank::parse_scenario; 400 request.scenario_invalid for the header given twice.
std::optional<bank::Scenario> requested_scenario(const http::Request& request);

// Installs the scenarios on the API listener's router: a before hook answers the outcomes
// that replace the handler (rate-limited, server-error, unavailable, token-expired,
// consent-expired), spoils the request's signature for signature-invalid, refuses a scenario
// that does not apply to the route (400 request.scenario_not_applicable) and marks the
// request (Request::scenario_code); an after hook adds Retry-After and the delay of `slow`.
// The handlers of the routes it applies to read the rest (payment-rejected: api::initiate).
// Call only in sandbox mode: without it the header is ignored (`serve --mode production`).
void use_api_scenarios(http::Router& router, oauth::TokenService& tokens);

// The reason a payment initiated by this request is to be rejected with (payment-rejected),
// or nullopt. Only for a request use_api_scenarios marked.
std::optional<std::string> rejected_payment_reason(const http::Request& request);

}  // namespace sandbank::api
