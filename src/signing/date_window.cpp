#include "signing/date_window.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <optional>

#include "core/time_format.hpp"
#include "signing/ascii.hpp"

namespace sandbank::signing {

std::string make_date(const Clock& clock) {
  return format_imf_fixdate(clock.now());
}

namespace {

// t - now in seconds. Subtracting the time points themselves would overflow their nanosecond
// count for dates centuries apart (a Date of 1699 is a valid HTTP date).
std::chrono::seconds seconds_between(TimePoint t, TimePoint now) {
  using std::chrono::duration_cast;
  return duration_cast<std::chrono::seconds>(t.time_since_epoch()) -
         duration_cast<std::chrono::seconds>(now.time_since_epoch());
}

}  // namespace

std::string describe_skew(TimePoint t, TimePoint now) {
  auto diff = seconds_between(t, now).count();
  if (diff == 0) return "equal to";
  if (diff > 0) return fmt::format("{} s ahead of", diff);
  return fmt::format("{} s behind", -diff);
}

namespace detail {

namespace {

// Three letters as one number, to compare a day or month name without a string comparison.
constexpr std::uint32_t pack3(std::string_view s, std::size_t at = 0) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2]));
}

constexpr std::uint32_t kDayNames[] = {pack3("Sun"), pack3("Mon"), pack3("Tue"), pack3("Wed"),
                                       pack3("Thu"), pack3("Fri"), pack3("Sat")};
constexpr std::uint32_t kMonthNames[] = {pack3("Jan"), pack3("Feb"), pack3("Mar"), pack3("Apr"),
                                         pack3("May"), pack3("Jun"), pack3("Jul"), pack3("Aug"),
                                         pack3("Sep"), pack3("Oct"), pack3("Nov"), pack3("Dec")};

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<TimePoint> parse_imf_fixdate(std::string_view s) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions.
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s[25] != ' ' || pack3(s, 26) != pack3("GMT")) {
    return std::nullopt;
  }
  int wday = -1;
  const std::uint32_t day_name = pack3(s, 0);
  for (int i = 0; i < 7; ++i) {
    if (day_name == kDayNames[i]) wday = i;
  }
  int month = 0;
  const std::uint32_t month_name = pack3(s, 8);
  for (int i = 0; i < 12; ++i) {
    if (month_name == kMonthNames[i]) month = i + 1;
  }
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (wday < 0 || month == 0 || !digits(s, 5, 2, day) || !digits(s, 12, 4, year) ||
      !digits(s, 17, 2, hour) || !digits(s, 20, 2, minute) || !digits(s, 23, 2, second)) {
    return std::nullopt;
  }
  // TimePoint counts nanoseconds in 64 bits (years 1678..2262); outside a safe range the
  // general parser decides.
  if (year < 1700 || year > 2200) return std::nullopt;
  static constexpr int kLength[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int length = month == 2 && leap ? 29 : kLength[month - 1];
  if (day < 1 || day > length || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const long long days =
      std::chrono::sys_days(std::chrono::year(year) / static_cast<unsigned>(month) /
                            static_cast<unsigned>(day))
          .time_since_epoch()
          .count();
  if (((days + 4) % 7 + 7) % 7 != wday) return std::nullopt;  // 1970-01-01 was a Thursday
  // A leap second (60) counts as 59, as parse_http_date does.
  const long long secs = days * 86400 + hour * 3600 + minute * 60 + (second == 60 ? 59 : second);
  return TimePoint(std::chrono::seconds(secs));
}

}  // namespace detail

Diagnosis check_date_value(std::string_view value, TimePoint now, Seconds window) {
  // The guide's IMF-fixdate without a detour; anything else (the obsolete formats, every
  // mistake) goes to parse_http_date, which names the problem.
  std::optional<ParsedHttpDate> parsed;
  HttpDateProblem problem;
  if (auto fixdate = detail::parse_imf_fixdate(value)) {
    parsed = ParsedHttpDate{*fixdate, HttpDateFormat::ImfFixdate};
  } else {
    parsed = parse_http_date(value, &problem);
  }
  if (!parsed) {
    auto d = Diagnosis::bad_request(std::string(codes::kDateMalformed), problem.message);
    d.fact("date", std::string(value));
    d.fact("example", format_imf_fixdate(now));
    return d;
  }
  auto skew = seconds_between(parsed->time, now);
  if (skew > window || skew < -window) {
    auto d = Diagnosis::unauthorized(
        std::string(codes::kDateOutsideWindow),
        fmt::format("Date {} is {} the server time {}; the allowed difference is {} s either way "
                    "(compute Date right before sending and keep the clock in sync)",
                    value, describe_skew(parsed->time, now), format_imf_fixdate(now),
                    window.count()));
    d.fact("date", std::string(value));
    d.fact("server_time", format_imf_fixdate(now));
    d.fact("skew_seconds", std::to_string(skew.count()));
    d.fact("window_seconds", std::to_string(window.count()));
    return d;
  }
  return Diagnosis::success();
}

Diagnosis check_date(const MessageView& message, const Clock& clock, const DatePolicy& policy) {
  using detail::ascii_iequals;
  auto finish = [&](Diagnosis d) { return policy.detailed ? d : d.redacted(); };
  std::size_t count = 0;
  std::string_view value;
  for (const auto& h : message.headers) {
    if (ascii_iequals(h.name, "date") && count++ == 0) value = h.value;
  }
  if (count == 0) {
    if (!policy.required) return Diagnosis::success();
    return finish(Diagnosis::bad_request(
        std::string(codes::kDateMissing),
        fmt::format("The Date header is missing; send the current time as an IMF-fixdate, e.g. {}",
                    format_imf_fixdate(clock.now()))));
  }
  if (count > 1) {
    return finish(Diagnosis::bad_request(std::string(codes::kDateMalformed),
                                         "The Date header is sent more than once"));
  }
  return finish(check_date_value(value, clock.now(), policy.window));
}

}  // namespace sandbank::signing
