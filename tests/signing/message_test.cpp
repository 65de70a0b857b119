#include "signing/message.hpp"

#include <gtest/gtest.h>

#include <set>

#include "signing/diagnosis.hpp"

namespace sandbank::signing {
namespace {

TEST(MessageView, LooksUpHeadersCaseInsensitivelyAndJoinsDuplicates) {
  Message m;
  m.add("Cache-Control", "max-age=60")
      .add("X-Example", "Example header\r\n    with some whitespace.");
  m.add("cache-control", "must-revalidate").add("X-EmptyHeader", "").add("Host", " example.org ");
  auto v = m.view();
  EXPECT_EQ(v.signing_value("CACHE-CONTROL"), "max-age=60, must-revalidate");
  EXPECT_EQ(v.signing_value("x-example"), "Example header with some whitespace.");
  EXPECT_EQ(v.signing_value("x-emptyheader"), "");
  EXPECT_EQ(v.signing_value("host"), "example.org");
  EXPECT_FALSE(v.signing_value("date"));
  EXPECT_EQ(v.count("cache-control"), 2u);
  EXPECT_EQ(*v.first("Cache-control"), "max-age=60");
}

TEST(MessageView, OwningMessageSetsAndRemoves) {
  Message m;
  m.add("Date", "a").add("date", "b");
  m.set("DATE", "c");
  EXPECT_EQ(m.view().values("date"), std::vector<std::string_view>{"c"});
  m.remove("date");
  EXPECT_FALSE(m.get("Date"));
}

TEST(MessageView, OriginForm) {
  EXPECT_EQ(origin_form("/foo?x=1"), "/foo?x=1");
  EXPECT_EQ(origin_form("https://api.example.com/foo?x=1"), "/foo?x=1");
  EXPECT_EQ(origin_form("https://api.example.com"), "/");
  EXPECT_EQ(origin_form("*"), "*");
}

TEST(Diagnosis, MessagesAreSafeForErrorDescription) {
  auto d = Diagnosis::unauthorized("x.y", "say \"hi\"\\ and\nbye\x01");
  EXPECT_EQ(d.message, "say 'hi'%5C and bye ");
  auto e = d.to_error();
  EXPECT_EQ(e.status(), 401);
  EXPECT_EQ(e.code(), "x.y");
}

TEST(Diagnosis, RedactedKeepsStatusAndCode) {
  auto d = Diagnosis::unauthorized("jws.x5t_mismatch", "x5t#S256 abc is wrong");
  d.signing_string = "(request-target): post /x";
  d.cause = "wrong_key";
  d.hint = "hint";
  d.fact("expected", "abc");
  auto r = d.redacted();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code, "jws.x5t_mismatch");
  EXPECT_EQ(r.message, "The JWS signature could not be verified.");
  EXPECT_TRUE(r.signing_string.empty() && r.cause.empty() && r.hint.empty() && r.facts.empty());
  EXPECT_NE(d.diagnostic().find("(request-target): post /x"), std::string::npos);
  EXPECT_NE(d.diagnostic().find("expected: abc"), std::string::npos);
}

TEST(Diagnosis, CodesAreUniqueAndDotted) {
  auto all = codes::all();
  std::set<std::string_view> seen(all.begin(), all.end());
  EXPECT_EQ(seen.size(), all.size());
  for (auto c : all) EXPECT_NE(c.find('.'), std::string_view::npos) << c;
}

}  // namespace
}  // namespace sandbank::signing
