#include "api/ais_api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>

#include "api/tpp_messages.hpp"
#include "bank/money.hpp"
#include "core/error.hpp"
#include "core/time_format.hpp"

namespace sandbank::api {
namespace {

namespace json = boost::json;
using std::chrono::days;

constexpr std::string_view kBalancesScope = "payment-accounts:balances:view";
constexpr std::string_view kTransactionsScope = "payment-accounts:transactions:view";

// Amounts are JSON numbers with exactly two decimals (api.md Part 1). Boost.JSON prints
// doubles in shortest form ("1E2"), so an amount goes in as a marked string and
// finish_json() turns `"\u0001-12.34"` into `-12.34`.
constexpr char kNumberMark = '\x01';
constexpr std::string_view kSerializedMark = "\"\\u0001";

json::string amount_value(std::int64_t minor) {
  std::string text(1, kNumberMark);
  text += bank::format_amount(minor);
  // format_amount omits ".00"-style decimals only for whole amounts in some callers; force two.
  auto dot = text.find('.');
  if (dot == std::string::npos) {
    text += ".00";
  } else if (text.size() - dot == 2) {
    text += '0';
  }
  return json::string(text);
}

bool is_amount_text(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  std::size_t digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  if (digits == 0 || i + 3 != text.size() || text[i] != '.') return false;
  return std::isdigit(static_cast<unsigned char>(text[i + 1])) &&
         std::isdigit(static_cast<unsigned char>(text[i + 2]));
}

std::string finish_json(const json::value& body) {
  std::string text = json::serialize(body);
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (true) {
    auto mark = text.find(kSerializedMark, i);
    if (mark == std::string::npos) break;
    auto start = mark + kSerializedMark.size();
    auto end = text.find('"', start);
    if (end == std::string::npos ||
        !is_amount_text(std::string_view(text).substr(start, end - start))) {
      out.append(text, i, start - i);
      i = start;
      continue;
    }
    out.append(text, i, mark - i);
    out.append(text, start, end - start);
    i = end + 1;
  }
  out.append(text, i, std::string::npos);
  return out;
}

json::object money(std::int64_t minor, const std::string& currency) {
  json::object out;
  out["currency"] = currency;
  out["amount"] = amount_value(minor);
  return out;
}

struct Query {
  std::map<std::string, std::string> values;
  std::string_view get(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? std::string_view() : std::string_view(it->second);
  }
};

Query parse_query(const http::Request& request) {
  return Query{parse_form(request.query())};
}

// --- authentication ----------------------------------------------------------------------

struct Access {
  store::Consent consent;
};

Access authenticate(AisApi& api, http::Request& request, std::string_view scope) {
  auto connection = api.oauth.authenticate_client(request);
  authenticate_signed_call(api.oauth, request, connection, oauth::TokenKind::Customer);
  try {
    auto access =
        api.oauth.tokens.validate_customer(bearer_token(request), connection.x5t_s256(), scope);
    return Access{std::move(access.consent)};
  } catch (const Error& e) {
    if (e.code() == "token.consent_invalid") {
      bool expired = e.message().ends_with("expired");
      throw Error(401, expired ? "consent.expired" : "consent.revoked",
                  expired ? "The customer's consent has expired; ask the customer to authorize "
                            "again"
                          : "The customer's consent is no longer valid; ask the customer to "
                            "authorize again",
                  e.message());
    }
    throw;
  }
}

bool covers(const store::Consent& consent, const std::string& account_id) {
  return std::find(consent.account_ids.begin(), consent.account_ids.end(), account_id) !=
         consent.account_ids.end();
}

store::BankAccount consented_account(AisApi& api, const Access& access, const std::string& id) {
  auto account = api.account(id);
  if (!account) {
    throw Error(404, "ais.account_unknown", fmt::format("There is no account {}", id));
  }
  if (!covers(access.consent, id)) {
    throw Error(403, "ais.account_not_in_consent",
                fmt::format("The customer's consent does not cover account {}", id),
                fmt::format("consent {} covers {} account(s)", access.consent.id,
                            access.consent.account_ids.size()));
  }
  return *account;
}

void check_currency(const Query& query, const store::BankAccount& account) {
  auto currency = query.get("currency");
  if (currency.empty()) return;
  bool shape = currency.size() == 3 && std::all_of(currency.begin(), currency.end(),
                                                   [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!shape || currency != account.currency) {
    throw ParameterError(400, "ais.currency_invalid", "currency",
                         fmt::format("The account is held in {}; currency={} is not available",
                                     account.currency, currency));
  }
}

// --- accounts ----------------------------------------------------------------------------

std::string transactions_link(const store::BankAccount& account) {
  if (account.kind == "card") {
    return fmt::format("/v1/card-accounts/{}/transactions?currency={}", account.id,
                       account.currency);
  }
  return fmt::format("/v2/accounts/{}/transactions?currency={}", account.id, account.currency);
}

json::object account_json(const store::BankAccount& account) {
  json::object links;
  links["balances"] = json::object{
      {"href", fmt::format("/v3/accounts/{}/balances?currency={}", account.id, account.currency)}};
  links["transactions"] = json::object{{"href", transactions_link(account)}};
  json::object out;
  out["resourceId"] = account.id;
  out["product"] = account.product;
  out["_links"] = std::move(links);
  out["iban"] = account.iban;
  if (account.kind == "card") out["maskedPan"] = account.masked_pan;
  out["name"] = account.name;
  out["currency"] = account.currency;
  return out;
}

http::Response list_accounts(AisApi& api, http::Request& request) {
  auto access = authenticate(api, request, {});
  json::array accounts;
  for (const auto& id : access.consent.account_ids) {
    if (auto account = api.account(id)) accounts.push_back(account_json(*account));
  }
  if (accounts.empty()) {
    throw Error(404, "ais.no_accounts", "The customer's consent covers no accounts");
  }
  json::object body;
  body["accounts"] = std::move(accounts);
  return http::Response::json(200, finish_json(body));
}

// --- balances ----------------------------------------------------------------------------

constexpr std::string_view kBalanceTypes[] = {
    "closingAvailable", "closingBooked",         "expected", "information", "interimAvailable",
    "interimBooked",    "previouslyClosedBooked"};

http::Response get_balances(AisApi& api, http::Request& request) {
  auto access = authenticate(api, request, kBalancesScope);
  auto query = parse_query(request);
  auto account = consented_account(api, access, request.path_params.at("id"));
  check_currency(query, account);
  std::vector<std::string> wanted;
  if (auto types = query.get("balanceTypes"); !types.empty()) {
    std::size_t i = 0;
    while (i <= types.size()) {
      auto end = std::min(types.find(',', i), types.size());
      auto type = types.substr(i, end - i);
      i = end + 1;
      if (std::find(std::begin(kBalanceTypes), std::end(kBalanceTypes), type) ==
          std::end(kBalanceTypes)) {
        throw ParameterError(400, "ais.balance_type_invalid", "balanceTypes",
                             fmt::format("Unknown balance type '{}'; use closingBooked, expected, "
                                         "interimBooked or interimAvailable",
                                         type));
      }
      wanted.emplace_back(type);
    }
  }
  auto balances = api.bank.balances(account.id);
  if (!balances) {
    throw Error(404, "ais.account_unknown", fmt::format("There is no account {}", account.id));
  }
  auto last_change = format_rfc3339(balances->last_change);
  auto reference_date = format_date(api.oauth.clock.now());
  std::pair<std::string_view, std::int64_t> computed[] = {
      {"closingBooked", balances->closing_booked_minor},
      {"expected", balances->expected_minor},
      {"interimBooked", balances->interim_booked_minor},
      {"interimAvailable", balances->interim_available_minor}};
  json::array list;
  for (const auto& [type, minor] : computed) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), type) == wanted.end()) continue;
    json::object entry;
    entry["balanceType"] = type;
    entry["balanceAmount"] = money(minor, balances->currency);
    entry["lastChangeDateTime"] = last_change;
    entry["referenceDate"] = reference_date;
    list.push_back(std::move(entry));
  }
  json::object account_out;
  account_out["iban"] = account.iban;
  account_out["maskedPan"] = account.masked_pan;
  account_out["currency"] = account.currency;
  json::object body;
  body["account"] = std::move(account_out);
  body["balances"] = std::move(list);
  return http::Response::json(200, finish_json(body));
}

