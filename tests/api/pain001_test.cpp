// pain.001 reading (valid documents, every required field, malformed and hostile documents)
// and pain.002 writing (src/api/pain001).
#include "api/pain001.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "bank/payments.hpp"
#include "bank/profiles.hpp"
#include "bank/seed.hpp"
#include "core/random.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"

namespace sandbank::api::pain001 {
namespace {

namespace json = boost::json;

constexpr const char* kToday = "2026-03-16";

// A valid pain.001.001.03 single SEPA credit transfer in the XSD's element order: from
// A. van Dijk's NL account (in the sandbank) to an AT account.
const std::string kValid = R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">
  <CstmrCdtTrfInitn>
    <GrpHdr>
      <MsgId>MSG-2026-0316-001</MsgId>
      <CreDtTm>2026-03-16T09:30:00</CreDtTm>
      <NbOfTxs>1</NbOfTxs>
      <CtrlSum>123.45</CtrlSum>
      <InitgPty><Nm>A. van Dijk</Nm></InitgPty>
    </GrpHdr>
    <PmtInf>
      <PmtInfId>PMT-001</PmtInfId>
      <PmtMtd>TRF</PmtMtd>
      <BtchBookg>false</BtchBookg>
      <NbOfTxs>1</NbOfTxs>
      <CtrlSum>123.45</CtrlSum>
      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>
      <ReqdExctnDt>2026-03-17</ReqdExctnDt>
      <Dbtr><Nm>A. van Dijk</Nm></Dbtr>
      <DbtrAcct><Id><IBAN>NL69INGB0123456789</IBAN></Id><Ccy>EUR</Ccy></DbtrAcct>
      <DbtrAgt><FinInstnId><BIC>INGBNL2A</BIC></FinInstnId></DbtrAgt>
      <ChrgBr>SLEV</ChrgBr>
      <CdtTrfTxInf>
        <PmtId><InstrId>INSTR-1</InstrId><EndToEndId>E2E-0001</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="EUR">123.45</InstdAmt></Amt>
        <CdtrAgt><FinInstnId><BIC>INGBATWW</BIC></FinInstnId></CdtrAgt>
        <Cdtr><Nm>Laura Musterfrau</Nm></Cdtr>
        <CdtrAcct><Id><IBAN>AT611904300234573201</IBAN></Id></CdtrAcct>
        <RmtInf><Ustrd>Invoice 42</Ustrd></RmtInf>
      </CdtTrfTxInf>
    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>
)";

std::string replaced(std::string doc, const std::string& what, const std::string& with) {
  auto at = doc.find(what);
  EXPECT_NE(at, std::string::npos) << what;
  if (at != std::string::npos) doc.replace(at, what.size(), with);
  return doc;
}
std::string without(const std::string& doc, const std::string& what) {
  return replaced(doc, what, "");
}

ReadContext context() {
  ReadContext c;
  c.today = kToday;
  return c;
}

CreditTransfer read(const std::string& doc, const ReadContext& c = context()) {
  return read_credit_transfer(doc, c);
}

struct Refusal {
  std::string code;
  std::string path;
  std::string message;
};
Refusal refusal(const std::string& doc, const ReadContext& c = context()) {
  try {
    read_credit_transfer(doc, c);
  } catch (const InvalidField& e) {
    EXPECT_EQ(e.status(), 400);
    return {e.code(), e.field(), e.message()};
  }
  return {"accepted", "", ""};
}

constexpr const char* kTx = "Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf";
constexpr const char* kPmt = "Document/CstmrCdtTrfInitn/PmtInf";
constexpr const char* kHdr = "Document/CstmrCdtTrfInitn/GrpHdr";

TEST(Pain001Read, AValidDocumentGivesEveryField) {
  auto t = read(kValid);
  EXPECT_EQ(t.message_id, "MSG-2026-0316-001");
  EXPECT_EQ(t.creation_time, "2026-03-16T09:30:00");
  EXPECT_EQ(t.control_sum, "123.45");
  EXPECT_EQ(t.payment_information_id, "PMT-001");
  EXPECT_EQ(t.requested_execution_date, "2026-03-17");
  EXPECT_EQ(t.debtor_name, "A. van Dijk");
  EXPECT_EQ(t.debtor_iban, "NL69INGB0123456789");
  EXPECT_EQ(t.debtor_bic, "INGBNL2A");
  EXPECT_EQ(t.charge_bearer, "SLEV");
  EXPECT_FALSE(t.instant);
  EXPECT_EQ(t.instruction_id, "INSTR-1");
  EXPECT_EQ(t.end_to_end_id, "E2E-0001");
  EXPECT_EQ(t.amount_minor, 12345);
  EXPECT_EQ(t.currency, "EUR");
  EXPECT_EQ(t.creditor_name, "Laura Musterfrau");
  EXPECT_EQ(t.creditor_iban, "AT611904300234573201");
  EXPECT_EQ(t.creditor_bic, "INGBATWW");
  EXPECT_EQ(t.remittance, "Invoice 42");
}

TEST(Pain001Read, OptionalPartsMayBeLeftOut) {
  auto doc = without(kValid, "<CtrlSum>123.45</CtrlSum>");
  doc = without(doc, "<CtrlSum>123.45</CtrlSum>");
  doc = without(doc, "<DbtrAgt><FinInstnId><BIC>INGBNL2A</BIC></FinInstnId></DbtrAgt>");
  doc = without(doc, "<CdtrAgt><FinInstnId><BIC>INGBATWW</BIC></FinInstnId></CdtrAgt>");
  doc = without(doc, "<RmtInf><Ustrd>Invoice 42</Ustrd></RmtInf>");
  doc = without(doc, "<InstrId>INSTR-1</InstrId>");
  doc = without(doc, "<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>");
  auto t = read(doc);
  EXPECT_EQ(t.control_sum, "");
  EXPECT_EQ(t.debtor_bic, "");
  EXPECT_EQ(t.creditor_bic, "");
  EXPECT_EQ(t.remittance, "");
  EXPECT_EQ(t.instruction_id, "");
}

TEST(Pain001Read, ValuesAndFormsIsoAllows) {
  // A prefixed namespace, CDATA, character references, white space around values, a zone,
  // one decimal, the agent as NOTPROVIDED, a structured remittance, INST at the transaction.
  std::string doc = R"(<?xml version="1.0"?>
<p:Document xmlns:p="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><p:CstmrCdtTrfInitn>
<p:GrpHdr><p:MsgId> M&#49; </p:MsgId><p:CreDtTm>2026-03-16T09:30:00.123+01:00</p:CreDtTm>
<p:NbOfTxs>1</p:NbOfTxs><p:CtrlSum>0.10</p:CtrlSum></p:GrpHdr>
<p:PmtInf><p:PmtInfId>P1</p:PmtInfId><p:PmtMtd>TRF</p:PmtMtd>
<p:ReqdExctnDt>2026-03-16</p:ReqdExctnDt><p:Dbtr><p:Nm><![CDATA[A. van Dijk]]></p:Nm></p:Dbtr>
<p:DbtrAcct><p:Id><p:IBAN>NL69INGB0123456789</p:IBAN></p:Id></p:DbtrAcct>
<p:DbtrAgt><p:FinInstnId><p:Othr><p:Id>NOTPROVIDED</p:Id></p:Othr></p:FinInstnId></p:DbtrAgt>
<p:CdtTrfTxInf><p:PmtId><p:EndToEndId>NOTPROVIDED</p:EndToEndId></p:PmtId>
<p:PmtTpInf><p:LclInstrm><p:Cd>INST</p:Cd></p:LclInstrm></p:PmtTpInf>
<p:Amt><p:InstdAmt Ccy="EUR">0.1</p:InstdAmt></p:Amt>
<p:Cdtr><p:Nm>Amsterdams Universiteitsfonds (Amsterdam University Fund)</p:Nm></p:Cdtr>
<p:CdtrAcct><p:Id><p:IBAN>AT611904300234573201</p:IBAN></p:Id></p:CdtrAcct>
<p:RmtInf><p:Strd><p:RfrdDocInf><p:Nb>4562</p:Nb></p:RfrdDocInf></p:Strd></p:RmtInf>
</p:CdtTrfTxInf></p:PmtInf></p:CstmrCdtTrfInitn></p:Document>)";
  auto t = read(doc);
  EXPECT_EQ(t.message_id, "M1");
  EXPECT_EQ(t.debtor_name, "A. van Dijk");
  EXPECT_EQ(t.debtor_bic, "");
  EXPECT_EQ(t.amount_minor, 10);
  EXPECT_TRUE(t.instant);
  EXPECT_EQ(t.remittance, "");
}

