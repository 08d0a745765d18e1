// POST /v1/events before the engine: the body (the fuzzer's bytes) through exactly the
// route's parsing and checks (http::event_request). Every body becomes either an
// operation with an event of a type, within the documented limits, or a 4xx answer
// whose body is one JSON error object with a code and a message.
#include <boost/json.hpp>

#include "base/text.hpp"
#include "fuzz/fuzz_support.hpp"
#include "fuzz/fuzz_targets.hpp"
#include "http/routes.hpp"
#include "ingest/native_event.hpp"

namespace baton::fuzz {
namespace ingest_native_input {

constexpr std::string_view target = "ingest_native";

void check_event(const engine::submit_op& op) {
  const auto& e = op.e;
  check(!e.type.empty(), target, "an event without a type was accepted");
  check(e.type.size() <= ingest::max_text_bytes && e.system.size() <= ingest::max_text_bytes &&
            e.summary.size() <= ingest::max_summary_bytes && e.dedup_key.size() <= ingest::max_dedup_key_bytes,
        target, "a field past its documented limit was accepted");
  check(e.attrs.size() <= ingest::max_attributes, target, "more attributes than the limit were accepted");
  for (const auto* s : {&e.type, &e.system, &e.severity, &e.summary, &e.source, &e.dedup_key}) {
    check(is_valid_utf8(*s), target, "an accepted field is not UTF-8");
  }
  check(op.request_key.empty(), target, "a request without Idempotency-Key got a request key");
}

}  // namespace ingest_native_input

void ingest_native_one_input(std::string_view data) {
  using namespace ingest_native_input;
  http::request r;
  r.method = "POST";
  r.target = "/v1/events";
  r.content_type = "application/json";
  r.body = std::string(data);
  config::integration in;
  in.id = "fuzz";
  const auto op = http::event_request(r, in);
  if (op) {
    check_event(*op);
  } else {
    check_error_answer(op.error(), target);
  }
  // The same body twice gives the same answer.
  const auto again = http::event_request(r, in);
  check(again.has_value() == op.has_value(), target, "the same body was answered two ways");
  if (!op) {
    check(again.error().body == op.error().body, target, "the same bad body was answered two ways");
  }
}

}  // namespace baton::fuzz
