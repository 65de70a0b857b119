// Long because it is both directions of ISO 20022 in one place: the guarded pain.001 parse with
// every check of ING's specification (each refusal names its element path) and the pain.002
// status report, which walk the same element paths.
#include "api/pain001.hpp"

#include <fmt/format.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <boost/json.hpp>
#include <memory>
#include <mutex>
#include <vector>

#include "api/codes.hpp"
#include "bank/codes.hpp"
#include "bank/iban.hpp"
#include "bank/money.hpp"
#include "bank/payments.hpp"
#include "core/time_format.hpp"

namespace sandbank::api::pain001 {
namespace {

namespace json = boost::json;

constexpr std::string_view kInitiation = "Document/CstmrCdtTrfInitn";
constexpr std::string_view kPmtInf = "Document/CstmrCdtTrfInitn/PmtInf";
constexpr std::string_view kTx = "Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf";

const xmlChar* x(const char* text) {
  return reinterpret_cast<const xmlChar*>(text);
}
std::string_view sv(const xmlChar* text) {
  return text == nullptr ? std::string_view() : reinterpret_cast<const char*>(text);
}

// ---- parsing: libxml2 with a guard in its SAX callbacks

struct Guard {
  Limits limits;
  int depth = 0;
  std::size_t elements = 0;
  std::string refusal_code;  // set when a callback stopped the parser
  std::string refusal_message;
  std::string first_error;  // libxml2's first error, "line L, column C: ..."
};

Guard& guard_of(void* ctx) {
  return *static_cast<Guard*>(static_cast<xmlParserCtxtPtr>(ctx)->_private);
}

void refuse(void* ctx, std::string code, std::string message) {
  auto& guard = guard_of(ctx);
  if (guard.refusal_code.empty()) {
    guard.refusal_code = std::move(code);
    guard.refusal_message = std::move(message);
  }
  xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
}

// <!DOCTYPE ...>: refused before its internal subset is read, so no entity is ever declared
// (billion laughs) and no external subset or entity is ever named to a loader.
void on_internal_subset(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
  refuse(ctx, "pain001.doctype",
         "The document has a DOCTYPE: a pain.001 document has none, and DTDs and entity "
         "declarations are refused (nothing is expanded, loaded or fetched)");
}
void on_external_subset(void*, const xmlChar*, const xmlChar*, const xmlChar*) {}
xmlParserInputPtr on_resolve_entity(void* ctx, const xmlChar*, const xmlChar* system_id) {
  refuse(ctx, "pain001.external_entity",
         fmt::format("The document refers to the external resource {}; nothing is fetched",
                     sv(system_id).substr(0, 200)));
  return nullptr;
}
// Every entity reference but the five predefined ones (&amp; &lt; &gt; &quot; &apos;, which
// libxml2 resolves without asking) and character references.
xmlEntityPtr on_get_entity(void* ctx, const xmlChar* name) {
  refuse(ctx, "pain001.entity",
         fmt::format("The entity reference &{}; is refused: only the predefined entities and "
                     "character references are allowed",
                     sv(name).substr(0, 100)));
  return nullptr;
}
xmlEntityPtr on_get_parameter_entity(void* ctx, const xmlChar* name) {
  return on_get_entity(ctx, name);
}

void on_start_element(void* ctx, const xmlChar* localname, const xmlChar* prefix,
                      const xmlChar* uri, int nb_namespaces, const xmlChar** namespaces,
                      int nb_attributes, int nb_defaulted, const xmlChar** attributes) {
  auto& guard = guard_of(ctx);
  if (++guard.depth > guard.limits.max_depth) {
    return refuse(ctx, "pain001.too_deep",
                  fmt::format("Elements are nested deeper than {} levels (at <{}>)",
                              guard.limits.max_depth, sv(localname).substr(0, 100)));
  }
  if (++guard.elements > guard.limits.max_elements) {
    return refuse(ctx, "pain001.too_many_elements",
                  fmt::format("The document has more than {} elements; a single payment "
                              "needs a few dozen",
                              guard.limits.max_elements));
  }
  xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                        nb_defaulted, attributes);
}

void on_end_element(void* ctx, const xmlChar* localname, const xmlChar* prefix,
                    const xmlChar* uri) {
  --guard_of(ctx).depth;
  xmlSAX2EndElementNs(ctx, localname, prefix, uri);
}

void on_error(void* ctx, xmlErrorPtr error) {
  auto& guard = guard_of(ctx);
  if (!guard.first_error.empty() || error == nullptr || error->level < XML_ERR_ERROR) return;
  std::string message = error->message != nullptr ? error->message : "malformed XML";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  guard.first_error = fmt::format("line {}, column {}: {}", error->line, error->int2, message);
}

struct DocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;
struct ContextFree {
  void operator()(xmlParserCtxt* ctxt) const { xmlFreeParserCtxt(ctxt); }
};

void init_libxml2() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

// Parses `xml` into a tree under the guard. Throws InvalidField("", ...) for a document that
// is too large, not well-formed or hostile.
Doc parse(std::string_view xml, const Limits& limits) {
  if (xml.size() > limits.max_bytes) {
    throw InvalidField(codes::kPain001TooLarge, "",
                       fmt::format("The document has {} bytes; a pain.001 document may have at "
                                   "most {}",
                                   xml.size(), limits.max_bytes));
  }
  init_libxml2();
  std::unique_ptr<xmlParserCtxt, ContextFree> ctxt(xmlNewParserCtxt());
  if (!ctxt || ctxt->sax == nullptr)
    throw Error(500, codes::kPain001Parser, "libxml2 failed to start");
  Guard guard;
  guard.limits = limits;
  ctxt->_private = &guard;
  xmlSAXHandler* sax = ctxt->sax;  // the context's own copy
  sax->internalSubset = on_internal_subset;
  sax->externalSubset = on_external_subset;
  sax->resolveEntity = on_resolve_entity;
  sax->getEntity = on_get_entity;
  sax->getParameterEntity = on_get_parameter_entity;
  sax->startElementNs = on_start_element;
  sax->endElementNs = on_end_element;
  sax->serror = on_error;
  // No XML_PARSE_NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR/DTDVALID (no DTD is
  // read), no XML_PARSE_HUGE (libxml2's own limits stay on); NONET: no network, ever.
  const int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
                      XML_PARSE_NOWARNING | XML_PARSE_NOXINCNODE;
  Doc doc(xmlCtxtReadMemory(ctxt.get(), xml.data(), static_cast<int>(xml.size()), nullptr, nullptr,
                            options));
  if (!guard.refusal_code.empty()) {
    throw InvalidField(guard.refusal_code, "", guard.refusal_message);
  }
  if (!doc || !ctxt->wellFormed) {
    throw InvalidField(
        codes::kPain001Malformed, "",
        fmt::format("The body is not well-formed XML ({})",
                    guard.first_error.empty() ? "empty or truncated document" : guard.first_error));
  }
  return doc;
}

// ---- reading the tree

struct Element {
  xmlNode* node = nullptr;
  std::string path;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Every element in pain.001.001.03's namespace (an element of another vocabulary has no place
// in the message).
void check_namespaces(xmlNode* node, const std::string& path) {
  for (xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    auto child_path = path + "/" + std::string(sv(c->name));
    if (c->ns == nullptr || sv(c->ns->href) != kPain001Namespace) {
      throw InvalidField(codes::kPain001Namespace, child_path,
                         fmt::format("{} is not in the namespace {} of the document", child_path,
                                     kPain001Namespace));
    }
    check_namespaces(c, child_path);
  }
}

std::vector<Element> children(const Element& parent, std::string_view name) {
  std::vector<Element> out;
  for (xmlNode* c = parent.node->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && sv(c->name) == name) {
      out.push_back({c, parent.path + "/" + std::string(name)});
    }
  }
  return out;
}

std::optional<Element> one(const Element& parent, std::string_view name, bool required) {
  auto found = children(parent, name);
  if (found.size() > 1) {
    throw InvalidField(codes::kPain001ElementRepeated, found[1].path,
                       fmt::format("{} appears {} times; pain.001.001.03 allows it once here",
                                   found[1].path, found.size()));
  }
  if (found.empty()) {
    if (!required) return std::nullopt;
    auto path = parent.path + "/" + std::string(name);
    throw InvalidField(bank::codes::kPaymentFieldMissing, path,
                       fmt::format("{} is required", path));
  }
  return found[0];
}

std::string text_of(const Element& e) {
  std::string text;
  for (xmlNode* c = e.node->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      throw InvalidField(
          bank::codes::kPaymentFieldInvalid, e.path,
          fmt::format("{} holds a value, not elements (found <{}>)", e.path, sv(c->name)));
    }
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) text += sv(c->content);
  }
  return trimmed(text);
}

