#include "http/routes.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <cctype>
#include <charconv>

#include "base/text.hpp"
#include "engine/ack_link.hpp"
#include "engine/holder_resolver.hpp"
#include "http/answers.hpp"
#include "ingest/alertmanager.hpp"
#include "ingest/native_event.hpp"
#include "ingest/pagerduty.hpp"

namespace baton::http {
namespace {
namespace json = boost::json;

constexpr std::size_t max_idempotency_key_bytes = 255;
constexpr std::size_t default_page = 100;
constexpr std::size_t max_page = 1'000;

response method_not_allowed(std::string_view allowed) {
  auto r = error_response(405, "method_not_allowed", fmt::format("this route takes {}", allowed));
  r.headers.emplace_back("Allow", std::string(allowed));
  return r;
}

response not_found(std::string_view what) { return error_response(404, "not_found", what); }

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

// The body parsed as JSON, or why not ("" when it is).
std::string parse_body(const request& r, json::value& out) {
  json::parse_options options;
  options.max_depth = 64;
  boost::system::error_code ec;
  out = json::parse(r.body, ec, {}, options);
  return ec ? fmt::format("the body is not JSON: {}", ec.message()) : std::string{};
}

// The body as one JSON object, or the answer saying why not.
expected<json::object, response> json_object(const request& r) {
  if (!is_json(r.content_type)) {
    return unexpected{error_response(415, "unsupported_media_type", "the body must be application/json")};
  }
  json::value v;
  if (auto why = parse_body(r, v); !why.empty()) {
    return unexpected{error_response(400, "malformed_json", why)};
  }
  if (!v.is_object()) {
    return unexpected{error_response(422, "invalid", "the body must be a JSON object")};
  }
  return std::move(v.as_object());
}

// The Idempotency-Key header as the request key "PREFIX:KEY" ("" when there is none).
expected<std::string, response> request_key(const request& r, std::string_view prefix) {
  if (r.idempotency_key.size() > max_idempotency_key_bytes || !is_valid_utf8(r.idempotency_key)) {
    return unexpected{error_response(
        400, "bad_idempotency_key",
        fmt::format("Idempotency-Key must be UTF-8 of at most {} bytes", max_idempotency_key_bytes))};
  }
  if (r.idempotency_key.empty()) {
    return std::string{};
  }
  // A sender retrying with the same key gets the first answer again; nothing is done
  // twice. Keys are the sender's own: two senders' equal keys never meet.
  return fmt::format("{}:{}", prefix, r.idempotency_key);
}

// 403 unless `p` is an integration of `format`.
expected<const config::integration*, response> integration_of(const principal& p, config::ingest_format format,
                                                               std::string_view route) {
  if (p.integration != nullptr && p.integration->format == format) {
    return p.integration;
  }
  const std::string whose = p.integration != nullptr
                                ? fmt::format("integration {} (format {})", p.integration->id,
                                              config::to_string(p.integration->format))
                                : fmt::format("API token {}", p.token->id);
  return unexpected{error_response(
      403, "forbidden",
      printable_text(fmt::format("this token belongs to {}; {} takes the token of an integration of format {}", whose,
                                 route, config::to_string(format))))};
}

struct param {
  std::string_view key;
  std::string_view value;
};

std::optional<std::int64_t> positive_id(std::string_view text) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n <= 0) {
    return std::nullopt;
  }
  return n;
}

// Who is acting on an incident: the person a token stands for (one-person token), or
// the one of its people the body names (team token); "" for an integration (a sender).
expected<std::string, response> acting_person(const principal& who, const json::object& body) {
  std::string named;
  if (const auto* v = body.if_contains("person")) {
    if (!v->is_string() || v->as_string().empty()) {
      return unexpected{error_response(422, "invalid", "person must be a person's id (a non-empty string)")};
    }
    named = std::string(v->as_string());
  }
  if (who.integration != nullptr) {
    if (!named.empty()) {
      return unexpected{error_response(
          403, "forbidden", "an integration's token acts as the sender, not as a person: use a person's API token")};
    }
    return std::string{};
  }
  const auto& people = who.token->people;
  if (named.empty()) {
    if (people.size() == 1) {
      return people.front();
    }
    return unexpected{error_response(
        422, "invalid",
        printable_text(fmt::format("token {} is a team's: the body must say which of its people acts "
                                   "({{\"person\": \"{}\"}})",
                                   who.token->id, people.empty() ? "id" : people.front())))};
  }
  if (std::find(people.begin(), people.end(), named) == people.end()) {
    return unexpected{error_response(
        403, "forbidden",
        printable_text(fmt::format("token {} does not act for \"{}\"", who.token->id, shortened(named, 100))))};
  }
  return named;
}

