#include "bank/iban.hpp"

#include <gtest/gtest.h>

#include "bank/money.hpp"

namespace sandbank::bank {
namespace {

TEST(Iban, AcceptsPublishedExamples) {
  for (const char* iban :
       {"NL91ABNA0417164300", "DE89370400440532013000", "GB82WEST12345698765432",
        "BE68539007547034", "FR1420041010050500013M02606", "ES9121000418450200051332",
        "IT60X0542811101000000123456", "AT611904300234573201", "LU280019400644750000",
        "RO49AAAA1B31007593840000", "CH9300762011623852957", "NL69INGB0123456789",
        "RO44INGB0000999908767270", "RO20INGB0000999904952401"}) {
    auto v = validate_iban(iban);
    EXPECT_TRUE(v.ok()) << iban << ": " << v.message;
  }
}

TEST(Iban, NamesTheProblem) {
  EXPECT_EQ(validate_iban("NL91ABNA041716430").problem, IbanProblem::Length);
  EXPECT_EQ(validate_iban("NL92ABNA0417164300").problem, IbanProblem::CheckDigits);
  EXPECT_EQ(validate_iban("XX91ABNA0417164300").problem, IbanProblem::Country);
  EXPECT_EQ(validate_iban("nl91abna0417164300").problem, IbanProblem::Characters);
  EXPECT_EQ(validate_iban("NL91 ABNA 0417 1643 00").problem, IbanProblem::Characters);
  EXPECT_EQ(validate_iban("NL9112340417164300").problem, IbanProblem::Format);
  EXPECT_EQ(validate_iban("").problem, IbanProblem::Country);
  // The AT IBANs in ING's documentation have wrong check digits.
  auto v = validate_iban("AT861921012345678912");
  EXPECT_EQ(v.problem, IbanProblem::CheckDigits);
  EXPECT_NE(v.message.find("86"), std::string::npos) << v.message;
  EXPECT_TRUE(validate_iban(normalize_iban("nl91 abna 0417 1643 00")).ok());
  EXPECT_EQ(format_iban_print("NL91ABNA0417164300"), "NL91 ABNA 0417 1643 00");
}

TEST(Iban, MakeReproducesPublishedExamplesWithNationalChecks) {
  EXPECT_EQ(make_iban("NL", "ABNA", 417164300), "NL91ABNA0417164300");
  EXPECT_EQ(make_iban("DE", "37040044", 532013000), "DE89370400440532013000");
  EXPECT_EQ(make_iban("GB", "WEST123456", 98765432), "GB82WEST12345698765432");
  EXPECT_EQ(make_iban("BE", "539", 75470), "BE68539007547034");                     // mod 97 "34"
  EXPECT_EQ(make_iban("ES", "21000418", 200051332), "ES9121000418450200051332");    // DC "45"
  EXPECT_EQ(make_iban("IT", "0542811101", 123456), "IT60X0542811101000000123456");  // CIN X
  EXPECT_EQ(make_iban("AT", "19043", 234573201), "AT611904300234573201");
  EXPECT_THROW(make_iban("FR", "12345", 1), std::invalid_argument);
  EXPECT_THROW(make_iban("NL", "12", 1), std::invalid_argument);
}

TEST(Iban, GeneratedIngIbansAreValidWithCountryBankCodes) {
  for (const char* country : {"NL", "BE", "DE", "AT", "ES", "RO", "LU", "IT", "WB"}) {
    const std::string c = iban_country(country);
    for (std::uint64_t n : {0ULL, 1ULL, 42ULL, 123456789ULL, 0xFFFFFFFFFFFFFFFFULL}) {
      std::string iban = make_iban(c, ing_bank_code(country), n);
      auto v = validate_iban(iban);
      EXPECT_TRUE(v.ok()) << iban << ": " << v.message;
      EXPECT_EQ(iban.substr(0, 2), c);
    }
    EXPECT_TRUE(valid_bic(ing_bic(country))) << country;
  }
  EXPECT_EQ(make_iban("NL", "INGB", 5).substr(4, 5), "INGB0");
  EXPECT_EQ(make_iban("BE", "363", 5).substr(4, 3), "363");
  EXPECT_EQ(make_iban("DE", "50010517", 5).substr(4, 8), "50010517");
  EXPECT_EQ(make_iban("ES", "14650100", 5).substr(4, 4), "1465");
  EXPECT_EQ(make_iban("LU", "014", 5).substr(4, 4), "0141");
  EXPECT_EQ(make_iban("AT", "19210", 5).substr(4, 2), "19");
  EXPECT_EQ(ing_bic("NL"), "INGBNL2A");
  EXPECT_EQ(ing_bic("BE"), "BBRUBEBB");
  EXPECT_EQ(ing_bic("DE"), "INGDDEFF");
  EXPECT_EQ(ing_bic("ES"), "INGDESMM");
  EXPECT_EQ(ing_bic("RO"), "INGBROBU");
  EXPECT_EQ(ing_bic("LU"), "CELLLULL");
  EXPECT_EQ(ing_bic("AT"), "INGBATWW");
  EXPECT_FALSE(valid_bic("INGB"));
  EXPECT_FALSE(valid_bic("ingbnl2a"));
}

TEST(Money, ParsesAndFormatsMinorUnits) {
  EXPECT_EQ(parse_amount("1523.45"), 152345);
  EXPECT_EQ(parse_amount("-0.07"), -7);
  EXPECT_EQ(parse_amount("12"), 1200);
  EXPECT_EQ(parse_amount("12.5"), 1250);
  EXPECT_FALSE(parse_amount("12.345"));
  EXPECT_FALSE(parse_amount("1e3"));
  EXPECT_FALSE(parse_amount("."));
  EXPECT_FALSE(parse_amount("12."));
  EXPECT_FALSE(parse_amount(""));
  EXPECT_EQ(format_amount(152345), "1523.45");
  EXPECT_EQ(format_amount(-7), "-0.07");
  EXPECT_EQ(format_amount(0), "0.00");
}

}  // namespace
}  // namespace sandbank::bank
