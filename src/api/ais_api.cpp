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

// The transaction pages are written straight into the body text (a page of 1000 entries
// would otherwise build and destroy some 20 000 JSON values): the same bytes, keys in the same
// order, and strings escaped as Boost.JSON's serializer escapes them.
class JsonWriter {
 public:
  explicit JsonWriter(std::size_t reserve) { out_.reserve(reserve); }

  void begin_object() {
    separate();
    open('{');
  }
  void begin_object(std::string_view key) {
    this->key(key);
    open('{');
  }
  void end_object() { close('}'); }
  void begin_array(std::string_view key) {
    this->key(key);
    open('[');
  }
  void end_array() { close(']'); }
  void string(std::string_view key, std::string_view value) {
    this->key(key);
    quoted(value);
  }
  // Two-decimal amount as a JSON number (api.md Part 1), e.g. -12.34.
  void amount(std::string_view key, std::int64_t minor) {
    this->key(key);
    const bool negative = minor < 0;
    const std::uint64_t magnitude =
        negative ? static_cast<std::uint64_t>(-(minor + 1)) + 1 : static_cast<std::uint64_t>(minor);
    char buffer[32];
    char* end = buffer;
    if (negative) *end++ = '-';
    end = std::to_chars(end, buffer + sizeof buffer, magnitude / 100).ptr;
    *end++ = '.';
    *end++ = static_cast<char>('0' + magnitude % 100 / 10);
    *end++ = static_cast<char>('0' + magnitude % 10);
    out_.append(buffer, end);
  }
  // A UTC date-time as format_rfc3339 writes it ("2026-03-15T10:00:00Z"), or its date part
  // ("2026-03-15") as format_date does, without a temporary string.
  void time(std::string_view key, TimePoint t, bool date_only = false) {
    this->key(key);
    auto day = std::chrono::floor<std::chrono::days>(t);
    std::chrono::year_month_day date{day};
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(t - day).count();
    int year = static_cast<int>(date.year());
    if (t < TimePoint{} || year > 9999) {
      quoted(date_only ? format_date(t) : format_rfc3339(t));
      return;
    }
    char buffer[24];
    auto two = [](char* p, unsigned v) {
      p[0] = static_cast<char>('0' + v / 10 % 10);
      p[1] = static_cast<char>('0' + v % 10);
    };
    two(buffer + 1, static_cast<unsigned>(year) / 100);
    two(buffer + 3, static_cast<unsigned>(year) % 100);
    buffer[0] = '"';
    buffer[5] = '-';
    two(buffer + 6, static_cast<unsigned>(date.month()));
    buffer[8] = '-';
    two(buffer + 9, static_cast<unsigned>(date.day()));
    std::size_t size = 11;
    if (!date_only) {
      buffer[11] = 'T';
      two(buffer + 12, static_cast<unsigned>(seconds / 3600));
      buffer[14] = ':';
      two(buffer + 15, static_cast<unsigned>(seconds / 60 % 60));
      buffer[17] = ':';
      two(buffer + 18, static_cast<unsigned>(seconds % 60));
      buffer[20] = 'Z';
      size = 21;
    }
    buffer[size++] = '"';
    out_.append(buffer, size);
  }
  std::string take() { return std::move(out_); }

