// GET /metrics: the Prometheus text format as Prometheus' own linter reads it
// (promtool check metrics, Debian's `prometheus` package, installed by scripts/test.sh),
// with the engine's work folded in from its log records as it commits.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <regex>

#include "tests/support/child_process.hpp"
#include "tests/support/http_rig.hpp"

using namespace baton;
using namespace std::chrono_literals;
using test::bearer;
using test::client;
using test::compel_secrets;
using test::http_rig;

namespace {

const char* const promtool = "/usr/bin/promtool";

// The value of the sample `series` (name and labels exactly as rendered), or -1.
double sample(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) {
    return -1;
  }
  return std::stod(text.substr(at + series.size() + 2));
}

}  // namespace

TEST_CASE("/metrics counts events, escalations, acknowledgements, batches and requests, and promtool accepts it",
          "[http][metrics]") {
  http_rig r;
  client c(r.srv.port());
  const std::string harm =
      R"({"type":"incident","system":"credit-scoring","summary":"harm","dedup_key":"m1","attrs":{"customer_harm":true}})";
  REQUIRE(c.post("/v1/events", harm).result_int() == 202);
  REQUIRE(c.post("/v1/events", harm).result_int() == 202);  // deduplicated
  CHECK(c.post("/v1/events", "{").result_int() == 400);
  client amara(r.srv.port(), bearer(compel_secrets::amara));
  REQUIRE(amara.post("/v1/incidents/1/ack").result_int() == 200);
  CHECK(c.get("/v1/incidents/1/nothing").result_int() == 404);

  client scraper(r.srv.port(), "");  // a scrape needs no token
  auto res = scraper.get("/metrics");
  REQUIRE(res.result_int() == 200);
  CHECK(res[boost::beast::http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
  const std::string text = "\n" + res.body();
  CHECK(sample(text, R"(baton_events_received_total{integration="monitoring",outcome="opened"})") == 1);
  CHECK(sample(text, R"(baton_events_received_total{integration="monitoring",outcome="deduplicated"})") == 1);
  CHECK(sample(text, "baton_incidents_opened_total") == 1);
  CHECK(sample(text, "baton_incidents_open") == 1);
  CHECK(sample(text, R"(baton_escalations_started_total{rule="t6"})") == 2);  // caio and gc
  CHECK(sample(text, R"(baton_escalation_latency_seconds_count{rule="t6",role="caio"})") == 1);
  CHECK(sample(text, "baton_acknowledgement_latency_seconds_count") == 1);
  CHECK(sample(text, R"(baton_http_requests_total{route="/v1/events",code="202"})") == 2);
  CHECK(sample(text, R"(baton_http_requests_total{route="/v1/events",code="400"})") == 1);
  CHECK(sample(text, R"(baton_http_requests_total{route="unmatched",code="404"})") == 1);
  CHECK(sample(text, "baton_batch_operations_count") >= 3);
  CHECK(sample(text, "baton_ready") == 1);
  CHECK(sample(text, R"(baton_notifications_total{notifier="file",outcome="delivered"})") >= 1);
  // Ids never become label values: the incident's route is its template.
  CHECK(text.find("/v1/incidents/1") == std::string::npos);

  // Prometheus' own linter: names, types, HELP, suffixes, histogram shape.
  REQUIRE(std::filesystem::exists(promtool));  // scripts/test.sh installs Debian's prometheus
  const auto body = r.svc.dir.write("metrics.txt", res.body());
  const auto out = r.svc.dir.path() / "promtool.out";
  test::child_process check({"/bin/sh", "-c", fmt::format("{} check metrics < '{}'", promtool, body.string())}, out);
  const auto status = check.wait_for(30s);
  INFO(test::read_file(out));
  CHECK(status == 0);
}

TEST_CASE("every answer carries a request id, and a refusal is logged with it as one JSON line", "[http][metrics]") {
  http_rig r;
  client c(r.srv.port(), bearer("wrong-token-for-the-log-test"));
  auto refused = c.post("/v1/events", "{}");
  REQUIRE(refused.result_int() == 401);
  const std::string made(refused["X-Request-Id"]);
  CHECK(std::regex_match(made, std::regex("[0-9a-f]{8}-[0-9a-f]+")));
  // A sane id from the client is kept; one a log should not carry is replaced.
  c.write_raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: lb-7f3a.12:9\r\n\r\n");
  CHECK(std::string(c.receive()["X-Request-Id"]) == "lb-7f3a.12:9");
  c.write_raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: {\"x\": 1}\r\n\r\n");
  CHECK(std::regex_match(std::string(c.receive()["X-Request-Id"]), std::regex("[0-9a-f]{8}-[0-9a-f]+")));
  const auto lines = r.log_lines();
  const auto it = std::find_if(lines.begin(), lines.end(), [&](const boost::json::object& o) {
    return o.contains("request_id") && o.at("request_id").as_string() == made;
  });
  REQUIRE(it != lines.end());
  CHECK(it->at("status").as_int64() == 401);
  CHECK(it->at("route").as_string() == "/v1/events");
  CHECK(it->at("msg").as_string() == "request refused");
  CHECK(it->at("error").as_string() == "unknown token");
}

TEST_CASE("the server's own refusals (413, 431, not HTTP) carry a request id, are logged and counted",
          "[http][metrics]") {
  http::server_options o;
  o.body_limit = 1024;
  o.header_limit = 1024;
  http_rig r(o);
  {
    client c(r.srv.port());
    c.write_raw("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: big-1\r\nContent-Type: "
                "application/json\r\nContent-Length: 5000\r\n\r\n" +
                std::string(5000, ' '));
    auto big = c.receive();
    CHECK(big.result_int() == 413);
    CHECK(std::string(big["X-Request-Id"]) == "big-1");  // the head was read: the client's id
  }
  {
    client c(r.srv.port());
    c.write_raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: " + std::string(2000, 'h') + "\r\n\r\n");
    auto tall = c.receive();
    CHECK(tall.result_int() == 431);
    CHECK(std::regex_match(std::string(tall["X-Request-Id"]), std::regex("[0-9a-f]{8}-[0-9a-f]+")));
  }
  {
    client c(r.srv.port());
    c.write_raw("HELLO\r\n\r\n");
    auto garbage = c.receive();
    CHECK(garbage.result_int() == 400);
    CHECK_FALSE(std::string(garbage["X-Request-Id"]).empty());
  }
  client scraper(r.srv.port(), "");
  const std::string text = "\n" + scraper.get("/metrics").body();
  CHECK(sample(text, R"(baton_http_requests_total{route="unread",code="413"})") == 1);
  CHECK(sample(text, R"(baton_http_requests_total{route="unread",code="431"})") == 1);
  CHECK(sample(text, R"(baton_http_requests_total{route="unread",code="400"})") == 1);
  const auto lines = r.log_lines();
  const auto big_line = std::find_if(lines.begin(), lines.end(), [](const boost::json::object& line) {
    return line.contains("request_id") && line.at("request_id").as_string() == "big-1";
  });
  REQUIRE(big_line != lines.end());
  CHECK(big_line->at("status").as_int64() == 413);
  CHECK(big_line->at("route").as_string() == "unread");
  CHECK(big_line->at("msg").as_string() == "request refused");
  CHECK_FALSE(big_line->contains("method"));  // never read
}