// An optional string field of at most `limit` bytes ("" when absent).
expected<std::string, response> text_field(const json::object& body, std::string_view key, std::size_t limit) {
  const auto* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return std::string{};
  }
  if (!v->is_string() || v->as_string().size() > limit || !is_valid_utf8(v->as_string())) {
    return unexpected{
        error_response(422, "invalid", fmt::format("{} must be a UTF-8 string of at most {} bytes", key, limit))};
  }
  return std::string(v->as_string());
}

// A refused request's log line: its id, route and status, and the message it got.
void log_refusal(const log_sink& log, const std::string& id, const std::string& method, std::string_view route,
                 const response& out) {
  json::object line;
  line["level"] = out.status >= 500 ? "error" : "warn";
  line["msg"] = "request refused";
  line["request_id"] = id;
  if (!method.empty()) {  // none when the server refused the request before reading it
    line["method"] = printable_text(shortened(method, 20));
  }
  line["route"] = route;
  line["status"] = static_cast<std::int64_t>(out.status);
  boost::system::error_code ec;
  const auto body = json::parse(out.body, ec);
  if (!ec && body.is_object()) {
    if (const auto* e = body.as_object().if_contains("error"); e != nullptr && e->is_object()) {
      if (const auto* m = e->as_object().if_contains("message")) {
        line["error"] = *m;
      }
    } else if (const auto* m = body.as_object().if_contains("message")) {
      line["error"] = *m;  // PagerDuty's shape
    }
  }
  log(std::move(line));
}

// What an operation from a sender came to, for baton_events_received_total.
std::string_view event_outcome(const engine::outcome& o) {
  if (!o) {
    switch (o.error().kind) {
      case engine::error_kind::unavailable:
        return "unavailable";
      case engine::error_kind::not_found:
        return "ignored";
      default:
        return "refused";
    }
  }
  if (const auto* s = std::get_if<engine::submit_result>(&o.value())) {
    return s->replayed ? "replayed" : s->created ? "opened" : "deduplicated";
  }
  if (const auto* r = std::get_if<engine::resolve_result>(&o.value())) {
    return r->replayed ? "replayed" : "resolved";
  }
  if (const auto* a = std::get_if<engine::ack_result>(&o.value())) {
    return a->replayed ? "replayed" : "acknowledged";
  }
  return "refused";
}

// Shares `done` between a callback and the frame that submitted it: exactly one calls it.
std::shared_ptr<respond> shared(respond done) { return std::make_shared<respond>(std::move(done)); }

response queue_full() { return unavailable("too many operations are waiting to be committed; retry shortly"); }

}  // namespace

// --- read_pool ---------------------------------------------------------------------

void read_pool::with(const std::function<void(store::store&)>& f) {
  std::unique_ptr<store::store> s;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      s = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (s == nullptr) {
    s = open_();
  }
  f(*s);  // a connection that threw is dropped with `s`: the next request opens anew
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(s));
}

// --- what each ingest route makes of a request -----------------------------------------

expected<engine::submit_op, response> event_request(const request& r, const config::integration& in) {
  auto key = request_key(r, "native:" + in.id);
  if (!key) {
    return unexpected{std::move(key.error())};
  }
  auto body = json_object(r);
  if (!body) {
    return unexpected{std::move(body.error())};
  }
  auto e = ingest::native_event(*body, in.id);
  if (!e) {
    return unexpected{error_response(422, "invalid_event", e.error())};
  }
  engine::submit_op op;
  op.e = std::move(*e);
  op.actor = "integration:" + in.id;
  op.request_key = std::move(*key);
  return op;
}