 private:
  void open(char c) {
    out_ += c;
    first_.push_back(true);
  }
  void close(char c) {
    out_ += c;
    first_.pop_back();
  }
  void separate() {
    if (!first_.empty()) {
      if (!first_.back()) out_ += ',';
      first_.back() = false;
    }
  }
  void key(std::string_view key) {
    separate();
    quoted(key);
    out_ += ':';
  }
  void quoted(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_ += '"';
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      auto c = static_cast<unsigned char>(text[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(text, run, i - run);
      run = i + 1;
      out_ += '\\';
      switch (c) {
        case '"':
          out_ += '"';
          break;
        case '\\':
          out_ += '\\';
          break;
        case '\b':
          out_ += 'b';
          break;
        case '\t':
          out_ += 't';
          break;
        case '\n':
          out_ += 'n';
          break;
        case '\f':
          out_ += 'f';
          break;
        case '\r':
          out_ += 'r';
          break;
        default:
          out_ += "u00";
          out_ += kHex[c >> 4];
          out_ += kHex[c & 0xF];
      }
    }
    out_.append(text, run, std::string_view::npos);
    out_ += '"';
  }

  std::string out_;
  std::vector<bool> first_;
};

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
  // The signed call has validated the customer token (bound to this connection); what is
  // left of validate_customer is its consent and scope.
  auto call = authenticate_signed_call(api.oauth, request, connection, oauth::TokenKind::Customer);
  try {
    return Access{api.oauth.tokens.customer_consent(call.token, scope)};
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

void account_json(JsonWriter& out, const store::BankAccount& account) {
  out.begin_object();
  out.string("resourceId", account.id);
  out.string("product", account.product);
  out.begin_object("_links");
  out.begin_object("balances");
  out.string("href",
             fmt::format("/v3/accounts/{}/balances?currency={}", account.id, account.currency));
  out.end_object();
  out.begin_object("transactions");
  out.string("href", transactions_link(account));
  out.end_object();
  out.end_object();
  out.string("iban", account.iban);
  if (account.kind == "card") out.string("maskedPan", account.masked_pan);
  out.string("name", account.name);
  out.string("currency", account.currency);
  out.end_object();
}

http::Response list_accounts(AisApi& api, http::Request& request) {
  auto access = authenticate(api, request, {});
  JsonWriter out(256 + access.consent.account_ids.size() * 512);
  out.begin_object();
  out.begin_array("accounts");
  bool any = false;
  for (const auto& id : access.consent.account_ids) {
    if (auto account = api.account(id)) {
      account_json(out, *account);
      any = true;
    }
  }
  if (!any) {
    throw Error(404, "ais.no_accounts", "The customer's consent covers no accounts");
  }
  out.end_array();
  out.end_object();
  return http::Response::json(200, out.take());
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

void party_account(JsonWriter& out, std::string_view key, const store::BankParty& party) {
  out.begin_object(key);
  out.string("iban", party.iban);
  if (!party.bic.empty()) out.string("bic", party.bic);
  out.end_object();
}

void transaction_json(JsonWriter& out, const store::BankTransaction& t,
                      const std::vector<std::string>& omit) {
  auto keep = [&](std::string_view field) {
    return std::find(omit.begin(), omit.end(), field) == omit.end();
  };
  out.begin_object();
  out.string("transactionId", t.transaction_id);
  out.string("endToEndId", t.end_to_end_id.empty() ? std::string_view("NOTPROVIDED")
                                                   : std::string_view(t.end_to_end_id));
  if (!t.booking_date.empty()) out.string("bookingDate", t.booking_date);
  if (!t.value_date.empty()) out.string("valueDate", t.value_date);
  out.time("executionDateTime", t.execution_time);
  out.begin_object("transactionAmount");
  out.string("currency", t.currency);
  out.amount("amount", t.amount_minor);
  out.end_object();
  if (!t.creditor.name.empty() && keep("creditorName")) out.string("creditorName", t.creditor.name);
  if (!t.creditor.iban.empty() && keep("creditorAccount")) {
    party_account(out, "creditorAccount", t.creditor);
  }
  if (!t.debtor.name.empty() && keep("debtorName")) out.string("debtorName", t.debtor.name);
  if (!t.debtor.iban.empty() && keep("debtorAccount")) {
    party_account(out, "debtorAccount", t.debtor);
  }
  if (!t.transaction_type.empty()) out.string("transactionType", t.transaction_type);
  if (!t.remittance_unstructured.empty() && keep("remittanceInformationUnstructured")) {
    out.string("remittanceInformationUnstructured", t.remittance_unstructured);
  }
  if (!t.remittance_structured.empty() && keep("remittanceInformationStructured")) {
    out.begin_object("remittanceInformationStructured");
    out.string("type", "SCOR");
    out.string("issuer", "ISO");
    out.string("reference", t.remittance_structured);
    out.end_object();
  }
  out.end_object();
}

void card_transaction_json(JsonWriter& out, const store::BankTransaction& t) {
  out.begin_object();
  out.string("cardTransactionId", t.transaction_id);
  out.time("transactionDate", t.execution_time, true);
  if (!t.booking_date.empty()) out.string("bookingDate", t.booking_date);
  out.begin_object("transactionAmount");
  out.string("currency", t.currency);
  out.amount("amount", t.amount_minor);
  out.end_object();
  if (!t.masked_pan.empty()) out.string("maskedPan", t.masked_pan);
  if (!t.transaction_details.empty()) out.string("transactionDetails", t.transaction_details);
  out.end_object();
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

  // {"account": {...}, "transactions": {"booked": [...], "pending": [...], "info": [],
  //  "_links": {"next": {"href": ...}}}}; card accounts: cardAccount / cardTransactions.
  JsonWriter out(512 + page.transactions.size() * 512);
  out.begin_object();
  if (kind == ListKind::Card) {
    out.begin_object("cardAccount");
    out.string("iban", account.iban);
    out.string("maskedPan", account.masked_pan);
    out.string("currency", account.currency);
    out.end_object();
    out.begin_object("cardTransactions");
  } else {
    out.begin_object("account");
    out.string("iban", account.iban);
    out.string("currency", account.currency);
    out.end_object();
    out.begin_object("transactions");
  }
  for (bool pending : {false, true}) {
    out.begin_array(pending ? "pending" : "booked");
    for (const auto& t : page.transactions) {
      if ((t.status == "pending") != pending) continue;
      if (kind == ListKind::Card) {
        card_transaction_json(out, t);
      } else {
        transaction_json(out, t, omit);
      }
    }
    out.end_array();
  }
  if (kind != ListKind::Card) {
    out.begin_array("info");
    out.end_array();
  }
  if (page.next_cursor) {
    out.begin_object("_links");
    out.begin_object("next");
    out.string("href", fmt::format("{}?next={}", request.path(),
                                   next_value(*page.next_cursor, page_query.limit)));
    out.end_object();
    out.end_object();
  }
  out.end_object();
  out.end_object();
  return http::Response::json(200, out.take());
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
