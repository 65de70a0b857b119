#include "core/form.hpp"

#include <gtest/gtest.h>

namespace sandbank::form {
namespace {

TEST(FormParse, DecodesPairsInOrder) {
  auto pairs =
      parse("grant_type=client_credentials&scope=a+b%3Ac&&redirect_uri=https%3A%2F%2Fx%2F&d&");
  ASSERT_EQ(pairs.size(), 4u);
  EXPECT_EQ(pairs[0].name, "grant_type");
  EXPECT_EQ(pairs[0].value, "client_credentials");
  EXPECT_EQ(pairs[1].value, "a b:c");  // '+' is a space, %3A a colon
  EXPECT_EQ(pairs[1].text, "scope=a+b%3Ac");
  EXPECT_EQ(pairs[2].name, "redirect_uri");
  EXPECT_EQ(pairs[2].value, "https://x/");
  EXPECT_EQ(pairs[3].name, "d");  // no '=': an empty value
  EXPECT_EQ(pairs[3].value, "");
  for (const auto& p : pairs) EXPECT_TRUE(p.valid) << p.text;
  EXPECT_TRUE(parse("").empty());
  EXPECT_TRUE(parse("&&").empty());
}

TEST(FormParse, AnEncodedPlusIsAPlusAndTheNameIsDecodedToo) {
  auto pairs = parse("a%2Bb=1%2b2&%73tate=x=y");
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].name, "a+b");
  EXPECT_EQ(pairs[0].value, "1+2");
  EXPECT_EQ(pairs[1].name, "state");
  EXPECT_EQ(pairs[1].value, "x=y");  // only the first '=' separates
}

TEST(FormParse, InvalidPercentEncodingMarksOnlyItsPair) {
  auto pairs = parse("a=1&c=%zz&%4=x&d=50%&e=%4&f=ok");
  ASSERT_EQ(pairs.size(), 6u);
  EXPECT_TRUE(pairs[0].valid);
  for (int i : {1, 2, 3, 4}) EXPECT_FALSE(pairs[i].valid) << pairs[i].text;
  EXPECT_TRUE(pairs[5].valid);
  // What does not decode is kept as given, the rest of the pair decoded.
  EXPECT_EQ(pairs[1].name, "c");
  EXPECT_EQ(pairs[1].value, "%zz");
  EXPECT_EQ(pairs[2].name, "%4");
  EXPECT_EQ(pairs[2].text, "%4=x");
  EXPECT_EQ(pairs[5].value, "ok");
}

TEST(FormParseUnique, ReadsEachNameOnce) {
  auto form =
      parse_unique("grant_type=authorization_code&code=abc&redirect_uri=https%3A%2F%2Fx", true);
  EXPECT_EQ(form.problem, Unique::Problem::None);
  EXPECT_EQ(form.values.size(), 3u);
  EXPECT_EQ(form.values["code"], "abc");
  EXPECT_EQ(form.values["redirect_uri"], "https://x");
}

TEST(FormParseUnique, ADuplicateIsNamedAfterDecoding) {
  auto form = parse_unique("scope=a&%73cope=b", false);
  EXPECT_EQ(form.problem, Unique::Problem::Duplicate);
  EXPECT_EQ(form.where, "scope");
}

TEST(FormParseUnique, EmptyValuesCountAsAbsentWhenAsked) {
  auto lenient = parse_unique("code=&code=abc&state=", true);
  EXPECT_EQ(lenient.problem, Unique::Problem::None);
  EXPECT_EQ(lenient.values.size(), 1u);
  EXPECT_EQ(lenient.values["code"], "abc");
  auto strict = parse_unique("code=&code=abc", false);
  EXPECT_EQ(strict.problem, Unique::Problem::Duplicate);
  EXPECT_EQ(strict.where, "code");
}

TEST(FormParseUnique, TheFirstProblemInTheTextIsReported) {
  auto malformed_first = parse_unique("a=1&b=%G1&a=2", true);
  EXPECT_EQ(malformed_first.problem, Unique::Problem::Malformed);
  EXPECT_EQ(malformed_first.where, "b=%G1");
  auto duplicate_first = parse_unique("a=1&a=2&b=%G1", true);
  EXPECT_EQ(duplicate_first.problem, Unique::Problem::Duplicate);
  EXPECT_EQ(duplicate_first.where, "a");
}

TEST(FormQueryOf, TheTextBetweenTheQuestionMarkAndTheFragment) {
  EXPECT_EQ(query_of("https://www.example.com/?code=abc&state=s#frag"), "code=abc&state=s");
  EXPECT_EQ(query_of("/v3/accounts?limit=10&x=a?b"), "limit=10&x=a?b");
  EXPECT_EQ(query_of("https://www.example.com/"), "");
  EXPECT_EQ(query_of("https://www.example.com/#a?b"), "");  // a '?' in the fragment
  EXPECT_EQ(query_of("https://www.example.com/?"), "");
}

TEST(FormDecode, OneComponent) {
  EXPECT_EQ(decode("caf%C3%A9+au+lait"), "caf\xC3\xA9 au lait");
  EXPECT_EQ(decode("%41%4a%4A"), "AJJ");
  EXPECT_EQ(decode(""), "");
  EXPECT_FALSE(decode("%"));
  EXPECT_FALSE(decode("x%4"));
  EXPECT_FALSE(decode("%x4"));
}

}  // namespace
}  // namespace sandbank::form
