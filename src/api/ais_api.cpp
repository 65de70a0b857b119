#include "api/ais_api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <stdexcept>

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

// True when one of the 8 bytes of `w` is below 0x20, '"' or '\\' (bit tricks from "Bit
// Twiddling Hacks": haszero / hasless).
bool needs_escape(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  return (((w - kOnes * 0x20) & ~w & kHigh) | has_zero(w ^ (kOnes * '"')) |
          has_zero(w ^ (kOnes * '\\'))) != 0;
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
  // The signed call has validated the customer token (bound to this connection); what is
  // left of validate_customer is its consent (consent.expired / consent.revoked) and scope.
  auto call = authenticate_signed_call(api.oauth, request, connection, oauth::TokenKind::Customer);
  return Access{api.oauth.tokens.customer_consent(call.token, scope)};
}

bool covers(const store::Consent& consent, const std::string& account_id) {
  return std::find(consent.account_ids.begin(), consent.account_ids.end(), account_id) !=
         consent.account_ids.end();
}

std::shared_ptr<const store::BankAccount> consented_account(AisApi& api, const Access& access,
                                                            const std::string& id) {
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
  return account;
}

void check_currency(const Query& query, const store::BankAccount& account) {
  auto currency = query.get("currency");
  if (currency.empty()) return;
  bool shape = currency.size() == 3 && std::all_of(currency.begin(), currency.end(),
                                                   [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!shape || currency != account.currency) {
    throw InvalidField(400, "ais.currency_invalid", "currency",
                       fmt::format("The account is held in {}; currency={} is not available",
                                   account.currency, currency));
  }
}

// --- JSON text ---------------------------------------------------------------------------
//
// The accounts list and the transaction pages are written straight from the store's row views into
// the body (no records, no JSON values): for each entry the room it can take at most is made once,
// then its bytes are copied in. The bytes are those Boost.JSON's serializer writes (its escaping,
// keys in the order given; amounts with two decimals).

// The body under construction: room is made before writing, so the writes need no checks.
class PageText {
 public:
  explicit PageText(std::size_t estimate) { text_.resize(estimate); }

  // Room for at least `n` more bytes; write them from the returned position, then done().
  char* room(std::size_t n) {
    if (text_.size() - size_ < n) text_.resize(std::max(text_.size() * 2, size_ + n));
    return text_.data() + size_;
  }
  void done(const char* end) { size_ = static_cast<std::size_t>(end - text_.data()); }
  std::string_view view() const { return {text_.data(), size_}; }
  std::size_t size() const { return size_; }
  std::string take() {
    text_.resize(size_);
    return std::move(text_);
  }

 private:
  std::string text_;
  std::size_t size_ = 0;
};

template <std::size_t N>
char* put(char* p, const char (&literal)[N]) {
  std::memcpy(p, literal, N - 1);
  return p + N - 1;
}

char* put(char* p, std::string_view text) {
  if (!text.empty()) std::memcpy(p, text.data(), text.size());
  return p + text.size();
}

// The bytes JSON strings escape (as Boost.JSON does): controls, '"' and '\\'.
constexpr auto kEscaped = [] {
  std::array<bool, 256> escaped{};
  for (int c = 0; c < 0x20; ++c) escaped[c] = true;
  escaped['"'] = escaped['\\'] = true;
  return escaped;
}();

char* put_escape(char* p, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  *p++ = '\\';
  switch (c) {
    case '"':
      *p++ = '"';
      break;
    case '\\':
      *p++ = '\\';
      break;
    case '\b':
      *p++ = 'b';
      break;
    case '\t':
      *p++ = 't';
      break;
    case '\n':
      *p++ = 'n';
      break;
    case '\f':
      *p++ = 'f';
      break;
    case '\r':
      *p++ = 'r';
      break;
    default:
      p = put(p, "u00");
      *p++ = kHex[c >> 4];
      *p++ = kHex[c & 0xF];
  }
  return p;
}

inline char* put_byte(char* p, unsigned char c) {
  if (kEscaped[c]) return put_escape(p, c);
  *p++ = static_cast<char>(c);
  return p;
}

// `text` as the inside of a JSON string, escaped as Boost.JSON escapes it: 8 bytes at a
// time while none needs escaping. Writes at most 6 bytes per input byte.
char* put_escaped(char* p, std::string_view text) {
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = in + text.size();
  while (end - in >= 8) {
    std::uint64_t w;
    std::memcpy(&w, in, 8);
    if (!needs_escape(w)) {
      std::memcpy(p, &w, 8);
      p += 8;
      in += 8;
      continue;
    }
    for (const auto* stop = in + 8; in != stop; ++in) p = put_byte(p, *in);
  }
  if (in != end && text.size() >= 8) {
    // The last 8 bytes, overlapping what is written: when none needs escaping, the overlap
    // was copied as it is and is written again unchanged.
    std::uint64_t w;
    std::memcpy(&w, end - 8, 8);
    if (!needs_escape(w)) {
      const auto rest = end - in;
      std::memcpy(p + rest - 8, &w, 8);
      return p + rest;
    }
  }
  while (in != end) p = put_byte(p, *in++);
  return p;
}

char* put_string(char* p, std::string_view text) {
  *p++ = '"';
  p = put_escaped(p, text);
  *p++ = '"';
  return p;
}

// True when one byte of `text` is below 0x20, '"' or '\\': one pass, 8 bytes at a time.
bool has_json_special(std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
  for (; end - p >= 8; p += 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    if (needs_escape(w)) return true;
  }
  for (; p != end; ++p) {
    if (kEscaped[static_cast<unsigned char>(*p)]) return true;
  }
  return false;
}

// A JSON string of a text known to need no escaping (`plain`) or not.
char* put_text(char* p, std::string_view text, bool plain) {
  if (!plain) return put_string(p, text);
  *p++ = '"';
  p = put(p, text);
  *p++ = '"';
  return p;
}

// Whether all texts of a page row need no escaping: checked once over the row's packed texts
// rather than field by field.
bool plain_texts(const store::BankTransactionView& t) {
  return !t.packed_texts.empty() && !has_json_special(t.packed_texts);
}

// --- accounts ----------------------------------------------------------------------------

// One entry of accounts; at most account_bound(account) bytes.
std::size_t account_bound(const store::BankAccount& a) {
  return 6 * (3 * a.id.size() + 3 * a.currency.size() + a.product.size() + a.iban.size() +
              a.masked_pan.size() + a.name.size()) +
         256;
}

char* put_account(char* p, const store::BankAccount& a) {
  p = put(p, "{\"resourceId\":");
  p = put_string(p, a.id);
  p = put(p, ",\"product\":");
  p = put_string(p, a.product);
  p = put(p, ",\"_links\":{\"balances\":{\"href\":\"/v3/accounts/");
  p = put_escaped(p, a.id);
  p = put(p, "/balances?currency=");
  p = put_escaped(p, a.currency);
  p = put(p, "\"},\"transactions\":{\"href\":\"");
  p = a.kind == "card" ? put(p, "/v1/card-accounts/") : put(p, "/v2/accounts/");
  p = put_escaped(p, a.id);
  p = put(p, "/transactions?currency=");
  p = put_escaped(p, a.currency);
  p = put(p, "\"}},\"iban\":");
  p = put_string(p, a.iban);
  if (a.kind == "card") {
    p = put(p, ",\"maskedPan\":");
    p = put_string(p, a.masked_pan);
  }
  p = put(p, ",\"name\":");
  p = put_string(p, a.name);
  p = put(p, ",\"currency\":");
  p = put_string(p, a.currency);
  *p++ = '}';
  return p;
}

}  // namespace

