#pragma once
// baton's HTTP API on the server (docs/http.md): what each route takes and answers.
// Requests are parsed, authenticated and checked on the server's threads; only a
// well-formed operation from a known sender reaches the engine service, and its answer
// is given once its batch has committed. Reads come from the committed database through
// read-only connections of their own and never wait behind a commit.
#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "base/expected.hpp"
#include "config/organisation.hpp"
#include "engine/clock.hpp"
#include "http/answers.hpp"
#include "http/auth.hpp"
#include "http/server.hpp"
#include "service/engine_service.hpp"
#include "service/service_metrics.hpp"
#include "store/store.hpp"

namespace baton::http {

/// Read-only connections to the committed database, one per request being read for;
/// opened on first need and kept for the next request.
class read_pool {
 public:
  using opener = std::function<std::unique_ptr<store::store>()>;
  explicit read_pool(opener open) : open_(std::move(open)) {}

  /// Runs `f(store&)` on a connection no other thread uses meanwhile.
  void with(const std::function<void(store::store&)>& f);

 private:
  opener open_;
  std::mutex mu_;
  std::vector<std::unique_ptr<store::store>> idle_;
};

/// The routes of one running service. `svc`, `clock` and `reads` must outlive it, and it
/// the server it answers for:
///   POST /v1/events                         native events (an integration's token)
///   POST /v1/integrations/alertmanager      Alertmanager's webhook (its token)
///   POST /v2/enqueue                        PagerDuty Events v2 (its routing key)
///   POST /v1/incidents/{id}/ack|resolve     a person acting (an API token)
///   POST /v1/incidents/by-key/{key}/ack|resolve
///   GET  /v1/incidents[?state=&before=&limit=], /v1/incidents/{id}, /v1/roles/{role}/holder
///   GET  /ack/{token} and POST from its page: a page's signed acknowledgement link
///   GET  /metrics (Prometheus), /healthz, /readyz
class api {
 public:
  api(service::engine_service& svc, const engine::clock& clock, read_pool& reads,
      std::shared_ptr<const config::organisation> org, log_sink log = {},
      service::service_metrics* metrics = nullptr);

  /// The server answering for it, whose connections /metrics counts.
  void serving(const server& s) { server_ = &s; }

  /// From now on requests are checked against `org` (its tokens, integrations, roles):
  /// called after a reload has been committed.
  void use(std::shared_ptr<const config::organisation> org);

  /// The handler for http::server.
  handler routes();
  /// For server_options::on_refused: an answer the server gave before any route saw the
  /// request (400, 413, 431) is counted under the route label "unread" and logged.
  void refused(const response& out, const std::string& request_id) const;

 private:
  /// The request target, decoded: path segments and query parameters.
  struct target {
    std::vector<std::string> segments;
    std::vector<std::pair<std::string, std::string>> params;
  };
  std::shared_ptr<const credentials> current() const;
  void answer(request&& r, respond done);
  void post_event(request&& r, respond done);
  void post_alertmanager(request&& r, respond done);
  void post_pagerduty(request&& r, respond done);
  void post_incident_action(request&& r, const target& t, respond done);
  void get_incidents(request&& r, const target& t, respond done);
  void get_incident(request&& r, const target& t, respond done);
  void get_metrics(respond done);
  void ack_link(request&& r, const target& t, respond done);
  /// Counts each outcome for `integration`, or `n` of `instead` (refused before the
  /// engine: invalid, unavailable).
  void count_events(std::string_view integration, std::span<const engine::outcome> outcomes,
                    std::string_view instead = {}, std::size_t n = 1) const;
  void get_holder(request&& r, const target& t, respond done);

  service::engine_service& svc_;
  const engine::clock& clock_;
  read_pool& reads_;
  log_sink log_;
  service::service_metrics* metrics_;
  const server* server_ = nullptr;
  mutable std::mutex mu_;
  std::shared_ptr<const credentials> creds_;
};

// What the ingest routes make of a request before anything reaches the engine: the
// operations to submit, or the 4xx answer saying what is wrong. The fuzz targets run
// bodies through exactly these.

/// POST /v1/events from integration `in` (already authenticated).
expected<engine::submit_op, response> event_request(const request& r, const config::integration& in);

/// POST /v1/integrations/alertmanager from integration `in` (already authenticated).
expected<std::vector<engine::operation>, response> alertmanager_request(const request& r,
                                                                        const config::integration& in);

/// POST /v2/enqueue: the operation and the dedup key to answer with, or PagerDuty's
/// answer for an invalid event (400) or an unknown routing key (401).
struct pagerduty_accepted {
  engine::operation op;
  std::string dedup_key;
  std::string action;
  const config::integration* integration = nullptr;
};
expected<pagerduty_accepted, response> pagerduty_request(const request& r, const credentials& c);

}  // namespace baton::http
