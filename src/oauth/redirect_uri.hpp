#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"

// How Sandbank compares redirect URIs (docs/authorize.md "Redirect URIs"): exact string
// equality with one normalisation of RFC 3986 §6.2.3, an empty path equals "/"
// ("https://www.example.com" names "https://www.example.com/"). Nothing else is normalised: no
// case folding, no percent-decoding, no query reordering, no trailing-slash equivalence on a
// non-empty path. ING's guide prints its sandbox URL with "https://www.example.com/" while ING's
// CLI sends "https://www.example.com"; both name the same registered URI.
namespace sandbank::oauth {

bool same_redirect_uri(std::string_view a, std::string_view b);

// The registered URI that `given` names (as registered), or nullopt.
std::optional<std::string> registered_redirect_uri(const std::vector<std::string>& registered,
                                                   std::string_view given);

// The redirect URI a request of `application` goes back to: `given` when it names a registered
// one; without `given` the only registered one. Throws Error 400 request.redirect_uri_invalid
// (not registered), request.redirect_uri_missing (several registered, none given) or
// request.redirect_uri_none (the application registered none).
std::string resolve_redirect_uri(const store::Application& application,
                                 std::optional<std::string_view> given);

}  // namespace sandbank::oauth