expected<std::vector<engine::operation>, response> alertmanager_request(const request& r,
                                                                        const config::integration& in) {
  auto body = json_object(r);
  if (!body) {
    return unexpected{std::move(body.error())};
  }
  auto ops = ingest::alertmanager_operations(*body, in, "integration:" + in.id);
  if (!ops) {
    return unexpected{error_response(422, "invalid_payload", ops.error())};
  }
  return std::move(*ops);
}

expected<pagerduty_accepted, response> pagerduty_request(const request& r, const credentials& c) {
  if (!is_json(r.content_type)) {
    return unexpected{pagerduty_invalid({"the body must be application/json"})};
  }
  json::value v;
  if (auto why = parse_body(r, v); !why.empty()) {
    return unexpected{pagerduty_invalid({why})};
  }
  if (!v.is_object()) {
    return unexpected{pagerduty_invalid({"the event must be a JSON object"})};
  }
  auto e = ingest::read_pagerduty(v.as_object());
  if (!e.errors.empty()) {
    return unexpected{pagerduty_invalid(e.errors)};
  }
  const auto* in = c.by_routing_key(e.routing_key);
  if (in == nullptr) {
    return unexpected{pagerduty_unknown_key()};
  }
  pagerduty_accepted a;
  a.op = ingest::pagerduty_operation(v.as_object(), e, *in, "integration:" + in->id);
  a.dedup_key = std::move(e.dedup_key);
  a.action = std::move(e.action);
  a.integration = in;
  return a;
}

// --- api -----------------------------------------------------------------------------

api::api(service::engine_service& svc, const engine::clock& clock, read_pool& reads,
         std::shared_ptr<const config::organisation> org, log_sink log, service::service_metrics* metrics)
    : svc_(svc),
      clock_(clock),
      reads_(reads),
      log_(std::move(log)),
      metrics_(metrics),
      creds_(std::make_shared<const credentials>(std::move(org))) {}

void api::use(std::shared_ptr<const config::organisation> org) {
  auto c = std::make_shared<const credentials>(std::move(org));
  std::lock_guard lock(mu_);
  creds_ = std::move(c);
}

std::shared_ptr<const credentials> api::current() const {
  std::lock_guard lock(mu_);
  return creds_;
}

handler api::routes() {
  return [this](request&& r, respond done) { answer(std::move(r), std::move(done)); };
}

void api::refused(const response& out, const std::string& request_id) const {
  if (metrics_ != nullptr) {
    metrics_->on_refused(out.status);
  }
  if (log_) {
    log_refusal(log_, request_id, "", "unread", out);
  }
}

// The route template a target matches ("" for none): the label of its metrics and
// log lines, so that ids and keys never become label values.
std::string_view route_of(const std::vector<std::string>& seg) {
  const auto n = seg.size();
  const auto is = [&](std::initializer_list<std::string_view> want) {
    return n == want.size() && std::equal(want.begin(), want.end(), seg.begin());
  };
  if (is({"healthz"})) {
    return "/healthz";
  }
  if (is({"readyz"})) {
    return "/readyz";
  }
  if (is({"metrics"})) {
    return "/metrics";
  }
  if (is({"v1", "events"})) {
    return "/v1/events";
  }
  if (is({"v1", "integrations", "alertmanager"})) {
    return "/v1/integrations/alertmanager";
  }
  if (is({"v2", "enqueue"})) {
    return "/v2/enqueue";
  }
  if (n == 2 && seg[0] == "ack") {
    return "/ack/{token}";
  }
  if (n < 2 || seg[0] != "v1") {
    return "";
  }
  if (seg[1] == "incidents") {
    if (n == 2) {
      return "/v1/incidents";
    }
    if (n == 3) {
      return "/v1/incidents/{id}";
    }
    if (n == 4 && seg[3] == "ack") {
      return "/v1/incidents/{id}/ack";
    }
    if (n == 4 && seg[3] == "resolve") {
      return "/v1/incidents/{id}/resolve";
    }
    if (n == 5 && seg[2] == "by-key" && seg[4] == "ack") {
      return "/v1/incidents/by-key/{key}/ack";
    }
    if (n == 5 && seg[2] == "by-key" && seg[4] == "resolve") {
      return "/v1/incidents/by-key/{key}/resolve";
    }
  }
  if (seg[1] == "roles" && n == 4 && seg[3] == "holder") {
    return "/v1/roles/{role}/holder";
  }
  return "";
}