TEST(Pain001Read, HeldIbansPassWithWrongCheckDigitsLikeInJson) {
  // Laura Musterfrau's IBAN, copied from ING's documentation.
  auto doc = replaced(kValid, "AT611904300234573201", "AT861921125678901234");
  EXPECT_EQ(refusal(doc).code, "payment.iban_checksum");
  auto c = context();
  c.held_iban = [](const std::string& iban) { return iban == "AT861921125678901234"; };
  EXPECT_EQ(read(doc, c).creditor_iban, "AT861921125678901234");
}

// Each required element left out: the error names it.
TEST(Pain001Read, EveryRequiredFieldMissingIsNamed) {
  struct Case {
    std::string remove;
    std::string path;
    std::string with = "";
  };
  const std::string tx = kTx;
  const std::string pmt = kPmt;
  const std::string hdr = kHdr;
  std::vector<Case> cases = {
      {"<MsgId>MSG-2026-0316-001</MsgId>", hdr + "/MsgId"},
      {"<CreDtTm>2026-03-16T09:30:00</CreDtTm>", hdr + "/CreDtTm"},
      {"<NbOfTxs>1</NbOfTxs>", hdr + "/NbOfTxs"},  // the first: the group's
      {"<PmtInfId>PMT-001</PmtInfId>", pmt + "/PmtInfId"},
      {"<PmtMtd>TRF</PmtMtd>", pmt + "/PmtMtd"},
      {"<ReqdExctnDt>2026-03-17</ReqdExctnDt>", pmt + "/ReqdExctnDt"},
      {"<Dbtr><Nm>A. van Dijk</Nm></Dbtr>", pmt + "/Dbtr"},
      {"<Nm>A. van Dijk</Nm></Dbtr>", pmt + "/Dbtr/Nm", "</Dbtr>"},
      {"<DbtrAcct><Id><IBAN>NL69INGB0123456789</IBAN></Id><Ccy>EUR</Ccy></DbtrAcct>",
       pmt + "/DbtrAcct"},
      {"<IBAN>NL69INGB0123456789</IBAN>", pmt + "/DbtrAcct/Id/IBAN"},
      {"<PmtId><InstrId>INSTR-1</InstrId><EndToEndId>E2E-0001</EndToEndId></PmtId>", tx + "/PmtId"},
      {"<EndToEndId>E2E-0001</EndToEndId>", tx + "/PmtId/EndToEndId"},
      {"<Amt><InstdAmt Ccy=\"EUR\">123.45</InstdAmt></Amt>", tx + "/Amt"},
      {"<InstdAmt Ccy=\"EUR\">123.45</InstdAmt>", tx + "/Amt/InstdAmt"},
      {" Ccy=\"EUR\"", tx + "/Amt/InstdAmt/@Ccy"},
      {"<Cdtr><Nm>Laura Musterfrau</Nm></Cdtr>", tx + "/Cdtr"},
      {"<Nm>Laura Musterfrau</Nm>", tx + "/Cdtr/Nm"},
      {"<CdtrAcct><Id><IBAN>AT611904300234573201</IBAN></Id></CdtrAcct>", tx + "/CdtrAcct"},
      {"<Id><IBAN>AT611904300234573201</IBAN></Id>", tx + "/CdtrAcct/Id"},
      {"<Ustrd>Invoice 42</Ustrd>", tx + "/RmtInf"},  // RmtInf needs Ustrd or Strd
      {"<FinInstnId><BIC>INGBATWW</BIC></FinInstnId>", tx + "/CdtrAgt/FinInstnId"},
  };
  for (const auto& c : cases) {
    auto r = refusal(replaced(kValid, c.remove, c.with));
    EXPECT_EQ(r.code, "payment.field_missing") << c.remove << ": " << r.message;
    EXPECT_EQ(r.path, c.path) << c.remove;
    EXPECT_NE(r.message.find(c.path), std::string::npos) << r.message;
  }
  // The structure: no CstmrCdtTrfInitn, GrpHdr, PmtInf, CdtTrfTxInf.
  auto r = refusal(R"(<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>)");
  EXPECT_EQ(r.path, "Document/CstmrCdtTrfInitn");
  auto begin = kValid.find("<GrpHdr>");
  auto end = kValid.find("</GrpHdr>") + 9;
  EXPECT_EQ(refusal(kValid.substr(0, begin) + kValid.substr(end)).path, hdr);
  begin = kValid.find("<PmtInf>");
  end = kValid.find("</PmtInf>") + 9;
  EXPECT_EQ(refusal(kValid.substr(0, begin) + kValid.substr(end)).path, pmt);
  begin = kValid.find("<CdtTrfTxInf>");
  end = kValid.find("</CdtTrfTxInf>") + 14;
  EXPECT_EQ(refusal(kValid.substr(0, begin) + kValid.substr(end)).path, tx);
}

