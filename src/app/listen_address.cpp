#include "app/listen_address.hpp"

#include <charconv>

#include "app/codes.hpp"
#include "core/error.hpp"

namespace sandbank::app {
namespace {

Error bad(std::string_view text, std::string_view why) {
  return Error(400, codes::kConfigListenAddress,
               "listen address '" + std::string(text) + "' " + std::string(why) +
                   "; expected HOST:PORT such as 127.0.0.1:8443 or [::1]:8443");
}

}  // namespace

std::string ListenAddress::to_string() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

ListenAddress parse_listen_address(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) throw bad(text, "has no closing ']'");
    host = text.substr(1, close - 1);
    if (close + 1 >= text.size() || text[close + 1] != ':') throw bad(text, "has no port");
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) throw bad(text, "has no port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      throw bad(text, "is an IPv6 address without brackets");
    }
  }
  if (host.empty()) host = "127.0.0.1";
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
    throw bad(text, "has an invalid port");
  }
  return ListenAddress{std::string(host), static_cast<unsigned short>(value)};
}

std::string https_url(const std::string& host, unsigned short port) {
  if (host.find(':') != std::string::npos) {
    return "https://[" + host + "]:" + std::to_string(port);
  }
  return "https://" + host + ":" + std::to_string(port);
}

}  // namespace sandbank::app