// --- transactions ------------------------------------------------------------------------

enum class ListKind { V2, V3, Card };

constexpr std::string_view kOmittable[] = {"debtorName",
                                           "creditorName",
                                           "debtorAccount",
                                           "creditorAccount",
                                           "remittanceInformationStructured",
                                           "remittanceInformationUnstructured"};

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
      throw ParameterError(400, "ais.fields_to_omit_invalid", "fieldsToOmit",
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

json::object party_account(const store::BankParty& party) {
  json::object out;
  out["iban"] = party.iban;
  if (!party.bic.empty()) out["bic"] = party.bic;
  return out;
}

json::object transaction_json(const store::BankTransaction& t,
                              const std::vector<std::string>& omit) {
  auto keep = [&](std::string_view field) {
    return std::find(omit.begin(), omit.end(), field) == omit.end();
  };
  json::object out;
  out["transactionId"] = t.transaction_id;
  out["endToEndId"] = t.end_to_end_id.empty() ? std::string("NOTPROVIDED") : t.end_to_end_id;
  if (!t.booking_date.empty()) out["bookingDate"] = t.booking_date;
  if (!t.value_date.empty()) out["valueDate"] = t.value_date;
  out["executionDateTime"] = format_rfc3339(t.execution_time);
  out["transactionAmount"] = money(t.amount_minor, t.currency);
  if (!t.creditor.name.empty() && keep("creditorName")) out["creditorName"] = t.creditor.name;
  if (!t.creditor.iban.empty() && keep("creditorAccount")) {
    out["creditorAccount"] = party_account(t.creditor);
  }
  if (!t.debtor.name.empty() && keep("debtorName")) out["debtorName"] = t.debtor.name;
  if (!t.debtor.iban.empty() && keep("debtorAccount")) {
    out["debtorAccount"] = party_account(t.debtor);
  }
  if (!t.transaction_type.empty()) out["transactionType"] = t.transaction_type;
  if (!t.remittance_unstructured.empty() && keep("remittanceInformationUnstructured")) {
    out["remittanceInformationUnstructured"] = t.remittance_unstructured;
  }
  if (!t.remittance_structured.empty() && keep("remittanceInformationStructured")) {
    out["remittanceInformationStructured"] =
        json::object{{"type", "SCOR"}, {"issuer", "ISO"}, {"reference", t.remittance_structured}};
  }
  return out;
}

json::object card_transaction_json(const store::BankTransaction& t) {
  json::object out;
  out["cardTransactionId"] = t.transaction_id;
  out["transactionDate"] = format_date(t.execution_time);
  if (!t.booking_date.empty()) out["bookingDate"] = t.booking_date;
  out["transactionAmount"] = money(t.amount_minor, t.currency);
  if (!t.masked_pan.empty()) out["maskedPan"] = t.masked_pan;
  if (!t.transaction_details.empty()) out["transactionDetails"] = t.transaction_details;
  return out;
}

int parse_limit(std::string_view text) {
  if (text.empty()) return kDefaultTransactionLimit;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 ||
      value > kMaxTransactionLimit) {
    throw ParameterError(400, "ais.limit_invalid", "limit",
                         fmt::format("limit must be a whole number from 1 to {}; got '{}'",
                                     kMaxTransactionLimit, text));
  }
  return value;
}

