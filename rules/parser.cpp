#include "rules/parser.hpp"

#include <string>
#include <utility>

#include "rules/compile_failure.hpp"

namespace baton::rules {
namespace {

std::string at(source_position p) {
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

bool is_comparison(token_kind k) noexcept {
  switch (k) {
    case token_kind::eq:
    case token_kind::ne:
    case token_kind::lt:
    case token_kind::le:
    case token_kind::gt:
    case token_kind::ge:
    case token_kind::kw_in:
      return true;
    default:
      return false;
  }
}

bool is_literal(token_kind k) noexcept {
  return k == token_kind::string || k == token_kind::number || k == token_kind::duration ||
         k == token_kind::kw_true || k == token_kind::kw_false;
}

compare_op to_compare_op(token_kind k) noexcept {
  switch (k) {
    case token_kind::ne: return compare_op::ne;
    case token_kind::lt: return compare_op::lt;
    case token_kind::le: return compare_op::le;
    case token_kind::gt: return compare_op::gt;
    case token_kind::ge: return compare_op::ge;
    default: return compare_op::eq;
  }
}

class parser {
 public:
  parser(const std::vector<token>& tokens, std::string_view source)
      : tokens_(tokens), source_(source) {}

  node run() {
    if (peek().kind == token_kind::end) {
      fail(peek().position,
           "empty condition; expected an expression such as event.type == \"incident\"");
    }
    node root = parse_or();
    if (peek().kind == token_kind::rparen) {
      fail(peek().position, "unexpected \")\" with no matching \"(\"");
    }
    if (peek().kind != token_kind::end) {
      fail(peek().position, "expected \"&&\", \"||\" or end of expression, found " + found());
    }
    return root;
  }

 private:
  const token& peek() const noexcept { return tokens_[index_]; }
  const token& take() noexcept {
    const token& t = tokens_[index_];
    if (t.kind != token_kind::end) {
      ++index_;
    }
    return t;
  }
  std::uint32_t previous_end() const noexcept {
    return index_ == 0 ? 0 : tokens_[index_ - 1].end_offset;
  }
  std::string found() const { return describe(peek(), source_); }

  [[noreturn]] static void fail(source_position p, std::string message) {
    throw compile_failure(p, std::move(message));
  }

  // Depth of "(", "[", "!" and has( currently open; bounded so that no later stage
  // (checker, code generator, evaluation stack) can be driven arbitrarily deep.
  void enter(const token& t) {
    if (++depth_ > max_nesting) {
      fail(t.position, "expression nested too deeply: more than " + std::to_string(max_nesting) +
                           " levels of \"(\", \"[\", \"!\" or has(); split the condition or "
                           "remove redundant parentheses");
    }
  }
  void leave() noexcept { --depth_; }

  node parse_or() { return parse_chain(token_kind::or_or, node_kind::logical_or); }
  node parse_and() { return parse_chain(token_kind::and_and, node_kind::logical_and); }

  node parse_chain(token_kind separator, node_kind kind) {
    node first = kind == node_kind::logical_or ? parse_and() : parse_not();
    if (peek().kind != separator) {
      return first;
    }
    node chain;
    chain.kind = kind;
    chain.position = first.position;
    chain.children.push_back(std::move(first));
    while (peek().kind == separator) {
      take();
      chain.children.push_back(kind == node_kind::logical_or ? parse_and() : parse_not());
    }
    chain.end_offset = previous_end();
    return chain;
  }

  node parse_not() {
    if (peek().kind != token_kind::bang) {
      return parse_comparison();
    }
    const token& bang = take();
    enter(bang);
    node n;
    n.kind = node_kind::logical_not;
    n.position = bang.position;
    n.children.push_back(parse_not());
    n.end_offset = previous_end();
    leave();
    return n;
  }

  node parse_comparison() {
    node left = parse_operand();
    if (!is_comparison(peek().kind)) {
      return left;
    }
    const token& op = take();
    node n;
    n.kind = op.kind == token_kind::kw_in ? node_kind::in : node_kind::compare;
    n.op = to_compare_op(op.kind);
    n.position = left.position;
    n.operator_position = op.position;
    n.children.push_back(std::move(left));
    n.children.push_back(parse_operand());
    n.end_offset = previous_end();
    if (is_comparison(peek().kind)) {
      fail(peek().position, "comparisons do not chain: found " + found() + " after a " +
                                "comparison; expected \"&&\", \"||\" or end of expression "
                                "(write a < b && b < c, or add parentheses)");
    }
    return n;
  }

  node parse_operand() {
    const token& t = peek();
    if (is_literal(t.kind)) {
      return parse_literal();
    }
    switch (t.kind) {
      case token_kind::path: {
        take();
        node n;
        n.kind = node_kind::path;
        n.position = t.position;
        n.end_offset = t.end_offset;
        n.text = t.text;
        return n;
      }
      case token_kind::kw_has:
        return parse_has();
      case token_kind::lparen: {
        const token& open = take();
        enter(open);
        node inner = parse_or();
        expect_close(token_kind::rparen, open);
        leave();
        return inner;
      }
      case token_kind::lbracket:
        return parse_list();
      case token_kind::rparen:
        fail(t.position, "expected a value before \")\": a field such as event.type, a literal, "
                         "has(...), \"(\" or \"[\"");
      default:
        fail(t.position, "expected a value (a field such as event.type, a literal, has(...), "
                         "\"(\" or \"[\"), found " + found());
    }
  }

  void expect_close(token_kind close, const token& open) {
    if (peek().kind != close) {
      std::string closing(spelling(close));
      std::string opening(spelling(open.kind));
      fail(peek().position, "expected \"" + closing + "\" to close \"" + opening +
                                "\" opened at " + at(open.position) + ", found " + found());
    }
    take();
  }

  node parse_literal() {
    const token& t = take();
    node n;
    n.kind = node_kind::literal;
    n.position = t.position;
    n.end_offset = t.end_offset;
    switch (t.kind) {
      case token_kind::string:
        n.literal.type = value_type::string;
        n.literal.text = t.text;
        break;
      case token_kind::number:
        n.literal.type = value_type::number;
        n.literal.number = t.number;
        break;
      case token_kind::duration:
        n.literal.type = value_type::duration;
        n.literal.dur = t.dur;
        break;
      default:
        n.literal.type = value_type::boolean;
        n.literal.boolean = t.kind == token_kind::kw_true;
        break;
    }
    n.type = n.literal.type;
    return n;
  }

  node parse_has() {
    const token& has = take();
    enter(has);
    if (peek().kind != token_kind::lparen) {
      fail(peek().position, "expected \"(\" after has, as in has(event.attrs.customer_harm), "
                            "found " + found());
    }
    const token& open = take();
    if (peek().kind != token_kind::path) {
      fail(peek().position, "has() takes a field such as has(event.attrs.customer_harm) or "
                            "has(system.vendor), found " + found());
    }
    const token& path = take();
    node target;
    target.kind = node_kind::path;
    target.position = path.position;
    target.end_offset = path.end_offset;
    target.text = path.text;
    expect_close(token_kind::rparen, open);
    leave();
    node n;
    n.kind = node_kind::has;
    n.position = has.position;
    n.end_offset = previous_end();
    n.children.push_back(std::move(target));
    return n;
  }

  node parse_list() {
    const token& open = take();
    enter(open);
    node n;
    n.kind = node_kind::list;
    n.type = value_type::list;
    n.position = open.position;
    while (peek().kind != token_kind::rbracket) {
      if (!is_literal(peek().kind)) {
        if (peek().kind == token_kind::end) {
          expect_close(token_kind::rbracket, open);
        }
        fail(peek().position, "list elements must be literals (strings, numbers, durations, "
                              "true or false), found " + found());
      }
      n.children.push_back(parse_literal());
      if (peek().kind == token_kind::comma) {
        take();  // a trailing comma is allowed: lists are often written one item a line
        continue;
      }
      if (peek().kind != token_kind::rbracket) {
        if (is_literal(peek().kind)) {
          fail(peek().position, "expected \",\" between list elements, found " + found());
        }
        expect_close(token_kind::rbracket, open);
      }
    }
    take();
    leave();
    n.end_offset = previous_end();
    return n;
  }

  const std::vector<token>& tokens_;
  std::string_view source_;
  std::size_t index_ = 0;
  std::uint32_t depth_ = 0;
};

}  // namespace

node parse(const std::vector<token>& tokens, std::string_view source) {
  return parser(tokens, source).run();
}

}  // namespace baton::rules
