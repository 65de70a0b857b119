// The Account Information API on the real binary: the guide's step 4 scripts, every endpoint
// with a customer token from the authorization pages, paging to the end, scope and consent
// enforcement and the tppMessages error bodies.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>
#include <set>
#include <string_view>

#include "support/server_suite.hpp"

namespace sandbank::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kBothScopes =
    "payment-accounts%3Abalances%3Aview+payment-accounts%3Atransactions%3Aview";

using Answer = ScriptAnswer;

class AisTest : public ServerSuite<AisTest> {
 protected:
  static void SetUpTestSuite() {
    ServerSuite::SetUpTestSuite();
    app_token_ = guide_->app_token();
    john_ = guide_->customer_token("John Doe", kBothScopes, app_token_);
  }

  static Answer get(const std::string& path, const std::string& token) {
    return guide_->call_with(token, "GET", path, "");
  }

  static ProcessResult guide(const std::string& script, const std::string& token,
                             const std::string& account = "") {
    auto path = fs::path(SANDBANK_SOURCE_DIR) / "tests/interop/guide" / script;
    return run_bash("SANDBANK_HOST=" + server_->api_url() +
                        " SANDBANK_CERTS=" + (server_->data_dir() / "certs").string() +
                        " SANDBANK_TOKEN='" + token + "' SANDBANK_ACCOUNT='" + account + "' bash " +
                        path.string() + " 2>/dev/null",
                    tmp_->path());
  }

  // The accounts of John's consent: {kind-ish product, id}; the card account is the one with
  // maskedPan.
  static json::array accounts() {
    auto a = get("/v3/accounts", john_);
    EXPECT_EQ(a.status, 200) << a.text;
    return a.body.at("accounts").as_array();
  }
  static std::string account_id(bool card) {
    for (const auto& acc : accounts()) {
      if (acc.as_object().contains("maskedPan") == card) {
        return std::string(acc.at("resourceId").as_string());
      }
    }
    return "";
  }

  static void expect_error(const Answer& a, long status, const std::string& code,
                           const std::string& path = "") {
    EXPECT_EQ(a.status, status) << a.text;
    EXPECT_EQ(a.tpp("category"), "ERROR") << a.text;
    EXPECT_EQ(a.tpp("code"), code) << a.text;
    if (!path.empty()) {
      EXPECT_EQ(a.tpp("path"), path) << a.text;
    }
    EXPECT_FALSE(a.detail().empty()) << a.text;
  }

  static inline std::string app_token_;
  static inline std::string john_;
};
// Suite name matches `ctest -R ais`.
using ais = AisTest;

TEST_F(ais, GuideScriptsReadAccountsAndBalances) {
  auto r = guide("step4_accounts.sh", john_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(" 200"), std::string::npos) << r.out;
  auto request_id = first_match(r.out, "(?:^|\n)[Xx]-[Rr]equest-[Ii][Dd]: ([0-9a-f-]+)");
  EXPECT_EQ(request_id.size(), 36u) << r.out;  // echoed
  auto body = json::parse(r.out.substr(r.out.find("\r\n\r\n") + 4));
  const auto& list = body.at("accounts").as_array();
  ASSERT_EQ(list.size(), 2u) << r.out;
  for (const auto& acc : list) {
    const auto& o = acc.as_object();
    for (const char* field : {"resourceId", "iban", "name", "currency", "product", "_links"}) {
      EXPECT_TRUE(o.contains(field)) << field;
    }
    auto id = std::string(o.at("resourceId").as_string());
    EXPECT_EQ(o.at("_links").at("balances").at("href").as_string(),
              "/v3/accounts/" + id + "/balances?currency=EUR");
    auto transactions = std::string(o.at("_links").at("transactions").at("href").as_string());
    EXPECT_EQ(transactions, (o.contains("maskedPan") ? "/v1/card-accounts/" : "/v2/accounts/") +
                                id + "/transactions?currency=EUR");
  }

  auto id = std::string(list.at(0).at("resourceId").as_string());
  auto b = guide("step4_balances.sh", john_, id);
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE(b.out.find(" 200"), std::string::npos) << b.out;
  auto text = b.out.substr(b.out.find("\r\n\r\n") + 4);
  auto balances = json::parse(text);
  EXPECT_EQ(balances.at("account").at("currency").as_string(), "EUR");
  std::set<std::string> types;
  for (const auto& entry : balances.at("balances").as_array()) {
    types.insert(std::string(entry.at("balanceType").as_string()));
    EXPECT_TRUE(entry.at("balanceAmount").at("amount").is_number()) << text;
    EXPECT_TRUE(entry.as_object().contains("lastChangeDateTime"));
    EXPECT_TRUE(entry.as_object().contains("referenceDate"));
  }
  EXPECT_EQ(types, (std::set<std::string>{"closingBooked", "expected", "interimBooked",
                                          "interimAvailable"}));
  // Amounts are printed with two decimals.
  EXPECT_TRUE(std::regex_search(text, std::regex("\"amount\":-?[0-9]+\\.[0-9]{2}[,}]"))) << text;
}

