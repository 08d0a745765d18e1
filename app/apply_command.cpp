// `baton apply`: a recorded stream of operations (JSON lines) run through the engine on
// a SQLite file, on a virtual clock taken from the operations' times, in batches. Each
// line is a keyed request ("apply:<line>"), so a run that was stopped, however, resumes
// where the database says it stopped: the lines already answered are not run again.
// See docs/apply.md.
#include <boost/json.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/wiring.hpp"
#include "base/text.hpp"
#include "config/loader.hpp"
#include "engine/engine.hpp"
#include "engine/requests.hpp"
#include "ingest/native_event.hpp"
#include "notifiers/registry.hpp"
#include "store/sqlite_store.hpp"
#include "store/writer_lock.hpp"

namespace baton::app {
namespace {
namespace json = boost::json;

constexpr std::size_t max_lines = 1'000'000;
constexpr std::size_t max_line_bytes = 64 * 1024;
constexpr std::string_view key_prefix = "apply:";

struct line_op {
  std::size_t line = 0;
  timestamp at;
  std::optional<engine::operation> op;  // none: an "advance" (the clock only)
};

std::string key_of(std::size_t line) { return fmt::format("{}{:012}", key_prefix, line); }

std::optional<std::size_t> line_of(std::string_view key) {
  if (!key.starts_with(key_prefix)) {
    return std::nullopt;
  }
  std::size_t n = 0;
  for (char c : key.substr(key_prefix.size())) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

const json::string* text_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? &v->as_string() : nullptr;
}

std::string text_or(const json::object& o, std::string_view key, std::string fallback = {}) {
  const auto* s = text_field(o, key);
  return s != nullptr ? std::string(*s) : std::move(fallback);
}

// One line: {"at": ISO 8601, "op": "event" | "ack" | "resolve" | "advance", ...}.
expected<line_op> parse_line(std::string_view text, std::size_t line) {
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return unexpected{std::string("not a JSON object")};
  }
  const auto& o = v.as_object();
  const auto* at = text_field(o, "at");
  const auto* op = text_field(o, "op");
  if (at == nullptr || op == nullptr) {
    return unexpected{std::string("needs \"at\" (ISO 8601) and \"op\"")};
  }
  auto t = parse_iso(std::string_view(*at), find_zone("UTC"));
  if (!t) {
    return unexpected{fmt::format("\"at\": \"{}\" is not an ISO 8601 time", printable(std::string_view(*at)))};
  }
  line_op r{line, *t, std::nullopt};
  const std::string key = key_of(line);
  if (*op == "advance") {
    return r;
  }
  auto integer = [&](std::string_view name) -> std::optional<std::int64_t> {
    const auto* x = o.if_contains(name);
    return x != nullptr && x->is_int64() ? std::optional<std::int64_t>(x->as_int64()) : std::nullopt;
  };
  if (*op == "event") {
    const auto* e = o.if_contains("event");
    if (e == nullptr || !e->is_object()) {
      return unexpected{std::string("an event needs \"event\": {...}")};
    }
    // The same format as POST /v1/events takes (ingest/native_event.hpp).
    auto event = ingest::native_event(e->as_object(), "apply");
    if (!event) {
      return unexpected{event.error()};
    }
    engine::submit_op s;
    s.e = std::move(*event);
    s.actor = text_or(o, "actor", "apply");
    s.request_key = key;
    r.op = std::move(s);
    return r;
  }
  if (*op == "ack" || *op == "resolve") {
    const auto id = integer("incident");
    if (!id) {
      return unexpected{fmt::format("{} needs \"incident\": ID", std::string_view(*op))};
    }
    if (*op == "ack") {
      const auto person = text_or(o, "person");
      if (person.empty()) {
        return unexpected{std::string("ack needs \"person\"")};
      }
      r.op = engine::acknowledge_op{*id, person, text_or(o, "actor"), key};
    } else {
      r.op = engine::resolve_op{*id, text_or(o, "actor", "apply"), text_or(o, "note"), key};
    }
    return r;
  }
  return unexpected{fmt::format("unknown op \"{}\" (event, ack, resolve, advance)", printable(std::string_view(*op)))};
}

expected<std::vector<line_op>> read_ops(std::istream& in, const std::string& name) {
  std::vector<line_op> ops;
  std::string text;
  std::size_t line = 0;
  std::optional<timestamp> last;
  while (std::getline(in, text)) {
    ++line;
    if (line > max_lines) {
      return unexpected{fmt::format("{}: more than {} lines", name, max_lines)};
    }
    if (text.size() > max_line_bytes) {
      return unexpected{fmt::format("{}:{}: a line of more than {} bytes", name, line, max_line_bytes)};
    }
    if (text.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    auto op = parse_line(text, line);
    if (!op) {
      return unexpected{fmt::format("{}:{}: {}", name, line, op.error())};
    }
    if (last && op->at < *last) {
      return unexpected{fmt::format("{}:{}: \"at\" goes back in time ({} after {})", name, line, format_iso(op->at),
                                    format_iso(*last))};
    }
    last = op->at;
    ops.push_back(std::move(*op));
  }
  return ops;
}

std::string describe(const engine::outcome& o) {
  json::object d;
  if (!o) {
    d["error"] = o.error().message;
    return json::serialize(d);
  }
  return engine::encode_outcome(o);
}

}  // namespace

int apply_command(const apply_options& o, std::istream& in, std::ostream& out, std::ostream& err) {
  auto w = open_writer(o.db, "baton apply", err);
  if (w.db == nullptr) {
    return 2;
  }
  auto& db = w.db;
  const std::string ops_name = o.ops.empty() || o.ops == "-" ? "(stdin)" : o.ops.string();
  std::ifstream file;
  if (ops_name != "(stdin)") {
    file.open(o.ops);
    if (!file) {
      err << fmt::format("baton apply: cannot read {}\n", ops_name);
      return 2;
    }
  }
  auto ops = read_ops(ops_name == "(stdin)" ? in : file, ops_name);
  if (!ops) {
    err << "baton apply: " << printable(ops.error()) << '\n';
    return 2;
  }
  if (ops->empty()) {
    err << fmt::format("baton apply: {} holds no operations\n", ops_name);
    return 2;
  }
  auto rt = load_runtime(o.config, config::load_options{o.include_root}, ops->front().at, "baton apply", err);
  if (rt == nullptr) {
    return 2;
  }
  try {
    store::sqlite_store& st = *db;
    // Where an earlier run stopped: the last line it answered, and the latest instant
    // anything was logged at (timers may have fired after that line).
    std::size_t done = 0;
    timestamp start = ops->front().at;
    if (auto last = st.last_request(key_prefix)) {
      done = line_of(last->key).value_or(0);
      start = std::max(start, last->at);
    }
    if (auto t = st.last_log_time()) {
      start = std::max(start, *t);
    }
    engine::manual_clock clock(start);
    engine::engine eng(clock, st, rt->notifiers, rt->org);
    if (done > 0) {
      out << fmt::format("resuming after line {}\n", done);
    }
    std::size_t i = 0;
    while (i < ops->size() && (*ops)[i].line <= done) {
      ++i;
    }
    while (i < ops->size()) {
      const timestamp at = (*ops)[i].at;
      engine::run_until(clock, eng, at);
      if (!(*ops)[i].op) {
        out << fmt::format("line {}: advanced to {}\n", (*ops)[i].line, format_iso(at));
        ++i;
        continue;
      }
      // One batch: the operations of consecutive lines at this same instant.
      std::vector<engine::operation> batch;
      std::vector<std::size_t> lines;
      while (i < ops->size() && (*ops)[i].op && (*ops)[i].at == at && batch.size() < o.batch) {
        batch.push_back(*(*ops)[i].op);
        lines.push_back((*ops)[i].line);
        ++i;
      }
      const auto outcomes = eng.run(batch);
      if (!eng.stopped().empty()) {
        err << "baton apply: " << printable(eng.stopped()) << '\n';
        return 2;
      }
      for (std::size_t k = 0; k < outcomes.size(); ++k) {
        out << fmt::format("line {}: {}\n", lines[k], describe(outcomes[k]));
      }
      out.flush();
    }
    out << fmt::format("applied {} lines; log head {}\n", ops->back().line, eng.log_head().seq);
  } catch (const std::exception& e) {
    err << "baton apply: " << printable(e.what()) << '\n';
    return 2;
  }
  return 0;
}

}  // namespace baton::app
