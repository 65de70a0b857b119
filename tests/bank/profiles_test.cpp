#include "bank/profiles.hpp"

#include <gtest/gtest.h>

#include <set>

#include "bank/iban.hpp"
#include "core/error.hpp"

namespace sandbank::bank {
namespace {

const AccountSpec* account(const Profiles& p, std::string_view id) {
  for (const auto& profile : p.profiles) {
    for (const auto& a : profile.accounts) {
      if (a.id == id) return &a;
    }
  }
  return nullptr;
}

TEST(Profiles, NetherlandsHasTheGuidesEightProfiles) {
  const auto& p = builtin_profiles();
  std::vector<std::string> names;
  for (const auto* profile : p.of_country("NL")) names.push_back(profile->name);
  EXPECT_EQ(names, (std::vector<std::string>{"Hr A van Dijk, Mw B Mol-van Dijk", "A Van Dijk",
                                             "Alice and Bob", "Jane Doe", "John Doe", "Peter Smith",
                                             "Sarah Smith", "W Van Dijk"}));
  for (const auto* profile : p.of_country("NL")) {
    EXPECT_TRUE(profile->can_grant(kScopeBalances)) << profile->name;
    EXPECT_TRUE(profile->can_grant(kScopeTransactions)) << profile->name;
  }
}

TEST(Profiles, EveryCountryHasAFewProfiles) {
  const auto& p = builtin_profiles();
  for (const auto& country : profile_countries()) {
    auto list = p.of_country(country);
    if (country == "NL") continue;
    EXPECT_GE(list.size(), 2u) << country;
    EXPECT_LE(list.size(), 4u) << country;
  }
  EXPECT_EQ(p.offering("BE", {std::string(kScopeBalances), std::string(kScopeTransactions)}).size(),
            2u);
}

TEST(Profiles, DocumentedAccountsExist) {
  const auto& p = builtin_profiles();
  auto* a = account(p, "7de0041d-4f25-4b6c-a885-0bbeb1eab220");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->iban, "NL69INGB0123456789");
  EXPECT_EQ(p.find("nl-a-van-dijk")->accounts[0].id, a->id);

  a = account(p, "37608c1d-4d6a-40a2-850c-2462f2e26e80");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->iban, "RO44INGB0000999908767270");
  EXPECT_EQ(a->currency, "RON");
  EXPECT_EQ(a->product, "Cont Curent");
  a = account(p, "1e19978f-b07c-4018-960f-0150bcefd317");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->kind, "card");
  EXPECT_EQ(a->iban, "RO44INGB0000999908767270");
  EXPECT_FALSE(a->masked_pan.empty());
  EXPECT_EQ(account(p, "68ef156b-2f9f-4c50-9a55-d74d8139f542")->iban, "RO20INGB0000999904952401");

  a = account(p, "a217d676-7559-4f2a-83dc-5da0c2279223");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->iban, "AT861921012345678912");
  EXPECT_EQ(a->name, "Hans Mustermann");
  EXPECT_EQ(a->product, "Girokonto");
  a = account(p, "22ea6e67-b1db-48c6-b0fb-c8c3a6c4433c");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->iban, "AT861921012345678913");
  EXPECT_EQ(a->name, "Laura Musterfrau");
  bool creditor = false;
  for (const auto& acc : p.find("at-laura-musterfrau")->accounts) {
    creditor = creditor || acc.iban == "AT861921125678901234";
  }
  EXPECT_TRUE(creditor);
}

TEST(Profiles, AccountsAreWellFormed) {
  const auto& p = builtin_profiles();
  std::set<std::string> ids, ibans;
  bool usd = false, gbp = false, joint = false, scenario = false, subset = false;
  for (const auto& profile : p.profiles) {
    EXPECT_FALSE(profile.accounts.empty());
    if (!profile.scenario.empty()) {
      scenario = true;
      EXPECT_EQ(p.scenarios.count(profile.scenario), 1u) << profile.scenario;
    }
    subset = subset || profile.scopes.size() < 3;
    for (const auto& a : profile.accounts) {
      EXPECT_TRUE(ids.insert(a.id).second) << a.id;
      EXPECT_EQ(a.bic, ing_bic(profile.country));
      EXPECT_FALSE(a.product.empty());
      usd = usd || a.currency == "USD";
      gbp = gbp || a.currency == "GBP";
      joint = joint || (profile.name == "Alice and Bob" && a.name == "Alice and Bob");
      if (a.kind == "card") {
        EXPECT_FALSE(a.masked_pan.empty());
        EXPECT_GT(a.credit_limit_minor, 0);
        continue;
      }
      EXPECT_TRUE(ibans.insert(a.iban).second) << a.iban;
      EXPECT_EQ(a.iban.substr(0, 2), iban_country(profile.country)) << a.iban;
      if (!a.iban_as_documented) {
        auto v = validate_iban(a.iban);
        EXPECT_TRUE(v.ok()) << a.iban << ": " << v.message;
      }
    }
  }
  EXPECT_TRUE(usd && gbp && joint && scenario && subset);
}