TEST(Pain001Read, EmptyValuesAreMissing) {
  auto r = refusal(replaced(kValid, "<MsgId>MSG-2026-0316-001</MsgId>", "<MsgId>  </MsgId>"));
  EXPECT_EQ(r.code, "payment.field_missing");
  EXPECT_EQ(r.path, std::string(kHdr) + "/MsgId");
}

TEST(Pain001Read, InvalidValuesAreNamedPrecisely) {
  struct Case {
    std::string what, with, code, path;
  };
  const std::string tx = kTx;
  const std::string pmt = kPmt;
  const std::string hdr = kHdr;
  std::vector<Case> cases = {
      {"Ccy=\"EUR\"", "Ccy=\"eur\"", "payment.currency_invalid", tx + "/Amt/InstdAmt/@Ccy"},
      {"Ccy=\"EUR\"", "Ccy=\"EURO\"", "payment.currency_invalid", tx + "/Amt/InstdAmt/@Ccy"},
      {">123.45</InstdAmt>", ">123.456</InstdAmt>", "payment.amount_invalid", tx + "/Amt/InstdAmt"},
      {">123.45</InstdAmt>", ">-1.00</InstdAmt>", "payment.amount_invalid", tx + "/Amt/InstdAmt"},
      {">123.45</InstdAmt>", ">1e3</InstdAmt>", "payment.amount_invalid", tx + "/Amt/InstdAmt"},
      {">123.45</InstdAmt>", ">0.00</InstdAmt>", "payment.amount_invalid", tx + "/Amt/InstdAmt"},
      {"<IBAN>AT611904300234573201</IBAN>", "<IBAN>AT861921125678901235</IBAN>",
       "payment.iban_checksum", tx + "/CdtrAcct/Id/IBAN"},
      {"<IBAN>NL69INGB0123456789</IBAN>", "<IBAN>XX69INGB0123456789</IBAN>", "payment.iban_invalid",
       pmt + "/DbtrAcct/Id/IBAN"},
      {"<IBAN>AT611904300234573201</IBAN>", "<Othr><Id>12345</Id></Othr>", "payment.iban_invalid",
       tx + "/CdtrAcct/Id/Othr"},
      {"<BIC>INGBATWW</BIC>", "<BIC>INGB</BIC>", "payment.bic_invalid",
       tx + "/CdtrAgt/FinInstnId/BIC"},
      {"<BIC>INGBNL2A</BIC>", "<BIC>ingbnl2a</BIC>", "payment.bic_invalid",
       pmt + "/DbtrAgt/FinInstnId/BIC"},
      {"<PmtMtd>TRF</PmtMtd>", "<PmtMtd>CHK</PmtMtd>", "payment.field_invalid", pmt + "/PmtMtd"},
      {"<ReqdExctnDt>2026-03-17</ReqdExctnDt>", "<ReqdExctnDt>2026-02-30</ReqdExctnDt>",
       "payment.date_invalid", pmt + "/ReqdExctnDt"},
      {"<ReqdExctnDt>2026-03-17</ReqdExctnDt>", "<ReqdExctnDt>2026-03-15</ReqdExctnDt>",
       "payment.date_in_past", pmt + "/ReqdExctnDt"},
      {"<CreDtTm>2026-03-16T09:30:00</CreDtTm>", "<CreDtTm>16-03-2026</CreDtTm>",
       "payment.date_invalid", hdr + "/CreDtTm"},
      {"<NbOfTxs>1</NbOfTxs>", "<NbOfTxs>one</NbOfTxs>", "payment.field_invalid", hdr + "/NbOfTxs"},
      {"<NbOfTxs>1</NbOfTxs>", "<NbOfTxs>2</NbOfTxs>", "pain001.count_mismatch", hdr + "/NbOfTxs"},
      {"<CtrlSum>123.45</CtrlSum>", "<CtrlSum>123.4</CtrlSum>", "pain001.control_sum_mismatch",
       hdr + "/CtrlSum"},
      {"<CtrlSum>123.45</CtrlSum>", "<CtrlSum>123.450</CtrlSum>", "accepted", ""},
      {"<CtrlSum>123.45</CtrlSum>", "<CtrlSum>123.451</CtrlSum>", "pain001.control_sum_mismatch",
       hdr + "/CtrlSum"},
      {"<CtrlSum>123.45</CtrlSum>", "<CtrlSum>lots</CtrlSum>", "payment.amount_invalid",
       hdr + "/CtrlSum"},
      {"<Nm>Laura Musterfrau</Nm>", "<Nm>Laura &amp; Co</Nm>", "payment.field_charset",
       tx + "/Cdtr/Nm"},
      {"<Nm>Laura Musterfrau</Nm>", "<Nm>" + std::string(71, 'L') + "</Nm>",
       "payment.field_too_long", tx + "/Cdtr/Nm"},
      {"<Ustrd>Invoice 42</Ustrd>", "<Ustrd>" + std::string(141, 'x') + "</Ustrd>",
       "payment.field_too_long", tx + "/RmtInf/Ustrd"},
      {"<Ustrd>Invoice 42</Ustrd>", "<Ustrd>a</Ustrd><Ustrd>b</Ustrd>", "pain001.element_repeated",
       tx + "/RmtInf/Ustrd"},
      {"<EndToEndId>E2E-0001</EndToEndId>", "<EndToEndId>" + std::string(36, 'E') + "</EndToEndId>",
       "payment.field_too_long", tx + "/PmtId/EndToEndId"},
      {"<EndToEndId>E2E-0001</EndToEndId>", "<EndToEndId>E2E_0001</EndToEndId>",
       "payment.field_charset", tx + "/PmtId/EndToEndId"},
      {"<ChrgBr>SLEV</ChrgBr>", "<ChrgBr>ALL</ChrgBr>", "payment.field_invalid", pmt + "/ChrgBr"},
      {"<BtchBookg>false</BtchBookg>", "<BtchBookg>no</BtchBookg>", "payment.field_invalid",
       pmt + "/BtchBookg"},
      {"<SvcLvl><Cd>SEPA</Cd></SvcLvl>", "<LclInstrm><Cd>CORE</Cd></LclInstrm>",
       "payment.field_invalid", pmt + "/PmtTpInf/LclInstrm/Cd"},
      {"<Ccy>EUR</Ccy>", "<Ccy>E</Ccy>", "payment.currency_invalid", pmt + "/DbtrAcct/Ccy"},
      {"<Cdtr><Nm>Laura Musterfrau</Nm></Cdtr>", "<Cdtr><Nm>L</Nm></Cdtr><Cdtr><Nm>M</Nm></Cdtr>",
       "pain001.element_repeated", tx + "/Cdtr"},
      {"<MsgId>MSG-2026-0316-001</MsgId>", "<MsgId><b>x</b></MsgId>", "payment.field_invalid",
       hdr + "/MsgId"},
      {"<Amt><InstdAmt Ccy=\"EUR\">123.45</InstdAmt></Amt>",
       "<Amt><EqvtAmt><Amt Ccy=\"EUR\">123.45</Amt><CcyOfTrf>EUR</CcyOfTrf></EqvtAmt></Amt>",
       "payment.field_invalid", tx + "/Amt/EqvtAmt"},
      {"<RmtInf><Ustrd>Invoice 42</Ustrd></RmtInf>", "<RmtInf></RmtInf>", "payment.field_missing",
       tx + "/RmtInf"},
  };
  for (const auto& c : cases) {
    auto r = refusal(replaced(kValid, c.what, c.with));
    EXPECT_EQ(r.code, c.code) << c.with << ": " << r.message;
    EXPECT_EQ(r.path, c.path) << c.with << ": " << r.message;
  }
}

