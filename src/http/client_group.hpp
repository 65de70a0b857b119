#pragma once

// Which client a connection belongs to, for Limits::max_connections_per_client.

#include <boost/asio/ip/address.hpp>
#include <string>

namespace sandbank::http {

// The key connections are counted by: an IPv4 address as itself (also in its IPv4-mapped IPv6
// form, "::ffff:192.0.2.1" → "192.0.2.1"); an IPv6 address by its first `ipv6_prefix` bits,
// the rest zeroed, with the prefix length ("2001:db8:1:2:a:b:c:d", 64 → "2001:db8:1:2::/64").
// One IPv6 client (a home, a host in a data centre) is given a /64 and picks its source
// addresses from it at will, so counting by address would not bound it. ipv6_prefix is
// clamped to 0..128.
std::string client_group(const boost::asio::ip::address& address, unsigned ipv6_prefix);

}  // namespace sandbank::http
