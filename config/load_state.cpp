#include "config/load_state.hpp"

namespace baton::config::detail {

bool load_state::claim_id(std::string_view kind, const located_id& id) {
  auto& seen = first_ids[std::string(kind)];
  auto [it, inserted] = seen.emplace(id.id, id.at);
  if (inserted) {
    return true;
  }
  const config::mark& first = it->second;
  diags->error(id.at, "duplicate " + std::string(kind) + " id \"" + id.id + "\" (first defined at " + first.file + ":" +
                          std::to_string(first.line) + ":" + std::to_string(first.column) + ")");
  return false;
}

}  // namespace baton::config::detail
