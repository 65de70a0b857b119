#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// application/x-www-form-urlencoded, the one parser of the project: a form body
// (POST /oauth2/token, the authorization pages' forms) and a URL's query (GET /authorize/v2,
// the AIS query parameters, the redirect back to the TPP). Percent-decoding is Boost.URL's
// (RFC 3986 §2.1), with '+' as a space as HTML forms send it. Each caller keeps its own error
// codes and messages: these functions report what is wrong, they do not answer.
namespace sandbank::form {

// One `name=value` pair.
struct Pair {
  std::string name;       // decoded; as given when it is not valid percent-encoding
  std::string value;      // decoded ("" for a pair without '='); as given when not valid
  std::string_view text;  // the pair as given: a view of the parsed text
  bool valid = true;      // false: the name or the value is not valid percent-encoding
};

// The pairs of `text` in order, empty ones (`a=1&&b=2`, a trailing '&') left out. A '%' not
// followed by two hex digits makes its pair invalid; the other pairs are still read.
std::vector<Pair> parse(std::string_view text);

// For the callers that refuse a parameter sent twice (RFC 6749 §3.1) or a pair that does not
// decode: the first problem in the order of the text, or none.
struct Unique {
  enum class Problem { None, Malformed, Duplicate };
  std::map<std::string, std::string> values;  // complete only when problem is None
  Problem problem = Problem::None;
  // Malformed: the pair as given; Duplicate: the (decoded) name sent more than once.
  std::string where;
};
// `empty_is_absent`: a pair with an empty value counts as not sent (neither kept nor a
// duplicate), as the token endpoint reads its form.
Unique parse_unique(std::string_view text, bool empty_is_absent);

// The query of `url`: after the first '?', up to a '#'; empty when there is none.
std::string_view query_of(std::string_view url);

// One component (a name or a value) percent-decoded, '+' as a space; nullopt when it is not
// valid percent-encoding.
std::optional<std::string> decode(std::string_view component);

}  // namespace sandbank::form
