#include "config/service_settings.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>

namespace baton::config {

std::optional<listen_address> parse_listen_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) {
    host = host.substr(1, host.size() - 2);
  }
  // An IPv6 host must be in brackets, or its last group would be read as the port.
  if (!bracketed && host.find(':') != std::string_view::npos) {
    return std::nullopt;
  }
  unsigned n = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (host.empty() || port.empty() || ec != std::errc{} || end != port.data() + port.size() || n > 65'535) {
    return std::nullopt;
  }
  // An address, not a name: which of a name's addresses to listen on would be a guess.
  const std::string h(host);
  std::array<unsigned char, 16> bytes{};
  if (::inet_pton(bracketed ? AF_INET6 : AF_INET, h.c_str(), bytes.data()) != 1) {
    return std::nullopt;
  }
  return listen_address{std::string(host), static_cast<std::uint16_t>(n)};
}

std::string listen_address::url() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace baton::config
