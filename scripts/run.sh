#!/usr/bin/env bash
# The main job until `baton serve` lands: set up and build, validate the example
# organisation, run a short demo of the engine on it (virtual clock, SQLite log), then a
# tabletop exercise with its after-action report.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
scripts/setup.sh
baton=${BUILD_DIR:-build}/app/baton
# validate exits 0 with warnings: the example organisation has deliberate gaps.
"$baton" validate --config examples/compel/baton.yaml
echo
"$baton" demo --config examples/compel/baton.yaml --db "${BATON_DEMO_DB:-/tmp/baton-demo.db}"
echo
# A tabletop exercise from examples/tabletop, 2,000 Monte Carlo runs, with the HTML
# after-action report written beside the demo log.
report=${BATON_REPORT:-/tmp/baton-tabletop.html}
"$baton" simulate examples/tabletop/caio-and-backup-away.yaml --runs 2000 --report "$report"
