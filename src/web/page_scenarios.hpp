#pragma once

#include <optional>
#include <string>

#include "bank/scenario.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

// The scenarios of the web listener's pages (docs/scenarios.md): the query parameter
// sandbank_scenario=NAME[;param=value]... on the first page of a customer's authorization
// (GET /authorize/v2..., /granting/..., /payment-initiation/...). The generic outcomes
// (rate-limited, server-error, unavailable, slow) answer at once, as an HTML error page; the
// SCA outcomes and payment-rejected ride in the page's session to the customer's decision
// (AuthorizationApp::consent, PaymentPage::decide).
namespace sandbank::web {

// Installs them on the web listener's router: a before hook that refuses a bad or misplaced
// scenario (400 error page request.scenario_*), answers the generic ones and marks the request
// (Request::scenario_code); an after hook adds Retry-After and the delay of `slow`. Call only
// in sandbox mode: without it the parameter is ignored (`serve --mode production`).
void use_page_scenarios(http::Router& router);

// The scenario of a page request use_page_scenarios marked (its query parameter's text), ""
// otherwise: what the page keeps in its session.
std::string page_scenario_text(const http::Request& request);

// The scenario a session kept (page_scenario_text), nullopt for "" or a text that no longer
// parses.
std::optional<bank::Scenario> kept_scenario(const std::string& text);

}  // namespace sandbank::web
