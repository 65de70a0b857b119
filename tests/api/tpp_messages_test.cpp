#include "api/tpp_messages.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>

namespace sandbank::api {
namespace {

namespace json = boost::json;

json::object body_of(const http::Response& response) {
  return json::parse(response.body).as_object();
}

TEST(TppMessages, RendersIngShapeWithDetailAndDiagnostic) {
  auto response = render_tpp_error(Error(400, "ais.period_invalid", "dateFrom is after dateTo",
                                         "dateFrom=2024-02-01 dateTo=2024-01-01"),
                                   true, "dateFrom", TppApi::Ais);
  EXPECT_EQ(response.status, 400u);
  auto body = body_of(response);
  const auto& message = body.at("tppMessages").as_array().at(0).as_object();
  EXPECT_EQ(message.at("category").as_string(), "ERROR");
  EXPECT_EQ(message.at("code").as_string(), "PERIOD_INVALID");
  EXPECT_EQ(message.at("text").as_string(), "dateFrom is after dateTo");
  EXPECT_EQ(message.at("path").as_string(), "dateFrom");
  EXPECT_EQ(body.at("detail").as_string(), "ais.period_invalid");
  EXPECT_EQ(body.at("diagnostic").as_string(), "dateFrom=2024-02-01 dateTo=2024-01-01");
}

TEST(TppMessages, DiagnosticsOffAndNoPath) {
  auto response = render_tpp_error(Error(401, "token.expired", "expired", "why"), false);
  EXPECT_EQ(response.status, 401u);
  auto body = body_of(response);
  EXPECT_FALSE(body.contains("diagnostic"));
  const auto& message = body.at("tppMessages").as_array().at(0).as_object();
  EXPECT_FALSE(message.contains("path"));
  EXPECT_EQ(message.at("code").as_string(), "INVALID_HEADER");  // ING's enums have no UNAUTHORIZED
  EXPECT_TRUE(response.header("WWW-Authenticate").has_value());
}

TEST(TppMessages, InvalidFieldCarriesPath) {
  auto response = render_tpp_error(
      InvalidField(400, "ais.balance_type_invalid", "balanceTypes", "bad"), true, {}, TppApi::Ais);
  auto body = body_of(response);
  const auto& message = body.at("tppMessages").as_array().at(0).as_object();
  EXPECT_EQ(message.at("code").as_string(), "REQUESTED_BALANCES_INVALID");
  EXPECT_EQ(message.at("path").as_string(), "balanceTypes");
}

TEST(TppMessages, CodesByPrefixAndStatus) {
  for (auto api : {TppApi::Ais, TppApi::Pis}) {
    EXPECT_EQ(tpp_message_code(Error(400, "digest.mismatch", "x"), api), "INVALID_HEADER");
    EXPECT_EQ(tpp_message_code(Error(401, "signature.invalid", "x"), api), "INVALID_HEADER");
    EXPECT_EQ(tpp_message_code(Error(401, "consent.expired", "x"), api), "SERVICE_BLOCKED");
    EXPECT_EQ(tpp_message_code(Error(403, "token.insufficient_scope", "x"), api),
              "SERVICE_BLOCKED");
    EXPECT_EQ(tpp_message_code(Error(404, "something.else", "x"), api), "RESOURCE_UNKNOWN");
    EXPECT_EQ(tpp_message_code(Error(400, "something.else", "x"), api), "FORMAT_ERROR");
    EXPECT_EQ(tpp_message_code(Error(500, "store.io", "x"), api), "ING_ERROR");
  }
  EXPECT_EQ(tpp_message_code(Error(503, "store.busy", "x"), TppApi::Ais), "SERVICE_UNAVAILABLE");
  EXPECT_EQ(tpp_message_code(Error(503, "store.busy", "x"), TppApi::Pis), "ING_ERROR");
  EXPECT_EQ(tpp_message_code(Error(405, "route.method_not_allowed", "x"), TppApi::Pis),
            "SERVICE_INVALID");
  EXPECT_EQ(tpp_message_code(Error(404, "ais.no_accounts", "x"), TppApi::Ais), "NOT_FOUND");
  EXPECT_EQ(tpp_message_code(Error(404, "ais.no_accounts", "x"), TppApi::Pis), "RESOURCE_UNKNOWN");
  set_tpp_message_code("test.product_unknown", "PRODUCT_UNKNOWN");
  EXPECT_EQ(tpp_message_code(Error(400, "test.product_unknown", "x"), TppApi::Pis),
            "PRODUCT_UNKNOWN");
  // Not in AIS's enum: the status decides there.
  EXPECT_EQ(tpp_message_code(Error(400, "test.product_unknown", "x"), TppApi::Ais), "FORMAT_ERROR");
}

// Whatever the error, the code is one of the closed enum of ING's file for that API.
TEST(TppMessages, EveryCodeIsInTheApisEnum) {
  std::vector<std::string> details = {
      "ais.period_invalid",      "ais.no_accounts",      "consent.revoked",         "token.expired",
      "payment.unknown",         "digest.missing",       "route.not_found",         "x.y",
      "payment.product_unknown", "request.content_type", "mtls.certificate_missing"};
  for (auto api : {TppApi::Ais, TppApi::Pis}) {
    const auto& codes = tpp_message_codes(api);
    for (int status = 400; status < 600; ++status) {
      for (const auto& detail : details) {
        auto code = tpp_message_code(Error(status, detail, "x"), api);
        EXPECT_NE(std::find(codes.begin(), codes.end(), code), codes.end())
            << status << " " << detail << " -> " << code;
      }
    }
  }
}

TEST(TppMessages, TextStaysValidUtf8) {
  // Cut at a character boundary: 600 two-byte characters give 512 characters.
  std::string umlauts;
  for (int i = 0; i < 600; ++i) umlauts += "\xC3\xBC";
  EXPECT_EQ(tpp_message_text(umlauts).size(), 1024u);
  // Invalid bytes (a lone continuation byte, an overlong form, a truncated sequence) are
  // replaced, so the JSON body parses.
  EXPECT_EQ(tpp_message_text("a\x80"
                             "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(tpp_message_text("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(tpp_message_text("x\xE2\x82"), "x\xEF\xBF\xBD\xEF\xBF\xBD");
  auto response = render_tpp_error(Error(400, "x.y", "bad \xFF input", "\xFE"), true);
  boost::system::error_code ec;
  json::parse(response.body, ec);
  EXPECT_FALSE(ec) << response.body;
}

TEST(TppMessages, TextIsCappedAt512) {
  auto response = render_tpp_error(Error(400, "x.y", std::string(600, 'a')), true);
  auto body = body_of(response);
  const auto& message = body.at("tppMessages").as_array().at(0).as_object();
  EXPECT_EQ(message.at("text").as_string().size(), 512u);
}

}  // namespace
}  // namespace sandbank::api
