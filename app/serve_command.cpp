// `baton serve`: the engine as a service behind the HTTP API, on a SQLite file, on the
// real clock, until SIGINT or SIGTERM. See docs/http.md.
#include <boost/json.hpp>
#include <fmt/format.h>
#include <signal.h>

#include <charconv>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "app/commands.hpp"
#include "app/validate_command.hpp"
#include "app/wiring.hpp"
#include "base/text.hpp"
#include "config/loader.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "notifiers/registry.hpp"
#include "service/engine_service.hpp"
#include "store/sqlite_store.hpp"
#include "store/writer_lock.hpp"

namespace baton::app {
namespace {

config::load_options serve_load_options(const serve_options& o) {
  // The service refuses to start without its senders' tokens (validate only warns).
  return config::load_options{o.include_root, true};
}

// The service's log: one JSON object a line on `err`, with the time.
http::log_sink json_lines(std::ostream& err) {
  auto mu = std::make_shared<std::mutex>();
  return [mu, &err](boost::json::object fields) {
    boost::json::object line;
    line["time"] = format_iso(std::chrono::time_point_cast<duration>(std::chrono::system_clock::now()));
    for (auto& [k, v] : fields) {
      line[k] = std::move(v);
    }
    const std::string text = valid_utf8(boost::json::serialize(line));
    std::lock_guard lock(*mu);
    err << text << '\n' << std::flush;
  };
}

// SIGHUP: the configuration files read again and checked; a valid one becomes the one
// new incidents use (open ones keep theirs) and the one requests are checked against
// (tokens, integrations, roles); an invalid one changes nothing. Each outcome is a line
// on standard output for the person who sent the signal and a JSON line in the log,
// with the version served before and after.
void reload(const serve_options& o, const engine::clock& clock, service::engine_service& svc, http::api& api,
            const config::service_settings& started_with, std::string& serving, const http::log_sink& log,
            std::ostream& out) {
  const auto refused = [&](std::string_view why, boost::json::array errors) {
    out << fmt::format("baton serve: SIGHUP: {}; still serving version {}\n", why, serving) << std::flush;
    boost::json::object line{{"level", "error"},
                             {"msg", "configuration not reloaded"},
                             {"reason", why},
                             {"config", o.config.string()},
                             {"version", serving}};
    if (!errors.empty()) {
      line["errors"] = std::move(errors);
    }
    log(std::move(line));
  };
  auto loaded = config::load(std::filesystem::absolute(o.config), clock.now(), serve_load_options(o));
  if (loaded.org == nullptr) {
    refused("the configuration is invalid", diagnostics_json(loaded.diagnostics, config::severity::error));
    return;
  }
  auto org = std::move(loaded.org);
  std::mutex mu;
  std::condition_variable cv;
  std::optional<engine::outcome> result;
  const bool queued = svc.submit(engine::load_config_op{org, "config:sighup"}, [&](engine::outcome r) {
    std::lock_guard lock(mu);
    result = std::move(r);
    cv.notify_one();
  });
  if (!queued) {
    refused("the engine is not taking operations", {});
    return;
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return result.has_value(); });
  if (!*result) {
    refused(fmt::format("reloading failed: {}", printable(result->error().message)), {});
    return;
  }
  // The database, the address and the limits belong to the running process.
  const bool service_changed = org->service != started_with;
  api.use(std::move(org));
  const std::string previous = std::exchange(serving, std::get<engine::load_result>(result->value()).version);
  out << fmt::format("baton serve: SIGHUP: configuration {} version {} loaded\n", o.config.string(), serving);
  boost::json::object line{{"level", "info"},
                           {"msg", "configuration reloaded"},
                           {"config", o.config.string()},
                           {"version", serving},
                           {"previous_version", previous}};
  if (service_changed) {
    out << "baton serve: SIGHUP: the storage: or server: section changed; it takes effect when baton serve is "
           "restarted\n";
    line["restart_needed"] = "the storage: or server: section changed";
  }
  out << std::flush;
  log(std::move(line));
}

// How to send a token of `in` in a shell: from its file or variable where it has one.
std::string token_header(const config::integration& in) {
  if (!in.token.file.empty()) {
    return fmt::format("-H \"Authorization: Bearer $(cat '{}')\"", in.token.file.string());
  }
  if (!in.token.env.empty()) {
    return fmt::format("-H \"Authorization: Bearer ${}\"", in.token.env);
  }
  return fmt::format("-H 'Authorization: Bearer <the token of integration {}>'", in.id);
}

}  // namespace

