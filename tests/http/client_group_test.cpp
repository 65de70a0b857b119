#include "http/client_group.hpp"

#include <gtest/gtest.h>

namespace sandbank::http {
namespace {

std::string group(const char* address, unsigned prefix = 64) {
  return client_group(boost::asio::ip::make_address(address), prefix);
}

TEST(ClientGroup, AnIpv4ClientIsItsAddress) {
  EXPECT_EQ(group("192.0.2.1"), "192.0.2.1");
  EXPECT_NE(group("192.0.2.1"), group("192.0.2.2"));
  // However short the IPv6 prefix: IPv4 addresses are never grouped.
  EXPECT_EQ(group("192.0.2.1", 16), "192.0.2.1");
}

TEST(ClientGroup, AnIpv4MappedAddressIsItsIpv4Address) {
  // A dual-stack listener sees IPv4 clients in this form: they must not all fall into
  // ::ffff:0:0/64 together.
  EXPECT_EQ(group("::ffff:192.0.2.1"), "192.0.2.1");
  EXPECT_NE(group("::ffff:192.0.2.1"), group("::ffff:192.0.2.2"));
}

TEST(ClientGroup, AnIpv6ClientIsItsSlash64) {
  EXPECT_EQ(group("2001:db8:1:2:a:b:c:d"), "2001:db8:1:2::/64");
  EXPECT_EQ(group("2001:db8:1:2:ffff:ffff:ffff:ffff"), group("2001:db8:1:2::1"));
  EXPECT_NE(group("2001:db8:1:2::1"), group("2001:db8:1:3::1"));
  EXPECT_EQ(group("::1"), "::/64");
}

TEST(ClientGroup, TheIpv6PrefixIsConfigurable) {
  EXPECT_EQ(group("2001:db8:1:2:a:b:c:d", 48), "2001:db8:1::/48");
  EXPECT_EQ(group("2001:db8:1:2:a:b:c:d", 56), "2001:db8:1::/56");
  EXPECT_EQ(group("2001:db8:1:2ff:a:b:c:d", 56), "2001:db8:1:200::/56");
  // A prefix that ends inside a byte keeps only its high bits.
  EXPECT_EQ(group("2001:db8:1:ffff::1", 60), "2001:db8:1:fff0::/60");
  EXPECT_EQ(group("2001:db8:1:ffff::1", 61), "2001:db8:1:fff8::/61");
  EXPECT_EQ(group("2001:db8:1:2:a:b:c:d", 128), "2001:db8:1:2:a:b:c:d/128");
  EXPECT_NE(group("2001:db8:1:2::1", 128), group("2001:db8:1:2::2", 128));
  EXPECT_EQ(group("2001:db8:1:2:a:b:c:d", 200), "2001:db8:1:2:a:b:c:d/128");
  EXPECT_EQ(group("2001:db8:1:2:a:b:c:d", 0), "::/0");
}

}  // namespace
}  // namespace sandbank::http
