// Large and oddly shaped configurations: every check of `baton validate` stays linear
// (or n log n), and warnings that would come once per pair of things (roles x units,
// systems x roles) come once per thing, naming the first few and counting the rest.
// Sizes are chosen so the checks run in well under a second now and were quadratic or
// cubic before (the counts below would have been N^2 diagnostics).
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "base/text.hpp"
#include "config/loader.hpp"
#include "config/yaml_reader.hpp"
#include "config_fixture.hpp"
#include "tests/support/test_support.hpp"

using namespace baton;
using namespace baton::config;
using namespace baton::config::test;

namespace {

// One trained person who has accepted the RACI, so holder warnings stay out of counts.
std::string header() {
  return "organisation: {name: T, time_zone: UTC}\n"
         "defaults: {governance_owner: r0}\n"
         "routing: {default_role: r0}\n"
         "notifiers: [{id: m, type: recorder}]\n"
         "people:\n"
         "  - {id: p, contacts: [{notifier: m, address: a}], accepted: {date: 2026-01-01, version: v},\n"
         "     training: {completed: 2026-01-01}}\n";
}

load_result load_text(const baton::test::temp_dir& dir, const std::string& text) {
  return config::load(dir.write("baton.yaml", text), fixture_now());
}

std::size_t count_matching(const load_result& r, severity level, std::string_view fragment) {
  return matching(r, level, fragment).size();
}

}  // namespace

TEST_CASE("scoped roles without holders in many units: one warning per role", "[config][shape]") {
  constexpr int n = 300;
  std::string text = header() + "roles:\n  - {id: r0, primary: p, backups: [p]}\n";
  for (int i = 0; i < n; ++i) {
    text += "  - {id: s" + std::to_string(i) + ", scope: business_unit}\n";
  }
  text += "business_units:\n";
  for (int i = 0; i < n; ++i) {
    text += "  - {id: b" + std::to_string(i) + "}\n";
  }
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  INFO(dump(r).substr(0, 2000));
  REQUIRE(r.org != nullptr);
  // Was n * n = 90,000 warnings, one per role and unit.
  CHECK(r.diagnostics.warning_count() == n);
  auto s0 = matching(r, severity::warning, "role s0 has no holder");
  REQUIRE(s0.size() == 1);
  CHECK(s0[0].message == "role s0 has no holder in 300 business units: b0, b1, b2, ... (297 more)");
  CHECK(s0[0].at.line == 10);  // the role, not a unit
  CHECK(r.coverage.roles == 1 + n * n);
  CHECK(r.coverage.roles_with_primary_and_backup == 1);
}

TEST_CASE("the aggregated missing-holder warning skips the units that hold the role", "[config][shape]") {
  std::string text = header() +
                     "roles:\n"
                     "  - {id: r0, primary: p, backups: [p]}\n"
                     "  - {id: s, scope: business_unit}\n"
                     "  - {id: t, scope: business_unit}\n"
                     "business_units:\n"
                     "  - {id: b0, holders: {s: {primary: p, backups: [p]}, t: {primary: p}}}\n"
                     "  - {id: b1}\n"
                     "  - {id: b2, holders: {s: {primary: p, backups: [p]}, t: {primary: p, backups: [p]}}}\n"
                     "  - {id: b3}\n"
                     "  - {id: b4}\n"
                     "  - {id: b5, holders: {t: {primary: p, backups: [p]}}}\n"
                     "  - {id: b6}\n";
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  INFO(dump(r));
  REQUIRE(r.org != nullptr);
  CHECK(count_matching(r, severity::warning, "role s has no holder in 5 business units: b1, b3, b4, ... (2 more)") ==
        1);
  CHECK(count_matching(r, severity::warning, "role t has no holder in 4 business units: b1, b3, b4, ... (1 more)") ==
        1);
  // The missing backup is still reported per holders entry, where it is written.
  auto backup = matching(r, severity::warning, "role t has no backup in business unit b0");
  REQUIRE(backup.size() == 1);
  CHECK(backup[0].at.line == 13);
  CHECK(r.diagnostics.warning_count() == 3);
  CHECK(r.coverage.roles == 1 + 2 * 7);
  CHECK(r.coverage.roles_with_primary_and_backup == 1 + 2 + 2);
}

