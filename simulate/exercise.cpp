#include "simulate/exercise.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <queue>
#include <set>

#include "engine/clock.hpp"
#include "engine/engine.hpp"
#include "engine/holder_resolver.hpp"
#include "notifiers/notifier.hpp"
#include "simulate/limits.hpp"
#include "simulate/random.hpp"
#include "simulate/responders.hpp"

namespace baton::simulate {
namespace {

// Stands in for every configured notifier: whatever the engine sends lands in the
// responders' inbox and counts as delivered.
class inbox_notifier final : public notifiers::notifier {
 public:
  inbox_notifier(std::string id, std::vector<notifiers::notification>& inbox)
      : notifier(std::move(id)), inbox_(&inbox) {}

 protected:
  notifiers::delivery_result do_deliver(const notifiers::notification& n) override {
    inbox_->push_back(n);
    return notifiers::delivery_result::ok();
  }

 private:
  std::vector<notifiers::notification>* inbox_;
};

// Something the simulator does at a time: a timeline injection, or a responder's
// acknowledgement. Ordered by (time, sequence) like the engine's timers, so equal times
// keep the order they were scheduled in.
struct action {
  timestamp at;
  std::uint64_t seq = 0;
  const injection* inject = nullptr;  // else an acknowledgement by a responder
  std::int64_t incident_id = 0;
  std::string person;
  std::string page;  // the page being answered (page_of its notifications)

  bool operator>(const action& o) const noexcept { return at != o.at ? at > o.at : seq > o.seq; }
};

std::string person_actor(std::string_view id) { return fmt::format("person:{}", id); }

// The element with `id` of a section the scenario loader has already checked it is in.
template <typename T>
T& by_id(std::vector<T>& items, std::string_view id) {
  return *std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
}

class run {
 public:
  run(const scenario& sc, std::uint64_t seed, std::uint64_t stream, store::store& st)
      : sc_(sc),
        stream_(stream),
        rng_(seed, stream),
        clock_(sc.start),
        people_(sc),
        org_(sc.org),
        engine_(clock_, st, notifiers_, sc.org),
        store_(st) {
    for (const auto& n : sc.org->notifiers) {
      notifiers_.add(std::make_unique<inbox_notifier>(n.id, inbox_));
    }
    for (const auto& i : sc.timeline) {
      agenda_.push(action{i.time.at, next_seq_++, &i, 0, {}, {}});
    }
  }

  run_record finish() && {
    record_.log = &store_;
    record_.log_records = static_cast<std::uint64_t>(engine_.log_head().seq);
    record_.end = sc_.end();
    return std::move(record_);
  }

  void go() {
    const timestamp end = sc_.end();
    for (;;) {
      std::optional<timestamp> next = engine_.next_due();
      if (!agenda_.empty() && (!next || agenda_.top().at < *next)) {
        next = agenda_.top().at;
      }
      if (!next || *next > end) {
        break;
      }
      if (++steps_ > max_run_steps) {
        stop(fmt::format("stopped the virtual clock more than {} times", grouped(max_run_steps)),
             fmt::format("a run may take at most {} steps", grouped(max_run_steps)));
      }
      clock_.set(*next);
      // Timers due now fire before anything scheduled for the same instant: a deadline
      // is met only by what happens before it.
      engine_.run_due();
      drain();
      while (!agenda_.empty() && agenda_.top().at <= clock_.now()) {
        action a = agenda_.top();
        agenda_.pop();
        if (a.inject != nullptr) {
          perform(*a.inject);
        } else {
          acknowledge(a);
        }
        drain();
      }
    }
    clock_.set(end);
  }

 private:
  // The run's bounds, checked after every engine call: one call adds at most what the
  // open incidents' timers due at one instant produce, so a run stops close to the
  // bound instead of growing until memory runs out.
  void check_limits() {
    if (record_.notifications.size() + inbox_.size() > max_run_notifications) {
      stop(fmt::format("delivered more than {} notifications", grouped(max_run_notifications)),
           fmt::format("a run may deliver at most {}", grouped(max_run_notifications)));
    }
    if (static_cast<std::uint64_t>(engine_.log_head().seq) > max_run_log_records) {
      stop(fmt::format("wrote more than {} audit-log records", grouped(max_run_log_records)),
           fmt::format("a run may write at most {}", grouped(max_run_log_records)));
    }
  }

