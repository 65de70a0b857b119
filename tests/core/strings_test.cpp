#include "core/strings.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace sandbank {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

TEST(ValidUtf8, KeepsValidTextAsItIs) {
  for (const std::string& text : std::vector<std::string>{
           "", "plain ASCII", "caf\xC3\xA9", "\xE2\x82\xAC 5", "\xF0\x9F\x92\xB6",
           "\xF4\x8F\xBF\xBF", std::string("nul\0inside", 10)}) {
    EXPECT_EQ(valid_utf8(text), text);
  }
}

TEST(ValidUtf8, ReplacesEachInvalidSequence) {
  EXPECT_EQ(valid_utf8("a\xFF"
                       "b"),
            "a" + kReplacement + "b");
  EXPECT_EQ(valid_utf8("\xFF\xFE"), kReplacement + kReplacement);
  EXPECT_EQ(valid_utf8("cut \xC3"), "cut " + kReplacement);        // truncated at the end
  EXPECT_EQ(valid_utf8("\xE2\x82x"), kReplacement + "x");          // truncated inside
  EXPECT_EQ(valid_utf8("\xC0\xAF"), kReplacement + kReplacement);  // overlong '/'
  EXPECT_EQ(valid_utf8("\xE0\x80\xAF"), kReplacement + kReplacement + kReplacement);
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), kReplacement + kReplacement + kReplacement);  // surrogate
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"),  // beyond U+10FFFF
            kReplacement + kReplacement + kReplacement + kReplacement);
  EXPECT_EQ(valid_utf8("\x80"), kReplacement);  // a lone continuation byte
}

TEST(CaseInsensitive, OnlyAsciiLettersFold) {
  EXPECT_TRUE(iequals("TPP-Signature-Certificate", "tpp-signature-certificate"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("date", "dates"));
  EXPECT_FALSE(iequals("d@te", "d`te"));  // 0x40/0x60 differ by the case bit only
  EXPECT_FALSE(iequals("\xC4", "\xE4"));  // Latin-1 letters do not fold
  EXPECT_FALSE(iequals("[", "{"));
}

TEST(CaseInsensitive, PrefixTest) {
  EXPECT_TRUE(istarts_with("SIGNATURE keyId", "Signature"));
  EXPECT_TRUE(istarts_with("bearer abc", "Bearer "));
  EXPECT_TRUE(istarts_with("Application/JSON; charset=utf-8", "application/json"));
  EXPECT_TRUE(istarts_with("anything", ""));
  EXPECT_FALSE(istarts_with("Sig", "Signature"));
  EXPECT_FALSE(istarts_with("Bearer", "Bearer "));
  EXPECT_FALSE(istarts_with("text/json", "application/json"));
  EXPECT_FALSE(istarts_with("\xC4x", "\xE4"));
}

TEST(ValidUtf8, AnErrorCarriesValidTextWhateverItWasGiven) {
  Error e(404, "route.not_found", "No resource at /x\xFF\xFE", "diag \xC3");
  EXPECT_EQ(e.message(), "No resource at /x" + kReplacement + kReplacement);
  EXPECT_EQ(e.diagnostic(), "diag " + kReplacement);
  EXPECT_EQ(Error::bad_request("c", "caf\xC3\xA9").message(), "caf\xC3\xA9");
}

}  // namespace
}  // namespace sandbank