TEST_CASE("one unit without a holder keeps the single-unit warning", "[config][shape]") {
  std::string text = header() +
                     "roles:\n"
                     "  - {id: r0, primary: p, backups: [p]}\n"
                     "  - {id: s, scope: business_unit}\n"
                     "business_units:\n"
                     "  - {id: b0, holders: {s: {primary: p, backups: [p]}}}\n"
                     "  - {id: b1}\n";
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  INFO(dump(r));
  REQUIRE(r.diagnostics.warning_count() == 1);
  CHECK(r.diagnostics.items()[0].message == "business unit b1 has no holder for scoped role s");
  CHECK(r.diagnostics.items()[0].at.line == 13);
}

TEST_CASE("systems in a unit lacking many scoped roles: one warning per system", "[config][shape]") {
  constexpr int systems = 200;
  constexpr int roles = 50;
  std::string text = header() + "roles:\n  - {id: r0, primary: p, backups: [p]}\n";
  for (int i = 0; i < roles; ++i) {
    text += "  - {id: s" + std::to_string(i) + ", scope: business_unit}\n";
  }
  // s1 is held, so the names skip it.
  text += "business_units:\n  - {id: b0, holders: {s1: {primary: p, backups: [p]}}}\nsystems:\n";
  for (int i = 0; i < systems; ++i) {
    text += "  - {id: sys" + std::to_string(i) + ", business_unit: b0}\n";
  }
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  INFO(dump(r).substr(0, 2000));
  REQUIRE(r.org != nullptr);
  // Was systems * (roles - 1) = 9,800 warnings.
  auto found = matching(r, severity::warning, "has no business-unit owner");
  REQUIRE(found.size() == systems);
  CHECK(found[0].message ==
        "system sys0 has no business-unit owner: business unit b0 has no holder for 49 scoped roles: s0, s2, s3, ... "
        "(46 more)");
  CHECK(r.diagnostics.warning_count() == systems + roles - 1);
}

TEST_CASE("a long escalates_to chain without a loop is checked in linear time", "[config][shape]") {
  constexpr int n = 3000;  // the walk from every role was n^3 / 6 steps: 4.5e9
  std::string text = header() + "roles:\n";
  for (int i = 0; i < n - 1; ++i) {
    text += "  - {id: r" + std::to_string(i) + ", primary: p, backups: [p], escalates_to: r" + std::to_string(i + 1) +
            "}\n";
  }
  text += "  - {id: r" + std::to_string(n - 1) + ", primary: p, backups: [p]}\n";
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  INFO(dump(r).substr(0, 2000));
  CHECK(r.org != nullptr);
  CHECK(r.diagnostics.items().empty());
}

TEST_CASE("a long escalates_to loop names its first dozen roles and counts them", "[config][shape]") {
  constexpr int n = 3000;
  std::string text = header() + "roles:\n";
  for (int i = 0; i < n; ++i) {
    text += "  - {id: r" + std::to_string(i) + ", primary: p, backups: [p], escalates_to: r" +
            std::to_string((i + 1) % n) + "}\n";
  }
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  INFO(dump(r).substr(0, 2000));
  REQUIRE(r.diagnostics.error_count() == 1);
  const diagnostic& d = r.diagnostics.items().front();
  CHECK(d.message ==
        "escalates_to loop: r0 -> r1 -> r2 -> r3 -> r4 -> r5 -> r6 -> r7 -> r8 -> r9 -> r10 -> r11 -> ... -> r0 "
        "(3,000 roles; a chain must end at a role with no escalates_to)");
  CHECK(d.at.line == 9);
}

TEST_CASE("escalates_to loops: each reported once, from its first role in file order", "[config][shape]") {
  std::string text = header() +
                     "roles:\n"
                     "  - {id: r0, primary: p, backups: [p], escalates_to: a}\n"  // a tail into a loop
                     "  - {id: x, primary: p, backups: [p], escalates_to: z}\n"
                     "  - {id: a, primary: p, backups: [p], escalates_to: b}\n"
                     "  - {id: y, primary: p, backups: [p], escalates_to: x}\n"
                     "  - {id: b, primary: p, backups: [p], escalates_to: a}\n"
                     "  - {id: z, primary: p, backups: [p], escalates_to: y}\n"
                     "  - {id: c, primary: p, backups: [p], escalates_to: c}\n"
                     "  - {id: d, primary: p, backups: [p], escalates_to: b}\n";  // another tail
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  INFO(dump(r));
  REQUIRE(r.diagnostics.error_count() == 3);
  auto ab = matching(r, severity::error, "escalates_to loop: a -> b -> a (a chain must end");
  REQUIRE(ab.size() == 1);
  CHECK(ab[0].at.line == 11);
  auto xzy = matching(r, severity::error, "escalates_to loop: x -> z -> y -> x (");
  REQUIRE(xzy.size() == 1);
  CHECK(xzy[0].at.line == 10);
  CHECK(count_matching(r, severity::error, "escalates_to loop: c -> c (") == 1);
}