// The method each route takes.
std::string_view method_of(std::string_view route) {
  return route.starts_with("/v1/events") || route.starts_with("/v1/integrations") || route.starts_with("/v2/") ||
                 route.ends_with("/ack") || route.ends_with("/resolve")
             ? "POST"
             : "GET";
}

void api::answer(request&& r, respond done) {
  const auto started = std::chrono::steady_clock::now();
  auto parsed = boost::urls::parse_origin_form(r.target);
  target t;
  if (parsed) {
    for (auto s : parsed->segments()) {
      t.segments.emplace_back(s);
    }
    for (auto p : parsed->params()) {
      t.params.emplace_back(p.key, p.has_value ? p.value : std::string{});
    }
  }
  const std::string_view route = parsed ? route_of(t.segments) : std::string_view{};
  // Every answer is counted by route and status, and a refusal is logged with the
  // request's id, before it goes back to the server.
  done = [this, started, route, id = r.request_id, method = r.method, done = std::move(done)](response out) {
    const auto label = route.empty() ? std::string_view{"unmatched"} : route;
    if (metrics_ != nullptr) {
      metrics_->on_request(label, out.status, std::chrono::steady_clock::now() - started);
    }
    if (out.status >= 400 && log_) {
      log_refusal(log_, id, method, label, out);
    }
    done(std::move(out));
  };
  if (!parsed) {
    done(error_response(400, "bad_target", "the request target is not a valid path and query"));
    return;
  }
  if (route.empty()) {
    done(not_found(printable_text(fmt::format("no route {}", shortened(parsed->path(), 200)))));
    return;
  }
  if (route == "/ack/{token}") {
    // The page a link opens (GET, changing nothing: mail scanners fetch links) and the
    // acknowledgement its button posts.
    if (r.method != "GET" && r.method != "POST") {
      done(method_not_allowed("GET, POST"));
    } else {
      ack_link(std::move(r), t, std::move(done));
    }
    return;
  }
  if (r.method != method_of(route)) {
    done(method_not_allowed(method_of(route)));
    return;
  }
  if (route == "/healthz") {
    done({200, R"({"status":"alive"})", "application/json", {}});
  } else if (route == "/readyz") {
    done(svc_.ready() ? response{200, R"({"status":"ready"})", "application/json", {}}
                      : unavailable("the engine has stopped after a store error; see the log"));
  } else if (route == "/metrics") {
    get_metrics(std::move(done));
  } else if (route == "/v1/events") {
    post_event(std::move(r), std::move(done));
  } else if (route == "/v1/integrations/alertmanager") {
    post_alertmanager(std::move(r), std::move(done));
  } else if (route == "/v2/enqueue") {
    post_pagerduty(std::move(r), std::move(done));
  } else if (route == "/v1/incidents") {
    get_incidents(std::move(r), t, std::move(done));
  } else if (route == "/v1/incidents/{id}") {
    get_incident(std::move(r), t, std::move(done));
  } else if (route == "/v1/roles/{role}/holder") {
    get_holder(std::move(r), t, std::move(done));
  } else {
    post_incident_action(std::move(r), t, std::move(done));
  }
}

