#include "api/pis_xml_api.hpp"

#include <fmt/format.h>

#include <array>
#include <boost/json.hpp>

#include "api/codes.hpp"
#include "api/multipart.hpp"
#include "api/pain001.hpp"
#include "api/tpp_messages.hpp"
#include "bank/codes.hpp"
#include "core/encoding.hpp"
#include "core/strings.hpp"
#include "core/time_format.hpp"
#include "crypto/hash.hpp"
#include "http/codes.hpp"

namespace sandbank::api {
namespace {

namespace json = boost::json;
using bank::PaymentFormat;
using bank::PaymentKind;

constexpr std::array<std::string_view, 3> kProductList{
    "sepa-credit-transfers", "cross-border-credit-transfers", "domestic-credit-transfers"};

struct Initiator {
  store::Application application;
  std::string request_id;
  std::string redirect_uri;
  std::string psu_ip_address;
};

Initiator initiator(PisApi& api, const http::Request& request, std::string_view content_type) {
  Initiator out{authenticate_pis(api, request), {}, {}, {}};
  auto headers = initiation_headers(request);
  out.request_id = std::move(headers.request_id);
  out.redirect_uri = std::move(headers.redirect_uri);
  out.psu_ip_address = std::move(headers.psu_ip_address);
  auto type = request.header("Content-Type");
  auto media = type ? trim_ows(type->substr(0, type->find(';'))) : std::string_view();
  if (!iequals(media, content_type)) {
    throw Error(400, codes::kRequestContentType,
                fmt::format("Content-Type must be {} here, not {}", content_type,
                            type ? std::string(type->substr(0, 80)) : std::string("none")));
  }
  return out;
}

std::string sha256_hex(std::string_view text) {
  return hex_encode(
      crypto::sha256(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())));
}

std::string resource_path(PaymentKind kind, std::string_view product, std::string_view id) {
  return fmt::format("/v1/{}/pain.001-{}/{}",
                     kind == PaymentKind::Periodic ? "periodic-payments" : "payments", product, id);
}

std::string today(PisApi& api) {
  return format_date(api.oauth.clock.now());
}

// Reads the document and initiates its payment like a JSON one; `form` adds the standing
// order's fields of a periodic initiation. Errors name XML paths (or the form's fields).
bank::Initiation initiate(PisApi& api, const Initiator& who, PaymentKind kind,
                          std::string_view product, const std::string& xml,
                          const json::object& form, const std::string& body_hash) {
  pain001::ReadContext context;
  context.today = today(api);
  context.periodic = kind == PaymentKind::Periodic;
  context.held_iban = [&api](const std::string& iban) {
    return api.bank.find_account_by_iban(iban).has_value();
  };
  auto transfer = pain001::read_credit_transfer(xml, context);
  auto instruction =
      json::parse(pain001::payment_instruction_json(transfer, context.today, context.periodic))
          .as_object();
  for (const auto& [name, value] : form) instruction[name] = value;

  bank::InitiationRequest request;
  request.kind = kind;
  request.product = std::string(product);
  request.client_id = who.application.client_id;
  request.request_id = who.request_id;
  request.body = json::serialize(instruction);
  request.xml = xml;
  request.body_hash = body_hash;
  request.redirect_uri = who.redirect_uri;
  request.psu_ip_address = who.psu_ip_address;
  try {
    return api.payments.initiate(request);
  } catch (const InvalidField& e) {
    throw InvalidField(e.code(), pain001::xml_path_of(e.field()), e.message());
  }
}

http::Response initiation_response(PisApi& api, const store::PaymentRecord& p, PaymentKind kind) {
  auto self = api.urls->api() + resource_path(kind, p.product, p.id);
  json::object links;
  links["scaRedirect"] = sca_redirect_url(api.urls->web(), p);
  links["self"] = self;
  links["status"] = self + "/status";
  json::object body;
  body["transactionStatus"] = "RCVD";  // the first answer, also for a repeated X-Request-ID
  body["paymentId"] = p.id;
  body["_links"] = std::move(links);
  auto response = http::Response::json(201, json::serialize(body));
  response.set("Location", self);
  response.set("ASPSP-SCA-Approach", "REDIRECT");
  return response;
}

// POST /v1/payments/pain.001-{product}
}  // namespace

