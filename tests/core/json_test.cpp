#include "core/json.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace sandbank {
namespace {

TEST(RequestJson, FindsTheFirstDuplicatedMemberByItsPath) {
  EXPECT_EQ(find_duplicate_member(R"({"a":1,"b":2})"), "");
  EXPECT_EQ(find_duplicate_member(R"({"a":1,"a":2})"), "a");
  EXPECT_EQ(find_duplicate_member(R"({"instructedAmount":{"amount":"1"},"instructedAmount":{}})"),
            "instructedAmount");
  EXPECT_EQ(find_duplicate_member(R"({"x":{"iban":"A","iban":"B"}})"), "x.iban");
  EXPECT_EQ(find_duplicate_member(R"({"keys":{"tls":[{"kid":1},{"kid":2,"kid":3}]}})"),
            "keys.tls[1].kid");
  EXPECT_EQ(find_duplicate_member(R"([1,"x",{"a":[true,null,{"b":0,"b":1}]}])"), "[2].a[2].b");
  // One name in two objects is no duplicate; an escaped spelling of the same name is.
  EXPECT_EQ(find_duplicate_member(R"({"a":{"id":1},"b":{"id":1},"id":1})"), "");
  EXPECT_EQ(find_duplicate_member(R"({"amount":"1","\u0061mount":"2"})"), "amount");
  // A member named after it has closed an object of that name is the same member again.
  EXPECT_EQ(find_duplicate_member(R"({"a":{"a":1},"a":2})"), "a");
  // Not JSON: nothing to say about duplicates.
  EXPECT_EQ(find_duplicate_member(R"({"a":1,)"), "");
}

TEST(RequestJson, ManyMembersAreCheckedWithoutQuadraticCost) {
  std::string text = "{";
  for (int i = 0; i < 100000; ++i) text += "\"m" + std::to_string(i) + "\":0,";
  text += "\"m77\":1}";
  EXPECT_EQ(find_duplicate_member(text), "m77");
}

TEST(RequestJson, ParseRefusesADuplicateAndLeavesSyntaxErrorsToTheCaller) {
  boost::system::error_code ec;
  auto v = parse_request_json(R"({"a":{"b":1},"c":[1,2]})", ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(v.at("c").as_array().size(), 2u);

  parse_request_json("{nope", ec);
  EXPECT_TRUE(ec);

  try {
    parse_request_json(R"({"instructedAmount":{"amount":"1.00","amount":"1000.00"}})", ec);
    FAIL() << "a duplicate member was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.code(), "request.duplicate_member");
    EXPECT_NE(e.message().find("instructedAmount.amount"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace sandbank
