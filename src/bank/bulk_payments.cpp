// Bulk payments: parsing of BulkPaymentInitiationSct_json (v1 and v2) and the batch's part of
// PaymentService (payments.hpp has the status machine).
#include <fmt/format.h>

#include <boost/json.hpp>

#include "bank/codes.hpp"
#include "bank/money.hpp"
#include "bank/payments.hpp"
#include "core/time_format.hpp"

namespace sandbank::bank {
namespace detail {
void credit_creditor(store::BankRepository& bank, const store::PaymentRecord& p,
                     const store::BankAccount& debtor, const std::string& transaction_id,
                     TimePoint when);
}  // namespace detail

namespace {

namespace json = boost::json;

// The batch's members that every credit transfer takes over (when it has none of its own).
constexpr const char* kInherited[] = {
    "debtorAccount",       "requestedExecutionDate", "localInstrumentCode", "chargeBearer",
    "instructionPriority", "serviceLevelCode",       "categoryPurposeCode"};

bool batch_booking(const store::PaymentRecord& batch) {
  boost::system::error_code ec;
  auto value = json::parse(batch.request_json, ec);
  if (ec || !value.is_object()) return false;
  const auto* flag = value.get_object().if_contains("batchBookingPreferred");
  return flag != nullptr && flag->is_bool() && flag->get_bool();
}

// The credit transfer as a single payment of the batch's debtor (for booking).
store::PaymentRecord transfer_of(const store::PaymentRecord& batch, const store::BulkEntry& e) {
  store::PaymentRecord p = batch;
  p.amount_minor = e.amount_minor;
  p.creditor_iban = e.creditor_iban;
  p.creditor_name = e.creditor_name;
  p.creditor_bic = e.creditor_bic;
  p.remittance = e.remittance;
  p.end_to_end_id = e.end_to_end_id;
  return p;
}

std::string entry_transaction_id(const store::PaymentRecord& batch, const store::BulkEntry& e) {
  return fmt::format("{}-{}", batch.id, e.position + 1);
}

}  // namespace

BulkRequest parse_bulk_payment(std::string_view product, std::string_view body,
                               const std::string& today, store::BankRepository& bank,
                               const PaymentSettings& settings) {
  if (!known_payment_product(product)) {
    throw Error(404, codes::kPaymentProductUnknown,
                fmt::format("Unknown payment product {}; use sepa-credit-transfers, "
                            "cross-border-credit-transfers or domestic-credit-transfers",
                            product));
  }
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec || !value.is_object()) {
    throw InvalidField(codes::kPaymentBodyMalformed, "",
                       "The body must be a JSON object (a bulk payment with payments[])");
  }
  const auto& o = value.get_object();
  const auto* list = o.if_contains("payments");
  if (list == nullptr || !list->is_array() || list->get_array().empty()) {
    throw InvalidField(codes::kPaymentFieldMissing, "payments",
                       "payments must be an array of one or more credit transfers");
  }
  if (list->get_array().size() > kMaxBulkTransactions) {
    throw InvalidField(codes::kPaymentBulkTooLarge, "payments",
                       fmt::format("A bulk payment holds at most {} credit transfers, not {}",
                                   kMaxBulkTransactions, list->get_array().size()));
  }
  if (const auto* flag = o.if_contains("batchBookingPreferred"); flag && !flag->is_bool()) {
    throw InvalidField(codes::kPaymentFieldInvalid, "batchBookingPreferred",
                       "batchBookingPreferred must be true or false");
  }
  BulkRequest out;
  std::int64_t total = 0;
  std::size_t index = 0;
  for (const auto& item : list->get_array()) {
    auto prefix = fmt::format("payments[{}]", index);
    if (!item.is_object()) {
      throw InvalidField(codes::kPaymentFieldInvalid, prefix, prefix + " must be an object");
    }
    json::object transfer = item.get_object();
    for (const char* name : kInherited) {
      if (const auto* v = o.if_contains(name); v && !transfer.contains(name)) {
        transfer[name] = *v;
      }
    }
    store::PaymentRecord p;
    try {
      p = parse_payment(PaymentKind::Single, product, json::serialize(transfer), today, bank,
                        settings);
    } catch (const InvalidField& e) {
      // A field of the transfer itself is named under payments[i]; an inherited one as sent.
      auto head = e.field().substr(0, e.field().find('.'));
      bool own = item.get_object().contains(head);
      auto field = own ? prefix + "." + e.field() : e.field();
      auto message = own ? prefix + "." + e.message() : e.message();
      throw InvalidField(e.code(), field, message);
    }
    if (index == 0) {
      out.batch = p;
    } else if (p.currency != out.batch.currency) {
      throw InvalidField(codes::kPaymentCurrencyInvalid, prefix + ".instructedAmount.currency",
                         fmt::format("Every credit transfer of a bulk payment is in one "
                                     "currency; payments[0] is in {}",
                                     out.batch.currency));
    }
    total += p.amount_minor;
    store::BulkEntry e;
    e.position = static_cast<std::int64_t>(index);
    e.end_to_end_id = p.end_to_end_id;
    e.amount_minor = p.amount_minor;
    e.currency = p.currency;
    e.creditor_iban = p.creditor_iban;
    e.creditor_name = p.creditor_name;
    e.creditor_bic = p.creditor_bic;
    e.remittance = p.remittance;
    e.status = "RCVD";
    out.entries.push_back(std::move(e));
    ++index;
  }
  auto& batch = out.batch;
  batch.kind = std::string(kind_name(PaymentKind::Bulk));
  batch.amount_minor = total;
  batch.creditor_iban.clear();
  batch.creditor_bic.clear();
  batch.creditor_name = fmt::format("{} credit transfers", out.entries.size());
  batch.remittance.clear();
  batch.end_to_end_id.clear();
  return out;
}

