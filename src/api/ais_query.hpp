#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "http/message.hpp"
#include "store/bank_records.hpp"

// The query parameters of the AIS calls (docs/api.md "AIS"): the currency filter, fieldsToOmit,
// the page size and the `next` cursor, and the dateFrom/dateTo period. Each refusal is an
// InvalidField naming the parameter (tppMessages[0].path).
namespace sandbank::api {

// Default and largest page size of the transaction lists.
inline constexpr int kDefaultTransactionLimit = 100;
inline constexpr int kMaxTransactionLimit = 1000;

// The query of a request, decoded (api::parse_form rules: a parameter twice is a 400).
struct Query {
  std::map<std::string, std::string> values;
  std::string_view get(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? std::string_view() : std::string_view(it->second);
  }
};
Query parse_query(const http::Request& request);

// currency=XXX, when given, must be the account's: else 400 ais.currency_invalid.
void check_currency(const Query& query, const store::BankAccount& account);

// fieldsToOmit of /v3/.../transactions: a comma-separated list of the omittable fields; else
// 400 ais.fields_to_omit_invalid.
std::vector<std::string> fields_to_omit(const Query& query);

// limit: 1..kMaxTransactionLimit, kDefaultTransactionLimit when empty; else 400
// ais.limit_invalid.
int parse_limit(std::string_view text);

// Our `next` value: "<store cursor>.<limit>" (the store's cursor is base64url, without dots).
std::string next_value(const std::string& cursor, int limit);
// Sets the cursor and limit of `query` from a `next` value; 400 ais.cursor_invalid when it is
// not one this server handed out.
void apply_next(std::string_view next, store::TransactionQuery& query);

// The period a transaction list covers (api.md Part 2 §3.3 defaults), from the raw query
// values (empty = absent) at `now`. Throws InvalidField 400 ais.date_invalid (FORMAT_ERROR)
// or ais.period_invalid (PERIOD_INVALID) naming dateFrom or dateTo.
struct Period {
  TimePoint from;
  TimePoint to;
};
Period transaction_period(std::string_view date_from, std::string_view date_to, TimePoint now);

}  // namespace sandbank::api
