// Evaluation semantics of compiled programs: every operator, dynamic attributes of each
// type, absent fields, has(), in, durations, the instruction listing, and that
// evaluation never allocates.
#include <atomic>
#include <cstdlib>
#include <new>

#include <catch2/catch.hpp>

#include "rules/condition.hpp"
#include "rules_fixture.hpp"

// Counts every allocation in this test executable, so a test can require that a loop of
// evaluations allocates nothing.
namespace {
std::atomic<long> allocation_count{0};
}  // namespace

void* operator new(std::size_t size) {
  allocation_count.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
// The nothrow forms too, so that every allocation is counted and freed by the same pair
// (Catch allocates with nothrow new; AddressSanitizer checks the pairing).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  allocation_count.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return ::operator new(size, tag);
}
// Not inlined: GCC would otherwise see free() applied to what `new` returned at call
// sites and warn (-Wmismatched-new-delete), although this pair is consistent.
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

using namespace baton::rules;
using namespace baton::rules::test;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;

TEST_CASE("comparison operators on numbers", "[rules]") {
  sample s;
  s.event_count = 3;
  s.attr("n", 2.5);
  CHECK(holds("incident.event_count == 3", s));
  CHECK_FALSE(holds("incident.event_count != 3", s));
  CHECK(holds("incident.event_count != 4", s));
  CHECK(holds("incident.event_count < 4", s));
  CHECK_FALSE(holds("incident.event_count < 3", s));
  CHECK(holds("incident.event_count <= 3", s));
  CHECK_FALSE(holds("incident.event_count <= 2", s));
  CHECK(holds("incident.event_count > 2", s));
  CHECK_FALSE(holds("incident.event_count > 3", s));
  CHECK(holds("incident.event_count >= 3", s));
  CHECK_FALSE(holds("incident.event_count >= 4", s));
  // Literal on the left: the operator is mirrored, not the meaning.
  CHECK(holds("4 > incident.event_count", s));
  CHECK_FALSE(holds("2 > incident.event_count", s));
  CHECK(holds("2 < event.attrs.n && event.attrs.n <= 2.5 && 3 >= event.attrs.n", s));
  CHECK(holds("event.attrs.n < incident.event_count", s));
}

TEST_CASE("comparison operators on durations against incident.age", "[rules]") {
  sample s;
  s.age = std::chrono::hours(25);
  CHECK(holds("incident.age > 24h", s));
  CHECK(holds("incident.age >= 25h", s));
  CHECK_FALSE(holds("incident.age > 25h", s));
  CHECK(holds("incident.age < 2d", s));
  CHECK(holds("incident.age <= 1d1h", s));
  CHECK(holds("incident.age == 1d1h", s));
  CHECK(holds("incident.age != 24h", s));
  CHECK(holds("24h < incident.age", s));
  s.age = std::chrono::minutes(90);
  CHECK(holds("incident.age == 1h30m && incident.age == 90m", s));
}