int serve_command(const serve_options& o, std::ostream& out, std::ostream& err) {
  if (o.listen && !config::parse_listen_address(*o.listen)) {
    err << fmt::format("baton serve: --listen {}: expected ADDRESS:PORT, e.g. 127.0.0.1:8080 or [::1]:8080\n",
                       printable(*o.listen));
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

  // The configuration first: one that cannot serve (invalid, a token missing) is
  // refused before the database is touched.
  engine::real_clock clock;
  auto rt = load_runtime(o.config, serve_load_options(o), clock.now(), "baton serve", err);
  if (rt == nullptr) {
    return 2;
  }
  // A flag wins over the configuration's storage: and server: sections, which win over
  // the defaults. The configuration's listen address was checked when it was loaded.
  const config::service_settings& settings = rt->org->service;
  const std::filesystem::path db_path = o.db.value_or(settings.sqlite.value_or("baton.db"));
  const auto listen = *config::parse_listen_address(o.listen.value_or(settings.listen.value_or("127.0.0.1:8080")));
  http::server_options server_opts;
  server_opts.body_limit = settings.body_limit.value_or(server_opts.body_limit);
  server_opts.header_limit = settings.header_limit.value_or(server_opts.header_limit);
  server_opts.read_timeout = settings.read_timeout.value_or(server_opts.read_timeout);
  server_opts.max_connections = settings.max_connections.value_or(server_opts.max_connections);

  auto w = open_writer(db_path, "baton serve", err);
  if (w.db == nullptr) {
    return 2;
  }
  auto& db = w.db;
  const auto log = json_lines(err);
  http::read_pool reads([path = db_path] { return store::sqlite_store::open_reader(path); });
  service::service_metrics metrics;
  std::unique_ptr<service::engine_service> svc;
  std::unique_ptr<http::api> api;
  std::unique_ptr<http::server> srv;
  try {
    service::engine_service::options so;
    so.metrics = &metrics;
    so.queue_capacity = settings.queue_capacity.value_or(so.queue_capacity);
    so.on_stopped = [&log](const std::string& why) {
      log({{"level", "error"},
           {"msg", "the engine stopped after a store error: nothing more is committed; restart baton serve once the "
                   "database is writable"},
           {"error", why}});
    };
    svc = std::make_unique<service::engine_service>(
        clock,
        [&](notifiers::delivery_pipeline& pipeline) {
          return std::make_unique<engine::engine>(clock, *db, rt->notifiers, rt->org, pipeline);
        },
        so);
    api = std::make_unique<http::api>(*svc, clock, reads, rt->org, log, &metrics);
    server_opts.on_refused = [a = api.get()](const http::response& answer, const std::string& id) {
      a->refused(answer, id);
    };
    srv = std::make_unique<http::server>(listen.host, listen.port, api->routes(), server_opts);
    api->serving(*srv);
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
  const std::string base = config::listen_address{listen.host, srv->port()}.url();
  const std::string system = rt->org->systems.empty() ? "my-system" : rt->org->systems.front().id;
  const config::integration* native = nullptr;
  for (const auto& in : rt->org->integrations) {
    if (in.format == config::ingest_format::native) {
      native = &in;
      break;
    }
  }
  out << fmt::format("baton serve: listening on {} (database {}, configuration {} version {})\n", base,
                     db_path.string(), o.config.string(), version);
  out << fmt::format("baton serve: {} open incidents, {} pending timers, {} deliveries going out again\n", open,
                     timers, in_flight);
  if (native != nullptr) {
    out << fmt::format("baton serve: send an event (integration {}) with\n", native->id);
    out << fmt::format(
        "  curl -sS -X POST {}/v1/events {} -H 'Content-Type: application/json' -d '{{\"type\":\"anomaly\","
        "\"system\":\"{}\",\"severity\":\"high\",\"summary\":\"first test event\",\"dedup_key\":\"try-1\"}}'\n",
        base, token_header(*native), system);
  } else {
    out << "baton serve: no native integration is configured: POST /v1/events takes the token of one "
           "(docs/config.md, integrations)\n";
  }
  out << "baton serve: Ctrl-C (SIGINT) or SIGTERM stops it; SIGHUP reloads the configuration\n" << std::flush;

  int signal = 0;
  while (sigwait(&signals, &signal) == 0 && signal == SIGHUP) {
    reload(o, clock, *svc, *api, settings, version, log, out);
  }
  out << fmt::format("baton serve: {}: committing what is queued and stopping\n", strsignal(signal)) << std::flush;
  const bool healthy = svc->ready();  // false: the engine stopped after a store error
  // New connections are refused; what is queued commits and is answered; then the
  // connections close.
  srv->stop_accepting();
  svc->stop();
  srv->drain(std::chrono::seconds{5});
  srv->stop();
  out << "baton serve: stopped\n";
  return healthy ? 0 : 1;
}

}  // namespace baton::app
