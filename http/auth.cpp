#include "http/auth.hpp"

#include <fmt/format.h>

#include <cctype>

#include "base/encoding.hpp"

namespace baton::http {
namespace {

bool starts_with_scheme(std::string_view header, std::string_view scheme, std::string_view& rest) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') {
    return false;
  }
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != std::tolower(static_cast<unsigned char>(scheme[i]))) {
      return false;
    }
  }
  rest = header.substr(scheme.size() + 1);
  while (!rest.empty() && rest.front() == ' ') {
    rest.remove_prefix(1);
  }
  while (!rest.empty() && rest.back() == ' ') {
    rest.remove_suffix(1);
  }
  return true;
}

}  // namespace

std::string principal::actor() const {
  if (integration != nullptr) {
    return "integration:" + integration->id;
  }
  if (token != nullptr) {
    return token->people.size() == 1 ? "person:" + token->people.front() : "token:" + token->id;
  }
  return "anonymous";
}

response unauthorized(std::string_view message) {
  auto r = error_response(401, "unauthorized", message);
  r.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="baton")");
  return r;
}

credentials::credentials(std::shared_ptr<const config::organisation> org) : org_(std::move(org)) {}

expected<principal, response> credentials::authenticate(std::string_view authorization) const {
  if (authorization.empty()) {
    return unexpected{unauthorized("this route needs a token: Authorization: Bearer TOKEN (or basic auth)")};
  }
  std::string_view secret;
  std::string_view user;
  bool basic = false;
  std::string decoded;
  if (starts_with_scheme(authorization, "Bearer", secret)) {
  } else if (starts_with_scheme(authorization, "Basic", secret)) {
    auto d = base64_decode(secret);
    const auto colon = d ? d->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      return unexpected{unauthorized("basic auth: expected base64 of user:password")};
    }
    decoded = std::move(*d);
    user = std::string_view(decoded).substr(0, colon);
    secret = std::string_view(decoded).substr(colon + 1);
    basic = true;
  } else {
    return unexpected{unauthorized("Authorization must be Bearer TOKEN or Basic (user:password)")};
  }
  if (secret.empty()) {
    return unexpected{unauthorized("the token is empty")};
  }
  // Every digest is compared, so the time taken does not depend on which one matches.
  const sha256_digest presented = sha256(secret);
  principal found;
  for (const auto& in : org_->integrations) {
    if (in.token.available && equal_in_constant_time(in.token.sha256, presented)) {
      found.integration = &in;
    }
  }
  for (const auto& t : org_->api_tokens) {
    if (t.token.available && equal_in_constant_time(t.token.sha256, presented)) {
      found.token = &t;
      found.integration = nullptr;
    }
  }
  if (found.integration == nullptr && found.token == nullptr) {
    return unexpected{unauthorized("unknown token")};
  }
  if (basic) {
    const std::string& id = found.integration != nullptr ? found.integration->id : found.token->id;
    if (user != id) {
      // The same 401 as an unknown token: the answer does not confirm the password.
      return unexpected{unauthorized("unknown token")};
    }
  }
  return found;
}

const config::integration* credentials::by_routing_key(std::string_view key) const {
  if (key.empty()) {
    return nullptr;
  }
  const sha256_digest presented = sha256(key);
  const config::integration* found = nullptr;
  for (const auto& in : org_->integrations) {
    if (in.format == config::ingest_format::pagerduty && in.routing_key.available &&
        equal_in_constant_time(in.routing_key.sha256, presented)) {
      found = &in;
    }
  }
  return found;
}

}  // namespace baton::http
