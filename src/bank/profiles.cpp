#include "bank/profiles.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "bank/codes.hpp"
#include "bank/iban.hpp"
#include "bank/money.hpp"
#include "bank/prng.hpp"
#include "bank/scenario.hpp"
#include "core/error.hpp"

namespace sandbank::bank {

// Defined in the generated profiles_data.cpp (the text of src/bank/profiles.json).
extern const std::string_view kBuiltinProfilesJson;

namespace {

namespace json = boost::json;

[[noreturn]] void invalid(std::string message) {
  throw Error(400, codes::kBankProfilesInvalid, std::move(message));
}

std::string text_field(const json::object& o, std::string_view key, std::string_view where,
                       bool required, std::string fallback = {}) {
  auto it = o.find(key);
  if (it == o.end()) {
    if (required) invalid(fmt::format("{} has no \"{}\"", where, key));
    return fallback;
  }
  if (!it->value().is_string()) invalid(fmt::format("{}: \"{}\" must be a string", where, key));
  return std::string(it->value().get_string());
}

std::optional<std::int64_t> amount_field(const json::object& o, std::string_view key,
                                         std::string_view where) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (!it->value().is_string()) {
    invalid(fmt::format("{}: \"{}\" must be a decimal string such as \"12.50\"", where, key));
  }
  auto amount = parse_amount(it->value().get_string());
  if (!amount) {
    invalid(fmt::format("{}: \"{}\" is not an amount with at most two decimals", where, key));
  }
  return amount;
}

// A whole number member in [low, high]; nullopt when absent.
std::optional<std::int64_t> bounded_field(const json::object& o, std::string_view key,
                                          std::string_view where, std::int64_t low,
                                          std::int64_t high) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (!it->value().is_int64() || it->value().get_int64() < low || it->value().get_int64() > high) {
    invalid(fmt::format("{}: \"{}\" must be a whole number from {} to {}", where, key, low, high));
  }
  return it->value().get_int64();
}

