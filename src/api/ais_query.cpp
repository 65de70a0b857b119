#include "api/ais_query.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "api/codes.hpp"
#include "api/signed_call.hpp"
#include "core/error.hpp"
#include "core/time_format.hpp"

namespace sandbank::api {

using std::chrono::days;

Query parse_query(const http::Request& request) {
  return Query{parse_form(request.query())};
}

void check_currency(const Query& query, const store::BankAccount& account) {
  auto currency = query.get("currency");
  if (currency.empty()) return;
  bool shape = currency.size() == 3 && std::all_of(currency.begin(), currency.end(),
                                                   [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!shape || currency != account.currency) {
    throw InvalidField(400, codes::kAisCurrencyInvalid, "currency",
                       fmt::format("The account is held in {}; currency={} is not available",
                                   account.currency, currency));
  }
}

namespace {

constexpr std::string_view kOmittable[] = {"debtorName",
                                           "creditorName",
                                           "debtorAccount",
                                           "creditorAccount",
                                           "remittanceInformationStructured",
                                           "remittanceInformationUnstructured"};

}  // namespace

std::vector<std::string> fields_to_omit(const Query& query) {
  std::vector<std::string> out;
  auto text = query.get("fieldsToOmit");
  if (text.empty()) return out;
  std::size_t i = 0;
  while (i <= text.size()) {
    auto end = std::min(text.find(',', i), text.size());
    auto field = text.substr(i, end - i);
    i = end + 1;
    if (std::find(std::begin(kOmittable), std::end(kOmittable), field) == std::end(kOmittable)) {
      throw InvalidField(400, codes::kAisFieldsToOmitInvalid, "fieldsToOmit",
                         fmt::format("fieldsToOmit cannot omit '{}'; it takes debtorName, "
                                     "creditorName, debtorAccount, creditorAccount, "
                                     "remittanceInformationStructured, "
                                     "remittanceInformationUnstructured",
                                     field));
    }
    out.emplace_back(field);
  }
  return out;
}

int parse_limit(std::string_view text) {
  if (text.empty()) return kDefaultTransactionLimit;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 ||
      value > kMaxTransactionLimit) {
    throw InvalidField(400, codes::kAisLimitInvalid, "limit",
                       fmt::format("limit must be a whole number from 1 to {}; got '{}'",
                                   kMaxTransactionLimit, text));
  }
  return value;
}

std::string next_value(const std::string& cursor, int limit) {
  return fmt::format("{}.{}", cursor, limit);
}

void apply_next(std::string_view next, store::TransactionQuery& query) {
  auto dot = next.rfind('.');
  if (dot == std::string_view::npos) {
    throw InvalidField(400, codes::kAisCursorInvalid, "next",
                       "The next value is not one this server handed out; start again without "
                       "it");
  }
  query.cursor = std::string(next.substr(0, dot));
  try {
    query.limit = parse_limit(next.substr(dot + 1));
  } catch (const Error&) {
    throw InvalidField(400, codes::kAisCursorInvalid, "next",
                       "The next value is not one this server handed out; start again without "
                       "it");
  }
}

namespace {

bool is_date_only(std::string_view text) {
  return text.size() == 10 && text[4] == '-' && text[7] == '-';
}

std::optional<TimePoint> parse_day(std::string_view text) {
  auto t = parse_rfc3339(fmt::format("{}T00:00:00Z", text));
  if (!t || format_date(*t) != text) return std::nullopt;  // rejects 2024-02-30
  return t;
}

TimePoint start_of_day(TimePoint t) {
  return std::chrono::floor<days>(t);
}

struct ParsedDate {
  TimePoint time;
  bool date_only;
};

std::optional<ParsedDate> parse_query_date(std::string_view text, const char* name) {
  if (text.empty()) return std::nullopt;
  // TimePoint counts nanoseconds and ends in 2262: a later year is checked as 2000 and then
  // stands for "far in the future".
  std::string checked(text);
  bool far_future = checked.size() >= 4 && checked.compare(0, 4, "2200") >= 0 &&
                    std::all_of(checked.begin(), checked.begin() + 4,
                                [](char c) { return c >= '0' && c <= '9'; });
  if (far_future) checked.replace(0, 4, "2000");
  std::optional<TimePoint> t = is_date_only(checked) ? parse_day(checked) : parse_rfc3339(checked);
  if (t && far_future) t = TimePoint(std::chrono::duration_cast<TimePoint::duration>(days(73000)));
  if (!t) {
    throw InvalidField(400, codes::kAisDateInvalid, name,
                       fmt::format("{} '{}' is not a date (YYYY-MM-DD) or a UTC date-time "
                                   "(YYYY-MM-DDThh:mm:ssZ)",
                                   name, text));
  }
  return ParsedDate{*t, is_date_only(text)};
}

}  // namespace

Period transaction_period(std::string_view date_from, std::string_view date_to, TimePoint now) {
  auto from = parse_query_date(date_from, "dateFrom");
  auto to = parse_query_date(date_to, "dateTo");
  auto today = start_of_day(now);
  Period period{today, now};
  if (to) {
    if (to->date_only) {
      auto day_end = to->time + days(1) - std::chrono::seconds(1);
      period.to = to->time >= today ? now : day_end;
    } else {
      period.to = std::min(to->time, now);
    }
    if (!from) period.from = start_of_day(to->time);
  }
  if (from) {
    if (from->time > now) {
      throw InvalidField(400, codes::kAisPeriodInvalid, "dateFrom",
                         fmt::format("dateFrom {} is in the future", date_from));
    }
    period.from = from->time;
  }
  if (period.from > period.to) {
    throw InvalidField(400, codes::kAisPeriodInvalid, "dateFrom",
                       fmt::format("dateFrom {} is after dateTo {}", date_from,
                                   date_to.empty() ? std::string_view("(now)") : date_to));
  }
  return period;
}

}  // namespace sandbank::api