TEST(Pain001Read, ASinglePaymentHasOnePmtInfWithOneTransaction) {
  auto tx_begin = kValid.find("<CdtTrfTxInf>");
  auto tx_end = kValid.find("</CdtTrfTxInf>") + 14;
  auto tx = kValid.substr(tx_begin, tx_end - tx_begin);
  auto two_tx = kValid.substr(0, tx_end) + tx + kValid.substr(tx_end);
  auto r = refusal(two_tx);
  EXPECT_EQ(r.code, "pain001.not_single");
  EXPECT_EQ(r.path, std::string(kTx));
  EXPECT_NE(r.message.find("2 CdtTrfTxInf"), std::string::npos) << r.message;

  auto info_begin = kValid.find("<PmtInf>");
  auto info_end = kValid.find("</PmtInf>") + 9;
  auto two_info = kValid.substr(0, info_end) + kValid.substr(info_begin, info_end - info_begin) +
                  kValid.substr(info_end);
  r = refusal(two_info);
  EXPECT_EQ(r.code, "pain001.not_single");
  EXPECT_EQ(r.path, std::string(kPmt));
}

TEST(Pain001Read, InstantPaymentsExecuteToday) {
  auto doc = replaced(kValid, "<SvcLvl><Cd>SEPA</Cd></SvcLvl>",
                      "<SvcLvl><Cd>SEPA</Cd></SvcLvl><LclInstrm><Cd>INST</Cd></LclInstrm>");
  auto r = refusal(doc);
  EXPECT_EQ(r.code, "payment.instant_not_allowed");
  EXPECT_EQ(r.path, std::string(kPmt) + "/ReqdExctnDt");
  auto today = replaced(doc, "2026-03-17", kToday);
  EXPECT_TRUE(read(today).instant);
  // The JSON form leaves the day out, as the JSON API wants it for an instant payment.
  auto instruction = json::parse(payment_instruction_json(read(today), kToday, false));
  EXPECT_FALSE(instruction.as_object().contains("requestedExecutionDate"));
  EXPECT_EQ(instruction.at("localInstrumentCode").as_string(), "INST");
}