TEST_F(ais, BalanceTypesFilterAndErrors) {
  auto id = account_id(false);
  auto one = get("/v3/accounts/" + id + "/balances?balanceTypes=expected", john_);
  ASSERT_EQ(one.status, 200) << one.text;
  ASSERT_EQ(one.body.at("balances").as_array().size(), 1u);
  EXPECT_EQ(one.body.at("balances").at(0).at("balanceType").as_string(), "expected");
  expect_error(get("/v3/accounts/" + id + "/balances?balanceTypes=expected,bogus", john_), 400,
               "REQUESTED_BALANCES_INVALID", "balanceTypes");
  expect_error(get("/v3/accounts/" + id + "/balances?currency=USD", john_), 400,
               "REQUESTED_CURRENCY_INVALID", "currency");
  expect_error(get("/v3/accounts/00000000-0000-0000-0000-000000000000/balances", john_), 404,
               "RESOURCE_UNKNOWN");
}

// Each page carries its share of the booked and of the pending list; paged to the end, each
// list equals the one of a single page holding everything (compared list by list: a page puts
// its booked entries before its pending ones, so one concatenation would depend on where the
// pages cut).
TEST_F(ais, TransactionsPagedToTheEndEqualTheFullHistory) {
  auto id = account_id(false);
  struct Collected {
    std::vector<std::string> booked, pending;
    int pages = 0;
  };
  auto collect = [&](const std::string& first) {
    Collected out;
    std::string path = first;
    while (!path.empty() && out.pages < 200) {
      auto page = get(path, john_);
      EXPECT_EQ(page.status, 200) << page.text;
      if (page.status != 200) break;
      ++out.pages;
      const auto& t = page.body.at("transactions").as_object();
      for (const char* list : {"booked", "pending"}) {
        auto& ids = std::string_view(list) == "booked" ? out.booked : out.pending;
        for (const auto& entry : t.at(list).as_array()) {
          ids.emplace_back(entry.at("transactionId").as_string());
          EXPECT_TRUE(entry.at("transactionAmount").at("amount").is_number());
        }
      }
      path.clear();
      if (t.contains("_links"))
        path = std::string(t.at("_links").at("next").at("href").as_string());
    }
    return out;
  };
  auto all = collect("/v2/accounts/" + id + "/transactions?dateFrom=2000-01-01&limit=1000");
  ASSERT_GT(all.booked.size(), 50u);
  auto paged = collect("/v3/accounts/" + id + "/transactions?dateFrom=2000-01-01&limit=17");
  EXPECT_EQ(paged.booked, all.booked);
  EXPECT_EQ(paged.pending, all.pending);
  auto total = all.booked.size() + all.pending.size();
  EXPECT_GE(paged.pages, static_cast<int>(total / 17));
  std::set<std::string> distinct(all.booked.begin(), all.booked.end());
  distinct.insert(all.pending.begin(), all.pending.end());
  EXPECT_EQ(distinct.size(), total);
}

