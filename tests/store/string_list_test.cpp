#include "store/string_list.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace sandbank::store::detail {
namespace {

TEST(StringList, RoundTripsIncludingEmptyAndEscapedValues) {
  std::vector<std::string> values = {"payment-accounts:balances:view", "", "quote \" slash \\"};
  EXPECT_EQ(string_list_from_json(string_list_to_json(values), "t.c"), values);
  EXPECT_EQ(string_list_to_json({}), "[]");
  EXPECT_TRUE(string_list_from_json("[]", "t.c").empty());
}

TEST(StringList, DamagedTextIsAStoreErrorNamingTheColumn) {
  for (const char* text : {"", "not json", "{}", "[1]", "[\"a\", null]", "\"a\""}) {
    try {
      string_list_from_json(text, "consents.scopes");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "store.damaged") << text;
      EXPECT_NE(e.diagnostic().find("consents.scopes"), std::string::npos) << e.diagnostic();
    }
  }
}

}  // namespace
}  // namespace sandbank::store::detail
