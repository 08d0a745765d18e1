#include "http/routes.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <cctype>

#include "base/text.hpp"
#include "ingest/native_event.hpp"

namespace baton::http {
namespace {
namespace json = boost::json;

constexpr std::size_t max_idempotency_key_bytes = 255;

unsigned status_of(engine::error_kind k) {
  switch (k) {
    case engine::error_kind::invalid:
      return 422;
    case engine::error_kind::not_found:
      return 404;
    case engine::error_kind::conflict:
      return 409;
    case engine::error_kind::forbidden:
      return 403;
    case engine::error_kind::unavailable:
      return 503;
  }
  return 500;
}

std::string_view code_of(engine::error_kind k) {
  switch (k) {
    case engine::error_kind::invalid:
      return "invalid";
    case engine::error_kind::not_found:
      return "not_found";
    case engine::error_kind::conflict:
      return "conflict";
    case engine::error_kind::forbidden:
      return "forbidden";
    case engine::error_kind::unavailable:
      return "unavailable";
  }
  return "internal";
}

response method_not_allowed(std::string_view allowed) {
  auto r = error_response(405, "method_not_allowed", fmt::format("this route takes {}", allowed));
  r.headers.emplace_back("Allow", std::string(allowed));
  return r;
}

response unavailable(std::string_view message) {
  auto r = error_response(503, "unavailable", message);
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

bool is_json(std::string_view content_type) {
  const auto type = content_type.substr(0, content_type.find(';'));
  std::string lower;
  for (char c : type) {
    if (c != ' ' && c != '\t') {
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return lower == "application/json";
}

// The body as one JSON object, or the answer saying why not.
expected<json::object, response> json_object(const request& r) {
  if (!is_json(r.content_type)) {
    return unexpected{error_response(415, "unsupported_media_type", "the body must be application/json")};
  }
  json::parse_options options;
  options.max_depth = 64;
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec, {}, options);
  if (ec) {
    return unexpected{error_response(400, "malformed_json", fmt::format("the body is not JSON: {}", ec.message()))};
  }
  if (!v.is_object()) {
    return unexpected{error_response(422, "invalid", "the body must be a JSON object")};
  }
  return std::move(v.as_object());
}

response submitted(const engine::outcome& o) {
  if (!o) {
    const auto kind = o.error().kind;
    return kind == engine::error_kind::unavailable ? unavailable(o.error().message)
                                                   : error_response(status_of(kind), code_of(kind), o.error().message);
  }
  const auto& s = std::get<engine::submit_result>(o.value());
  json::object out;
  out["incident"] = s.incident_id;
  out["created"] = s.created;
  out["replayed"] = s.replayed;
  json::array fired;
  for (const auto& rule : s.fired_rules) {
    fired.emplace_back(rule);
  }
  out["rules_fired"] = std::move(fired);
  return {202, json::serialize(out), "application/json", {}};
}

void post_event(service::engine_service& svc, request&& r, respond done) {
  auto op = event_request(r);
  if (!op) {
    done(std::move(op.error()));
    return;
  }
  // `done` is shared by the callback and this frame: exactly one of them calls it.
  auto answer = std::make_shared<respond>(std::move(done));
  if (!svc.submit(std::move(*op), [answer](engine::outcome o) { (*answer)(submitted(o)); })) {
    (*answer)(unavailable("too many events are waiting to be committed; retry shortly"));
  }
}

}  // namespace

expected<engine::submit_op, response> event_request(const request& r) {
  if (r.idempotency_key.size() > max_idempotency_key_bytes || !is_valid_utf8(r.idempotency_key)) {
    return unexpected{error_response(
        400, "bad_idempotency_key",
        fmt::format("Idempotency-Key must be UTF-8 of at most {} bytes", max_idempotency_key_bytes))};
  }
  auto body = json_object(r);
  if (!body) {
    return unexpected{std::move(body.error())};
  }
  auto e = ingest::native_event(*body, "http");
  if (!e) {
    return unexpected{error_response(422, "invalid_event", e.error())};
  }
  engine::submit_op op;
  op.e = std::move(*e);
  op.actor = "integration:http";
  if (!r.idempotency_key.empty()) {
    // A sender retrying with the same key gets the first answer again; nothing is done twice.
    op.request_key = "http:" + r.idempotency_key;
  }
  return op;
}

handler make_routes(service::engine_service& svc) {
  return [&svc](request&& r, respond done) {
    const std::string_view path = std::string_view(r.target).substr(0, r.target.find('?'));
    if (path == "/healthz") {
      if (r.method != "GET") {
        done(method_not_allowed("GET"));
        return;
      }
      done({200, R"({"status":"alive"})", "application/json", {}});
      return;
    }
    if (path == "/readyz") {
      if (r.method != "GET") {
        done(method_not_allowed("GET"));
        return;
      }
      done(svc.ready() ? response{200, R"({"status":"ready"})", "application/json", {}}
                       : unavailable("the engine has stopped after a store error; see the log"));
      return;
    }
    if (path == "/v1/events") {
      if (r.method != "POST") {
        done(method_not_allowed("POST"));
        return;
      }
      post_event(svc, std::move(r), std::move(done));
      return;
    }
    done(error_response(404, "not_found", fmt::format("no route {}", printable(shortened(path, 200)))));
  };
}

}  // namespace baton::http