TEST_F(ais, TransactionsV3OmitsFieldsAndCardAccountsHaveTheirOwnList) {
  auto id = account_id(false);
  auto full = get("/v3/accounts/" + id + "/transactions?dateFrom=2000-01-01&limit=50", john_);
  ASSERT_EQ(full.status, 200) << full.text;
  EXPECT_NE(full.text.find("remittanceInformationUnstructured"), std::string::npos);
  auto omitted = get("/v3/accounts/" + id +
                         "/transactions?dateFrom=2000-01-01&limit=50&fieldsToOmit="
                         "remittanceInformationUnstructured,debtorName",
                     john_);
  ASSERT_EQ(omitted.status, 200) << omitted.text;
  EXPECT_EQ(omitted.text.find("remittanceInformationUnstructured"), std::string::npos);
  EXPECT_EQ(omitted.text.find("debtorName"), std::string::npos);
  expect_error(get("/v3/accounts/" + id + "/transactions?fieldsToOmit=iban", john_), 400,
               "FIELDS_TO_OMIT_INVALID", "fieldsToOmit");

  auto card = account_id(true);
  ASSERT_FALSE(card.empty());
  auto cards = get("/v1/card-accounts/" + card + "/transactions?dateFrom=2000-01-01", john_);
  ASSERT_EQ(cards.status, 200) << cards.text;
  EXPECT_TRUE(cards.object().contains("cardAccount"));
  EXPECT_TRUE(cards.body.at("cardTransactions").as_object().contains("booked"));
  expect_error(get("/v2/accounts/" + card + "/transactions", john_), 404, "RESOURCE_UNKNOWN");
  expect_error(get("/v1/card-accounts/" + id + "/transactions", john_), 404, "RESOURCE_UNKNOWN");
}

TEST_F(ais, BadParametersAre400NamingTheParameter) {
  auto base = "/v2/accounts/" + account_id(false) + "/transactions?";
  expect_error(get(base + "dateFrom=2024-13-01", john_), 400, "FORMAT_ERROR", "dateFrom");
  expect_error(get(base + "dateTo=yesterday", john_), 400, "FORMAT_ERROR", "dateTo");
  expect_error(get(base + "dateFrom=2024-02-01&dateTo=2024-01-01", john_), 400, "PERIOD_INVALID",
               "dateFrom");
  expect_error(get(base + "dateFrom=2999-01-01", john_), 400, "PERIOD_INVALID", "dateFrom");
  expect_error(get(base + "limit=0", john_), 400, "FORMAT_ERROR", "limit");
  expect_error(get(base + "limit=1001", john_), 400, "FORMAT_ERROR", "limit");
  expect_error(get(base + "next=garbage", john_), 400, "FORMAT_ERROR", "next");
  EXPECT_EQ(get(base + "dateFrom=2024-01-01T00:00:00Z&dateTo=2024-01-31", john_).status, 200);
}

TEST_F(ais, ScopeConsentAndTokenEnforcement) {
  auto id = account_id(false);
  // A balances-only consent cannot read transactions.
  auto balances_only =
      guide_->customer_token("John Doe", "payment-accounts%3Abalances%3Aview", app_token_);
  EXPECT_EQ(get("/v3/accounts/" + id + "/balances", balances_only).status, 200);
  auto denied = get("/v2/accounts/" + id + "/transactions", balances_only);
  EXPECT_EQ(denied.status, 403) << denied.text;
  EXPECT_EQ(denied.detail(), "token.insufficient_scope");
  // Jane's consent does not cover John's account.
  auto jane = guide_->customer_token("Jane Doe", kBothScopes, app_token_);
  auto other = get("/v3/accounts/" + id + "/balances", jane);
  EXPECT_EQ(other.status, 403) << other.text;
  EXPECT_EQ(other.detail(), "ais.account_not_in_consent");
  EXPECT_EQ(get("/v3/accounts", jane).body.at("accounts").as_array().size(), 1u);
  // An application token is the wrong kind.
  expect_error(get("/v3/accounts", app_token_), 401, "INVALID_HEADER");
  expect_error(get("/v3/accounts", "not-a-token"), 401, "INVALID_HEADER");
  // A signature by another key id.
  auto wrong_key =
      guide_->call("GET", "/v3/accounts", "", {"BEARER='" + john_ + "'", "KEY_ID=someone-else"});
  expect_error(wrong_key, 401, "INVALID_HEADER");
  // No signature at all.
  auto unsigned_call = mtls_curl(*server_, {"-H", "Authorization: Bearer " + john_, "-H",
                                            "X-Request-ID: 11111111-2222-3333-4444-555555555555",
                                            server_->api_url() + "/v3/accounts"});
  EXPECT_EQ(unsigned_call.status, 401) << unsigned_call.body;
  EXPECT_EQ(unsigned_call.header("X-Request-ID").value_or(""),
            "11111111-2222-3333-4444-555555555555");
  EXPECT_NE(unsigned_call.body.find("\"tppMessages\""), std::string::npos);
}

