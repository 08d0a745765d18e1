#include "config/sources.hpp"

#include <openssl/evp.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <fstream>
#include <map>
#include <memory>
#include <optional>
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
  auto too_big = [&](std::uintmax_t size) {
    why = "is " + std::to_string(size) + " bytes; a " + std::string(kind) + " may have at most " +
          std::to_string(max_file_bytes) + " bytes";
    return false;
  };
  if (auto size = std::filesystem::file_size(p, ec); !ec && size > max_file_bytes) {
    return too_big(size);
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    why = std::filesystem::exists(p, ec) ? "cannot be opened" : "does not exist";
    return false;
  }
  // The size above may be stale (a file still being written) or meaningless (files in
  // /proc say 0), so the read itself stops one byte past the limit.
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_file_bytes) {
      return too_big(text.size());
    }
  }
  if (in.bad()) {
    why = "cannot be read";
    return false;
  }
  file.text = std::move(text);
  file.line_starts = line_starts(file.text);
  return true;
}

namespace {

// What the second, event-only pass over a document learns: whether anything follows
// the first document, and the shape of the first as aliases would expand it.
class shape_check final : public YAML::EventHandler {
 public:
  explicit shape_check(const std::string& text) : text_(&text) {}

  void OnDocumentStart(const YAML::Mark& m) override { start_ = m; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t anchor) override { leaf(m, anchor, 0); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t anchor) override {
    add(m, anchor < anchors_.size() ? anchors_[anchor] : subtree{}, true);
  }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
    if (!unterminated_) {
      check_quote(m);
    }
    leaf(m, anchor, value.size());
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(m, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(m, anchor);
  }
  void OnMapEnd() override { close(); }

  const YAML::Mark& document_start() const noexcept { return start_; }
  /// Nesting of the deepest node once aliases are expanded; where it first passed the limit.
  std::size_t depth() const noexcept { return deepest_; }
  const YAML::Mark& too_deep_at() const noexcept { return too_deep_at_; }
  /// Nodes and bytes of scalar text that aliases repeat; where a limit was first passed.
  std::uint64_t alias_nodes() const noexcept { return alias_.nodes; }
  std::uint64_t alias_bytes() const noexcept { return alias_.bytes; }
  const YAML::Mark& too_many_at() const noexcept { return too_many_at_; }
  /// The opening quote of a quoted scalar that runs to the end of the input.
  const std::optional<std::size_t>& unterminated() const noexcept { return unterminated_; }

 private:
  // A node as aliases would expand it: its nodes, the bytes of its scalars, its levels.
  struct subtree {
    std::uint64_t nodes = 1;
    std::uint64_t bytes = 0;
    std::size_t height = 1;

    // Sums saturate far below 2^64: nested aliases multiply, and only "more than the
    // limit" matters.
    void grow(const subtree& child) {
      constexpr std::uint64_t cap = std::uint64_t{1} << 62;
      nodes = std::min(nodes + child.nodes, cap);
      bytes = std::min(bytes + child.bytes, cap);
      height = std::max(height, child.height + 1);
    }
  };
  struct frame {
    YAML::anchor_t anchor;
    subtree size;
  };

  void leaf(const YAML::Mark& m, YAML::anchor_t anchor, std::size_t bytes) {
    subtree t{1, bytes, 1};
    add(m, t, false);
    remember(anchor, t);
  }

  void open(const YAML::Mark& m, YAML::anchor_t anchor) {
    stack_.push_back(frame{anchor, subtree{}});
    note_depth(m, stack_.size());
  }

  void close() {
    if (stack_.empty()) {
      return;
    }
    frame f = stack_.back();
    stack_.pop_back();
    remember(f.anchor, f.size);
    if (!stack_.empty()) {
      stack_.back().size.grow(f.size);
    }
  }

  // Node `t` appears at the current position, written out or (`alias`) repeated.
  void add(const YAML::Mark& m, const subtree& t, bool alias) {
    if (alias) {
      // Whoever walks the document visits every node and copies every scalar of an
      // alias again, so it counts as written out.
      alias_.grow(t);
      if ((alias_.nodes > max_alias_nodes || alias_.bytes > max_alias_bytes) && too_many_at_.is_null()) {
        too_many_at_ = m;
      }
    }
    note_depth(m, stack_.size() + t.height);
    if (!stack_.empty()) {
      stack_.back().size.grow(t);
    }
  }

  void remember(YAML::anchor_t anchor, const subtree& t) {
    if (anchor == YAML::NullAnchor) {
      return;
    }
    if (anchors_.size() <= anchor) {
      anchors_.resize(anchor + 1);
    }
    anchors_[anchor] = t;
  }