TEST_CASE("many loops are all reported", "[config][shape]") {
  constexpr int pairs = 2000;
  std::string text = header() + "roles:\n  - {id: r0, primary: p, backups: [p]}\n";
  for (int i = 0; i < pairs; ++i) {
    std::string x = "x" + std::to_string(i);
    std::string y = "y" + std::to_string(i);
    text += "  - {id: " + x + ", primary: p, backups: [p], escalates_to: " + y + "}\n";
    text += "  - {id: " + y + ", primary: p, backups: [p], escalates_to: " + x + "}\n";
  }
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  CHECK(r.diagnostics.error_count() == pairs);
  CHECK(count_matching(r, severity::error, "escalates_to loop: x1999 -> y1999 -> x1999 (") == 1);
}

TEST_CASE("did-you-mean is looked up for the first hundred unknown ids of a kind", "[config][shape]") {
  constexpr int n = 2000;
  std::string text = header() + "roles:\n  - {id: r0, primary: p, backups: [p]}\n";
  for (int i = 0; i < n; ++i) {
    text += "  - {id: role_number_" + std::to_string(100000 + i) + ", primary: p, backups: [p]}\n";
  }
  text += "activities:\n";
  // The same typo first and last: a typo already looked up keeps its suggestion.
  text += "  - {id: first, a: rol_number_101999}\n";
  for (int i = 0; i < n; ++i) {
    text += "  - {id: a" + std::to_string(i) + ", a: role_numbr_" + std::to_string(100000 + i) + "}\n";
  }
  text += "  - {id: last, a: rol_number_101999}\n";
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  INFO(dump(r).substr(0, 3000));
  // Every unknown reference is still an error at its own position.
  CHECK(r.diagnostics.error_count() == n + 2);
  CHECK(count_matching(r, severity::error, "(did you mean \"role_number_101999\"?)") == 2);
  CHECK(count_matching(r, severity::error, "(did you mean \"role_number_") == 2 + 99);
  auto rest = matching(r, severity::error, "(no suggestion: more than 100 unknown roles)");
  REQUIRE(rest.size() == n - 99);
  CHECK(rest[0].message == "unknown role \"role_numbr_100099\" in a of activity a99 (no suggestion: more than 100 "
                           "unknown roles)");
}

TEST_CASE("the list of known ids shortens long ids", "[config][shape]") {
  // As long as an id may be (max_id_length), less the "p" and a digit or two.
  const std::string long_tail(detail::max_id_length - 3, 'x');
  std::string text = "organisation: {name: T, time_zone: UTC}\n"
                     "defaults: {governance_owner: r0}\n"
                     "routing: {default_role: r0}\n"
                     "notifiers: [{id: m, type: recorder}]\n"
                     "people:\n";
  for (int i = 0; i < 12; ++i) {
    text += "  - {id: p" + std::to_string(i) + long_tail + ", contacts: [{notifier: m, address: a}]}\n";
  }
  text += "roles:\n  - {id: r0, primary: p0" + long_tail + ", backups: [q]}\n";
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  auto found = matching(r, severity::error, "unknown person \"q\" in backups of role r0 (known people: p0xxx");
  REQUIRE(found.size() == 1);
  // Twelve ids of 128 characters would be 1.5 KB; each is cut to 40 characters.
  CHECK(found[0].message.size() < 800);
  CHECK_THAT(found[0].message, Catch::Contains("p0" + std::string(35, 'x') + "..., p1"));
}

