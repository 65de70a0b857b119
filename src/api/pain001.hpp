#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

// ISO 20022 XML of the Payment Initiation API (docs/api.md "pain.001"): reading a
// pain.001.001.03 Customer Credit Transfer Initiation that carries one payment, and writing
// the pain.002 Customer Payment Status Report of its status.
//
// Documents are parsed by libxml2 with everything that reaches outside the document off: a
// DOCTYPE is refused as soon as the parser meets it (so no entity is ever declared, expanded
// or fetched, and no DTD is loaded), the network is off, and a document over
// Limits::max_bytes, deeper than max_depth or with more than max_elements elements is refused
// while it is read. Every refusal is a InvalidField (400) whose field is the XML path of
// the element or attribute at fault ("Document/CstmrCdtTrfInitn/GrpHdr/MsgId",
// ".../Amt/InstdAmt/@Ccy"), or "" for one about the whole document.
namespace sandbank::api::pain001 {

inline constexpr std::string_view kPain001Namespace =
    "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";
inline constexpr std::string_view kPain002V1Namespace =
    "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03";
inline constexpr std::string_view kPain002V2Namespace =
    "urn:iso:std:iso:20022:tech:xsd:pain.002.001.11";

struct Limits {
  std::size_t max_bytes = 256 * 1024;  // a single payment is a few KB
  int max_depth = 32;                  // pain.001.001.03 nests 10 deep at most
  std::size_t max_elements = 2000;
};

// What the payment engine needs of a document; texts as written (trimmed of XML white space).
struct CreditTransfer {
  // GrpHdr
  std::string message_id;     // MsgId
  std::string creation_time;  // CreDtTm
  std::string control_sum;    // CtrlSum, "" when absent
  // PmtInf
  std::string payment_information_id;    // PmtInfId
  std::string requested_execution_date;  // ReqdExctnDt
  std::string debtor_name;               // Dbtr/Nm
  std::string debtor_iban;               // DbtrAcct/Id/IBAN
  std::string debtor_bic;                // DbtrAgt/FinInstnId/BIC, "" when absent
  std::string instruction_priority;      // PmtTpInf/InstrPrty (HIGH NORM), "" when absent
  std::string charge_bearer;             // ChrgBr (DEBT CRED SHAR SLEV), "" when absent
  bool instant = false;                  // PmtTpInf/LclInstrm/Cd = INST
  // CdtTrfTxInf
  std::string instruction_id;  // PmtId/InstrId, "" when absent
  std::string end_to_end_id;   // PmtId/EndToEndId
  std::int64_t amount_minor = 0;
  std::string currency;       // Amt/InstdAmt/@Ccy
  std::string creditor_name;  // Cdtr/Nm
  std::string creditor_iban;  // CdtrAcct/Id/IBAN
  std::string creditor_bic;   // CdtrAgt/FinInstnId/BIC, "" when absent
  std::string remittance;     // RmtInf/Ustrd, "" when absent
};

struct ReadContext {
  // "YYYY-MM-DD": ReqdExctnDt before it is refused (payment.date_in_past); "" checks no day.
  std::string today;
  // Whether the document starts a standing order (the periodic multipart form): its schedule
  // comes from the form, so ReqdExctnDt is checked for its form only.
  bool periodic = false;
  // IBANs the sandbank holds are accepted as they are (even with wrong check digits), like
  // the JSON API accepts them; null: none.
  std::function<bool(const std::string&)> held_iban;
  Limits limits;
};

// Parses and validates a pain.001.001.03 document of exactly one PmtInf with one
// CdtTrfTxInf (docs/api.md lists the checks). Throws InvalidField.
CreditTransfer read_credit_transfer(std::string_view xml, const ReadContext& context);

// The PaymentInstruction (ING's JSON) of a credit transfer, for the payment engine, which
// applies the rules every format shares (the product's currency, instant payments). For a
// periodic payment the form's fields are added by the caller.
std::string payment_instruction_json(const CreditTransfer& transfer, std::string_view today,
                                     bool periodic);

// The XML path of a PaymentInstruction field, for the errors the payment engine finds in the
// instruction read from a document ("instructedAmount.currency" →
// "Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/Amt/InstdAmt/@Ccy"); other names (the
// periodic form's startDate, ...) as they are.
std::string xml_path_of(std::string_view json_field);

// The identifiers of a stored document a status report refers to, read leniently (a document
// that was accepted once; missing values are "").
struct OriginalIds {
  std::string message_id;
  std::string creation_time;
  std::string number_of_transactions;
  std::string control_sum;
  std::string payment_information_id;
  std::string instruction_id;
  std::string end_to_end_id;
};
OriginalIds read_original_ids(std::string_view xml, const Limits& limits = {});

enum class StatusVersion {
  V1,  // pain.002.001.03: GET /v1/payments/pain.001-{product}/{id}/status
  V2,  // pain.002.001.11: GET /v2/... (also CANC and PATC)
};

struct StatusReport {
  std::string message_id;  // GrpHdr/MsgId of the report (Max35Text)
  TimePoint created;       // GrpHdr/CreDtTm
  std::string status;      // ING transactionStatus (RCVD ACCP ACSC RJCT CANC ...)
  std::string reason;      // ISO reason code of a rejection (AM04 ...), "" when none
  std::string funds_available = "unknown";  // "true" | "false" | "unknown"
  std::optional<TimePoint> funds_checked_at;
};

// The pain.002 document (UTF-8, with its XML declaration), written with libxml2's tree API:
//   Document/CstmrPmtStsRpt/GrpHdr {MsgId, CreDtTm}
//   .../OrgnlGrpInfAndSts {OrgnlMsgId, OrgnlMsgNmId, OrgnlCreDtTm, OrgnlNbOfTxs, OrgnlCtrlSum}
//   .../OrgnlPmtInfAndSts {OrgnlPmtInfId, PmtInfSts, StsRsnInf {Rsn/Cd, AddtlInf
//       "fundsAvailable: ...", AddtlInf "fundsAvailableTimestamp: <epoch s>"}}
// pain.002.001.03 has no CANC: V1 reports a cancelled payment as RJCT with reason DS02 (order
// cancelled), as ING's TransactionStatus describes RJCT.
std::string write_status_report(const OriginalIds& original, const StatusReport& report,
                                StatusVersion version);

}  // namespace sandbank::api::pain001
