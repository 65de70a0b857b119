#include "core/time_format.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <vector>

namespace sandbank {
namespace {

constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                  "Thursday", "Friday", "Saturday"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::tm to_utc_tm(TimePoint t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool valid_date(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int kLen[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int len = kLen[m - 1];
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && leap) len = 29;
  return d <= len;
}

// TimePoint counts nanoseconds in 64 bits (1677-09-21 .. 2262-04-11): whole years inside.
constexpr int kFirstYear = 1678;
constexpr int kLastYear = 2261;

std::optional<TimePoint> make_time(int y, int mo, int d, int h, int mi, int s) {
  if (y < kFirstYear || y > kLastYear) return std::nullopt;
  if (!valid_date(y, mo, d) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) {
    return std::nullopt;
  }
  long long days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  long long secs = days * 86400 + h * 3600 + mi * 60 + (s == 60 ? 59 : s);
  return TimePoint(std::chrono::seconds(secs));
}

int month_index(std::string_view m) {
  for (int i = 0; i < 12; ++i) {
    if (m == kMonths[i]) return i + 1;
  }
  return 0;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// "HH:MM:SS"
bool parse_clock(std::string_view s, int& h, int& m, int& sec) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return false;
  if (!all_digits(s.substr(0, 2)) || !all_digits(s.substr(3, 2)) || !all_digits(s.substr(6, 2))) {
    return false;
  }
  h = to_int(s.substr(0, 2));
  m = to_int(s.substr(3, 2));
  sec = to_int(s.substr(6, 2));
  return true;
}

std::optional<ParsedHttpDate> fail(HttpDateProblem* problem, std::string message) {
  if (problem) problem->message = std::move(message);
  return std::nullopt;
}

}  // namespace

std::string format_imf_fixdate(TimePoint t) {
  std::tm tm = to_utc_tm(t);
  return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} GMT", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string format_rfc3339(TimePoint t) {
  std::string out(20, 'Z');
  put_rfc3339_seconds(out.data(), t);
  return out;
}

std::string format_date(TimePoint t) {
  std::string out(20, ' ');
  put_rfc3339_seconds(out.data(), t);
  out.resize(10);
  return out;
}

char* put_rfc3339_seconds(char* out, TimePoint t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{secs - day};
  // TimePoint (nanoseconds since 1970 in 64 bits) spans the years 1677 to 2262: four digits.
  const auto put = [&out](unsigned value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
    out += digits;
  };
  put(static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
  *out++ = '-';
  put(static_cast<unsigned>(ymd.month()), 2);
  *out++ = '-';
  put(static_cast<unsigned>(ymd.day()), 2);
  *out++ = 'T';
  put(static_cast<unsigned>(hms.hours().count()), 2);
  *out++ = ':';
  put(static_cast<unsigned>(hms.minutes().count()), 2);
  *out++ = ':';
  put(static_cast<unsigned>(hms.seconds().count()), 2);
  return out;
}

std::optional<ParsedHttpDate> parse_http_date(std::string_view text, HttpDateProblem* problem) {
  std::string_view s = text;
  const std::string expected =
      "expected IMF-fixdate such as 'Sun, 06 Nov 1994 08:49:37 GMT' (date -u \"+%a, %d %b %Y "
      "%H:%M:%S GMT\")";
  auto comma = s.find(',');
  if (comma == std::string_view::npos) {
    // asctime: "Sun Nov  6 08:49:37 1994"
    if (s.size() == 24 && s[3] == ' ' && s[7] == ' ' && s[10] == ' ' && s[19] == ' ') {
      int wday = -1;
      for (int i = 0; i < 7; ++i) {
        if (s.substr(0, 3) == kDays[i]) wday = i;
      }
      int mon = month_index(s.substr(4, 3));
      std::string_view day = s.substr(8, 2);
      if (day[0] == ' ') day.remove_prefix(1);
      int h = 0, mi = 0, sec = 0;
      if (wday >= 0 && mon > 0 && all_digits(day) && parse_clock(s.substr(11, 8), h, mi, sec) &&
          all_digits(s.substr(20, 4))) {
        auto tp = make_time(to_int(s.substr(20, 4)), mon, to_int(day), h, mi, sec);
        if (tp) return ParsedHttpDate{*tp, HttpDateFormat::Asctime};
      }
    }
    return fail(problem,
                "Date header '" + std::string(text) + "' is not an HTTP date; " + expected);
  }
  std::string_view dayname = s.substr(0, comma);
  std::string_view rest = s.substr(comma + 1);
  if (rest.empty() || rest[0] != ' ') {
    return fail(problem, "Date header needs a space after the comma; " + expected);
  }
  rest.remove_prefix(1);
  bool short_day = false, long_day = false;
  for (int i = 0; i < 7; ++i) {
    if (dayname == kDays[i]) short_day = true;
    if (dayname == kLongDays[i]) long_day = true;
  }
  if (long_day) {
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
    if (rest.size() == 22 && rest[2] == '-' && rest[6] == '-' && rest[9] == ' ' &&
        rest.substr(19) == "GMT") {
      int mon = month_index(rest.substr(3, 3));
      int h = 0, mi = 0, sec = 0;
      if (mon > 0 && all_digits(rest.substr(0, 2)) && all_digits(rest.substr(7, 2)) &&
          parse_clock(rest.substr(10, 8), h, mi, sec)) {
        int yy = to_int(rest.substr(7, 2));
        int year = yy < 70 ? 2000 + yy : 1900 + yy;
        auto tp = make_time(year, mon, to_int(rest.substr(0, 2)), h, mi, sec);
        if (tp) return ParsedHttpDate{*tp, HttpDateFormat::Rfc850};
      }
    }
    return fail(problem,
                "Date header '" + std::string(text) + "' is not a valid date; " + expected);
  }
  if (!short_day) {
    return fail(problem, "Date header starts with '" + std::string(dayname) +
                             "', not an English day name (Mon..Sun); set LC_TIME=en_US.UTF-8; " +
                             expected);
  }
  // IMF-fixdate: "06 Nov 1994 08:49:37 GMT"
  auto parts = std::vector<std::string_view>{};
  {
    std::size_t start = 0;
    while (start <= rest.size()) {
      auto pos = rest.find(' ', start);
      if (pos == std::string_view::npos) {
        parts.push_back(rest.substr(start));
        break;
      }
      parts.push_back(rest.substr(start, pos - start));
      start = pos + 1;
    }
  }
  if (parts.size() != 5) {
    return fail(problem,
                "Date header '" + std::string(text) + "' is not a valid date; " + expected);
  }
  if (parts[4] != "GMT") {
    return fail(problem, "Date header time zone is '" + std::string(parts[4]) +
                             "'; HTTP dates must be in GMT (use date -u); " + expected);
  }
  if (!all_digits(parts[0])) {
    return fail(problem,
                "Date header day '" + std::string(parts[0]) + "' is not a number; " + expected);
  }
  if (parts[0].size() != 2) {
    return fail(problem, "Date header day '" + std::string(parts[0]) +
                             "' must have two digits (zero-padded, e.g. '06'); " + expected);
  }
  int mon = month_index(parts[1]);
  if (mon == 0) {
    return fail(problem, "Date header month '" + std::string(parts[1]) +
                             "' is not an English month abbreviation (Jan..Dec); " + expected);
  }
  int h = 0, mi = 0, sec = 0;
  if (parts[2].size() != 4 || !all_digits(parts[2]) || !parse_clock(parts[3], h, mi, sec)) {
    return fail(problem,
                "Date header '" + std::string(text) + "' is not a valid date; " + expected);
  }
  if (int year = to_int(parts[2]); year < kFirstYear || year > kLastYear) {
    return fail(problem, "Date header year " + std::string(parts[2]) + " is outside " +
                             std::to_string(kFirstYear) + ".." + std::to_string(kLastYear) +
                             "; send the current time");
  }
  auto tp = make_time(to_int(parts[2]), mon, to_int(parts[0]), h, mi, sec);
  if (!tp) {
    return fail(problem, "Date header '" + std::string(text) + "' names a day that does not exist");
  }
  std::tm tm = to_utc_tm(*tp);
  if (std::string_view(kDays[tm.tm_wday]) != dayname) {
    return fail(problem, "Date header says " + std::string(dayname) + " but " +
                             std::string(parts[0]) + " " + std::string(parts[1]) + " " +
                             std::string(parts[2]) + " is a " + kDays[tm.tm_wday]);
  }
  return ParsedHttpDate{*tp, HttpDateFormat::ImfFixdate};
}

std::optional<TimePoint> parse_rfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  if (s.size() < 20) return std::nullopt;
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't')) return std::nullopt;
  if (!all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2))) {
    return std::nullopt;
  }
  int h = 0, mi = 0, sec = 0;
  if (!parse_clock(s.substr(11, 8), h, mi, sec)) return std::nullopt;
  std::string_view rest = s.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    std::size_t i = 1;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
    if (i == 1) return std::nullopt;
    rest.remove_prefix(i);
  }
  long long offset = 0;
  if (rest == "Z" || rest == "z") {
    offset = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
             all_digits(rest.substr(1, 2)) && all_digits(rest.substr(4, 2))) {
    offset = to_int(rest.substr(1, 2)) * 3600 + to_int(rest.substr(4, 2)) * 60;
    if (rest[0] == '-') offset = -offset;
  } else {
    return std::nullopt;
  }
  auto tp =
      make_time(to_int(s.substr(0, 4)), to_int(s.substr(5, 2)), to_int(s.substr(8, 2)), h, mi, sec);
  if (!tp) return std::nullopt;
  return *tp - std::chrono::seconds(offset);
}

}  // namespace sandbank
