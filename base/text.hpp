#pragma once
// Small text helpers shared by the config loader, the rule compiler and every printer.
//
// Text from outside (configuration, scenarios, databases, flags) may hold terminal
// control sequences and bytes that are not UTF-8. Printers pass it through one of the
// helpers below at the point where it is written: `printable` for text meant for a
// terminal or a log line, `valid_utf8` for JSON (whose serialiser escapes control
// characters itself but copies bytes as they are).
#include <cstddef>
#include <string>
#include <string_view>

namespace baton {

/// Levenshtein distance between two short strings: how "did you mean" suggestions
/// decide that "cio" is a typo of "caio" or "event.atrs" of "event.attrs".
std::size_t edit_distance(std::string_view a, std::string_view b);

/// `s` when it has at most `max_bytes` bytes, else its first bytes up to a character
/// boundary followed by "...", max_bytes in all (max_bytes >= 3): how messages quote
/// input that may be megabytes long without cutting a UTF-8 sequence in half.
std::string shortened(std::string_view s, std::size_t max_bytes);

/// Length (1 to 4) of the well-formed UTF-8 sequence starting at `s[i]`, or 0 when the
/// bytes there are not one (a stray continuation byte, an overlong form, a surrogate,
/// a code point past U+10FFFF, or a sequence cut short). Precondition: i < s.size().
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept;

/// Appends `s` as a JSON string: quotes, minimal escapes (backslash, quote, \b \f \n \r
/// \t, other control characters as \u00xx), and every byte that does not start a
/// well-formed UTF-8 sequence replaced by U+FFFD. The log's canonical encoding
/// (docs/log.md) is built on it, so a change here changes every hash.
void append_json_string(std::string& out, std::string_view s);

/// True when every byte of `s` belongs to a well-formed UTF-8 sequence.
bool is_valid_utf8(std::string_view s) noexcept;

/// `s` with every byte that is not part of a well-formed UTF-8 sequence replaced by
/// U+FFFD, so a JSON document built from it is valid UTF-8. Valid text is unchanged.
std::string valid_utf8(std::string_view s);

/// `s` safe to write to a terminal: C0 control characters (tab and line breaks
/// included), DEL and bytes that are not UTF-8 become `\xNN`; C1 controls and the
/// bidirectional overrides that can make text read differently from what it is
/// (U+202A..U+202E, U+2066..U+2069) become `\uNNNN`. Everything else, backslashes
/// included, is unchanged.
std::string printable(std::string_view s);

/// As printable(), appending to `out`.
void append_printable(std::string& out, std::string_view s);

/// As printable() but keeping line breaks ('\n'): for a whole multi-line report built
/// first and escaped once on its way out.
std::string printable_text(std::string_view s);

/// edit_distance(a, b) when it is at most `limit`, else limit + 1, in time proportional
/// to min(|a|, |b|) * limit instead of |a| * |b|: what lets "did you mean" compare an id
/// with thousands of others when only a distance of one or two can be a typo.
/// Text made safe for HTML and SVG element content and attribute values: & < > " ' are
/// escaped, C0 control characters (other than tab and newline) and DEL become spaces,
/// C1 controls and bidirectional overrides are shown as \uNNNN, and bytes that are not
/// UTF-8 become U+FFFD, so the page is valid UTF-8 whatever the input held.
std::string escape_markup(std::string_view s);

std::size_t bounded_edit_distance(std::string_view a, std::string_view b, std::size_t limit);

}  // namespace baton