void api::ack_link(request&& r, const target& t, respond done) {
  const auto c = current();
  const auto& links = c->org().ack_links;
  if (!links.enabled()) {
    done(link_page(404, "No such link", "This baton makes no acknowledgement links."));
    return;
  }
  const auto checked = engine::check_ack_link(links, t.segments[1], clock_.now());
  switch (checked.status) {
    case engine::link_status::malformed:
      done(link_page(404, "Not an acknowledgement link", "This address is not a link baton made. Check that it was "
                                                          "copied whole."));
      return;
    case engine::link_status::forged:
      done(link_page(403, "This link is not valid",
                     "It was not signed by this baton, or it was changed after it was sent. Nothing was done."));
      return;
    case engine::link_status::expired:
      done(link_page(410, "This link has expired",
                     fmt::format("It was valid until {}. Acknowledge through the API with your token, or wait for "
                                 "the next page.",
                                 engine::format_local(checked.claim.expires, c->org().zone))));
      return;
    case engine::link_status::valid:
      break;
  }
  const auto& claim = checked.claim;
  const auto* person = c->org().find_person(claim.person);
  const std::string who = person != nullptr ? person->name : claim.person;
  if (r.method == "GET") {
    std::optional<store::incident_row> row;
    try {
      reads_.with([&](store::store& db) { row = db.find_incident(claim.incident_id); });
    } catch (const std::exception& e) {
      done(unavailable(fmt::format("the database could not be read: {}", e.what())));
      return;
    }
    if (!row) {
      done(link_page(404, "No such incident", fmt::format("Incident {} is not known here.", claim.incident_id)));
    } else if (row->state == "resolved") {
      done(link_page(409, "Already resolved",
                     fmt::format("Incident {} was resolved{}; there is nothing to acknowledge.", row->id,
                                 row->resolved_at ? " at " + engine::format_local(*row->resolved_at, c->org().zone)
                                                  : std::string{})));
    } else {
      done(link_confirm_page(*row, who, engine::format_local(claim.expires, c->org().zone)));
    }
    return;
  }
  engine::acknowledge_op op;
  op.incident_id = claim.incident_id;
  op.person = claim.person;
  auto answer = shared(std::move(done));
  if (!svc_.submit(std::move(op), [answer, id = claim.incident_id, who](engine::outcome o) {
        (*answer)(link_outcome_page(o, id, who));
      })) {
    (*answer)(queue_full());
  }
}

void api::get_metrics(respond done) {
  if (metrics_ == nullptr) {
    done(not_found("this service keeps no metrics"));
    return;
  }
  service::service_metrics::now n;
  n.queued = svc_.snapshot().queued;
  n.connections = server_ != nullptr ? server_->connections() : 0;
  n.ready = svc_.ready();
  done({200, metrics_->render(n), "text/plain; version=0.0.4; charset=utf-8", {}});
}

void api::post_event(request&& r, respond done) {
  const auto c = current();
  auto who = c->authenticate(r.authorization);
  if (!who) {
    done(std::move(who.error()));
    return;
  }
  auto in = integration_of(*who, config::ingest_format::native, "POST /v1/events");
  if (!in) {
    done(std::move(in.error()));
    return;
  }
  auto op = event_request(r, **in);
  if (!op) {
    count_events((*in)->id, {}, "invalid");
    done(std::move(op.error()));
    return;
  }
  auto answer = shared(std::move(done));
  if (!svc_.submit(std::move(*op), [this, answer, in = (*in)->id](engine::outcome o) {
        count_events(in, {&o, 1});
        (*answer)(event_answer(o));
      })) {
    count_events((*in)->id, {}, "unavailable");
    (*answer)(queue_full());
  }
}

void api::post_alertmanager(request&& r, respond done) {
  const auto c = current();
  auto who = c->authenticate(r.authorization);
  if (!who) {
    done(std::move(who.error()));
    return;
  }
  auto in = integration_of(*who, config::ingest_format::alertmanager, "POST /v1/integrations/alertmanager");
  if (!in) {
    done(std::move(in.error()));
    return;
  }
  auto ops = alertmanager_request(r, **in);
  if (!ops) {
    count_events((*in)->id, {}, "invalid");
    done(std::move(ops.error()));
    return;
  }
  auto answer = shared(std::move(done));
  const std::string integration = (*in)->id;
  const std::size_t alerts = ops->size();
  if (!svc_.submit_all(std::move(*ops), [this, answer, integration](std::vector<engine::outcome> outcomes) {
        count_events(integration, outcomes);
        (*answer)(alertmanager_answer(outcomes, integration, log_));
      })) {
    count_events(integration, {}, "unavailable", alerts);
    (*answer)(queue_full());
  }
}

