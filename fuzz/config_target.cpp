// The configuration loader and `baton validate`'s two output formats. The input is a
// root file and up to three more (f1.yaml, f2.yaml, f3.yaml), each after a line holding
// `#@file`; the root (or any file) includes the others by naming them, so the input
// decides the include graph too.
#include <sstream>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "app/validate_command.hpp"
#include "base/time.hpp"
#include "fuzz/fuzz_support.hpp"
#include "fuzz/fuzz_targets.hpp"

namespace baton::fuzz {
namespace config_input {

constexpr std::string_view target = "config";
constexpr std::string_view file_names[] = {"baton.yaml", "f1.yaml", "f2.yaml", "f3.yaml"};

struct validate_output {
  int status = 0;
  std::string out;
  std::string err;
};

validate_output run_validate(const std::filesystem::path& root, std::string_view format, timestamp now) {
  std::ostringstream out;
  std::ostringstream err;
  validate_output r;
  r.status = app::validate_command(root, format, now, out, err);
  r.out = std::move(out).str();
  r.err = std::move(err).str();
  return r;
}

// What `--format json` promises: valid UTF-8, one object with `valid` matching the exit
// status, every diagnostic located, and an invalid configuration says why.
void check_json_report(const validate_output& r) {
  const boost::json::value doc = parse_json_output(r.out, target, "validate --format json");
  const auto* obj = doc.if_object();
  check(obj != nullptr, target, "validate --format json is not an object");
  const auto* valid = obj->if_contains("valid");
  check(valid != nullptr && valid->is_bool(), target, "validate --format json has no boolean \"valid\"");
  check(valid->as_bool() == (r.status == 0), target, "\"valid\" disagrees with the exit status");
  for (const char* key : {"errors", "warnings"}) {
    const auto* list = obj->if_contains(key);
    check(list != nullptr && list->is_array(), target, "validate --format json lacks an errors/warnings array");
    for (const auto& d : list->as_array()) {
      const auto* item = d.if_object();
      check(item != nullptr, target, "a diagnostic is not an object");
      const auto* file = item->if_contains("file");
      const auto* message = item->if_contains("message");
      check(file != nullptr && file->is_string(), target, "a diagnostic without a file");
      check(message != nullptr && message->is_string() && !message->as_string().empty(), target,
            "a diagnostic without a message");
      for (const char* pos : {"line", "column"}) {
        const auto* n = item->if_contains(pos);
        check(n != nullptr && (n->is_int64() || n->is_uint64()), target, "a diagnostic without line/column");
      }
    }
  }
  if (r.status != 0) {
    check(!obj->at("errors").as_array().empty(), target, "invalid, but no error says why");
  }
}

void check_text_report(const validate_output& r) {
  check_terminal_text(r.out, target, "validate's text output");
  std::string_view out = r.out;
  check(!out.empty() && out.back() == '\n', target, "validate's text output does not end a line");
  out.remove_suffix(1);
  const auto last = out.substr(out.rfind('\n') + 1);
  if (r.status == 0) {
    check(last.starts_with("valid (version "), target, "exit 0 but the text does not end in \"valid\"");
  } else {
    check(last == "invalid", target, "exit 1 but the text does not end in \"invalid\"");
  }
}

}  // namespace config_input

void config_one_input(std::string_view data) {
  using namespace config_input;
  // 2026-11-23T12:00:00Z: a fixed `now`, so training expiry is the same on every run.
  static const timestamp now = from_epoch_ms(1'795'435'200'000);

  const auto dir = fresh_directory(target);
  const auto parts = split(data, "\n#@file\n", std::size(file_names));
  for (std::size_t i = 0; i < parts.size(); ++i) {
    write_file(dir / file_names[i], parts[i]);
  }
  const auto root = dir / file_names[0];

  const validate_output json = run_validate(root, "json", now);
  const validate_output text = run_validate(root, "text", now);
  if (json.status != 0 && json.status != 1) {
    invariant_failed(target, "validate exited " + std::to_string(json.status) + "; expected 0 or 1", json.err);
  }
  check(json.err.empty() && text.err.empty(), target, "validate wrote to stderr (only usage errors go there)");
  check(json.status == text.status, target, "validate's exit status depends on the output format");
  check_json_report(json);
  check_text_report(text);
}

}  // namespace baton::fuzz
