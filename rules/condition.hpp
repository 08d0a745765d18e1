#pragma once
// The rule language: a small CEL-like expression language for escalation rules' `when`.
// Source is lexed, parsed, type-checked and compiled once, at configuration load, into a
// flat instruction sequence that evaluates without allocating. See docs/rules.md.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "rules/inputs.hpp"

namespace baton::rules {

/// Fields whose values come from a closed set, so a comparison with a value outside it
/// can be reported as "can never be true" at load. An empty list means "not closed".
struct schema {
  std::vector<std::string> event_types;     // known event.type values
  std::vector<std::string> risk_tiers{"minimal", "limited", "high", "unacceptable"};
  std::vector<std::string> severities{"info", "low", "medium", "high", "critical"};
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