  [[noreturn]] void stop(const std::string& what, const std::string& bound) const {
    const duration in = clock_.now() - sc_.start;
    throw limit_exceeded(fmt::format(
        "the exercise {} in run {} by +{} ({}); {}: look for a short reminder_interval or ack_timeout in the "
        "configuration, or shorten the scenario's length",
        what, stream_, format_duration(in), engine::format_local(clock_.now(), sc_.zone), bound));
  }

  // Answers every page delivered since the last look.
  void drain() {
    check_limits();
    std::vector<notifiers::notification> delivered;
    delivered.swap(inbox_);
    for (auto& n : delivered) {
      record_.notifications.push_back(n);
      if (n.kind != notifiers::notification_kind::page) {
        continue;
      }
      const auto* person = org_->find_person(n.person);
      if (person == nullptr) {
        continue;
      }
      // The engine sends one notification per contact method; a person decides once
      // per page, however many of their devices it reached.
      const auto page = page_of(n);
      auto [it, first] = pages_.try_emplace(page, page_state{n.created_at, {}, {}});
      it->second.keys.push_back(n.idempotency_key);
      if (!first) {
        record_.responses[n.idempotency_key] = it->second.answer;
        continue;
      }
      const auto pending_key = std::make_pair(n.incident_id, n.person);
      if (pending_.contains(pending_key)) {
        answer(page, "already answering an earlier page");
        continue;
      }
      auto r = people_.decide(*org_, *person, clock_.now(), sc_.end(), rng_);
      answer(page, r.note);
      note(n.incident_id, fmt::format("responder:{}", n.person), r.acknowledge_at ? "responder.will_answer" : "responder.silent",
           fmt::format("{} paged as {}: {}", n.person, n.role, r.note));
      if (r.acknowledge_at) {
        pending_.insert(pending_key);
        agenda_.push(action{*r.acknowledge_at, next_seq_++, nullptr, n.incident_id, n.person, page});
      }
    }
  }

  // Records what the responder did about `page`, against every delivery of it.
  void answer(const std::string& page, std::string text) {
    auto& p = pages_.at(page);
    p.answer = std::move(text);
    for (const auto& key : p.keys) {
      record_.responses[key] = p.answer;
    }
  }

  // A page as a person sees it: the notification's idempotency key without the trailing
  // contact index ("i3-e7-page-...-amara-0" and "...-amara-1" are one page).
  static std::string page_of(const notifiers::notification& n) {
    return n.idempotency_key.substr(0, n.idempotency_key.rfind('-'));
  }

  void note(std::int64_t incident, std::string actor, std::string kind, std::string text) {
    record_.decisions.push_back(
        timeline_entry{clock_.now(), engine_.log_head().seq, incident, std::move(actor), std::move(kind), std::move(text)});
  }

  std::int64_t incident_id(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? 0 : it->second;
  }

  void acknowledge(const action& a) {
    pending_.erase(std::make_pair(a.incident_id, a.person));
    if (const auto* away = people_.unavailable_at(a.person, clock_.now())) {
      answer(a.page, fmt::format("no answer: became unavailable ({})", away->reason));
      note(a.incident_id, fmt::format("responder:{}", a.person), "responder.silent",
           fmt::format("{} meant to answer but is now unavailable", a.person));
      return;
    }
    if (engine_.find_incident(a.incident_id) == nullptr) {
      answer(a.page, pages_.at(a.page).answer + "; the incident was already resolved");
      return;
    }
    const auto after = format_duration(clock_.now() - pages_.at(a.page).at);
    const auto refused = submit_ack(a.incident_id, a.person);
    answer(a.page, refused.empty() ? fmt::format("acknowledged after {}", after)
                                   : fmt::format("acknowledged after {}; refused: {}", after, refused));
  }

  // The acknowledgement path every person takes; "" when accepted, else why not.
  std::string submit_ack(std::int64_t id, const std::string& person) {
    auto r = engine_.acknowledge(id, person, person_actor(person));
    acknowledgement_entry e{clock_.now(), id, person, r.has_value(), {}, {}};
    if (r) {
      e.engaged_roles = r->engaged_roles;
    } else {
      e.detail = r.error().message;
    }
    record_.acknowledgements.push_back(e);
    return e.detail;
  }

