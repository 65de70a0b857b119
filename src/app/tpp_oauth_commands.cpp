// `sandbank tpp` onboarding and token commands: init's siblings register, token, app show /
// update (steps 1, 2, 2b, 3c), the consent (authorize-url, authorize: 3a, 3b), the code exchange,
// refresh and revoke (3d), and the walkthrough's wiring (its steps are src/tpp/walkthrough.cpp).

#include <boost/json.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "app/codes.hpp"
#include "app/tpp_cli.hpp"
#include "core/error.hpp"
#include "core/form.hpp"
#include "tpp/authorize.hpp"
#include "tpp/client.hpp"
#include "tpp/walkthrough.hpp"

namespace sandbank::app::tpp_cli {
namespace {
using tpp::TppClient;

// `exchange` takes the code, or the whole redirect the browser landed on
// (https://www.example.com/?code=...&state=...), whose code it reads; a redirect carrying
// error=... (the customer cancelled) is reported as such.
std::string code_from_argument(const std::string& argument) {
  if (argument.find("://") == std::string::npos || argument.find('?') == std::string::npos) {
    return argument;
  }
  std::optional<std::string> code, error;
  for (auto& pair : form::parse(form::query_of(argument))) {
    if (pair.name == "code") code = pair.valid ? std::optional(pair.value) : std::nullopt;
    if (pair.name == "error") error = pair.value;
  }
  if (error) {
    throw Error(400, codes::kTppAuthorizationRefused,
                "The redirect carries error=" + *error + " instead of a code");
  }
  if (!code || code->empty()) {
    throw Error(400, codes::kTppCodeMissing, "The redirect URL has no code parameter: " + argument);
  }
  return *code;
}

std::string registration_body(const State& s) {
  if (!s.body.empty()) return body_or_file(s.body);
  if (s.contact.empty() || s.redirect_uris.empty()) {
    throw Error(400, codes::kTppUsage,
                "give --contact and --redirect-uri (repeatable), or --body JSON");
  }
  boost::json::object o;
  o["contact"] = s.contact;
  boost::json::array uris;
  for (const auto& u : s.redirect_uris) uris.emplace_back(u);
  o["redirect_uris"] = std::move(uris);
  return boost::json::serialize(o);
}

}  // namespace

void add_oauth_commands(CLI::App& tpp, State& s) {
  // register
  auto* reg = tpp.add_subcommand("register", "Step 1: POST /oauth2/applications (JWS-signed)");
  reg->add_option("--contact", s.contact, "Contact e-mail");
  reg->add_option("--redirect-uri", s.redirect_uris, "Redirect URI (repeatable)");
  reg->add_option("--body", s.body, "Request body (JSON, or @FILE) instead of the options");
  reg->callback([&s] {
    s.action = [&s](TppClient& client) {
      return finish(s.common, client.send(client.register_request(registration_body(s))));
    };
  });

  // token
  auto* token = tpp.add_subcommand("token", "Request an application token (signed, or --mtls)");
  token->add_flag("--mtls", s.mtls, "mTLS-only flow (step 2.1: for /oauth2/applications)");
  token->add_option("--scope", s.scope,
                    "Space-separated scopes (default: all the certificate allows)");
  token->callback([&s] {
    s.action = [&s](TppClient& client) {
      return finish(s.common,
                    s.mtls ? client.fetch_mtls_token(s.scope) : client.fetch_app_token(s.scope));
    };
  });

  // app show / update
  auto* app = tpp.add_subcommand("app", "The registered application (steps 2.2 and 2b)");
  app->require_subcommand(1);
  auto* show = app->add_subcommand("show", "GET /oauth2/applications/me (or --id)");
  show->add_option("--id", s.app_id, "Application id (client_id) instead of 'me'");
  show->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto token = client.mtls_token();
      return finish(s.common, client.send(client.app_show_request(token, s.app_id)));
    };
  });
  auto* update = app->add_subcommand("update", "PUT /oauth2/applications/{id} (JWS-signed)");
  update->add_option("--id", s.app_id, "Application id (default: the client_id)");
  update->add_option("--contact", s.contact, "Contact e-mail");
  update->add_option("--redirect-uri", s.redirect_uris, "Redirect URI (repeatable)");
  update->add_option("--body", s.body, "Request body (JSON, or @FILE) instead of the options");
  update->callback([&s] {
    s.action = [&s](TppClient& client) {
      auto body = registration_body(s);
      auto token = client.mtls_token();
      auto id = s.app_id.empty() ? client.client_id() : s.app_id;
      return finish(s.common, client.send(client.app_update_request(token, id, body)));
    };
  });

  // authorize-url
  auto* authorize = tpp.add_subcommand("authorize-url", "Step 3a: the customer's consent URL");
  authorize->add_option("--country", s.country, "Two-letter country code (NL, BE, DE, ...)");
  authorize->add_option("--scope", s.authorize_scope, "Space-separated scopes")
      ->capture_default_str();
  authorize->add_option("--state", s.state, "State (default: random)");
  authorize->callback([&s] {
    s.action = [&s](TppClient& client) {
      std::string st = s.state.empty() ? tpp::random_state() : s.state;
      std::printf("%s\n", client
                              .authorize_url(client.client_id(), s.country, s.authorize_scope, st,
                                             client.profile().redirect_uri)
                              .c_str());
      return 0;
    };
  });

  // authorize (3a + 3b without a browser)
  auto* authz = tpp.add_subcommand(
      "authorize",
      "Steps 3a-3b without a browser: walk the authorization pages as a test profile, print the "
      "code");
  authz->add_option("--profile", s.test_profile, "Test profile name, e.g. \"Jane Doe\"")
      ->required();
  authz->add_option("--country", s.country,
                    "Country code in the authorize URL (default: none, NL chosen on the country "
                    "page)");
  authz->add_option("--scope", s.authorize_scope, "Space-separated scopes")->capture_default_str();
  authz->add_option("--state", s.state, "State (default: random)");
  authz->add_flag("--exchange", s.exchange, "Also exchange the code for a customer token (3d)");
  authz->callback([&s] {
    s.action = [&s](TppClient& client) {
      std::string st = s.state.empty() ? tpp::random_state() : s.state;
      if (s.common.dry_run) {
        std::printf("GET %s\n", client
                                    .authorize_url(client.client_id(), s.country, s.authorize_scope,
                                                   st, client.profile().redirect_uri)
                                    .c_str());
        return 0;
      }
      auto outcome = tpp::authorize_as(client, s.test_profile, s.country, s.authorize_scope, st);
      boost::json::object o;
      o["code"] = outcome.code;
      o["state"] = outcome.state;
      o["redirect"] = outcome.location;
      int code = 0;
      if (s.exchange) {
        auto r = client.exchange(outcome.code, client.profile().redirect_uri);
        boost::system::error_code ec;
        auto body = boost::json::parse(r.body, ec);
        o["token"] = ec ? boost::json::value(r.body) : body;
        if (r.status != 200) {
          std::fprintf(stderr, "sandbank tpp: the code exchange answered HTTP %ld\n", r.status);
          code = 1;
        }
      }
      print_body(s.common, boost::json::serialize(o));
      return code;
    };
  });

  // walkthrough
  auto* walkthrough = tpp.add_subcommand(
      "walkthrough",
      "The whole guide against the target: register, tokens, app show, authorize, exchange, AIS, "
      "PIS, CAF, refresh; a summary table");
  walkthrough->add_option("--test-profile", s.walk.test_profile, "Test profile to authorize as")
      ->capture_default_str();
  walkthrough->add_option("--scope", s.walk.scope, "Scopes the customer grants")
      ->capture_default_str();
  walkthrough->add_option("--contact", s.walk.contact, "Contact e-mail of the registration");
  walkthrough->add_flag("--no-register", s.walk.no_register,
                        "Skip step 1 (use an application registered before)");
  walkthrough->callback([&s] {
    s.action = [&s](TppClient& client) {
      if (s.common.dry_run) {
        throw Error(400, codes::kTppUsage,
                    "the walkthrough needs each step's answer for the next; it cannot --dry-run");
      }
      return tpp::run_walkthrough(client, s.walk);
    };
  });

  // exchange / refresh / revoke
  auto* exchange = tpp.add_subcommand("exchange", "Step 3d: authorization code -> customer token");
  exchange
      ->add_option("code", s.code,
                   "The code from the redirect, or the whole redirect URL (code read from it)")
      ->required();
  exchange->callback([&s] {
    s.action = [&s](TppClient& client) {
      return finish(s.common,
                    client.exchange(code_from_argument(s.code), client.profile().redirect_uri));
    };
  });
  auto* refresh = tpp.add_subcommand("refresh", "Refresh the customer token");
  refresh->callback(
      [&s] { s.action = [&s](TppClient& client) { return finish(s.common, client.refresh()); }; });
  auto* revoke =
      tpp.add_subcommand("revoke", "Revoke the refresh token (POST /oauth2/token/revoke)");
  revoke->add_option("token", s.token, "Refresh token (default: the cached one)");
  revoke->callback([&s] {
    s.action = [&s](TppClient& client) { return finish(s.common, client.revoke(s.token)); };
  });
}

}  // namespace sandbank::app::tpp_cli