std::optional<std::pair<std::string, std::string>> value(const Element& parent,
                                                         std::string_view name, bool required) {
  auto e = one(parent, name, required);
  if (!e) return std::nullopt;
  auto text = text_of(*e);
  if (text.empty()) {
    throw InvalidField(bank::codes::kPaymentFieldMissing, e->path,
                       fmt::format("{} must not be empty", e->path));
  }
  return std::pair{std::move(text), e->path};
}

// A text of ING's character set (a-z A-Z 0-9 ?:()./,'+ - and space), at most `max` long.
std::string text_field(const Element& parent, std::string_view name, bool required,
                       std::size_t max) {
  auto v = value(parent, name, required);
  if (!v) return {};
  auto& [text, path] = *v;
  if (!bank::allowed_payment_text(text)) {
    throw InvalidField(bank::codes::kPaymentFieldCharset, path,
                       fmt::format("{} may only contain a-z A-Z 0-9 and ?:()./,'+ - (found "
                                   "\"{}\")",
                                   path, text.substr(0, 70)));
  }
  if (text.size() > max) {
    throw InvalidField(bank::codes::kPaymentFieldTooLong, path,
                       fmt::format("{} is longer than {} characters", path, max));
  }
  return text;
}

std::string code_field(const Element& parent, std::string_view name,
                       std::initializer_list<std::string_view> allowed) {
  auto v = value(parent, name, false);
  if (!v) return {};
  auto& [text, path] = *v;
  if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    throw InvalidField(
        bank::codes::kPaymentFieldInvalid, path,
        fmt::format("{} must be one of {} (found \"{}\")", path, list, text.substr(0, 35)));
  }
  return text;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Max15NumericText.
