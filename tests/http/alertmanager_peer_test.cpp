// A real sender: Debian's Prometheus Alertmanager (0.25) on 127.0.0.1, with baton as its
// webhook receiver and a bearer token in http_config. Alerts posted to Alertmanager's own
// API reach baton as Alertmanager sends them; a firing alert opens an incident, the same
// alert ended resolves it. scripts/test.sh installs the package. Every wait is bounded.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <boost/asio/ip/tcp.hpp>

#include <signal.h>

#include <thread>

#include "tests/support/child_process.hpp"
#include "tests/support/http_rig.hpp"

using namespace baton;
using namespace std::chrono_literals;
using test::client;
using test::compel_secrets;
using test::http_rig;

namespace {

const char* const alertmanager = "/usr/bin/prometheus-alertmanager";

// A port free on 127.0.0.1 now (the kernel's choice for a socket bound to port 0).
std::uint16_t free_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

bool answers(std::uint16_t port, const std::string& target) {
  try {
    client c(port, "");
    return c.get(target).result_int() == 200;
  } catch (const std::exception&) {
    return false;  // not listening yet
  }
}

std::string iso_now(std::chrono::seconds offset = 0s) {
  return format_iso(std::chrono::time_point_cast<duration>(std::chrono::system_clock::now() + offset));
}

}  // namespace

TEST_CASE("Alertmanager as a real sender: its alerts open incidents in baton and its resolved alerts resolve them",
          "[http][alertmanager][peer]") {
  REQUIRE(std::filesystem::exists(alertmanager));  // scripts/test.sh installs prometheus-alertmanager
  http_rig r;
  const auto am_port = free_port();
  const auto config = r.svc.dir.write("alertmanager.yml", fmt::format(R"(
route:
  receiver: baton
  group_by: ['alertname']
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: baton
    webhook_configs:
      - url: http://127.0.0.1:{}/v1/integrations/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: {}
)",
                                                                      r.srv.port(), compel_secrets::alertmanager));
  const auto storage = r.svc.dir.path() / "am-data";
  std::filesystem::create_directories(storage);
  test::child_process am({alertmanager, "--config.file=" + config.string(), "--storage.path=" + storage.string(),
                          fmt::format("--web.listen-address=127.0.0.1:{}", am_port), "--cluster.listen-address="},
                         r.svc.dir.path() / "alertmanager.out");
  // Alertmanager logs as it starts; baton's database changes as it commits.
  const auto folder = r.svc.dir.path();
  REQUIRE(test::wait_for_change(folder, [&] { return answers(am_port, "/-/ready"); }, 30s));

  const auto post_alert = [&](const std::string& ends) {
    client c(am_port, "");
    const auto body = fmt::format(R"([{{"labels":{{"alertname":"ModelDrift","ai_system":"credit-scoring",)"
                                  R"("severity":"critical"}},"annotations":{{"summary":"PSI above 0.3"}},)"
                                  R"("startsAt":"{}"{}}}])",
                                  iso_now(-60s), ends.empty() ? "" : R"(,"endsAt":")" + ends + "\"");
    return c.post("/api/v2/alerts", body).result_int();
  };
  REQUIRE(post_alert("") == 200);

  auto reader = store::sqlite_store::open_reader(r.svc.db_path);
  const auto incident = [&]() -> std::optional<store::incident_row> {
    auto rows = reader->incidents(false);
    return rows.empty() ? std::nullopt : std::optional(rows.front());
  };
  INFO(test::read_file(r.svc.dir.path() / "alertmanager.out"));
  REQUIRE(test::wait_for_change(folder, [&] { return incident().has_value(); }, 30s));
  const auto opened = *incident();
  CHECK(opened.system == "credit-scoring");
  CHECK(opened.severity == "critical");
  CHECK(opened.summary == "PSI above 0.3");
  CHECK(opened.opened_by == "integration:alertmanager");
  CHECK(opened.dedup_key.size() == 16);  // Alertmanager's fingerprint

  // Ended: Alertmanager sends it as resolved on the next group interval.
  REQUIRE(post_alert(iso_now()) == 200);
  REQUIRE(test::wait_for_change(folder, [&] { return incident()->state == "resolved"; }, 30s));
  CHECK(reader->incidents(false).size() == 1);  // its repeats changed nothing
  am.kill(SIGTERM);
  CHECK(am.wait_for(20s).has_value());
}
