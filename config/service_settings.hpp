#pragma once
// The service sections `storage:` and `server:`: where `baton serve` keeps its database,
// where it listens, and the HTTP limits. Each is optional; what is not set falls back to
// the command line's default, and a command-line flag wins over the file
// (docs/config.md, "storage and server").
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace baton::config {

/// HOST:PORT, the host an IPv4 address or a bracketed IPv6 one ("[::1]:8080"), never a
/// name; the port 0..65535.
struct listen_address {
  std::string host;
  std::uint16_t port = 0;

  /// "http://127.0.0.1:8080", with an IPv6 host in brackets.
  std::string url() const;
};

/// Nothing when `text` is not HOST:PORT.
std::optional<listen_address> parse_listen_address(std::string_view text);

struct service_settings {
  /// storage.sqlite, resolved against the root file's folder.
  std::optional<std::filesystem::path> sqlite;
  std::optional<std::string> listen;  // checked by parse_listen_address at load
  std::optional<std::size_t> body_limit;
  std::optional<std::size_t> header_limit;
  std::optional<std::chrono::milliseconds> read_timeout;
  std::optional<std::size_t> max_connections;
  std::optional<std::size_t> queue_capacity;

  friend bool operator==(const service_settings&, const service_settings&) = default;
};

}  // namespace baton::config