  void note_depth(const YAML::Mark& m, std::size_t depth) {
    if (depth > deepest_) {
      deepest_ = depth;
    }
    if (depth > max_yaml_depth && too_deep_at_.is_null()) {
      too_deep_at_ = m;
    }
  }

  // yaml-cpp 0.7 ends a quoted scalar at the end of the input without complaint, so a
  // missing closing quote silently swallows the rest of the file. Find the closing
  // quote the way YAML does: `\` escapes in double quotes, `''` in single quotes.
  void check_quote(const YAML::Mark& m) {
    const std::string& text = *text_;
    if (m.pos < 0) {
      return;
    }
    std::size_t p = static_cast<std::size_t>(m.pos);
    // A tag or anchor may stand before the quote: `!x "..."`, `&a '...'`.
    while (p < text.size() && (text[p] == '!' || text[p] == '&')) {
      while (p < text.size() && text[p] != ' ' && text[p] != '\t' && text[p] != '\n') {
        ++p;
      }
      while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) {
        ++p;
      }
    }
    if (p >= text.size() || (text[p] != '"' && text[p] != '\'')) {
      return;
    }
    const char quote = text[p];
    for (std::size_t i = p + 1; i < text.size(); ++i) {
      if (quote == '"' && text[i] == '\\') {
        ++i;
      } else if (text[i] == quote) {
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;
          continue;
        }
        return;
      }
    }
    unterminated_ = p;
  }

  const std::string* text_;
  YAML::Mark start_ = YAML::Mark::null_mark();
  std::vector<frame> stack_;
  std::vector<subtree> anchors_;
  std::size_t deepest_ = 0;
  YAML::Mark too_deep_at_ = YAML::Mark::null_mark();
  subtree alias_{0, 0, 0};
  YAML::Mark too_many_at_ = YAML::Mark::null_mark();
  std::optional<std::size_t> unterminated_;
};

config::mark mark_in(const source_file& file, const YAML::Mark& m) {
  if (m.is_null()) {
    return config::mark{file.name, 1, 1};
  }
  return config::mark{file.name, m.line + 1, m.column + 1};
}

// What follows the first document, for the message about it.
std::string second_document_problem(const source_file& file, const YAML::Mark& at) {
  std::size_t p = at.pos < 0 ? 0 : static_cast<std::size_t>(at.pos);
  if (p < file.text.size() && file.text[p] == ',') {
    return "a ',' outside any [list] or {mapping}: commas separate entries only inside brackets";
  }
  return "a second YAML document starts here; baton reads one document per file (remove the '---')";
}

}  // namespace

bool parse_document(source_file& file, diagnostics& d) {
  // yaml-cpp takes a NUL for the end of the input and drops the rest unread.
  if (auto nul = file.text.find('\0'); nul != std::string::npos) {
    d.error(file.position_at(nul), "a NUL byte: YAML is text, and this file holds binary data here");
    return false;
  }
  // Never YAML::LoadAll: yaml-cpp 0.7 (Debian 12) returns an endless run of empty
  // documents for a ',' outside brackets (upstream issue 1040), and LoadAll keeps them
  // all. Load reads the first document only; a second pass that builds nothing asks the
  // parser for at most one more, which is how anything after the first is found.
  try {
    file.root = YAML::Load(file.text);
  } catch (const YAML::DeepRecursion& e) {
    d.error(mark_in(file, e.mark), "YAML nests too deeply here (mappings and lists inside each other more than " +
                                       std::to_string(max_yaml_depth) + " levels)");
    return false;
  } catch (const YAML::Exception& e) {
    d.error(mark_in(file, e.mark), "YAML syntax: " + e.msg);
    return false;
  }
  std::istringstream in(file.text);
  YAML::Parser parser(in);
  shape_check shape(file.text);
  try {
    parser.HandleNextDocument(shape);
    if (auto at = shape.unterminated()) {
      config::mark open = file.position_at(*at);
      d.error(open, std::string("unterminated quoted string: the ") + file.text[*at] +
                        " opened here is never closed, so the string runs to the end of the file (line " +
                        std::to_string(file.line_starts.size()) + ")");
      return false;
    }
    if (shape.depth() > max_yaml_depth) {
      d.error(mark_in(file, shape.too_deep_at()), "YAML nests too deeply here (mappings and lists inside each other "
                                                  "more than " + std::to_string(max_yaml_depth) + " levels)");
      return false;
    }
    if (shape.alias_nodes() > max_alias_nodes || shape.alias_bytes() > max_alias_bytes) {
      d.error(mark_in(file, shape.too_many_at()),
              "aliases (*name) repeat more than " +
                  (shape.alias_nodes() > max_alias_nodes ? std::to_string(max_alias_nodes) + " nodes"
                                                         : std::to_string(max_alias_bytes) + " bytes of text") +
                  " in all by here; write the repeated parts out or use fewer aliases");
      return false;
    }
    if (parser.HandleNextDocument(shape)) {
      d.error(mark_in(file, shape.document_start()), second_document_problem(file, shape.document_start()));
      return false;
    }
  } catch (const YAML::Exception& e) {
    // The first pass read the first document; this error is in what follows it.
    d.error(mark_in(file, e.mark), "YAML syntax: " + e.msg);
    return false;
  }
  if (file.root.IsNull()) {
    file.root = YAML::Node(YAML::NodeType::Map);
  }
  return true;
}

