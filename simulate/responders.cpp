#include "simulate/responders.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "engine/holder_resolver.hpp"

namespace baton::simulate {
namespace {

void apply(responder& r, const responder_spec& s) {
  if (s.delay) {
    r.delay = *s.delay;
  }
  if (s.never) {
    r.never = *s.never;
  }
  if (s.working_hours_only) {
    r.working_hours_only = *s.working_hours_only;
  }
  if (!s.unavailable.empty()) {
    r.unavailable = s.unavailable;
  }
}

}  // namespace

responders::responders(const scenario& sc) {
  apply(default_, sc.default_responder);
  for (const auto& [id, spec] : sc.responders) {
    responder r = default_;
    apply(r, spec);
    by_person_.emplace(id, std::move(r));
  }
}

const responder& responders::of(std::string_view person) const {
  auto it = by_person_.find(person);
  return it == by_person_.end() ? default_ : it->second;
}

void responders::add_unavailable(const std::string& person, unavailability u) {
  auto it = by_person_.find(person);
  if (it == by_person_.end()) {
    it = by_person_.emplace(person, default_).first;
  }
  it->second.announced.push_back(std::move(u));
}

const unavailability* responders::unavailable_at(std::string_view person, timestamp t) const {
  const auto& who = of(person);
  // The scenario's intervals do not overlap (the loader checks), so only the last one
  // starting at or before t can hold it: a binary search, however many there are.
  const unavailability* found = nullptr;
  auto next = std::upper_bound(who.unavailable.begin(), who.unavailable.end(), t,
                               [](timestamp x, const unavailability& u) { return x < u.from; });
  if (next != who.unavailable.begin() && t < std::prev(next)->until) {
    found = &*std::prev(next);
  }
  // Announced absences may overlap anything; there are at most max_changes of them.
  for (const auto& u : who.announced) {
    if (u.from <= t && t < u.until && (found == nullptr || u.from < found->from)) {
      found = &u;
    }
  }
  return found;
}

response responders::decide(const config::organisation& org, const config::person& person, timestamp now,
                            timestamp end, rng& r) const {
  const auto& who = of(person.id);
  if (const auto* away = unavailable_at(person.id, now)) {
    return {std::nullopt, away->reason.empty() ? std::string{"no answer: unavailable"}
                                                : fmt::format("no answer: unavailable ({})", away->reason)};
  }
  // Chance first, then the delay, for every page that reaches an available person: a
  // run's draws depend only on the scenario and the seed.
  const bool never = who.never > 0 && r.uniform() < who.never;
  // People answer in whole seconds; milliseconds would only clutter the report.
  const duration delay = std::chrono::round<std::chrono::seconds>(who.delay.sample(r));
  if (never) {
    return {std::nullopt, "no answer: this responder never answers in this run"};
  }
  timestamp seen = now;
  if (who.working_hours_only) {
    const auto* zone = engine::zone_of(org, person);
    auto next = zone != nullptr ? engine::next_working_time(person, *zone, now) : std::optional<timestamp>{now};
    if (!next) {
      return {std::nullopt, "no answer: no working days configured"};
    }
    // Never earlier than the page: in a repeated autumn hour the next start of working
    // hours can name the first of two equal local times.
    seen = std::max(*next, now);
  }
  const timestamp at = seen + delay;
  if (at > end) {
    return {std::nullopt, fmt::format("no answer before the exercise ends (would answer {} after the page)",
                                      format_duration(at - now))};
  }
  if (seen > now) {
    return {at, fmt::format("answers {} after the page (reads it when working hours begin, {} later)",
                            format_duration(at - now), format_duration(seen - now))};
  }
  return {at, fmt::format("answers {} after the page", format_duration(delay))};
}

}  // namespace baton::simulate