TEST(Pain001Read, PeriodicDocumentsKeepTheirScheduleInTheForm) {
  auto c = context();
  c.periodic = true;
  auto doc = replaced(kValid, "2026-03-17", "2019-09-09");  // the spec's example day
  EXPECT_EQ(read(doc, c).requested_execution_date, "2019-09-09");
  EXPECT_EQ(refusal(doc).code, "payment.date_in_past");
  auto instruction = json::parse(payment_instruction_json(read(doc, c), kToday, true));
  EXPECT_FALSE(instruction.as_object().contains("requestedExecutionDate"));
}

TEST(Pain001Read, ThePaymentInstructionCarriesEveryField) {
  auto o = json::parse(payment_instruction_json(read(kValid), kToday, false)).as_object();
  EXPECT_EQ(o.at("instructedAmount").at("amount").as_string(), "123.45");
  EXPECT_EQ(o.at("instructedAmount").at("currency").as_string(), "EUR");
  EXPECT_EQ(o.at("debtorAccount").at("iban").as_string(), "NL69INGB0123456789");
  EXPECT_EQ(o.at("creditorAccount").at("iban").as_string(), "AT611904300234573201");
  EXPECT_EQ(o.at("creditorName").as_string(), "Laura Musterfrau");
  EXPECT_EQ(o.at("creditorAgent").as_string(), "INGBATWW");
  EXPECT_EQ(o.at("remittanceInformationUnstructured").as_string(), "Invoice 42");
  EXPECT_EQ(o.at("endToEndIdentification").as_string(), "E2E-0001");
  EXPECT_EQ(o.at("requestedExecutionDate").as_string(), "2026-03-17");
  EXPECT_EQ(o.at("chargeBearer").as_string(), "SLEV");
  EXPECT_EQ(xml_path_of("instructedAmount.currency"),
            "Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/Amt/InstdAmt/@Ccy");
  EXPECT_EQ(xml_path_of("startDate"), "startDate");
}

