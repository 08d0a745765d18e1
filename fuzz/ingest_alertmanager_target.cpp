// POST /v1/integrations/alertmanager before the engine: the body (the fuzzer's bytes)
// through exactly the route's parsing and checks (http::alertmanager_request), for an
// integration with the default mapping. Every body becomes either operations, one per
// alert (events of a type within the documented limits, or resolutions by key), or a
// 4xx answer whose body is one JSON error object with a code and a message.
#include <boost/json.hpp>

#include "base/text.hpp"
#include "fuzz/fuzz_support.hpp"
#include "fuzz/fuzz_targets.hpp"
#include "http/routes.hpp"
#include "ingest/alertmanager.hpp"
#include "ingest/native_event.hpp"

namespace baton::fuzz {
namespace ingest_alertmanager_input {

constexpr std::string_view target = "ingest_alertmanager";

void check_operation(const engine::operation& op) {
  if (const auto* s = std::get_if<engine::submit_op>(&op)) {
    const auto& e = s->e;
    check(!e.type.empty(), target, "an alert without a type was accepted");
    check(!e.dedup_key.empty() && e.dedup_key.size() <= ingest::max_dedup_key_bytes, target,
          "an alert's fingerprint past its limit (or none) became a dedup key");
    check(e.summary.size() <= ingest::max_summary_bytes && e.attrs.size() <= ingest::max_attributes, target,
          "a field past its documented limit was accepted");
    for (const auto* text : {&e.type, &e.system, &e.severity, &e.summary, &e.source, &e.dedup_key}) {
      check(is_valid_utf8(*text), target, "an accepted field is not UTF-8");
    }
    check(s->request_key.starts_with("am:fuzz:"), target, "an alert's request key is not the integration's");
  } else {
    const auto* r = std::get_if<engine::resolve_op>(&op);
    check(r != nullptr, target, "an alert became neither an event nor a resolution");
    check(r->incident_id == 0 && !r->dedup_key.empty(), target, "a resolution does not name its key");
  }
}

}  // namespace ingest_alertmanager_input

void ingest_alertmanager_one_input(std::string_view data) {
  using namespace ingest_alertmanager_input;
  http::request r;
  r.method = "POST";
  r.target = "/v1/integrations/alertmanager";
  r.content_type = "application/json";
  r.body = std::string(data);
  config::integration in;
  in.id = "fuzz";
  in.format = config::ingest_format::alertmanager;
  const auto ops = http::alertmanager_request(r, in);
  if (ops) {
    check(ops->size() <= ingest::max_alerts_per_request, target, "more alerts than the limit were accepted");
    for (const auto& op : *ops) {
      check_operation(op);
    }
  } else {
    check_error_answer(ops.error(), target);
  }
  const auto again = http::alertmanager_request(r, in);
  check(again.has_value() == ops.has_value(), target, "the same body was answered two ways");
}

}  // namespace baton::fuzz
