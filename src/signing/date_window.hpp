#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "signing/diagnosis.hpp"
#include "signing/message.hpp"

namespace sandbank::signing {

// ING enforces ±3 minutes on Date (HTTP Signature) and sigT (JWS).
inline constexpr Seconds kDefaultWindow{180};

struct DatePolicy {
  Seconds window = kDefaultWindow;
  bool required = true;  // a missing Date header is date.missing; else it passes
  bool detailed = true;
};

// The Date header value for now, as the guide's `date -u "+%a, %d %b %Y %H:%M:%S GMT"`.
std::string make_date(const Clock& clock);

// Checks the Date header: one of the three RFC 7231 formats (IMF-fixdate, RFC 850, asctime)
// and within ±window of the server's clock. Codes: date.missing, date.malformed (400; the
// message names the problem, e.g. an unpadded day or a zone other than GMT),
// date.outside_window (401; the message gives the server time and the skew).
Diagnosis check_date(const MessageView& message, const Clock& clock, const DatePolicy& policy = {});
// The same for one value.
Diagnosis check_date_value(std::string_view value, TimePoint now, Seconds window = kDefaultWindow);

// "245 s behind", "12 s ahead of": how `t` relates to `now`, in words, for messages.
std::string describe_skew(TimePoint t, TimePoint now);

namespace detail {
// A well-formed IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", weekday matching the date, year
// 1700..2200) in one pass; nullopt for anything else. Where it gives a time, parse_http_date
// gives the same one: check_date_value uses it first and parse_http_date for the rest and for
// the diagnosis.
std::optional<TimePoint> parse_imf_fixdate(std::string_view value);
}  // namespace detail

}  // namespace sandbank::signing
