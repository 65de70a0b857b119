#include "bank/iban.hpp"

#include <fmt/format.h>

#include <array>
#include <stdexcept>
#include <utility>

namespace sandbank::bank {
namespace {

struct CountryRule {
  std::string_view country;
  int length;
  // BBAN structure as (count, kind) runs: 'n' digits, 'a' upper-case letters, 'c' either.
  // Empty: only the length is checked.
  std::string_view structure;
};

// IBAN lengths of the ISO 13616 registry; structures for the countries Sandbank generates.
constexpr std::array kRules{
    CountryRule{"AD", 24, ""},         CountryRule{"AE", 23, ""}, CountryRule{"AL", 28, ""},
    CountryRule{"AT", 20, "16n"},      CountryRule{"AZ", 28, ""}, CountryRule{"BA", 20, ""},
    CountryRule{"BE", 16, "12n"},      CountryRule{"BG", 22, ""}, CountryRule{"BH", 22, ""},
    CountryRule{"BR", 29, ""},         CountryRule{"BY", 28, ""}, CountryRule{"CH", 21, "5n12c"},
    CountryRule{"CR", 22, ""},         CountryRule{"CY", 28, ""}, CountryRule{"CZ", 24, ""},
    CountryRule{"DE", 22, "18n"},      CountryRule{"DK", 18, ""}, CountryRule{"DO", 28, ""},
    CountryRule{"EE", 20, ""},         CountryRule{"EG", 29, ""}, CountryRule{"ES", 24, "20n"},
    CountryRule{"FI", 18, ""},         CountryRule{"FO", 18, ""}, CountryRule{"FR", 27, "10n11c2n"},
    CountryRule{"GB", 22, "4a14n"},    CountryRule{"GE", 22, ""}, CountryRule{"GI", 23, ""},
    CountryRule{"GL", 18, ""},         CountryRule{"GR", 27, ""}, CountryRule{"GT", 28, ""},
    CountryRule{"HR", 21, ""},         CountryRule{"HU", 28, ""}, CountryRule{"IE", 22, ""},
    CountryRule{"IL", 23, ""},         CountryRule{"IQ", 23, ""}, CountryRule{"IS", 26, ""},
    CountryRule{"IT", 27, "1a10n12c"}, CountryRule{"JO", 30, ""}, CountryRule{"KW", 30, ""},
    CountryRule{"KZ", 20, ""},         CountryRule{"LB", 28, ""}, CountryRule{"LC", 32, ""},
    CountryRule{"LI", 21, ""},         CountryRule{"LT", 20, ""}, CountryRule{"LU", 20, "3n13c"},
    CountryRule{"LV", 21, ""},         CountryRule{"MC", 27, ""}, CountryRule{"MD", 24, ""},
    CountryRule{"ME", 22, ""},         CountryRule{"MK", 19, ""}, CountryRule{"MR", 27, ""},
    CountryRule{"MT", 31, ""},         CountryRule{"MU", 30, ""}, CountryRule{"NL", 18, "4a10n"},
    CountryRule{"NO", 15, ""},         CountryRule{"PK", 24, ""}, CountryRule{"PL", 28, ""},
    CountryRule{"PS", 29, ""},         CountryRule{"PT", 25, ""}, CountryRule{"QA", 29, ""},
    CountryRule{"RO", 24, "4a16c"},    CountryRule{"RS", 22, ""}, CountryRule{"SA", 24, ""},
    CountryRule{"SC", 31, ""},         CountryRule{"SE", 24, ""}, CountryRule{"SI", 19, ""},
    CountryRule{"SK", 24, ""},         CountryRule{"SM", 27, ""}, CountryRule{"ST", 25, ""},
    CountryRule{"SV", 28, ""},         CountryRule{"TL", 23, ""}, CountryRule{"TN", 24, ""},
    CountryRule{"TR", 26, ""},         CountryRule{"UA", 29, ""}, CountryRule{"VA", 22, ""},
    CountryRule{"VG", 24, ""},         CountryRule{"XK", 20, ""},
};

const CountryRule* rule_for(std::string_view country) {
  for (const auto& r : kRules) {
    if (r.country == country) return &r;
  }
  return nullptr;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}

// The remainder mod 97 of the number a text spells when letters count as 10..35.
int mod97(std::string_view text) {
  int r = 0;
  for (char c : text) {
    if (is_digit(c)) {
      r = (r * 10 + (c - '0')) % 97;
    } else {
      int v = c - 'A' + 10;
      r = (r * 100 + v) % 97;
    }
  }
  return r;
}

// Checks `bban` against a structure such as "4a10n".
bool matches_structure(std::string_view bban, std::string_view structure) {
  std::size_t pos = 0;
  std::size_t i = 0;
  while (i < structure.size()) {
    int count = 0;
    while (i < structure.size() && is_digit(structure[i]))
      count = count * 10 + (structure[i++] - '0');
    char kind = structure[i++];
    for (int k = 0; k < count; ++k, ++pos) {
      if (pos >= bban.size()) return false;
      char c = bban[pos];
      bool ok = kind == 'n'   ? is_digit(c)
                : kind == 'a' ? is_upper(c)
                              : (is_digit(c) || is_upper(c));
      if (!ok) return false;
    }
  }
  return pos == bban.size();
}

std::string digits(std::uint64_t number, int width) {
  std::string out(static_cast<std::size_t>(width), '0');
  for (int i = width - 1; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>('0' + number % 10);
    number /= 10;
  }
  return out;
}

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}
bool all_upper(std::string_view s) {
  for (char c : s) {
    if (!is_upper(c)) return false;
  }
  return true;
}

void require(bool condition, std::string_view country, std::string_view bank_code) {
  if (!condition) {
    throw std::invalid_argument(
        fmt::format("make_iban: bank code {} does not fit country {}", bank_code, country));
  }
}

// Spain: the two "dígitos de control" over entity+branch and over the account number.
int spanish_dc(std::string_view ten_digits) {
  static constexpr std::array<int, 10> kWeights{1, 2, 4, 8, 5, 10, 9, 7, 3, 6};
  int sum = 0;
  for (std::size_t i = 0; i < 10; ++i) sum += (ten_digits[i] - '0') * kWeights[i];
  int d = 11 - sum % 11;
  return d == 11 ? 0 : d == 10 ? 1 : d;
}

// Italy: the CIN letter over ABI + CAB + account (22 characters).
char italian_cin(std::string_view text) {
  static constexpr std::array<int, 26> kOdd{1,  0,  5, 7, 9, 13, 15, 17, 19, 21, 2,  4,  18,
                                            20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};
  int sum = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    int v = is_digit(c) ? c - '0' : c - 'A';
    sum += (i % 2 == 0) ? kOdd[static_cast<std::size_t>(v)] : v;
  }
  return static_cast<char>('A' + sum % 26);
}

}  // namespace

