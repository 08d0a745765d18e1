#include "app/args.hpp"

namespace baton::app {

std::optional<std::string> args::get(std::string_view name) const {
  auto it = options.find(name);
  if (it == options.end()) {
    return std::nullopt;
  }
  return it->second;
}

expected<args> parse_args(int argc, char** argv, int first, const std::set<std::string, std::less<>>& with_value,
                          const std::set<std::string, std::less<>>& flag_names) {
  args out;
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.size() > 2 && a.starts_with("--")) {
      std::string name = a.substr(2);
      std::optional<std::string> inline_value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name.resize(eq);
      }
      if (flag_names.contains(name) && !inline_value) {
        out.flags.insert(name);
        continue;
      }
      if (!with_value.contains(name)) {
        return unexpected{"unknown option --" + name};
      }
      if (inline_value) {
        out.options[name] = *inline_value;
      } else if (i + 1 < argc) {
        out.options[name] = argv[++i];
      } else {
        return unexpected{"option --" + name + " needs a value"};
      }
      continue;
    }
    out.positional.push_back(std::move(a));
  }
  return out;
}

}  // namespace baton::app
