// The HTTP API's routes with their tokens (http/routes.hpp, docs/http.md): every
// format with real payloads, people acting by id and by key, the reads, and each
// refusal. A real server on 127.0.0.1 on an ephemeral port, a real HTTP client, the
// engine service on a real SQLite file (tests/support/http_rig.hpp).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "base/encoding.hpp"
#include "tests/support/http_rig.hpp"

using namespace baton;
using test::bearer;
using test::client;
using test::code_of;
using test::compel_secrets;
using test::http_rig;
using test::json_of;
namespace bhttp = boost::beast::http;

namespace {

const std::string harm_event =
    R"({"type":"incident","system":"credit-scoring","severity":"high","summary":"customers refused credit wrongly",)"
    R"("dedup_key":"harm-1","attrs":{"customer_harm":true}})";

// Alertmanager 0.25's webhook body for a group of two alerts, as it sends it (fields
// baton does not read included; timestamps with nanoseconds; endsAt zero while firing).
std::string alertmanager_body(std::string_view status, std::string_view second_status) {
  return fmt::format(R"({{
  "receiver": "baton", "status": "{0}", "version": "4",
  "groupKey": "{{}}:{{alertname=\"ModelDrift\"}}", "truncatedAlerts": 0,
  "groupLabels": {{"alertname": "ModelDrift"}},
  "commonLabels": {{"alertname": "ModelDrift", "severity": "warning"}},
  "commonAnnotations": {{}},
  "externalURL": "http://alertmanager.example:9093",
  "alerts": [
    {{"status": "{0}", "labels": {{"alertname": "ModelDrift", "model": "credit-scoring", "severity": "warning"}},
     "annotations": {{"summary": "PSI above 0.2 for 30m"}},
     "startsAt": "2026-11-23T08:55:00.123456789Z", "endsAt": "0001-01-01T00:00:00Z",
     "generatorURL": "http://prometheus.example:9090/graph?g0.expr=psi", "fingerprint": "a1b2c3d4e5f60708"}},
    {{"status": "{1}", "labels": {{"alertname": "ModelDrift", "ai_system": "chat-assist", "severity": "critical"}},
     "annotations": {{"description": "toxicity rate up"}},
     "startsAt": "2026-11-23T08:56:00Z", "endsAt": "0001-01-01T00:00:00Z",
     "generatorURL": "", "fingerprint": "0f0e0d0c0b0a0908"}}
  ]
}})",
                     status, second_status);
}

std::string pagerduty_body(std::string_view action, std::string_view dedup_key, std::string_view routing_key) {
  std::string key = dedup_key.empty() ? "" : fmt::format(R"("dedup_key": "{}",)", dedup_key);
  if (action != "trigger") {
    return fmt::format(R"({{"routing_key": "{}", "event_action": "{}", {} "client": "cron"}})", routing_key, action,
                       key);
  }
  return fmt::format(R"({{"routing_key": "{}", "event_action": "trigger", {}
  "payload": {{"summary": "Batch scoring job failed", "source": "scoring-worker-3", "severity": "error",
               "timestamp": "2026-11-23T08:59:00.000+0000", "component": "credit-scoring", "group": "batch",
               "class": "job_failure", "custom_details": {{"job": "nightly", "exit_code": 137}}}},
  "links": [{{"href": "https://ci.example/job/1", "text": "job"}}], "images": [], "client": "cron",
  "client_url": "https://ci.example"}})",
                     routing_key, key);
}

bool any_line(const std::vector<boost::json::object>& log, std::string_view msg) {
  return std::any_of(log.begin(), log.end(), [&](const boost::json::object& o) {
    const auto* m = o.if_contains("msg");
    return m != nullptr && m->is_string() && m->as_string() == msg;
  });
}

}  // namespace