// Our `next` value: "<store cursor>.<limit>" (the store's cursor is base64url, without dots).
std::string next_value(const std::string& cursor, int limit) {
  return fmt::format("{}.{}", cursor, limit);
}

void apply_next(std::string_view next, store::TransactionQuery& query) {
  auto dot = next.rfind('.');
  if (dot == std::string_view::npos) {
    throw ParameterError(400, "ais.cursor_invalid", "next",
                         "The next value is not one this server handed out; start again without "
                         "it");
  }
  query.cursor = std::string(next.substr(0, dot));
  try {
    query.limit = parse_limit(next.substr(dot + 1));
  } catch (const Error&) {
    throw ParameterError(400, "ais.cursor_invalid", "next",
                         "The next value is not one this server handed out; start again without "
                         "it");
  }
}

http::Response list_transactions(AisApi& api, http::Request& request, ListKind kind) {
  auto access = authenticate(api, request, kTransactionsScope);
  auto query = parse_query(request);
  auto account = consented_account(api, access, request.path_params.at("id"));
  if ((kind == ListKind::Card) != (account.kind == "card")) {
    throw Error(404, kind == ListKind::Card ? "ais.not_a_card_account" : "ais.card_account",
                kind == ListKind::Card ? fmt::format("Account {} is not a card account; use "
                                                     "/v2/accounts/{}/transactions",
                                                     account.id, account.id)
                                       : fmt::format("Account {} is a card account; use "
                                                     "/v1/card-accounts/{}/transactions",
                                                     account.id, account.id));
  }
  if (kind != ListKind::Card) check_currency(query, account);
  std::vector<std::string> omit;
  if (kind == ListKind::V3) omit = fields_to_omit(query);

  store::TransactionQuery page_query;
  page_query.account_id = account.id;
  if (auto next = query.get("next"); !next.empty()) {
    apply_next(next, page_query);
    if (auto limit = query.get("limit"); !limit.empty()) page_query.limit = parse_limit(limit);
  } else {
    page_query.limit = parse_limit(query.get("limit"));
    auto period =
        transaction_period(query.get("dateFrom"), query.get("dateTo"), api.oauth.clock.now());
    page_query.from = period.from;
    page_query.to = period.to;
  }
  store::TransactionPage page;
  try {
    page = api.bank.list_transactions(page_query);
  } catch (const Error& e) {
    if (e.code() == "bank.cursor_invalid") {
      throw ParameterError(400, "ais.cursor_invalid", "next", e.message(), e.diagnostic());
    }
    throw;
  }

  json::array booked;
  json::array pending;
  for (const auto& t : page.transactions) {
    auto entry = kind == ListKind::Card ? card_transaction_json(t) : transaction_json(t, omit);
    (t.status == "pending" ? pending : booked).push_back(std::move(entry));
  }
  json::object list;
  list["booked"] = std::move(booked);
  list["pending"] = std::move(pending);
  if (kind != ListKind::Card) list["info"] = json::array();
  if (page.next_cursor) {
    list["_links"] = json::object{
        {"next",
         json::object{{"href", fmt::format("{}?next={}", request.path(),
                                           next_value(*page.next_cursor, page_query.limit))}}}};
  }
  json::object body;
  if (kind == ListKind::Card) {
    body["cardAccount"] = json::object{
        {"iban", account.iban}, {"maskedPan", account.masked_pan}, {"currency", account.currency}};
    body["cardTransactions"] = std::move(list);
  } else {
    body["account"] = json::object{{"iban", account.iban}, {"currency", account.currency}};
    body["transactions"] = std::move(list);
  }
  return http::Response::json(200, finish_json(body));
}

