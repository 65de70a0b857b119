#include "api/errors.hpp"

#include "api/pis_xml_api.hpp"
#include "api/token_api.hpp"
#include "api/tpp_messages.hpp"

namespace sandbank::api {

const char* error_body_name(int error_body) {
  switch (static_cast<ErrorBody>(error_body)) {
    case ErrorBody::OAuth:
      return "oauth";
    case ErrorBody::Ais:
      return "tppMessages (AIS)";
    case ErrorBody::Pis:
      return "tppMessages (PIS)";
    case ErrorBody::Web:
      return "html";
    case ErrorBody::Plain:
    case ErrorBody::WebJson:
      break;
  }
  return "json";
}

ErrorBody error_body_of(const http::Request& request) {
  if (request.route) return static_cast<ErrorBody>(request.route->error_body);
  if (auto api = tpp_api_of(request.path())) {
    return *api == TppApi::Ais ? ErrorBody::Ais : ErrorBody::Pis;
  }
  return ErrorBody::Plain;
}

http::Response render_api_error(const http::Request& request, const Error& error,
                                bool diagnostics) {
  if (auto response = render_pain001_path_error(request, error, diagnostics)) return *response;
  switch (error_body_of(request)) {
    case ErrorBody::OAuth:
      return render_oauth_error(error, diagnostics);
    case ErrorBody::Ais:
      return render_tpp_error(error, diagnostics, {}, TppApi::Ais);
    case ErrorBody::Pis:
      return render_tpp_error(error, diagnostics, {}, TppApi::Pis);
    default:
      return http::render_error_json(error, diagnostics);
  }
}

void use_api_error_path(http::Router& router) {
  router.set_error_renderer([&router](const http::Request& request, const Error& error) {
    return render_api_error(request, error, router.diagnostics());
  });
  router.after([](const http::Request& request, http::Response& response) {
    auto body = error_body_of(request);
    if (body != ErrorBody::Ais && body != ErrorBody::Pis) return;
    if (auto id = request.header("X-Request-ID")) response.set("X-Request-ID", *id);
  });
}

}  // namespace sandbank::api