Initiation PaymentService::initiate_bulk(const InitiationRequest& request) {
  auto parsed =
      parse_bulk_payment(request.product, request.body, today(), store_.bank(), settings_);
  auto now = clock_.now();
  auto& batch = parsed.batch;
  batch.id = random_.uuid();
  batch.client_id = request.client_id;
  batch.request_json = request.body;
  batch.status = "RCVD";
  batch.redirect_uri = request.redirect_uri;
  batch.psu_ip_address = request.psu_ip_address;
  batch.created_at = now;
  batch.updated_at = now;
  for (auto& e : parsed.entries) e.payment_id = batch.id;
  // The batch, its idempotency key and its transfers in one transaction.
  auto creation =
      store_.payments().create(batch, request.request_id, request.body_hash, parsed.entries);
  if (!creation.created && creation.body_hash != request.body_hash) {
    throw Error(422, codes::kPaymentRequestIdReused,
                fmt::format("X-Request-ID {} was used before with another body (payment {})",
                            request.request_id, creation.payment.id));
  }
  return Initiation{std::move(creation.payment), creation.created};
}

std::vector<store::BulkEntry> PaymentService::bulk_entries(const std::string& payment_id) {
  return store_.bulk_entries().of_payment(payment_id);
}

void PaymentService::finish_bulk(store::PaymentRecord& batch, const std::string& status,
                                 const std::string& reason) {
  auto entries = store_.bulk_entries().of_payment(batch.id);
  for (auto& e : entries) {
    e.status = status;
    e.status_reason = reason;
  }
  store_.bulk_entries().update_statuses(entries);
  batch.status = status;
  batch.status_reason = reason;
  store_.payments().update(batch);
}

store::PaymentRecord PaymentService::approve_bulk(store::PaymentRecord batch,
                                                  const store::BankAccount& debtor) {
  auto& bank = store_.bank();
  auto now = clock_.now();
  auto entries = store_.bulk_entries().of_payment(batch.id);
  const bool one_booking = batch_booking(batch);
  std::size_t accepted = 0;
  if (one_booking) {
    // One booking for the batch: all transfers together, or none.
    bool already = bank.find_transaction(debtor.id, batch.id).has_value();
    if (!already && !funds_available(debtor.id, batch.amount_minor)) {
      finish_bulk(batch, "RJCT", "AM04");
      return batch;
    }
    store::PaymentRecord whole = batch;
    whole.creditor_name = batch.creditor_name;
    book(whole, debtor, batch.id, batch.instant ? "booked" : "pending", now);
    for (auto& e : entries) e.status = batch.instant ? "ACSC" : "ACCP";
    accepted = entries.size();
  } else {
    // Each transfer on its own, in order: a reserved (pending) debit lowers what the next
    // one finds available.
    for (auto& e : entries) {
      auto id = entry_transaction_id(batch, e);
      bool already = bank.find_transaction(debtor.id, id).has_value();
      if (!already && !funds_available(debtor.id, e.amount_minor)) {
        e.status = "RJCT";
        e.status_reason = "AM04";
        continue;
      }
      book(transfer_of(batch, e), debtor, id, batch.instant ? "booked" : "pending", now);
      e.status = batch.instant ? "ACSC" : "ACCP";
      ++accepted;
    }
  }
  if (batch.instant) {
    for (const auto& e : entries) {
      if (e.status == "ACSC") {
        detail::credit_creditor(bank, transfer_of(batch, e), debtor, entry_transaction_id(batch, e),
                                now);
      }
    }
  }
  store_.bulk_entries().update_statuses(entries);
  if (accepted == 0) {
    batch.status = "RJCT";
    batch.status_reason = "AM04";
    store_.payments().update(batch);
    return batch;
  }
  bool partial = accepted < entries.size();
  if (batch.instant) {
    batch.status = partial ? "PART" : "ACSC";
    store_.payments().update(batch);
    return batch;
  }
  auto settle = now + settings_.settlement_delay;
  auto execution_day = std::max(today(), batch.requested_execution_date);
  if (auto day = parse_rfc3339(execution_day + "T00:00:00Z"); day && *day > settle) settle = *day;
  batch.status = "ACCP";
  batch.settle_at = settle;
  store_.payments().update(batch);
  return advance(batch);
}

void PaymentService::settle_bulk(store::PaymentRecord& batch) {
  auto& bank = store_.bank();
  auto debtor = bank.find_account(batch.debtor_account_id);
  auto entries = store_.bulk_entries().of_payment(batch.id);
  auto when = batch.settle_at.value_or(clock_.now());
  batch.settle_at.reset();
  batch.updated_at = clock_.now();
  if (!debtor) {
    finish_bulk(batch, "RJCT", "AC04");  // account closed (the bank was reseeded)
    return;
  }
  const bool one_booking = batch_booking(batch);
  if (one_booking) bank.book_transaction(debtor->id, batch.id, when);
  bool rejected = false;
  for (auto& e : entries) {
    if (e.status != "ACCP") {
      rejected = rejected || e.status == "RJCT";
      continue;
    }
    auto id = entry_transaction_id(batch, e);
    if (!one_booking) bank.book_transaction(debtor->id, id, when);
    detail::credit_creditor(bank, transfer_of(batch, e), *debtor, id, when);
    e.status = "ACSC";
  }
  store_.bulk_entries().update_statuses(entries);
  batch.status = rejected ? "PART" : "ACSC";
  store_.payments().update(batch);
}

}  // namespace sandbank::bank
