#include "store/log_encoding.hpp"

#include <openssl/evp.h>

#include <array>
#include <charconv>
#include <chrono>
#include <stdexcept>

namespace baton::store::detail {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

template <typename Int>
void append_integer(std::string& out, Int n) {
  std::array<char, 24> buf{};
  auto res = std::to_chars(buf.data(), buf.data() + buf.size(), n);
  out.append(buf.data(), res.ptr);
}

// OpenSSL 3 looks the algorithm up in its provider table on every EVP_sha256() init;
// fetching it once and keeping one context per thread takes that off the append path.
const EVP_MD* sha256_algorithm() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) {
    throw std::runtime_error("OpenSSL has no SHA-256 implementation available");
  }
  return md;
}

struct digest_context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  digest_context() = default;
  digest_context(const digest_context&) = delete;
  digest_context& operator=(const digest_context&) = delete;
  ~digest_context() { EVP_MD_CTX_free(ctx); }
};

}  // namespace

void append_preimage(std::string& out, const log_record& r) {
  // Exactly canonical_json([seq, time, actor, kind, incident_id, details, prev_hash])
  // when details is canonical, without building a boost::json::array per record.
  out += '[';
  append_integer(out, r.seq);
  out += ",\"";
  append_iso(out, r.at);  // ISO text never needs escaping
  out += "\",";
  append_json_string(out, r.actor);
  out += ',';
  append_json_string(out, r.kind);
  out += ',';
  append_integer(out, r.incident_id);
  out += ',';
  out += r.details;
  out += ',';
  append_json_string(out, r.prev_hash);
  out += ']';
}

std::string sha256_hex(std::string_view bytes) {
  thread_local digest_context context;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (context.ctx == nullptr || EVP_DigestInit_ex2(context.ctx, sha256_algorithm(), nullptr) != 1 ||
      EVP_DigestUpdate(context.ctx, bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context.ctx, digest.data(), &length) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 computation failed");
  }
  std::string hex(static_cast<std::size_t>(length) * 2, '0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = hex_digits[digest[i] >> 4];
    hex[2 * i + 1] = hex_digits[digest[i] & 0xF];
  }
  return hex;
}

}  // namespace baton::store::detail
