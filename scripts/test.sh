#!/usr/bin/env bash
# Sets up (scripts/setup.sh: packages, configure, build) and runs everything CI runs:
#   1. the test suite under AddressSanitizer + UBSan, in its own build (build-asan);
#   2. each fuzz target for a bounded time on its corpus (scripts/fuzz.sh, clang 14);
#   3. the test suite on the normal build (gcc), whose CTest summary line
#      ("100% tests passed, ...") closes the output.
# The corpus inputs are also replayed by the normal suite (tests/fuzz), so a fixed bug
# stays fixed even where clang is missing. BATON_SANITIZE_TESTS=0 skips step 1 and
# BATON_FUZZ_SECONDS=0 step 2, for a quicker local run; CI runs all three.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
jobs=$(nproc)
export BATON_TEST_PEERS=1  # promtool and Alertmanager, which the tests run against
scripts/setup.sh

if [ "${BATON_SANITIZE_TESTS:-1}" != 0 ]; then
  echo "== test suite under AddressSanitizer + UBSan (build-asan)"
  BUILD_DIR=build-asan CMAKE_EXTRA_ARGS="-DBATON_SANITIZE=ON -DBATON_BUILD_BENCH=OFF" scripts/setup.sh
  # Any report fails the test that triggered it: UBSan stops at the first finding
  # (-fno-sanitize-recover), ASan always does; leak checking is on.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs"
fi

fuzz_seconds=${BATON_FUZZ_SECONDS:-45}
if [ "$fuzz_seconds" != 0 ]; then
  echo "== fuzz targets, ${fuzz_seconds}s each (build-fuzz)"
  scripts/fuzz.sh all "$fuzz_seconds"
fi

echo "== test suite (build)"
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "$jobs"
