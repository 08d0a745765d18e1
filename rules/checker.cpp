#include "rules/checker.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "base/text.hpp"
#include "rules/compile_failure.hpp"

namespace baton::rules {
namespace {

std::string_view spelling(compare_op op) noexcept {
  switch (op) {
    case compare_op::eq: return "==";
    case compare_op::ne: return "!=";
    case compare_op::lt: return "<";
    case compare_op::le: return "<=";
    case compare_op::gt: return ">";
    case compare_op::ge: return ">=";
  }
  return "==";
}

bool is_ordering(compare_op op) noexcept { return op != compare_op::eq && op != compare_op::ne; }

bool is_orderable(value_type t) noexcept {
  return t == value_type::number || t == value_type::duration || t == value_type::dynamic;
}

// Two literals of one type (checked before), compared as evaluation would.
bool fold_compare(compare_op op, const literal_value& a, const literal_value& b) {
  switch (a.type) {
    case value_type::boolean: return compare(op, a.boolean, b.boolean);
    case value_type::number: return compare(op, a.number, b.number);
    case value_type::duration: return compare(op, a.dur.count(), b.dur.count());
    case value_type::string: return compare(op, a.text, b.text);
    default: return false;
  }
}

void make_constant(node& n, bool value) {
  n.kind = node_kind::literal;
  n.type = value_type::boolean;
  n.literal = literal_value{};
  n.literal.boolean = value;
  n.children.clear();
}

bool is_constant(const node& n) noexcept {
  return n.kind == node_kind::literal && n.type == value_type::boolean;
}

class checker {
 public:
  checker(const schema& s, std::string_view source, std::vector<compile_warning>& warnings)
      : schema_(s), source_(source), warnings_(warnings) {}

  void check_root(node& root) {
    check(root);
    if (root.type == value_type::dynamic) {
      wrap_truthy(root);
    } else if (root.type != value_type::boolean) {
      fail(root.position, "the condition must be true or false, found " + shown(root) + " (" +
                              std::string(describe(root.type)) + "); compare it, e.g. " +
                              example_comparison(root));
    }
  }

 private:
  [[noreturn]] static void fail(source_position p, std::string message) {
    throw compile_failure(p, std::move(message));
  }

  // The node's source text, whitespace collapsed and shortened, for messages.
  std::string shown(const node& n) const {
    std::string_view text = source_.substr(n.position.offset, n.end_offset - n.position.offset);
    std::string out;
    bool space = false;
    for (char c : text) {
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        space = true;
        continue;
      }
      if (space && !out.empty()) {
        out += ' ';
      }
      space = false;
      out += c;
    }
    constexpr std::size_t max_shown = 51;  // 48 bytes of the operand and "..."
    return shortened(out, max_shown);
  }

  std::string example_comparison(const node& n) const {
    switch (n.type) {
      case value_type::string: return shown(n) + " == \"...\" or has(" + shown(n) + ")";
      case value_type::number: return shown(n) + " > 10";
      case value_type::duration: return shown(n) + " > 24h";
      case value_type::string_list: return "\"special_category\" in " + shown(n);
      default: return shown(n) + " == true";
    }
  }

  std::string typed(const node& n) const {
    return shown(n) + " (" + std::string(describe(n.type)) + ")";
  }

  void check(node& n) {
    switch (n.kind) {
      case node_kind::literal:
        n.type = n.literal.type;
        return;
      case node_kind::list: check_list(n); return;
      case node_kind::path: resolve(n); return;
      case node_kind::has: check_has(n); return;
      case node_kind::logical_not: check_not(n); return;
      case node_kind::logical_and:
      case node_kind::logical_or: check_logical(n); return;
      case node_kind::compare: check_compare(n); return;
      case node_kind::in: check_in(n); return;
      case node_kind::field:
      case node_kind::attribute:
      case node_kind::truthy:
        return;  // produced by this checker; never in parser output
    }
  }

  void resolve(node& n) {
    std::string error;
    std::optional<resolved_path> r = resolve_path(n.text, error);
    if (!r) {
      fail(n.position, error);
    }
    if (r->field != nullptr) {
      n.kind = node_kind::field;
      n.field = r->field->id;
      n.type = r->field->type;
    } else {
      n.kind = node_kind::attribute;
      n.text = r->attribute_key;
      n.type = value_type::dynamic;
    }
  }

