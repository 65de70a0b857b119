#include "signing/date_window.hpp"

#include <fmt/format.h>

#include <chrono>

#include "core/time_format.hpp"

namespace sandbank::signing {

std::string make_date(const Clock& clock) {
  return format_imf_fixdate(clock.now());
}

std::string describe_skew(TimePoint t, TimePoint now) {
  auto diff = std::chrono::duration_cast<std::chrono::seconds>(t - now).count();
  if (diff == 0) return "equal to";
  if (diff > 0) return fmt::format("{} s ahead of", diff);
  return fmt::format("{} s behind", -diff);
}

Diagnosis check_date_value(std::string_view value, TimePoint now, Seconds window) {
  HttpDateProblem problem;
  auto parsed = parse_http_date(value, &problem);
  if (!parsed) {
    auto d = Diagnosis::bad_request(std::string(codes::kDateMalformed), problem.message);
    d.fact("date", std::string(value));
    d.fact("example", format_imf_fixdate(now));
    return d;
  }
  auto skew = std::chrono::duration_cast<std::chrono::seconds>(parsed->time - now);
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
  auto finish = [&](Diagnosis d) { return policy.detailed ? d : d.redacted(); };
  auto values = message.values("date");
  if (values.empty()) {
    if (!policy.required) return Diagnosis::success();
    return finish(Diagnosis::bad_request(
        std::string(codes::kDateMissing),
        fmt::format("The Date header is missing; send the current time as an IMF-fixdate, e.g. {}",
                    format_imf_fixdate(clock.now()))));
  }
  if (values.size() > 1) {
    return finish(Diagnosis::bad_request(std::string(codes::kDateMalformed),
                                         "The Date header is sent more than once"));
  }
  return finish(check_date_value(values.front(), clock.now(), policy.window));
}

}  // namespace sandbank::signing