http::Response list_accounts(AisApi& api, http::Request& request) {
  auto access = authenticate(api, request, {});
  PageText out(64 + access.consent.account_ids.size() * 512);
  char* p = out.room(16);
  p = put(p, "{\"accounts\":[");
  out.done(p);
  bool any = false;
  for (const auto& id : access.consent.account_ids) {
    if (auto account = api.account(id)) {
      p = out.room(account_bound(*account) + 1);
      if (any) *p++ = ',';
      out.done(put_account(p, *account));
      any = true;
    }
  }
  if (!any) {
    throw Error(404, "ais.no_accounts", "The customer's consent covers no accounts");
  }
  p = out.room(2);
  p = put(p, "]}");
  out.done(p);
  return http::Response::json(200, out.take());
}

namespace {

// --- balances ----------------------------------------------------------------------------

constexpr std::string_view kBalanceTypes[] = {
    "closingAvailable", "closingBooked",         "expected", "information", "interimAvailable",
    "interimBooked",    "previouslyClosedBooked"};

}  // namespace

http::Response get_balances(AisApi& api, http::Request& request) {
  auto access = authenticate(api, request, kBalancesScope);
  auto query = parse_query(request);
  const auto account_ptr = consented_account(api, access, request.path_params.at("id"));
  const store::BankAccount& account = *account_ptr;
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
        throw InvalidField(400, "ais.balance_type_invalid", "balanceTypes",
                           fmt::format("Unknown balance type '{}'; use closingBooked, expected, "
                                       "interimBooked or interimAvailable",
                                       type));
      }
      wanted.emplace_back(type);
    }
  }
  if (api.bookings) api.bookings->catch_up();
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