// A document of each product becomes a payment through the payment engine, as the pain.001
// routes hand it over (the engine's own rules then name XML paths).
TEST(Pain001Payments, EachProductBecomesAPaymentOfTheEngine) {
  auto store = store::open_memory_store();
  ManualClock clock{*parse_rfc3339(std::string(kToday) + "T10:00:00Z")};
  ASSERT_TRUE(bank::seed_bank(*store, bank::builtin_profiles(), bank::kDefaultSeed, clock.now()));
  SystemRandom random;
  bank::PaymentService payments(*store, clock, random);
  auto initiate = [&](const std::string& product, const std::string& doc) {
    auto c = context();
    c.held_iban = [&](const std::string& iban) {
      return store->bank().find_account_by_iban(iban).has_value();
    };
    auto transfer = read_credit_transfer(doc, c);
    bank::InitiationRequest r;
    r.product = product;
    r.client_id = "client";
    r.request_id = random.uuid();
    r.body = payment_instruction_json(transfer, kToday, false);
    r.xml = doc;
    r.body_hash = doc;
    r.redirect_uri = "https://example.com/";
    r.psu_ip_address = "127.0.0.1";
    try {
      return payments.initiate(r).payment;
    } catch (const InvalidField& e) {
      throw InvalidField(e.code(), xml_path_of(e.field()), e.message());
    }
  };
  auto sepa = initiate("sepa-credit-transfers", kValid);
  EXPECT_EQ(sepa.status, "RCVD");
  EXPECT_EQ(sepa.request_xml, kValid);
  EXPECT_EQ(sepa.amount_minor, 12345);
  EXPECT_EQ(sepa.debtor_iban, "NL69INGB0123456789");
  EXPECT_EQ(sepa.creditor_bic, "INGBATWW");
  EXPECT_EQ(sepa.end_to_end_id, "E2E-0001");
  EXPECT_EQ(sepa.requested_execution_date, "2026-03-17");
  EXPECT_EQ(sepa.country, "NL");
  // Found as a pain.001 payment only.
  EXPECT_EQ(payments
                .get_for("client", sepa.id, bank::PaymentKind::Single, "sepa-credit-transfers",
                         bank::PaymentFormat::Pain001)
                .id,
            sepa.id);
  EXPECT_THROW(
      payments.get_for("client", sepa.id, bank::PaymentKind::Single, "sepa-credit-transfers"),
      Error);

  auto domestic = replaced(replaced(kValid, "AT611904300234573201", "NL91ABNA0417164300"),
                           "INGBATWW", "ABNANL2A");
  EXPECT_EQ(initiate("domestic-credit-transfers", domestic).creditor_iban, "NL91ABNA0417164300");

  auto gbp = replaced(replaced(kValid, "AT611904300234573201", "GB29NWBK60161331926819"),
                      "Ccy=\"EUR\"", "Ccy=\"GBP\"");
  EXPECT_EQ(initiate("cross-border-credit-transfers", gbp).currency, "GBP");
  try {
    initiate("sepa-credit-transfers", gbp);
    ADD_FAILURE() << "a SEPA payment in GBP";
  } catch (const InvalidField& e) {
    EXPECT_EQ(e.code(), "payment.currency_invalid");
    EXPECT_EQ(e.field(), std::string(kTx) + "/Amt/InstdAmt/@Ccy");
  }
  // The engine's instant rules: cross-border payments are not instant.
  auto instant = replaced(
      replaced(gbp, "<SvcLvl><Cd>SEPA</Cd></SvcLvl>", "<LclInstrm><Cd>INST</Cd></LclInstrm>"),
      "2026-03-17", kToday);
  try {
    initiate("cross-border-credit-transfers", instant);
    ADD_FAILURE() << "an instant cross-border payment";
  } catch (const InvalidField& e) {
    EXPECT_EQ(e.code(), "payment.instant_not_allowed");
    EXPECT_EQ(e.field(), std::string(kPmt) + "/PmtTpInf/LclInstrm/Cd");
  }
}

// ---- malformed and hostile documents

TEST(Pain001Hostile, MalformedXmlIsAFormatErrorWithItsPlace) {
  for (std::string doc :
       {std::string(""), std::string("{\"instructedAmount\":{}}"),
        kValid.substr(0, kValid.size() / 2), replaced(kValid, "</Cdtr>", "</Cdtor>"),
        std::string("<a><b></a>"), std::string("<?xml version=\"1.0\"?><Document>&</Document>")}) {
    auto r = refusal(doc);
    EXPECT_EQ(r.code, "pain001.malformed") << doc.substr(0, 60) << ": " << r.message;
    EXPECT_EQ(r.path, "");
  }
  auto r = refusal(replaced(kValid, "</Cdtr>", "</Cdtor>"));
  EXPECT_NE(r.message.find("line "), std::string::npos) << r.message;
}