std::string normalize_iban(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == ' ') continue;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

IbanValidation validate_iban(std::string_view iban) {
  for (char c : iban) {
    if (!is_digit(c) && !is_upper(c)) {
      return {IbanProblem::Characters,
              "An IBAN has only upper-case letters and digits (no spaces or punctuation)"};
    }
  }
  if (iban.size() < 4 || !is_upper(iban[0]) || !is_upper(iban[1])) {
    return {IbanProblem::Country, "An IBAN starts with a two-letter country code"};
  }
  const std::string_view country = iban.substr(0, 2);
  const CountryRule* rule = rule_for(country);
  if (rule == nullptr) {
    return {IbanProblem::Country, fmt::format("{} is not a country that uses IBANs", country)};
  }
  if (static_cast<int>(iban.size()) != rule->length) {
    return {IbanProblem::Length, fmt::format("An IBAN of {} has {} characters, not {}", country,
                                             rule->length, iban.size())};
  }
  if (!is_digit(iban[2]) || !is_digit(iban[3])) {
    return {IbanProblem::CheckDigits, "The check digits (characters 3 and 4) must be digits"};
  }
  if (!rule->structure.empty() && !matches_structure(iban.substr(4), rule->structure)) {
    return {IbanProblem::Format,
            fmt::format("The account part does not have the structure of an IBAN of {}", country)};
  }
  std::string rearranged = std::string(iban.substr(4)) + std::string(iban.substr(0, 4));
  if (mod97(rearranged) != 1) {
    return {IbanProblem::CheckDigits,
            fmt::format("The check digits {} are wrong for this IBAN (they should be {})",
                        iban.substr(2, 2), iban_check_digits(country, iban.substr(4)))};
  }
  return {};
}

std::string iban_check_digits(std::string_view country, std::string_view bban) {
  std::string text = std::string(bban) + std::string(country) + "00";
  return digits(static_cast<std::uint64_t>(98 - mod97(text)), 2);
}

