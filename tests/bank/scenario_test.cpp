// The X-Sandbank-Scenario / sandbank_scenario parser (bank/scenario.hpp): names, parameters,
// their bounds, and the errors that name what is known.
#include "bank/scenario.hpp"

#include <gtest/gtest.h>

#include "support/error_code.hpp"

namespace sandbank::bank {
namespace {

using testing::code_of;

TEST(ScenarioParser, NamesAndDefaults) {
  auto s = parse_scenario("rate-limited");
  EXPECT_EQ(s.name(), "rate-limited");
  EXPECT_EQ(s.code(), "scenario.rate-limited");
  EXPECT_EQ(s.retry_after, kDefaultRetryAfterSeconds);
  EXPECT_EQ(parse_scenario("payment-rejected").reason, "AM04");
  for (const auto& info : scenario_catalogue()) {
    if (info.name == "slow") continue;  // needs ms
    auto parsed = parse_scenario(info.name);
    EXPECT_EQ(parsed.info, &info);
    EXPECT_EQ(std::string(info.code), "scenario." + std::string(info.name));
  }
}

TEST(ScenarioParser, ParametersWithSpacesAroundTheParts) {
  auto slow = parse_scenario("  slow ; ms = 1500 ");
  EXPECT_EQ(slow.delay, std::chrono::milliseconds(1500));
  EXPECT_EQ(parse_scenario("slow;ms=30000").delay, kMaxScenarioDelay);
  EXPECT_EQ(parse_scenario("unavailable;retry-after=3600").retry_after, 3600);
  EXPECT_EQ(parse_scenario("payment-rejected;reason=MS03").reason, "MS03");
}

TEST(ScenarioParser, UnknownNameListsTheKnownOnes) {
  std::string message;
  EXPECT_EQ(code_of([] { parse_scenario("teapot"); }, &message), "request.scenario_unknown");
  EXPECT_NE(message.find("teapot"), std::string::npos) << message;
  for (const auto& info : scenario_catalogue()) {
    EXPECT_NE(message.find(info.name), std::string::npos) << message;
  }
  // A name that is not one is not echoed.
  EXPECT_EQ(code_of([] { parse_scenario("<script>"); }, &message), "request.scenario_unknown");
  EXPECT_EQ(message.find("<script>"), std::string::npos) << message;
  EXPECT_EQ(code_of([] { parse_scenario("Rate-Limited"); }), "request.scenario_unknown");
}

TEST(ScenarioParser, BadParametersAreRefusedNamingWhatTheScenarioTakes) {
  for (const char* bad : {"",
                          " ",
                          ";ms=1",
                          "slow",
                          "slow;ms=0",
                          "slow;ms=30001",
                          "slow;ms=-5",
                          "slow;ms=1e3",
                          "slow;ms=",
                          "slow;ms",
                          "slow;=5",
                          "slow;ms=5;ms=5",
                          "slow;ms=5;",
                          "server-error;ms=5",
                          "rate-limited;retry-after=0",
                          "rate-limited;retry-after=3601",
                          "token-expired;x=y",
                          "payment-rejected;reason=AM4",
                          "payment-rejected;reason=am04",
                          "payment-rejected;reason=AM04X",
                          "payment-rejected;reason=\"AM04\""}) {
    EXPECT_EQ(code_of([&] { parse_scenario(bad); }), "request.scenario_invalid") << bad;
  }
  std::string message;
  code_of([] { parse_scenario("slow;delay=5"); }, &message);
  EXPECT_NE(message.find("ms=MILLISECONDS"), std::string::npos) << message;
  code_of([] { parse_scenario("server-error;ms=5"); }, &message);
  EXPECT_NE(message.find("no parameters"), std::string::npos) << message;
}

TEST(ScenarioParser, LengthIsBounded) {
  std::string long_text = "slow;ms=5" + std::string(kMaxScenarioText, ' ');
  EXPECT_EQ(code_of([&] { parse_scenario(long_text); }), "request.scenario_invalid");
  std::string long_value = "payment-rejected;reason=" + std::string(kMaxScenarioParamText + 1, 'A');
  EXPECT_EQ(code_of([&] { parse_scenario(long_value); }), "request.scenario_invalid");
}

}  // namespace
}  // namespace sandbank::bank
