#include "rules/code_generator.hpp"

#include <utility>

#include "rules/compile_failure.hpp"

namespace baton::rules {
namespace {

// `literal op x` is `x flipped(op) literal`.
compare_op flipped(compare_op op) noexcept {
  switch (op) {
    case compare_op::lt: return compare_op::gt;
    case compare_op::le: return compare_op::ge;
    case compare_op::gt: return compare_op::lt;
    case compare_op::ge: return compare_op::le;
    default: return op;
  }
}

bool is_load(const node& n) noexcept {
  return n.kind == node_kind::field || n.kind == node_kind::attribute;
}

}  // namespace

std::shared_ptr<const program> code_generator::generate(const node& root, std::string source,
                                                        std::vector<compile_warning> warnings) {
  auto p = std::make_shared<program>();
  p->source_ = std::move(source);
  p->warnings_ = std::move(warnings);
  p->never_true_ = root.kind == node_kind::literal && !root.literal.boolean;
  code_generator gen(*p);
  gen.emit(root);
  gen.add(opcode::ret);
  return p;
}

std::size_t code_generator::add(opcode code, std::uint32_t a, std::uint32_t b, compare_op op) {
  p_.code_.push_back(instruction{code, op, a, b});
  return p_.code_.size() - 1;
}

void code_generator::adjust(int slots) {
  depth_ = static_cast<std::uint32_t>(static_cast<int>(depth_) + slots);
  if (depth_ > p_.max_stack_) {
    p_.max_stack_ = depth_;
    if (depth_ > program::stack_capacity) {
      // The nesting limit makes this unreachable; refusing is still better than
      // writing past the evaluation stack.
      throw compile_failure({}, "condition too complex: needs more than " +
                                    std::to_string(program::stack_capacity) +
                                    " evaluation stack slots");
    }
  }
}

std::uint32_t code_generator::add_constant(const literal_value& lit) {
  value v{};
  switch (lit.type) {
    case value_type::boolean:
      v.kind = value_kind::boolean;
      v.boolean = lit.boolean;
      break;
    case value_type::number:
      v.kind = value_kind::number;
      v.number = lit.number;
      break;
    case value_type::duration:
      v.kind = value_kind::duration;
      v.ms = lit.dur.count();
      break;
    default: {
      const std::string& text = p_.strings_.emplace_back(lit.text);
      v.kind = value_kind::string;
      v.text = text_ref{text.data(), text.size()};
      break;
    }
  }
  p_.constants_.push_back(v);
  return static_cast<std::uint32_t>(p_.constants_.size() - 1);
}

std::uint32_t code_generator::add_list(const node& list) {
  program::list_span span{static_cast<std::uint32_t>(p_.constants_.size()),
                          static_cast<std::uint32_t>(list.children.size())};
  for (const node& element : list.children) {
    add_constant(element.literal);
  }
  p_.lists_.push_back(span);
  return static_cast<std::uint32_t>(p_.lists_.size() - 1);
}

std::uint32_t code_generator::add_key(const std::string& key) {
  const std::string& stored = p_.strings_.emplace_back(key);
  p_.keys_.emplace_back(stored);
  return static_cast<std::uint32_t>(p_.keys_.size() - 1);
}

void code_generator::emit(const node& n) {
  switch (n.kind) {
    case node_kind::literal:
      if (n.type == value_type::boolean) {
        add(opcode::push_bool, n.literal.boolean ? 1U : 0U);
      } else {
        add(opcode::push_const, add_constant(n.literal));
      }
      adjust(+1);
      return;
    case node_kind::field:
      add(opcode::load_field, static_cast<std::uint32_t>(n.field));
      adjust(+1);
      return;
    case node_kind::attribute:
      add(opcode::load_attr, add_key(n.text));
      adjust(+1);
      return;
    case node_kind::has: {
      const node& target = n.children.front();
      if (target.kind == node_kind::field) {
        add(opcode::has_field, static_cast<std::uint32_t>(target.field));
      } else {
        add(opcode::has_attr, add_key(target.text));
      }
      adjust(+1);
      return;
    }
    case node_kind::truthy: {
      const node& inner = n.children.front();
      if (inner.kind == node_kind::attribute) {
        add(opcode::attr_truthy, add_key(inner.text));
        adjust(+1);
      } else {
        emit(inner);
        add(opcode::truthy);
      }
      return;
    }
    case node_kind::logical_not:
      emit(n.children.front());
      add(opcode::logical_not);
      return;
    case node_kind::logical_and:
    case node_kind::logical_or:
      emit_logical(n);
      return;
    case node_kind::compare:
      emit_compare(n);
      return;
    case node_kind::in:
      emit_in(n);
      return;
    case node_kind::list:
    case node_kind::path:
      break;  // the checker resolves paths and lists appear only under `in`
  }
  throw compile_failure(n.position, "internal error: unexpected node in code generation");
}

// a && b && c:  a; jump_if_false end; b; jump_if_false end; c; end:
// The jump keeps the deciding value on the stack as the result; falling through pops it.
void code_generator::emit_logical(const node& n) {
  opcode jump = n.kind == node_kind::logical_and ? opcode::jump_if_false : opcode::jump_if_true;
  std::vector<std::size_t> to_patch;
  emit(n.children.front());
  for (std::size_t i = 1; i < n.children.size(); ++i) {
    to_patch.push_back(add(jump));
    adjust(-1);
    emit(n.children[i]);
  }
  auto end = static_cast<std::uint32_t>(p_.code_.size());
  for (std::size_t at : to_patch) {
    p_.code_[at].a = end;
  }
}

void code_generator::emit_compare(const node& n) {
  const node& left = n.children[0];
  const node& right = n.children[1];
  const node* load = nullptr;
  const node* literal = nullptr;
  compare_op op = n.op;
  if (is_load(left) && right.kind == node_kind::literal) {
    load = &left;
    literal = &right;
  } else if (left.kind == node_kind::literal && is_load(right)) {
    load = &right;
    literal = &left;
    op = flipped(op);
  }
  if (load != nullptr) {
    std::uint32_t constant = add_constant(literal->literal);
    if (load->kind == node_kind::field) {
      add(opcode::field_compare_const, static_cast<std::uint32_t>(load->field), constant, op);
    } else {
      add(opcode::attr_compare_const, add_key(load->text), constant, op);
    }
    adjust(+1);
    return;
  }
  emit(left);
  emit(right);
  add(opcode::compare, 0, 0, n.op);
  adjust(-1);
}

void code_generator::emit_in(const node& n) {
  const node& left = n.children[0];
  const node& right = n.children[1];
  if (right.kind == node_kind::list) {
    std::uint32_t list = add_list(right);
    if (left.kind == node_kind::field) {
      add(opcode::field_in_list, static_cast<std::uint32_t>(left.field), list);
      adjust(+1);
    } else if (left.kind == node_kind::attribute) {
      add(opcode::attr_in_list, add_key(left.text), list);
      adjust(+1);
    } else {
      emit(left);
      add(opcode::in_list, 0, list);
    }
    return;
  }
  // Right is a list field (system.data).
  if (left.kind == node_kind::literal) {
    add(opcode::const_in_field, add_constant(left.literal), static_cast<std::uint32_t>(right.field));
    adjust(+1);
    return;
  }
  emit(left);
  emit(right);
  add(opcode::contains);
  adjust(-1);
}

}  // namespace baton::rules
