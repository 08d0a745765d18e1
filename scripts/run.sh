#!/usr/bin/env bash
# The main job: set up and build, validate the example organisation, then run the
# service on it (`baton serve`, a SQLite file, the real clock) until Ctrl-C. It prints
# where to send events, with a curl line that works as printed (docs/http.md).
#   BATON_DB (default /tmp/baton-serve.db), BATON_LISTEN (default 127.0.0.1:8080)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
scripts/setup.sh
baton=${BUILD_DIR:-build}/app/baton
# The senders' tokens (examples/compel/integrations.yaml): made once, kept out of git.
secrets=examples/compel/secrets
(umask 077
 for t in monitoring alertmanager amara caio-office; do
   [ -s "$secrets/$t.token" ] || openssl rand -hex 24 > "$secrets/$t.token"
 done
 [ -s "$secrets/pagerduty.routing_key" ] || openssl rand -hex 16 > "$secrets/pagerduty.routing_key"
 [ -s "$secrets/ack-link.key" ] || openssl rand -hex 32 > "$secrets/ack-link.key")
# validate exits 0 with warnings: the example organisation has deliberate gaps.
"$baton" validate --config examples/compel/baton.yaml
echo
exec "$baton" serve --config examples/compel/baton.yaml --db "${BATON_DB:-/tmp/baton-serve.db}" \
  --listen "${BATON_LISTEN:-127.0.0.1:8080}"
