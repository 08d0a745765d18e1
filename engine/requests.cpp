#include "engine/requests.hpp"

#include <boost/json.hpp>

namespace baton::engine {
namespace json = boost::json;

namespace {

constexpr std::string_view kind_names[] = {"invalid", "not_found", "conflict", "forbidden", "unavailable"};

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) {
    a.emplace_back(s);
  }
  return a;
}

std::optional<std::vector<std::string>> strings_of(const json::value* v) {
  if (v == nullptr || !v->is_array()) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& s : v->as_array()) {
    if (!s.is_string()) {
      return std::nullopt;
    }
    out.emplace_back(s.as_string());
  }
  return out;
}

}  // namespace

std::string encode_outcome(const outcome& o) {
  json::object doc;
  if (!o) {
    doc["error"] = kind_names[static_cast<std::size_t>(o.error().kind)];
    doc["message"] = o.error().message;
    return json::serialize(doc);
  }
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, submit_result>) {
          doc["submit"] = {{"incident", r.incident_id}, {"created", r.created}, {"fired", strings(r.fired_rules)}};
        } else if constexpr (std::is_same_v<T, ack_result>) {
          doc["ack"] = {{"incident", r.incident_id},
                        {"engaged", strings(r.engaged_roles)},
                        {"already_engaged", strings(r.already_engaged)},
                        {"acknowledged", r.incident_acknowledged}};
        } else if constexpr (std::is_same_v<T, resolve_result>) {
          doc["resolve"] = {{"incident", r.incident_id}};
        } else if constexpr (std::is_same_v<T, fire_result>) {
          doc["fire"] = {{"fired", r.fired}};
        } else {
          doc["load"] = {{"version", r.version}};
        }
      },
      o.value());
  return json::serialize(doc);
}

std::optional<outcome> decode_outcome(std::string_view text) {
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return std::nullopt;
  }
  const auto& doc = v.as_object();
  if (const auto* e = doc.if_contains("error"); e != nullptr && e->is_string()) {
    const auto* m = doc.if_contains("message");
    for (std::size_t i = 0; i < std::size(kind_names); ++i) {
      if (kind_names[i] == e->as_string()) {
        return outcome{unexpected{engine_error{static_cast<error_kind>(i),
                                               m != nullptr && m->is_string() ? std::string(m->as_string()) : ""}}};
      }
    }
    return std::nullopt;
  }
  auto object = [&](std::string_view key) -> const json::object* {
    const auto* x = doc.if_contains(key);
    return x != nullptr && x->is_object() ? &x->as_object() : nullptr;
  };
  auto integer = [](const json::object& o, std::string_view key) -> std::optional<std::int64_t> {
    const auto* x = o.if_contains(key);
    return x != nullptr && x->is_int64() ? std::optional<std::int64_t>(x->as_int64()) : std::nullopt;
  };
  auto boolean = [](const json::object& o, std::string_view key) {
    const auto* x = o.if_contains(key);
    return x != nullptr && x->is_bool() && x->as_bool();
  };
  if (const auto* s = object("submit")) {
    auto id = integer(*s, "incident");
    auto fired = strings_of(s->if_contains("fired"));
    if (!id || !fired) {
      return std::nullopt;
    }
    return outcome{operation_result{submit_result{*id, boolean(*s, "created"), std::move(*fired), true}}};
  }
  if (const auto* a = object("ack")) {
    auto engaged = strings_of(a->if_contains("engaged"));
    auto before = strings_of(a->if_contains("already_engaged"));
    // Outcomes kept before acknowledgements named their incident say 0.
    auto id = a->contains("incident") ? integer(*a, "incident") : std::optional<std::int64_t>{0};
    if (!engaged || !before || !id) {
      return std::nullopt;
    }
    return outcome{operation_result{
        ack_result{std::move(*engaged), std::move(*before), boolean(*a, "acknowledged"), true, *id}}};
  }
  if (const auto* r = object("resolve")) {
    auto id = integer(*r, "incident");
    if (!id) {
      return std::nullopt;
    }
    return outcome{operation_result{resolve_result{*id, true}}};
  }
  return std::nullopt;
}

}  // namespace baton::engine
