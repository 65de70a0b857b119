// Long because it is the whole life of a payment in one service: the field rules every format
// shares, initiation with its idempotency, SCA, execution, settlement, rejection, cancellation
// and the clock's run over periodic occurrences, which write the same records.
#include "bank/payments.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>

#include "bank/codes.hpp"
#include "bank/iban.hpp"
#include "bank/money.hpp"
#include "bank/profiles.hpp"
#include "core/json.hpp"
#include "core/time_format.hpp"

namespace sandbank::bank {
namespace {

namespace json = boost::json;
using namespace std::chrono;

std::optional<sys_days> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t n) -> std::optional<int> {
    int value = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto y = digits(0, 4);
  auto m = digits(5, 2);
  auto d = digits(8, 2);
  if (!y || !m || !d) return std::nullopt;
  year_month_day ymd{year{*y}, month{static_cast<unsigned>(*m)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

std::string format_day(sys_days d) {
  year_month_day ymd{d};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

int months_of(std::string_view frequency) {
  if (frequency == "MNTH") return 1;
  if (frequency == "TOMN") return 2;
  if (frequency == "QUTR") return 3;
  if (frequency == "FOMN") return 4;
  if (frequency == "SEMI") return 6;
  if (frequency == "YEAR") return 12;
  return 0;
}

const json::object* object_member(const json::object& o, std::string_view name,
                                  std::string_view path, bool required) {
  const auto* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) {
    if (required) {
      throw InvalidField(codes::kPaymentFieldMissing, std::string(path),
                         fmt::format("{} is required", path));
    }
    return nullptr;
  }
  if (!v->is_object()) {
    throw InvalidField(codes::kPaymentFieldInvalid, std::string(path),
                       fmt::format("{} must be an object", path));
  }
  return &v->get_object();
}

std::optional<std::string> string_member(const json::object& o, std::string_view name,
                                         std::string_view path, bool required) {
  const auto* v = o.if_contains(name);
  if (v == nullptr || v->is_null()) {
    if (required) {
      throw InvalidField(codes::kPaymentFieldMissing, std::string(path),
                         fmt::format("{} is required", path));
    }
    return std::nullopt;
  }
  if (!v->is_string()) {
    throw InvalidField(codes::kPaymentFieldInvalid, std::string(path),
                       fmt::format("{} must be a string", path));
  }
  return std::string(v->get_string());
}

std::string checked_text(const json::object& o, std::string_view name, std::string_view path,
                         bool required, std::size_t max_length) {
  auto value = string_member(o, name, path, required);
  if (!value) return {};
  if (required && value->empty()) {
    throw InvalidField(codes::kPaymentFieldMissing, std::string(path),
                       fmt::format("{} must not be empty", path));
  }
  if (value->size() > max_length) {
    throw InvalidField(codes::kPaymentFieldTooLong, std::string(path),
                       fmt::format("{} is longer than {} characters", path, max_length));
  }
  if (!allowed_payment_text(*value)) {
    throw InvalidField(codes::kPaymentFieldCharset, std::string(path),
                       fmt::format("{} may only contain a-z A-Z 0-9 and ?:()./,'+ -", path));
  }
  return *value;
}

// An IBAN of the request: valid (ISO 13616), or one the sandbank holds.
std::string checked_iban(const json::object& account, std::string_view path,
                         store::BankRepository& bank) {
  auto raw = string_member(account, "iban", path, true);
  auto iban = normalize_iban(*raw);
  auto validation = validate_iban(iban);
  if (!validation.ok() && !bank.find_account_by_iban(iban)) {
    throw InvalidField(validation.problem == IbanProblem::CheckDigits ? "payment.iban_checksum"
                                                                      : "payment.iban_invalid",
                       std::string(path), fmt::format("{}: {}", path, validation.message));
  }
  return iban;
}

std::string checked_date(const json::object& o, std::string_view name, bool required,
                         const std::string& today) {
  auto value = string_member(o, name, name, required);
  if (!value) return {};
  auto date = parse_date(*value);
  if (!date) {
    throw InvalidField(codes::kPaymentDateInvalid, std::string(name),
                       fmt::format("{} must be a date YYYY-MM-DD", name));
  }
  if (*value < today) {
    throw InvalidField(codes::kPaymentDateInPast, std::string(name),
                       fmt::format("{} {} is in the past (today is {})", name, *value, today));
  }
  return *value;
}

}  // namespace

// ING's text fields: a-zA-Z0-9?:()./,'+ - (SDK-PIS).
bool allowed_payment_text(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           std::string_view("?:()./,'+ -").find(ch) != std::string_view::npos;
  });
}

bool valid_currency_code(std::string_view c) {
  return c.size() == 3 &&
         std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

bool valid_payment_date(std::string_view text) {
  return parse_date(text).has_value();
}

std::string_view kind_name(PaymentKind kind) {
  switch (kind) {
    case PaymentKind::Single:
      return "single";
    case PaymentKind::Periodic:
      return "periodic";
    case PaymentKind::Bulk:
      return "bulk";
  }
  return "single";
}

bool known_payment_product(std::string_view product) {
  return product == "sepa-credit-transfers" || product == "cross-border-credit-transfers" ||
         product == "domestic-credit-transfers";
}

bool known_frequency(std::string_view f) {
  return f == "DAIL" || f == "WEEK" || f == "TOWK" || months_of(f) > 0;
}

std::string next_occurrence(const std::string& start_date, const std::string& frequency,
                            std::int64_t index) {
  auto start = parse_date(start_date);
  if (!start) return {};
  if (frequency == "DAIL") return format_day(*start + days{index});
  if (frequency == "WEEK") return format_day(*start + days{7 * index});
  if (frequency == "TOWK") return format_day(*start + days{14 * index});
  int step = months_of(frequency);
  if (step == 0) return {};
  year_month_day ymd{*start};
  auto ym = year_month{ymd.year(), ymd.month()} + months{step * index};
  auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  auto d = std::min(ymd.day(), last);
  return format_day(sys_days{year_month_day{ym.year(), ym.month(), d}});
}

store::PaymentRecord parse_payment(PaymentKind kind, std::string_view product,
                                   std::string_view body, const std::string& today,
                                   store::BankRepository& bank, const PaymentSettings& settings) {
  if (!known_payment_product(product)) {
    throw Error(404, codes::kPaymentProductUnknown,
                fmt::format("Unknown payment product {}; use sepa-credit-transfers, "
                            "cross-border-credit-transfers or domestic-credit-transfers",
                            product));
  }
  boost::system::error_code ec;
  auto value = parse_request_json(body, ec);
  if (ec || !value.is_object()) {
    throw InvalidField(codes::kPaymentBodyMalformed, "",
                       "The body must be a JSON object (a PaymentInstruction)");
  }
  const auto& o = value.get_object();
  store::PaymentRecord p;
  p.kind = std::string(kind_name(kind));
  p.product = std::string(product);

  const auto* amount = object_member(o, "instructedAmount", "instructedAmount", true);
  auto currency = string_member(*amount, "currency", "instructedAmount.currency", true);
  if (!valid_currency_code(*currency)) {
    throw InvalidField(codes::kPaymentCurrencyInvalid, "instructedAmount.currency",
                       "instructedAmount.currency must be an ISO 4217 code such as EUR");
  }
  if (product == "sepa-credit-transfers" && *currency != "EUR") {
    throw InvalidField(codes::kPaymentCurrencyInvalid, "instructedAmount.currency",
                       "SEPA credit transfers are in EUR");
  }
  auto text = string_member(*amount, "amount", "instructedAmount.amount", true);
  auto minor = parse_amount(*text);
  bool shape = !text->empty() && text->size() <= 18 && (*text)[0] != '-' && (*text)[0] != '+';
  if (!minor || !shape) {
    throw InvalidField(codes::kPaymentAmountInvalid, "instructedAmount.amount",
                       fmt::format("instructedAmount.amount {} is not a decimal amount with at "
                                   "most two decimals, such as \"12.50\"",
                                   *text));
  }
  if (*minor <= 0) {
    throw InvalidField(codes::kPaymentAmountInvalid, "instructedAmount.amount",
                       "instructedAmount.amount must be greater than zero");
  }
  p.amount_minor = *minor;
  p.currency = *currency;

  const auto* creditor = object_member(o, "creditorAccount", "creditorAccount", true);
  p.creditor_iban = checked_iban(*creditor, "creditorAccount.iban", bank);
  if (auto c = string_member(*creditor, "currency", "creditorAccount.currency", false);
      c && !valid_currency_code(*c)) {
    throw InvalidField(codes::kPaymentCurrencyInvalid, "creditorAccount.currency",
                       "creditorAccount.currency must be an ISO 4217 code");
  }
  p.creditor_name = checked_text(o, "creditorName", "creditorName", true, 70);
  if (auto agent = string_member(o, "creditorAgent", "creditorAgent", false)) {
    if (!valid_bic(*agent)) {
      throw InvalidField(codes::kPaymentBicInvalid, "creditorAgent",
                         "creditorAgent must be a BIC of 8 or 11 characters");
    }
    p.creditor_bic = *agent;
  }
  if (const auto* debtor = object_member(o, "debtorAccount", "debtorAccount", false)) {
    p.debtor_iban = checked_iban(*debtor, "debtorAccount.iban", bank);
  }
  p.remittance = checked_text(o, "remittanceInformationUnstructured",
                              "remittanceInformationUnstructured", false, 140);
  p.end_to_end_id = checked_text(o, "endToEndIdentification", "endToEndIdentification", false, 35);
  checked_text(o, "debtorName", "debtorName", false, 70);

  if (auto instrument = string_member(o, "localInstrumentCode", "localInstrumentCode", false)) {
    if (*instrument != "INST") {
      throw InvalidField(codes::kPaymentFieldInvalid, "localInstrumentCode",
                         "localInstrumentCode must be INST (instant) or absent");
    }
    if (product == "cross-border-credit-transfers") {
      throw InvalidField(codes::kPaymentInstantNotAllowed, "localInstrumentCode",
                         "Instant payments are SEPA or domestic credit transfers");
    }
    if (p.currency != "EUR") {
      throw InvalidField(codes::kPaymentInstantNotAllowed, "instructedAmount.currency",
                         "Instant payments are in EUR");
    }
    if (p.amount_minor > settings.instant_limit_minor) {
      throw InvalidField(codes::kPaymentInstantLimit, "instructedAmount.amount",
                         fmt::format("Instant payments are limited to {} EUR",
                                     format_amount(settings.instant_limit_minor)));
    }
    p.instant = true;
  }
  for (const char* name :
       {"instructionPriority", "chargeBearer", "serviceLevelCode", "categoryPurposeCode"}) {
    string_member(o, name, name, false);
  }
  if (auto priority = string_member(o, "instructionPriority", "instructionPriority", false);
      priority && *priority != "HIGH" && *priority != "NORM") {
    throw InvalidField(codes::kPaymentFieldInvalid, "instructionPriority",
                       "instructionPriority must be HIGH or NORM");
  }
  if (auto bearer = string_member(o, "chargeBearer", "chargeBearer", false);
      bearer && *bearer != "DEBT" && *bearer != "CRED" && *bearer != "SHAR" && *bearer != "SLEV") {
    throw InvalidField(codes::kPaymentFieldInvalid, "chargeBearer",
                       "chargeBearer must be DEBT, CRED, SHAR or SLEV");
  }

  if (kind == PaymentKind::Single) {
    p.requested_execution_date = checked_date(o, "requestedExecutionDate", false, today);
    if (p.instant && !p.requested_execution_date.empty() && p.requested_execution_date != today) {
      throw InvalidField(codes::kPaymentInstantNotAllowed, "requestedExecutionDate",
                         "Instant payments execute today; leave requestedExecutionDate out");
    }
  } else {
    p.start_date = checked_date(o, "startDate", true, today);
    p.end_date = checked_date(o, "endDate", false, today);
    if (!p.end_date.empty() && p.end_date < p.start_date) {
      throw InvalidField(codes::kPaymentDateInvalid, "endDate", "endDate is before startDate");
    }
    auto frequency = string_member(o, "frequency", "frequency", true);
    if (!known_frequency(*frequency)) {
      throw InvalidField(codes::kPaymentFrequencyInvalid, "frequency",
                         fmt::format("frequency {} is not one of DAIL WEEK TOWK MNTH TOMN FOMN "
                                     "QUTR SEMI YEAR",
                                     *frequency));
    }
    p.frequency = *frequency;
    if (const auto* day = o.if_contains("dayOfExecution"); day && !day->is_null()) {
      std::int64_t n = 0;
      if (day->is_string()) {
        auto s = std::string(day->get_string());
        bool digits = !s.empty() && s.size() <= 2 &&
                      std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
        n = digits ? std::stoi(s) : 0;
      } else if (day->is_int64()) {
        n = day->get_int64();
      }
      if (n < 1 || n > 31) {
        throw InvalidField(codes::kPaymentFieldInvalid, "dayOfExecution",
                           "dayOfExecution must be \"01\" to \"31\"");
      }
    }
    if (auto rule = string_member(o, "executionRule", "executionRule", false);
        rule && *rule != "following" && *rule != "preceding") {
      throw InvalidField(codes::kPaymentFieldInvalid, "executionRule",
                         "executionRule must be following or preceding");
    }
  }

  // The country of the authorization page: the debtor's, else the creditor's when the
  // sandbank serves it, else NL.
  auto country_of = [&](const std::string& iban) -> std::string {
    if (iban.empty()) return {};
    if (auto account = bank.find_account_by_iban(iban)) {
      if (auto profile = bank.find_profile(account->profile_id)) return profile->country;
    }
    auto cc = iban.substr(0, 2);
    const auto& countries = profile_countries();
    return std::find(countries.begin(), countries.end(), cc) != countries.end() ? cc
                                                                                : std::string();
  };
  p.country = country_of(p.debtor_iban);
  if (p.country.empty()) p.country = country_of(p.creditor_iban);
  if (p.country.empty()) p.country = "NL";
  return p;
}

PaymentService::PaymentService(store::Store& store, const Clock& clock, RandomSource& random,
                               PaymentSettings settings)
    : store_(store), clock_(clock), random_(random), settings_(settings) {}

std::string PaymentService::today() const {
  return format_date(clock_.now());
}

Initiation PaymentService::initiate(const InitiationRequest& request) {
  if (request.kind == PaymentKind::Bulk) return initiate_bulk(request);
  auto payment =
      parse_payment(request.kind, request.product, request.body, today(), store_.bank(), settings_);
  auto now = clock_.now();
  payment.id = random_.uuid();
  payment.client_id = request.client_id;
  payment.request_json = request.body;
  payment.request_xml = request.xml;
  payment.status = request.reject_reason.empty() ? "RCVD" : "RJCT";
  payment.status_reason = request.reject_reason;
  payment.redirect_uri = request.redirect_uri;
  payment.psu_ip_address = request.psu_ip_address;
  payment.created_at = now;
  payment.updated_at = now;
  auto creation = store_.payments().create(payment, request.request_id, request.body_hash);
  if (!creation.created && creation.body_hash != request.body_hash) {
    throw Error(422, codes::kPaymentRequestIdReused,
                fmt::format("X-Request-ID {} was used before with another body (payment {})",
                            request.request_id, creation.payment.id));
  }
  return Initiation{std::move(creation.payment), creation.created};
}

std::optional<store::PaymentRecord> PaymentService::find(const std::string& payment_id) {
  auto payment = store_.payments().find(payment_id);
  if (!payment) return std::nullopt;
  std::lock_guard lock(mutex_);
  return advance(*store_.payments().find(payment_id));
}

store::PaymentRecord PaymentService::get_for(const std::string& client_id,
                                             const std::string& payment_id, PaymentKind kind,
                                             const std::string& product, PaymentFormat format) {
  auto payment = find(payment_id);
  bool pain001 = format == PaymentFormat::Pain001;
  if (!payment || payment->client_id != client_id || payment->kind != kind_name(kind) ||
      payment->product != product || payment->request_xml.empty() == pain001) {
    throw Error(404, codes::kPaymentUnknown,
                fmt::format("No {} payment {} of this application under {}{}", kind_name(kind),
                            payment_id, pain001 ? "pain.001-" : "", product));
  }
  return *payment;
}

store::PaymentRecord PaymentService::cancel(const std::string& client_id,
                                            const std::string& payment_id, PaymentKind kind,
                                            const std::string& product, PaymentFormat format) {
  get_for(client_id, payment_id, kind, product, format);
  std::lock_guard lock(mutex_);
  auto payment = *store_.payments().find(payment_id);
  bool cancellable =
      payment.status == "RCVD" || (kind == PaymentKind::Periodic && payment.status == "ACTV");
  if (!cancellable) {
    throw Error(
        400, codes::kPaymentNotCancellable,
        fmt::format("Payment {} is {} and can no longer be cancelled", payment_id, payment.status));
  }
  payment.next_execution_date.clear();
  payment.updated_at = clock_.now();
  if (kind == PaymentKind::Bulk) {
    finish_bulk(payment, "CANC", "");
    return payment;
  }
  payment.status = "CANC";
  store_.payments().update(payment);
  return payment;
}

std::vector<store::BankAccount> PaymentService::debtor_accounts(const store::PaymentRecord& payment,
                                                                const std::string& profile_id) {
  std::vector<store::BankAccount> out;
  for (auto& account : store_.bank().accounts_of_profile(profile_id)) {
    if (account.kind == "card" || account.currency != payment.currency) continue;
    if (!payment.debtor_iban.empty() && account.iban != payment.debtor_iban) continue;
    out.push_back(std::move(account));
  }
  return out;
}

bool PaymentService::funds_available(const std::string& account_id, std::int64_t amount_minor) {
  auto balances = store_.bank().balances(account_id);
  return balances && balances->interim_available_minor >= amount_minor;
}

void PaymentService::book(const store::PaymentRecord& p, const store::BankAccount& debtor,
                          const std::string& transaction_id, const std::string& status,
                          TimePoint when) {
  store::BankTransaction t;
  t.account_id = debtor.id;
  t.transaction_id = transaction_id;
  t.end_to_end_id = p.end_to_end_id.empty() ? "NOTPROVIDED" : p.end_to_end_id;
  t.status = status;
  t.execution_time = when;
  t.value_date = format_date(when);
  t.booking_date = status == "booked" ? t.value_date : "";
  t.amount_minor = -p.amount_minor;
  t.currency = p.currency;
  t.creditor = {p.creditor_name, p.creditor_iban, p.creditor_bic};
  t.debtor = {debtor.name, debtor.iban, debtor.bic};
  t.transaction_type = p.instant ? "SEPA Instant Credit Transfer" : "SEPA Credit Transfer";
  t.remittance_unstructured = p.remittance;
  try {
    store_.bank().append_transaction(t);
  } catch (const Error& e) {
    if (e.status() != 409) throw;  // booked before (a retry after a crash)
  }
}

namespace detail {

// Credits the creditor when the sandbank holds the account (same currency).
void credit_creditor(store::BankRepository& bank, const store::PaymentRecord& p,
                     const store::BankAccount& debtor, const std::string& transaction_id,
                     TimePoint when) {
  auto creditor = bank.find_account_by_iban(p.creditor_iban);
  if (!creditor || creditor->currency != p.currency) return;
  store::BankTransaction t;
  t.account_id = creditor->id;
  t.transaction_id = transaction_id + "-CR";
  t.end_to_end_id = p.end_to_end_id.empty() ? "NOTPROVIDED" : p.end_to_end_id;
  t.status = "booked";
  t.execution_time = when;
  t.value_date = format_date(when);
  t.booking_date = t.value_date;
  t.amount_minor = p.amount_minor;
  t.currency = p.currency;
  t.creditor = {p.creditor_name, p.creditor_iban, creditor->bic};
  t.debtor = {debtor.name, debtor.iban, debtor.bic};
  t.transaction_type = p.instant ? "SEPA Instant Credit Transfer" : "SEPA Credit Transfer";
  t.remittance_unstructured = p.remittance;
  try {
    bank.append_transaction(t);
  } catch (const Error& e) {
    if (e.status() != 409) throw;
  }
}

}  // namespace detail

store::PaymentRecord PaymentService::approve(const std::string& payment_id,
                                             const std::string& debtor_account_id,
                                             const std::string& reject_reason) {
  std::lock_guard lock(mutex_);
  auto found = store_.payments().find(payment_id);
  if (!found) throw Error(404, codes::kPaymentUnknown, fmt::format("No payment {}", payment_id));
  auto p = *found;
  if (p.status != "RCVD") {
    throw Error(409, codes::kPaymentNotAuthorizable,
                fmt::format("Payment {} is {}; only a received payment can be authorized",
                            payment_id, p.status));
  }
  auto& bank = store_.bank();
  auto debtor = bank.find_account(debtor_account_id);
  if (!debtor || debtor->kind == "card" || debtor->currency != p.currency ||
      (!p.debtor_iban.empty() && debtor->iban != p.debtor_iban)) {
    throw Error(400, codes::kPaymentDebtorInvalid,
                "Choose a payment account in the payment's currency (the debtorAccount when the "
                "payment names one)");
  }
  auto now = clock_.now();
  p.debtor_account_id = debtor->id;
  p.debtor_iban = debtor->iban;
  p.updated_at = now;
  auto profile = bank.find_profile(debtor->profile_id);
  auto scenario = profile ? profile->scenario : std::string();
  if (!reject_reason.empty() || scenario == "payments_rejected" || scenario == "sca_fails") {
    const std::string reason = !reject_reason.empty()    ? reject_reason
                               : scenario == "sca_fails" ? "AC07"
                                                         : "MS03";
    if (p.kind == "bulk") {
      finish_bulk(p, "RJCT", reason);
      return p;
    }
    p.status = "RJCT";
    p.status_reason = reason;
    store_.payments().update(p);
    return p;
  }
  if (p.kind == "bulk") return approve_bulk(p, *debtor);
  if (p.kind == "periodic") {
    p.status = "ACTV";
    p.next_execution_date = p.start_date;
    store_.payments().update(p);
    return advance(p);
  }
  bool already = bank.find_transaction(debtor->id, p.id).has_value();
  if (!already && !funds_available(debtor->id, p.amount_minor)) {
    p.status = "RJCT";
    p.status_reason = "AM04";
    store_.payments().update(p);
    return p;
  }
  auto execution_day = std::max(today(), p.requested_execution_date);
  if (p.instant) {
    book(p, *debtor, p.id, "booked", now);
    detail::credit_creditor(bank, p, *debtor, p.id, now);
    p.status = "ACSC";
    store_.payments().update(p);
    return p;
  }
  // Normal transfer: the amount is reserved (pending) now and settles later.
  book(p, *debtor, p.id, "pending", now);
  auto settle = now + settings_.settlement_delay;
  if (auto day = parse_date(execution_day); day && TimePoint(*day) > settle) {
    settle = TimePoint(*day);
  }
  p.status = "ACCP";
  p.settle_at = settle;
  store_.payments().update(p);
  return advance(p);
}

store::PaymentRecord PaymentService::reject(const std::string& payment_id) {
  std::lock_guard lock(mutex_);
  auto found = store_.payments().find(payment_id);
  if (!found) throw Error(404, codes::kPaymentUnknown, fmt::format("No payment {}", payment_id));
  auto p = *found;
  if (p.status != "RCVD") {
    throw Error(409, codes::kPaymentNotAuthorizable,
                fmt::format("Payment {} is {}; only a received payment can be rejected", payment_id,
                            p.status));
  }
  p.updated_at = clock_.now();
  if (p.kind == "bulk") {
    finish_bulk(p, "RJCT", "MS02");
    return p;
  }
  p.status = "RJCT";
  p.status_reason = "MS02";  // refused by the customer
  store_.payments().update(p);
  return p;
}

void PaymentService::settle(store::PaymentRecord& p) {
  if (p.kind == "bulk") {
    settle_bulk(p);
    return;
  }
  auto& bank = store_.bank();
  auto debtor = bank.find_account(p.debtor_account_id);
  if (!debtor) {
    p.status = "RJCT";
    p.status_reason = "AC04";  // account closed (the bank was reseeded)
  } else {
    auto when = p.settle_at.value_or(clock_.now());
    bank.book_transaction(debtor->id, p.id, when);
    detail::credit_creditor(bank, p, *debtor, p.id, when);
    p.status = "ACSC";
  }
  p.settle_at.reset();
  p.updated_at = clock_.now();
  store_.payments().update(p);
}

bool PaymentService::execute_occurrence(store::PaymentRecord& p, const std::string& date) {
  auto& bank = store_.bank();
  auto debtor = bank.find_account(p.debtor_account_id);
  if (!debtor) return false;
  auto transaction_id = fmt::format("{}-{}", p.id, p.executions + p.failed_executions + 1);
  auto now = clock_.now();
  auto day = parse_date(date);
  TimePoint when = (date == today() || !day) ? now : TimePoint(*day);
  bool already = bank.find_transaction(debtor->id, transaction_id).has_value();
  if (!already && !funds_available(debtor->id, p.amount_minor)) return false;
  book(p, *debtor, transaction_id, "booked", when);
  detail::credit_creditor(bank, p, *debtor, transaction_id, when);
  return true;
}

store::PaymentRecord PaymentService::advance(store::PaymentRecord p) {
  auto now = clock_.now();
  if (p.status == "ACCP" && p.settle_at && *p.settle_at <= now) settle(p);
  if (p.status != "ACTV") return p;
  auto current = today();
  int booked = 0;
  bool changed = false;
  while (!p.next_execution_date.empty() && p.next_execution_date <= current &&
         booked < settings_.max_catch_up) {
    if (!p.end_date.empty() && p.next_execution_date > p.end_date) break;
    if (execute_occurrence(p, p.next_execution_date)) {
      ++p.executions;
    } else {
      ++p.failed_executions;
    }
    ++booked;
    changed = true;
    p.next_execution_date =
        next_occurrence(p.start_date, p.frequency, p.executions + p.failed_executions);
    // Each occurrence is recorded at once, so a crash never books one twice.
    p.updated_at = now;
    store_.payments().update(p);
  }
  if (!p.end_date.empty() &&
      (p.next_execution_date.empty() || p.next_execution_date > p.end_date)) {
    if (current > p.end_date || p.next_execution_date.empty() ||
        p.next_execution_date > p.end_date) {
      p.next_execution_date.clear();
      p.status = "EXPI";
      changed = true;
    }
  }
  if (changed) {
    p.updated_at = now;
    store_.payments().update(p);
  }
  return p;
}

int PaymentService::run_due() {
  std::lock_guard lock(mutex_);
  int changed = 0;
  for (auto& p : store_.payments().due(clock_.now(), today())) {
    auto before = p;
    auto after = advance(p);
    if (after != before) ++changed;
  }
  return changed;
}

}  // namespace sandbank::bank