// A scenario declared as an object: {"description", "consent_lifetime", "payment_reject_reason",
// "sca", "ais_latency_ms", "balance"}; every member but the description optional.
ScenarioBehaviour scenario_behaviour(const json::object& o, const std::string& where) {
  static const std::set<std::string_view> kMembers{"description",           "consent_lifetime",
                                                   "payment_reject_reason", "sca",
                                                   "ais_latency_ms",        "balance"};
  for (const auto& member : o) {
    if (kMembers.count(member.key()) == 0) {
      invalid(
          fmt::format("{}: unknown member \"{}\" (known: description, consent_lifetime, "
                      "payment_reject_reason, sca, ais_latency_ms, balance)",
                      where, std::string(member.key())));
    }
  }
  ScenarioBehaviour b;
  // From a minute to ING's 90 days.
  if (auto s = bounded_field(o, "consent_lifetime", where, 60, 90 * 86400)) {
    b.consent_lifetime = std::chrono::seconds(*s);
  }
  b.payment_reject_reason = text_field(o, "payment_reject_reason", where, false);
  const auto& r = b.payment_reject_reason;
  if (!r.empty() && !is_status_reason_code(r)) {
    invalid(
        fmt::format("{}: payment_reject_reason {} is not an ISO 20022 status reason code "
                    "(two capitals, two digits: AM04, MS03, ...)",
                    where, r));
  }
  b.sca = text_field(o, "sca", where, false);
  if (!b.sca.empty() && b.sca != "failed" && b.sca != "cancelled" && b.sca != "pending-forever") {
    invalid(
        fmt::format("{}: sca must be failed, cancelled or pending-forever, not {}", where, b.sca));
  }
  if (auto ms = bounded_field(o, "ais_latency_ms", where, 1, 30000)) {
    b.ais_latency = std::chrono::milliseconds(*ms);
  }
  b.balance_minor = amount_field(o, "balance", where);
  return b;
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// A version-4-shaped UUID derived from a label, the same on every machine.
std::string derived_uuid(std::string_view label) {
  std::uint64_t state = fnv1a(label);
  std::uint64_t hi = splitmix64(state);
  std::uint64_t lo = splitmix64(state);
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

std::string default_product(std::string_view country, std::string_view kind) {
  struct Names {
    std::string_view country, current, savings, card;
  };
  static constexpr Names kNames[] = {
      {"NL", "Betaalrekening", "Oranje Spaarrekening", "Creditcard"},
      {"BE", "Zichtrekening", "Spaarrekening", "Kredietkaart"},
      {"DE", "Girokonto", "Extra-Konto", "Kreditkarte"},
      {"AT", "Girokonto", "Sparkonto", "Kreditkarte"},
      {"ES", "Cuenta NÓMINA", "Cuenta NARANJA", "Tarjeta de crédito"},
      {"RO", "Cont Curent", "Cont de Economii", "Card de Credit"},
      {"LU", "Compte courant", "Compte épargne", "Carte de crédit"},
      {"IT", "Conto Corrente Arancio", "Conto Arancio", "Carta di credito"},
      {"WB", "Current Account", "Deposit Account", "Corporate Card"},
  };
  for (const auto& n : kNames) {
    if (n.country == country) {
      return std::string(kind == "current" ? n.current : kind == "savings" ? n.savings : n.card);
    }
  }
  return "Current Account";
}

std::vector<std::string> all_scopes() {
  return {std::string(kScopeBalances), std::string(kScopeTransactions), std::string(kScopeFunds)};
}

}  // namespace

bool ProfileSpec::can_grant(std::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

const ProfileSpec* Profiles::find(std::string_view id) const {
  for (const auto& p : profiles) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::vector<const ProfileSpec*> Profiles::of_country(std::string_view country) const {
  std::vector<const ProfileSpec*> out;
  for (const auto& p : profiles) {
    if (p.country == country) out.push_back(&p);
  }
  return out;
}

std::vector<const ProfileSpec*> Profiles::offering(std::string_view country,
                                                   const std::vector<std::string>& scopes) const {
  std::vector<const ProfileSpec*> out;
  for (const auto* p : of_country(country)) {
    if (std::all_of(scopes.begin(), scopes.end(),
                    [&](const std::string& s) { return p->can_grant(s); })) {
      out.push_back(p);
    }
  }
  return out;
}

const std::vector<std::string>& profile_countries() {
  static const std::vector<std::string> kCountries{"BE", "NL", "ES", "RO", "LU",
                                                   "IT", "DE", "WB", "AT"};
  return kCountries;
}

Profiles load_profiles(std::string_view json_text) {
  boost::system::error_code ec;
  json::value root = json::parse(json_text, ec);
  if (ec) invalid(fmt::format("The profiles file is not valid JSON: {}", ec.message()));
  if (!root.is_object()) invalid("The profiles file must hold a JSON object");
  const auto& top = root.get_object();

  Profiles out;
  if (auto it = top.find("scenarios"); it != top.end()) {
    if (!it->value().is_object()) invalid("\"scenarios\" must be an object of descriptions");
    for (const auto& [name, entry] : it->value().get_object()) {
      const std::string where = fmt::format("scenario {}", std::string(name));
      if (entry.is_object()) {
        // A declared scenario: what it does, with its description.
        out.behaviours.emplace(std::string(name), scenario_behaviour(entry.get_object(), where));
        out.scenarios.emplace(std::string(name),
                              text_field(entry.get_object(), "description", where, true));
        continue;
      }
      if (!entry.is_string()) {
        invalid(
            fmt::format("{}: the description must be a string, or the scenario an object "
                        "declaring what it does",
                        where));
      }
      out.scenarios.emplace(std::string(name), std::string(entry.get_string()));
    }
  }
  auto list = top.find("profiles");
  if (list == top.end() || !list->value().is_array()) {
    invalid("The profiles file has no \"profiles\" array");
  }

  const auto& countries = profile_countries();
  const auto known_scopes = all_scopes();
  std::set<std::string> profile_ids, account_ids, ibans;
  std::size_t index = 0;
  for (const auto& item : list->value().get_array()) {
    std::string where = fmt::format("profiles[{}]", index++);
    if (!item.is_object()) invalid(fmt::format("{} must be an object", where));
    const auto& o = item.get_object();
    ProfileSpec p;
    p.id = text_field(o, "id", where, true);
    where = fmt::format("profile {}", p.id);
    if (p.id.empty() || !profile_ids.insert(p.id).second) {
      invalid(fmt::format("{}: the id is empty or used twice", where));
    }
    p.name = text_field(o, "name", where, true);
    p.country = text_field(o, "country", where, true);
    if (std::find(countries.begin(), countries.end(), p.country) == countries.end()) {
      invalid(fmt::format("{}: unknown country {}", where, p.country));
    }
    p.scenario = text_field(o, "scenario", where, false);
    if (!p.scenario.empty() && out.scenarios.count(p.scenario) == 0) {
      invalid(fmt::format("{}: the scenario {} is not described under \"scenarios\"", where,
                          p.scenario));
    }
    if (auto b = out.behaviours.find(p.scenario); b != out.behaviours.end()) {
      p.behaviour = b->second;
    }
    if (auto it = o.find("scopes"); it != o.end()) {
      if (!it->value().is_array()) invalid(fmt::format("{}: \"scopes\" must be an array", where));
      for (const auto& s : it->value().get_array()) {
        if (!s.is_string() || std::find(known_scopes.begin(), known_scopes.end(), s.get_string()) ==
                                  known_scopes.end()) {
          invalid(fmt::format("{}: unknown scope {}", where, json::serialize(s)));
        }
        p.scopes.emplace_back(s.get_string());
      }
    } else {
      p.scopes = known_scopes;
    }

    auto accounts = o.find("accounts");
    if (accounts == o.end() || !accounts->value().is_array() ||
        accounts->value().get_array().empty()) {
      invalid(fmt::format("{}: \"accounts\" must be a non-empty array", where));
    }
    std::vector<std::string> settlement_refs;
    std::size_t position = 0;
    for (const auto& acc : accounts->value().get_array()) {
      std::string at = fmt::format("{} account {}", where, position);
      if (!acc.is_object()) invalid(fmt::format("{} must be an object", at));
      const auto& a = acc.get_object();
      AccountSpec s;
      s.kind = text_field(a, "kind", at, true);
      if (s.kind != "current" && s.kind != "savings" && s.kind != "card") {
        invalid(fmt::format("{}: kind must be current, savings or card", at));
      }
      s.id = text_field(a, "id", at, false,
                        derived_uuid(fmt::format("sandbank-account:{}/{}", p.id, position)));
      if (!is_uuid(s.id)) invalid(fmt::format("{}: the id {} is not a lower-case UUID", at, s.id));
      if (!account_ids.insert(s.id).second) {
        invalid(fmt::format("{}: the account id {} is used twice", at, s.id));
      }
      s.name = text_field(a, "name", at, false, p.name);
      s.product = text_field(a, "product", at, false, default_product(p.country, s.kind));
      s.currency = text_field(a, "currency", at, false, p.country == "RO" ? "RON" : "EUR");
      if (s.currency.size() != 3 || !std::all_of(s.currency.begin(), s.currency.end(),
                                                 [](char c) { return c >= 'A' && c <= 'Z'; })) {
        invalid(fmt::format("{}: currency {} is not an ISO 4217 code", at, s.currency));
      }
      s.balance_minor = amount_field(a, "balance", at);
      if (!s.balance_minor && s.kind != "card") s.balance_minor = 100000;
      s.activity = text_field(a, "activity", at, false,
                              s.kind == "savings" ? "savings"
                              : s.kind == "card"  ? "card"
                                                  : "salary");
      static const std::set<std::string> kActivities{"salary", "business", "savings",
                                                     "card",   "foreign",  "quiet"};
      if (kActivities.count(s.activity) == 0) {
        invalid(fmt::format("{}: unknown activity {}", at, s.activity));
      }
      s.bic = ing_bic(p.country);
      if (auto it = a.find("iban_as_documented"); it != a.end()) {
        if (!it->value().is_bool()) invalid(fmt::format("{}: iban_as_documented is a boolean", at));
        s.iban_as_documented = it->value().get_bool();
      }
      if (s.kind == "card") {
        s.masked_pan = text_field(a, "masked_pan", at, false);
        if (s.masked_pan.empty()) {
          std::uint64_t h = fnv1a("sandbank-pan:" + s.id);
          s.masked_pan = fmt::format("5355********{:04d}", h % 10000);
        }
        s.credit_limit_minor = amount_field(a, "credit_limit", at).value_or(150000);
        s.settlement_account = text_field(a, "settlement_account", at, false);
        settlement_refs.push_back(s.settlement_account);
        if (a.contains("iban"))
          invalid(fmt::format("{}: a card account takes its IBAN from its settlement_account", at));
      } else {
        settlement_refs.emplace_back();
        s.iban = text_field(a, "iban", at, false);
        if (s.iban.empty()) {
          s.iban = make_iban(iban_country(p.country), ing_bank_code(p.country),
                             derive_seed(0, "sandbank-iban:" + s.id));
        } else if (!s.iban_as_documented) {
          auto check = validate_iban(s.iban);
          if (!check.ok()) invalid(fmt::format("{}: IBAN {}: {}", at, s.iban, check.message));
        }
        if (!ibans.insert(s.iban).second) {
          invalid(fmt::format("{}: the IBAN {} is used twice", at, s.iban));
        }
      }
      p.accounts.push_back(std::move(s));
      ++position;
    }
    // Resolve settlement references: an account id of this profile or "<profile id>/<n>".
    for (std::size_t i = 0; i < p.accounts.size(); ++i) {
      auto& s = p.accounts[i];
      if (s.kind != "card" || settlement_refs[i].empty()) continue;
      const AccountSpec* target = nullptr;
      for (std::size_t j = 0; j < p.accounts.size(); ++j) {
        if (p.accounts[j].id == settlement_refs[i] ||
            fmt::format("{}/{}", p.id, j) == settlement_refs[i]) {
          target = &p.accounts[j];
        }
      }
      if (target == nullptr || target->kind == "card" || target->currency != s.currency) {
        invalid(
            fmt::format("{} account {}: settlement_account {} is not a non-card account of "
                        "the profile in {}",
                        where, i, settlement_refs[i], s.currency));
      }
      s.settlement_account = target->id;
      s.iban = target->iban;
    }
    // A declared scenario's balance: the first current account's.
    if (p.behaviour.balance_minor) {
      auto current = std::find_if(p.accounts.begin(), p.accounts.end(),
                                  [](const AccountSpec& a) { return a.kind == "current"; });
      if (current == p.accounts.end()) {
        invalid(
            fmt::format("{}: the scenario {} sets a balance, but the profile has no current "
                        "account",
                        where, p.scenario));
      }
      current->balance_minor = p.behaviour.balance_minor;
    }
    out.profiles.push_back(std::move(p));
  }
  return out;
}

const Profiles& builtin_profiles() {
  static const Profiles kProfiles = load_profiles(kBuiltinProfilesJson);
  return kProfiles;
}

std::string_view builtin_profiles_json() {
  return kBuiltinProfilesJson;
}

}  // namespace sandbank::bank
