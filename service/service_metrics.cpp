#include "service/service_metrics.hpp"

#include <boost/json.hpp>

#include <string>

namespace baton::service {
namespace {

using type = metrics::type;

std::string_view text(const boost::json::object& d, std::string_view key) {
  const auto* v = d.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->as_string()) : std::string_view{};
}

double seconds_from_ms(const boost::json::object& d, std::string_view key) {
  const auto* v = d.if_contains(key);
  return v != nullptr && v->is_int64() ? static_cast<double>(v->as_int64()) / 1000.0 : 0.0;
}

// The initial routing has no rule: shown as "routing".
std::string_view rule_label(std::string_view rule) { return rule.empty() ? std::string_view{"routing"} : rule; }

// Engagement and acknowledgement latency: seconds to weeks, so that the seed's
// targets (an hour, 24 hours, 5 business days, which span 7 to 9 calendar days) each
// fall on or between buckets.
const std::vector<double> latency_buckets{1,     5,     15,     30,     60,     120,    300,    600,
                                          900,   1'800, 3'600,  7'200,  14'400, 28'800, 43'200, 86'400,
                                          172'800, 259'200, 432'000, 604'800, 777'600, 1'209'600};
const std::vector<double> duration_buckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                           0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};
const std::vector<double> lateness_buckets{0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1,
                                           0.25,  0.5,   1,     2.5,  5,    10,   60};
const std::vector<double> batch_buckets{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1'024, 2'048, 4'096};

}  // namespace

service_metrics::service_metrics()
    : events_(m_.declare(type::counter, "baton_events_received_total",
                         "Events (and alerts) received over HTTP, by integration and outcome.",
                         {"integration", "outcome"})),
      incidents_opened_(m_.declare(type::counter, "baton_incidents_opened_total", "Incidents opened.", {})),
      incidents_resolved_(m_.declare(type::counter, "baton_incidents_resolved_total", "Incidents resolved.", {})),
      incidents_open_(m_.declare(type::gauge, "baton_incidents_open", "Incidents open or acknowledged now.", {})),
      escalations_(m_.declare(type::counter, "baton_escalations_started_total",
                              "Roles made accountable, by the rule that did it (routing: the initial routing).",
                              {"rule"})),
      escalation_latency_(m_.declare(type::histogram, "baton_escalation_latency_seconds",
                                     "From a role becoming accountable to its holder engaging, by rule and role.",
                                     {"rule", "role"}, latency_buckets)),
      ack_latency_(m_.declare(type::histogram, "baton_acknowledgement_latency_seconds",
                              "From an incident opening to each acknowledgement of it.", {}, latency_buckets)),
      notifications_(m_.declare(type::counter, "baton_notifications_total",
                                "Delivery attempts' outcomes, by notifier: delivered, retried, failed, dead.",
                                {"notifier", "outcome"})),
      fallbacks_(m_.declare(type::counter, "baton_holder_fallbacks_total",
                            "Pages to someone other than a role's primary, by why: override, backup, delegate, "
                            "escalates_to.",
                            {"reason"})),
      breaches_(m_.declare(type::counter, "baton_deadline_breaches_total",
                           "Engagement targets missed, by rule and role.", {"rule", "role"})),
      unowned_(m_.declare(type::counter, "baton_unowned_total",
                          "Escalations that ran out of people to page, by role.", {"role"})),
      queue_depth_(m_.declare(type::gauge, "baton_queue_depth", "Operations waiting for a batch.", {})),
      batch_size_(m_.declare(type::histogram, "baton_batch_operations", "Operations per committed batch.", {},
                             batch_buckets)),
      commit_duration_(m_.declare(type::histogram, "baton_commit_duration_seconds",
                                  "Time a batch's store commit took (its writes; the fsync is apart).", {},
                                  duration_buckets)),
      sync_duration_(m_.declare(type::histogram, "baton_sync_duration_seconds",
                                "Time an fdatasync making committed batches durable took.", {}, duration_buckets)),
      timer_lateness_(m_.declare(type::histogram, "baton_timer_lateness_seconds",
                                 "How late timers fired after their deadline (milliseconds resolution).", {},
                                 lateness_buckets)),
      batches_per_sync_(m_.declare(type::histogram, "baton_sync_batches", "Committed batches one fdatasync made durable.",
                                   {}, batch_buckets)),
      requests_(m_.declare(type::counter, "baton_http_requests_total", "HTTP requests answered, by route and status.",
                           {"route", "code"})),
      request_duration_(m_.declare(type::histogram, "baton_http_request_duration_seconds",
                                   "From a request read whole to its answer (after the commit), by route.",
                                   {"route"}, duration_buckets)),
      connections_(m_.declare(type::gauge, "baton_http_connections", "Open HTTP connections.", {})),
      ready_(m_.declare(type::gauge, "baton_ready", "1 while the engine can write, else 0 (see /readyz).", {})) {}

void service_metrics::on_record(const store::log_record& r, const boost::json::object& d) {
  const std::string_view kind = r.kind;
  if (kind == "incident.opened") {
    m_.add(incidents_opened_, {});
    m_.add(incidents_open_, {}, 1);
  } else if (kind == "incident.resolved") {
    m_.add(incidents_resolved_, {});
    m_.add(incidents_open_, {}, -1);
  } else if (kind == "escalation.started") {
    m_.add(escalations_, {rule_label(text(d, "rule"))});
  } else if (kind == "escalation.engaged") {
    m_.observe(escalation_latency_, {rule_label(text(d, "rule")), text(d, "role")}, seconds_from_ms(d, "latency_ms"));
  } else if (kind == "acknowledged") {
    m_.observe(ack_latency_, {}, seconds_from_ms(d, "latency_ms"));
  } else if (kind == "notification.sent") {
    m_.add(notifications_, {text(d, "notifier"), "delivered"});
  } else if (kind == "notification.retried") {
    m_.add(notifications_, {text(d, "notifier"), "retried"});
  } else if (kind == "notification.failed") {
    m_.add(notifications_, {text(d, "notifier"), "failed"});
  } else if (kind == "notification.dead") {
    m_.add(notifications_, {text(d, "notifier"), "dead"});
  } else if (kind == "holder.resolved") {
    if (const auto why = text(d, "fallback"); !why.empty()) {
      m_.add(fallbacks_, {why});
    }
  } else if (kind == "deadline.breached") {
    m_.add(breaches_, {rule_label(text(d, "rule")), text(d, "role")});
  } else if (kind == "incident.unowned") {
    m_.add(unowned_, {text(d, "role")});
  }
}

void service_metrics::on_batch(std::size_t operations, std::chrono::nanoseconds commit) {
  m_.observe(batch_size_, {}, static_cast<double>(operations));
  m_.observe(commit_duration_, {}, std::chrono::duration<double>(commit).count());
}

void service_metrics::on_timer(std::chrono::milliseconds late) {
  m_.observe(timer_lateness_, {}, std::chrono::duration<double>(late).count());
}

void service_metrics::on_sync(std::size_t batches, std::chrono::nanoseconds took) {
  m_.observe(batches_per_sync_, {}, static_cast<double>(batches));
  m_.observe(sync_duration_, {}, std::chrono::duration<double>(took).count());
}

void service_metrics::on_request(std::string_view route, unsigned status, std::chrono::nanoseconds took) {
  m_.add(requests_, {route, std::to_string(status)});
  m_.observe(request_duration_, {route}, std::chrono::duration<double>(took).count());
}

void service_metrics::on_refused(unsigned status) { m_.add(requests_, {"unread", std::to_string(status)}); }

void service_metrics::on_events(std::string_view integration, std::string_view outcome, std::size_t n) {
  if (n > 0) {
    m_.add(events_, {integration, outcome}, static_cast<double>(n));
  }
}

void service_metrics::set_open_incidents(std::size_t n) { m_.set(incidents_open_, {}, static_cast<double>(n)); }

std::string service_metrics::render(const now& n) {
  m_.set(queue_depth_, {}, static_cast<double>(n.queued));
  m_.set(connections_, {}, static_cast<double>(n.connections));
  m_.set(ready_, {}, n.ready ? 1 : 0);
  return m_.render();
}

}  // namespace baton::service
