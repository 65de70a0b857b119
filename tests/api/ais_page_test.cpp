// The exact bytes of the AIS transaction pages (transactions_page_json): pinned in full for a
// small account with every optional field present and absent and strings that need escaping,
// and by SHA-256 for the pages of the seeded bank.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "api/ais_api.hpp"
#include "bank/profiles.hpp"
#include "bank/seed.hpp"
#include "core/encoding.hpp"
#include "core/time_format.hpp"
#include "crypto/hash.hpp"
#include "store/store.hpp"

namespace sandbank::api {
namespace {

using store::BankAccount;
using store::BankTransaction;
using store::TransactionQuery;

TimePoint at(const char* text) {
  return *parse_rfc3339(text);
}

const TimePoint kNow = at("2026-03-15T10:30:00Z");

std::string sha256_hex(std::string_view text) {
  return hex_encode(crypto::sha256(as_bytes(text)));
}

// The store cursor of a body's next link ("...?next=<cursor>.<limit>"), or "".
std::string next_cursor_of(const std::string& body) {
  auto value = boost::json::parse(body);
  const auto& root = value.as_object();
  const auto& list = root.contains("cardTransactions") ? root.at("cardTransactions").as_object()
                                                       : root.at("transactions").as_object();
  if (!list.contains("_links")) return "";
  std::string href(list.at("_links").at("next").at("href").as_string());
  auto start = href.find("?next=") + 6;
  return href.substr(start, href.rfind('.') - start);
}

TransactionQuery query(const std::string& account, std::string_view date_from,
                       std::string_view date_to, int limit) {
  auto period = transaction_period(date_from, date_to, kNow);
  return TransactionQuery{account, period.from, period.to, limit, std::nullopt};
}

// --- a small account with known data -----------------------------------------------------

BankTransaction transaction(const char* id, const char* status, const char* time,
                            std::int64_t amount) {
  BankTransaction t;
  t.account_id = "acc-current";
  t.transaction_id = id;
  t.end_to_end_id = "E2E-" + std::string(id);
  t.status = status;
  t.execution_time = at(time);
  t.booking_date = std::string(time, 10);
  t.value_date = std::string(time, 10);
  t.amount_minor = amount;
  t.currency = "EUR";
  t.transaction_type = "Overschrijving";
  return t;
}

store::BankData small_bank() {
  store::BankData d;
  d.seeded_at = kNow;
  d.profiles.push_back(store::BankProfile{"p", "P", "NL", {}, "", 0});
  d.accounts.push_back(BankAccount{"acc-current", "p", 0, "current", "NL69INGB0123456789",
                                   "INGB0123456789", "INGBNL2A", "", "A \"Quoted\" Name",
                                   "Betaalrekening", "EUR", 0});
  d.accounts.push_back(BankAccount{"acc-card", "p", 1, "card", "NL69INGB0123456789", "", "INGBNL2A",
                                   "5355********1234", "Card", "Card de Credit", "EUR", 100000});
  d.opening_balances.emplace_back("acc-current", 100000);

  auto t = transaction("T1", "booked", "2026-03-14T08:15:30.123456Z", -1234);
  t.creditor = {"Albert \"AH\" Heijn", "NL02ABNA0123456789", "ABNANL2A"};
  t.debtor = {"A. van Dijk", "NL69INGB0123456789", ""};
  t.remittance_unstructured =
      "quote \" backslash \\ slash / nl \n tab \t cr \r bs \b ff \f ctl \x01\x1f del \x7f "
      "utf-8 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 <br>end";
  t.remittance_structured = "RF18539007547034";
  d.transactions.push_back(t);

  t = transaction("T2", "pending", "2026-03-15T09:00:00.000000Z", 0);
  t.end_to_end_id = "";
  t.creditor = {"", "NL02ABNA0123456789", ""};
  t.debtor = {"Only A Name", "", "INGBNL2A"};
  t.transaction_type = "";
  d.transactions.push_back(t);

  t = transaction("T3", "booked", "2026-03-13T23:59:59.999999Z", -1);
  t.value_date = "";
  t.remittance_structured = "RF71";
  d.transactions.push_back(t);

  t = transaction("T4", "booked", "2026-03-13T23:59:59.999999Z", 123456789012);  // same time
  t.booking_date = "";
  t.creditor = {"C", "", "BIC"};
  t.remittance_unstructured = "plain";
  d.transactions.push_back(t);

  d.transactions.push_back(transaction("T5", "booked", "1969-12-31T23:59:59.500000Z", -5));
  d.transactions.push_back(transaction("T6", "booked", "1970-01-01T00:00:00.000000Z", 5));
  d.transactions.push_back(transaction("T7", "booked", "2200-02-28T12:34:56.000001Z", 99));
  d.transactions.push_back(transaction("T\"8\\", "pending", "2026-03-10T00:00:00.000000Z", -100));
  d.transactions.push_back(transaction("T9", "booked", "2024-02-29T12:00:00.000000Z", 1000));

  auto c = transaction("C1", "booked", "2026-03-12T18:45:00.000000Z", -2599);
  c.account_id = "acc-card";
  c.masked_pan = "5355********1234";
  c.transaction_details = "Bol.com \"Utrecht\" \xe2\x82\xac";
  d.transactions.push_back(c);
  c = transaction("C2", "pending", "2026-03-14T07:00:00.000000Z", -100);
  c.account_id = "acc-card";
  c.masked_pan = "5355********1234";
  d.transactions.push_back(c);
  c = transaction("C3", "booked", "2026-03-01T00:00:00.000000Z", 5000);
  c.account_id = "acc-card";
  c.booking_date = "";
  d.transactions.push_back(c);
  return d;
}

std::string path_of(TransactionList list) {
  return list == TransactionList::Card ? "/v1/card-accounts/x/transactions"
         : list == TransactionList::V2 ? "/v2/accounts/x/transactions"
                                       : "/v3/accounts/x/transactions";
}

TransactionQuery everything(const std::string& account, int limit) {
  return TransactionQuery{account, std::nullopt, std::nullopt, limit, std::nullopt};
}

using Pages = std::vector<std::pair<std::string, std::string>>;  // name → body

class AisPageJson : public ::testing::Test {
 protected:
  std::string page(const BankAccount& account, TransactionList list, TransactionQuery q,
                   const std::vector<std::string>& omit = {}) {
    return transactions_page_json(store_->bank(), account, list, q, omit, path_of(list));
  }
  // The page after `body` (same list, account and limit), or "" on the last page.
  std::string next(const std::string& body, const BankAccount& account, TransactionList list,
                   int limit, const std::vector<std::string>& omit = {}) {
    auto cursor = next_cursor_of(body);
    if (cursor.empty()) return "";
    return page(account, list, TransactionQuery{account.id, {}, {}, limit, cursor}, omit);
  }
  // Every page of an account, joined by newlines.
  std::string walk(const BankAccount& account, TransactionList list, TransactionQuery q,
                   const std::vector<std::string>& omit = {}) {
    std::string all;
    for (auto body = page(account, list, q, omit); !body.empty();
         body = next(body, account, list, q.limit, omit)) {
      all += body;
      all += '\n';
    }
    return all;
  }

