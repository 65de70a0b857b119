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
  Response r = Response::text(200, "x");
  r.set("Cache-Control", "max-age=3600");
  r.set("X-ING-Response-ID", "handler-chose-this");
  TimePoint t = std::chrono::sys_days{std::chrono::year{2020} / 8 / 12} + std::chrono::hours(7) +
                std::chrono::minutes(36) + std::chrono::seconds(42);
  apply_standard_headers(r, "bb9c6fb19dc058db9794f6f8b9e28b2d", t);
  EXPECT_EQ(r.header("x-ing-response-id").value_or(""), "bb9c6fb19dc058db9794f6f8b9e28b2d");
  EXPECT_EQ(r.header("Date").value_or(""), "Wed, 12 Aug 2020 07:36:42 GMT");
  EXPECT_EQ(r.header("Cache-Control").value_or(""), "max-age=3600");
  EXPECT_EQ(r.header("Strict-Transport-Security").value_or(""),
            "max-age=31622400; includeSubDomains");
  EXPECT_EQ(r.header("X-Content-Type-Options").value_or(""), "nosniff");
  EXPECT_EQ(r.header("X-Frame-Options").value_or(""), "deny");
  EXPECT_EQ(r.header("X-XSS-Protection").value_or(""), "1; mode=block");
  EXPECT_EQ(r.header("Pragma").value_or(""), "no-cache");
  EXPECT_EQ(r.header("Expires").value_or(""), "0");
}

TEST(StandardHeadersTest, DateFollowsTheClockAcrossSecondsAndKeepsTheHandlersDate) {
  TimePoint t = std::chrono::sys_days{std::chrono::year{2020} / 8 / 12} + std::chrono::hours(7) +
                std::chrono::minutes(36) + std::chrono::seconds(42);
  const char* expected[] = {"Wed, 12 Aug 2020 07:36:42 GMT", "Wed, 12 Aug 2020 07:36:42 GMT",
                            "Wed, 12 Aug 2020 07:36:43 GMT", "Wed, 12 Aug 2020 07:36:42 GMT"};
  TimePoint times[] = {t, t + std::chrono::milliseconds(999), t + std::chrono::seconds(1), t};
  for (int i = 0; i < 4; ++i) {
    Response r = Response::text(200, "x");
    apply_standard_headers(r, "id", times[i]);
    EXPECT_EQ(r.header("Date").value_or(""), expected[i]) << i;
  }
  Response r = Response::text(200, "x");
  r.set("date", "Thu, 01 Jan 1970 00:00:00 GMT");
  apply_standard_headers(r, "id", t);
  auto dates = std::count_if(r.headers.begin(), r.headers.end(),
                             [](const Header& h) { return iequals(h.name, "Date"); });
  EXPECT_EQ(dates, 1);
  EXPECT_EQ(r.header("Date").value_or(""), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(StandardHeadersTest, HeaderLinesMatchWhatApplyAddsAndKeepTheHandlersChoices) {
  TimePoint t = std::chrono::sys_days{std::chrono::year{2020} / 8 / 12} + std::chrono::hours(7) +
                std::chrono::minutes(36) + std::chrono::seconds(42);
  Response r = Response::text(200, "x");
  r.set("Cache-Control", "max-age=3600");
  r.set("X-ING-Response-ID", "handler-chose-this");
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
  // The same set as apply_standard_headers leaves on the response (the handler's
  // Cache-Control stays the handler's; its X-ING-Response-ID is replaced).
  apply_standard_headers(r, "bb9c6fb19dc058db9794f6f8b9e28b2d", t);
  for (const auto& h : r.headers) {
    if (iequals(h.name, "Cache-Control") || iequals(h.name, "Content-Type")) continue;
    EXPECT_NE(lines.find(h.name + ": " + h.value + "\r\n"), std::string::npos) << h.name;
  }
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
