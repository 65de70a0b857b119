#include "signing/date_window.hpp"

#include <gtest/gtest.h>

#include "signing_test_support.hpp"

namespace sandbank::signing {
namespace {

using testing::t0;

Message dated(std::string date) {
  Message m;
  m.method = "GET";
  m.target = "/v3/accounts";
  m.add("Date", std::move(date));
  return m;
}

// Found by fuzz/dates: a valid HTTP date centuries away overflowed the nanosecond difference.
TEST(DateWindow, DatesCenturiesAwayAreOutsideTheWindowWithoutOverflow) {
  for (const char* date : {"Mon, 16 Mar 1699 10:00:00 GMT", "Sat, 01 Jan 1678 00:00:00 GMT",
                           "Tue, 31 Dec 2261 23:59:59 GMT"}) {
    auto d = check_date_value(date, t0());
    EXPECT_EQ(d.code, "date.outside_window") << date;
    EXPECT_NE(d.message.find(" s "), std::string::npos) << d.message;
  }
}

TEST(DateWindow, MakesTheGuidesFormat) {
  ManualClock clock(t0());
  EXPECT_EQ(make_date(clock), "Tue, 24 Nov 2026 10:00:00 GMT");
}

TEST(DateWindow, AcceptsTheThreeRfc7231FormatsInsideTheWindow) {
  ManualClock clock(t0());
  EXPECT_TRUE(check_date(dated("Tue, 24 Nov 2026 10:00:00 GMT").view(), clock));
  EXPECT_TRUE(check_date(dated("Tuesday, 24-Nov-26 10:01:00 GMT").view(), clock));
  EXPECT_TRUE(check_date(dated("Tue Nov 24 09:59:00 2026").view(), clock));
}

TEST(DateWindow, WindowIsThreeMinutesEitherWay) {
  ManualClock clock(t0());
  EXPECT_TRUE(check_date(dated("Tue, 24 Nov 2026 10:03:00 GMT").view(), clock));
  EXPECT_TRUE(check_date(dated("Tue, 24 Nov 2026 09:57:00 GMT").view(), clock));
  auto late = check_date(dated("Tue, 24 Nov 2026 10:03:01 GMT").view(), clock);
  EXPECT_EQ(late.code, "date.outside_window");
  EXPECT_EQ(late.status, 401);
  EXPECT_NE(late.message.find("181 s ahead of the server time Tue, 24 Nov 2026 10:00:00 GMT"),
            std::string::npos)
      << late.message;
  EXPECT_EQ(late.fact_value("skew_seconds"), "181");
  auto early = check_date(dated("Tue, 24 Nov 2026 09:50:00 GMT").view(), clock);
  EXPECT_EQ(early.code, "date.outside_window");
  EXPECT_NE(early.message.find("600 s behind"), std::string::npos);
  EXPECT_EQ(early.fact_value("server_time"), "Tue, 24 Nov 2026 10:00:00 GMT");
  // The clock moves, the same header goes stale.
  clock.advance(std::chrono::minutes(4));
  EXPECT_EQ(check_date(dated("Tue, 24 Nov 2026 10:00:00 GMT").view(), clock).code,
            "date.outside_window");
  DatePolicy wide;
  wide.window = std::chrono::minutes(5);
  EXPECT_TRUE(check_date(dated("Tue, 24 Nov 2026 10:00:00 GMT").view(), clock, wide));
}

TEST(DateWindow, MalformedDatesSayWhy) {
  ManualClock clock(t0());
  auto unpadded = check_date(dated("Tue, 4 Nov 2026 10:00:00 GMT").view(), clock);
  EXPECT_EQ(unpadded.code, "date.malformed");
  EXPECT_EQ(unpadded.status, 400);
  EXPECT_NE(unpadded.message.find("two digits"), std::string::npos) << unpadded.message;
  auto zone = check_date(dated("Tue, 24 Nov 2026 11:00:00 CET").view(), clock);
  EXPECT_EQ(zone.code, "date.malformed");
  EXPECT_NE(zone.message.find("GMT"), std::string::npos);
  EXPECT_NE(zone.message.find("CET"), std::string::npos);
  auto localized = check_date(dated("Di, 24 Nov 2026 10:00:00 GMT").view(), clock);
  EXPECT_NE(localized.message.find("LC_TIME"), std::string::npos);
  EXPECT_TRUE(testing::clean(unpadded.message));
  EXPECT_TRUE(testing::clean(zone.message));
}

TEST(DateWindow, MissingOrDuplicated) {
  ManualClock clock(t0());
  Message none;
  EXPECT_EQ(check_date(none.view(), clock).code, "date.missing");
  DatePolicy optional;
  optional.required = false;
  EXPECT_TRUE(check_date(none.view(), clock, optional));
  auto twice = dated("Tue, 24 Nov 2026 10:00:00 GMT");
  twice.add("date", "Tue, 24 Nov 2026 10:00:00 GMT");
  EXPECT_EQ(check_date(twice.view(), clock).code, "date.malformed");
}

TEST(DateWindow, ProductionModeHidesServerTime) {
  ManualClock clock(t0());
  DatePolicy policy;
  policy.detailed = false;
  auto d = check_date(dated("Tue, 24 Nov 2026 11:00:00 GMT").view(), clock, policy);
  EXPECT_EQ(d.code, "date.outside_window");
  EXPECT_EQ(d.message.find("10:00:00"), std::string::npos);
  EXPECT_TRUE(d.facts.empty());
}

}  // namespace
}  // namespace sandbank::signing