std::string count_field(const Element& parent, std::string_view name, bool required) {
  auto v = value(parent, name, required);
  if (!v) return {};
  auto& [text, path] = *v;
  if (!all_digits(text) || text.size() > 15) {
    throw InvalidField(bank::codes::kPaymentFieldInvalid, path,
                       fmt::format("{} must be a number of at most 15 digits (found \"{}\")", path,
                                   text.substr(0, 35)));
  }
  return text;
}

// A DecimalNumber (CtrlSum) in minor units; nullopt when it has significant digits beyond the
// cents (it then equals no sum of amounts).
struct Decimal {
  std::string text;
  std::string path;
  std::optional<std::int64_t> minor;
};
std::optional<Decimal> decimal_field(const Element& parent, std::string_view name) {
  auto v = value(parent, name, false);
  if (!v) return std::nullopt;
  auto& [text, path] = *v;
  auto point = text.find('.');
  auto units = std::string_view(text).substr(0, point);
  auto fraction =
      point == std::string::npos ? std::string_view() : std::string_view(text).substr(point + 1);
  if (!all_digits(units) || (point != std::string::npos && !all_digits(fraction)) ||
      text.size() > 19) {
    throw InvalidField(
        bank::codes::kPaymentAmountInvalid, path,
        fmt::format("{} {} is not a decimal number such as 12.50", path, text.substr(0, 35)));
  }
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  auto canonical = std::string(units) + (fraction.empty() ? "" : "." + std::string(fraction));
  return Decimal{text, path, bank::parse_amount(canonical)};
}