TEST_CASE("write routes need a token of the right kind, and basic auth carries one too", "[http][auth]") {
  http_rig r;
  client none(r.srv.port(), "");
  auto missing = none.post("/v1/events", harm_event);
  CHECK(missing.result_int() == 401);
  CHECK(code_of(missing) == "unauthorized");
  CHECK(missing[bhttp::field::www_authenticate] == R"(Bearer realm="baton")");
  client wrong(r.srv.port(), bearer("not-a-token-of-anyone-here"));
  CHECK(wrong.post("/v1/events", harm_event).result_int() == 401);
  CHECK(wrong.get("/v1/incidents").result_int() == 401);
  // Alertmanager's token is for its own route only.
  client am(r.srv.port(), bearer(compel_secrets::alertmanager));
  auto other = am.post("/v1/events", harm_event);
  CHECK(other.result_int() == 403);
  CHECK_THAT(json_of(other).at("error").at("message").as_string().c_str(),
             Catch::Contains("integration alertmanager (format alertmanager)"));
  client person(r.srv.port(), bearer(compel_secrets::amara));
  CHECK(person.post("/v1/events", harm_event).result_int() == 403);
  // Nothing of it reached the engine.
  CHECK(r.svc.db->incidents(false).empty());
  // Basic auth: the integration's id as the user, the token as the password.
  client basic(r.srv.port(), "Basic " + base64_encode(std::string("monitoring:") + compel_secrets::monitoring));
  auto ok = basic.post("/v1/events", harm_event);
  REQUIRE(ok.result_int() == 202);
  CHECK(r.svc.db->find_incident(1)->opened_by == "integration:monitoring");
  client basic_wrong_user(r.srv.port(),
                          "Basic " + base64_encode(std::string("alertmanager:") + compel_secrets::monitoring));
  CHECK(basic_wrong_user.post("/v1/events", harm_event).result_int() == 401);
}

TEST_CASE("Alertmanager's webhook: each alert an event by fingerprint, repeats change nothing, resolved resolves",
          "[http][alertmanager]") {
  http_rig r;
  client am(r.srv.port(), bearer(compel_secrets::alertmanager));
  auto first = am.post("/v1/integrations/alertmanager", alertmanager_body("firing", "firing"));
  REQUIRE(first.result_int() == 200);
  auto o = json_of(first);
  CHECK(o.at("alerts").as_int64() == 2);
  CHECK(o.at("opened").as_int64() == 2);
  const auto rows = r.svc.db->incidents(false);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].dedup_key == "a1b2c3d4e5f60708");
  CHECK(rows[0].system == "credit-scoring");  // from the `model` label (integrations.yaml)
  CHECK(rows[0].severity == "medium");        // warning -> medium
  CHECK(rows[0].summary == "PSI above 0.2 for 30m");
  CHECK(rows[0].opened_by == "integration:alertmanager");
  CHECK(rows[1].system == "chat-assist");
  CHECK(rows[1].severity == "critical");
  CHECK(rows[1].summary == "toxicity rate up");

  // The next group_interval, or an HA peer: the same alerts again change nothing.
  auto again = am.post("/v1/integrations/alertmanager", alertmanager_body("firing", "firing"));
  REQUIRE(again.result_int() == 200);
  CHECK(json_of(again).at("replayed").as_int64() == 2);
  CHECK(r.svc.db->find_incident(1)->event_count == 1);

  // One alert resolved: its incident is resolved, the other stays open.
  auto resolved = am.post("/v1/integrations/alertmanager", alertmanager_body("resolved", "firing"));
  REQUIRE(resolved.result_int() == 200);
  CHECK(json_of(resolved).at("resolved").as_int64() == 1);
  CHECK(r.svc.db->find_incident(1)->state == "resolved");
  CHECK(r.svc.db->find_incident(2)->state != "resolved");
  // Resolved again (a peer): nothing to do, still 200.
  auto twice = am.post("/v1/integrations/alertmanager", alertmanager_body("resolved", "resolved"));
  REQUIRE(twice.result_int() == 200);
  CHECK(r.svc.db->find_incident(2)->state == "resolved");

  // A malformed group is refused whole, before the engine.
  auto bad = am.post("/v1/integrations/alertmanager", R"({"version":"4","alerts":[{"status":"firing"}]})");
  CHECK(bad.result_int() == 422);
  CHECK_THAT(json_of(bad).at("error").at("message").as_string().c_str(), Catch::Contains("alerts[0]"));
  CHECK(am.post("/v1/integrations/alertmanager", R"({"version":"3","alerts":[]})").result_int() == 422);
  CHECK(r.svc.db->incidents(false).size() == 2);
}

