#include "config/sources.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>

namespace baton::config::detail {
namespace {

std::string position(const config::mark& m) {
  return m.file + ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
}

std::vector<std::size_t> line_starts(const std::string& text) {
  std::vector<std::size_t> starts{0};
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      starts.push_back(i + 1);
    }
  }
  return starts;
}

}  // namespace

bool read_file(const std::filesystem::path& p, std::string_view kind, source_file& file, std::string& why) {
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) {
    why = "is a directory";
    return false;
  }
  if (std::filesystem::exists(p, ec) && !std::filesystem::is_regular_file(p, ec)) {
    why = "is not a regular file";
    return false;
  }
  if (auto size = std::filesystem::file_size(p, ec); !ec && size > max_file_bytes) {
    why = "is " + std::to_string(size) + " bytes; a " + std::string(kind) + " may have at most " +
          std::to_string(max_file_bytes) + " bytes";
    return false;
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    why = std::filesystem::exists(p, ec) ? "cannot be opened" : "does not exist";
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    why = "cannot be read";
    return false;
  }
  file.text = ss.str();
  file.line_starts = line_starts(file.text);
  return true;
}

bool parse_document(source_file& file, diagnostics& d) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(file.text);
  } catch (const YAML::Exception& e) {
    config::mark at{file.name, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1};
    d.error(at, "YAML syntax: " + e.msg);
    return false;
  }
  if (documents.size() > 1) {
    reader r(file, d);
    d.error(r.at(documents[1]), "the file holds " + std::to_string(documents.size()) +
                                    " YAML documents; baton reads one per file (remove the '---')");
    return false;
  }
  file.root = documents.empty() ? YAML::Node() : documents.front();
  if (file.root.IsNull()) {
    file.root = YAML::Node(YAML::NodeType::Map);
  }
  return true;
}

namespace {

class include_walker {
 public:
  include_walker(sources& out, diagnostics& d) : out_(&out), diags_(&d) {}

  // `name` is the path as shown in messages; `from` is where it was included (line 0
  // for the root).
  void visit(const std::filesystem::path& name, const config::mark& from) {
    source_file file;
    file.name = name.string();
    std::string why;
    if (!read_file(name, "configuration file", file, why)) {
      out_->complete = false;
      diags_->error(from, (from.line == 0 ? "configuration file " : "included file ") + file.name + " " + why);
      return;
    }
    std::error_code ec;
    file.canonical = std::filesystem::weakly_canonical(name, ec);
    if (ec) {
      file.canonical = std::filesystem::absolute(name, ec).lexically_normal();
    }
    if (!check_cycle(file, from)) {
      return;
    }
    out_->names.push_back(file.name);
    if (!parse(file)) {
      out_->complete = false;
      return;
    }
    const YAML::Node& root = file.root;  // const: operator[] must not add the key
    YAML::Node includes = root.IsMap() ? root["include"] : YAML::Node();
    std::string including = file.name;
    std::filesystem::path folder = name.parent_path();
    std::filesystem::path canonical = file.canonical;
    out_->files.push_back(std::move(file));
    if (!root.IsMap() || !includes.IsDefined() || includes.IsNull()) {
      return;
    }
    // The file is moved into the list above; readers over it are made from there.
    const source_file& self = out_->files.back();
    diagnostics& d = *diags_;
    reader r(self, d);
    item list;
    list.node = includes;
    list.key = "include";
    list.at = r.at(includes);
    std::vector<std::pair<std::filesystem::path, config::mark>> targets;
    for (const auto& element : read_list(r, list, "a list of file paths")) {
      if (auto path = read_string(r, element)) {
        std::filesystem::path p(*path);
        targets.emplace_back(p.is_absolute() ? p : (folder / p).lexically_normal(), element.at);
      }
    }
    stack_.push_back(canonical);
    stack_names_.push_back(including);
    for (const auto& [target, at] : targets) {
      visit(target, at);
    }
    stack_.pop_back();
    stack_names_.pop_back();
  }

 private:
  bool check_cycle(const source_file& file, const config::mark& from) {
    for (std::size_t i = 0; i < stack_.size(); ++i) {
      if (stack_[i] == file.canonical) {
        std::string chain;
        for (std::size_t j = i; j < stack_names_.size(); ++j) {
          chain += stack_names_[j] + " -> ";
        }
        chain += file.name;
        diags_->error(from, "include cycle: " + chain);
        return false;
      }
    }
    auto seen = first_seen_.find(file.canonical.string());
    if (seen != first_seen_.end()) {
      diags_->error(from, "file " + file.name + " is already included (at " + position(seen->second) +
                              "); each file may be included once");
      return false;
    }
    first_seen_.emplace(file.canonical.string(), from);
    return true;
  }

  bool parse(source_file& file) {
    if (!parse_document(file, *diags_)) {
      return false;
    }
    if (!file.root.IsMap()) {
      reader r(file, *diags_);
      diags_->error(r.at(file.root), "expected a mapping of sections (organisation, people, roles, ...), found " +
                                         describe(file.root));
      return false;
    }
    return true;
  }

  sources* out_;
  diagnostics* diags_;
  std::vector<std::filesystem::path> stack_;
  std::vector<std::string> stack_names_;
  std::map<std::string, config::mark> first_seen_;
};

}  // namespace

sources read_sources(const std::filesystem::path& root, diagnostics& d) {
  sources out;
  include_walker walker(out, d);
  walker.visit(root, config::mark{root.string(), 0, 0});
  return out;
}

std::string content_version(const std::vector<source_file>& files, const std::filesystem::path& root_dir) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  for (const auto& f : files) {
    std::filesystem::path name(f.name);
    std::string relative =
        root_dir.empty() ? name.generic_string() : name.lexically_relative(root_dir).generic_string();
    if (relative.empty()) {
      relative = name.generic_string();
    }
    std::string header = relative + '\n' + std::to_string(f.text.size()) + '\n';
    EVP_DigestUpdate(ctx.get(), header.data(), header.size());
    EVP_DigestUpdate(ctx.get(), f.text.data(), f.text.size());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < 8 && i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace baton::config::detail
