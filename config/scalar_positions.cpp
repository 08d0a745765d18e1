#include "config/scalar_positions.hpp"

namespace baton::config::detail {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

scalar_positions::scalar_positions(const source_file& file, const YAML::Node& node) : file_(&file) {
  const std::string& text = file.text;
  const std::string& value = node.Scalar();
  YAML::Mark m = node.Mark();
  if (m.is_null() || m.pos < 0 || static_cast<std::size_t>(m.pos) >= text.size()) {
    return;
  }
  std::size_t p = static_cast<std::size_t>(m.pos);
  fallback_ = p;
  // The value starts after the block header line (indicator, chomping, indentation and
  // maybe a comment) or after an opening quote; a plain scalar starts at its mark.
  if (text[p] == '|' || text[p] == '>') {
    while (p < text.size() && text[p] != '\n') {
      ++p;
    }
    ++p;
  } else if (text[p] == '"' || text[p] == '\'') {
    ++p;
  }
  // The value is the file's text minus what YAML takes away: indentation, line breaks
  // folded into spaces, escape backslashes and doubled quotes. Walk both together and
  // skip, in the file, whatever the value does not contain.
  raw_.reserve(value.size());
  // The longest run of file characters one value character can stand for is an escape
  // such as \U0001F600. A walk that skips more has lost the thread; it stops there
  // rather than scanning on to the end of the file for every rule.
  constexpr std::size_t longest_escape = 10;
  for (char c : value) {
    std::size_t skipped = 0;
    while (p < text.size() && text[p] != c && skipped <= longest_escape) {
      if (is_blank(text[p])) {
        ++p;  // indentation, or a line break folded into a space
        continue;
      }
      if (is_blank(c)) {
        break;  // a folded line break: the space stands where the next line starts
      }
      ++p;  // an escape character or a doubled quote
      ++skipped;
    }
    if (p >= text.size() || skipped > longest_escape) {
      raw_.clear();  // lost the thread (an escape the walk cannot follow): use the start
      return;
    }
    raw_.push_back(p);
    if (text[p] == c) {
      ++p;
    }
  }
}

config::mark scalar_positions::at_offset(std::size_t offset) const {
  if (raw_.empty()) {
    return file_->position_at(fallback_);
  }
  if (offset < raw_.size()) {
    return file_->position_at(raw_[offset]);
  }
  return file_->position_at(raw_.back() + 1);
}

}  // namespace baton::config::detail
