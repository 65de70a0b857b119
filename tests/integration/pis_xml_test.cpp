// pain.001 on the real binary, signed with curl + openssl as the guide's scripts sign
// (tests/integration/pain001_call.sh): a document is initiated, read back byte for byte,
// approved on the payment page, reported in pain.002 (v1 and v2) and booked in AIS; hostile
// and invalid documents get ING's TPPMessages 400; the x-jws-signature form; a standing order
// through multipart/form-data.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>

#include "support/server_suite.hpp"

namespace sandbank::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kAisScopes =
    "payment-accounts%3Abalances%3Aview+payment-accounts%3Atransactions%3Aview";
constexpr const char* kSepa = "/v1/payments/pain.001-sepa-credit-transfers";

using Answer = ScriptAnswer;

std::int64_t cents(const json::value& amount) {
  return amount.is_string() ? std::llround(std::stod(std::string(amount.as_string())) * 100)
                            : std::llround(amount.to_number<double>() * 100);
}

std::string path_of(const std::string& url) {
  return url.substr(url.find('/', url.find("://") + 3));
}

std::string day(std::chrono::days offset = std::chrono::days(0)) {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + offset);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

struct Payment {
  std::string debtor_iban, creditor_iban, amount = "12.34", currency = "EUR";
  std::string date = day(std::chrono::days(1));
  bool instant = false;
  std::string remittance = "Invoice 42";
  std::string msg_id = "MSG-XML-1";
};

// A pain.001.001.03 single credit transfer (elements in the XSD's order).
std::string document(const Payment& p) {
  std::string type = "<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl>" +
                     std::string(p.instant ? "<LclInstrm><Cd>INST</Cd></LclInstrm>" : "") +
                     "</PmtTpInf>";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\">\n"
         "  <CstmrCdtTrfInitn>\n"
         "    <GrpHdr><MsgId>" +
         p.msg_id + "</MsgId><CreDtTm>" + day() + "T08:00:00</CreDtTm><NbOfTxs>1</NbOfTxs>" +
         "<CtrlSum>" + p.amount +
         "</CtrlSum><InitgPty><Nm>Alice and Bob</Nm></InitgPty></GrpHdr>\n"
         "    <PmtInf>\n"
         "      <PmtInfId>PMT-XML-1</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>1</NbOfTxs>" +
         type + "<ReqdExctnDt>" + p.date + "</ReqdExctnDt>\n" +
         "      <Dbtr><Nm>Alice and Bob</Nm></Dbtr><DbtrAcct><Id><IBAN>" + p.debtor_iban +
         "</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId><BIC>INGBNL2A</BIC></FinInstnId></DbtrAgt>\n"
         "      <CdtTrfTxInf>\n"
         "        <PmtId><EndToEndId>E2E-XML-1</EndToEndId></PmtId>\n"
         "        <Amt><InstdAmt Ccy=\"" +
         p.currency + "\">" + p.amount + "</InstdAmt></Amt>\n" +
         "        <Cdtr><Nm>Alice and Bob savings</Nm></Cdtr>\n"
         "        <CdtrAcct><Id><IBAN>" +
         p.creditor_iban + "</IBAN></Id></CdtrAcct>\n" +
         (p.remittance.empty() ? ""
                               : "        <RmtInf><Ustrd>" + p.remittance + "</Ustrd></RmtInf>\n") +
         "      </CdtTrfTxInf>\n"
         "    </PmtInf>\n"
         "  </CstmrCdtTrfInitn>\n"
         "</Document>\n";
}

class PisXmlTest : public ServerSuite<PisXmlTest> {
 protected:
  static void SetUpTestSuite() {
    ServerSuite::SetUpTestSuite();
    // Alice and Bob's EUR current and savings accounts, through AIS.
    token_ = guide_->customer_token("Alice and Bob", kAisScopes);
    auto list = customer_get("/v3/accounts");
    ASSERT_EQ(list.status, 200) << list.text;
    for (const auto& acc : list.body.at("accounts").as_array()) {
      if (acc.at("currency").as_string() != "EUR") continue;
      auto& which = acc.at("product").as_string() == "Betaalrekening" ? current_ : savings_;
      which.first = std::string(acc.at("resourceId").as_string());
      which.second = std::string(acc.at("iban").as_string());
    }
    ASSERT_FALSE(current_.first.empty()) << list.text;
    ASSERT_FALSE(savings_.first.empty()) << list.text;
  }