void api::count_events(std::string_view integration, std::span<const engine::outcome> outcomes,
                       std::string_view instead, std::size_t n) const {
  if (metrics_ == nullptr) {
    return;
  }
  if (!instead.empty()) {
    metrics_->on_events(integration, instead, n);
    return;
  }
  for (const auto& o : outcomes) {
    metrics_->on_events(integration, event_outcome(o));
  }
}

void api::post_pagerduty(request&& r, respond done) {
  const auto c = current();
  auto accepted = pagerduty_request(r, *c);
  if (!accepted) {
    done(std::move(accepted.error()));
    return;
  }
  auto answer = shared(std::move(done));
  const std::string integration = accepted->integration->id;
  if (!svc_.submit(std::move(accepted->op), [this, answer, dedup = accepted->dedup_key, action = accepted->action,
                                             integration](engine::outcome o) {
        count_events(integration, {&o, 1});
        (*answer)(pagerduty_answer(o, dedup, action, integration, log_));
      })) {
    count_events(integration, {}, "unavailable");
    (*answer)(queue_full());
  }
}

void api::post_incident_action(request&& r, const target& t, respond done) {
  const auto c = current();
  auto who = c->authenticate(r.authorization);
  if (!who) {
    done(std::move(who.error()));
    return;
  }
  const auto& seg = t.segments;
  const bool by_key = seg.size() == 5;
  const bool ack = seg.back() == "ack";
  std::int64_t id = 0;
  std::string dedup_key;
  if (by_key) {
    dedup_key = seg[3];
    if (dedup_key.empty() || dedup_key.size() > ingest::max_dedup_key_bytes || !is_valid_utf8(dedup_key)) {
      done(not_found("no open incident has that key"));
      return;
    }
  } else if (auto n = positive_id(seg[2])) {
    id = *n;
  } else {
    done(not_found(printable_text(fmt::format("no incident \"{}\": ids are positive integers", shortened(seg[2], 100)))));
    return;
  }
  // The body is optional: {"person": "ada"} for a team's token, {"note": "..."}.
  json::object body;
  if (!r.body.empty()) {
    auto o = json_object(r);
    if (!o) {
      done(std::move(o.error()));
      return;
    }
    body = std::move(*o);
  }
  for (const auto& [k, v] : body) {
    if (k != "person" && !(k == "note" && !ack)) {
      done(error_response(422, "invalid",
                          printable_text(fmt::format("unknown field \"{}\" ({})", shortened(k, 100),
                                                     ack ? "an acknowledgement takes person"
                                                         : "a resolution takes person and note"))));
      return;
    }
  }
  auto acting = acting_person(*who, body);
  if (!acting) {
    done(std::move(acting.error()));
    return;
  }
  auto note = text_field(body, "note", ingest::max_summary_bytes);
  if (!note) {
    done(std::move(note.error()));
    return;
  }
  const std::string principal_id = who->integration != nullptr ? who->integration->id : who->token->id;
  auto key = request_key(r, fmt::format("api:{}:{}", principal_id, ack ? "ack" : "resolve"));
  if (!key) {
    done(std::move(key.error()));
    return;
  }
  engine::operation op;
  if (ack) {
    engine::acknowledge_op a;
    a.incident_id = id;
    a.dedup_key = dedup_key;
    a.person = *acting;  // "" for an integration: a sender's acknowledgement
    a.actor = who->integration != nullptr ? who->actor() : "";
    a.request_key = std::move(*key);
    op = std::move(a);
  } else {
    engine::resolve_op s;
    s.incident_id = id;
    s.dedup_key = dedup_key;
    s.actor = acting->empty() ? who->actor() : "person:" + *acting;
    s.note = std::move(*note);
    s.request_key = std::move(*key);
    op = std::move(s);
  }
  auto answer = shared(std::move(done));
  if (!svc_.submit(std::move(op), [answer](engine::outcome o) { (*answer)(action_answer(o)); })) {
    (*answer)(queue_full());
  }
}