namespace {

// --- transactions ------------------------------------------------------------------------

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
      throw InvalidField(400, "ais.fields_to_omit_invalid", "fieldsToOmit",
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

// --- transaction pages ---------------------------------------------------------------------

// Two-decimal amount as a JSON number (api.md Part 1), e.g. -12.34; at most 24 bytes.
char* put_amount(char* p, std::int64_t minor) {
  const bool negative = minor < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(minor + 1)) + 1 : static_cast<std::uint64_t>(minor);
  if (negative) *p++ = '-';
  p = std::to_chars(p, p + 20, magnitude / 100).ptr;
  *p++ = '.';
  *p++ = static_cast<char>('0' + magnitude % 100 / 10);
  *p++ = static_cast<char>('0' + magnitude % 10);
  return p;
}

// True when `s` is a stored timestamp "YYYY-MM-DDTHH:MM:SS.ffffffZ" of a real moment in
// 1970..2261: then format_rfc3339 of it is its first 19 characters and a "Z", format_date its
// first 10.
bool plain_stamp(std::string_view s) {
  static constexpr std::string_view kShape = "0000-00-00T00:00:00.000000Z";
  if (s.size() != kShape.size()) return false;
  bool shape = true;  // without a branch per character
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    shape &= kShape[i] == '0' ? static_cast<unsigned char>(c - '0') < 10 : c == kShape[i];
  }
  if (!shape) return false;
  auto number = [&](std::size_t at, std::size_t digits) {
    int v = 0;
    for (std::size_t i = at; i < at + digits; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  if (year < 1970 || year > 2261 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDays[month - 1] + (month == 2 && leap ? 1 : 0)) return false;
  return number(11, 2) <= 23 && number(14, 2) <= 59 && number(17, 2) <= 59;
}

// An entry's executionDateTime or (`date_only`) transactionDate as a JSON string: the stored
// text's own characters when plain, else what format_rfc3339/format_date make of the time it
// names. At most 64 bytes.
char* put_time(char* p, const store::BankTransactionView& t, bool date_only) {
  *p++ = '"';
  if (plain_stamp(t.execution_time)) {
    p = put(p, t.execution_time.substr(0, date_only ? 10 : 19));
    if (!date_only) *p++ = 'Z';
  } else {
    const auto time = store::execution_time_of(t);
    p = put(p, date_only ? format_date(time) : format_rfc3339(time));
  }
  *p++ = '"';
  return p;
}

// What v3's fieldsToOmit leaves out of each entry.
struct Omitted {
  bool creditor_name = false;
  bool creditor_account = false;
  bool debtor_name = false;
  bool debtor_account = false;
  bool remittance_structured = false;
  bool remittance_unstructured = false;

  explicit Omitted(std::span<const std::string> omit) {
    for (const auto& field : omit) {
      creditor_name |= field == "creditorName";
      creditor_account |= field == "creditorAccount";
      debtor_name |= field == "debtorName";
      debtor_account |= field == "debtorAccount";
      remittance_structured |= field == "remittanceInformationStructured";
      remittance_unstructured |= field == "remittanceInformationUnstructured";
    }
  }
};

// Bytes an entry can take at most: its texts escaped (6 bytes each at most), and less than
// 1024 for the keys, punctuation, time and amount.
std::size_t entry_bound(const store::BankTransactionView& t) {
  const std::size_t texts =
      t.transaction_id.size() + t.end_to_end_id.size() + t.booking_date.size() +
      t.value_date.size() + t.currency.size() + t.creditor_name.size() + t.creditor_iban.size() +
      t.creditor_bic.size() + t.debtor_name.size() + t.debtor_iban.size() + t.debtor_bic.size() +
      t.transaction_type.size() + t.remittance_unstructured.size() +
      t.remittance_structured.size() + t.masked_pan.size() + t.transaction_details.size();
  return 6 * texts + 1024;
}

char* put_party_account(char* p, std::string_view iban, std::string_view bic, bool plain) {
  p = put(p, "{\"iban\":");
  p = put_text(p, iban, plain);
  if (!bic.empty()) {
    p = put(p, ",\"bic\":");
    p = put_text(p, bic, plain);
  }
  *p++ = '}';
  return p;
}

// One entry of transactions.booked/pending (v2, v3), after a ',' unless `first`.
void transaction_json(PageText& out, bool first, const store::BankTransactionView& t,
                      const Omitted& omit) {
  const bool plain = plain_texts(t);
  char* p = out.room(entry_bound(t));
  if (!first) *p++ = ',';
  p = put(p, "{\"transactionId\":");
  p = put_text(p, t.transaction_id, plain);
  p = put(p, ",\"endToEndId\":");
  p = put_text(p, t.end_to_end_id.empty() ? std::string_view("NOTPROVIDED") : t.end_to_end_id,
               plain);
  if (!t.booking_date.empty()) {
    p = put(p, ",\"bookingDate\":");
    p = put_text(p, t.booking_date, plain);
  }
  if (!t.value_date.empty()) {
    p = put(p, ",\"valueDate\":");
    p = put_text(p, t.value_date, plain);
  }
  p = put(p, ",\"executionDateTime\":");
  p = put_time(p, t, false);
  p = put(p, ",\"transactionAmount\":{\"currency\":");
  p = put_text(p, t.currency, plain);
  p = put(p, ",\"amount\":");
  p = put_amount(p, t.amount_minor);
  *p++ = '}';
  if (!t.creditor_name.empty() && !omit.creditor_name) {
    p = put(p, ",\"creditorName\":");
    p = put_text(p, t.creditor_name, plain);
  }
  if (!t.creditor_iban.empty() && !omit.creditor_account) {
    p = put(p, ",\"creditorAccount\":");
    p = put_party_account(p, t.creditor_iban, t.creditor_bic, plain);
  }
  if (!t.debtor_name.empty() && !omit.debtor_name) {
    p = put(p, ",\"debtorName\":");
    p = put_text(p, t.debtor_name, plain);
  }
  if (!t.debtor_iban.empty() && !omit.debtor_account) {
    p = put(p, ",\"debtorAccount\":");
    p = put_party_account(p, t.debtor_iban, t.debtor_bic, plain);
  }
  if (!t.transaction_type.empty()) {
    p = put(p, ",\"transactionType\":");
    p = put_text(p, t.transaction_type, plain);
  }
  if (!t.remittance_unstructured.empty() && !omit.remittance_unstructured) {
    p = put(p, ",\"remittanceInformationUnstructured\":");
    p = put_text(p, t.remittance_unstructured, plain);
  }
  if (!t.remittance_structured.empty() && !omit.remittance_structured) {
    p = put(p,
            ",\"remittanceInformationStructured\":{\"type\":\"SCOR\",\"issuer\":\"ISO\","
            "\"reference\":");
    p = put_text(p, t.remittance_structured, plain);
    *p++ = '}';
  }
  *p++ = '}';
  out.done(p);
}

// One entry of cardTransactions.booked/pending, after a ',' unless `first`.
void card_transaction_json(PageText& out, bool first, const store::BankTransactionView& t) {
  const bool plain = plain_texts(t);
  char* p = out.room(entry_bound(t));
  if (!first) *p++ = ',';
  p = put(p, "{\"cardTransactionId\":");
  p = put_text(p, t.transaction_id, plain);
  p = put(p, ",\"transactionDate\":");
  p = put_time(p, t, true);
  if (!t.booking_date.empty()) {
    p = put(p, ",\"bookingDate\":");
    p = put_text(p, t.booking_date, plain);
  }
  p = put(p, ",\"transactionAmount\":{\"currency\":");
  p = put_text(p, t.currency, plain);
  p = put(p, ",\"amount\":");
  p = put_amount(p, t.amount_minor);
  *p++ = '}';
  if (!t.masked_pan.empty()) {
    p = put(p, ",\"maskedPan\":");
    p = put_text(p, t.masked_pan, plain);
  }
  if (!t.transaction_details.empty()) {
    p = put(p, ",\"transactionDetails\":");
    p = put_text(p, t.transaction_details, plain);
  }
  *p++ = '}';
  out.done(p);
}

int parse_limit(std::string_view text) {
  if (text.empty()) return kDefaultTransactionLimit;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 ||
      value > kMaxTransactionLimit) {
    throw InvalidField(400, "ais.limit_invalid", "limit",
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
    throw InvalidField(400, "ais.cursor_invalid", "next",
                       "The next value is not one this server handed out; start again without "
                       "it");
  }
  query.cursor = std::string(next.substr(0, dot));
  try {
    query.limit = parse_limit(next.substr(dot + 1));
  } catch (const Error&) {
    throw InvalidField(400, "ais.cursor_invalid", "next",
                       "The next value is not one this server handed out; start again without "
                       "it");
  }
}

}  // namespace

http::Response list_transactions(AisApi& api, http::Request& request, TransactionList kind) {
  auto access = authenticate(api, request, kTransactionsScope);
  auto query = parse_query(request);
  const auto account_ptr = consented_account(api, access, request.path_params.at("id"));
  const store::BankAccount& account = *account_ptr;
  if ((kind == TransactionList::Card) != (account.kind == "card")) {
    throw Error(404, kind == TransactionList::Card ? "ais.not_a_card_account" : "ais.card_account",
                kind == TransactionList::Card ? fmt::format("Account {} is not a card account; use "
                                                            "/v2/accounts/{}/transactions",
                                                            account.id, account.id)
                                              : fmt::format("Account {} is a card account; use "
                                                            "/v1/card-accounts/{}/transactions",
                                                            account.id, account.id));
  }
  if (kind != TransactionList::Card) check_currency(query, account);
  std::vector<std::string> omit;
  if (kind == TransactionList::V3) omit = fields_to_omit(query);

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
  if (api.bookings) api.bookings->catch_up();
  std::string body;
  try {
    body = transactions_page_json(api.bank, account, kind, page_query, omit, request.path());
  } catch (const Error& e) {
    if (e.code() == "bank.cursor_invalid") {
      throw InvalidField(400, "ais.cursor_invalid", "next", e.message(), e.diagnostic());
    }
    throw;
  }
  return http::Response::json(200, std::move(body));
}

namespace {

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
    throw InvalidField(400, "ais.date_invalid", name,
                       fmt::format("{} '{}' is not a date (YYYY-MM-DD) or a UTC date-time "
                                   "(YYYY-MM-DDThh:mm:ssZ)",
                                   name, text));
  }
  return ParsedDate{*t, is_date_only(text)};
}

}  // namespace

