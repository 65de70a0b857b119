#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace sandbank {

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 7231 IMF-fixdate), as the guide's
// `date -u "+%a, %d %b %Y %H:%M:%S GMT"` prints it.
std::string format_imf_fixdate(TimePoint t);

enum class HttpDateFormat { ImfFixdate, Rfc850, Asctime };

struct ParsedHttpDate {
  TimePoint time;
  HttpDateFormat format;
};

// Why an HTTP date could not be parsed; the message names the problem so a TPP
// developer can fix it (unpadded day, a zone other than GMT, ...).
struct HttpDateProblem {
  std::string message;
};

// Parses the three RFC 7231 §7.1.1.1 formats. On failure returns the problem.
std::optional<ParsedHttpDate> parse_http_date(std::string_view text,
                                              HttpDateProblem* problem = nullptr);

// "2019-11-19T17:28:15Z": RFC 3339, UTC, no fraction.
std::string format_rfc3339(TimePoint t);
// Writes "YYYY-MM-DDThh:mm:ss" (19 bytes, whole seconds, no zone) at out; returns the end.
char* put_rfc3339_seconds(char* out, TimePoint t);
// Accepts RFC 3339 with "Z" or a numeric offset, with or without a fraction.
std::optional<TimePoint> parse_rfc3339(std::string_view text);

// "2026-11-25" (ISO 8601 calendar date, UTC).
std::string format_date(TimePoint t);

}  // namespace sandbank
