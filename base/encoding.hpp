#pragma once
// Base64 (RFC 4648) and the digests baton computes over secrets: SHA-256 of tokens,
// HMAC-SHA256 of acknowledgement links and webhook signatures, and their comparison in
// constant time, so that how long a check takes says nothing about the secret.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace baton {

using sha256_digest = std::array<unsigned char, 32>;

/// Standard alphabet with padding ("url": '-' and '_', no padding).
std::string base64_encode(std::string_view bytes, bool url = false);
/// Either alphabet, padding optional; nullopt for anything else (whitespace included).
std::optional<std::string> base64_decode(std::string_view text);

/// Lowercase hex of `bytes`.
std::string to_hex(std::string_view bytes);
inline std::string to_hex(const sha256_digest& d) {
  return to_hex(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

/// `n` bytes from the operating system's random source (OpenSSL's RAND_bytes).
std::string random_bytes(std::size_t n);

sha256_digest sha256(std::string_view bytes);
sha256_digest hmac_sha256(std::string_view key, std::string_view message);

/// True when the two are equal, in time that depends only on their sizes.
bool equal_in_constant_time(std::string_view a, std::string_view b) noexcept;
inline bool equal_in_constant_time(const sha256_digest& a, const sha256_digest& b) noexcept {
  return equal_in_constant_time(std::string_view(reinterpret_cast<const char*>(a.data()), a.size()),
                                std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

}  // namespace baton