std::string transactions_page_json(store::BankRepository& bank, const store::BankAccount& account,
                                   TransactionList kind, const store::TransactionQuery& page_query,
                                   std::span<const std::string> omit, std::string_view path) {
  // {"account": {...}, "transactions": {"booked": [...], "pending": [...], "info": [],
  //  "_links": {"next": {"href": ...}}}}; card accounts: cardAccount / cardTransactions.
  // The booked entries go straight into the body, the pending ones (few) aside until the
  // booked list is complete.
  const bool card = kind == TransactionList::Card;
  const auto limit = static_cast<std::size_t>(
      std::clamp(page_query.limit, 1, store::BankRepository::kMaxPageLimit));
  PageText body(1024 + limit * (card ? 256 : 512));
  PageText pending(1024);
  {
    char* p = body.room(
        512 + 6 * (account.iban.size() + account.masked_pan.size() + account.currency.size()));
    if (card) {
      p = put(p, "{\"cardAccount\":{\"iban\":");
      p = put_string(p, account.iban);
      p = put(p, ",\"maskedPan\":");
      p = put_string(p, account.masked_pan);
      p = put(p, ",\"currency\":");
      p = put_string(p, account.currency);
      p = put(p, "},\"cardTransactions\":{\"booked\":[");
    } else {
      p = put(p, "{\"account\":{\"iban\":");
      p = put_string(p, account.iban);
      p = put(p, ",\"currency\":");
      p = put_string(p, account.currency);
      p = put(p, "},\"transactions\":{\"booked\":[");
    }
    body.done(p);
  }
  const Omitted omitted(omit);
  bool no_booked = true, no_pending = true;
  auto next = bank.visit_transactions(page_query, [&](const store::BankTransactionView& t) {
    const bool is_pending = t.status == "pending";
    PageText& list = is_pending ? pending : body;
    bool& first = is_pending ? no_pending : no_booked;
    if (card) {
      card_transaction_json(list, first, t);
    } else {
      transaction_json(list, first, t, omitted);
    }
    first = false;
  });
  std::string href;
  if (next) href = fmt::format("{}?next={}", path, next_value(*next, page_query.limit));
  char* p = body.room(pending.size() + 6 * href.size() + 64);
  p = put(p, "],\"pending\":[");
  p = put(p, pending.view());
  *p++ = ']';
  if (!card) p = put(p, ",\"info\":[]");
  if (next) {
    p = put(p, ",\"_links\":{\"next\":{\"href\":");
    p = put_string(p, href);
    p = put(p, "}}");
  }
  p = put(p, "}}");
  body.done(p);
  return body.take();
}
std::shared_ptr<const store::BankAccount> AisApi::account(const std::string& id) {
  // The token check of this call has synced the counter; read before the store, so that an
  // entry racing with a commit looks stale on the next call.
  const std::uint64_t generation = oauth.tokens.store_generation();
  if (auto cached = accounts->find(id, generation)) return cached;
  auto found = bank.find_account(id);
  if (!found) return nullptr;
  auto shared = std::make_shared<const store::BankAccount>(std::move(*found));
  accounts->insert(id, shared, generation);
  return shared;
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
      throw InvalidField(400, "ais.period_invalid", "dateFrom",
                         fmt::format("dateFrom {} is in the future", date_from));
    }
    period.from = from->time;
  }
  if (period.from > period.to) {
    throw InvalidField(400, "ais.period_invalid", "dateFrom",
                       fmt::format("dateFrom {} is after dateTo {}", date_from,
                                   date_to.empty() ? std::string_view("(now)") : date_to));
  }
  return period;
}

}  // namespace sandbank::api
