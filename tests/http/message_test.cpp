#include "http/message.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>

#include "core/strings.hpp"
#include "core/time_format.hpp"
#include "http/access_log.hpp"

namespace sandbank::http {
namespace {

TEST(RequestTest, PathAndQueryAreRaw) {
  Request r;
  r.target = "/v2/accounts/a%2Fb/transactions?dateFrom=2024-01-01&next=x%3D";
  EXPECT_EQ(r.path(), "/v2/accounts/a%2Fb/transactions");
  EXPECT_EQ(r.query(), "dateFrom=2024-01-01&next=x%3D");
  r.target = "/health";
  EXPECT_EQ(r.path(), "/health");
  EXPECT_EQ(r.query(), "");
  r.target = "https://api.example.com/oauth2/token?x=1";
  EXPECT_EQ(r.path(), "/oauth2/token");
  EXPECT_EQ(r.query(), "x=1");
}

TEST(RequestTest, HeadersAreCaseInsensitiveAndOrdered) {
  Request r;
  r.headers = {{"Digest", "SHA-256=abc"}, {"X-Request-ID", "1"}, {"x-request-id", "2"}};
  EXPECT_EQ(r.header("digest").value_or(""), "SHA-256=abc");
  EXPECT_EQ(r.header("X-REQUEST-ID").value_or(""), "1");
  EXPECT_FALSE(r.header("Date"));
  auto all = r.headers_named("X-Request-Id");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], "1");
  EXPECT_EQ(all[1], "2");
}

TEST(ResponseTest, SetReplacesAddAppends) {
  Response r = Response::json(201, "{}");
  EXPECT_EQ(r.header("content-type").value_or(""), "application/json");
  r.add("Set-Cookie", "a=1");
  r.add("Set-Cookie", "b=2");
  r.set("set-cookie", "c=3");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.header("Set-Cookie").value_or(""), "c=3");
  EXPECT_TRUE(r.erase("SET-COOKIE"));
  EXPECT_FALSE(r.erase("Set-Cookie"));
}

TEST(StandardHeadersTest, AddsSecurityHeadersWithoutOverridingTheHandlers) {
  TimePoint t = std::chrono::sys_days{std::chrono::year{2020} / 8 / 12} + std::chrono::hours(7) +
                std::chrono::minutes(36) + std::chrono::seconds(42);
  Response r = Response::text(200, "x");
  r.set("Cache-Control", "max-age=3600");
  r.set("X-ING-Response-ID", "handler-chose-this");  // the server's id wins (it skips this one)
  std::string lines;
  append_standard_header_lines(lines, r, "bb9c6fb19dc058db9794f6f8b9e28b2d", t);
  EXPECT_EQ(lines,
            "X-ING-Response-ID: bb9c6fb19dc058db9794f6f8b9e28b2d\r\n"
            "Date: Wed, 12 Aug 2020 07:36:42 GMT\r\n"
            "Strict-Transport-Security: max-age=31622400; includeSubDomains\r\n"
            "X-Content-Type-Options: nosniff\r\n"
            "X-Frame-Options: deny\r\n"
            "X-XSS-Protection: 1; mode=block\r\n"
            "Pragma: no-cache\r\n"
            "Expires: 0\r\n");
}

TEST(StandardHeadersTest, DateFollowsTheClockAcrossSecondsAndKeepsTheHandlersDate) {
  TimePoint t = std::chrono::sys_days{std::chrono::year{2020} / 8 / 12} + std::chrono::hours(7) +
                std::chrono::minutes(36) + std::chrono::seconds(42);
  const char* expected[] = {"Wed, 12 Aug 2020 07:36:42 GMT", "Wed, 12 Aug 2020 07:36:42 GMT",
                            "Wed, 12 Aug 2020 07:36:43 GMT", "Wed, 12 Aug 2020 07:36:42 GMT"};
  TimePoint times[] = {t, t + std::chrono::milliseconds(999), t + std::chrono::seconds(1), t};
  for (int i = 0; i < 4; ++i) {
    std::string lines;
    append_standard_header_lines(lines, Response::text(200, "x"), "id", times[i]);
    EXPECT_NE(lines.find(std::string("\r\nDate: ") + expected[i] + "\r\n"), std::string::npos)
        << i << ": " << lines;
  }
  Response r = Response::text(200, "x");
  r.set("date", "Thu, 01 Jan 1970 00:00:00 GMT");
  std::string lines;
  append_standard_header_lines(lines, r, "id", t);
  EXPECT_EQ(lines.find("Date:"), std::string::npos) << lines;  // the handler's is written
}

AccessLogEntry sample_entry() {
  AccessLogEntry e;
  e.time = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + std::chrono::hours(10);
  e.listener = "api";
  e.method = "POST";
  e.target = "/oauth2/token";
  e.status = 401;
  e.duration = std::chrono::microseconds(1234);
  e.client_certificate_serial = "49BA5C71";
  e.detail_code = "signature.invalid";
  e.response_id = "bb9c6fb19dc058db9794f6f8b9e28b2d";
  e.remote_address = "127.0.0.1";
  e.bytes = 512;
  return e;
}

TEST(AccessLogTest, TextLine) {
  EXPECT_EQ(format_access_log_text(sample_entry()),
            "2024-05-01T10:00:00Z api 127.0.0.1 \"POST /oauth2/token\" 401 512 1.234ms "
            "cert=49BA5C71 detail=signature.invalid id=bb9c6fb19dc058db9794f6f8b9e28b2d");
  AccessLogEntry bare;
  bare.listener = "web";
  bare.status = 431;
  EXPECT_NE(format_access_log_text(bare).find("\"- -\" 431 0 0.000ms cert=- detail=- id=-"),
            std::string::npos);
}

TEST(AccessLogTest, JsonLine) {
  auto o = boost::json::parse(format_access_log_json(sample_entry())).as_object();
  EXPECT_EQ(o.at("listener").as_string(), "api");
  EXPECT_EQ(o.at("status").as_int64(), 401);
  EXPECT_EQ(o.at("bytes").as_int64(), 512);
  EXPECT_DOUBLE_EQ(o.at("duration_ms").as_double(), 1.234);
  EXPECT_EQ(o.at("client_certificate_serial").as_string(), "49BA5C71");
  EXPECT_EQ(o.at("detail").as_string(), "signature.invalid");
  EXPECT_EQ(o.at("time").as_string(), "2024-05-01T10:00:00Z");
}

TEST(AccessLogTest, DefaultSinksLogWithoutThrowing) {
  auto text = make_access_log_sink(false);
  auto json = make_access_log_sink(true);
  EXPECT_NO_THROW(text(sample_entry()));
  EXPECT_NO_THROW(json(sample_entry()));
}

}  // namespace
}  // namespace sandbank::http