  // With SANDBANK_AIS_PAGE_DUMP=<dir>, writes each page to <dir>/<name>.json (to look at a
  // difference, or to pin the pages again after an intended change of the format).
  static void dump(const Pages& pages) {
    const char* dir = std::getenv("SANDBANK_AIS_PAGE_DUMP");
    if (dir == nullptr) return;
    for (const auto& [name, body] : pages) {
      std::ofstream(std::filesystem::path(dir) / (name + ".json"), std::ios::binary) << body;
    }
  }

  std::unique_ptr<store::Store> store_ = store::open_memory_store();
};

// --- the small account, pinned in full ---------------------------------------------------

class SmallBankPages : public AisPageJson {
 protected:
  void SetUp() override {
    store_->bank().replace_all(small_bank());
    current_ = *store_->bank().find_account("acc-current");
    card_ = *store_->bank().find_account("acc-card");
  }
  BankAccount current_;
  BankAccount card_;
};

const std::map<std::string, std::string_view>& small_goldens();

TEST_F(SmallBankPages, AreExactlyThePinnedBytes) {
  using L = TransactionList;
  const std::vector<std::string> all_omittable = {"debtorName",
                                                  "creditorName",
                                                  "debtorAccount",
                                                  "creditorAccount",
                                                  "remittanceInformationStructured",
                                                  "remittanceInformationUnstructured"};
  Pages pages;
  pages.reserve(16);
  auto first = page(current_, L::V2, everything("acc-current", 2));
  pages.emplace_back("v2_all", page(current_, L::V2, everything("acc-current", 1000)));
  pages.emplace_back("v3_all", page(current_, L::V3, everything("acc-current", 1000)));
  pages.emplace_back("v3_omit_all",
                     page(current_, L::V3, everything("acc-current", 1000), all_omittable));
  pages.emplace_back("v3_omit_two", page(current_, L::V3, everything("acc-current", 1000),
                                         {"remittanceInformationUnstructured", "creditorAccount"}));
  pages.emplace_back("v2_limit2_first", first);
  pages.emplace_back("v2_limit2_second", next(first, current_, L::V2, 2));
  pages.emplace_back("v2_limit2_walk", walk(current_, L::V2, everything("acc-current", 2)));
  pages.emplace_back("v2_limit1_range",
                     walk(current_, L::V2, query("acc-current", "2026-03-13", "2026-03-14", 1)));
  pages.emplace_back("v2_today", page(current_, L::V2, query("acc-current", "", "", 100)));
  pages.emplace_back("v2_empty",
                     page(current_, L::V2, query("acc-current", "", "2020-01-01", 100)));
  pages.emplace_back("card_all", page(card_, L::Card, everything("acc-card", 1000)));
  pages.emplace_back("card_limit1_walk", walk(card_, L::Card, everything("acc-card", 1)));
  dump(pages);
  for (const auto& [name, body] : pages) {
    auto golden = small_goldens().find(name);
    ASSERT_NE(golden, small_goldens().end()) << name;
    EXPECT_EQ(body, golden->second) << name;
  }
}

// Every text goes out as Boost.JSON serialises a string: a special byte at each position of
// texts of 0..20 bytes (the writer looks at 8 bytes at a time).
TEST_F(AisPageJson, TextsAreEscapedAsBoostJsonSerializesThem) {
  auto data = small_bank();
  data.transactions.clear();
  const std::string specials = std::string("\0\x01\b\t\n\f\r\x1f \"\\/\x7f", 14) + "\xc3";
  std::vector<std::string> texts;
  for (std::size_t size = 1; size <= 20; ++size) {
    for (std::size_t at = 0; at < size; ++at) {
      for (char c : specials) {
        std::string text(size, 'a');
        text[at] = c;
        if (c == '\xc3') text.insert(text.begin() + static_cast<std::ptrdiff_t>(at) + 1, '\xa9');
        texts.push_back(text);
      }
    }
  }
  texts.push_back("");
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto t =
        transaction(("T" + std::to_string(i)).c_str(), "booked", "2026-03-01T10:00:00.000000Z", 1);
    t.remittance_unstructured = texts[i];
    data.transactions.push_back(t);
  }
  store_->bank().replace_all(data);
  const auto account = *store_->bank().find_account("acc-current");
  TransactionQuery q = everything("acc-current", 1);
  for (std::size_t i = texts.size(); i-- > 0;) {  // newest (largest id) first
    auto body = page(account, TransactionList::V2, q);
    const std::string expected =
        texts[i].empty() ? "\"transactionType\":\"Overschrijving\"}]"
                         : "\"remittanceInformationUnstructured\":" +
                               boost::json::serialize(boost::json::string(texts[i])) + "}]";
    EXPECT_NE(body.find(expected), std::string::npos) << i << ": " << body;
    q.cursor = next_cursor_of(body);
    if (q.cursor->empty()) q.cursor.reset();
  }
  EXPECT_FALSE(q.cursor);
}

// --- the seeded bank, pinned by SHA-256 --------------------------------------------------

const std::string kAVanDijk = "7de0041d-4f25-4b6c-a885-0bbeb1eab220";

class SeededBankPages : public AisPageJson {
 protected:
  void SetUp() override {
    ASSERT_TRUE(bank::seed_bank(*store_, bank::builtin_profiles(), bank::kDefaultSeed, kNow));
  }
};

const std::map<std::string, std::string_view>& seeded_hashes();

TEST_F(SeededBankPages, HashToThePinnedValues) {
  using L = TransactionList;
  auto& bank = store_->bank();
  auto current = *bank.find_account(kAVanDijk);
  std::optional<BankAccount> card;
  std::string every_account;
  for (const auto& profile : bank.list_profiles("")) {
    for (const auto& account : bank.accounts_of_profile(profile.id)) {
      if (account.kind == "card" && !card) card = account;
      every_account += walk(account, account.kind == "card" ? L::Card : L::V2,
                            query(account.id, "2000-01-01", "", 1000));
    }
  }
  ASSERT_TRUE(card);
  Pages pages;
  pages.reserve(16);
  auto first = page(current, L::V2, query(kAVanDijk, "2000-01-01", "", 100));
  auto card_first = page(*card, L::Card, query(card->id, "2000-01-01", "", 100));
  pages.emplace_back("v2_first", first);
  pages.emplace_back("v2_second", next(first, current, L::V2, 100));
  pages.emplace_back("v3_first", page(current, L::V3, query(kAVanDijk, "2000-01-01", "", 100)));
  pages.emplace_back("v3_omit", page(current, L::V3, query(kAVanDijk, "2000-01-01", "", 100),
                                     {"remittanceInformationUnstructured", "debtorName"}));
  pages.emplace_back("v2_range", page(current, L::V2,
                                      query(kAVanDijk, "2025-06-01", "2025-06-30T12:00:00Z", 100)));
  pages.emplace_back("v2_limit1", page(current, L::V2, query(kAVanDijk, "2000-01-01", "", 1)));
  pages.emplace_back("v2_limit1000",
                     page(current, L::V2, query(kAVanDijk, "2000-01-01", "", 1000)));
  pages.emplace_back("v2_default_period", page(current, L::V2, query(kAVanDijk, "", "", 100)));
  pages.emplace_back("v3_walk17", walk(current, L::V3, query(kAVanDijk, "2000-01-01", "", 17)));
  pages.emplace_back("card_first", card_first);
  pages.emplace_back("card_second", next(card_first, *card, L::Card, 100));
  pages.emplace_back("every_account", every_account);
  dump(pages);
  for (const auto& [name, body] : pages) {
    auto golden = seeded_hashes().find(name);
    ASSERT_NE(golden, seeded_hashes().end()) << name;
    EXPECT_EQ(sha256_hex(body), golden->second) << name << ": " << body.substr(0, 2000);
  }
}

// Every entry of the small account, as v2 (and v3 without omissions) writes it.
constexpr std::string_view kAllEntries =
    "{\"account\":{\"iban\":\"NL69INGB0123456789\",\"currency\":\"EUR\"},\"transactio"
    "ns\":{\"booked\":[{\"transactionId\":\"T7\",\"endToEndId\":\"E2E-T7\",\"bookingD"
    "ate\":\"2200-02-28\",\"valueDate\":\"2200-02-28\",\"executionDateTime\":\"2200-0"
    "2-28T12:34:56Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":0.99},\""
    "transactionType\":\"Overschrijving\"},{\"transactionId\":\"T1\",\"endToEndId\":"
    "\"E2E-T1\",\"bookingDate\":\"2026-03-14\",\"valueDate\":\"2026-03-14\",\"executi"
    "onDateTime\":\"2026-03-14T08:15:30Z\",\"transactionAmount\":{\"currency\":\"EUR"
    "\",\"amount\":-12.34},\"creditorName\":\"Albert \\\"AH\\\" Heijn\",\"creditorAcc"
    "ount\":{\"iban\":\"NL02ABNA0123456789\",\"bic\":\"ABNANL2A\"},\"debtorName\":\"A"
    ". van Dijk\",\"debtorAccount\":{\"iban\":\"NL69INGB0123456789\"},\"transactionTy"
    "pe\":\"Overschrijving\",\"remittanceInformationUnstructured\":\"quote \\\" backs"
    "lash \\\\ slash / nl \\n tab \\t cr \\r bs \\b ff \\f ctl \\u0001\\u001f del "
    "\177 utf-8 \303\251 \342\202\254 \360\237\230\200 <br>end\",\"remittanceInformat"
    "ionStructured\":{\"type\":\"SCOR\",\"issuer\":\"ISO\",\"reference\":\"RF18539007"
    "547034\"}},{\"transactionId\":\"T4\",\"endToEndId\":\"E2E-T4\",\"valueDate\":\"2"
    "026-03-13\",\"executionDateTime\":\"2026-03-13T23:59:59Z\",\"transactionAmount\""
    ":{\"currency\":\"EUR\",\"amount\":1234567890.12},\"creditorName\":\"C\",\"transa"
    "ctionType\":\"Overschrijving\",\"remittanceInformationUnstructured\":\"plain\"},"
    "{\"transactionId\":\"T3\",\"endToEndId\":\"E2E-T3\",\"bookingDate\":\"2026-03-13"
    "\",\"executionDateTime\":\"2026-03-13T23:59:59Z\",\"transactionAmount\":{\"curre"
    "ncy\":\"EUR\",\"amount\":-0.01},\"transactionType\":\"Overschrijving\",\"remitta"
    "nceInformationStructured\":{\"type\":\"SCOR\",\"issuer\":\"ISO\",\"reference\":"
    "\"RF71\"}},{\"transactionId\":\"T9\",\"endToEndId\":\"E2E-T9\",\"bookingDate\":"
    "\"2024-02-29\",\"valueDate\":\"2024-02-29\",\"executionDateTime\":\"2024-02-29T1"
    "2:00:00Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":10.00},\"trans"
    "actionType\":\"Overschrijving\"},{\"transactionId\":\"T6\",\"endToEndId\":\"E2E-"
    "T6\",\"bookingDate\":\"1970-01-01\",\"valueDate\":\"1970-01-01\",\"executionDate"
    "Time\":\"1970-01-01T00:00:00Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"am"
    "ount\":0.05},\"transactionType\":\"Overschrijving\"},{\"transactionId\":\"T5\","
    "\"endToEndId\":\"E2E-T5\",\"bookingDate\":\"1969-12-31\",\"valueDate\":\"1969-12"
    "-31\",\"executionDateTime\":\"1969-12-31T23:59:59Z\",\"transactionAmount\":{\"cu"
    "rrency\":\"EUR\",\"amount\":-0.05},\"transactionType\":\"Overschrijving\"}],\"pe"
    "nding\":[{\"transactionId\":\"T2\",\"endToEndId\":\"NOTPROVIDED\",\"valueDate\":"
    "\"2026-03-15\",\"executionDateTime\":\"2026-03-15T09:00:00Z\",\"transactionAmoun"
    "t\":{\"currency\":\"EUR\",\"amount\":0.00},\"creditorAccount\":{\"iban\":\"NL02A"
    "BNA0123456789\"},\"debtorName\":\"Only A Name\"},{\"transactionId\":\"T\\\"8\\\\"
    "\",\"endToEndId\":\"E2E-T\\\"8\\\\\",\"valueDate\":\"2026-03-10\",\"executionDat"
    "eTime\":\"2026-03-10T00:00:00Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"a"
    "mount\":-1.00},\"transactionType\":\"Overschrijving\"}],\"info\":[]}}";

