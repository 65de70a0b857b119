#include "oauth/redirect_uri.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "oauth/codes.hpp"

namespace sandbank::oauth {
namespace {

// Where the path of an absolute URI starts and whether it is empty: after "scheme://authority",
// an empty path is followed directly by '?', '#' or the end.
std::size_t empty_path_at(std::string_view uri) {
  auto scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos) return std::string_view::npos;
  auto authority_end = uri.find_first_of("/?#", scheme_end + 3);
  if (authority_end == std::string_view::npos) return uri.size();
  return uri[authority_end] == '/' ? std::string_view::npos : authority_end;
}

std::string normalised(std::string_view uri) {
  std::string out(uri);
  if (auto at = empty_path_at(uri); at != std::string_view::npos) out.insert(at, 1, '/');
  return out;
}

}  // namespace

bool same_redirect_uri(std::string_view a, std::string_view b) {
  if (a == b) return true;
  return normalised(a) == normalised(b);
}

std::optional<std::string> registered_redirect_uri(const std::vector<std::string>& registered,
                                                   std::string_view given) {
  for (const auto& uri : registered) {
    if (uri == given) return uri;
  }
  for (const auto& uri : registered) {
    if (same_redirect_uri(uri, given)) return uri;
  }
  return std::nullopt;
}

std::string resolve_redirect_uri(const store::Application& application,
                                 std::optional<std::string_view> given) {
  const auto& registered = application.redirect_uris;
  if (given && !given->empty()) {
    if (auto uri = registered_redirect_uri(registered, *given)) return *uri;
    throw Error(400, codes::kRequestRedirectUriInvalid,
                fmt::format("The redirect_uri {} is not one of the redirect URIs registered for "
                            "application {} (exact match; an empty path equals /)",
                            std::string(given->substr(0, 512)), application.client_id));
  }
  if (registered.size() == 1) return registered.front();
  if (registered.empty()) {
    throw Error(400, codes::kRequestRedirectUriNone,
                fmt::format("Application {} has no registered redirect URI; register one with "
                            "PUT /oauth2/applications/{}",
                            application.client_id, application.client_id));
  }
  throw Error(400, codes::kRequestRedirectUriMissing,
              fmt::format("The redirect_uri parameter is required: application {} registered {} "
                          "redirect URIs",
                          application.client_id, registered.size()));
}

}  // namespace sandbank::oauth
