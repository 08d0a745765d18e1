#pragma once
// The rule language: a small CEL-like expression language for escalation rules' `when`.
// Source is lexed, parsed, type-checked and compiled once, at configuration load, into a
// flat instruction sequence that evaluates without allocating. See docs/rules.md.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "rules/inputs.hpp"

namespace baton::rules {

/// The values of a closed set: in the order given (what a warning lists) and indexed, so
/// a membership test costs O(log n) however many there are. An organisation may define
/// tens of thousands of event types, and every rule's literals are looked up in them.
class value_set {
 public:
  value_set() = default;
  value_set(std::initializer_list<std::string_view> values);
  explicit value_set(std::vector<std::string> values);

  bool empty() const noexcept { return values_.empty(); }
  std::size_t size() const noexcept { return values_.size(); }
  bool contains(std::string_view value) const noexcept;
  /// In the order given, duplicates kept.
  const std::vector<std::string>& values() const noexcept { return values_; }

 private:
  void build_index();

  std::vector<std::string> values_;
  // Positions in values_ ordered by value: positions stay right when the set is copied
  // or moved, where views into short strings would not.
  std::vector<std::size_t> sorted_;
};

/// Fields whose values come from a closed set, so a comparison with a value outside it
/// can be reported as "can never be true" at load. An empty set means "not closed".
/// Build it once and compile every condition against it: it is not cheap to copy.
struct schema {
  value_set event_types;  // known event.type values
  value_set risk_tiers{"minimal", "limited", "high", "unacceptable"};
  value_set severities{"info", "low", "medium", "high", "critical"};
};

/// Where in the expression source something is: 1-based line and column, plus the
/// byte offset. Multi-line expressions (YAML block scalars) count lines from 1.
struct source_position {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  std::uint32_t offset = 0;
};

struct compile_error {
  source_position position;
  std::string message;  // says what is wrong and what was expected
};

struct compile_warning {
  source_position position;
  std::string message;  // e.g. `system.risk_tier is never "hihg" (known: ...)`
};

class program;  // the compiled form; defined in rules/program.hpp

/// A compiled condition. Cheap to copy (shares the immutable program).
class condition {
 public:
  /// True when the condition holds for `ctx`. Never allocates, never throws. A field
  /// that is absent or of an unexpected type at run time makes the comparison that
  /// reads it false (and `!` of that comparison true), as CEL's `has` semantics suggest.
  bool evaluate(const context& ctx) const noexcept;

  /// True when constant folding proved the condition can never hold.
  bool never_true() const noexcept;

  /// Problems that do not stop the load but make part of the condition dead
  /// (e.g. comparing system.risk_tier with an unknown tier).
  const std::vector<compile_warning>& warnings() const noexcept;

  /// The source text it was compiled from.
  const std::string& source() const noexcept;

  /// Test-only: a readable dump of the compiled instructions.
  std::string disassemble_for_test() const;

 private:
  friend expected<condition, compile_error> compile(std::string_view, const schema&);
  std::shared_ptr<const program> program_;
};

/// Lexes, parses, type-checks and compiles `source`. The result must be boolean.
expected<condition, compile_error> compile(std::string_view source, const schema& s);

}  // namespace baton::rules