const std::map<std::string, std::string_view>& small_goldens() {
  static const std::map<std::string, std::string_view> goldens = {
      {"v2_all", kAllEntries},
      // v3 without the omit parameter: the same body.
      {"v3_all", kAllEntries},
      {"v3_omit_all",
       "{\"account\":{\"iban\":\"NL69INGB0123456789\",\"currency\":\"EUR\"},\"transactio"
       "ns\":{\"booked\":[{\"transactionId\":\"T7\",\"endToEndId\":\"E2E-T7\",\"bookingD"
       "ate\":\"2200-02-28\",\"valueDate\":\"2200-02-28\",\"executionDateTime\":\"2200-0"
       "2-28T12:34:56Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":0.99},\""
       "transactionType\":\"Overschrijving\"},{\"transactionId\":\"T1\",\"endToEndId\":"
       "\"E2E-T1\",\"bookingDate\":\"2026-03-14\",\"valueDate\":\"2026-03-14\",\"executi"
       "onDateTime\":\"2026-03-14T08:15:30Z\",\"transactionAmount\":{\"currency\":\"EUR"
       "\",\"amount\":-12.34},\"transactionType\":\"Overschrijving\"},{\"transactionId\""
       ":\"T4\",\"endToEndId\":\"E2E-T4\",\"valueDate\":\"2026-03-13\",\"executionDateTi"
       "me\":\"2026-03-13T23:59:59Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amou"
       "nt\":1234567890.12},\"transactionType\":\"Overschrijving\"},{\"transactionId\":"
       "\"T3\",\"endToEndId\":\"E2E-T3\",\"bookingDate\":\"2026-03-13\",\"executionDateT"
       "ime\":\"2026-03-13T23:59:59Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amo"
       "unt\":-0.01},\"transactionType\":\"Overschrijving\"},{\"transactionId\":\"T9\","
       "\"endToEndId\":\"E2E-T9\",\"bookingDate\":\"2024-02-29\",\"valueDate\":\"2024-02"
       "-29\",\"executionDateTime\":\"2024-02-29T12:00:00Z\",\"transactionAmount\":{\"cu"
       "rrency\":\"EUR\",\"amount\":10.00},\"transactionType\":\"Overschrijving\"},{\"tr"
       "ansactionId\":\"T6\",\"endToEndId\":\"E2E-T6\",\"bookingDate\":\"1970-01-01\",\""
       "valueDate\":\"1970-01-01\",\"executionDateTime\":\"1970-01-01T00:00:00Z\",\"tran"
       "sactionAmount\":{\"currency\":\"EUR\",\"amount\":0.05},\"transactionType\":\"Ove"
       "rschrijving\"},{\"transactionId\":\"T5\",\"endToEndId\":\"E2E-T5\",\"bookingDate"
       "\":\"1969-12-31\",\"valueDate\":\"1969-12-31\",\"executionDateTime\":\"1969-12-3"
       "1T23:59:59Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":-0.05},\"tr"
       "ansactionType\":\"Overschrijving\"}],\"pending\":[{\"transactionId\":\"T2\",\"en"
       "dToEndId\":\"NOTPROVIDED\",\"valueDate\":\"2026-03-15\",\"executionDateTime\":\""
       "2026-03-15T09:00:00Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":0."
       "00}},{\"transactionId\":\"T\\\"8\\\\\",\"endToEndId\":\"E2E-T\\\"8\\\\\",\"value"
       "Date\":\"2026-03-10\",\"executionDateTime\":\"2026-03-10T00:00:00Z\",\"transacti"
       "onAmount\":{\"currency\":\"EUR\",\"amount\":-1.00},\"transactionType\":\"Oversch"
       "rijving\"}],\"info\":[]}}"},
      {"v3_omit_two",
       "{\"account\":{\"iban\":\"NL69INGB0123456789\",\"currency\":\"EUR\"},\"transactio"
       "ns\":{\"booked\":[{\"transactionId\":\"T7\",\"endToEndId\":\"E2E-T7\",\"bookingD"
       "ate\":\"2200-02-28\",\"valueDate\":\"2200-02-28\",\"executionDateTime\":\"2200-0"
       "2-28T12:34:56Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":0.99},\""
       "transactionType\":\"Overschrijving\"},{\"transactionId\":\"T1\",\"endToEndId\":"
       "\"E2E-T1\",\"bookingDate\":\"2026-03-14\",\"valueDate\":\"2026-03-14\",\"executi"
       "onDateTime\":\"2026-03-14T08:15:30Z\",\"transactionAmount\":{\"currency\":\"EUR"
       "\",\"amount\":-12.34},\"creditorName\":\"Albert \\\"AH\\\" Heijn\",\"debtorName"
       "\":\"A. van Dijk\",\"debtorAccount\":{\"iban\":\"NL69INGB0123456789\"},\"transac"
       "tionType\":\"Overschrijving\",\"remittanceInformationStructured\":{\"type\":\"SC"
       "OR\",\"issuer\":\"ISO\",\"reference\":\"RF18539007547034\"}},{\"transactionId\":"
       "\"T4\",\"endToEndId\":\"E2E-T4\",\"valueDate\":\"2026-03-13\",\"executionDateTim"
       "e\":\"2026-03-13T23:59:59Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amoun"
       "t\":1234567890.12},\"creditorName\":\"C\",\"transactionType\":\"Overschrijving\""
       "},{\"transactionId\":\"T3\",\"endToEndId\":\"E2E-T3\",\"bookingDate\":\"2026-03-"
       "13\",\"executionDateTime\":\"2026-03-13T23:59:59Z\",\"transactionAmount\":{\"cur"
       "rency\":\"EUR\",\"amount\":-0.01},\"transactionType\":\"Overschrijving\",\"remit"
       "tanceInformationStructured\":{\"type\":\"SCOR\",\"issuer\":\"ISO\",\"reference\""
       ":\"RF71\"}},{\"transactionId\":\"T9\",\"endToEndId\":\"E2E-T9\",\"bookingDate\":"
       "\"2024-02-29\",\"valueDate\":\"2024-02-29\",\"executionDateTime\":\"2024-02-29T1"
       "2:00:00Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":10.00},\"trans"
       "actionType\":\"Overschrijving\"},{\"transactionId\":\"T6\",\"endToEndId\":\"E2E-"
       "T6\",\"bookingDate\":\"1970-01-01\",\"valueDate\":\"1970-01-01\",\"executionDate"
       "Time\":\"1970-01-01T00:00:00Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"am"
       "ount\":0.05},\"transactionType\":\"Overschrijving\"},{\"transactionId\":\"T5\","
       "\"endToEndId\":\"E2E-T5\",\"bookingDate\":\"1969-12-31\",\"valueDate\":\"1969-12"
       "-31\",\"executionDateTime\":\"1969-12-31T23:59:59Z\",\"transactionAmount\":{\"cu"
       "rrency\":\"EUR\",\"amount\":-0.05},\"transactionType\":\"Overschrijving\"}],\"pe"
       "nding\":[{\"transactionId\":\"T2\",\"endToEndId\":\"NOTPROVIDED\",\"valueDate\":"
       "\"2026-03-15\",\"executionDateTime\":\"2026-03-15T09:00:00Z\",\"transactionAmoun"
       "t\":{\"currency\":\"EUR\",\"amount\":0.00},\"debtorName\":\"Only A Name\"},{\"tr"
       "ansactionId\":\"T\\\"8\\\\\",\"endToEndId\":\"E2E-T\\\"8\\\\\",\"valueDate\":\"2"
       "026-03-10\",\"executionDateTime\":\"2026-03-10T00:00:00Z\",\"transactionAmount\""
       ":{\"currency\":\"EUR\",\"amount\":-1.00},\"transactionType\":\"Overschrijving\"}"
       "],\"info\":[]}}"},
      {"v2_limit2_first",
       "{\"account\":{\"iban\":\"NL69INGB0123456789\",\"currency\":\"EUR\"},\"transactio"
       "ns\":{\"booked\":[{\"transactionId\":\"T7\",\"endToEndId\":\"E2E-T7\",\"bookingD"
       "ate\":\"2200-02-28\",\"valueDate\":\"2200-02-28\",\"executionDateTime\":\"2200-0"
       "2-28T12:34:56Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":0.99},\""
       "transactionType\":\"Overschrijving\"}],\"pending\":[{\"transactionId\":\"T2\",\""
       "endToEndId\":\"NOTPROVIDED\",\"valueDate\":\"2026-03-15\",\"executionDateTime\":"
       "\"2026-03-15T09:00:00Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":"
       "0.00},\"creditorAccount\":{\"iban\":\"NL02ABNA0123456789\"},\"debtorName\":\"Onl"
       "y A Name\"}],\"info\":[],\"_links\":{\"next\":{\"href\":\"/v2/accounts/x/transac"
       "tions?next=djF8MjAyNi0wMy0xNVQwOTowMDowMC4wMDAwMDBafDJ8LXwt.2\"}}}}"},
      {"v2_limit2_second",
       "{\"account\":{\"iban\":\"NL69INGB0123456789\",\"currency\":\"EUR\"},\"transactio"
       "ns\":{\"booked\":[{\"transactionId\":\"T1\",\"endToEndId\":\"E2E-T1\",\"bookingD"
       "ate\":\"2026-03-14\",\"valueDate\":\"2026-03-14\",\"executionDateTime\":\"2026-0"
       "3-14T08:15:30Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":-12.34},"
       "\"creditorName\":\"Albert \\\"AH\\\" Heijn\",\"creditorAccount\":{\"iban\":\"NL0"
       "2ABNA0123456789\",\"bic\":\"ABNANL2A\"},\"debtorName\":\"A. van Dijk\",\"debtorA"
       "ccount\":{\"iban\":\"NL69INGB0123456789\"},\"transactionType\":\"Overschrijving"
       "\",\"remittanceInformationUnstructured\":\"quote \\\" backslash \\\\ slash / nl "
       "\\n tab \\t cr \\r bs \\b ff \\f ctl \\u0001\\u001f del \177 utf-8 \303\251 \342"
       "\202\254 \360\237\230\200 <br>end\",\"remittanceInformationStructured\":{\"type"
       "\":\"SCOR\",\"issuer\":\"ISO\",\"reference\":\"RF18539007547034\"}},{\"transacti"
       "onId\":\"T4\",\"endToEndId\":\"E2E-T4\",\"valueDate\":\"2026-03-13\",\"execution"
       "DateTime\":\"2026-03-13T23:59:59Z\",\"transactionAmount\":{\"currency\":\"EUR\","
       "\"amount\":1234567890.12},\"creditorName\":\"C\",\"transactionType\":\"Overschri"
       "jving\",\"remittanceInformationUnstructured\":\"plain\"}],\"pending\":[],\"info"
       "\":[],\"_links\":{\"next\":{\"href\":\"/v2/accounts/x/transactions?next=djF8MjAy"
       "Ni0wMy0xM1QyMzo1OTo1OS4wMDAwMDBafDR8LXwt.2\"}}}}"},
      {"v2_limit2_walk",
       "{\"account\":{\"iban\":\"NL69INGB0123456789\",\"currency\":\"EUR\"},\"transactio"
       "ns\":{\"booked\":[{\"transactionId\":\"T7\",\"endToEndId\":\"E2E-T7\",\"bookingD"
       "ate\":\"2200-02-28\",\"valueDate\":\"2200-02-28\",\"executionDateTime\":\"2200-0"
       "2-28T12:34:56Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":0.99},\""
       "transactionType\":\"Overschrijving\"}],\"pending\":[{\"transactionId\":\"T2\",\""
       "endToEndId\":\"NOTPROVIDED\",\"valueDate\":\"2026-03-15\",\"executionDateTime\":"
       "\"2026-03-15T09:00:00Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":"
       "0.00},\"creditorAccount\":{\"iban\":\"NL02ABNA0123456789\"},\"debtorName\":\"Onl"
       "y A Name\"}],\"info\":[],\"_links\":{\"next\":{\"href\":\"/v2/accounts/x/transac"
       "tions?next=djF8MjAyNi0wMy0xNVQwOTowMDowMC4wMDAwMDBafDJ8LXwt.2\"}}}}\n{\"account"
       "\":{\"iban\":\"NL69INGB0123456789\",\"currency\":\"EUR\"},\"transactions\":{\"bo"
       "oked\":[{\"transactionId\":\"T1\",\"endToEndId\":\"E2E-T1\",\"bookingDate\":\"20"
       "26-03-14\",\"valueDate\":\"2026-03-14\",\"executionDateTime\":\"2026-03-14T08:15"
       ":30Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":-12.34},\"creditor"
       "Name\":\"Albert \\\"AH\\\" Heijn\",\"creditorAccount\":{\"iban\":\"NL02ABNA01234"
       "56789\",\"bic\":\"ABNANL2A\"},\"debtorName\":\"A. van Dijk\",\"debtorAccount\":{"
       "\"iban\":\"NL69INGB0123456789\"},\"transactionType\":\"Overschrijving\",\"remitt"
       "anceInformationUnstructured\":\"quote \\\" backslash \\\\ slash / nl \\n tab \\t"
       " cr \\r bs \\b ff \\f ctl \\u0001\\u001f del \177 utf-8 \303\251 \342\202\254 "
       "\360\237\230\200 <br>end\",\"remittanceInformationStructured\":{\"type\":\"SCOR"
       "\",\"issuer\":\"ISO\",\"reference\":\"RF18539007547034\"}},{\"transactionId\":\""
       "T4\",\"endToEndId\":\"E2E-T4\",\"valueDate\":\"2026-03-13\",\"executionDateTime"
       "\":\"2026-03-13T23:59:59Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount"
       "\":1234567890.12},\"creditorName\":\"C\",\"transactionType\":\"Overschrijving\","
       "\"remittanceInformationUnstructured\":\"plain\"}],\"pending\":[],\"info\":[],\"_"
       "links\":{\"next\":{\"href\":\"/v2/accounts/x/transactions?next=djF8MjAyNi0wMy0xM"
       "1QyMzo1OTo1OS4wMDAwMDBafDR8LXwt.2\"}}}}\n{\"account\":{\"iban\":\"NL69INGB012345"
       "6789\",\"currency\":\"EUR\"},\"transactions\":{\"booked\":[{\"transactionId\":\""
       "T3\",\"endToEndId\":\"E2E-T3\",\"bookingDate\":\"2026-03-13\",\"executionDateTim"
       "e\":\"2026-03-13T23:59:59Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amoun"
       "t\":-0.01},\"transactionType\":\"Overschrijving\",\"remittanceInformationStructu"
       "red\":{\"type\":\"SCOR\",\"issuer\":\"ISO\",\"reference\":\"RF71\"}}],\"pending"
       "\":[{\"transactionId\":\"T\\\"8\\\\\",\"endToEndId\":\"E2E-T\\\"8\\\\\",\"valueD"
       "ate\":\"2026-03-10\",\"executionDateTime\":\"2026-03-10T00:00:00Z\",\"transactio"
       "nAmount\":{\"currency\":\"EUR\",\"amount\":-1.00},\"transactionType\":\"Overschr"
       "ijving\"}],\"info\":[],\"_links\":{\"next\":{\"href\":\"/v2/accounts/x/transacti"
       "ons?next=djF8MjAyNi0wMy0xMFQwMDowMDowMC4wMDAwMDBafDh8LXwt.2\"}}}}\n{\"account\":"
       "{\"iban\":\"NL69INGB0123456789\",\"currency\":\"EUR\"},\"transactions\":{\"booke"
       "d\":[{\"transactionId\":\"T9\",\"endToEndId\":\"E2E-T9\",\"bookingDate\":\"2024-"
       "02-29\",\"valueDate\":\"2024-02-29\",\"executionDateTime\":\"2024-02-29T12:00:00"
       "Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":10.00},\"transactionT"
       "ype\":\"Overschrijving\"},{\"transactionId\":\"T6\",\"endToEndId\":\"E2E-T6\",\""
       "bookingDate\":\"1970-01-01\",\"valueDate\":\"1970-01-01\",\"executionDateTime\":"
       "\"1970-01-01T00:00:00Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":"
       "0.05},\"transactionType\":\"Overschrijving\"}],\"pending\":[],\"info\":[],\"_lin"
       "ks\":{\"next\":{\"href\":\"/v2/accounts/x/transactions?next=djF8MTk3MC0wMS0wMVQw"
       "MDowMDowMC4wMDAwMDBafDZ8LXwt.2\"}}}}\n{\"account\":{\"iban\":\"NL69INGB012345678"
       "9\",\"currency\":\"EUR\"},\"transactions\":{\"booked\":[{\"transactionId\":\"T5"
       "\",\"endToEndId\":\"E2E-T5\",\"bookingDate\":\"1969-12-31\",\"valueDate\":\"1969"
       "-12-31\",\"executionDateTime\":\"1969-12-31T23:59:59Z\",\"transactionAmount\":{"
       "\"currency\":\"EUR\",\"amount\":-0.05},\"transactionType\":\"Overschrijving\"}],"
       "\"pending\":[],\"info\":[]}}\n"},
      {"v2_limit1_range",
       "{\"account\":{\"iban\":\"NL69INGB0123456789\",\"currency\":\"EUR\"},\"transactio"
       "ns\":{\"booked\":[{\"transactionId\":\"T1\",\"endToEndId\":\"E2E-T1\",\"bookingD"
       "ate\":\"2026-03-14\",\"valueDate\":\"2026-03-14\",\"executionDateTime\":\"2026-0"
       "3-14T08:15:30Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":-12.34},"
       "\"creditorName\":\"Albert \\\"AH\\\" Heijn\",\"creditorAccount\":{\"iban\":\"NL0"
       "2ABNA0123456789\",\"bic\":\"ABNANL2A\"},\"debtorName\":\"A. van Dijk\",\"debtorA"
       "ccount\":{\"iban\":\"NL69INGB0123456789\"},\"transactionType\":\"Overschrijving"
       "\",\"remittanceInformationUnstructured\":\"quote \\\" backslash \\\\ slash / nl "
       "\\n tab \\t cr \\r bs \\b ff \\f ctl \\u0001\\u001f del \177 utf-8 \303\251 \342"
       "\202\254 \360\237\230\200 <br>end\",\"remittanceInformationStructured\":{\"type"
       "\":\"SCOR\",\"issuer\":\"ISO\",\"reference\":\"RF18539007547034\"}}],\"pending\""
       ":[],\"info\":[],\"_links\":{\"next\":{\"href\":\"/v2/accounts/x/transactions?nex"
       "t=djF8MjAyNi0wMy0xNFQwODoxNTozMC4wMDAwMDBafDF8MjAyNi0wMy0xM1QwMDowMDowMC4wMDAwMD"
       "BafDIwMjYtMDMtMTRUMjM6NTk6NTkuMDAwMDAwWg.1\"}}}}\n{\"account\":{\"iban\":\"NL69I"
       "NGB0123456789\",\"currency\":\"EUR\"},\"transactions\":{\"booked\":[{\"transacti"
       "onId\":\"T4\",\"endToEndId\":\"E2E-T4\",\"valueDate\":\"2026-03-13\",\"execution"
       "DateTime\":\"2026-03-13T23:59:59Z\",\"transactionAmount\":{\"currency\":\"EUR\","
       "\"amount\":1234567890.12},\"creditorName\":\"C\",\"transactionType\":\"Overschri"
       "jving\",\"remittanceInformationUnstructured\":\"plain\"}],\"pending\":[],\"info"
       "\":[],\"_links\":{\"next\":{\"href\":\"/v2/accounts/x/transactions?next=djF8MjAy"
       "Ni0wMy0xM1QyMzo1OTo1OS4wMDAwMDBafDR8MjAyNi0wMy0xM1QwMDowMDowMC4wMDAwMDBafDIwMjYt"
       "MDMtMTRUMjM6NTk6NTkuMDAwMDAwWg.1\"}}}}\n{\"account\":{\"iban\":\"NL69INGB0123456"
       "789\",\"currency\":\"EUR\"},\"transactions\":{\"booked\":[{\"transactionId\":\"T"
       "3\",\"endToEndId\":\"E2E-T3\",\"bookingDate\":\"2026-03-13\",\"executionDateTime"
       "\":\"2026-03-13T23:59:59Z\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount"
       "\":-0.01},\"transactionType\":\"Overschrijving\",\"remittanceInformationStructur"
       "ed\":{\"type\":\"SCOR\",\"issuer\":\"ISO\",\"reference\":\"RF71\"}}],\"pending\""
       ":[],\"info\":[]}}\n"},
      {"v2_today",
       "{\"account\":{\"iban\":\"NL69INGB0123456789\",\"currency\":\"EUR\"},\"transactions\":{"
       "\"booked\":[],\"pending\":[{\"transactionId\":\"T2\",\"endToEndId\":\"NOTPROVIDED\","
       "\"valueDate\":\"2026-03-15\",\"executionDateTime\":\"2026-03-15T09:00:00Z\","
       "\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":0.00},\"creditorAccount\":{\"iban\":"
       "\"NL02ABNA0123456789\"},\"debtorName\":\"Only A Name\"}],\"info\":[]}}"},
      {"v2_empty",
       "{\"account\":{\"iban\":\"NL69INGB0123456789\",\"currency\":\"EUR\"},\"transactio"
       "ns\":{\"booked\":[],\"pending\":[],\"info\":[]}}"},
      {"card_all",
       "{\"cardAccount\":{\"iban\":\"NL69INGB0123456789\",\"maskedPan\":\"5355********12"
       "34\",\"currency\":\"EUR\"},\"cardTransactions\":{\"booked\":[{\"cardTransactionI"
       "d\":\"C1\",\"transactionDate\":\"2026-03-12\",\"bookingDate\":\"2026-03-12\",\"t"
       "ransactionAmount\":{\"currency\":\"EUR\",\"amount\":-25.99},\"maskedPan\":\"5355"
       "********1234\",\"transactionDetails\":\"Bol.com \\\"Utrecht\\\" \342\202\254\"},"
       "{\"cardTransactionId\":\"C3\",\"transactionDate\":\"2026-03-01\",\"transactionAm"
       "ount\":{\"currency\":\"EUR\",\"amount\":50.00}}],\"pending\":[{\"cardTransaction"
       "Id\":\"C2\",\"transactionDate\":\"2026-03-14\",\"transactionAmount\":{\"currency"
       "\":\"EUR\",\"amount\":-1.00},\"maskedPan\":\"5355********1234\"}]}}"},
      {"card_limit1_walk",
       "{\"cardAccount\":{\"iban\":\"NL69INGB0123456789\",\"maskedPan\":\"5355********12"
       "34\",\"currency\":\"EUR\"},\"cardTransactions\":{\"booked\":[],\"pending\":[{\"c"
       "ardTransactionId\":\"C2\",\"transactionDate\":\"2026-03-14\",\"transactionAmount"
       "\":{\"currency\":\"EUR\",\"amount\":-1.00},\"maskedPan\":\"5355********1234\"}],"
       "\"_links\":{\"next\":{\"href\":\"/v1/card-accounts/x/transactions?next=djF8MjAyN"
       "i0wMy0xNFQwNzowMDowMC4wMDAwMDBafDExfC18LQ.1\"}}}}\n{\"cardAccount\":{\"iban\":\""
       "NL69INGB0123456789\",\"maskedPan\":\"5355********1234\",\"currency\":\"EUR\"},\""
       "cardTransactions\":{\"booked\":[{\"cardTransactionId\":\"C1\",\"transactionDate"
       "\":\"2026-03-12\",\"bookingDate\":\"2026-03-12\",\"transactionAmount\":{\"curren"
       "cy\":\"EUR\",\"amount\":-25.99},\"maskedPan\":\"5355********1234\",\"transaction"
       "Details\":\"Bol.com \\\"Utrecht\\\" \342\202\254\"}],\"pending\":[],\"_links\":{"
       "\"next\":{\"href\":\"/v1/card-accounts/x/transactions?next=djF8MjAyNi0wMy0xMlQxO"
       "Do0NTowMC4wMDAwMDBafDEwfC18LQ.1\"}}}}\n{\"cardAccount\":{\"iban\":\"NL69INGB0123"
       "456789\",\"maskedPan\":\"5355********1234\",\"currency\":\"EUR\"},\"cardTransact"
       "ions\":{\"booked\":[{\"cardTransactionId\":\"C3\",\"transactionDate\":\"2026-03-"
       "01\",\"transactionAmount\":{\"currency\":\"EUR\",\"amount\":50.00}}],\"pending\""
       ":[]}}\n"},
  };
  return goldens;
}