TEST_F(ais, CustomerTokenOverAnotherCertificateIs401) {
  // A second TLS certificate of the sandbox CA, trusted on its own, with the same signing key:
  // John's token is bound to example_client_tls.cer and must not work over it (RFC 8705).
  auto certs = server_->data_dir() / "certs";
  auto other = tmp_->path() / "other-tls";
  auto issued = sandbank({"certs", "issue", "--data", server_->data_dir().string(), "--out",
                          other.string(), "--org", "Other TPP", "--roles", "PSP_AI"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  auto mixed = tmp_->path() / "mixed-certs";
  fs::create_directories(mixed);
  for (const char* name : {"ca.cer", "example_client_signing.cer", "example_client_signing.key"}) {
    fs::copy_file(certs / name, mixed / name, fs::copy_options::overwrite_existing);
  }
  fs::copy_file(other / "tls.cer", mixed / "example_client_tls.cer",
                fs::copy_options::overwrite_existing);
  fs::copy_file(other / "tls.key", mixed / "example_client_tls.key",
                fs::copy_options::overwrite_existing);
  // The same call over the original certificate works (and fills the server's caches).
  EXPECT_EQ(get("/v3/accounts", john_).status, 200);
  auto a = guide_->call_with(john_, "GET", "/v3/accounts", "", {"CERTS='" + mixed.string() + "'"});
  expect_error(a, 401, "INVALID_HEADER");
  EXPECT_EQ(a.detail(), "token.certificate_mismatch") << a.text;
  EXPECT_EQ(get("/v3/accounts", john_).status, 200);
}

// Errors that no handler renders (wrong method, unknown path) answer AIS/PIS paths with the
// tppMessages body of ING's files and echo X-Request-ID, like every other answer there.
TEST_F(ais, RouterErrorsOnApiPathsAreTppMessages) {
  auto call = [&](const std::string& method, const std::string& path) {
    return mtls_curl(*server_,
                     {"-X", method, "-H", "X-Request-ID: 99999999-2222-3333-4444-555555555555",
                      server_->api_url() + path});
  };
  struct Case {
    std::string method, path;
    long status;
    std::string code;
  };
  for (const auto& c : std::vector<Case>{
           {"DELETE", "/v3/accounts", 405, "ING_ERROR"},
           {"POST", "/v3/accounts/x/balances", 405, "ING_ERROR"},
           {"PUT", "/v1/payments/sepa-credit-transfers", 405, "SERVICE_INVALID"},
           {"PATCH", "/v1/funds-confirmations", 405, "SERVICE_INVALID"},
           {"GET", "/v3/accounts/x/nothing-here", 404, "RESOURCE_UNKNOWN"},
           {"GET", "/v1/payments/sepa-credit-transfers/x/y/z", 404, "RESOURCE_UNKNOWN"}}) {
    auto r = call(c.method, c.path);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.path << " " << r.body;
    auto body = boost::json::parse(r.body).as_object();
    const auto& message = body.at("tppMessages").as_array().at(0).as_object();
    EXPECT_EQ(message.at("code").as_string(), c.code) << c.path;
    EXPECT_EQ(message.at("category").as_string(), "ERROR");
    EXPECT_EQ(r.header("X-Request-ID").value_or(""), "99999999-2222-3333-4444-555555555555")
        << c.path;
  }
  // Elsewhere on the API listener the plain {"message","detail"} body stays.
  auto other = call("DELETE", "/sandbank/whoami");
  EXPECT_EQ(other.status, 405);
  EXPECT_NE(other.body.find("\"message\""), std::string::npos) << other.body;
  EXPECT_EQ(other.body.find("tppMessages"), std::string::npos) << other.body;
}

// Consents are cached by the server; a change made by another process (here the sqlite3
// shell on the live store) must still be refused on the very next call.
TEST_F(ais, RevokedOrExpiredConsentIsRefusedOnTheNextCall) {
  if (run({"sh", "-c", "command -v sqlite3"}).exit_code != 0) {
    GTEST_SKIP() << "sqlite3 shell not installed";
  }
  auto db = (server_->data_dir() / "sandbank.db").string();
  auto newest_consent = [&](const std::string& set) {
    auto r = run({"sqlite3", "-cmd", ".timeout 5000", db,
                  "UPDATE consents SET " + set +
                      " WHERE id = (SELECT id FROM consents ORDER BY created_at DESC LIMIT 1)"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  };
  auto revoked = guide_->customer_token("Jane Doe", kBothScopes, app_token_);
  ASSERT_EQ(get("/v3/accounts", revoked).status, 200);
  ASSERT_EQ(get("/v3/accounts", revoked).status, 200);  // now answered from the caches
  newest_consent("status = 'revoked'");
  auto after_revoke = get("/v3/accounts", revoked);
  expect_error(after_revoke, 401, "SERVICE_BLOCKED");
  EXPECT_EQ(after_revoke.detail(), "consent.revoked") << after_revoke.text;

  auto expired = guide_->customer_token("Jane Doe", kBothScopes, app_token_);
  ASSERT_EQ(get("/v3/accounts", expired).status, 200);
  newest_consent("expires_at = '2001-01-01T00:00:00.000000Z'");
  auto after_expiry = get("/v3/accounts", expired);
  expect_error(after_expiry, 401, "SERVICE_BLOCKED");
  EXPECT_EQ(after_expiry.detail(), "consent.expired") << after_expiry.text;
  // John's consent is untouched.
  EXPECT_EQ(get("/v3/accounts", john_).status, 200);
}

// The accounts are cached, but a change committed by another process (here the sqlite3 shell;
// `sandbank data reset` in practice) shows on the next call.
TEST_F(ais, AccountChangesOfAnotherProcessShowOnTheNextCall) {
  if (run({"sh", "-c", "command -v sqlite3"}).exit_code != 0) {
    GTEST_SKIP() << "sqlite3 shell not installed";
  }
  auto db = (server_->data_dir() / "sandbank.db").string();
  auto id = account_id(false);
  ASSERT_FALSE(id.empty());
  auto name_of = [&](const json::array& list) {
    for (const auto& acc : list) {
      if (acc.at("resourceId").as_string() == id) return std::string(acc.at("name").as_string());
    }
    return std::string();
  };
  const std::string before = name_of(accounts());
  ASSERT_FALSE(before.empty());
  ASSERT_EQ(name_of(accounts()), before);  // answered from the cache
  auto rename = [&](const std::string& name) {
    auto r = run({"sqlite3", "-cmd", ".timeout 5000", db,
                  "UPDATE bank_accounts SET name = '" + name + "' WHERE id = '" + id + "'"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  };
  rename("Renamed by the shell");
  EXPECT_EQ(name_of(accounts()), "Renamed by the shell");
  rename(before);
  EXPECT_EQ(name_of(accounts()), before);
}

// A revoked customer token is refused on the next call although it was just validated (the
// validation cache).
TEST_F(ais, RevokedCustomerTokenIsRefusedOnTheNextCall) {
  auto token = guide_->customer_token("Jane Doe", kBothScopes, app_token_);
  ASSERT_EQ(get("/v3/accounts", token).status, 200);
  ASSERT_EQ(get("/v3/accounts", token).status, 200);
  auto revoke = guide_->call_with(app_token_, "POST", "/oauth2/token/revoke", "token=" + token);
  ASSERT_EQ(revoke.status, 200) << revoke.text;
  auto after = get("/v3/accounts", token);
  expect_error(after, 401, "INVALID_HEADER");
  EXPECT_EQ(get("/v3/accounts", john_).status, 200);
}

}  // namespace
}  // namespace sandbank::testing