TEST_CASE("PagerDuty Events v2: trigger, acknowledge and resolve by dedup_key, answered as PagerDuty does",
          "[http][pagerduty]") {
  http_rig r;
  client pd(r.srv.port(), "");  // PagerDuty senders authenticate by the routing key in the body
  const std::string key = compel_secrets::pagerduty_routing_key;

  auto made = pd.post("/v2/enqueue", pagerduty_body("trigger", "", key));
  REQUIRE(made.result_int() == 202);
  auto o = json_of(made);
  CHECK(o.at("status").as_string() == "success");
  CHECK(o.at("message").as_string() == "Event processed");
  const std::string dedup(o.at("dedup_key").as_string());
  CHECK(dedup.size() == 32);  // made for a trigger without one
  auto row = r.svc.db->find_incident(1);
  REQUIRE(row.has_value());
  CHECK(row->dedup_key == dedup);
  CHECK(row->system == "credit-scoring");  // payload.component
  CHECK(row->severity == "high");          // error -> high
  CHECK(row->opened_by == "integration:pagerduty");

  // An acknowledge from a sender engages no governance role: logged, nothing more.
  auto ack = pd.post("/v2/enqueue", pagerduty_body("acknowledge", dedup, key));
  REQUIRE(ack.result_int() == 202);
  CHECK(r.svc.db->find_incident(1)->state == "open");
  bool noted = false;
  r.svc.db->read_log({}, [&](const store::log_record& rec) { noted |= rec.kind == "incident.sender_acknowledged"; });
  CHECK(noted);

  auto resolve = pd.post("/v2/enqueue", pagerduty_body("resolve", dedup, key));
  REQUIRE(resolve.result_int() == 202);
  CHECK(r.svc.db->find_incident(1)->state == "resolved");

  // For a key with no open incident: accepted and dropped, and the log says so.
  auto stray = pd.post("/v2/enqueue", pagerduty_body("resolve", "no-such-key", key));
  CHECK(stray.result_int() == 202);
  CHECK(any_line(r.log_lines(), "pagerduty event dropped: no open incident has its dedup_key"));

  // Invalid events: PagerDuty's 400 with every problem listed.
  auto invalid = pd.post("/v2/enqueue", fmt::format(R"({{"routing_key":"{}","event_action":"trigger"}})", key));
  REQUIRE(invalid.result_int() == 400);
  auto e = json_of(invalid);
  CHECK(e.at("status").as_string() == "invalid event");
  CHECK(e.at("message").as_string() == "Event object is invalid");
  CHECK_FALSE(e.at("errors").as_array().empty());
  CHECK(pd.post("/v2/enqueue", "{not json").result_int() == 400);
  // A well-formed key no integration has.
  auto unknown = pd.post("/v2/enqueue", pagerduty_body("trigger", "x", "Z0123456789abcdef0123456789abcde"));
  CHECK(unknown.result_int() == 401);
  CHECK(json_of(unknown).at("status").as_string() == "unauthorized");
  CHECK(r.svc.db->incidents(false).size() == 1);
}

TEST_CASE("people acknowledge and resolve by id or by key with their own or their team's token", "[http][ack]") {
  http_rig r;
  client monitoring(r.srv.port());
  REQUIRE(monitoring.post("/v1/events", harm_event).result_int() == 202);  // t6: caio and gc accountable

  client team(r.srv.port(), bearer(compel_secrets::caio_office));
  // A team's token must say who acts, and only for one of its people.
  auto unnamed = team.post("/v1/incidents/1/ack");
  CHECK(unnamed.result_int() == 422);
  auto outsider = team.post("/v1/incidents/1/ack", R"({"person":"rafael"})");
  CHECK(outsider.result_int() == 403);
  // lukas is CAIO backup: not the holder paged while amara is available.
  auto amara = client(r.srv.port(), bearer(compel_secrets::amara)).post("/v1/incidents/1/ack");
  REQUIRE(amara.result_int() == 200);
  auto a = json_of(amara);
  CHECK(a.at("incident").as_int64() == 1);
  REQUIRE(a.at("engaged_roles").as_array().size() == 1);
  CHECK(a.at("engaged_roles").as_array()[0].as_string() == "caio");
  // The same again: nothing new (a second click).
  auto repeat = team.post("/v1/incidents/1/ack", R"({"person":"amara"})");
  REQUIRE(repeat.result_int() == 200);
  CHECK(json_of(repeat).at("already_engaged").as_array().size() == 1);

  // By key, resolved by the person; the key is URL-decoded.
  REQUIRE(monitoring.post("/v1/events", R"({"type":"anomaly","system":"credit-scoring","dedup_key":"a b/1"})")
              .result_int() == 202);
  client person(r.srv.port(), bearer(compel_secrets::amara));
  auto by_key = person.post("/v1/incidents/by-key/a%20b%2F1/resolve", R"({"note":"false alarm"})");
  REQUIRE(by_key.result_int() == 200);
  CHECK(json_of(by_key).at("incident").as_int64() == 2);
  CHECK(r.svc.db->find_incident(2)->state == "resolved");
  // Acknowledging a resolved incident: 409; an unknown one: 404; an unknown key: 404.
  auto late = person.post("/v1/incidents/2/ack");
  CHECK(late.result_int() == 409);
  CHECK(code_of(late) == "conflict");
  CHECK(person.post("/v1/incidents/99/ack").result_int() == 404);
  CHECK(person.post("/v1/incidents/by-key/nope/ack").result_int() == 404);
  CHECK(person.post("/v1/incidents/x/ack").result_int() == 404);
  CHECK(person.send(bhttp::verb::get, "/v1/incidents/1/ack").result_int() == 405);
  // A body that is not JSON, a note of the wrong type.
  CHECK(person.post("/v1/incidents/1/resolve", "{").result_int() == 400);
  CHECK(person.post("/v1/incidents/1/resolve", R"({"note":5})").result_int() == 422);
  // An integration resolves what it opened, as itself.
  auto own = monitoring.post("/v1/incidents/1/resolve");
  REQUIRE(own.result_int() == 200);
  CHECK(r.svc.db->find_incident(1)->state == "resolved");
}