std::string date_time_field(const Element& parent, std::string_view name) {
  auto v = value(parent, name, true);
  auto& [text, path] = *v;
  // ISODateTime (xs:dateTime): a zone is optional; without one it is read as UTC.
  bool zoned = text.ends_with('Z') ||
               (text.size() > 19 && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-'));
  if (text.size() < 19 || text[10] != 'T' || !parse_rfc3339(zoned ? text : text + "Z")) {
    throw InvalidField(bank::codes::kPaymentDateInvalid, path,
                       fmt::format("{} must be a date and time such as 2026-03-16T10:00:00 "
                                   "(found \"{}\")",
                                   path, text.substr(0, 35)));
  }
  return text;
}

std::string iban_of(const Element& parent, std::string_view account, const ReadContext& context) {
  auto acct = one(parent, account, true);
  auto id = one(*acct, "Id", true);
  if (!one(*id, "IBAN", false) && one(*id, "Othr", false)) {
    throw InvalidField(
        codes::kPaymentIbanInvalid, id->path + "/Othr",
        fmt::format("{} must identify the account by its IBAN ({}/IBAN)", id->path, id->path));
  }
  auto v = value(*id, "IBAN", true);
  auto& [iban, path] = *v;
  auto validation = bank::validate_iban(iban);
  if (!validation.ok() && !(context.held_iban && context.held_iban(iban))) {
    throw InvalidField(validation.problem == bank::IbanProblem::CheckDigits
                           ? "payment.iban_checksum"
                           : "payment.iban_invalid",
                       path, fmt::format("{}: {}", path, validation.message));
  }
  if (auto ccy = value(*acct, "Ccy", false); ccy && !bank::valid_currency_code(ccy->first)) {
    throw InvalidField(bank::codes::kPaymentCurrencyInvalid, ccy->second,
                       fmt::format("{} must be an ISO 4217 code such as EUR", ccy->second));
  }
  return iban;
}

// The BIC of an agent (DbtrAgt, CdtrAgt) when one is given: "" when the agent is absent or
// identified otherwise (FinInstnId/Othr/Id NOTPROVIDED).
std::string agent_bic(const Element& parent, std::string_view agent) {
  auto a = one(parent, agent, false);
  if (!a) return {};
  auto institution = one(*a, "FinInstnId", true);
  auto v = value(*institution, "BIC", false);
  if (!v) return {};
  auto& [bic, path] = *v;
  if (!bank::valid_bic(bic)) {
    throw InvalidField(bank::codes::kPaymentBicInvalid, path,
                       fmt::format("{} {} is not a BIC of 8 or 11 characters such as INGBNL2A",
                                   path, bic.substr(0, 35)));
  }
  return bic;
}

// PmtTpInf, at the payment or the transaction level.
void read_payment_type(const Element& parent, CreditTransfer& out) {
  auto type = one(parent, "PmtTpInf", false);
  if (!type) return;
  if (auto priority = code_field(*type, "InstrPrty", {"HIGH", "NORM"}); !priority.empty()) {
    out.instruction_priority = priority;
  }
  if (auto instrument = one(*type, "LclInstrm", false)) {
    if (auto prtry = one(*instrument, "Prtry", false)) {
      throw InvalidField(
          bank::codes::kPaymentFieldInvalid, prtry->path,
          fmt::format("{}: ING knows one local instrument, Cd INST (instant)", prtry->path));
    }
    code_field(*instrument, "Cd", {"INST"});
    if (one(*instrument, "Cd", false)) out.instant = true;
  }
}

// ---- writing

xmlNode* add(xmlNode* parent, xmlNs* ns, const char* name, std::string_view text = {}) {
  if (text.empty()) return xmlNewChild(parent, ns, x(name), nullptr);
  std::string value(text);
  return xmlNewTextChild(parent, ns, x(name), x(value.c_str()));  // escapes the text
}

}  // namespace