  static Answer customer_get(const std::string& path) {
    return guide_->call_with(token_, "GET", path, "");
  }

  struct XmlAnswer : Answer {
    std::string headers;
    std::optional<std::string> header(const std::string& name) const {
      std::smatch m;
      std::regex re("(^|\r\n)" + name + ":[ \t]*([^\r\n]*)", std::regex::icase);
      if (std::regex_search(headers, m, re)) return m[2].str();
      return std::nullopt;
    }
  };
  // One call through pain001_call.sh; `body` is written to a file and sent byte for byte.
  static XmlAnswer call(const std::string& method, const std::string& path,
                        const std::string& body = "", const std::vector<std::string>& env = {}) {
    auto n = std::to_string(++calls_);
    auto body_file = tmp_->path() / ("body-" + n);
    auto headers_file = tmp_->path() / ("headers-" + n);
    std::string script = "HOST='" + server_->api_url() + "' CERTS='" +
                         (server_->data_dir() / "certs").string() + "' METHOD=" + method +
                         " REQ_PATH='" + path + "' HEADERS_FILE='" + headers_file.string() + "' ";
    if (method != "GET" && method != "DELETE") {
      std::ofstream(body_file, std::ios::binary) << body;
      script += "BODY_FILE='" + body_file.string() + "' ";
    }
    for (const auto& e : env) script += e + " ";
    script += "bash '" + std::string(SANDBANK_SOURCE_DIR) + "/tests/integration/pain001_call.sh'";
    XmlAnswer a;
    static_cast<Answer&>(a) = script_answer(run_bash(script, tmp_->path()));
    std::ifstream in(headers_file, std::ios::binary);
    a.headers.assign(std::istreambuf_iterator<char>(in), {});
    return a;
  }

  static void approve(const std::string& sca, const std::string& iban) {
    auto r = guide_->approve_payment(sca, iban);
    EXPECT_EQ(r.status, 302) << r.body;
    EXPECT_NE(r.body.find("data-outcome=\"authorized\""), std::string::npos) << r.body;
  }

  static std::map<std::string, std::int64_t> balances(const std::string& id) {
    auto a = customer_get("/v3/accounts/" + id + "/balances");
    EXPECT_EQ(a.status, 200) << a.text;
    std::map<std::string, std::int64_t> out;
    if (a.status != 200) return out;
    for (const auto& b : a.body.at("balances").as_array()) {
      out[std::string(b.at("balanceType").as_string())] = cents(b.at("balanceAmount").at("amount"));
    }
    return out;
  }

  // The transaction with this transactionId in `list` (booked or pending), or null.
  static json::value transaction(const std::string& account_id, const std::string& id,
                                 const char* list = "booked") {
    auto a = customer_get("/v2/accounts/" + account_id + "/transactions?dateFrom=2000-01-01");
    EXPECT_EQ(a.status, 200) << a.text;
    if (a.status != 200) return nullptr;
    for (const auto& t : a.body.at("transactions").at(list).as_array()) {
      if (t.at("transactionId").as_string() == id) return t;
    }
    ADD_FAILURE() << id << " not " << list << " in " << a.text;
    return nullptr;
  }

  static Payment alice_to_savings() {
    Payment p;
    p.debtor_iban = current_.second;
    p.creditor_iban = savings_.second;
    return p;
  }

  static inline std::string token_;
  static inline std::pair<std::string, std::string> current_, savings_;  // resourceId, IBAN
  static inline int calls_ = 0;
};
// Suite name matches `ctest -R pis`.
using pis_xml = PisXmlTest;

