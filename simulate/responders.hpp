#pragma once
// Simulated responders: how each person in an exercise answers a page. They stand where
// real people stand: they receive the engine's notifications and acknowledge through
// the engine's acknowledge(), so nothing in the engine knows it is a simulation.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/organisation.hpp"
#include "notifiers/notification.hpp"
#include "simulate/random.hpp"
#include "simulate/scenario.hpp"

namespace baton::simulate {

/// One person's behaviour: the scenario's default with their own settings on top.
struct responder {
  delay_model delay = delay_model::fixed(std::chrono::minutes{5});
  double never = 0;  // probability of never answering a page
  bool working_hours_only = false;
  std::vector<unavailability> unavailable;  // the scenario's: sorted by `from`, never overlapping
  std::vector<unavailability> announced;    // out_of_office entries of the run, as they happen
};

/// What a responder does about one page.
struct response {
  std::optional<timestamp> acknowledge_at;  // none: no answer
  std::string note;  // "acknowledges after 12m", "no answer: unavailable (flight)"
};

class responders {
 public:
  explicit responders(const scenario& sc);

  const responder& of(std::string_view person) const;

  /// The person stops answering from `from` until `until` (an out-of-office announced
  /// mid-exercise); the engine learns of it only through the configuration.
  void add_unavailable(const std::string& person, unavailability u);

  /// The interval `person` is unavailable in at `t`, if any.
  const unavailability* unavailable_at(std::string_view person, timestamp t) const;

  /// Decides how `person` answers a page received at `now`. Draws from `r` only when
  /// the answer depends on chance, so a fixed scenario consumes no randomness.
  response decide(const config::organisation& org, const config::person& person, timestamp now, timestamp end,
                  rng& r) const;

 private:
  responder default_;
  std::map<std::string, responder, std::less<>> by_person_;
};

}  // namespace baton::simulate
