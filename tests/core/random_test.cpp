#include "core/random.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace sandbank {
namespace {

TEST(SystemRandom, UuidsAreVersion4AndDistinct) {
  SystemRandom r;
  std::set<std::string> seen;
  const std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 100; ++i) {
    auto u = r.uuid();
    EXPECT_TRUE(std::regex_match(u, v4)) << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(SystemRandom, TokensCarryTheRequestedEntropy) {
  SystemRandom r;
  auto t = r.token(32);
  EXPECT_EQ(t.size(), 43u);  // 32 bytes in unpadded base64url
  EXPECT_NE(t, r.token(32));
  EXPECT_EQ(r.hex(16).size(), 32u);
}

}  // namespace
}  // namespace sandbank