const std::map<std::string, std::string_view>& seeded_hashes() {
  static const std::map<std::string, std::string_view> hashes = {
      {"v2_first", "bfab3b5502d23e509c1513ea594cc42cdb6fd14f8b164ee354e63b136dc9b74b"},
      {"v2_second", "298f8a17e1f6b86065a357b431c48c60d1a741fa96391be09850c26cf8342794"},
      {"v3_first", "ab88b46e0c0c226824c0e9f6980a2a4fbf49c9282c2704758a4e11ecd16805cd"},
      {"v3_omit", "7f723430cabf73529fb1a5d2c1bfcc7ab51f7fa0ea119ae9a66d6ad1a380cbe9"},
      {"v2_range", "06cfa6f25b2ac76ef21d1cb3c3efdc69484ae003eea287f6814e5e2713782965"},
      {"v2_limit1", "7a801a0d53d54cfd99c941018f554933a13d7fa04455e4e0ecac01a3d557d25a"},
      {"v2_limit1000", "1cd78a39405b5fb137dcda5e7823073f7e30379f305cc25433f1e2b7e7f16d97"},
      {"v2_default_period", "b5bba86701b1fede369ff5f249a94efaf73be2d978b47f607e57cd3ae37a39f1"},
      {"v3_walk17", "35bfff67b717c832cb6e09de2e94dcc00e99548667c7571fd24013dfa6099cfa"},
      {"card_first", "eb61baa7ec3c6f07efa2fb74b75bc29124315835b805e8f194074073b81272de"},
      {"card_second", "ab410885c682190734cc712bea5bed52069ea9ddbac0b041c3c10d6e7d912954"},
      {"every_account", "79350b6f383489804e996da1c76c73fb93e872aa78652cf63a84d1c357bc4eea"},
  };
  return hashes;
}

}  // namespace
}  // namespace sandbank::api
