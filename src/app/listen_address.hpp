#pragma once

#include <string>
#include <string_view>

namespace sandbank::app {

// "HOST:PORT", "[v6]:PORT" or ":PORT" (all interfaces would be a surprise, so the
// host defaults to 127.0.0.1). Port 0 picks a free port.
struct ListenAddress {
  std::string host;
  unsigned short port = 0;
  std::string to_string() const;
};

// Throws sandbank::Error (400, "config.listen_address") with a readable message.
ListenAddress parse_listen_address(std::string_view text);

// "https://127.0.0.1:8443" for a bound address (IPv6 hosts get brackets).
std::string https_url(const std::string& host, unsigned short port);

}  // namespace sandbank::app