http::Response initiate_single(PisApi& api, http::Request& request, std::string_view product) {
  auto who = initiator(api, request, "application/xml");
  auto result =
      initiate(api, who, PaymentKind::Single, product, request.body, {}, sha256_hex(request.body));
  return initiation_response(api, result.payment, PaymentKind::Single);
}

namespace {

// POST /v1/periodic-payments/pain.001-{product}: the pain.001 in the part xml_sct, the
// standing order in startDate, endDate, frequency and dayOfExecution.
}  // namespace

http::Response initiate_periodic(PisApi& api, http::Request& request, std::string_view product) {
  auto who = initiator(api, request, "multipart/form-data");
  auto boundary = form_data_boundary(*request.header("Content-Type"));
  if (boundary.empty()) {
    throw InvalidField(codes::kPaymentFormMalformed, "",
                       "Content-Type multipart/form-data needs a boundary parameter of 1 to 70 "
                       "characters");
  }
  std::string xml;
  bool has_xml = false;
  json::object form;
  for (auto& part : parse_form_data(request.body, boundary)) {
    bool known = part.name == "xml_sct" || part.name == "startDate" || part.name == "endDate" ||
                 part.name == "frequency" || part.name == "dayOfExecution";
    if (!known) {
      throw InvalidField(codes::kPaymentFormMalformed, part.name,
                         fmt::format("The form has a part {}; a periodic pain.001 initiation has "
                                     "xml_sct, startDate, endDate, frequency and dayOfExecution",
                                     part.name.substr(0, 70)));
    }
    if ((part.name == "xml_sct" && has_xml) || form.contains(part.name)) {
      throw InvalidField(codes::kPaymentFormMalformed, part.name,
                         fmt::format("The form has the part {} twice", part.name));
    }
    if (part.name == "xml_sct") {
      xml = std::move(part.data);
      has_xml = true;
    } else {
      form[part.name] = std::string(trim_ows(part.data));
    }
  }
  if (!has_xml) {
    throw InvalidField(bank::codes::kPaymentFieldMissing, "xml_sct",
                       "The form needs the part xml_sct: the pain.001.001.03 document");
  }
  for (const char* name : {"startDate", "frequency"}) {
    if (!form.contains(name)) {
      throw InvalidField(bank::codes::kPaymentFieldMissing, name,
                         fmt::format("The form needs the part {}", name));
    }
  }
  // What identifies the request for X-Request-ID: the document and the fields, whatever the
  // boundary and the order of the parts.
  std::string canonical = xml;
  for (const char* name : {"startDate", "endDate", "frequency", "dayOfExecution"}) {
    canonical += fmt::format("\n{}={}", name,
                             form.contains(name) ? std::string(form.at(name).as_string()) : "");
  }
  auto result =
      initiate(api, who, PaymentKind::Periodic, product, xml, form, sha256_hex(canonical));
  return initiation_response(api, result.payment, PaymentKind::Periodic);
}

namespace {

store::PaymentRecord payment_of(PisApi& api, http::Request& request, PaymentKind kind,
                                std::string_view product) {
  auto application = authenticate_pis(api, request);
  return api.payments.get_for(application.client_id, request.path_params.at("paymentId"), kind,
                              std::string(product), PaymentFormat::Pain001);
}

http::Response xml_response(std::string body) {
  auto response = http::Response::text(200, std::move(body), "application/xml");
  return response;
}

// GET /v1/payments/pain.001-{product}/{paymentId}: the document as submitted.
}  // namespace

http::Response get_single(PisApi& api, http::Request& request, std::string_view product) {
  return xml_response(payment_of(api, request, PaymentKind::Single, product).request_xml);
}

namespace {

// The funds check a status report states: at authorization (ACCP, ACSC: it passed; RJCT
// AM04: it failed) or, while the payment waits for the customer, now.
void funds_of(PisApi& api, const store::PaymentRecord& p, pain001::StatusReport& report) {
  if (p.status == "RCVD") {
    auto account = api.bank.find_account_by_iban(p.debtor_iban);
    if (account && account->kind != "card" && account->currency == p.currency) {
      report.funds_available =
          api.payments.funds_available(account->id, p.amount_minor) ? "true" : "false";
      report.funds_checked_at = report.created;
    }
  } else if (p.status == "ACCP" || p.status == "ACSC") {
    report.funds_available = "true";
    if (auto debit = api.bank.find_transaction(p.debtor_account_id, p.id)) {
      report.funds_checked_at = debit->execution_time;
    }
  } else if (p.status == "RJCT" && p.status_reason == "AM04") {
    report.funds_available = "false";
    report.funds_checked_at = p.updated_at;
  }
}

// GET /v1|v2/payments/pain.001-{product}/{paymentId}/status: pain.002.
}  // namespace

