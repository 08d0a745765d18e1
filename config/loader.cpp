// load(): read the files, parse every section in a fixed order (so people can be read
// in the organisation's zone and rules against its event types, whichever file holds
// them), check across fields, and hand out the organisation only when nothing is wrong.
#include "config/loader.hpp"

#include <algorithm>
#include <map>

#include "config/load_state.hpp"
#include "config/sources.hpp"

namespace baton::config {
namespace {

using section_parser = void (*)(detail::reader&, const detail::item&, detail::load_state&);

struct section {
  std::string_view key;
  section_parser parse;
  bool is_mapping;  // a mapping section may appear in one file only; lists concatenate
};

// Parse order, not file order: what later sections need comes first.
const std::vector<section>& sections() {
  static const std::vector<section> all{
      {"organisation", &detail::parse_organisation, true},
      {"defaults", &detail::parse_defaults, true},
      {"event_types", &detail::parse_event_types, false},
      {"routing", &detail::parse_routing, true},
      {"notifiers", &detail::parse_notifiers, false},
      {"people", &detail::parse_people, false},
      {"roles", &detail::parse_roles, false},
      {"business_units", &detail::parse_business_units, false},
      {"systems", &detail::parse_systems, false},
      {"activities", &detail::parse_activities, false},
      {"rules", &detail::parse_rules, false},
      {"overrides", &detail::parse_overrides, false},
      {"integrations", &detail::parse_integrations, false},
      {"api_tokens", &detail::parse_api_tokens, false},
      {"ack_links", &detail::parse_ack_links, true},
      {"storage", &detail::parse_storage, true},
      {"server", &detail::parse_server, true},
  };
  return all;
}

std::string position(const mark& m) { return m.file + ":" + std::to_string(m.line) + ":" + std::to_string(m.column); }

// A file with at least one known section, or none at all (an empty file).
bool is_configuration(const detail::source_file& file, const std::vector<std::string_view>& allowed) {
  if (!file.root.IsMap() || file.root.size() == 0) {
    return true;
  }
  for (auto it = file.root.begin(); it != file.root.end(); ++it) {
    const YAML::Node key = it->first;
    if (key.IsScalar() && std::find(allowed.begin(), allowed.end(), key.Scalar()) != allowed.end()) {
      return true;
    }
  }
  return false;
}

void parse_sections(const detail::sources& src, detail::load_state& s) {
  std::vector<std::string_view> allowed{"include"};
  for (const auto& sec : sections()) {
    allowed.push_back(sec.key);
  }
  // One checked top-level mapping per file: reports unknown sections once.
  std::vector<detail::reader> readers;
  std::vector<detail::mapping> tops;
  readers.reserve(src.files.size());
  tops.reserve(src.files.size());
  for (const auto& file : src.files) {
    readers.emplace_back(file, *s.diags);
    detail::item root;
    root.node = file.root;
    if (!is_configuration(file, allowed)) {
      // Its keys may be anything (an included file can point anywhere on disk): say
      // what it is not rather than listing them.
      s.diags->error(mark{file.name, 1, 1}, "file " + file.name +
                                               " is not a baton configuration: none of its top-level keys is a "
                                               "section baton knows (organisation, people, roles, rules, ...)");
      root.node = YAML::Node(YAML::NodeType::Map);
    }
    root.key = file.name;
    root.at = mark{file.name, 1, 1};
    tops.emplace_back(readers.back(), root, "the top level", allowed);
  }
  bool organisation_seen = false;
  for (const auto& sec : sections()) {
    std::optional<mark> first;
    for (std::size_t i = 0; i < src.files.size(); ++i) {
      detail::item value = tops[i].get(sec.key);
      if (!value.present()) {
        continue;
      }
      if (sec.is_mapping) {
        if (first) {
          // Which of two files' values would win is a guess nobody should have to make.
          readers[i].error(value.at, "section " + std::string(sec.key) + " is already given at " + position(*first) +
                                         "; a mapping section may appear in one file only");
          continue;
        }
        first = value.at;
      }
      if (sec.key == "organisation") {
        organisation_seen = true;
      }
      sec.parse(readers[i], value, s);
    }
  }
  if (!organisation_seen && !src.files.empty()) {
    s.diags->error(mark{src.files.front().name, 0, 0},
                   "missing section organisation (with name and time_zone)");
  }
}

// Diagnostics are found section by section; shown file by file, top to bottom.
diagnostics sorted(const diagnostics& found, const std::vector<std::string>& files) {
  std::map<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < files.size(); ++i) {
    index.emplace(files[i], i);
  }
  auto file_index = [&](const std::string& name) {
    auto it = index.find(name);
    return it == index.end() ? files.size() : it->second;
  };
  std::vector<diagnostic> items = found.items();
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    order[i] = file_index(items[i].at.file);
  }
  std::vector<std::size_t> perm(items.size());
  for (std::size_t i = 0; i < perm.size(); ++i) {
    perm[i] = i;
  }
  std::stable_sort(perm.begin(), perm.end(), [&](std::size_t a, std::size_t b) {
    return std::make_tuple(order[a], items[a].at.line, items[a].at.column) <
           std::make_tuple(order[b], items[b].at.line, items[b].at.column);
  });
  diagnostics out;
  for (std::size_t i : perm) {
    diagnostic& d = items[i];
    if (d.level == severity::error) {
      out.error(d.at, std::move(d.message));
    } else {
      out.warning(d.at, std::move(d.message));
    }
  }
  return out;
}

}  // namespace

load_result load(const std::filesystem::path& root, timestamp now, const load_options& options) {
  load_result result;
  diagnostics found;
  detail::sources src = detail::read_sources(root, found, detail::include_policy{options.include_root});
  detail::load_state s(found);
  s.root_dir = root.parent_path();
  s.require_secrets = options.require_secrets;
  s.fallback_zone = find_zone("UTC");
  s.org.files = src.names;
  s.org.version = detail::content_version(src.files, s.root_dir);
  s.org.sources.reserve(src.files.size());
  for (const auto& f : src.files) {
    s.org.sources.push_back({detail::relative_name(f, s.root_dir), f.text});
  }
  parse_sections(src, s);
  s.org.build_indexes();
  if (src.complete) {
    detail::validate(s, now);
    result.coverage = detail::compute_coverage(s.org, now);
  }
  result.diagnostics = sorted(found, src.names);
  if (!result.diagnostics.has_errors()) {
    result.org = std::make_shared<const organisation>(std::move(s.org));
  }
  return result;
}

}  // namespace baton::config