TEST_CASE("unknown event types among many are found by lookup", "[config][shape]") {
  constexpr int n = 5000;
  std::string text = "organisation: {name: T, time_zone: UTC}\n"
                     "defaults: {governance_owner: r0}\n"
                     "notifiers: [{id: m, type: recorder}]\n"
                     "people:\n"
                     "  - {id: p, contacts: [{notifier: m, address: a}], accepted: {date: 2026-01-01, version: v},\n"
                     "     training: {completed: 2026-01-01}}\n"
                     "roles:\n  - {id: r0, primary: p, backups: [p]}\n"
                     "event_types:\n";
  for (int i = 0; i < n; ++i) {
    text += "  - event_" + std::to_string(i) + "\n";
  }
  text += "routing:\n  default_role: r0\n  by_event_type:\n";
  for (int i = 0; i < n; ++i) {
    text += "    event_" + std::to_string(i) + ": r0\n";
  }
  text += "    evnt_17: r0\n";
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  INFO(dump(r).substr(0, 2000));
  REQUIRE(r.diagnostics.error_count() == 1);
  CHECK(r.diagnostics.items().front().message ==
        "unknown event type \"evnt_17\" in routing.by_event_type (did you mean \"event_17\"?)");
}

TEST_CASE("bounded_edit_distance agrees with edit_distance up to its limit", "[config][shape]") {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> length(0, 9);
  std::uniform_int_distribution<int> letter(0, 2);  // three letters: many near matches
  auto word = [&] {
    std::string s(static_cast<std::size_t>(length(random)), 'a');
    for (char& c : s) {
      c = static_cast<char>('a' + letter(random));
    }
    return s;
  };
  for (int i = 0; i < 20000; ++i) {
    std::string a = word();
    std::string b = word();
    std::size_t exact = edit_distance(a, b);
    for (std::size_t limit = 0; limit <= 4; ++limit) {
      INFO(a << " / " << b << " limit " << limit);
      REQUIRE(bounded_edit_distance(a, b, limit) == std::min(exact, limit + 1));
    }
    REQUIRE(bounded_edit_distance(a, b, static_cast<std::size_t>(-1)) == exact);
  }
  CHECK(bounded_edit_distance("cio", "caio", 2) == 1);
  CHECK(bounded_edit_distance("", "abc", 2) == 3);
  CHECK(bounded_edit_distance("kitten", "sitting", 2) == 3);
  CHECK(bounded_edit_distance("kitten", "sitting", 3) == 3);
  CHECK(bounded_edit_distance(std::string(100000, 'a'), std::string(100000, 'b'), 2) == 3);
}

TEST_CASE("many rules against many event types: one short warning per unknown type", "[config][shape]") {
  // Every rule was compiled against its own copy of every event type, and each warning
  // listed all of them: n^2 copies and n^2 bytes of warnings.
  constexpr int n = 2000;
  std::string text = header() + "roles:\n  - {id: r0, primary: p, backups: [p]}\nevent_types:\n";
  for (int i = 0; i < n; ++i) {
    text += "  - type_" + std::to_string(i) + "\n";
  }
  text += "rules:\n";
  for (int i = 0; i < n; ++i) {
    // Even rules name a known type, odd ones a type that does not exist.
    std::string type = (i % 2 == 0 ? "type_" : "nope_") + std::to_string(i);
    text += "  - {id: rule_" + std::to_string(i) + ", when: 'event.type == \"" + type + "\"', to: r0}\n";
  }
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  INFO(dump(r).substr(0, 2000));
  REQUIRE(r.org != nullptr);
  CHECK(r.diagnostics.error_count() == 0);
  CHECK(r.diagnostics.warning_count() == n / 2);
  CHECK(count_matching(r, severity::warning, " can never fire: event.type is never \"nope_") == n / 2);
  auto first = matching(r, severity::warning, "rule rule_1 can never fire");
  REQUIRE(first.size() == 1);
  CHECK(first[0].message ==
        "rule rule_1 can never fire: event.type is never \"nope_1\"; known: type_0, type_1, type_2, type_3, "
        "type_4, type_5, type_6, type_7, type_8, type_9, type_10, type_11, ... (2000 in all)");
  std::size_t bytes = 0;
  for (const auto& d : r.diagnostics.items()) {
    bytes += d.message.size();
  }
  CHECK(bytes < static_cast<std::size_t>(n) * 200);
}

