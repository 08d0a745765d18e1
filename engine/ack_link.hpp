#pragma once
// Signed, expiring acknowledgement links (docs/http.md, "Acknowledgement links"). A page
// carries BASE/ack/TOKEN; whoever opens it may acknowledge that incident as that person
// until the link expires, without a token of their own. TOKEN is
//   base64url("1.INCIDENT.ESCALATION.EXPIRES.PERSON") "." base64url(HMAC-SHA256)
// with EXPIRES in seconds since 1970, signed with the first of the configured keys and
// checked against every one of them (rotation), in constant time.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/time.hpp"
#include "config/organisation.hpp"

namespace baton::engine {

struct ack_claim {
  std::int64_t incident_id = 0;
  std::int64_t escalation_id = 0;
  std::string person;
  timestamp expires;
};

/// The token for `c`, signed with `links`' first key (which must be enabled()).
std::string sign_ack_link(const config::ack_link_settings& links, const ack_claim& c);
/// links.base_url + "/ack/" + the token.
std::string ack_link_url(const config::ack_link_settings& links, const ack_claim& c);

enum class link_status : std::uint8_t { valid, malformed, forged, expired };

struct checked_link {
  link_status status = link_status::malformed;
  ack_claim claim;  // read from the token; to be trusted only when valid
};

/// What `token` is worth at `now`: valid, not a token at all, signed by no key of
/// `links` (made elsewhere or altered), or past its expiry.
checked_link check_ack_link(const config::ack_link_settings& links, std::string_view token, timestamp now);

}  // namespace baton::engine