TEST(Pain001Hostile, OtherDocumentsAreNamed) {
  auto r = refusal("<Document><CstmrCdtTrfInitn/></Document>");
  EXPECT_EQ(r.code, "pain001.namespace");
  EXPECT_EQ(r.path, "Document");
  r = refusal(replaced(kValid, "pain.001.001.03", "pain.001.001.09"));
  EXPECT_EQ(r.code, "pain001.namespace");
  EXPECT_NE(r.message.find("pain.001.001.09"), std::string::npos) << r.message;
  r = refusal(R"(<Invoice xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>)");
  EXPECT_EQ(r.code, "pain001.not_pain001");
  // An element of another vocabulary (here XInclude, never processed).
  r = refusal(replaced(kValid, "<Ustrd>Invoice 42</Ustrd>",
                       R"(<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" )"
                       R"(href="file:///etc/passwd" parse="text"/>)"));
  EXPECT_EQ(r.code, "pain001.namespace");
  EXPECT_EQ(r.path, std::string(kTx) + "/RmtInf/include");
}

TEST(Pain001Hostile, BillionLaughsIsRefusedAtItsDoctype) {
  std::string doc = R"(<?xml version="1.0"?>
<!DOCTYPE Document [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
)" + replaced(kValid.substr(kValid.find("<Document")), "Invoice 42", "&lol9;");
  auto started = std::chrono::steady_clock::now();
  auto r = refusal(doc);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
  EXPECT_EQ(r.code, "pain001.doctype") << r.message;
  EXPECT_EQ(r.path, "");
}

TEST(Pain001Hostile, ExternalEntitiesAreNeverRead) {
  auto secret = std::filesystem::temp_directory_path() / "sandbank-pain001-secret.txt";
  { std::ofstream(secret) << "TOP-SECRET-MARKER"; }
  for (const std::string& uri :
       {"file://" + secret.string(), std::string("file:///etc/passwd"), secret.string()}) {
    std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE Document [<!ENTITY xxe SYSTEM \"" + uri +
                      "\">]>\n" +
                      replaced(kValid.substr(kValid.find("<Document")), "Invoice 42", "&xxe;");
    auto r = refusal(doc);
    EXPECT_EQ(r.code, "pain001.doctype") << uri;
    EXPECT_EQ(r.message.find("TOP-SECRET"), std::string::npos);
    EXPECT_EQ(r.message.find("root:"), std::string::npos);
  }
  std::filesystem::remove(secret);
  // Without a DOCTYPE an entity reference is refused by name.
  auto r = refusal(replaced(kValid, "Invoice 42", "&xxe;"));
  EXPECT_EQ(r.code, "pain001.entity");
  EXPECT_NE(r.message.find("&xxe;"), std::string::npos);
}

// A listening socket stands in for a remote host: a fetch would connect to it.
TEST(Pain001Hostile, NothingIsFetchedOverTheNetwork) {
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 8), 0);
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  auto url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/evil";
  auto body = kValid.substr(kValid.find("<Document"));
  for (const std::string& doc : {
           "<!DOCTYPE Document SYSTEM \"" + url + ".dtd\">\n" + body,
           "<!DOCTYPE Document PUBLIC \"-//X//Y\" \"" + url + ".dtd\">\n" + body,
           "<!DOCTYPE Document [<!ENTITY e SYSTEM \"" + url + "\">]>\n" +
               replaced(body, "Invoice 42", "&e;"),
           "<!DOCTYPE Document [<!ENTITY % p SYSTEM \"" + url + "\"> %p;]>\n" + body,
       }) {
    EXPECT_EQ(refusal(doc).code, "pain001.doctype");
  }
  ::fcntl(listener, F_SETFL, O_NONBLOCK);
  EXPECT_LT(::accept(listener, nullptr, nullptr), 0) << "the parser connected to " << url;
  ::close(listener);
}

TEST(Pain001Hostile, TenMegabytesAreRefusedBeforeParsing) {
  std::string doc = kValid;
  doc.insert(doc.find("Invoice 42"), std::string(10 * 1024 * 1024, 'x'));
  auto started = std::chrono::steady_clock::now();
  auto r = refusal(doc);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(200));
  EXPECT_EQ(r.code, "pain001.too_large");
  EXPECT_NE(r.message.find(std::to_string(doc.size())), std::string::npos) << r.message;
  // At the limit the size is no reason.
  auto c = context();
  c.limits.max_bytes = kValid.size();
  EXPECT_EQ(refusal(kValid, c).code, "accepted");
  c.limits.max_bytes = kValid.size() - 1;
  EXPECT_EQ(refusal(kValid, c).code, "pain001.too_large");
}

TEST(Pain001Hostile, DeepNestingIsRefusedWhileReading) {
  // RmtInf is the 5th level: 27 Strd inside it reach the limit of 32, one more is refused.
  auto nested = [](int levels) {
    std::string open, close;
    for (int i = 0; i < levels; ++i) {
      open += "<Strd>";
      close += "</Strd>";
    }
    return replaced(kValid, "<Ustrd>Invoice 42</Ustrd>", open + close);
  };
  EXPECT_EQ(refusal(nested(27)).code, "accepted");
  for (int levels : {28, 100, 10000}) {
    auto r = refusal(nested(levels));
    EXPECT_EQ(r.code, "pain001.too_deep") << levels << ": " << r.message;
    EXPECT_NE(r.message.find("32"), std::string::npos) << r.message;
  }
}

TEST(Pain001Hostile, TooManyElementsAreRefusedWhileReading) {
  std::string many;
  for (int i = 0; i < 3000; ++i) many += "<Strd/>";
  auto r = refusal(replaced(kValid, "<Ustrd>Invoice 42</Ustrd>", many));
  EXPECT_EQ(r.code, "pain001.too_many_elements") << r.message;
}

TEST(Pain001Hostile, ParsingLeavesLibxml2sDefaultsAlone) {
  refusal("<!DOCTYPE Document [<!ENTITY a \"b\">]><Document/>");
  EXPECT_EQ(xmlSubstituteEntitiesDefaultValue, 0);
  EXPECT_EQ(xmlLoadExtDtdDefaultValue, 0);
}

// ---- pain.002

struct Parsed {
  xmlDoc* doc = nullptr;
  ~Parsed() { xmlFreeDoc(doc); }
};

std::string text_at(xmlNode* node, const std::vector<std::string>& path) {
  for (const auto& name : path) {
    xmlNode* found = nullptr;
    for (xmlNode* c = node ? node->children : nullptr; c; c = c->next) {
      if (c->type == XML_ELEMENT_NODE && name == reinterpret_cast<const char*>(c->name)) {
        found = c;
        break;
      }
    }
    if (!found) return "<missing " + name + ">";
    node = found;
  }
  xmlChar* content = xmlNodeGetContent(node);
  std::string out = reinterpret_cast<const char*>(content);
  xmlFree(content);
  return out;
}