std::optional<int> iban_length(std::string_view country) {
  const CountryRule* rule = rule_for(country);
  if (rule == nullptr) return std::nullopt;
  return rule->length;
}

std::string format_iban_print(std::string_view iban) {
  std::string out;
  for (std::size_t i = 0; i < iban.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back(' ');
    out.push_back(iban[i]);
  }
  return out;
}

std::string make_iban(std::string_view country, std::string_view bank, std::uint64_t number) {
  std::string bban;
  if (country == "NL") {
    require(bank.size() == 4 && all_upper(bank), country, bank);
    bban = fmt::format("{}0{}", bank, digits(number % 1000000000ULL, 9));
  } else if (country == "BE") {
    require(bank.size() == 3 && all_digits(bank), country, bank);
    std::string ten = fmt::format("{}{}", bank, digits(number % 10000000ULL, 7));
    int check = mod97(ten);
    bban = ten + digits(static_cast<std::uint64_t>(check == 0 ? 97 : check), 2);
  } else if (country == "DE") {
    require(bank.size() == 8 && all_digits(bank), country, bank);
    bban = fmt::format("{}{}", bank, digits(number % 10000000000ULL, 10));
  } else if (country == "AT") {
    require(bank.size() == 5 && all_digits(bank), country, bank);
    bban = fmt::format("{}{}", bank, digits(number % 100000000000ULL, 11));
  } else if (country == "ES") {
    require(bank.size() == 8 && all_digits(bank), country, bank);
    std::string account = digits(number % 10000000000ULL, 10);
    int dc1 = spanish_dc("00" + std::string(bank));
    int dc2 = spanish_dc(account);
    bban = fmt::format("{}{}{}{}", bank, dc1, dc2, account);
  } else if (country == "RO") {
    require(bank.size() == 4 && all_upper(bank), country, bank);
    bban = fmt::format("{}0000{}", bank, digits(number % 1000000000000ULL, 12));
  } else if (country == "LU") {
    require(bank.size() == 3 && all_digits(bank), country, bank);
    bban = fmt::format("{}1{}", bank, digits(number % 1000000000000ULL, 12));
  } else if (country == "IT") {
    require(bank.size() == 10 && all_digits(bank), country, bank);
    std::string rest = fmt::format("{}{}", bank, digits(number % 1000000000000ULL, 12));
    bban = std::string(1, italian_cin(rest)) + rest;
  } else if (country == "GB") {
    require(bank.size() == 10 && all_upper(bank.substr(0, 4)) && all_digits(bank.substr(4)),
            country, bank);
    bban = fmt::format("{}{}", bank, digits(number % 100000000ULL, 8));
  } else {
    throw std::invalid_argument(fmt::format("make_iban: country {} is not supported", country));
  }
  return fmt::format("{}{}{}", country, iban_check_digits(country, bban), bban);
}

std::string ing_bic(std::string_view country) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kBics{{
      {"NL", "INGBNL2A"},
      {"WB", "INGBNL2A"},
      {"BE", "BBRUBEBB"},
      {"DE", "INGDDEFF"},
      {"AT", "INGBATWW"},
      {"ES", "INGDESMM"},
      {"RO", "INGBROBU"},
      {"LU", "CELLLULL"},
      {"IT", "INGBITM1"},
  }};
  for (const auto& [c, bic] : kBics) {
    if (c == country) return std::string(bic);
  }
  return {};
}

std::string ing_bank_code(std::string_view country) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kCodes{{
      {"NL", "INGB"},
      {"WB", "INGB"},
      {"BE", "363"},
      {"DE", "50010517"},
      {"AT", "19210"},
      {"ES", "14650100"},
      {"RO", "INGB"},
      {"LU", "014"},
      {"IT", "0347501605"},
  }};
  for (const auto& [c, code] : kCodes) {
    if (c == country) return std::string(code);
  }
  return {};
}

std::string iban_country(std::string_view country) {
  return country == "WB" ? std::string("NL") : std::string(country);
}

bool valid_bic(std::string_view bic) {
  if (bic.size() != 8 && bic.size() != 11) return false;
  if (!all_upper(bic.substr(0, 6))) return false;
  for (char c : bic.substr(6)) {
    if (!is_digit(c) && !is_upper(c)) return false;
  }
  return true;
}

}  // namespace sandbank::bank
