#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// IBANs (ISO 13616) and BICs as the simulated bank uses them: validation with a reason,
// and generation of valid IBANs with the country's BBAN structure, bank code and national
// check digits (BE, ES, IT).
namespace sandbank::bank {

enum class IbanProblem {
  None,
  Characters,   // something other than A-Z and 0-9 (after removing spaces)
  Country,      // not a country that uses IBANs
  Length,       // wrong length for the country
  Format,       // the BBAN does not have the country's structure (letters where digits go)
  CheckDigits,  // mod-97 check fails
};

struct IbanValidation {
  IbanProblem problem = IbanProblem::None;
  std::string message;  // one sentence naming the problem; "" when valid
  bool ok() const { return problem == IbanProblem::None; }
};

// Removes spaces and upper-cases, as people write IBANs ("nl91 abna 0417 1643 00").
std::string normalize_iban(std::string_view text);
// Validates an IBAN in electronic form (no spaces; use normalize_iban first to be lenient).
IbanValidation validate_iban(std::string_view iban);
// The two ISO 7064 mod-97-10 check digits for country + BBAN.
std::string iban_check_digits(std::string_view country, std::string_view bban);
// The IBAN length for a country, or nullopt when the country does not use IBANs.
std::optional<int> iban_length(std::string_view country);
// "NL91 ABNA 0417 1643 00".
std::string format_iban_print(std::string_view iban);

// A valid IBAN of `country` at the bank `bank_code`, its account part derived from `number`:
//  NL  bank "INGB" (4 letters)            → NLkk INGB 0nnn nnnn nn
//  BE  bank "363" (3 digits)              → BEkk 363n nnnn nncc (cc: national mod 97)
//  DE  bank "50010517" (Bankleitzahl)     → DEkk 5001 0517 nnnn nnnn nn
//  AT  bank "19210" (Bankleitzahl)        → ATkk 1921 0nnn nnnn nnnn
//  ES  bank "14650100" (entity + branch)  → ESkk 1465 0100 dd nnnn nnnnnn (dd: DC digits)
//  RO  bank "INGB"                        → ROkk INGB 0000 nnnn nnnn nnnn
//  LU  bank "014"                         → LUkk 0141 nnnn nnnn nnnn
//  IT  bank "0347501605" (ABI + CAB)      → ITkk X034 7501 605n nnnn nnnn nnn (X: CIN)
//  GB  bank "WEST123456" (bank + sort)    → GBkk WEST 1234 56nn nnnn
// Throws std::invalid_argument for other countries or a malformed bank code.
std::string make_iban(std::string_view country, std::string_view bank_code, std::uint64_t number);

// ING's BIC in a country of the sandbox (NL, BE, DE, AT, ES, RO, LU, IT; WB banks in NL);
// "" for others.
std::string ing_bic(std::string_view country);
// ING's bank code in make_iban() form for a country of the sandbox.
std::string ing_bank_code(std::string_view country);
// The IBAN country of a sandbox country ("WB" → "NL").
std::string iban_country(std::string_view country);

// True for an 8 or 11 character BIC: 4 letters bank, 2 letters country, 2 alnum location,
// optional 3 alnum branch.
bool valid_bic(std::string_view bic);

}  // namespace sandbank::bank