OriginalIds ids() {
  return read_original_ids(kValid);
}

TEST(Pain002, ReportsTheStatusOfTheOriginalInEachVersion) {
  EXPECT_EQ(ids().message_id, "MSG-2026-0316-001");
  EXPECT_EQ(ids().payment_information_id, "PMT-001");
  EXPECT_EQ(ids().end_to_end_id, "E2E-0001");
  StatusReport report;
  report.message_id = "0123456789abcdef0123456789abcdef";
  report.created = *parse_rfc3339("2026-03-16T10:00:00Z");
  report.status = "ACCP";
  report.funds_available = "true";
  report.funds_checked_at = *parse_rfc3339("2023-02-10T15:39:57Z");
  for (auto [version, ns] : {std::pair{StatusVersion::V1, kPain002V1Namespace},
                             std::pair{StatusVersion::V2, kPain002V2Namespace}}) {
    auto xml = write_status_report(ids(), report, version);
    EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")) << xml;
    Parsed p{
        xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr, XML_PARSE_NONET)};
    ASSERT_NE(p.doc, nullptr) << xml;
    xmlNode* root = xmlDocGetRootElement(p.doc);
    EXPECT_STREQ(reinterpret_cast<const char*>(root->name), "Document");
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(root->ns->href)), ns);
    auto at = [&](std::vector<std::string> rest) {
      rest.insert(rest.begin(), "CstmrPmtStsRpt");
      return text_at(root, rest);
    };
    EXPECT_EQ(at({"GrpHdr", "MsgId"}), report.message_id);
    EXPECT_EQ(at({"GrpHdr", "CreDtTm"}), "2026-03-16T10:00:00Z");
    EXPECT_EQ(at({"OrgnlGrpInfAndSts", "OrgnlMsgId"}), "MSG-2026-0316-001");
    EXPECT_EQ(at({"OrgnlGrpInfAndSts", "OrgnlMsgNmId"}), "pain.001.001.03");
    EXPECT_EQ(at({"OrgnlGrpInfAndSts", "OrgnlCreDtTm"}), "2026-03-16T09:30:00");
    EXPECT_EQ(at({"OrgnlGrpInfAndSts", "OrgnlNbOfTxs"}), "1");
    EXPECT_EQ(at({"OrgnlGrpInfAndSts", "OrgnlCtrlSum"}), "123.45");
    EXPECT_EQ(at({"OrgnlPmtInfAndSts", "OrgnlPmtInfId"}), "PMT-001");
    EXPECT_EQ(at({"OrgnlPmtInfAndSts", "PmtInfSts"}), "ACCP");
    // The spec's example: two AddtlInf lines under StsRsnInf.
    EXPECT_NE(xml.find("<AddtlInf>fundsAvailable: true</AddtlInf>"), std::string::npos) << xml;
    EXPECT_NE(xml.find("<AddtlInf>fundsAvailableTimestamp: 1676043597</AddtlInf>"),
              std::string::npos)
        << xml;
    EXPECT_EQ(xml.find("<Rsn>"), std::string::npos);
  }
}

TEST(Pain002, RejectionsCarryTheirReasonAndCancellationFitsEachVersion) {
  StatusReport report;
  report.message_id = "m";
  report.status = "RJCT";
  report.reason = "AM04";
  report.funds_available = "false";
  auto xml = write_status_report(ids(), report, StatusVersion::V1);
  EXPECT_NE(xml.find("<PmtInfSts>RJCT</PmtInfSts>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Rsn>\n          <Cd>AM04</Cd>"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("fundsAvailableTimestamp"), std::string::npos) << xml;

  report.status = "CANC";
  report.reason = "";
  report.funds_available = "unknown";
  auto v1 = write_status_report(ids(), report, StatusVersion::V1);
  EXPECT_NE(v1.find("<PmtInfSts>RJCT</PmtInfSts>"), std::string::npos) << v1;
  EXPECT_NE(v1.find("<Cd>DS02</Cd>"), std::string::npos) << v1;
  auto v2 = write_status_report(ids(), report, StatusVersion::V2);
  EXPECT_NE(v2.find("<PmtInfSts>CANC</PmtInfSts>"), std::string::npos) << v2;
  EXPECT_EQ(v2.find("DS02"), std::string::npos) << v2;
}

TEST(Pain002, TextIsEscapedByTheWriter) {
  OriginalIds original;
  original.message_id = "a<b>&\"c\"";
  StatusReport report;
  report.message_id = "m";
  report.status = "RCVD";
  auto xml = write_status_report(original, report, StatusVersion::V2);
  EXPECT_NE(xml.find("<OrgnlMsgId>a&lt;b&gt;&amp;\"c\"</OrgnlMsgId>"), std::string::npos) << xml;
  // A document without identifiers still gives a report of the schema's required elements.
  auto empty = write_status_report(OriginalIds{}, report, StatusVersion::V1);
  EXPECT_NE(empty.find("<OrgnlMsgId>NOTPROVIDED</OrgnlMsgId>"), std::string::npos) << empty;
  EXPECT_NE(empty.find("<OrgnlPmtInfId>NOTPROVIDED</OrgnlPmtInfId>"), std::string::npos);
}

}  // namespace
}  // namespace sandbank::api::pain001
