// POST /v2/enqueue before the engine: the body (the fuzzer's bytes) through exactly the
// route's parsing and checks (http::pagerduty_request), against a configuration with
// one PagerDuty integration whose routing key the dictionary holds. Every body becomes
// an operation with the dedup key it is answered with, or PagerDuty's 400 (an invalid
// event, with its errors listed) or 401 (a routing key no integration has), as JSON.
#include <boost/json.hpp>

#include "base/encoding.hpp"
#include "base/text.hpp"
#include "fuzz/fuzz_support.hpp"
#include "fuzz/fuzz_targets.hpp"
#include "http/routes.hpp"
#include "ingest/native_event.hpp"

namespace baton::fuzz {
namespace ingest_pagerduty_input {

constexpr std::string_view target = "ingest_pagerduty";
// In fuzz/dict/pagerduty.dict and the corpus, so the fuzzer gets past the key.
constexpr std::string_view routing_key = "R0123456789abcdef0123456789abcde";

const http::credentials& fuzz_credentials() {
  static const http::credentials c = [] {
    auto org = std::make_shared<config::organisation>();
    config::integration in;
    in.id = "fuzz";
    in.format = config::ingest_format::pagerduty;
    in.routing_key.sha256 = sha256(routing_key);
    in.routing_key.available = true;
    org->integrations.push_back(in);
    return http::credentials(std::move(org));
  }();
  return c;
}

void check_accepted(const http::pagerduty_accepted& a) {
  check(a.integration != nullptr && a.integration->id == "fuzz", target, "accepted for no integration");
  check(a.action == "trigger" || a.action == "acknowledge" || a.action == "resolve", target,
        "an unknown event_action was accepted");
  check(!a.dedup_key.empty() && is_valid_utf8(a.dedup_key), target, "answered with no (or a non-UTF-8) dedup key");
  if (const auto* s = std::get_if<engine::submit_op>(&a.op)) {
    check(a.action == "trigger", target, "an event made from an acknowledge or resolve");
    check(!s->e.type.empty() && s->e.dedup_key == a.dedup_key, target, "the event's key is not the answered one");
    check(s->e.summary.size() <= ingest::max_summary_bytes && s->e.attrs.size() <= ingest::max_attributes, target,
          "a field past its documented limit was accepted");
    for (const auto* text : {&s->e.type, &s->e.system, &s->e.severity, &s->e.summary, &s->e.source}) {
      check(is_valid_utf8(*text), target, "an accepted field is not UTF-8");
    }
  } else if (const auto* k = std::get_if<engine::acknowledge_op>(&a.op)) {
    check(a.action == "acknowledge" && k->person.empty() && k->dedup_key == a.dedup_key, target,
          "a sender's acknowledge names a person or another key");
  } else {
    const auto* r = std::get_if<engine::resolve_op>(&a.op);
    check(r != nullptr && a.action == "resolve" && r->dedup_key == a.dedup_key, target,
          "a resolve became something else");
  }
}

void check_refusal(const http::response& r) {
  check(r.status == 400 || r.status == 401, target, "a bad event was not answered 400 or 401");
  const boost::json::value doc = parse_json_output(r.body, target, "the answer");
  const auto* o = doc.if_object();
  check(o != nullptr && o->contains("status") && o->contains("message"), target,
        "the answer is not PagerDuty's {\"status\", \"message\"}");
  if (r.status == 400) {
    const auto* errors = o->if_contains("errors");
    check(errors != nullptr && errors->is_array() && !errors->as_array().empty(), target,
          "an invalid event's answer lists no errors");
  }
}

}  // namespace ingest_pagerduty_input

void ingest_pagerduty_one_input(std::string_view data) {
  using namespace ingest_pagerduty_input;
  http::request r;
  r.method = "POST";
  r.target = "/v2/enqueue";
  r.content_type = "application/json";
  r.body = std::string(data);
  const auto a = http::pagerduty_request(r, fuzz_credentials());
  if (a) {
    check_accepted(*a);
  } else {
    check_refusal(a.error());
  }
}

}  // namespace baton::fuzz
