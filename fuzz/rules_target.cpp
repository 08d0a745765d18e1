// The rule compiler and evaluator. The input is a condition, then up to four contexts
// (an event with its system and incident) as `key=value` lines, each section after a line
// holding `;;`. Without contexts the condition runs on three built-in ones.
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.hpp"
#include "base/time.hpp"
#include "fuzz/fuzz_support.hpp"
#include "fuzz/fuzz_targets.hpp"
#include "rules/condition.hpp"
#include "rules/inputs.hpp"

namespace baton::fuzz {
namespace rules_input {

using namespace baton::rules;
constexpr std::string_view target = "rules";

// The closed sets of the reference organisation, so both the folding of known-never
// values and the open (empty) lists get exercised.
schema reference_schema() {
  schema s;
  s.event_types = {"incident", "incident_update", "drift", "anomaly", "performance_threshold",
                   "vendor_incident", "material_model_change", "risk_appetite_breach",
                   "certification_nonconformity", "intake", "risk_classification", "budget_request",
                   "regulator_request", "vendor_deprecation"};
  return s;
}

schema open_schema() {
  schema s;
  s.event_types = {};
  s.risk_tiers = {};
  s.severities = {};
  return s;
}

// One event, its system and its incident, owning what the views point to.
struct sample {
  std::string type = "incident";
  std::string severity = "high";
  std::string source = "monitor";
  std::string summary = "something happened";
  attributes attrs;
  bool with_system = true;
  std::string system_id = "credit-scoring";
  std::string system_name = "Credit scoring";
  std::string business_unit = "retail";
  std::string risk_tier = "high";
  std::string domain = "credit";
  std::string vendor;
  std::vector<std::string> data{"personal"};
  bool with_incident = true;
  duration age{std::chrono::hours{2}};
  std::int64_t event_count = 1;
  std::string state = "open";
};

// An attribute value as written after `attrs.<name>=`: true, false, null, a number, or
// text (quoted or not).
attribute_value attribute_of(std::string_view text) {
  if (text == "true") {
    return true;
  }
  if (text == "false") {
    return false;
  }
  if (text == "null") {
    return std::monostate{};
  }
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc{} && end == text.data() + text.size() && !text.empty()) {
    return number;
  }
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  return unescape(text);
}

duration age_of(std::string_view text) {
  if (auto d = parse_duration(text)) {
    return *d;
  }
  // Otherwise milliseconds, any int64: ages a real incident never has must still
  // compare without overflow.
  std::int64_t ms = 0;
  std::from_chars(text.data(), text.data() + text.size(), ms);
  return duration{ms};
}

std::vector<std::string> list_of(std::string_view text) {
  std::vector<std::string> out;
  for (auto item : split(text, ",", 64)) {
    out.push_back(unescape(item));
  }
  return out;
}

sample parse_sample(std::string_view section) {
  sample s;
  for (auto line : lines(section)) {
    if (line == "no-system") {
      s.with_system = false;
      continue;
    }
    if (line == "no-incident") {
      s.with_incident = false;
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    const auto key = line.substr(0, eq);
    const auto value = line.substr(eq + 1);
    if (key.starts_with("attrs.")) {
      s.attrs.push_back({std::string(key.substr(6)), attribute_of(value)});
    } else if (key == "type") {
      s.type = unescape(value);
    } else if (key == "severity") {
      s.severity = unescape(value);
    } else if (key == "source") {
      s.source = unescape(value);
    } else if (key == "summary") {
      s.summary = unescape(value);
    } else if (key == "system.id") {
      s.system_id = unescape(value);
    } else if (key == "system.name") {
      s.system_name = unescape(value);
    } else if (key == "system.business_unit") {
      s.business_unit = unescape(value);
    } else if (key == "system.risk_tier") {
      s.risk_tier = unescape(value);
    } else if (key == "system.domain") {
      s.domain = unescape(value);
    } else if (key == "system.vendor") {
      s.vendor = unescape(value);
    } else if (key == "system.data") {
      s.data = list_of(value);
    } else if (key == "incident.age") {
      s.age = age_of(value);
    } else if (key == "incident.event_count") {
      std::from_chars(value.data(), value.data() + value.size(), s.event_count);
    } else if (key == "incident.state") {
      s.state = unescape(value);
    }
  }
  return s;
}

std::vector<sample> builtin_samples() {
  std::vector<sample> out(3);
  out[1].with_system = false;
  out[1].with_incident = false;
  out[1].type = "intake";
  out[2].type = "budget_request";
  out[2].severity = "critical";
  out[2].risk_tier = "unacceptable";
  out[2].vendor = "acme";
  out[2].data = {"special_category", "personal"};
  out[2].age = std::chrono::hours{30};
  out[2].event_count = 4;
  out[2].attrs = {{"amount", 2.5e6}, {"customer_harm", true}, {"grade", std::string("major")},
                  {"downtime", std::string("2h")}, {"note", std::monostate{}}};
  return out;
}

bool evaluate(const condition& c, const sample& s) {
  event_view e{s.type, s.severity, s.source, s.summary, &s.attrs};
  system_view sys{s.system_id, s.system_name, s.business_unit, s.risk_tier, s.domain, s.vendor, s.data};
  incident_view inc{s.age, s.event_count, s.state};
  context ctx{&e, s.with_system ? &sys : nullptr, s.with_incident ? &inc : nullptr};
  return c.evaluate(ctx);
}

// A position must point into the source, and its line and column must be the ones of
// its byte offset (lines counted from 1 at '\n', columns in code points from 1).
void check_position(const source_position& p, std::string_view source, std::string_view what) {
  if (p.offset > source.size()) {
    invariant_failed(target, std::string(what) + " points past the end of the condition", source);
  }
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  for (std::size_t i = 0; i < p.offset; ++i) {
    if (source[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(source[i]) & 0xC0U) != 0x80U) {
      ++column;
    }
  }
  if (p.line != line || p.column != column) {
    invariant_failed(target,
                     std::string(what) + " at " + std::to_string(p.line) + ":" + std::to_string(p.column) +
                         " but its offset " + std::to_string(p.offset) + " is at " + std::to_string(line) +
                         ":" + std::to_string(column),
                     source);
  }
}

// Compiles twice (the result must not depend on anything but the source and schema)
// and checks what compile() promises about either outcome.
expected<condition, compile_error> compile_checked(std::string_view source, const schema& s) {
  auto first = compile(source, s);
  auto second = compile(source, s);
  if (first.has_value() != second.has_value()) {
    invariant_failed(target, "compiling the same condition twice gave different outcomes", source);
  }
  if (!first) {
    const compile_error& e = first.error();
    if (e.message.empty()) {
      invariant_failed(target, "a compile error without a message", source);
    }
    // Messages quote the source; cut short, a quote must still end on a whole character.
    if (is_valid_utf8(source) && !is_valid_utf8(e.message)) {
      invariant_failed(target, "a compile error of UTF-8 source is not UTF-8: " + e.message, source);
    }
    if (e.message.starts_with("internal error")) {
      invariant_failed(target, "the compiler reached an internal error: " + e.message, source);
    }
    if (e.message != second.error().message || e.position.offset != second.error().position.offset) {
      invariant_failed(target, "compiling the same condition twice gave different errors", source);
    }
    check_position(e.position, source, "the compile error \"" + e.message + "\"");
    return first;
  }
  const condition& c = *first;
  if (c.source() != source) {
    invariant_failed(target, "the compiled condition's source differs from the input", source);
  }
  if (c.disassemble_for_test() != second->disassemble_for_test()) {
    invariant_failed(target, "compiling the same condition twice gave different programs", source);
  }
  for (const auto& w : c.warnings()) {
    if (w.message.empty()) {
      invariant_failed(target, "a compile warning without a message", source);
    }
    if (is_valid_utf8(source) && !is_valid_utf8(w.message)) {
      invariant_failed(target, "a warning about UTF-8 source is not UTF-8: " + w.message, source);
    }
    check_position(w.position, source, "the warning \"" + w.message + "\"");
  }
  return first;
}

}  // namespace rules_input

void rules_one_input(std::string_view data) {
  using namespace rules_input;
  static const schema reference = reference_schema();
  static const schema open = open_schema();

  const auto sections = split(data, "\n;;\n", 5);
  const std::string_view source = sections[0];
  std::vector<sample> samples;
  for (std::size_t i = 1; i < sections.size(); ++i) {
    samples.push_back(parse_sample(sections[i]));
  }
  if (samples.empty()) {
    samples = builtin_samples();
  }

  auto closed = compile_checked(source, reference);
  auto opened = compile_checked(source, open);
  // Closed sets only ever add warnings and fold never-true comparisons; they never turn
  // a condition that type-checks into one that does not.
  if (closed.has_value() != opened.has_value()) {
    invariant_failed(target, "the condition compiles under one schema and not under the other", source);
  }
  if (!closed) {
    return;
  }
  // `!(c)` is the negation of c on every input; it may only fail to compile when the
  // extra parentheses pass the nesting limit.
  const std::string negated_source = "!(" + std::string(source) + ")";
  auto negated = compile(negated_source, reference);
  if (!negated && negated.error().message.find("nested too deeply") == std::string::npos &&
      negated.error().message.find("too complex") == std::string::npos &&
      negated.error().message.find("bytes long") == std::string::npos) {
    invariant_failed(target, "c compiles but !(c) does not: " + negated.error().message, source);
  }

  for (const sample& s : samples) {
    const bool result = evaluate(*closed, s);
    if (evaluate(*closed, s) != result) {
      invariant_failed(target, "evaluating twice on the same input gave different answers", source);
    }
    if (closed->never_true() && result) {
      invariant_failed(target, "a condition folded to never-true held", source);
    }
    if (closed->warnings().empty() && evaluate(*opened, s) != result) {
      invariant_failed(target, "without warnings, the closed and the open schema disagree", source);
    }
    if (negated && evaluate(*negated, s) == result) {
      invariant_failed(target, "!(c) gave the same answer as c", source);
    }
  }
}

}  // namespace baton::fuzz