TEST_F(pis_xml, SignedPain001IsApprovedReportedInPain002AndBookedInAis) {
  auto debtor_before = balances(current_.first);
  auto creditor_before = balances(savings_.first);
  auto p = alice_to_savings();
  p.instant = true;
  p.date = day();
  p.amount = "23.45";
  auto doc = document(p);

  auto created = call("POST", kSepa, doc);
  ASSERT_EQ(created.status, 201) << created.text;
  EXPECT_EQ(created.str("transactionStatus"), "RCVD");
  auto id = created.str("paymentId");
  ASSERT_EQ(id.size(), 36u);
  const auto& links = created.body.at("_links");
  auto self = std::string(links.at("self").as_string());
  EXPECT_EQ(path_of(self), std::string(kSepa) + "/" + id);
  EXPECT_EQ(std::string(links.at("status").as_string()), self + "/status");
  EXPECT_EQ(created.header("Location"), self);
  EXPECT_EQ(created.header("ASPSP-SCA-Approach"), "REDIRECT");
  EXPECT_TRUE(created.header("X-Request-ID").has_value());
  EXPECT_TRUE(created.header("X-ING-Response-ID").has_value());

  // GET: the document as submitted.
  auto got = call("GET", path_of(self));
  ASSERT_EQ(got.status, 200) << got.text;
  EXPECT_EQ(got.text, doc);
  EXPECT_EQ(got.header("Content-Type").value_or("").rfind("application/xml", 0), 0u);

  // Status before the customer decides: RCVD, funds available now.
  auto v1 = call("GET", path_of(self) + "/status");
  ASSERT_EQ(v1.status, 200) << v1.text;
  EXPECT_NE(v1.text.find("xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\""),
            std::string::npos)
      << v1.text;
  EXPECT_NE(v1.text.find("<PmtInfSts>RCVD</PmtInfSts>"), std::string::npos) << v1.text;
  EXPECT_NE(v1.text.find("<OrgnlMsgId>MSG-XML-1</OrgnlMsgId>"), std::string::npos) << v1.text;
  EXPECT_NE(v1.text.find("<OrgnlPmtInfId>PMT-XML-1</OrgnlPmtInfId>"), std::string::npos);
  EXPECT_NE(v1.text.find("<AddtlInf>fundsAvailable: true</AddtlInf>"), std::string::npos);
  EXPECT_NE(v1.text.find("<AddtlInf>fundsAvailableTimestamp: "), std::string::npos);
  // The report is named by the response's id.
  EXPECT_NE(v1.text.find("<MsgId>" + v1.header("X-ING-Response-ID").value_or("?") + "</MsgId>"),
            std::string::npos)
      << v1.text;

  approve(std::string(links.at("scaRedirect").as_string()), current_.second);

  v1 = call("GET", path_of(self) + "/status");
  EXPECT_NE(v1.text.find("<PmtInfSts>ACSC</PmtInfSts>"), std::string::npos) << v1.text;
  auto v2 = call("GET", "/v2/payments/pain.001-sepa-credit-transfers/" + id + "/status");
  ASSERT_EQ(v2.status, 200) << v2.text;
  EXPECT_NE(v2.text.find("xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.11\""),
            std::string::npos)
      << v2.text;
  EXPECT_NE(v2.text.find("<PmtInfSts>ACSC</PmtInfSts>"), std::string::npos) << v2.text;

  // AIS: the debit, the credit on the savings account, the balances.
  auto debit = transaction(current_.first, id);
  ASSERT_TRUE(debit.is_object());
  EXPECT_EQ(cents(debit.at("transactionAmount").at("amount")), -2345);
  EXPECT_EQ(debit.at("creditorAccount").at("iban").as_string(), savings_.second);
  EXPECT_EQ(debit.at("endToEndId").as_string(), "E2E-XML-1");
  EXPECT_EQ(debit.at("remittanceInformationUnstructured").as_string(), "Invoice 42");
  auto credit = transaction(savings_.first, id + "-CR");
  ASSERT_TRUE(credit.is_object());
  EXPECT_EQ(cents(credit.at("transactionAmount").at("amount")), 2345);
  auto debtor_after = balances(current_.first);
  auto creditor_after = balances(savings_.first);
  for (const char* type : {"interimBooked", "interimAvailable", "expected"}) {
    EXPECT_EQ(debtor_after[type], debtor_before[type] - 2345) << type;
    EXPECT_EQ(creditor_after[type], creditor_before[type] + 2345) << type;
  }
}