  void perform(const injection& i) {
    switch (i.type) {
      case injection::kind::event: {
        auto r = engine_.submit(i.event, "scenario");
        if (r) {
          by_name_[i.incident] = r->incident_id;
          record_.incident_names[r->incident_id] = i.incident;
        } else {
          note(0, "scenario", "scenario.refused", fmt::format("event for {} refused: {}", i.incident, r.error().message));
        }
        break;
      }
      case injection::kind::acknowledge: {
        const auto id = incident_id(i.incident);
        if (auto refused = submit_ack(id, i.person); !refused.empty()) {
          note(id, "scenario", "scenario.refused",
               fmt::format("acknowledgement of {} by {} refused: {}", i.incident, i.person, refused));
        }
        break;
      }
      case injection::kind::resolve: {
        const auto id = incident_id(i.incident);
        auto r = engine_.resolve(id, i.person.empty() ? std::string{"scenario"} : person_actor(i.person), i.note);
        if (!r) {
          note(id, "scenario", "scenario.refused", fmt::format("resolving {} refused: {}", i.incident, r.error().message));
        }
        break;
      }
      case injection::kind::reassign:
        reconfigure([&](config::organisation& org) {
          config::holders* h = &by_id(org.roles, i.role).held_by;
          if (!i.business_unit.empty()) {
            h = &by_id(org.business_units, i.business_unit).holders_by_role[i.role];
          }
          // The new primary leaves the backups; the old primary becomes the first backup
          // so the ladder keeps everyone it had.
          const std::string old = h->primary;
          std::erase(h->backups, i.person);
          if (!old.empty() && old != i.person) {
            h->backups.insert(h->backups.begin(), old);
          }
          h->primary = i.person;
          return fmt::format("{}{} reassigned to {}", i.role, i.business_unit.empty() ? "" : " in " + i.business_unit,
                             i.person);
        });
        break;
      case injection::kind::out_of_office: {
        const timestamp until = i.until ? i.until->at : sc_.end();
        people_.add_unavailable(i.person, unavailability{i.time.at, until, i.note.empty() ? "out of office" : i.note});
        reconfigure([&](config::organisation& org) {
          auto* p = &by_id(org.people, i.person);
          config::absence a{i.time.at, until, i.delegate, i.note, i.at};
          auto& list = p->out_of_office;
          list.insert(std::upper_bound(list.begin(), list.end(), a.from,
                                       [](timestamp t, const config::absence& x) { return t < x.from; }),
                      std::move(a));
          return fmt::format("{} out of office until {}{}", i.person, engine::format_local(until, org.zone),
                             i.delegate.empty() ? "" : ", delegate " + i.delegate);
        });
        break;
      }
    }
  }

  // A change to the organisation mid-exercise is a configuration reload: new incidents
  // use it, open incidents keep the rules they were triggered under (docs/engine.md).
  template <typename Change>
  void reconfigure(Change change) {
    auto next = std::make_shared<config::organisation>(*org_);
    std::string what = change(*next);
    next->build_indexes();
    next->version = fmt::format("{}+{}", sc_.org->version, ++reloads_);
    // Changed in memory: the files no longer describe it, so it cannot be rebuilt.
    next->sources.clear();
    // Only the engine keeps the versions it still needs (those of open incidents).
    org_ = next;
    note(0, "scenario", "scenario.changed", fmt::format("{} (configuration {})", what, next->version));
    engine_.load_config(org_, "scenario");
  }

  const scenario& sc_;
  std::uint64_t stream_;
  std::size_t steps_ = 0;
  rng rng_;
  engine::manual_clock clock_;
  responders people_;
  std::shared_ptr<const config::organisation> org_;
  std::vector<notifiers::notification> inbox_;
  notifiers::notifier_set notifiers_;
  engine::engine engine_;
  store::store& store_;
  std::priority_queue<action, std::vector<action>, std::greater<>> agenda_;
  std::uint64_t next_seq_ = 0;
  std::map<std::string, std::int64_t> by_name_;  // scenario name -> latest incident id
  std::set<std::pair<std::int64_t, std::string>> pending_;  // (incident, person) answers scheduled
  struct page_state {
    timestamp at;                   // when it went out
    std::vector<std::string> keys;  // one notification per contact method
    std::string answer;             // what the responder did about it
  };
  std::map<std::string, page_state> pages_;  // by page_of()
  int reloads_ = 0;
  run_record record_;
};

}  // namespace

run_record run_exercise(const scenario& sc, std::uint64_t seed, std::uint64_t stream, store::store& st) {
  run r(sc, seed, stream, st);
  r.go();
  return std::move(r).finish();
}

}  // namespace baton::simulate