  void check_list(node& n) {
    n.type = value_type::list;
    for (node& element : n.children) {
      check(element);
    }
    if (n.children.empty()) {
      return;
    }
    const node& first = n.children.front();
    n.element_type = first.type;
    for (const node& element : n.children) {
      if (element.type != first.type) {
        fail(element.position, "list elements must all have one type: " + typed(element) +
                                   " differs from the first element, " + typed(first));
      }
    }
  }

  void check_has(node& n) {
    node& target = n.children.front();
    resolve(target);
    n.type = value_type::boolean;
    if (target.kind == node_kind::field && target.type != value_type::string) {
      fail(target.position, "has() takes event.attrs.<name> or a string field (true when it is "
                            "not empty), found " + typed(target));
    }
  }

  void wrap_truthy(node& n) {
    node inner = std::move(n);
    n = node{};
    n.kind = node_kind::truthy;
    n.type = value_type::boolean;
    n.position = inner.position;
    n.end_offset = inner.end_offset;
    n.children.push_back(std::move(inner));
  }

  // An operand of &&, || or ! must be a condition. A dynamic attribute is accepted and
  // read as "is bool true", so `event.attrs.customer_harm && ...` works.
  void require_condition(node& operand, std::string_view op) {
    if (operand.type == value_type::dynamic) {
      wrap_truthy(operand);
      return;
    }
    if (operand.type != value_type::boolean) {
      fail(operand.position, "\"" + std::string(op) + "\" needs conditions (true or false), "
                             "found " + typed(operand) + "; compare it, e.g. " +
                             example_comparison(operand));
    }
  }

  void check_not(node& n) {
    node& child = n.children.front();
    check(child);
    require_condition(child, "!");
    n.type = value_type::boolean;
    if (is_constant(child)) {
      make_constant(n, !child.literal.boolean);
    }
  }

  void check_logical(node& n) {
    bool is_and = n.kind == node_kind::logical_and;
    std::string_view op = is_and ? "&&" : "||";
    for (node& child : n.children) {
      check(child);
      require_condition(child, op);
    }
    n.type = value_type::boolean;
    // false absorbs &&, true absorbs ||; the other constant is the identity and drops out.
    bool absorbing = !is_and;
    std::vector<node> kept;
    for (node& child : n.children) {
      if (is_constant(child)) {
        if (child.literal.boolean == absorbing) {
          make_constant(n, absorbing);
          return;
        }
        continue;
      }
      kept.push_back(std::move(child));
    }
    if (kept.empty()) {
      make_constant(n, !absorbing);
    } else if (kept.size() == 1) {
      node only = std::move(kept.front());
      n = std::move(only);
    } else {
      n.children = std::move(kept);
    }
  }

  [[noreturn]] void type_mismatch(const node& expected_side, const node& wrong_side,
                                  std::string_view op) {
    fail(wrong_side.position, "cannot compare " + typed(expected_side) + " with " +
                                  typed(wrong_side) + " using \"" + std::string(op) +
                                  "\"; expected " +
                                  std::string(expected_example(expected_side.type)));
  }

  void check_compare(node& n) {
    node& left = n.children[0];
    node& right = n.children[1];
    check(left);
    check(right);
    std::string_view op = spelling(n.op);
    for (const node* side : {&left, &right}) {
      if (side->type == value_type::list) {
        fail(side->position, "a list can only appear on the right of \"in\", as in "
                             "event.type in [\"incident\", \"drift\"]");
      }
      if (side->type == value_type::string_list) {
        fail(side->position, shown(*side) + " is a list of strings; test membership with "
                             "\"value\" in " + shown(*side));
      }
    }
    n.type = value_type::boolean;

    // The side a mismatch is blamed on: a literal when there is one (the field's type
    // is what the author meant), else the right-hand side.
    bool blame_left = left.kind == node_kind::literal && right.kind != node_kind::literal;
    const node& expected_side = blame_left ? right : left;
    const node& wrong_side = blame_left ? left : right;

    if (is_ordering(n.op)) {
      for (const node* side : {&left, &right}) {
        if (!is_orderable(side->type)) {
          fail(side->position, "\"" + std::string(op) + "\" needs two numbers or two "
                               "durations, found " + typed(*side));
        }
      }
    }
    if (left.type != right.type && left.type != value_type::dynamic &&
        right.type != value_type::dynamic) {
      type_mismatch(expected_side, wrong_side, op);
    }

    if (left.kind == node_kind::literal && right.kind == node_kind::literal) {
      make_constant(n, fold_compare(n.op, left.literal, right.literal));
      return;
    }
    if (n.op == compare_op::eq || n.op == compare_op::ne) {
      const node* field = left.kind == node_kind::field ? &left : &right;
      const node* literal = left.kind == node_kind::field ? &right : &left;
      if (field->kind == node_kind::field && literal->kind == node_kind::literal &&
          !in_closed_set(*field, *literal)) {
        make_constant(n, n.op == compare_op::ne);
      }
    }
  }

