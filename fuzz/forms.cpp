// application/x-www-form-urlencoded bodies and queries: the token endpoint's form, the
// authorization request of GET /authorize/v2 (client_id, redirect_uri, response_type, state,
// scope) and the redirect URI comparison.
#include <string_view>

#include "api/oauth_api.hpp"
#include "core/error.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/scopes.hpp"
#include "web/authorize_request.hpp"

using namespace sandbank;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)api::parse_form(text);
  } catch (const Error&) {
  }
  auto fields = web::parse_form(text);
  store::Application app;
  app.client_id = "5ca1ab1e-c0ca-c01a-cafe-154deadbea75";
  app.redirect_uris = {"https://www.example.com/", "http://localhost:8080/redirect"};
  app.roles = {"PSP_AI", "PSP_PI", "PSP_IC"};
  auto check = web::check_authorize_request(
      fields,
      [&](const std::string& id) -> std::optional<store::Application> {
        if (id == app.client_id) return app;
        return std::nullopt;
      },
      [](const store::Application& a) { return oauth::scopes_for_roles(a.roles); });
  if (check.error && check.error->redirect) (void)web::error_redirect_uri(*check.error);
  if (auto uri = fields.get("redirect_uri")) {
    (void)oauth::same_redirect_uri(*uri, "https://www.example.com/");
    (void)web::build_redirect_uri(*uri, {{"code", "c"}, {"state", "s"}});
  }
  if (auto scope = fields.get("scope")) {
    try {
      (void)oauth::grant_scope(*scope, oauth::scopes_for_roles(app.roles));
    } catch (const Error&) {
    }
  }
  return 0;
}