TEST_CASE("string equality and the other string fields", "[rules]") {
  sample s;
  s.type = "drift";
  s.severity = "critical";
  s.source = "prometheus";
  s.summary = "AUC fell";
  s.system_id = "fraud-1";
  s.system_name = "Fraud";
  s.business_unit = "payments";
  s.domain = "credit";
  s.vendor = "acme";
  s.state = "acknowledged";
  CHECK(holds(R"(event.type == "drift" && event.severity == "critical" &&
                 event.source == "prometheus" && event.summary == "AUC fell" &&
                 system.id == "fraud-1" && system.name == "Fraud" &&
                 system.business_unit == "payments" && system.domain == "credit" &&
                 system.vendor == "acme" && incident.state == "acknowledged")", s));
  CHECK(holds(R"(event.type != "intake")", s));
  CHECK_FALSE(holds(R"(event.type == "driftx")", sample{}));
  CHECK(holds("event.source == event.source", s));
  CHECK_FALSE(holds("event.source == event.type", s));
}

TEST_CASE("&& and || short-circuit through jumps that keep the deciding value", "[rules]") {
  condition c = must_compile(R"(event.type == "incident" && event.attrs.x == 1 || event.attrs.y)");
  CHECK_THAT(c.disassemble_for_test(),
             Equals("   0  field_compare_const  event.type == \"incident\"\n"
                    "   1  jump_if_false        -> 3\n"
                    "   2  attr_compare_const   event.attrs.x == 1\n"
                    "   3  jump_if_true         -> 5\n"
                    "   4  attr_truthy          event.attrs.y\n"
                    "   5  ret\n"
                    "max_stack 1\n"));
  sample s;
  CHECK_FALSE(s.eval(c));
  s.attr("y", true);
  CHECK(s.eval(c));
  sample t;
  t.attr("x", 1.0);
  CHECK(t.eval(c));
  t.type = "drift";
  CHECK_FALSE(t.eval(c));

  // Truth tables through the generic (unfused) path as well.
  for (bool a : {false, true}) {
    for (bool b : {false, true}) {
      sample v;
      v.attr("a", a).attr("b", b);
      CHECK(holds("event.attrs.a == true && event.attrs.b == true", v) == (a && b));
      CHECK(holds("event.attrs.a == true || event.attrs.b == true", v) == (a || b));
      CHECK(holds("(event.attrs.a == event.attrs.b) == true", v) == (a == b));
      CHECK(holds("event.attrs.a && !event.attrs.b", v) == (a && !b));
      CHECK(holds("!(event.attrs.a || event.attrs.b)", v) == !(a || b));
    }
  }
}

TEST_CASE("dynamic attributes of each type", "[rules]") {
  sample s;
  s.attr("flag", true).attr("off", false).attr("amount", 2'500'000.0).attr("grade", std::string("major"));
  s.attr("null", std::monostate{});

  CHECK(holds("event.attrs.flag == true", s));
  CHECK(holds("event.attrs.off == false", s));
  CHECK(holds("event.attrs.off != true", s));
  CHECK(holds("event.attrs.amount > 1000000", s));
  CHECK(holds("event.attrs.amount == 2.5e6", s));
  CHECK(holds("event.attrs.grade == \"major\"", s));
  CHECK(holds("event.attrs.grade != \"minor\"", s));

  // A value of another type than the other side compares false, with any operator.
  CHECK_FALSE(holds("event.attrs.grade == 1", s));
  CHECK_FALSE(holds("event.attrs.grade != 1", s));
  CHECK_FALSE(holds("event.attrs.amount == \"2500000\"", s));
  CHECK_FALSE(holds("event.attrs.flag == 1", s));
  CHECK_FALSE(holds("event.attrs.flag > 0", s));
  // Null behaves like a missing attribute.
  CHECK_FALSE(holds("event.attrs.null == true", s));
  CHECK_FALSE(holds("event.attrs.null != true", s));
}

TEST_CASE("a missing attribute makes every comparison false, != included", "[rules]") {
  sample s;
  CHECK_FALSE(holds("event.attrs.x == 5", s));
  CHECK_FALSE(holds("event.attrs.x != 5", s));
  CHECK_FALSE(holds("event.attrs.x < 5", s));
  CHECK_FALSE(holds("event.attrs.x >= 5", s));
  CHECK_FALSE(holds("event.attrs.x in [1, 2]", s));
  CHECK_FALSE(holds("event.attrs.x == event.attrs.x", s));
  // ! of such a comparison is true: "not (x is 5)".
  CHECK(holds("!(event.attrs.x == 5)", s));
  CHECK(holds("!(event.attrs.x != 5)", s));
}

TEST_CASE("a bare attribute as a condition means \"is bool true\"", "[rules]") {
  auto check = [](attribute_value v, bool expected) {
    sample s;
    s.attr("harm", std::move(v));
    CHECK(holds("event.attrs.harm", s) == expected);
    CHECK(holds("!event.attrs.harm", s) == !expected);
    CHECK(holds("event.attrs.harm && true", s) == expected);
  };
  check(true, true);
  check(false, false);
  check(std::string("true"), false);
  check(1.0, false);
  check(std::monostate{}, false);
  CHECK_FALSE(holds("event.attrs.harm", sample{}));
  CHECK(holds("!event.attrs.harm", sample{}));
}

TEST_CASE("attributes compared with each other and with durations", "[rules]") {
  sample s;
  s.attr("a", 1.0).attr("b", 2.0).attr("s", std::string("x")).attr("t", std::string("x"));
  s.attr("downtime", std::string("2h")).attr("bad", std::string("soon")).attr("secs", 7200.0);
  CHECK(holds("event.attrs.a < event.attrs.b", s));
  CHECK_FALSE(holds("event.attrs.b < event.attrs.a", s));
  CHECK(holds("event.attrs.s == event.attrs.t", s));
  CHECK_FALSE(holds("event.attrs.s < event.attrs.t", s));  // strings do not order
  CHECK_FALSE(holds("event.attrs.a == event.attrs.s", s));
  // A string attribute holding a duration compares with a duration.
  CHECK(holds("event.attrs.downtime > 1h", s));
  CHECK(holds("event.attrs.downtime == 120m", s));
  CHECK_FALSE(holds("event.attrs.downtime > 3h", s));
  CHECK_FALSE(holds("event.attrs.bad > 1h", s));
  CHECK_FALSE(holds("event.attrs.bad != 1h", s));
  CHECK_FALSE(holds("event.attrs.secs > 1h", s));  // a number is not a duration
}

TEST_CASE("has() on attributes and string fields", "[rules]") {
  sample s;
  s.attr("harm", false).attr("empty", std::string("")).attr("null", std::monostate{});
  CHECK(holds("has(event.attrs.harm)", s));
  CHECK(holds("has(event.attrs.empty)", s));  // present, even if empty
  CHECK_FALSE(holds("has(event.attrs.null)", s));
  CHECK_FALSE(holds("has(event.attrs.missing)", s));
  CHECK(holds("!has(event.attrs.missing)", s));

  CHECK_FALSE(holds("has(system.vendor)", s));
  s.vendor = "acme";
  CHECK(holds("has(system.vendor)", s));
  CHECK(holds("has(event.summary) && has(system.business_unit)", s));
  s.with_system = false;
  CHECK_FALSE(holds("has(system.vendor)", s));
}

TEST_CASE("in with literal lists of each type", "[rules]") {
  sample s;
  s.type = "incident_update";
  s.age = std::chrono::hours(2);
  s.attr("n", 3.0).attr("flag", true).attr("change", std::string("base_model"));
  CHECK(holds(R"(event.type in ["incident", "incident_update"])", s));
  CHECK_FALSE(holds(R"(event.type in ["incident", "drift"])", s));
  CHECK(holds("event.attrs.n in [1, 2, 3]", s));
  CHECK_FALSE(holds("event.attrs.n in [1, 2]", s));
  CHECK(holds("incident.age in [1h, 2h]", s));
  CHECK_FALSE(holds("incident.age in [1h, 3h]", s));
  CHECK(holds("event.attrs.flag in [true]", s));
  CHECK_FALSE(holds("event.attrs.flag in [false]", s));
  CHECK(holds(R"(event.attrs.change in ["base_model", "deployment_region"])", s));
  CHECK_FALSE(holds(R"(event.attrs.change in [1, 2])", s));
  CHECK(holds(R"(!(event.type in ["intake"]))", s));
}

TEST_CASE("in with system.data", "[rules]") {
  sample s;
  s.source = "health";
  s.data = {"personal", "special_category", "health"};
  s.attr("category", std::string("special_category")).attr("n", 1.0);
  CHECK(holds(R"("special_category" in system.data)", s));
  CHECK_FALSE(holds(R"("biometric" in system.data)", s));
  CHECK(holds("event.attrs.category in system.data", s));
  CHECK_FALSE(holds("event.attrs.n in system.data", s));
  CHECK_FALSE(holds("event.attrs.missing in system.data", s));
  CHECK(holds("event.source in system.data", s));
  s.data.clear();
  CHECK_FALSE(holds(R"("special_category" in system.data)", s));
}

TEST_CASE("an event without a system reads every system field as absent", "[rules]") {
  sample s;
  s.with_system = false;
  CHECK_FALSE(holds(R"(system.risk_tier == "high")", s));
  CHECK_FALSE(holds(R"(system.risk_tier != "high")", s));
  CHECK_FALSE(holds(R"(system.domain in ["credit"])", s));
  CHECK_FALSE(holds(R"(system.vendor == "")", s));
  CHECK_FALSE(holds(R"("special_category" in system.data)", s));
  CHECK(holds(R"(!(system.risk_tier == "high"))", s));
  CHECK(holds(R"(event.type == "incident")", s));

  sample no_incident;
  no_incident.with_incident = false;
  CHECK_FALSE(holds("incident.age >= 0s", no_incident));
  CHECK_FALSE(holds("incident.event_count >= 0", no_incident));
  CHECK_FALSE(holds(R"(incident.state == "open")", no_incident));
}

TEST_CASE("a compiled condition keeps its source and shares its program on copy", "[rules]") {
  std::string text = "event.type == \"intake\" &&\n  system.risk_tier == \"high\"";
  condition c = must_compile(text);
  CHECK(c.source() == text);
  condition copy = c;
  CHECK(copy.source() == text);
  CHECK(copy.disassemble_for_test() == c.disassemble_for_test());
  sample s;
  s.type = "intake";
  s.risk_tier = "high";
  CHECK(s.eval(copy));

  condition none;
  CHECK_FALSE(none.evaluate(context{}));
  CHECK(none.never_true());
  CHECK(none.source().empty());
  CHECK(none.warnings().empty());
}

TEST_CASE("the listing of a reference condition", "[rules]") {
  condition t1 = must_compile(reference_conditions[0]);
  CHECK_THAT(t1.disassemble_for_test(),
             Equals("   0  field_in_list        event.type in [\"intake\", \"risk_classification\"]\n"
                    "   1  jump_if_false        -> 3\n"
                    "   2  field_in_list        system.risk_tier in [\"high\", \"unacceptable\"]\n"
                    "   3  ret\n"
                    "max_stack 1\n"));
  condition t4 = must_compile(reference_conditions[3]);
  CHECK_THAT(t4.disassemble_for_test(), Contains("const_in_field       \"special_category\" in system.data"));
  condition t10 = must_compile(reference_conditions[9]);
  CHECK_THAT(t10.disassemble_for_test(), Contains("has_field            system.vendor"));
  condition generic = must_compile("event.attrs.a == (event.attrs.b == event.attrs.c)");
  CHECK_THAT(generic.disassemble_for_test(), Contains("compare              =="));
  CHECK_THAT(generic.disassemble_for_test(), Contains("max_stack 3"));
}

TEST_CASE("evaluate does not allocate", "[rules]") {
  std::vector<condition> conditions;
  for (std::string_view source : reference_conditions) {
    conditions.push_back(must_compile(source));
  }
  conditions.push_back(must_compile(
      "event.attrs.a == (event.attrs.b == event.attrs.c) && event.attrs.d > 1h && "
      "event.attrs.cat in system.data && !has(event.attrs.zzz) && event.attrs.flag"));

  std::vector<sample> samples(5);
  samples[0].type = "intake";
  samples[0].risk_tier = "high";
  samples[0].data = {"special_category"};
  samples[0].attr("a", true).attr("b", 1.0).attr("c", 1.0).attr("d", std::string("2h"));
  samples[0].attr("cat", std::string("special_category")).attr("flag", true);
  samples[1].type = "incident";
  samples[1].attr("customer_harm", true);
  samples[2].type = "budget_request";
  samples[2].attr("amount", 5e6);
  samples[3].type = "vendor_incident";
  samples[3].vendor = "acme";
  samples[4].type = "intake";
  samples[4].with_system = false;

  // Views are built before counting; evaluation alone must not allocate.
  struct built {
    event_view e;
    system_view sys;
    incident_view inc;
  };
  std::vector<built> views;
  for (const sample& s : samples) {
    views.push_back({{s.type, s.severity, s.source, s.summary, &s.attrs},
                     {s.system_id, s.system_name, s.business_unit, s.risk_tier, s.domain,
                      s.vendor, s.data},
                     {s.age, s.event_count, s.state}});
  }
  std::vector<context> contexts;
  for (std::size_t i = 0; i < views.size(); ++i) {
    contexts.push_back({&views[i].e, samples[i].with_system ? &views[i].sys : nullptr,
                        &views[i].inc});
  }

  // The counter is live: compiling allocates.
  long probe = allocation_count.load();
  must_compile("event.attrs.probe == true");
  REQUIRE(allocation_count.load() > probe);

  long matches = 0;
  long before = allocation_count.load();
  for (int round = 0; round < 1000; ++round) {
    for (const context& ctx : contexts) {
      for (const condition& c : conditions) {
        matches += c.evaluate(ctx) ? 1 : 0;
      }
    }
  }
  long after = allocation_count.load();
  CHECK(after - before == 0);
  // t1, t4 and the extra condition on [0]; t6 on [1]; t3 on [2]; t10 on [3]; none on [4].
  CHECK(matches == 1000 * 6);
  static_assert(noexcept(std::declval<const condition&>().evaluate(std::declval<const context&>())));
}
