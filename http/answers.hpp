#pragma once
// The JSON answers of baton's HTTP API (docs/http.md): what an engine outcome or a
// committed row looks like to a caller. Each answer is built whole before it is sent.
#include <boost/json/object.hpp>

#include <functional>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "http/server.hpp"
#include "store/store.hpp"

namespace baton::http {

/// A line for the service's log (stderr, one JSON object a line), with at least "msg".
using log_sink = std::function<void(boost::json::object fields)>;

response json_answer(unsigned status, const boost::json::object& body);
/// 503 with Retry-After: nothing was done; a sender retries it (never a 4xx for this).
response unavailable(std::string_view message);
/// The engine's refusal as an error answer: 422, 404, 409, 403 or 503.
response outcome_error(const engine::engine_error& e);

/// POST /v1/events: 202 {"incident", "created", "replayed", "rules_fired"}.
response event_answer(const engine::outcome& o);
/// POST /v1/incidents/.../ack and /resolve: 200 with what it did.
response action_answer(const engine::outcome& o);
/// POST /v1/integrations/alertmanager: 200 with counts by what each alert did; 503 when
/// any of them could not be committed (Alertmanager sends the group again; what was
/// committed is answered as before). Alerts the engine refused are listed and logged.
response alertmanager_answer(const std::vector<engine::outcome>& outcomes, const std::string& integration,
                             const log_sink& log);

/// PagerDuty's answers: 400 {"status":"invalid event","message":"Event object is
/// invalid","errors":[...]}; 401 for a routing key no integration has; 202
/// {"status":"success","message":"Event processed","dedup_key"} for an event done, and
/// for an acknowledge or resolve that found no open incident (dropped, and logged).
response pagerduty_invalid(const std::vector<std::string>& errors);
response pagerduty_unknown_key();
response pagerduty_answer(const engine::outcome& o, const std::string& dedup_key, const std::string& action,
                          const std::string& integration, const log_sink& log);

/// GET /v1/incidents: {"incidents": [...], "next_before": id | null}.
response incident_list_answer(const std::vector<store::incident_row>& rows, std::size_t limit);
/// GET /v1/incidents/{id}: the incident with its escalations, notifications and
/// timeline (its log records), or 404.
response incident_answer(store::store& db, std::int64_t id);

/// The small HTML pages of acknowledgement links: `text` (plain, escaped here) under
/// `title`, with `status`.
response link_page(unsigned status, std::string_view title, std::string_view text);
/// 200: what the incident is and a button that posts the acknowledgement.
response link_confirm_page(const store::incident_row& row, std::string_view person, std::string_view expires);
/// The page after the button: acknowledged, already engaged, or why not.
response link_outcome_page(const engine::outcome& o, std::int64_t incident_id, std::string_view person);

}  // namespace baton::http
