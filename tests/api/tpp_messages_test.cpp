#include "api/tpp_messages.hpp"

#include <gtest/gtest.h>

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
                                   true, "dateFrom");
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
  EXPECT_EQ(message.at("code").as_string(), "UNAUTHORIZED");
  EXPECT_TRUE(response.header("WWW-Authenticate").has_value());
}

TEST(TppMessages, ParameterErrorCarriesPath) {
  auto response = render_tpp_error(
      ParameterError(400, "ais.balance_type_invalid", "balanceTypes", "bad"), true);
  auto body = body_of(response);
  const auto& message = body.at("tppMessages").as_array().at(0).as_object();
  EXPECT_EQ(message.at("code").as_string(), "REQUESTED_BALANCES_INVALID");
  EXPECT_EQ(message.at("path").as_string(), "balanceTypes");
}

TEST(TppMessages, CodesByPrefixAndStatus) {
  EXPECT_EQ(tpp_message_code(Error(400, "digest.mismatch", "x")), "INVALID_HEADER");
  EXPECT_EQ(tpp_message_code(Error(401, "signature.invalid", "x")), "UNAUTHORIZED");
  EXPECT_EQ(tpp_message_code(Error(404, "something.else", "x")), "RESOURCE_UNKNOWN");
  EXPECT_EQ(tpp_message_code(Error(400, "something.else", "x")), "FORMAT_ERROR");
  EXPECT_EQ(tpp_message_code(Error(500, "store.io", "x")), "ING_ERROR");
  EXPECT_EQ(tpp_message_code(Error(503, "store.busy", "x")), "SERVICE_UNAVAILABLE");
  set_tpp_message_code("test.product_unknown", "PRODUCT_UNKNOWN");
  EXPECT_EQ(tpp_message_code(Error(400, "test.product_unknown", "x")), "PRODUCT_UNKNOWN");
}

TEST(TppMessages, TextIsCappedAt512) {
  auto response = render_tpp_error(Error(400, "x.y", std::string(600, 'a')), true);
  auto body = body_of(response);
  const auto& message = body.at("tppMessages").as_array().at(0).as_object();
  EXPECT_EQ(message.at("text").as_string().size(), 512u);
}

}  // namespace
}  // namespace sandbank::api