TEST_F(pis_xml, ANormalTransferIsAcceptedAndReservedUntilItsDay) {
  auto p = alice_to_savings();
  p.amount = "7.00";
  p.msg_id = "MSG-XML-NORMAL";
  auto created = call("POST", "/v1/payments/pain.001-domestic-credit-transfers", document(p));
  ASSERT_EQ(created.status, 201) << created.text;
  auto id = created.str("paymentId");
  approve(std::string(created.body.at("_links").at("scaRedirect").as_string()), current_.second);
  auto v2 = call("GET", "/v2/payments/pain.001-domestic-credit-transfers/" + id + "/status");
  EXPECT_NE(v2.text.find("<PmtInfSts>ACCP</PmtInfSts>"), std::string::npos) << v2.text;
  EXPECT_NE(v2.text.find("<AddtlInf>fundsAvailable: true</AddtlInf>"), std::string::npos);
  auto pending = transaction(current_.first, id, "pending");
  ASSERT_TRUE(pending.is_object());
  EXPECT_EQ(cents(pending.at("transactionAmount").at("amount")), -700);
  // Each product is its own resource: not under another product, not under the JSON paths.
  EXPECT_EQ(call("GET", std::string(kSepa) + "/" + id).status, 404);
  auto json_get = call("GET", "/v1/payments/domestic-credit-transfers/" + id);
  EXPECT_EQ(json_get.status, 404) << json_get.text;
  EXPECT_EQ(json_get.detail(), "payment.unknown");
}

TEST_F(pis_xml, CrossBorderPaymentsInAnotherCurrency) {
  auto p = alice_to_savings();
  p.creditor_iban = "GB29NWBK60161331926819";
  p.currency = "GBP";
  auto created = call("POST", "/v1/payments/pain.001-cross-border-credit-transfers", document(p));
  EXPECT_EQ(created.status, 201) << created.text;
  // SEPA is in EUR: the engine's rule, reported at the XML attribute.
  auto sepa = call("POST", kSepa, document(p));
  EXPECT_EQ(sepa.status, 400) << sepa.text;
  EXPECT_EQ(sepa.tpp("code"), "FORMAT_ERROR");
  EXPECT_EQ(sepa.tpp("path"), "Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/Amt/InstdAmt/@Ccy");
}

TEST_F(pis_xml, TheSameRequestIdAnswersTheFirstPayment) {
  auto p = alice_to_savings();
  auto doc = document(p);
  std::string id_env = "REQUEST_ID=8c1e3e4a-6a6f-4a39-9d5c-6a8a4e4f2b11";
  auto first = call("POST", kSepa, doc, {id_env});
  ASSERT_EQ(first.status, 201) << first.text;
  auto again = call("POST", kSepa, doc, {id_env});
  ASSERT_EQ(again.status, 201) << again.text;
  EXPECT_EQ(again.str("paymentId"), first.str("paymentId"));
  p.amount = "99.99";
  auto other = call("POST", kSepa, document(p), {id_env});
  EXPECT_NE(other.status, 201) << other.text;
  EXPECT_EQ(other.detail(), "payment.request_id_reused") << other.text;
}

TEST_F(pis_xml, InvalidDocumentsAreFormatErrorsNamingTheXmlPath) {
  auto p = alice_to_savings();
  auto doc = document(p);
  auto no_ccy = std::regex_replace(doc, std::regex(" Ccy=\"EUR\""), "");
  auto a = call("POST", kSepa, no_ccy, {"REQUEST_ID=1b4e28ba-2fa1-11d2-883f-0016d3cca427"});
  ASSERT_EQ(a.status, 400) << a.text;
  EXPECT_EQ(a.tpp("code"), "FORMAT_ERROR");
  EXPECT_EQ(a.tpp("category"), "ERROR");
  EXPECT_EQ(a.tpp("path"), "Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/Amt/InstdAmt/@Ccy");
  EXPECT_EQ(a.detail(), "payment.field_missing");
  EXPECT_EQ(a.header("X-Request-ID"), "1b4e28ba-2fa1-11d2-883f-0016d3cca427");

  p.date = "2020-01-01";
  a = call("POST", kSepa, document(p));
  EXPECT_EQ(a.tpp("path"), "Document/CstmrCdtTrfInitn/PmtInf/ReqdExctnDt") << a.text;
  EXPECT_EQ(a.detail(), "payment.date_in_past");

  a = call("POST", kSepa, doc.substr(0, 200));
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.detail(), "pain001.malformed") << a.text;

  // The JSON form, or JSON sent here, is refused by its Content-Type.
  a = call("POST", kSepa, doc, {"CONTENT_TYPE=application/json"});
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.detail(), "request.content_type") << a.text;
}