TEST(Profiles, LoaderRejectsBadFilesWithAReason) {
  auto rejects = [](std::string_view text, std::string_view needle) {
    try {
      load_profiles(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "bank.profiles_invalid");
      EXPECT_NE(e.message().find(needle), std::string::npos) << e.message();
    }
  };
  rejects("{", "JSON");
  rejects(R"({"profiles":[{"id":"x","name":"X","country":"FR","accounts":[{"kind":"current"}]}]})",
          "country FR");
  rejects(
      R"({"profiles":[{"id":"x","name":"X","country":"NL","accounts":[{"kind":"current","iban":"NL92ABNA0417164300"}]}]})",
      "check digits");
  rejects(
      R"({"profiles":[{"id":"x","name":"X","country":"NL","scenario":"nope","accounts":[{"kind":"current"}]}]})",
      "scenario");
  rejects(
      R"({"profiles":[{"id":"x","name":"X","country":"NL","accounts":[{"kind":"current"}]},{"id":"x","name":"Y","country":"NL","accounts":[{"kind":"current"}]}]})",
      "twice");
  rejects(
      R"({"profiles":[{"id":"x","name":"X","country":"NL","accounts":[{"kind":"current","balance":"1.234"}]}]})",
      "amount");
  rejects(
      R"({"profiles":[{"id":"x","name":"X","country":"NL","scopes":["x"],"accounts":[{"kind":"current"}]}]})",
      "scope");
  auto ok = load_profiles(
      R"({"profiles":[{"id":"x","name":"X","country":"DE","accounts":[{"kind":"current"},{"kind":"card","settlement_account":"x/0"}]}]})");
  ASSERT_EQ(ok.profiles.size(), 1u);
  EXPECT_EQ(ok.profiles[0].accounts[1].iban, ok.profiles[0].accounts[0].iban);
  EXPECT_EQ(ok.profiles[0].accounts[0].product, "Girokonto");
  EXPECT_EQ(ok.profiles[0].scopes.size(), 3u);
}

TEST(Profiles, ScenariosDeclaredAsObjectsSayWhatTheyDo) {
  auto p = load_profiles(
      R"({"scenarios":{"tricky":{"description":"A tricky bank","consent_lifetime":600,)"
      R"("payment_reject_reason":"AM04","sca":"failed","ais_latency_ms":750,"balance":"3.50"},)"
      R"("plain":"Nothing special"},)"
      R"("profiles":[{"id":"x","name":"X","country":"NL","scenario":"tricky",)"
      R"("accounts":[{"kind":"savings"},{"kind":"current","balance":"900.00"}]},)"
      R"({"id":"y","name":"Y","country":"NL","scenario":"plain","accounts":[{"kind":"current"}]}]})");
  EXPECT_EQ(p.scenarios.at("tricky"), "A tricky bank");
  const auto& b = p.profiles[0].behaviour;
  EXPECT_EQ(b.consent_lifetime, std::chrono::seconds(600));
  EXPECT_EQ(b.payment_reject_reason, "AM04");
  EXPECT_EQ(b.sca, "failed");
  EXPECT_EQ(b.ais_latency, std::chrono::milliseconds(750));
  // The balance is the first current account's.
  EXPECT_EQ(p.profiles[0].accounts[1].balance_minor, 350);
  EXPECT_EQ(p.profiles[0].accounts[0].balance_minor, 100000);
  EXPECT_EQ(p.profiles[1].behaviour, ScenarioBehaviour{});
}

TEST(Profiles, BadScenarioDeclarationsAreRefusedNamingTheEntry) {
  auto rejects = [](std::string_view declaration, std::string_view needle) {
    std::string text = std::string(R"({"scenarios":{"odd":)") + std::string(declaration) +
                       R"(},"profiles":[{"id":"x","name":"X","country":"NL","scenario":"odd",)"
                       R"("accounts":[{"kind":"savings"}]}]})";
    try {
      load_profiles(text);
      ADD_FAILURE() << "accepted: " << declaration;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "bank.profiles_invalid");
      EXPECT_NE(e.message().find("scenario odd"), std::string::npos) << e.message();
      EXPECT_NE(e.message().find(needle), std::string::npos) << e.message();
    }
  };
  rejects(R"({"consent_lifetime":600})", "description");
  rejects(R"({"description":"d","latency":5})", "unknown member \"latency\"");
  rejects(R"({"description":"d","consent_lifetime":10})", "consent_lifetime");
  rejects(R"({"description":"d","consent_lifetime":"600"})", "consent_lifetime");
  rejects(R"({"description":"d","ais_latency_ms":30001})", "ais_latency_ms");
  rejects(R"({"description":"d","sca":"maybe"})", "sca must be");
  rejects(R"({"description":"d","payment_reject_reason":"am04"})", "payment_reject_reason");
  rejects(R"({"description":"d","balance":"1.234"})", "balance");
  rejects(R"(7)", "description must be a string");
  // A balance needs a current account to go to: the profile is named.
  try {
    load_profiles(R"({"scenarios":{"odd":{"description":"d","balance":"1.00"}},)"
                  R"("profiles":[{"id":"x","name":"X","country":"NL","scenario":"odd",)"
                  R"("accounts":[{"kind":"savings"}]}]})");
    ADD_FAILURE() << "accepted a balance without a current account";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("profile x"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace sandbank::bank