CreditTransfer read_credit_transfer(std::string_view xml, const ReadContext& context) {
  auto doc = parse(xml, context.limits);
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr || sv(root->name) != "Document") {
    throw InvalidField(codes::kPain001NotPain001, "Document",
                       fmt::format("The root element is <{}>; a pain.001 document is <Document "
                                   "xmlns=\"{}\">",
                                   root ? sv(root->name) : "", kPain001Namespace));
  }
  if (root->ns == nullptr || sv(root->ns->href) != kPain001Namespace) {
    auto found = root->ns ? std::string(sv(root->ns->href)) : std::string("no namespace");
    throw InvalidField(codes::kPain001Namespace, "Document",
                       fmt::format("Document is in {}; ING accepts pain.001.001.03: "
                                   "xmlns=\"{}\"",
                                   found.substr(0, 100), kPain001Namespace));
  }
  check_namespaces(root, "Document");
  Element document{root, "Document"};
  auto initiation = one(document, "CstmrCdtTrfInitn", true);
  CreditTransfer out;

  // GrpHdr
  auto header = one(*initiation, "GrpHdr", true);
  out.message_id = text_field(*header, "MsgId", true, 35);
  out.creation_time = date_time_field(*header, "CreDtTm");
  auto group_count = count_field(*header, "NbOfTxs", true);
  auto group_sum = decimal_field(*header, "CtrlSum");
  if (group_sum) out.control_sum = group_sum->text;

  // PmtInf: exactly one
  auto infos = children(*initiation, "PmtInf");
  if (infos.empty()) {
    throw InvalidField(bank::codes::kPaymentFieldMissing, std::string(kPmtInf),
                       fmt::format("{} is required", kPmtInf));
  }
  if (infos.size() > 1) {
    throw InvalidField(codes::kPain001NotSingle, infos[1].path,
                       fmt::format("The document has {} PmtInf; a single payment has exactly one "
                                   "PmtInf with one CdtTrfTxInf (several payments are a bulk "
                                   "payment)",
                                   infos.size()));
  }
  const auto& info = infos[0];
  out.payment_information_id = text_field(info, "PmtInfId", true, 35);
  if (auto method = value(info, "PmtMtd", true); method->first != "TRF") {
    throw InvalidField(bank::codes::kPaymentFieldInvalid, method->second,
                       fmt::format("{} must be TRF (credit transfer), not \"{}\"", method->second,
                                   method->first.substr(0, 35)));
  }
  code_field(info, "BtchBookg", {"true", "false", "1", "0"});
  auto info_count = count_field(info, "NbOfTxs", false);
  auto info_sum = decimal_field(info, "CtrlSum");
  read_payment_type(info, out);
  {
    auto v = value(info, "ReqdExctnDt", true);
    auto& [date, path] = *v;
    if (!bank::valid_payment_date(date)) {
      throw InvalidField(
          bank::codes::kPaymentDateInvalid, path,
          fmt::format("{} must be a date YYYY-MM-DD (found \"{}\")", path, date.substr(0, 35)));
    }
    if (!context.periodic && !context.today.empty() && date < context.today) {
      throw InvalidField(
          bank::codes::kPaymentDateInPast, path,
          fmt::format("{} {} is in the past (today is {})", path, date, context.today));
    }
    out.requested_execution_date = date;
  }
  auto debtor = one(info, "Dbtr", true);
  out.debtor_name = text_field(*debtor, "Nm", true, 70);
  out.debtor_iban = iban_of(info, "DbtrAcct", context);
  out.debtor_bic = agent_bic(info, "DbtrAgt");
  out.charge_bearer = code_field(info, "ChrgBr", {"DEBT", "CRED", "SHAR", "SLEV"});

  // CdtTrfTxInf: exactly one
  auto transactions = children(info, "CdtTrfTxInf");
  if (transactions.empty()) {
    throw InvalidField(bank::codes::kPaymentFieldMissing, std::string(kTx),
                       fmt::format("{} is required", kTx));
  }
  if (transactions.size() > 1) {
    throw InvalidField(codes::kPain001NotSingle, transactions[1].path,
                       fmt::format("PmtInf has {} CdtTrfTxInf; a single payment has exactly one "
                                   "(several payments are a bulk payment)",
                                   transactions.size()));
  }
  const auto& tx = transactions[0];
  auto id = one(tx, "PmtId", true);
  out.instruction_id = text_field(*id, "InstrId", false, 35);
  out.end_to_end_id = text_field(*id, "EndToEndId", true, 35);
  read_payment_type(tx, out);
  {
    auto amount = one(tx, "Amt", true);
    auto instructed = one(*amount, "InstdAmt", false);
    if (!instructed) {
      if (auto equivalent = one(*amount, "EqvtAmt", false)) {
        throw InvalidField(bank::codes::kPaymentFieldInvalid, equivalent->path,
                           fmt::format("{} is not supported: give the amount in the account's "
                                       "currency as {}/InstdAmt",
                                       equivalent->path, amount->path));
      }
      one(*amount, "InstdAmt", true);
    }
    auto ccy_path = instructed->path + "/@Ccy";
    xmlChar* ccy = xmlGetNoNsProp(instructed->node, x("Ccy"));
    std::string currency = ccy ? trimmed(sv(ccy)) : std::string();
    bool has_ccy = ccy != nullptr;
    xmlFree(ccy);
    if (!has_ccy) {
      throw InvalidField(
          bank::codes::kPaymentFieldMissing, ccy_path,
          fmt::format("{} (the currency, such as Ccy=\"EUR\") is required", ccy_path));
    }
    if (!bank::valid_currency_code(currency)) {
      throw InvalidField(bank::codes::kPaymentCurrencyInvalid, ccy_path,
                         fmt::format("{} must be an ISO 4217 code such as EUR (found \"{}\")",
                                     ccy_path, currency.substr(0, 35)));
    }
    auto text = text_of(*instructed);
    auto minor = bank::parse_amount(text);
    if (!minor || text.empty() || text[0] == '+' || text[0] == '-') {
      throw InvalidField(bank::codes::kPaymentAmountInvalid, instructed->path,
                         fmt::format("{} \"{}\" is not a decimal amount with at most two "
                                     "decimals, such as 12.50",
                                     instructed->path, text.substr(0, 35)));
    }
    if (*minor <= 0) {
      throw InvalidField(bank::codes::kPaymentAmountInvalid, instructed->path,
                         fmt::format("{} must be greater than zero", instructed->path));
    }
    out.amount_minor = *minor;
    out.currency = currency;
  }
  if (auto bearer = code_field(tx, "ChrgBr", {"DEBT", "CRED", "SHAR", "SLEV"}); !bearer.empty()) {
    out.charge_bearer = bearer;
  }
  out.creditor_bic = agent_bic(tx, "CdtrAgt");
  auto creditor = one(tx, "Cdtr", true);
  out.creditor_name = text_field(*creditor, "Nm", true, 70);
  out.creditor_iban = iban_of(tx, "CdtrAcct", context);
  if (auto remittance = one(tx, "RmtInf", false)) {
    auto unstructured = children(*remittance, "Ustrd");
    if (unstructured.size() > 1) {
      throw InvalidField(codes::kPain001ElementRepeated, unstructured[1].path,
                         fmt::format("{} appears {} times; a SEPA payment carries one Ustrd of "
                                     "at most 140 characters",
                                     unstructured[1].path, unstructured.size()));
    }
    if (unstructured.empty() && children(*remittance, "Strd").empty()) {
      throw InvalidField(bank::codes::kPaymentFieldMissing, remittance->path,
                         fmt::format("{} needs Ustrd (unstructured) or Strd (structured) "
                                     "remittance information",
                                     remittance->path));
    }
    out.remittance = text_field(*remittance, "Ustrd", false, 140);
  }
  if (out.instant && !context.periodic && !context.today.empty() &&
      out.requested_execution_date != context.today) {
    throw InvalidField(bank::codes::kPaymentInstantNotAllowed,
                       std::string(kPmtInf) + "/ReqdExctnDt",
                       fmt::format("An instant payment (LclInstrm/Cd INST) executes today: "
                                   "ReqdExctnDt must be {}",
                                   context.today));
  }

  // The group's and the payment's counts and sums against the one transaction.
  for (const auto& [count, path] : {std::pair{group_count, std::string(kInitiation) + "/GrpHdr"},
                                    std::pair{info_count, std::string(kPmtInf)}}) {
    if (!count.empty() && std::stoull(count) != 1) {
      throw InvalidField(
          codes::kPain001CountMismatch, path + "/NbOfTxs",
          fmt::format("{}/NbOfTxs is {} but the document has 1 CdtTrfTxInf", path, count));
    }
  }
  for (const auto* sum : {&group_sum, &info_sum}) {
    if (*sum && (*sum)->minor != out.amount_minor) {
      throw InvalidField(
          codes::kPain001ControlSumMismatch, (*sum)->path,
          fmt::format("{} {} is not the sum of the amounts ({})", (*sum)->path,
                      (*sum)->text.substr(0, 35), bank::format_amount(out.amount_minor)));
    }
  }
  return out;
}

