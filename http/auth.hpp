#pragma once
// Who sent a request: the integration or API token its credentials belong to. Write
// endpoints need one (docs/http.md, "Authentication"): `Authorization: Bearer TOKEN`,
// or HTTP basic auth with the integration's (or token's) id as the user name and the
// token as the password, for senders that only offer that; PagerDuty-style senders
// carry a routing key in the body instead. The configuration keeps only each secret's
// SHA-256; a presented secret is hashed and compared with every known digest in
// constant time, so neither the answer nor its timing tells how close a guess was.
#include <memory>
#include <string_view>

#include "base/expected.hpp"
#include "config/organisation.hpp"
#include "http/server.hpp"

namespace baton::http {

/// One of them is set.
struct principal {
  const config::integration* integration = nullptr;
  const config::api_token* token = nullptr;

  /// "integration:prometheus", "token:ops-team": the actor the log shows.
  std::string actor() const;
};

/// The credentials of one configuration (replaced with it on a reload).
class credentials {
 public:
  explicit credentials(std::shared_ptr<const config::organisation> org);

  /// The sender the Authorization header names; else the 401 answer saying why (no
  /// header, a scheme other than Bearer or Basic, an unknown token).
  expected<principal, response> authenticate(std::string_view authorization) const;

  /// The pagerduty integration whose routing key this is, or null.
  const config::integration* by_routing_key(std::string_view key) const;

  const config::organisation& org() const noexcept { return *org_; }
  const std::shared_ptr<const config::organisation>& org_ptr() const noexcept { return org_; }

 private:
  std::shared_ptr<const config::organisation> org_;
};

/// 401 with `WWW-Authenticate: Bearer realm="baton"`.
response unauthorized(std::string_view message);

}  // namespace baton::http
