#pragma once
// Positions inside a YAML scalar's value mapped back to the file. A rule's `when` may be
// a plain or quoted scalar on one line, or a literal (`|`) or folded (`>`) block over
// several; an error the rule compiler reports at byte N of the expression must name the
// line and column of that character in the file, not of the scalar's start.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <vector>

#include "config/yaml_reader.hpp"

namespace baton::config::detail {

class scalar_positions {
 public:
  /// `node` is a scalar of `file`; its value is node.Scalar().
  scalar_positions(const source_file& file, const YAML::Node& node);

  /// The file position of byte `offset` of the value; offsets at or past the end map
  /// just after the last character.
  config::mark at_offset(std::size_t offset) const;

 private:
  const source_file* file_;
  std::vector<std::size_t> raw_;  // file offset of each byte of the value
  std::size_t fallback_ = 0;      // the scalar's own start
};

}  // namespace baton::config::detail
