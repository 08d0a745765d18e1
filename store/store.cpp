#include "store/store.hpp"

namespace baton::store {
namespace {

class already_durable final : public syncer {
 public:
  void sync() override {}
};

}  // namespace

namespace {

template <typename Row, typename Each>
std::vector<Row> collect(Each each) {
  std::vector<Row> out;
  each([&](Row& row) { out.push_back(std::move(row)); });
  return out;
}

}  // namespace

std::vector<incident_row> store::incidents(bool open_only) {
  return collect<incident_row>([&](const auto& f) { each_incident(open_only, f); });
}

std::vector<escalation_row> store::open_escalations() {
  return collect<escalation_row>([&](const auto& f) { each_open_escalation(f); });
}

std::vector<timer_row> store::timers() {
  return collect<timer_row>([&](const auto& f) { each_timer(f); });
}

std::shared_ptr<syncer> store::defer_sync() { return std::make_shared<already_durable>(); }

}  // namespace baton::store