namespace {

// "a string", "a list": what a node is, without quoting it. Used where the file may not
// be a baton configuration at all, so its content must not be echoed.
std::string kind_of(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) {
    return "nothing";
  }
  if (node.IsMap()) {
    return "a mapping";
  }
  return node.IsSequence() ? "a list" : "a single value";
}

// "a.yaml -> b.yaml -> ... -> y.yaml -> z.yaml": a chain of names, the middle left out
// when it is long.
std::string chain_text(const std::vector<std::string>& names) {
  std::string out;
  constexpr std::size_t ends = 3;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names.size() > 2 * ends + 1 && i == ends) {
      out += "... (" + std::to_string(names.size() - 2 * ends) + " more) -> ";
      i = names.size() - ends - 1;
      continue;
    }
    out += names[i];
    if (i + 1 < names.size()) {
      out += " -> ";
    }
  }
  return out;
}

// True when `p` is `folder` or below it. Both are canonical, so `..` and symbolic links
// are already resolved.
bool is_below(const std::filesystem::path& p, const std::filesystem::path& folder) {
  std::filesystem::path rel = p.lexically_relative(folder);
  return !rel.empty() && *rel.begin() != "..";
}

std::filesystem::path canonical_of(const std::filesystem::path& p) {
  std::error_code ec;
  std::filesystem::path c = std::filesystem::weakly_canonical(p, ec);
  if (ec) {
    c = std::filesystem::absolute(p, ec).lexically_normal();
  }
  return c;
}

// Depth first over the include tree with an explicit stack: a chain of thousands of
// files costs a vector, not the call stack, and stops at max_include_depth anyway.
class include_walker {
 public:
  include_walker(sources& out, diagnostics& d, const include_policy& policy) : out_(&out), diags_(&d) {
    policy_root_ = policy.root;
  }

  void walk(const std::filesystem::path& root) {
    allowed_ = canonical_of(policy_root_.empty() ? (root.has_parent_path() ? root.parent_path() : ".")
                                                 : policy_root_);
    allowed_name_ = policy_root_.empty() ? (root.has_parent_path() ? root.parent_path().string() : ".")
                                         : policy_root_.string();
    std::vector<pending> todo{pending{root, config::mark{root.string(), 0, 0}, 0}};
    while (!todo.empty()) {
      pending next = std::move(todo.back());
      todo.pop_back();
      chain_.resize(std::min(chain_.size(), next.depth));
      visit(next, todo);
      if (stopped_) {
        return;
      }
    }
  }

 private:
  struct pending {
    std::filesystem::path name;  // as shown in messages
    config::mark from;           // where it is included; line 0 for the root
    std::size_t depth;           // 0 for the root
  };
  struct ancestor {
    std::filesystem::path canonical;
    std::string name;
  };

  // Reads and parses one file and queues its includes. A file that cannot be used
  // makes the sources incomplete, except one included a second time: its content is
  // there from the first time.
  void visit(const pending& p, std::vector<pending>& todo) {
    const bool is_root = p.depth == 0;
    std::filesystem::path canonical = canonical_of(p.name);
    if (!is_root && !check_place(p, canonical)) {
      return;
    }
    if (out_->names.size() >= max_files) {
      diags_->error(p.from, "more than " + std::to_string(max_files) +
                                " configuration files; baton stops reading includes here");
      stopped_ = true;
      out_->complete = false;
      return;
    }
    source_file file;
    file.name = p.name.string();
    file.canonical = canonical;
    std::string why;
    if (!read_file(p.name, "configuration file", file, why)) {
      diags_->error(p.from, (is_root ? "configuration file " : "included file ") + file.name + " " + why);
      out_->complete = false;
      return;
    }
    total_bytes_ += file.text.size();
    if (total_bytes_ > max_total_bytes) {
      diags_->error(p.from, "the configuration's files hold more than " + std::to_string(max_total_bytes) +
                                " bytes together with " + file.name + "; baton stops reading includes here");
      stopped_ = true;
      out_->complete = false;
      return;
    }
    out_->names.push_back(file.name);
    if (!parse(file)) {
      out_->complete = false;
      return;
    }
    out_->files.push_back(std::move(file));
    const source_file& self = out_->files.back();
    chain_.push_back(ancestor{self.canonical, self.name});
    queue_includes(self, p.depth, todo);
  }

