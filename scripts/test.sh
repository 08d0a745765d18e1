#!/usr/bin/env bash
# Sets up (scripts/setup.sh: packages, configure, build) and runs the whole test suite
# through CTest, whose closing summary line ("100% tests passed, ...") ends the output.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
scripts/setup.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
