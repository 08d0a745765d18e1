#include "engine/ack_link.hpp"

#include <fmt/format.h>

#include <charconv>

#include "base/encoding.hpp"

namespace baton::engine {
namespace {

constexpr std::size_t max_token_bytes = 1'024;

std::string_view key_of(const config::secret_digest& k) {
  return {reinterpret_cast<const char*>(k.sha256.data()), k.sha256.size()};
}

std::string claim_text(const ack_claim& c) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(c.expires.time_since_epoch()).count();
  return fmt::format("1.{}.{}.{}.{}", c.incident_id, c.escalation_id, seconds, c.person);
}

bool read_number(std::string_view& rest, std::int64_t& out) {
  const auto dot = rest.find('.');
  if (dot == std::string_view::npos) {
    return false;
  }
  const auto part = rest.substr(0, dot);
  auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
  rest.remove_prefix(dot + 1);
  return !part.empty() && ec == std::errc{} && end == part.data() + part.size();
}

}  // namespace

std::string sign_ack_link(const config::ack_link_settings& links, const ack_claim& c) {
  const std::string text = claim_text(c);
  const auto mac = hmac_sha256(key_of(links.keys.front()), text);
  return base64_encode(text, true) + "." +
         base64_encode({reinterpret_cast<const char*>(mac.data()), mac.size()}, true);
}

std::string ack_link_url(const config::ack_link_settings& links, const ack_claim& c) {
  return links.base_url + "/ack/" + sign_ack_link(links, c);
}

checked_link check_ack_link(const config::ack_link_settings& links, std::string_view token, timestamp now) {
  checked_link out;
  const auto dot = token.find('.');
  if (token.size() > max_token_bytes || dot == std::string_view::npos) {
    return out;
  }
  auto text = base64_decode(token.substr(0, dot));
  auto mac = base64_decode(token.substr(dot + 1));
  if (!text || !mac || mac->size() != sha256_digest{}.size()) {
    return out;
  }
  std::string_view rest = *text;
  std::int64_t version = 0;
  std::int64_t seconds = 0;
  if (!read_number(rest, version) || version != 1 || !read_number(rest, out.claim.incident_id) ||
      !read_number(rest, out.claim.escalation_id) || !read_number(rest, seconds) || rest.empty() ||
      out.claim.incident_id <= 0 || seconds < 0 || seconds > 253'402'300'799) {  // 9999-12-31
    return out;
  }
  out.claim.person = std::string(rest);
  out.claim.expires = timestamp{std::chrono::seconds{seconds}};
  // Every key is tried, so the time taken does not say which one (if any) matched.
  bool signed_here = false;
  for (const auto& k : links.keys) {
    if (k.available) {
      const auto expected = hmac_sha256(key_of(k), *text);
      signed_here |= equal_in_constant_time(
          std::string_view(reinterpret_cast<const char*>(expected.data()), expected.size()), *mac);
    }
  }
  if (!signed_here) {
    out.status = link_status::forged;
  } else if (now >= out.claim.expires) {
    out.status = link_status::expired;
  } else {
    out.status = link_status::valid;
  }
  return out;
}

}  // namespace baton::engine
