#pragma once

// Reading the answers of the bank: members by their path, links as request targets. Used by
// `transactions --all` (following _links.next) and the walkthrough (the first account, its
// links, the paymentId).

#include <boost/json.hpp>
#include <initializer_list>
#include <string>
#include <string_view>

namespace sandbank::tpp {

// The member at `keys` (object members, one level each), or nullptr.
const boost::json::value* path_of(const boost::json::value& v,
                                  std::initializer_list<std::string_view> keys);

// The string at `keys`, or "" when it is absent or not a string.
std::string string_path(const boost::json::value& v, std::initializer_list<std::string_view> keys);

// `text` parsed, or null when it is not JSON.
boost::json::value parse_or_null(const std::string& text);

// A link from a response (relative, or absolute on the API host) as a request target.
std::string link_target(std::string_view href);

}  // namespace sandbank::tpp
