#pragma once
// baton's metrics for GET /metrics (docs/http.md, "Metrics"): what the engine did,
// folded from its log records as they are appended (so a metric and the audit log never
// disagree about what happened), what the service's batches cost, and what the HTTP
// API answered. Names are prefixed baton_, carry their unit, and counters end _total.
#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <string_view>

#include "service/metrics.hpp"
#include "store/records.hpp"

namespace baton::service {

class service_metrics {
 public:
  service_metrics();

  /// A log record the engine appended (engine thread; engine::observe_log).
  void on_record(const store::log_record& r, const boost::json::object& details);
  /// A batch of `operations` run, its commit taking `commit` (engine thread).
  void on_batch(std::size_t operations, std::chrono::nanoseconds commit);
  /// A timer fired `late` after its deadline.
  void on_timer(std::chrono::milliseconds late);
  /// One sync made `batches` committed batches durable in `took`.
  void on_sync(std::size_t batches, std::chrono::nanoseconds took);
  /// An answered request on `route` (a route template such as /v1/incidents/{id}).
  void on_request(std::string_view route, unsigned status, std::chrono::nanoseconds took);
  /// An answer the HTTP server gave before any route read the request (400, 413, 431):
  /// counted under the route "unread", with no duration (it was never handled).
  void on_refused(unsigned status);
  /// `n` events (alerts) from `integration` with `outcome`: opened, deduplicated,
  /// replayed, resolved, ignored, refused or unavailable.
  void on_events(std::string_view integration, std::string_view outcome, std::size_t n = 1);

  /// The incidents open after recovery; records move it from there (engine thread).
  void set_open_incidents(std::size_t n);

  /// What is true at the moment of a scrape.
  struct now {
    std::size_t queued = 0;
    std::size_t connections = 0;
    bool ready = false;
  };
  /// The exposition text, with `n`'s gauges.
  std::string render(const now& n);

 private:
  metrics m_;
  metrics::family events_;
  metrics::family incidents_opened_;
  metrics::family incidents_resolved_;
  metrics::family incidents_open_;
  metrics::family escalations_;
  metrics::family escalation_latency_;
  metrics::family ack_latency_;
  metrics::family notifications_;
  metrics::family fallbacks_;
  metrics::family breaches_;
  metrics::family unowned_;
  metrics::family queue_depth_;
  metrics::family batch_size_;
  metrics::family commit_duration_;
  metrics::family sync_duration_;
  metrics::family timer_lateness_;
  metrics::family batches_per_sync_;
  metrics::family requests_;
  metrics::family request_duration_;
  metrics::family connections_;
  metrics::family ready_;
};

}  // namespace baton::service
