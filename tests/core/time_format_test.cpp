#include "core/time_format.hpp"

#include <gtest/gtest.h>

namespace sandbank {
namespace {

TimePoint at(long long seconds) {
  return TimePoint(std::chrono::seconds(seconds));
}

TEST(ImfFixdate, FormatsLikeTheGuidesDateCommand) {
  // 1994-11-06T08:49:37Z, RFC 7231's example.
  EXPECT_EQ(format_imf_fixdate(at(784111777)), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_rfc3339(at(784111777)), "1994-11-06T08:49:37Z");
  EXPECT_EQ(format_date(at(784111777)), "1994-11-06");
}

TEST(HttpDate, ParsesAllThreeRfc7231Formats) {
  auto a = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->time, at(784111777));
  EXPECT_EQ(a->format, HttpDateFormat::ImfFixdate);
  auto b = parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->time, at(784111777));
  auto c = parse_http_date("Sun Nov  6 08:49:37 1994");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->time, at(784111777));
}

TEST(HttpDate, ExplainsAnUnpaddedDay) {
  HttpDateProblem p;
  EXPECT_FALSE(parse_http_date("Sun, 6 Nov 1994 08:49:37 GMT", &p));
  EXPECT_NE(p.message.find("two digits"), std::string::npos) << p.message;
}

TEST(HttpDate, ExplainsANonGmtZone) {
  HttpDateProblem p;
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 CET", &p));
  EXPECT_NE(p.message.find("GMT"), std::string::npos) << p.message;
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 +0000", &p));
}

TEST(HttpDate, RejectsWrongWeekdayAndImpossibleDates) {
  HttpDateProblem p;
  EXPECT_FALSE(parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT", &p));
  EXPECT_NE(p.message.find("Sun"), std::string::npos) << p.message;
  EXPECT_FALSE(parse_http_date("Tue, 30 Feb 2021 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Zon, 06 Nov 1994 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date(""));
  EXPECT_FALSE(parse_http_date("garbage, garbage"));
}

TEST(HttpDate, YearsATimePointCannotHoldAreRefusedNotWrapped) {
  HttpDateProblem p;
  EXPECT_FALSE(parse_http_date("Sat, 01 Jan 0000 00:00:00 GMT", &p));
  EXPECT_NE(p.message.find("outside 1678..2261"), std::string::npos) << p.message;
  EXPECT_FALSE(parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT", &p));
  EXPECT_NE(p.message.find("outside"), std::string::npos) << p.message;
  EXPECT_FALSE(parse_http_date("Sun Jan  1 00:00:00 1000"));
  EXPECT_FALSE(parse_rfc3339("9999-12-31T23:59:59Z"));
  EXPECT_FALSE(parse_rfc3339("0001-01-01T00:00:00Z"));
  // The edges that fit.
  EXPECT_TRUE(parse_http_date("Sat, 01 Jan 1678 00:00:00 GMT"));
  EXPECT_TRUE(parse_http_date("Tue, 31 Dec 2261 23:59:59 GMT"));
  EXPECT_TRUE(parse_rfc3339("2261-12-31T23:59:59Z"));
}

TEST(Rfc3339, ParsesZuluOffsetsAndFractions) {
  EXPECT_EQ(parse_rfc3339("1994-11-06T08:49:37Z"), at(784111777));
  EXPECT_EQ(parse_rfc3339("1994-11-06T09:49:37+01:00"), at(784111777));
  EXPECT_EQ(parse_rfc3339("1994-11-06T08:49:37.123Z"), at(784111777));
  EXPECT_FALSE(parse_rfc3339("1994-11-06 08:49:37Z"));
  EXPECT_FALSE(parse_rfc3339("1994-11-06T08:49:37"));
  EXPECT_FALSE(parse_rfc3339("1994-13-06T08:49:37Z"));
}

}  // namespace
}  // namespace sandbank
