// `baton serve`: the engine as a service behind the HTTP API, on a SQLite file, on the
// real clock, until SIGINT or SIGTERM. See docs/http.md.
#include <fmt/format.h>
#include <signal.h>

#include <charconv>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>

#include "app/commands.hpp"
#include "app/wiring.hpp"
#include "base/text.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "notifiers/registry.hpp"
#include "service/engine_service.hpp"
#include "store/sqlite_store.hpp"
#include "store/writer_lock.hpp"

namespace baton::app {
namespace {

struct address {
  std::string host;
  std::uint16_t port = 0;
};

// HOST:PORT, the host an IPv4 or IPv6 address ([::1]:8080), the port 0..65535.
std::optional<address> parse_listen(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned n = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (host.empty() || port.empty() || ec != std::errc{} || end != port.data() + port.size() || n > 65'535) {
    return std::nullopt;
  }
  return address{std::string(host), static_cast<std::uint16_t>(n)};
}

// SIGHUP: the configuration files read again and checked; a valid one becomes the one
// new incidents use (open ones keep theirs), an invalid one changes nothing.
void reload(const serve_options& o, const engine::clock& clock, service::engine_service& svc, std::ostream& out,
            std::ostream& err) {
  auto org = load_or_say_why(o.config, o.include_root, clock.now(), "baton serve",
                             "SIGHUP: the configuration is invalid; still serving the one loaded before", err);
  if (org == nullptr) {
    err << std::flush;
    return;
  }
  std::mutex mu;
  std::condition_variable cv;
  std::optional<engine::outcome> result;
  const bool queued = svc.submit(engine::load_config_op{std::move(org), "config:sighup"}, [&](engine::outcome r) {
    std::lock_guard lock(mu);
    result = std::move(r);
    cv.notify_one();
  });
  if (!queued) {
    err << "baton serve: SIGHUP: the engine is not taking operations; the configuration was not reloaded\n";
    return;
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return result.has_value(); });
  if (!*result) {
    err << "baton serve: SIGHUP: reloading failed: " << printable(result->error().message) << '\n' << std::flush;
    return;
  }
  out << fmt::format("baton serve: SIGHUP: configuration {} version {} loaded\n", o.config.string(),
                     std::get<engine::load_result>(result->value()).version)
      << std::flush;
}

}  // namespace

int serve_command(const serve_options& o, std::ostream& out, std::ostream& err) {
  const auto listen = parse_listen(o.listen);
  if (!listen) {
    err << fmt::format("baton serve: --listen {}: expected HOST:PORT, e.g. 127.0.0.1:8080\n", printable(o.listen));
    return 2;
  }
  // SIGINT, SIGTERM and SIGHUP are waited for, not handled: blocked here, before any
  // thread starts, so every thread inherits the mask and sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto w = open_writer(o.db, "baton serve", err);
  if (w.db == nullptr) {
    return 2;
  }
  auto& db = w.db;
  engine::real_clock clock;
  auto rt = load_runtime(o.config, o.include_root, clock.now(), "baton serve", err);
  if (rt == nullptr) {
    return 2;
  }
  std::unique_ptr<service::engine_service> svc;
  std::unique_ptr<http::server> srv;
  try {
    svc = std::make_unique<service::engine_service>(clock, [&](notifiers::delivery_pipeline& pipeline) {
      return std::make_unique<engine::engine>(clock, *db, rt->notifiers, rt->org, pipeline);
    });
    srv = std::make_unique<http::server>(listen->host, listen->port, http::make_routes(*svc));
  } catch (const std::exception& e) {
    err << "baton serve: " << printable(e.what()) << '\n';
    return 2;
  }
  std::size_t open = 0;
  std::size_t timers = 0;
  std::size_t in_flight = 0;
  std::string version;
  svc->with_engine([&](engine::engine& eng) {
    open = eng.open_incidents();
    timers = eng.pending_timers();
    in_flight = eng.deliveries_in_flight();
    version = eng.current_config()->version;
  });
  srv->start();
  const bool v6 = listen->host.find(':') != std::string::npos;
  const std::string base = fmt::format("http://{}:{}", v6 ? "[" + listen->host + "]" : listen->host, srv->port());
  const std::string system = rt->org->systems.empty() ? "my-system" : rt->org->systems.front().id;
  out << fmt::format("baton serve: listening on {} (database {}, configuration {} version {})\n", base,
                     o.db.string(), o.config.string(), version);
  out << fmt::format("baton serve: {} open incidents, {} pending timers, {} deliveries going out again\n", open,
                     timers, in_flight);
  out << "baton serve: send an event with\n";
  out << fmt::format(
      "  curl -sS -X POST {}/v1/events -H 'Content-Type: application/json' -d '{{\"type\":\"anomaly\","
      "\"system\":\"{}\",\"severity\":\"high\",\"summary\":\"first test event\",\"dedup_key\":\"try-1\"}}'\n",
      base, system);
  out << "baton serve: Ctrl-C (SIGINT) or SIGTERM stops it; SIGHUP reloads the configuration\n" << std::flush;

  int signal = 0;
  while (sigwait(&signals, &signal) == 0 && signal == SIGHUP) {
    reload(o, clock, *svc, out, err);
  }
  out << fmt::format("baton serve: {}: committing what is queued and stopping\n", strsignal(signal)) << std::flush;
  const bool healthy = svc->ready();  // false: the engine stopped after a store error
  srv->stop();
  svc->stop();
  out << "baton serve: stopped\n";
  return healthy ? 0 : 1;
}

}  // namespace baton::app
