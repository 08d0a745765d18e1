// The fuzz targets' entry points, compiled into test_fuzz. tests/CMakeLists.txt builds
// each test area from its own folder and links the baton libraries, while fuzz/ is only
// added with BATON_FUZZ (clang); compiling the targets' sources here lets the ordinary
// build replay the corpora through exactly the code the fuzzers run. Each target keeps
// its internals in a namespace of its own, so the files share one translation unit.
#include "fuzz/fuzz_support.cpp"
#include "fuzz/rules_target.cpp"
#include "fuzz/config_target.cpp"
#include "fuzz/scenario_target.cpp"
#include "fuzz/log_target.cpp"
#include "fuzz/ingest_native_target.cpp"
#include "fuzz/ingest_alertmanager_target.cpp"
#include "fuzz/ingest_pagerduty_target.cpp"
