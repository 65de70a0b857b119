#pragma once

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <string>
#include <string_view>

namespace sandbank {

// The JSON of a request body, parsed strictly: Boost.JSON keeps the last of a member that an
// object names twice, so a signed body could say one thing to the signature and its reader and
// another to the bank. A syntax error goes to `ec`, as with boost::json::parse, for the caller
// to name in its own words; a duplicated member throws Error 400 "request.duplicate_member"
// naming the member by its path ("instructedAmount", "creditorAccount.iban", "keys.tls[0]").
boost::json::value parse_request_json(std::string_view text, boost::system::error_code& ec);

// The path of the first member of `text` that appears twice in one object, "" when there is
// none or `text` is not JSON. Linear in the size of the text.
std::string find_duplicate_member(std::string_view text);

}  // namespace sandbank
