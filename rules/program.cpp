#include "rules/program.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "rules/fields.hpp"

namespace baton::rules {
namespace {

value absent() noexcept {
  value v;
  v.kind = value_kind::absent;
  v.number = 0;
  return v;
}

value of_bool(bool b) noexcept {
  value v;
  v.kind = value_kind::boolean;
  v.boolean = b;
  return v;
}

value of_number(double d) noexcept {
  value v;
  v.kind = value_kind::number;
  v.number = d;
  return v;
}

value of_duration(duration d) noexcept {
  value v;
  v.kind = value_kind::duration;
  v.ms = d.count();
  return v;
}

value of_text(std::string_view s) noexcept {
  value v;
  v.kind = value_kind::string;
  v.text = text_ref{s.data(), s.size()};
  return v;
}

value of_list(std::span<const std::string> list) noexcept {
  value v;
  v.kind = value_kind::string_list;
  v.list = string_list_ref{list.data(), list.size()};
  return v;
}

std::string_view view(const text_ref& t) noexcept { return {t.data, t.size}; }

// A system-less event reads every system.* field as absent; so does a context without
// an incident (callers always pass one, but a missing pointer must not crash).
value load_field(const context& ctx, field_id f) noexcept {
  const event_view* e = ctx.event;
  const system_view* s = ctx.system;
  const incident_view* i = ctx.incident;
  switch (f) {
    case field_id::event_type: return e != nullptr ? of_text(e->type) : absent();
    case field_id::event_severity: return e != nullptr ? of_text(e->severity) : absent();
    case field_id::event_source: return e != nullptr ? of_text(e->source) : absent();
    case field_id::event_summary: return e != nullptr ? of_text(e->summary) : absent();
    case field_id::system_id: return s != nullptr ? of_text(s->id) : absent();
    case field_id::system_name: return s != nullptr ? of_text(s->name) : absent();
    case field_id::system_business_unit: return s != nullptr ? of_text(s->business_unit) : absent();
    case field_id::system_domain: return s != nullptr ? of_text(s->domain) : absent();
    case field_id::system_vendor: return s != nullptr ? of_text(s->vendor) : absent();
    case field_id::system_risk_tier: return s != nullptr ? of_text(s->risk_tier) : absent();
    case field_id::system_data: return s != nullptr ? of_list(s->data) : absent();
    case field_id::incident_age: return i != nullptr ? of_duration(i->age) : absent();
    case field_id::incident_event_count:
      return i != nullptr ? of_number(static_cast<double>(i->event_count)) : absent();
    case field_id::incident_state: return i != nullptr ? of_text(i->state) : absent();
  }
  return absent();
}

// An attribute takes the kind of the value it holds; a missing or null one is absent.
value load_attribute(const context& ctx, std::string_view key) noexcept {
  if (ctx.event == nullptr || ctx.event->attrs == nullptr) {
    return absent();
  }
  const attribute_value* v = find_attribute(*ctx.event->attrs, key);
  if (v == nullptr) {
    return absent();
  }
  if (const bool* b = std::get_if<bool>(v)) {
    return of_bool(*b);
  }
  if (const double* d = std::get_if<double>(v)) {
    return of_number(*d);
  }
  if (const std::string* s = std::get_if<std::string>(v)) {
    return of_text(*s);
  }
  return absent();
}

// A string attribute compared with a duration literal is read as a duration ("2h").
std::optional<std::int64_t> as_duration(const value& v) noexcept {
  if (v.kind == value_kind::duration) {
    return v.ms;
  }
  if (v.kind == value_kind::string) {
    std::optional<duration> d = parse_duration(view(v.text));
    if (d) {
      return d->count();
    }
  }
  return std::nullopt;
}

// Absent operands and operands of different kinds make every comparison false,
// including "!=": a missing attribute is not "different from 5", it is unknown.
bool compare(const value& a, const value& b, compare_op op) noexcept {
  if (a.kind != b.kind) {
    if ((a.kind == value_kind::duration && b.kind == value_kind::string) ||
        (a.kind == value_kind::string && b.kind == value_kind::duration)) {
      std::optional<std::int64_t> x = as_duration(a);
      std::optional<std::int64_t> y = as_duration(b);
      return x && y && compare(op, *x, *y);
    }
    return false;
  }
  switch (a.kind) {
    case value_kind::boolean:
      return (op == compare_op::eq && a.boolean == b.boolean) ||
             (op == compare_op::ne && a.boolean != b.boolean);
    case value_kind::number: return compare(op, a.number, b.number);
    case value_kind::duration: return compare(op, a.ms, b.ms);
    case value_kind::string: {
      // Equality only: the checker rejects ordering strings; an attribute pair that
      // turns out to hold strings compares false.
      bool equal = a.text.size == b.text.size && view(a.text) == view(b.text);
      return (op == compare_op::eq && equal) || (op == compare_op::ne && !equal);
    }
    case value_kind::absent:
    case value_kind::string_list:
      return false;
  }
  return false;
}

bool contains(const value& list, const value& x) noexcept {
  if (list.kind != value_kind::string_list || x.kind != value_kind::string) {
    return false;
  }
  std::string_view wanted = view(x.text);
  for (std::size_t i = 0; i < list.list.size; ++i) {
    if (list.list.data[i] == wanted) {
      return true;
    }
  }
  return false;
}

bool has_text(const value& v) noexcept { return v.kind == value_kind::string && v.text.size > 0; }

}  // namespace

bool program::evaluate(const context& ctx) const noexcept {
  value stack[stack_capacity];  // deliberately uninitialised: slots are written before read
  std::uint32_t sp = 0;         // number of slots in use
  const instruction* code = code_.data();
  std::uint32_t pc = 0;

  auto in_list = [this](const value& x, std::uint32_t list) noexcept {
    const list_span& span = lists_[list];
    const value* first = constants_.data() + span.first;
    for (std::uint32_t i = 0; i < span.count; ++i) {
      if (compare(x, first[i], compare_op::eq)) {
        return true;
      }
    }
    return false;
  };

  for (;;) {
    const instruction& in = code[pc++];
    switch (in.code) {
      case opcode::push_bool:
        stack[sp++] = of_bool(in.a != 0);
        break;
      case opcode::push_const:
        stack[sp++] = constants_[in.a];
        break;
      case opcode::load_field:
        stack[sp++] = load_field(ctx, static_cast<field_id>(in.a));
        break;
      case opcode::load_attr:
        stack[sp++] = load_attribute(ctx, keys_[in.a]);
        break;
      case opcode::compare:
        --sp;
        stack[sp - 1] = of_bool(compare(stack[sp - 1], stack[sp], in.op));
        break;
      case opcode::in_list:
        stack[sp - 1] = of_bool(in_list(stack[sp - 1], in.b));
        break;
      case opcode::contains:
        --sp;
        stack[sp - 1] = of_bool(contains(stack[sp], stack[sp - 1]));
        break;
      case opcode::has_field:
        stack[sp++] = of_bool(has_text(load_field(ctx, static_cast<field_id>(in.a))));
        break;
      case opcode::has_attr:
        stack[sp++] = of_bool(load_attribute(ctx, keys_[in.a]).kind != value_kind::absent);
        break;
      case opcode::truthy: {
        const value& v = stack[sp - 1];
        stack[sp - 1] = of_bool(v.kind == value_kind::boolean && v.boolean);
        break;
      }
      case opcode::logical_not:
        stack[sp - 1].boolean = !stack[sp - 1].boolean;
        break;
      case opcode::jump_if_false:
        if (!stack[sp - 1].boolean) {
          pc = in.a;
        } else {
          --sp;
        }
        break;
      case opcode::jump_if_true:
        if (stack[sp - 1].boolean) {
          pc = in.a;
        } else {
          --sp;
        }
        break;
      case opcode::field_compare_const:
        stack[sp++] = of_bool(
            compare(load_field(ctx, static_cast<field_id>(in.a)), constants_[in.b], in.op));
        break;
      case opcode::attr_compare_const:
        stack[sp++] = of_bool(compare(load_attribute(ctx, keys_[in.a]), constants_[in.b], in.op));
        break;
      case opcode::field_in_list:
        stack[sp++] = of_bool(in_list(load_field(ctx, static_cast<field_id>(in.a)), in.b));
        break;
      case opcode::attr_in_list:
        stack[sp++] = of_bool(in_list(load_attribute(ctx, keys_[in.a]), in.b));
        break;
      case opcode::const_in_field:
        stack[sp++] =
            of_bool(contains(load_field(ctx, static_cast<field_id>(in.b)), constants_[in.a]));
        break;
      case opcode::attr_truthy: {
        value v = load_attribute(ctx, keys_[in.a]);
        stack[sp++] = of_bool(v.kind == value_kind::boolean && v.boolean);
        break;
      }
      case opcode::ret:
        return stack[sp - 1].boolean;
    }
  }
}

namespace {

std::string_view name(opcode c) noexcept {
  switch (c) {
    case opcode::push_bool: return "push_bool";
    case opcode::push_const: return "push_const";
    case opcode::load_field: return "load_field";
    case opcode::load_attr: return "load_attr";
    case opcode::compare: return "compare";
    case opcode::in_list: return "in_list";
    case opcode::contains: return "contains";
    case opcode::has_field: return "has_field";
    case opcode::has_attr: return "has_attr";
    case opcode::truthy: return "truthy";
    case opcode::logical_not: return "not";
    case opcode::jump_if_false: return "jump_if_false";
    case opcode::jump_if_true: return "jump_if_true";
    case opcode::field_compare_const: return "field_compare_const";
    case opcode::attr_compare_const: return "attr_compare_const";
    case opcode::field_in_list: return "field_in_list";
    case opcode::attr_in_list: return "attr_in_list";
    case opcode::const_in_field: return "const_in_field";
    case opcode::attr_truthy: return "attr_truthy";
    case opcode::ret: return "ret";
  }
  return "?";
}

std::string_view name(compare_op op) noexcept {
  switch (op) {
    case compare_op::eq: return "==";
    case compare_op::ne: return "!=";
    case compare_op::lt: return "<";
    case compare_op::le: return "<=";
    case compare_op::gt: return ">";
    case compare_op::ge: return ">=";
  }
  return "?";
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string show(const value& v) {
  switch (v.kind) {
    case value_kind::boolean: return v.boolean ? "true" : "false";
    case value_kind::number: {
      char buffer[32];
      auto result = std::to_chars(buffer, buffer + sizeof buffer, v.number);
      return std::string(buffer, result.ptr);
    }
    case value_kind::duration: return format_duration(duration{v.ms});
    case value_kind::string: return quoted(view(v.text));
    case value_kind::string_list: return "<list>";
    case value_kind::absent: return "<absent>";
  }
  return "?";
}

std::string field_name(std::uint32_t id) {
  return std::string(info(static_cast<field_id>(id)).name);
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) {
    s.append(width - s.size(), ' ');
  }
  return s;
}

}  // namespace

std::string program::disassemble() const {
  std::string out;
  auto list = [this](std::uint32_t index) {
    const list_span& span = lists_[index];
    std::string text = "[";
    for (std::uint32_t i = 0; i < span.count; ++i) {
      text += i == 0 ? "" : ", ";
      text += show(constants_[span.first + i]);
    }
    return text + "]";
  };
  auto key = [this](std::uint32_t index) {
    return std::string(attribute_prefix) + std::string(keys_[index]);
  };
  for (std::size_t pc = 0; pc < code_.size(); ++pc) {
    const instruction& in = code_[pc];
    std::string operands;
    switch (in.code) {
      case opcode::push_bool: operands = in.a != 0 ? "true" : "false"; break;
      case opcode::push_const: operands = show(constants_[in.a]); break;
      case opcode::load_field:
      case opcode::has_field: operands = field_name(in.a); break;
      case opcode::load_attr:
      case opcode::has_attr:
      case opcode::attr_truthy: operands = key(in.a); break;
      case opcode::compare: operands = std::string(name(in.op)); break;
      case opcode::in_list: operands = list(in.b); break;
      case opcode::jump_if_false:
      case opcode::jump_if_true: operands = "-> " + std::to_string(in.a); break;
      case opcode::field_compare_const:
        operands = field_name(in.a) + " " + std::string(name(in.op)) + " " +
                   show(constants_[in.b]);
        break;
      case opcode::attr_compare_const:
        operands = key(in.a) + " " + std::string(name(in.op)) + " " + show(constants_[in.b]);
        break;
      case opcode::field_in_list: operands = field_name(in.a) + " in " + list(in.b); break;
      case opcode::attr_in_list: operands = key(in.a) + " in " + list(in.b); break;
      case opcode::const_in_field:
        operands = show(constants_[in.a]) + " in " + field_name(in.b);
        break;
      case opcode::contains:
      case opcode::truthy:
      case opcode::logical_not:
      case opcode::ret: break;
    }
    std::string number = std::to_string(pc);
    out += pad(std::string(4 - std::min<std::size_t>(4, number.size()), ' ') + number, 6);
    out += pad(std::string(name(in.code)), 21);
    out += operands;
    while (!out.empty() && out.back() == ' ') {
      out.pop_back();
    }
    out += '\n';
  }
  out += "max_stack " + std::to_string(max_stack_) + "\n";
  return out;
}

}  // namespace baton::rules