TEST_CASE("twelve event types are listed in full, thirteen are cut", "[config][shape]") {
  for (int types : {12, 13}) {
    std::string text = header() + "roles:\n  - {id: r0, primary: p, backups: [p]}\nevent_types:\n";
    for (int i = 0; i < types; ++i) {
      text += "  - t" + std::to_string(i) + "\n";
    }
    text += "rules:\n  - {id: r, when: 'event.type == \"x\"', to: r0}\n";
    baton::test::temp_dir dir;
    load_result r = load_text(dir, text);
    INFO(dump(r));
    auto found = matching(r, severity::warning, "rule r can never fire");
    REQUIRE(found.size() == 1);
    const std::string listed = "t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11";
    CHECK(found[0].message == "rule r can never fire: event.type is never \"x\"; known: " + listed +
                                  (types == 12 ? "" : ", ... (13 in all)"));
  }
}

TEST_CASE("an id longer than the limit is refused once, quoted short", "[config][shape]") {
  // A role with a 100,000-character id and 2,000 unknown backups printed 200 MB: each
  // backup's message named the role.
  const std::string long_id(100000, 'r');
  std::string backups;
  for (int i = 0; i < 2000; ++i) {
    backups += (i > 0 ? ", " : "") + std::string("q") + std::to_string(i);
  }
  std::string text = header() + "roles:\n  - {id: r0, primary: p, backups: [p]}\n"
                                "  - {id: " + long_id + ", primary: p, backups: [" + backups + "]}\n";
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  INFO(dump(r).substr(0, 2000));
  REQUIRE(r.diagnostics.error_count() == 1);
  const diagnostic& d = r.diagnostics.items().front();
  CHECK(d.message == "id: role id \"" + std::string(37, 'r') + "...\" is 100000 characters long; ids have at most " +
                         std::to_string(detail::max_id_length));
  CHECK(d.at.line == 10);
}

TEST_CASE("ids of exactly the limit are accepted, one more is refused", "[config][shape]") {
  const std::string at_limit(detail::max_id_length, 'a');
  const std::string over_limit(detail::max_id_length + 1, 'b');
  std::string text = header() + "roles:\n  - {id: r0, primary: p, backups: [p]}\n"
                                "  - {id: " + at_limit + ", primary: p, backups: [p]}\n"
                                "  - {id: " + over_limit + ", primary: p, backups: [p]}\n";
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  INFO(dump(r));
  REQUIRE(r.diagnostics.error_count() == 1);
  CHECK_THAT(r.diagnostics.items().front().message,
             Catch::EndsWith(" is 129 characters long; ids have at most 128"));
  CHECK(r.diagnostics.items().front().at.line == 11);
}

TEST_CASE("long references are refused each with a short message", "[config][shape]") {
  constexpr int n = 2000;
  const std::string long_ref(1000, 'q');
  std::string backups;
  for (int i = 0; i < n; ++i) {
    backups += (i > 0 ? ", " : "") + long_ref + std::to_string(i);
  }
  std::string text = header() + "roles:\n  - {id: r0, primary: p, backups: [" + backups + "]}\n";
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  INFO(dump(r).substr(0, 2000));
  CHECK(r.diagnostics.error_count() == n);
  CHECK(count_matching(r, severity::error, "characters long; ids have at most 128") == n);
  for (const auto& d : r.diagnostics.items()) {
    CHECK(d.message.size() < 150);
  }
}

TEST_CASE("a text that is not an id is quoted at most 40 characters, cut between characters",
          "[config][shape]") {
  std::string eacute;
  for (int i = 0; i < 50000; ++i) {
    eacute += "\u00e9";  // two bytes each in UTF-8
  }
  std::string text = header() + "roles:\n  - {id: r0, primary: p, backups: [p]}\n"
                                "  - {id: " + eacute + ", primary: p}\n";
  baton::test::temp_dir dir;
  load_result r = load_text(dir, text);
  INFO(dump(r).substr(0, 2000));
  REQUIRE(r.diagnostics.error_count() == 1);
  const std::string& message = r.diagnostics.items().front().message;
  // 37 bytes would end inside the nineteenth character: the quote stops after 18.
  std::string shown;
  for (int i = 0; i < 18; ++i) {
    shown += "\u00e9";
  }
  CHECK(message == "id: \"" + shown + "...\" is not a valid role id (letters, digits, '_', '-' and '.' only)");
  CHECK(is_valid_utf8(message));
}
