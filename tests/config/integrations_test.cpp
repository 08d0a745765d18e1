// The `integrations` and `api_tokens` sections: secrets named by where they live, kept
// only as digests, and checked at file:line:column.
#include "base/encoding.hpp"
#include "tests/config/config_fixture.hpp"

using namespace baton::config;
using namespace baton::config::test;

TEST_CASE("integrations and API tokens keep only the digest of a secret read from a file", "[config]") {
  baton::test::temp_dir dir;
  dir.write("prom.token", "prometheus-secret-0001\n");
  dir.write("key", "0123456789abcdef0123456789abcdef");
  auto p = dir.write("baton.yaml", std::string(valid_config()) + R"(
integrations:
  - {id: prometheus, format: alertmanager, token: {file: prom.token}, alerts: {severity: {values: {page: critical}}}}
  - {id: legacy, format: pagerduty, routing_key: {file: key}, event_type: drift}
api_tokens:
  - {id: amara-cli, person: amara, token: {sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}}
)");
  load_result r = load(p, fixture_now(), {{}, true});
  INFO(dump(r));
  REQUIRE(r.org);
  REQUIRE(r.org->integrations.size() == 2);
  const auto& prom = r.org->integrations[0];
  CHECK(prom.format == ingest_format::alertmanager);
  CHECK(prom.token.available);
  CHECK(prom.token.sha256 == baton::sha256("prometheus-secret-0001"));  // the newline is not part of it
  CHECK(prom.alerts.severity.values.at("page") == "critical");
  CHECK(r.org->integrations[1].routing_key.sha256 == baton::sha256("0123456789abcdef0123456789abcdef"));
  CHECK(r.org->integrations[1].event_type == "drift");
  REQUIRE(r.org->api_tokens.size() == 1);
  CHECK(r.org->api_tokens[0].token.sha256 == baton::sha256("abc"));
}

TEST_CASE("a secret written inline, too short or missing is reported where it is named", "[config]") {
  baton::test::temp_dir dir;
  dir.write("short.token", "abc\n");
  const std::string text = std::string(valid_config()) + R"(
integrations:
  - {id: inline, format: native, token: "a-secret-in-the-yaml"}
  - {id: short, format: native, token: {file: short.token}}
  - {id: absent, format: native, token: {env: BATON_TEST_UNSET_VARIABLE}}
)";
  auto p = dir.write("baton.yaml", text);
  // file:line:column of the first `needle` in the text.
  auto at = [&](std::string_view needle) {
    const auto offset = text.find(needle);
    const auto line_start = text.rfind('\n', offset) + 1;
    return p.string() + ":" +
           std::to_string(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n') + 1) + ":" +
           std::to_string(offset - line_start + 1);
  };
  load_result strict = load(p, fixture_now(), {{}, true});
  INFO(dump(strict));
  CHECK(strict.org == nullptr);
  expect_error(strict, at("\"a-secret-in-the-yaml"), "must not be written in the configuration");
  expect_error(strict, at("short.token}"), "holds 3 characters; at least 16");
  expect_error(strict, at("BATON_TEST_UNSET_VARIABLE}"), "BATON_TEST_UNSET_VARIABLE is not set");
  // validate, where the service's secrets are not: a warning for the missing one only.
  load_result lenient = load(p, fixture_now());
  CHECK(matching(lenient, severity::warning, "BATON_TEST_UNSET_VARIABLE is not set").size() == 1);
  CHECK(matching(lenient, severity::error, "BATON_TEST_UNSET_VARIABLE").empty());
}