std::string payment_instruction_json(const CreditTransfer& t, std::string_view today,
                                     bool periodic) {
  json::object o;
  o["endToEndIdentification"] = t.end_to_end_id;
  o["debtorAccount"] = json::object{{"iban", t.debtor_iban}};
  o["debtorName"] = t.debtor_name;
  o["instructedAmount"] =
      json::object{{"amount", bank::format_amount(t.amount_minor)}, {"currency", t.currency}};
  o["creditorAccount"] = json::object{{"iban", t.creditor_iban}};
  if (!t.creditor_bic.empty()) o["creditorAgent"] = t.creditor_bic;
  o["creditorName"] = t.creditor_name;
  if (!t.remittance.empty()) o["remittanceInformationUnstructured"] = t.remittance;
  // An instant payment executes today: the JSON form leaves the date out.
  if (!periodic && !(t.instant && t.requested_execution_date == today)) {
    o["requestedExecutionDate"] = t.requested_execution_date;
  }
  if (t.instant) o["localInstrumentCode"] = "INST";
  if (!t.instruction_priority.empty()) o["instructionPriority"] = t.instruction_priority;
  if (!t.charge_bearer.empty()) o["chargeBearer"] = t.charge_bearer;
  return json::serialize(o);
}

std::string xml_path_of(std::string_view field) {
  static const std::vector<std::pair<std::string_view, std::string_view>> paths = {
      {"instructedAmount", "/CdtTrfTxInf/Amt/InstdAmt"},
      {"instructedAmount.amount", "/CdtTrfTxInf/Amt/InstdAmt"},
      {"instructedAmount.currency", "/CdtTrfTxInf/Amt/InstdAmt/@Ccy"},
      {"creditorAccount", "/CdtTrfTxInf/CdtrAcct"},
      {"creditorAccount.iban", "/CdtTrfTxInf/CdtrAcct/Id/IBAN"},
      {"creditorAccount.currency", "/CdtTrfTxInf/CdtrAcct/Ccy"},
      {"creditorName", "/CdtTrfTxInf/Cdtr/Nm"},
      {"creditorAgent", "/CdtTrfTxInf/CdtrAgt/FinInstnId/BIC"},
      {"debtorAccount", "/DbtrAcct"},
      {"debtorAccount.iban", "/DbtrAcct/Id/IBAN"},
      {"debtorName", "/Dbtr/Nm"},
      {"remittanceInformationUnstructured", "/CdtTrfTxInf/RmtInf/Ustrd"},
      {"endToEndIdentification", "/CdtTrfTxInf/PmtId/EndToEndId"},
      {"localInstrumentCode", "/PmtTpInf/LclInstrm/Cd"},
      {"requestedExecutionDate", "/ReqdExctnDt"},
      {"instructionPriority", "/PmtTpInf/InstrPrty"},
      {"chargeBearer", "/ChrgBr"},
  };
  for (const auto& [name, path] : paths) {
    if (name == field) return std::string(kPmtInf) + std::string(path);
  }
  return std::string(field);
}

