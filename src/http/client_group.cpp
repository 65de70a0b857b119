#include "http/client_group.hpp"

#include <algorithm>

namespace sandbank::http {

namespace net = boost::asio;

std::string client_group(const net::ip::address& address, unsigned ipv6_prefix) {
  if (address.is_v4()) return address.to_string();
  auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, v6).to_string();
  const unsigned prefix = std::min(ipv6_prefix, 128u);
  auto bytes = v6.to_bytes();
  for (unsigned i = 0; i < bytes.size(); ++i) {
    const unsigned kept = prefix > i * 8 ? std::min(prefix - i * 8, 8u) : 0u;
    bytes[i] &= static_cast<unsigned char>(0xFF00u >> kept);
  }
  return net::ip::address_v6(bytes).to_string() + "/" + std::to_string(prefix);
}

}  // namespace sandbank::http
