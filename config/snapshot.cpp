#include "config/snapshot.hpp"

#include <boost/json.hpp>
#include <unistd.h>

#include <fstream>
#include <system_error>

namespace baton::config {
namespace json = boost::json;

std::string snapshot_json(const organisation& org) {
  json::array files;
  files.reserve(org.sources.size());
  for (const auto& f : org.sources) {
    files.emplace_back(json::object{{"name", f.name}, {"text", f.text}});
  }
  return json::serialize(json::object{{"files", std::move(files)}});
}

namespace {

// A private folder, removed with everything in it when the load is done.
class scratch_folder {
 public:
  scratch_folder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "baton-snapshot-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    }
  }
  ~scratch_folder() {
    std::error_code ec;
    if (!path_.empty()) {
      std::filesystem::remove_all(path_, ec);
    }
  }
  scratch_folder(const scratch_folder&) = delete;
  scratch_folder& operator=(const scratch_folder&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

load_result refuse(std::string message) {
  load_result r;
  r.diagnostics.error(mark{"(stored configuration)", 0, 0}, std::move(message));
  return r;
}

// How many folders above the root's folder a relative name climbs ("../x.yaml": 1), or
// -1 for a name that is absolute or empty.
int levels_above(const std::filesystem::path& name) {
  if (name.empty() || name.is_absolute() || name.has_root_name()) {
    return -1;
  }
  // Count the leading ".." of the normal form: that is how far the name climbs.
  int up = 0;
  for (const auto& part : name.lexically_normal()) {
    if (part != "..") {
      break;
    }
    ++up;
  }
  return up;
}

bool is_below_folder(const std::filesystem::path& p, const std::filesystem::path& folder) {
  const auto rel = p.lexically_normal().lexically_relative(folder.lexically_normal());
  return !rel.empty() && *rel.begin() != "..";
}

}  // namespace

load_result load_snapshot(std::string_view text, timestamp now) {
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  const json::array* files = nullptr;
  if (!ec && doc.is_object()) {
    if (const auto* f = doc.as_object().if_contains("files"); f != nullptr && f->is_array()) {
      files = &f->as_array();
    }
  }
  if (files == nullptr || files->empty()) {
    return refuse("the stored configuration is not a list of files; it cannot be rebuilt");
  }
  // The files go where they were relative to the root file: the root's folder sits as
  // many levels down in a scratch folder as the files climb above it.
  std::vector<std::pair<std::filesystem::path, const json::string*>> entries;
  int climb = 0;
  for (const auto& f : *files) {
    const auto* o = f.if_object();
    const auto* name = o != nullptr ? o->if_contains("name") : nullptr;
    const auto* body = o != nullptr ? o->if_contains("text") : nullptr;
    if (name == nullptr || !name->is_string() || body == nullptr || !body->is_string()) {
      return refuse("a stored configuration file lacks its name or text; it cannot be rebuilt");
    }
    std::filesystem::path p(std::string(name->as_string()));
    const int up = levels_above(p);
    if (up < 0) {
      return refuse("a stored configuration file has an absolute or empty name; it cannot be rebuilt");
    }
    climb = std::max(climb, up);
    entries.emplace_back(p.lexically_normal(), &body->as_string());
  }
  scratch_folder scratch;
  if (scratch.path().empty()) {
    return refuse("no scratch folder for rebuilding the stored configuration");
  }
  std::filesystem::path root_dir = scratch.path();
  for (int i = 0; i < climb; ++i) {
    root_dir /= "d";
  }
  for (const auto& [name, body] : entries) {
    const auto path = root_dir / name;
    std::error_code mk;
    std::filesystem::create_directories(path.parent_path(), mk);
    std::ofstream out(path, std::ios::binary);
    out.write(body->data(), static_cast<std::streamsize>(body->size()));
    if (!out) {
      return refuse("cannot write " + name.generic_string() + " while rebuilding the stored configuration");
    }
  }
  load_options options;
  options.include_root = scratch.path();
  load_result r = load(root_dir / entries.front().first, now, options);
  if (r.org == nullptr) {
    return r;
  }
  // The loader made the notifiers' relative paths absolute in the scratch folder, which
  // is gone when this returns: they become relative again, so that whoever makes the
  // notifiers resolves them against the configuration's real folder.
  auto org = std::make_shared<organisation>(*r.org);
  for (auto& n : org->notifiers) {
    for (auto& [key, value] : n.settings) {
      const std::filesystem::path p(value);
      if (p.is_absolute() && is_below_folder(p, root_dir)) {
        value = p.lexically_relative(root_dir).generic_string();
      }
    }
  }
  org->build_indexes();
  r.org = std::move(org);
  return r;
}

}  // namespace baton::config
