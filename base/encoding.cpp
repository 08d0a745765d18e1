#include "base/encoding.hpp"

#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace baton {
namespace {

constexpr std::string_view standard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view url_safe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int value_of(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

std::string base64_encode(std::string_view bytes, bool url) {
  const std::string_view alphabet = url ? url_safe : standard;
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto n = (unsigned(static_cast<unsigned char>(bytes[i])) << 16) |
                   (unsigned(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                   unsigned(static_cast<unsigned char>(bytes[i + 2]));
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned n = unsigned(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) {
      n |= unsigned(static_cast<unsigned char>(bytes[i + 1])) << 8;
    }
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (rest == 2) {
      out += alphabet[(n >> 6) & 63];
    }
    if (!url) {
      out.append(rest == 1 ? "==" : "=");
    }
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') {
    text.remove_suffix(1);
  }
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = value_of(c);
    if (v < 0) {
      return std::nullopt;
    }
    acc = (acc << 6) | unsigned(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("the system's random source failed");
  }
  return out;
}

sha256_digest sha256(std::string_view bytes) {
  sha256_digest out{};
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out.data());
  return out;
}

namespace {

// One HMAC context per thread with its digest set once: HMAC() looks the algorithms up
// in OpenSSL's provider on every call, a twentieth of the engine's time when every page
// carries a signed acknowledgement link.
class hmac_context {
 public:
  hmac_context() {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    ctx_ = mac != nullptr ? EVP_MAC_CTX_new(mac) : nullptr;
    EVP_MAC_free(mac);  // the context holds its own reference
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (ctx_ != nullptr && EVP_MAC_CTX_set_params(ctx_, params) != 1) {
      EVP_MAC_CTX_free(ctx_);
      ctx_ = nullptr;
    }
  }
  ~hmac_context() { EVP_MAC_CTX_free(ctx_); }
  hmac_context(const hmac_context&) = delete;
  hmac_context& operator=(const hmac_context&) = delete;

  EVP_MAC_CTX* get() const noexcept { return ctx_; }

 private:
  EVP_MAC_CTX* ctx_ = nullptr;
};

}  // namespace

sha256_digest hmac_sha256(std::string_view key, std::string_view message) {
  thread_local hmac_context context;
  // A null key would keep the previous call's: an empty one is passed as such.
  static constexpr unsigned char no_key = 0;
  const auto* k = key.empty() ? &no_key : reinterpret_cast<const unsigned char*>(key.data());
  sha256_digest out{};
  std::size_t length = 0;
  EVP_MAC_CTX* ctx = context.get();
  if (ctx == nullptr || EVP_MAC_init(ctx, k, key.size(), nullptr) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &length, out.size()) != 1 || length != out.size()) {
    throw std::runtime_error("OpenSSL HMAC-SHA256 computation failed");
  }
  return out;
}

bool equal_in_constant_time(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace baton