// --- handler wrapper ---------------------------------------------------------------------

template <typename F>
http::Handler ais_handler(AisApi& api, F f) {
  return [&api, f](http::Request& request) {
    http::Response response;
    try {
      response = f(api, request);
    } catch (const Error& e) {
      request.detail_code = e.code();
      response = render_tpp_error(e, api.oauth.diagnostics());
    }
    if (auto id = request.header("X-Request-ID")) response.set("X-Request-ID", *id);
    return response;
  };
}

// --- dates -------------------------------------------------------------------------------

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
    throw ParameterError(400, "ais.date_invalid", name,
                         fmt::format("{} '{}' is not a date (YYYY-MM-DD) or a UTC date-time "
                                     "(YYYY-MM-DDThh:mm:ssZ)",
                                     name, text));
  }
  return ParsedDate{*t, is_date_only(text)};
}

}  // namespace

std::optional<store::BankAccount> AisApi::account(const std::string& id) {
  {
    std::lock_guard lock(accounts->mutex);
    if (auto it = accounts->by_id.find(id); it != accounts->by_id.end()) return it->second;
  }
  auto found = bank.find_account(id);
  if (found) {
    std::lock_guard lock(accounts->mutex);
    if (accounts->by_id.size() < 100000) accounts->by_id.emplace(id, *found);
  }
  return found;
}

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
      throw ParameterError(400, "ais.period_invalid", "dateFrom",
                           fmt::format("dateFrom {} is in the future", date_from));
    }
    period.from = from->time;
  }
  if (period.from > period.to) {
    throw ParameterError(400, "ais.period_invalid", "dateFrom",
                         fmt::format("dateFrom {} is after dateTo {}", date_from,
                                     date_to.empty() ? std::string_view("(now)") : date_to));
  }
  return period;
}

void add_ais_routes(http::Router& router, AisApi& api) {
  router.add("GET", "/v3/accounts", ais_handler(api, list_accounts));
  router.add("GET", "/v3/accounts/{id}/balances", ais_handler(api, get_balances));
  router.add("GET", "/v2/accounts/{id}/transactions",
             ais_handler(api, [](AisApi& a, http::Request& r) {
               return list_transactions(a, r, ListKind::V2);
             }));
  router.add("GET", "/v3/accounts/{id}/transactions",
             ais_handler(api, [](AisApi& a, http::Request& r) {
               return list_transactions(a, r, ListKind::V3);
             }));
  router.add("GET", "/v1/card-accounts/{id}/transactions",
             ais_handler(api, [](AisApi& a, http::Request& r) {
               return list_transactions(a, r, ListKind::Card);
             }));
}

}  // namespace sandbank::api