  // Refuses, before anything is read, an include outside the allowed folder, one nested
  // too deeply, one that closes a cycle and one already included elsewhere.
  bool check_place(const pending& p, const std::filesystem::path& canonical) {
    if (!is_below(canonical, allowed_)) {
      out_->complete = false;
      diags_->error(p.from, "included file " + p.name.string() + " is outside " + allowed_name_ +
                                (policy_root_.empty() ? " (the root file's folder)" : "") +
                                "; includes must resolve, symbolic links followed, to a file below it "
                                "(--include-root DIR allows another folder)");
      return false;
    }
    for (std::size_t i = 0; i < chain_.size(); ++i) {
      if (chain_[i].canonical == canonical) {
        std::vector<std::string> names;
        for (std::size_t j = i; j < chain_.size(); ++j) {
          names.push_back(chain_[j].name);
        }
        names.push_back(p.name.string());
        diags_->error(p.from, "include cycle: " + chain_text(names));
        return false;
      }
    }
    if (p.depth > max_include_depth) {
      std::vector<std::string> names;
      for (const auto& a : chain_) {
        names.push_back(a.name);
      }
      names.push_back(p.name.string());
      diags_->error(p.from, "includes nest more than " + std::to_string(max_include_depth) +
                                " levels deep: " + chain_text(names));
      out_->complete = false;
      return false;
    }
    auto [seen, fresh] = first_seen_.emplace(canonical.string(), p.from);
    if (!fresh) {
      diags_->error(p.from, "file " + p.name.string() + " is already included (at " + position(seen->second) +
                                "); each file may be included once");
      return false;
    }
    return true;
  }

  void queue_includes(const source_file& self, std::size_t depth, std::vector<pending>& todo) {
    const YAML::Node& root = self.root;  // const: operator[] must not add the key
    YAML::Node includes = root["include"];
    if (!includes.IsDefined() || includes.IsNull()) {
      return;
    }
    reader r(self, *diags_);
    item list;
    list.node = includes;
    list.key = "include";
    list.at = r.at(includes);
    std::filesystem::path folder = std::filesystem::path(self.name).parent_path();
    std::vector<pending> targets;
    for (const auto& element : read_list(r, list, "a list of file paths")) {
      if (auto path = read_string(r, element)) {
        std::filesystem::path target(*path);
        targets.push_back(pending{target.is_absolute() ? target : (folder / target).lexically_normal(), element.at,
                                  depth + 1});
      }
    }
    // Reversed onto the stack so the first include written is read first.
    todo.insert(todo.end(), std::make_move_iterator(targets.rbegin()), std::make_move_iterator(targets.rend()));
  }

  bool parse(source_file& file) {
    if (!parse_document(file, *diags_)) {
      return false;
    }
    if (!file.root.IsMap()) {
      reader r(file, *diags_);
      diags_->error(r.at(file.root), "expected a mapping of sections (organisation, people, roles, ...), found " +
                                         kind_of(file.root) + "; is this a baton configuration file?");
      return false;
    }
    return true;
  }

  sources* out_;
  diagnostics* diags_;
  std::filesystem::path policy_root_;
  std::filesystem::path allowed_;
  std::string allowed_name_;
  std::vector<ancestor> chain_;
  std::map<std::string, config::mark> first_seen_;
  std::uintmax_t total_bytes_ = 0;
  bool stopped_ = false;
};

}  // namespace

sources read_sources(const std::filesystem::path& root, diagnostics& d, const include_policy& policy) {
  sources out;
  include_walker walker(out, d, policy);
  walker.walk(root);
  return out;
}

std::string relative_name(const source_file& file, const std::filesystem::path& root_dir) {
  std::filesystem::path name(file.name);
  std::string relative = root_dir.empty() ? name.generic_string() : name.lexically_relative(root_dir).generic_string();
  return relative.empty() ? name.generic_string() : relative;
}

std::string content_version(const std::vector<source_file>& files, const std::filesystem::path& root_dir) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  for (const auto& f : files) {
    const std::string relative = relative_name(f, root_dir);
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
