#pragma once
// Prometheus Alertmanager's webhook payload (version "4"), as POST
// /v1/integrations/alertmanager takes it (docs/http.md, "Alertmanager"):
//   {"version": "4", "status": "firing", "receiver": "baton", "groupKey": "...",
//    "alerts": [{"status": "firing", "labels": {...}, "annotations": {...},
//                "startsAt": "...", "endsAt": "...", "fingerprint": "..."}], ...}
// Each alert is one operation: a firing alert an event whose dedup key is its
// fingerprint, a resolved one the resolution of the incident that key opened. Fields
// Alertmanager may add in later versions are ignored; the fields read are checked.
//
// Alertmanager sends every alert of a group again on each group_interval, and every
// peer of an HA cluster sends it too: each operation carries a request key made of the
// integration, the fingerprint, the alert's start and its status, so a repeat is
// answered as before and changes nothing.
#include <boost/json/object.hpp>

#include <string>
#include <vector>

#include "base/expected.hpp"
#include "config/organisation.hpp"
#include "engine/engine.hpp"

namespace baton::ingest {

/// The most alerts one request may carry (a group larger than this is refused whole).
inline constexpr std::size_t max_alerts_per_request = 10'000;

/// The operations `body` asks for, in the order of its alerts, acting as `actor`
/// ("integration:ID"); else what is wrong with it.
expected<std::vector<engine::operation>> alertmanager_operations(const boost::json::object& body,
                                                                  const config::integration& in,
                                                                  const std::string& actor);

}  // namespace baton::ingest