OriginalIds read_original_ids(std::string_view xml, const Limits& limits) {
  OriginalIds ids;
  auto doc = parse(xml, limits);
  Element document{xmlDocGetRootElement(doc.get()), "Document"};
  if (document.node == nullptr) return ids;
  auto first = [](const Element& parent, std::string_view name) -> std::optional<Element> {
    auto found = children(parent, name);
    if (found.empty()) return std::nullopt;
    return found[0];
  };
  auto text = [&](const std::optional<Element>& parent, std::string_view name) -> std::string {
    if (!parent) return {};
    auto e = first(*parent, name);
    if (!e) return {};
    try {
      return text_of(*e);
    } catch (const InvalidField&) {
      return {};
    }
  };
  auto initiation = first(document, "CstmrCdtTrfInitn");
  auto header = initiation ? first(*initiation, "GrpHdr") : std::nullopt;
  auto info = initiation ? first(*initiation, "PmtInf") : std::nullopt;
  auto tx = info ? first(*info, "CdtTrfTxInf") : std::nullopt;
  auto id = tx ? first(*tx, "PmtId") : std::nullopt;
  ids.message_id = text(header, "MsgId");
  ids.creation_time = text(header, "CreDtTm");
  ids.number_of_transactions = text(header, "NbOfTxs");
  ids.control_sum = text(header, "CtrlSum");
  ids.payment_information_id = text(info, "PmtInfId");
  ids.instruction_id = text(id, "InstrId");
  ids.end_to_end_id = text(id, "EndToEndId");
  return ids;
}

