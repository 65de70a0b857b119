#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The test profiles of the simulated bank, as the data file (src/bank/profiles.json,
// compiled in; `--profiles FILE` may replace it) describes them, with every default
// resolved: account ids, IBANs, BICs, products, currencies and balances are all filled.
namespace sandbank::bank {

inline constexpr std::string_view kScopeBalances = "payment-accounts:balances:view";
inline constexpr std::string_view kScopeTransactions = "payment-accounts:transactions:view";
inline constexpr std::string_view kScopeFunds = "payment-accounts:funds-availability:confirm";

struct AccountSpec {
  std::string id;                   // resourceId
  std::string kind;                 // "current" | "savings" | "card"
  std::string iban;                 // card accounts: the settlement account's IBAN, or ""
  bool iban_as_documented = false;  // copied from ING's docs; check digits may be wrong
  std::string bic;
  std::string name;
  std::string product;
  std::string currency;
  // Closing booked balance at seeding time; absent for cards (their history decides).
  std::optional<std::int64_t> balance_minor;
  std::string activity;  // "salary" | "business" | "savings" | "card" | "foreign" | "quiet"
  std::string masked_pan;
  std::int64_t credit_limit_minor = 0;
  std::string settlement_account;  // card accounts: id of the account repaying the card
};

// What a scenario declared in the profiles file makes the bank do for the profiles that name it
// (docs/scenarios.md "Per profile"): under "scenarios", an object instead of a description.
struct ScenarioBehaviour {
  std::chrono::seconds consent_lifetime{0};   // consents given last this long; 0: the default
  std::string payment_reject_reason;          // payments authorized end RJCT with it; "": executed
  std::string sca;                            // "" | "failed" | "cancelled" | "pending-forever"
  std::chrono::milliseconds ais_latency{0};   // AIS answers are sent this much later
  std::optional<std::int64_t> balance_minor;  // the first current account's balance

  friend bool operator==(const ScenarioBehaviour&, const ScenarioBehaviour&) = default;
};

struct ProfileSpec {
  std::string id;
  std::string name;
  std::string country;  // BE NL ES RO LU IT DE WB AT
  std::vector<std::string> scopes;
  std::string scenario;         // "" or a key of Profiles::scenarios
  ScenarioBehaviour behaviour;  // its scenario's, when the file declares one
  std::vector<AccountSpec> accounts;

  bool can_grant(std::string_view scope) const;
};

struct Profiles {
  std::vector<ProfileSpec> profiles;             // in file order
  std::map<std::string, std::string> scenarios;  // name → description
  // The scenarios the file declares as objects: name → what they do.
  std::map<std::string, ScenarioBehaviour> behaviours;

  const ProfileSpec* find(std::string_view id) const;
  // Profiles of one country, in file order.
  std::vector<const ProfileSpec*> of_country(std::string_view country) const;
  // Profiles of one country that can grant every scope in `scopes`.
  std::vector<const ProfileSpec*> offering(std::string_view country,
                                           const std::vector<std::string>& scopes) const;
};

// The countries of the authorization app, in the guide's order, plus AT.
const std::vector<std::string>& profile_countries();

// Parses and checks a profiles file. Throws sandbank::Error 400 "bank.profiles_invalid"
// whose message names the offending entry (bad JSON, unknown country, scope or scenario, a
// scenario declaration's unknown member or value out of bounds,
// duplicate profile id, account id or IBAN, invalid IBAN, bad amount, ...).
Profiles load_profiles(std::string_view json_text);

// The profiles compiled into the binary (parsed once).
const Profiles& builtin_profiles();
// The text of the compiled-in file, for `sandbank data profiles --print` and the like.
std::string_view builtin_profiles_json();

}  // namespace sandbank::bank