  // False (and a warning) when `field` has a closed set and the string `literal` is not
  // in it: a comparison with that value can never hold.
  bool in_closed_set(const node& field, const node& literal) {
    if (literal.type != value_type::string) {
      return true;
    }
    const field_info& f = info(field.field);
    const value_set& known = closed_values(f.set, schema_);
    if (known.empty() || known.contains(literal.literal.text)) {
      return true;
    }
    warnings_.push_back({literal.position, std::string(f.name) + " is never " + shown(literal) +
                                               "; known: " + listed(known)});
    return false;
  }

  // The first values of a set, for a warning: every rule of a configuration with
  // thousands of event types may name one that is not among them, and each warning
  // listing them all would make the output quadratic.
  static std::string listed(const value_set& known) {
    constexpr std::size_t max_listed = 12;
    const std::vector<std::string>& values = known.values();
    std::size_t count = std::min(values.size(), max_listed);
    std::string list;
    for (std::size_t i = 0; i < count; ++i) {
      list += i > 0 ? ", " : "";
      list += values[i];
    }
    if (values.size() > count) {
      list += ", ... (" + std::to_string(values.size()) + " in all)";
    }
    return list;
  }

  void check_in(node& n) {
    node& left = n.children[0];
    node& right = n.children[1];
    check(left);
    check(right);
    n.type = value_type::boolean;
    if (left.type == value_type::list || left.type == value_type::string_list) {
      fail(left.position, "\"in\" needs a single value on its left, found " + typed(left));
    }
    if (right.type == value_type::string_list) {
      if (left.type != value_type::string && left.type != value_type::dynamic) {
        fail(left.position, shown(right) + " holds strings; expected a string such as "
                            "\"special_category\" on the left of \"in\", found " + typed(left));
      }
      return;
    }
    if (right.type != value_type::list) {
      fail(right.position, "\"in\" needs a list on its right ([...] or system.data), found " +
                               typed(right));
    }
    if (right.children.empty()) {
      warnings_.push_back({right.position, shown(n) + " is never true: the list is empty"});
      make_constant(n, false);
      return;
    }
    if (left.type != right.element_type && left.type != value_type::dynamic) {
      fail(right.children.front().position,
           "cannot look for " + typed(left) + " in a list of " +
               std::string(describe(right.element_type)).substr(2) + "s; expected elements "
               "of the same type, " + std::string(expected_example(left.type)));
    }
    if (left.kind == node_kind::literal) {
      bool found = std::any_of(right.children.begin(), right.children.end(), [&](const node& e) {
        return fold_compare(compare_op::eq, left.literal, e.literal);
      });
      make_constant(n, found);
      return;
    }
    if (left.kind == node_kind::field) {
      std::vector<node> kept;
      for (node& element : right.children) {
        if (in_closed_set(left, element)) {
          kept.push_back(std::move(element));
        }
      }
      right.children = std::move(kept);
      if (right.children.empty()) {
        make_constant(n, false);
      }
    }
  }

  const schema& schema_;
  std::string_view source_;
  std::vector<compile_warning>& warnings_;
};

}  // namespace

void check_condition(node& root, const schema& s, std::string_view source,
                     std::vector<compile_warning>& warnings) {
  checker(s, source, warnings).check_root(root);
}

}  // namespace baton::rules
