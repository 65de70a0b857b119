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

#include "api/ais_query.hpp"
#include "api/codes.hpp"
#include "api/json_text.hpp"
#include "api/tpp_messages.hpp"
#include "bank/money.hpp"
#include "core/error.hpp"
#include "core/time_format.hpp"
#include "http/inspect.hpp"
#include "oauth/codes.hpp"
#include "store/codes.hpp"

namespace sandbank::api {
namespace {

namespace json = boost::json;
using namespace json_text;
using std::chrono::days;

constexpr std::string_view kBalancesScope = "payment-accounts:balances:view";
constexpr std::string_view kTransactionsScope = "payment-accounts:transactions:view";

// --- authentication ----------------------------------------------------------------------

struct Access {
  store::Consent consent;
};

Access authenticate(AisApi& api, http::Request& request, std::string_view scope) {
  auto connection = api.oauth.authenticate_client(request);
  // The signed call has validated the customer token (bound to this connection); what is
  // left of validate_customer is its consent (consent.expired / consent.revoked) and scope.
  auto call = authenticate_signed_call(api.oauth, request, connection, oauth::TokenKind::Customer);
  auto* trace = http::current_trace();
  if (!trace) return Access{api.oauth.tokens.customer_consent(call.token, scope)};
  try {
    Access access{api.oauth.tokens.customer_consent(call.token, scope)};
    trace->passed(http::kCheckConsent);
    trace->passed(http::kCheckScope);
    return access;
  } catch (const Error& e) {
    // customer_consent checks the consent, then the scope.
    if (e.code() == oauth::codes::kTokenInsufficientScope) {
      trace->passed(http::kCheckConsent);
      trace->failed(http::kCheckScope, e.code(), e.message());
    } else {
      trace->failed(http::kCheckConsent, e.code(), e.message());
    }
    throw;
  }
}

// The answer, as late as the consent's profile's declared scenario asks (ais_latency_ms).
http::Response with_latency(const AisApi& api, const Access& access, http::Response response) {
  if (api.profiles) {
    if (const auto* profile = api.profiles->find(access.consent.profile_id)) {
      response.delay = profile->behaviour.ais_latency;
    }
  }
  return response;
}

bool covers(const store::Consent& consent, const std::string& account_id) {
  return std::find(consent.account_ids.begin(), consent.account_ids.end(), account_id) !=
         consent.account_ids.end();
}

std::shared_ptr<const store::BankAccount> consented_account(AisApi& api, const Access& access,
                                                            const std::string& id) {
  auto account = api.account(id);
  if (!account) {
    throw Error(404, codes::kAisAccountUnknown, fmt::format("There is no account {}", id));
  }
  if (!covers(access.consent, id)) {
    throw Error(403, codes::kAisAccountNotInConsent,
                fmt::format("The customer's consent does not cover account {}", id),
                fmt::format("consent {} covers {} account(s)", access.consent.id,
                            access.consent.account_ids.size()));
  }
  return account;
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
  JsonText out(64 + access.consent.account_ids.size() * 512);
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
    throw Error(404, codes::kAisNoAccounts, "The customer's consent covers no accounts");
  }
  p = out.room(2);
  p = put(p, "]}");
  out.done(p);
  return with_latency(api, access, http::Response::json(200, out.take()));
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
        throw InvalidField(400, codes::kAisBalanceTypeInvalid, "balanceTypes",
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
    throw Error(404, codes::kAisAccountUnknown, fmt::format("There is no account {}", account.id));
  }
  const auto last_change = format_rfc3339(balances->last_change);
  const auto reference_date = format_date(api.oauth.clock.now());
  const std::pair<std::string_view, std::int64_t> computed[] = {
      {"closingBooked", balances->closing_booked_minor},
      {"expected", balances->expected_minor},
      {"interimBooked", balances->interim_booked_minor},
      {"interimAvailable", balances->interim_available_minor}};
  // {"account":{"iban","maskedPan","currency"},"balances":[{"balanceType","balanceAmount":
  // {"currency","amount"},"lastChangeDateTime","referenceDate"},...]}
  JsonText out(512);
  char* p = out.room(
      6 * (account.iban.size() + account.masked_pan.size() + account.currency.size()) + 64);
  p = put(p, "{\"account\":{\"iban\":");
  p = put_string(p, account.iban);
  p = put(p, ",\"maskedPan\":");
  p = put_string(p, account.masked_pan);
  p = put(p, ",\"currency\":");
  p = put_string(p, account.currency);
  p = put(p, "},\"balances\":[");
  out.done(p);
  bool first = true;
  for (const auto& [type, minor] : computed) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), type) == wanted.end()) continue;
    p = out.room(6 * (balances->currency.size() + last_change.size() + reference_date.size()) +
                 type.size() + 160);
    if (!first) *p++ = ',';
    first = false;
    p = put(p, "{\"balanceType\":");
    p = put_string(p, type);
    p = put(p, ",\"balanceAmount\":{\"currency\":");
    p = put_string(p, balances->currency);
    p = put(p, ",\"amount\":");
    p = put_amount(p, minor);
    p = put(p, "},\"lastChangeDateTime\":");
    p = put_string(p, last_change);
    p = put(p, ",\"referenceDate\":");
    p = put_string(p, reference_date);
    *p++ = '}';
    out.done(p);
  }
  p = out.room(2);
  p = put(p, "]}");
  out.done(p);
  return with_latency(api, access, http::Response::json(200, out.take()));
}

namespace {

// --- transactions ------------------------------------------------------------------------

// --- transaction pages ---------------------------------------------------------------------

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
void transaction_json(JsonText& out, bool first, const store::BankTransactionView& t,
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
void card_transaction_json(JsonText& out, bool first, const store::BankTransactionView& t) {
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
    if (e.code() == store::codes::kBankCursorInvalid) {
      throw InvalidField(400, codes::kAisCursorInvalid, "next", e.message(), e.diagnostic());
    }
    throw;
  }
  return with_latency(api, access, http::Response::json(200, std::move(body)));
}

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
  JsonText body(1024 + limit * (card ? 256 : 512));
  JsonText pending(1024);
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
    JsonText& list = is_pending ? pending : body;
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

}  // namespace sandbank::api