TEST_F(pis_xml, HostileDocumentsGetACleanFormatError) {
  auto body = document(alice_to_savings());
  body = body.substr(body.find("<Document"));
  std::string laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE Document [<!ENTITY a \"aaaaaaaaaa\">";
  for (int i = 1; i <= 9; ++i) {
    laughs += "<!ENTITY a" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j)
      laughs += "&a" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    laughs += "\">";
  }
  laughs += "]>\n" + std::regex_replace(body, std::regex("Invoice 42"), "&a9;");
  std::string passwd = "<!DOCTYPE Document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n" +
                       std::regex_replace(body, std::regex("Invoice 42"), "&x;");
  std::string remote = "<!DOCTYPE Document SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n" + body;
  std::string open, close;
  for (int i = 0; i < 40; ++i) {
    open += "<Strd>";
    close += "</Strd>";
  }
  std::string deep =
      std::regex_replace(body, std::regex("<Ustrd>Invoice 42</Ustrd>"), open + close);
  for (const auto& [doc, detail] :
       {std::pair{laughs, "pain001.doctype"}, std::pair{passwd, "pain001.doctype"},
        std::pair{remote, "pain001.doctype"}, std::pair{deep, "pain001.too_deep"}}) {
    auto a = call("POST", kSepa, doc);
    EXPECT_EQ(a.status, 400) << a.text;
    EXPECT_EQ(a.tpp("code"), "FORMAT_ERROR") << a.text;
    EXPECT_EQ(a.detail(), detail) << a.text;
    EXPECT_EQ(a.text.find("root:"), std::string::npos) << a.text;
  }
  // 10 MB: over the server's body limit, refused before the body is read, in the same form.
  std::string big = body;
  big.insert(big.find("Invoice 42"), std::string(10 * 1024 * 1024, 'x'));
  auto a = call("POST", kSepa, big);
  EXPECT_EQ(a.status, 400) << a.text.substr(0, 300);
  EXPECT_EQ(a.tpp("code"), "FORMAT_ERROR") << a.text.substr(0, 300);
  EXPECT_EQ(a.detail(), "pain001.too_large") << a.text.substr(0, 300);
  // Between the document limit and the server's: the handler's own check.
  std::string large = body;
  large.insert(large.find("Invoice 42"), std::string(300 * 1024, 'x'));
  a = call("POST", kSepa, large);
  EXPECT_EQ(a.status, 400) << a.text.substr(0, 300);
  EXPECT_EQ(a.detail(), "pain001.too_large") << a.text.substr(0, 300);
  // The server still serves.
  EXPECT_EQ(call("POST", kSepa, document(alice_to_savings())).status, 201);
}

TEST_F(pis_xml, AuthenticationIsTheJsonApis) {
  auto doc = document(alice_to_savings());
  auto unsigned_call = call("POST", kSepa, doc, {"NO_SIGNATURE=1"});
  EXPECT_EQ(unsigned_call.status, 401) << unsigned_call.text;
  EXPECT_EQ(unsigned_call.detail(), "signature.missing") << unsigned_call.text;
  // x-jws-signature with an mTLS-only token (the guide's step 1 pipeline), Content-Type signed.
  std::string script = "HOST='" + server_->api_url() + "' CERTS='" +
                       (server_->data_dir() / "certs").string() +
                       "' CLIENT_ID=" + kSandboxClientId + " REQ_PATH='" + kSepa + "' BODY='" +
                       doc + "' CONTENT_TYPE=application/xml bash '" + SANDBANK_SOURCE_DIR +
                       "/tests/integration/jws_pis.sh'";
  auto jws = script_answer(run_bash(script, tmp_->path()));
  ASSERT_EQ(jws.status, 201) << jws.text;
  // Read with the other form.
  auto got = call("GET", std::string(kSepa) + "/" + jws.str("paymentId"));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.text, doc);
}