void api::get_incidents(request&& r, const target& t, respond done) {
  const auto c = current();
  auto who = c->authenticate(r.authorization);
  if (!who) {
    done(std::move(who.error()));
    return;
  }
  store::incident_page page;
  page.limit = default_page;
  for (const auto& [key, value] : t.params) {
    const auto p = param{key, value};
    if (p.key == "state") {
      if (p.value != "open" && p.value != "acknowledged" && p.value != "resolved" && p.value != "any") {
        done(error_response(400, "bad_query", "state must be open, acknowledged, resolved or any"));
        return;
      }
      page.state = p.value == "any" ? "" : p.value;
    } else if (p.key == "before") {
      auto n = positive_id(p.value);
      if (!n) {
        done(error_response(400, "bad_query", "before must be an incident id (a positive integer)"));
        return;
      }
      page.before_id = *n;
    } else if (p.key == "limit") {
      auto n = positive_id(p.value);
      if (!n || *n > static_cast<std::int64_t>(max_page)) {
        done(error_response(400, "bad_query", fmt::format("limit must be 1 to {}", max_page)));
        return;
      }
      page.limit = static_cast<std::size_t>(*n);
    } else {
      done(error_response(400, "bad_query",
                          printable_text(fmt::format("unknown parameter \"{}\" (state, before, limit)",
                                                     shortened(p.key, 100)))));
      return;
    }
  }
  response out;
  try {
    reads_.with([&](store::store& db) { out = incident_list_answer(db.incident_page_of(page), page.limit); });
  } catch (const std::exception& e) {
    out = unavailable(fmt::format("the database could not be read: {}", e.what()));
  }
  done(std::move(out));
}

void api::get_incident(request&& r, const target& t, respond done) {
  const auto c = current();
  auto who = c->authenticate(r.authorization);
  if (!who) {
    done(std::move(who.error()));
    return;
  }
  const auto id = positive_id(t.segments[2]);
  if (!id) {
    done(not_found(
        printable_text(fmt::format("no incident \"{}\": ids are positive integers", shortened(t.segments[2], 100)))));
    return;
  }
  response out;
  try {
    reads_.with([&](store::store& db) { out = incident_answer(db, *id); });
  } catch (const std::exception& e) {
    out = unavailable(fmt::format("the database could not be read: {}", e.what()));
  }
  done(std::move(out));
}

void api::get_holder(request&& r, const target& t, respond done) {
  const std::string& role_id = t.segments[2];
  const auto c = current();
  auto who = c->authenticate(r.authorization);
  if (!who) {
    done(std::move(who.error()));
    return;
  }
  const auto& org = c->org();
  const auto* role = org.find_role(role_id);
  if (role == nullptr) {
    done(not_found(printable_text(fmt::format("no role \"{}\"", shortened(role_id, 100)))));
    return;
  }
  const config::ai_system* system = nullptr;
  timestamp at = clock_.now();
  bool working_hours_only = false;
  for (const auto& [key, value] : t.params) {
    const auto p = param{key, value};
    if (p.key == "system") {
      system = org.find_system(p.value);
      if (system == nullptr) {
        done(not_found(printable_text(fmt::format("no AI system \"{}\"", shortened(p.value, 100)))));
        return;
      }
    } else if (p.key == "at") {
      auto when = parse_iso(p.value, org.zone);
      if (!when) {
        done(error_response(400, "bad_query", "at must be an ISO 8601 time, e.g. 2026-03-04T09:00:00Z"));
        return;
      }
      at = *when;
    } else if (p.key == "working_hours_only") {
      if (p.value != "true" && p.value != "false") {
        done(error_response(400, "bad_query", "working_hours_only must be true or false"));
        return;
      }
      working_hours_only = p.value == "true";
    } else {
      done(error_response(400, "bad_query",
                          printable_text(fmt::format("unknown parameter \"{}\" (system, at, working_hours_only)",
                                                     shortened(p.key, 100)))));
      return;
    }
  }
  done(json_answer(200, engine::holder_json(org, *role, system, at, working_hours_only)));
}

}  // namespace baton::http