TEST_CASE("reads: incidents by state with paging, one incident with its timeline, a role's holder", "[http][read]") {
  http_rig r;
  client c(r.srv.port());
  REQUIRE(c.post("/v1/events", harm_event).result_int() == 202);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(c.post("/v1/events", fmt::format(R"({{"type":"anomaly","system":"chat-assist","dedup_key":"r{}"}})", i))
                .result_int() == 202);
  }
  REQUIRE(c.post("/v1/incidents/by-key/r0/resolve").result_int() == 200);

  auto open = c.get("/v1/incidents?state=open");
  REQUIRE(open.result_int() == 200);
  const auto listed = json_of(open);
  const auto& items = listed.at("incidents").as_array();
  REQUIRE(items.size() == 3);
  CHECK(items[0].at("id").as_int64() == 4);  // newest first
  auto page = json_of(c.get("/v1/incidents?limit=2"));
  REQUIRE(page.at("incidents").as_array().size() == 2);
  const auto next = page.at("next_before").as_int64();
  CHECK(next == 3);
  auto rest = json_of(c.get(fmt::format("/v1/incidents?limit=2&before={}", next)));
  REQUIRE(rest.at("incidents").as_array().size() == 2);
  CHECK(rest.at("incidents").as_array()[1].at("id").as_int64() == 1);
  CHECK(c.get("/v1/incidents?state=closed").result_int() == 400);
  CHECK(c.get("/v1/incidents?limit=0").result_int() == 400);
  CHECK(c.get("/v1/incidents?colour=red").result_int() == 400);

  auto one = c.get("/v1/incidents/1");
  REQUIRE(one.result_int() == 200);
  auto inc = json_of(one);
  CHECK(inc.at("system").as_string() == "credit-scoring");
  CHECK(inc.at("state").as_string() == "open");
  CHECK_FALSE(inc.at("accountable").as_array().empty());
  CHECK_FALSE(inc.at("escalations").as_array().empty());
  CHECK_FALSE(inc.at("notifications").as_array().empty());
  const auto& timeline = inc.at("timeline").as_array();
  REQUIRE_FALSE(timeline.empty());
  CHECK(timeline[0].at("kind").as_string() == "event.received");
  for (const auto& rec : timeline) {
    CHECK(rec.at("details").is_object());
  }
  CHECK(c.get("/v1/incidents/77").result_int() == 404);

  auto holder = c.get("/v1/roles/caio/holder");
  REQUIRE(holder.result_int() == 200);
  CHECK(json_of(holder).at("holder").at("id").as_string() == "amara");
  // On her leave (from the 21st of December) her delegate holds it.
  auto later = json_of(c.get("/v1/roles/caio/holder?at=2026-12-22T10:00:00Z"));
  CHECK(later.at("holder").at("id").as_string() == "lukas");
  auto scoped = json_of(c.get("/v1/roles/bu_owner/holder?system=credit-scoring"));
  CHECK_FALSE(scoped.at("holder").is_null());
  CHECK(c.get("/v1/roles/nobody/holder").result_int() == 404);
  CHECK(c.get("/v1/roles/caio/holder?system=nope").result_int() == 404);
  CHECK(c.get("/v1/roles/caio/holder?at=yesterday").result_int() == 400);
}