TEST_F(pis_xml, Pain001PaymentsCannotBeDeleted) {
  auto created = call("POST", kSepa, document(alice_to_savings()));
  ASSERT_EQ(created.status, 201) << created.text;
  auto a = call("DELETE", std::string(kSepa) + "/" + created.str("paymentId"));
  EXPECT_EQ(a.status, 405) << a.text;
  EXPECT_TRUE(a.body.is_object() && a.body.as_object().contains("tppMessages")) << a.text;
  EXPECT_EQ(a.header("Allow"), "GET, HEAD");
  EXPECT_EQ(a.detail(), "route.method_not_allowed");
}

std::string form(const std::string& xml, const std::map<std::string, std::string>& fields) {
  std::string body =
      "--BoUnDaRy\r\nContent-Disposition: form-data; name=\"xml_sct\"; "
      "filename=\"pain001.xml\"\r\nContent-Type: application/xml\r\n\r\n" +
      xml + "\r\n";
  for (const auto& [name, value] : fields) {
    body += "--BoUnDaRy\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value +
            "\r\n";
  }
  return body + "--BoUnDaRy--\r\n";
}

TEST_F(pis_xml, AStandingOrderThroughMultipartFormData) {
  auto p = alice_to_savings();
  p.amount = "3.00";
  p.msg_id = "MSG-XML-STO";
  auto xml = document(p);
  auto created = call("POST", "/v1/periodic-payments/pain.001-sepa-credit-transfers",
                      form(xml, {{"startDate", day()},
                                 {"frequency", "MNTH"},
                                 {"dayOfExecution", "01"},
                                 {"endDate", "2099-12-31"}}),
                      {"CONTENT_TYPE='multipart/form-data; boundary=BoUnDaRy'"});
  ASSERT_EQ(created.status, 201) << created.text;
  auto id = created.str("paymentId");
  auto self = path_of(std::string(created.body.at("_links").at("self").as_string()));
  EXPECT_EQ(self, "/v1/periodic-payments/pain.001-sepa-credit-transfers/" + id);

  auto got = call("GET", self);
  ASSERT_EQ(got.status, 200) << got.text;
  auto type = got.header("Content-Type").value_or("");
  EXPECT_EQ(type.rfind("multipart/form-data; boundary=", 0), 0u) << type;
  EXPECT_NE(
      got.text.find("name=\"xml_sct\"\r\nContent-Type: application/xml\r\n\r\n" + xml + "\r\n"),
      std::string::npos)
      << got.text;
  EXPECT_NE(got.text.find("name=\"frequency\"\r\nContent-Type: text/plain\r\n\r\nMNTH\r\n"),
            std::string::npos)
      << got.text;
  EXPECT_NE(got.text.find("name=\"endDate\"\r\nContent-Type: text/plain\r\n\r\n2099-12-31\r\n"),
            std::string::npos);

  auto status = call("GET", self + "/status");
  EXPECT_EQ(status.str("transactionStatus"), "RCVD") << status.text;
  approve(std::string(created.body.at("_links").at("scaRedirect").as_string()), current_.second);
  status = call("GET", self + "/status");
  EXPECT_EQ(status.str("transactionStatus"), "ACTV") << status.text;
  // The first occurrence is today's.
  auto first = transaction(current_.first, id + "-1");
  ASSERT_TRUE(first.is_object());
  EXPECT_EQ(cents(first.at("transactionAmount").at("amount")), -300);

  // The form's own errors name its fields.
  auto bad = call("POST", "/v1/periodic-payments/pain.001-sepa-credit-transfers",
                  form(xml, {{"startDate", day()}, {"frequency", "OFTEN"}}),
                  {"CONTENT_TYPE='multipart/form-data; boundary=BoUnDaRy'"});
  EXPECT_EQ(bad.status, 400) << bad.text;
  EXPECT_EQ(bad.tpp("path"), "frequency") << bad.text;
  bad = call("POST", "/v1/periodic-payments/pain.001-sepa-credit-transfers",
             form(xml, {{"frequency", "MNTH"}}),
             {"CONTENT_TYPE='multipart/form-data; boundary=BoUnDaRy'"});
  EXPECT_EQ(bad.tpp("path"), "startDate") << bad.text;
}

}  // namespace
}  // namespace sandbank::testing
