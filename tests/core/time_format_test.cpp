#include "core/time_format.hpp"

#include <gtest/gtest.h>
#include <time.h>

#include <cstdio>
#include <random>

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

TEST(Rfc3339, AgreesWithGmtimeFromTheFirstToTheLastRepresentableYear) {
  // The formatter computes the civil date itself; gmtime_r is the yardstick, over the whole
  // TimePoint range (1677-09-21 to 2262-04-11), both sides of 1970 and day boundaries.
  std::mt19937_64 random(11);
  const long long lo = -9'223'372'036LL, hi = 9'223'372'035LL;  // hi + 999 ms still fits
  std::vector<long long> seconds = {
      0, -1, 86399, 86400, -86400, -86401, 951782400 /* 2000-02-29 */, lo, hi};
  for (int i = 0; i < 20000; ++i) {
    seconds.push_back(lo +
                      static_cast<long long>(random() % static_cast<unsigned long long>(hi - lo)));
  }
  for (long long s : seconds) {
    std::time_t tt = static_cast<std::time_t>(s);
    std::tm tm{};
    ASSERT_NE(gmtime_r(&tt, &tm), nullptr);
    char expected[80];  // room for any int in each field, as -Wformat-truncation asks
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    ASSERT_EQ(format_rfc3339(at(s)), expected) << s;
    ASSERT_EQ(format_date(at(s) + std::chrono::milliseconds(999)), std::string(expected, 10)) << s;
  }
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
