#pragma once
// The fuzz targets' entry points. Each takes one input as the fuzzer produced it and runs
// it through one part of baton. An input that baton answers with an error message is a
// success; only a real bug ends the process (an invariant check below aborts, and the
// sanitizers and libFuzzer catch the rest). fuzz/<name>_fuzz.cpp wraps each in
// LLVMFuzzerTestOneInput; tests/fuzz/corpus_replay_test.cpp runs every file of
// fuzz/corpus/<name>/ through the same function in the ordinary build, so a fixed bug
// stays fixed. fuzz/README.md describes the input formats.
#include <string_view>

namespace baton::fuzz {

/// A rule condition, then up to four events (with their system and incident) to
/// evaluate it on, separated by lines holding `;;`.
void rules_one_input(std::string_view data);

/// A root configuration file and up to three files it may include (f1.yaml .. f3.yaml),
/// separated by lines holding `#@file`, loaded and printed as `baton validate` does.
void config_one_input(std::string_view data);

/// A scenario file, beside two fixed configurations it may name (min.yaml, org.yaml);
/// a scenario that loads and is small is run and its reports rendered.
void scenario_one_input(std::string_view data);

/// Lines of edits (SQL updates, overwritten bytes, truncation) applied to a copy of a
/// small valid baton database, which `baton log verify` and `log export` then read.
void log_one_input(std::string_view data);

/// A body for POST /v1/events (the native event format), through the route's parsing
/// and checks as the server runs them, without a socket or an engine.
void ingest_native_one_input(std::string_view data);

/// A body for POST /v1/integrations/alertmanager (Alertmanager's webhook payload),
/// through the route's parsing and checks.
void ingest_alertmanager_one_input(std::string_view data);

/// A body for POST /v2/enqueue (PagerDuty Events v2), through the route's parsing,
/// checks and routing-key lookup.
void ingest_pagerduty_one_input(std::string_view data);

}  // namespace baton::fuzz