std::string write_status_report(const OriginalIds& original, const StatusReport& report,
                                StatusVersion version) {
  init_libxml2();
  Doc doc(xmlNewDoc(x("1.0")));
  xmlNode* root = xmlNewDocNode(doc.get(), nullptr, x("Document"), nullptr);
  xmlDocSetRootElement(doc.get(), root);
  std::string href(version == StatusVersion::V1 ? kPain002V1Namespace : kPain002V2Namespace);
  xmlNs* ns = xmlNewNs(root, x(href.c_str()), nullptr);
  xmlSetNs(root, ns);

  std::string status = report.status;
  std::string reason = report.reason;
  // pain.002.001.03's TransactionGroupStatus3Code has no CANC; ING's RJCT covers a payment
  // "cancelled either by your application or by the customer".
  if (version == StatusVersion::V1 && status == "CANC") {
    status = "RJCT";
    if (reason.empty()) reason = "DS02";
  }

  xmlNode* report_node = add(root, ns, "CstmrPmtStsRpt");
  xmlNode* header = add(report_node, ns, "GrpHdr");
  add(header, ns, "MsgId", report.message_id);
  add(header, ns, "CreDtTm", format_rfc3339(report.created));

  xmlNode* group = add(report_node, ns, "OrgnlGrpInfAndSts");
  add(group, ns, "OrgnlMsgId",
      original.message_id.empty() ? std::string_view("NOTPROVIDED") : original.message_id);
  add(group, ns, "OrgnlMsgNmId", "pain.001.001.03");
  if (!original.creation_time.empty()) add(group, ns, "OrgnlCreDtTm", original.creation_time);
  if (!original.number_of_transactions.empty()) {
    add(group, ns, "OrgnlNbOfTxs", original.number_of_transactions);
  }
  if (!original.control_sum.empty()) add(group, ns, "OrgnlCtrlSum", original.control_sum);

  xmlNode* payment = add(report_node, ns, "OrgnlPmtInfAndSts");
  add(payment, ns, "OrgnlPmtInfId",
      original.payment_information_id.empty() ? std::string_view("NOTPROVIDED")
                                              : original.payment_information_id);
  add(payment, ns, "PmtInfSts", status);
  xmlNode* reason_info = add(payment, ns, "StsRsnInf");
  if (!reason.empty()) {
    xmlNode* rsn = add(reason_info, ns, "Rsn");
    add(rsn, ns, "Cd", reason);
  }
  add(reason_info, ns, "AddtlInf", "fundsAvailable: " + report.funds_available);
  if (report.funds_checked_at) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                       report.funds_checked_at->time_since_epoch())
                       .count();
    add(reason_info, ns, "AddtlInf", fmt::format("fundsAvailableTimestamp: {}", seconds));
  }

  xmlChar* memory = nullptr;
  int size = 0;
  xmlDocDumpFormatMemoryEnc(doc.get(), &memory, &size, "UTF-8", 1);
  if (memory == nullptr)
    throw Error(500, codes::kPain001Writer, "libxml2 failed to write pain.002");
  std::string out(reinterpret_cast<const char*>(memory), static_cast<std::size_t>(size));
  xmlFree(memory);
  return out;
}

}  // namespace sandbank::api::pain001