http::Response get_single_status(PisApi& api, http::Request& request, std::string_view product,
                                 pain001::StatusVersion version) {
  auto p = payment_of(api, request, PaymentKind::Single, product);
  pain001::StatusReport report;
  // Max35Text: the response's X-ING-Response-ID (32 hex digits) names the report.
  report.message_id = request.response_id.empty() ? sha256_hex(p.id).substr(0, 32)
                                                  : request.response_id.substr(0, 35);
  report.created = api.oauth.clock.now();
  report.status = p.status;
  report.reason = p.status_reason;
  funds_of(api, p, report);
  return xml_response(
      pain001::write_status_report(pain001::read_original_ids(p.request_xml), report, version));
}

namespace {

// GET /v1/periodic-payments/pain.001-{product}/{paymentId}: the form as submitted.
}  // namespace

http::Response get_periodic(PisApi& api, http::Request& request, std::string_view product) {
  auto p = payment_of(api, request, PaymentKind::Periodic, product);
  std::vector<FormPart> parts;
  parts.push_back({"xml_sct", "", "application/xml", p.request_xml});
  boost::system::error_code ec;
  auto instruction = json::parse(p.request_json, ec);
  auto field = [&](const char* name) -> std::string {
    if (ec || !instruction.is_object()) return {};
    const auto* v = instruction.as_object().if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  for (const char* name : {"startDate", "frequency", "dayOfExecution", "endDate"}) {
    if (auto value = field(name); !value.empty()) parts.push_back({name, "", "text/plain", value});
  }
  // The boundary (RFC 2046: at most 70 characters) must occur in no part.
  std::string boundary = "Boundary_sandbank_" + sha256_hex(p.id).substr(0, 24);
  auto clashes = [&] {
    for (const auto& part : parts) {
      if (part.data.find(boundary) != std::string::npos) return true;
    }
    return false;
  };
  while (clashes() && boundary.size() < 70) boundary += "_";
  auto response = http::Response::text(200, write_form_data(parts, boundary),
                                       "multipart/form-data; boundary=" + boundary);
  return response;
}

namespace {

// GET /v1/periodic-payments/pain.001-{product}/{paymentId}/status: JSON, as the JSON periodic
// status (the initiation's status link names it; ING's file describes no XML form of it).
}  // namespace

http::Response get_periodic_status(PisApi& api, http::Request& request, std::string_view product) {
  auto p = payment_of(api, request, PaymentKind::Periodic, product);
  json::object body;
  body["transactionStatus"] = p.status;
  if (!p.status_reason.empty()) {
    json::object reason;
    reason["rsn"] = json::object{{"cd", p.status_reason}};
    body["stsRsnInf"] = json::array{std::move(reason)};
  }
  return http::Response::json(200, json::serialize(body));
}

namespace {}  // namespace

http::Response refuse_delete(PisApi&, http::Request&, std::string_view) {
  throw Error(405, http::codes::kRouteMethodNotAllowed,
              fmt::format("Method DELETE is not allowed here; use GET (ING offers no "
                          "cancellation of a pain.001 payment)"));
}

namespace {

bool on_pain001_path(std::string_view path) {
  for (std::string_view prefix :
       {"/v1/payments/pain.001-", "/v2/payments/pain.001-", "/v1/periodic-payments/pain.001-"}) {
    if (path.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

std::span<const std::string_view> pain001_products() {
  return kProductList;
}

std::optional<http::Response> render_pain001_path_error(const http::Request& request,
                                                        const Error& error, bool diagnostics) {
  if (!on_pain001_path(request.path())) return std::nullopt;
  if (error.code() == http::codes::kHttpBodyTooLarge) {
    InvalidField too_large("pain001.too_large", "",
                           fmt::format("{}; a pain.001 document may have at most {} bytes",
                                       error.message(), pain001::Limits{}.max_bytes));
    return render_tpp_error(too_large, diagnostics);
  }
  return render_tpp_error(error, diagnostics);
}

}  // namespace sandbank::api
