#include "app/listen_address.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace sandbank::app {
namespace {

TEST(ListenAddress, ParsesHostPortForms) {
  auto a = parse_listen_address("127.0.0.1:8443");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 8443);
  auto b = parse_listen_address("[::1]:0");
  EXPECT_EQ(b.host, "::1");
  EXPECT_EQ(b.port, 0);
  EXPECT_EQ(b.to_string(), "[::1]:0");
  auto c = parse_listen_address(":9000");
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(parse_listen_address("localhost:1").host, "localhost");
}

TEST(ListenAddress, RejectsWhatIsNotHostPort) {
  for (auto bad : {"8443", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:84x3", "::1:8443",
                   "[::1]8443", "[::1"}) {
    try {
      parse_listen_address(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), "config.listen_address");
      EXPECT_NE(e.message().find(bad), std::string::npos);
    }
  }
}

TEST(ListenAddress, BuildsUrls) {
  EXPECT_EQ(https_url("127.0.0.1", 8443), "https://127.0.0.1:8443");
  EXPECT_EQ(https_url("::1", 8443), "https://[::1]:8443");
}

}  // namespace
}  // namespace sandbank::app
