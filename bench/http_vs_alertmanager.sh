#!/usr/bin/env bash
# baton serve against Debian's Prometheus Alertmanager (0.25), side by side in one run on
# 127.0.0.1: durable ingest with 32 connections (one event per request; baton native and
# Alertmanager-format, Alertmanager with group_interval 5m and 1s), latency at a fixed
# 5,000 requests/s, event -> first notification, and memory per open incident / alert.
# Installs what it needs (scripts/setup.sh with the test peers), starts everything itself
# and stops everything it started. Figures only; runs are interleaved and each figure is
# the median of ROUNDS runs (default 3) of SECONDS each (default 10).
#
#   bench/http_vs_alertmanager.sh            ROUNDS=5 SECONDS_PER_RUN=10 MEMORY_INCIDENTS=1000000
#   ONLY=timers TIMER_SECONDS=80 bench/http_vs_alertmanager.sh      just the timer lateness
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
BATON_TEST_PEERS=1 scripts/setup.sh >/dev/null
build=${BUILD_DIR:-build}
baton=$build/app/baton
load=$build/bench/http_load_bench
rounds=${ROUNDS:-3}
seconds=${SECONDS_PER_RUN:-10}
memory_incidents=${MEMORY_INCIDENTS:-1000000}
am_alerts=${AM_MEMORY_ALERTS:-20000}

work=$(mktemp -d /var/tmp/baton-bench.XXXXXX)  # on disk: baton's commits really fsync
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_until() {  # wait_until SECONDS COMMAND...: polls every 50 ms, bounded
  local until=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$until" ] || { echo "bench: timed out waiting for: $*" >&2; exit 1; }
    sleep 0.05
  done
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# The example organisation with its secrets, in the scratch folder.
org=$work/org
mkdir -p "$org/secrets"
cp examples/compel/*.yaml "$org/"
for t in monitoring alertmanager amara caio-office; do openssl rand -hex 24 >"$org/secrets/$t.token"; done
openssl rand -hex 16 >"$org/secrets/pagerduty.routing_key"
openssl rand -hex 32 >"$org/secrets/ack-link.key"
native_token=$(cat "$org/secrets/monitoring.token")
am_token=$(cat "$org/secrets/alertmanager.token")

start_baton() {  # start_baton NAME [ORG]: a fresh database each time; sets baton_pid, baton_port
  baton_port=$(free_port)
  local at=${2:-$org}
  rm -f "$at/notifications.jsonl"
  "$baton" serve --config "$at/baton.yaml" --db "$work/baton-$1.db" --listen "127.0.0.1:$baton_port" \
    >"$work/baton-$1.out" 2>"$work/baton-$1.err" &
  baton_pid=$!
  pids+=("$baton_pid")
  wait_until 30 grep -q "listening on" "$work/baton-$1.out"
}

receiver_port=$(free_port)
python3 bench/webhook_receiver.py "$receiver_port" "$work/received.txt" &
pids+=($!)
start_am() {  # start_am GROUP_INTERVAL NAME; sets am_pid, am_port
  am_port=$(free_port)
  mkdir -p "$work/am-$2"
  cat >"$work/am-$2.yml" <<YAML
route:
  receiver: hook
  group_by: ['...']
  group_wait: 0s
  group_interval: $1
  repeat_interval: 4h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:$receiver_port/
        send_resolved: false
YAML
  prometheus-alertmanager --config.file="$work/am-$2.yml" --storage.path="$work/am-$2" \
    --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= --log.level=warn \
    >"$work/am-$2.log" 2>&1 &
  am_pid=$!
  pids+=("$am_pid")
  wait_until 30 curl -sf "http://127.0.0.1:$am_port/-/ready"
}

declare -A rate p50 p99
run() {  # run NAME LOAD-ARGS...: one measurement, its figures kept under NAME
  local line
  line=$("$load" "$@" || true)  # a run with errors still prints its line (other=N)
  echo "  $name: $line" >&2
  rate[$name]+="$(echo "$line" | field per_second) "
  p50[$name]+="$(echo "$line" | field p50_ms) "
  p99[$name]+="$(echo "$line" | field p99_ms) "
}
med() { echo "$1" | tr ' ' '\n' | grep -v '^$' | median; }

# Timer lateness under load: every acknowledgement timeout set to 1 minute (the least
# the configuration allows), 5,000 events/s for TIMER_SECONDS (default 80), so that
# for the last 20 s timers fall due at about the rate events come in. How late each
# fired is baton_timer_lateness_seconds; its quantiles are read as bucket bounds.
timer_lateness() {
  local torg=$work/org-timers
  rm -rf "$torg"; cp -r "$org" "$torg"
  sed -i 's/ack_timeout: [0-9]*m/ack_timeout: 1m/' "$torg"/*.yaml
  start_baton timers "$torg"
  "$load" "$baton_port" /v1/events native --connections 32 --seconds "${TIMER_SECONDS:-80}" --rate 5000 \
    --token "$native_token" >"$work/timers-load.txt" || true
  curl -sf "http://127.0.0.1:$baton_port/metrics" >"$work/timers-metrics.txt"
  stop "$baton_pid"
  python3 - "$work/timers-metrics.txt" "$(cat "$work/timers-load.txt")" <<'PY'
import re, sys
buckets, count = [], 0
for line in open(sys.argv[1]):
    m = re.match(r'baton_timer_lateness_seconds_bucket\{le="([^"]+)"\} (\S+)', line)
    if m:
        buckets.append((float('inf') if m.group(1) == '+Inf' else float(m.group(1)), float(m.group(2))))
    m = re.match(r'baton_timer_lateness_seconds_count (\S+)', line)
    if m:
        count = float(m.group(1))
def bound(q):
    for le, cum in buckets:
        if count and cum >= q * count:
            return 'over 60 s' if le == float('inf') else f'<= {le * 1000:g} ms'
    return 'n/a'
print(f'timer lateness under load: {int(count)} timers fired, p50 {bound(0.5)}, p99 {bound(0.99)}'
      f' (bucket bounds; the load meanwhile: {sys.argv[2]})')
PY
}

only=${ONLY:-all}  # ONLY=memory: just the memory and restart figures; ONLY=timers: timer lateness
if [ "$only" = timers ]; then
  timer_lateness
  exit 0
fi
if [ "$only" = all ]; then
echo "bench: $rounds rounds of ${seconds}s, 32 connections, interleaved (baton native, baton alertmanager-format," \
  "Alertmanager 5m, Alertmanager 1s)" >&2
for r in $(seq "$rounds"); do
  start_baton "n$r"
  name=baton_native run "$baton_port" /v1/events native --connections 32 --seconds "$seconds" --token "$native_token"
  stop "$baton_pid"
  start_baton "a$r"
  name=baton_amformat run "$baton_port" /v1/integrations/alertmanager amwebhook --connections 32 \
    --seconds "$seconds" --token "$am_token"
  stop "$baton_pid"
  start_am 5m "5m-$r"
  name=am_5m run "$am_port" /api/v2/alerts amapi --connections 32 --seconds "$seconds"
  stop "$am_pid"
  start_am 1s "1s-$r"
  name=am_1s run "$am_port" /api/v2/alerts amapi --connections 32 --seconds "$seconds"
  stop "$am_pid"
done

echo "bench: latency at a fixed 5,000 requests/s (32 connections), and event -> first notification" >&2
for r in $(seq "$rounds"); do
  start_baton "r$r"
  name=baton_rate run "$baton_port" /v1/events native --connections 32 --seconds "$seconds" --rate 5000 \
    --token "$native_token"
  line=$("$load" "$baton_port" /v1/events native --token "$native_token" --watch "$org/notifications.jsonl" \
    --count 200 || true)
  echo "  baton_first: $line" >&2
  p50[baton_first]+="$(echo "$line" | field p50_ms) "
  p99[baton_first]+="$(echo "$line" | field p99_ms) "
  stop "$baton_pid"
  start_am 5m "rate-$r"
  name=am_rate run "$am_port" /api/v2/alerts amapi --connections 32 --seconds "$seconds" --rate 5000
  line=$("$load" "$am_port" /api/v2/alerts amapi --watch "$work/received.txt" --count 200 || true)
  echo "  am_first: $line" >&2
  p50[am_first]+="$(echo "$line" | field p50_ms) "
  p99[am_first]+="$(echo "$line" | field p99_ms) "
  stop "$am_pid"
done

fi

if [ "$only" = all ]; then
  echo "bench: timer lateness with 1-minute acknowledgement timeouts at 5,000 events/s" >&2
  timers_line=$(timer_lateness)
fi

echo "bench: Alertmanager resident memory per alert ($am_alerts alerts)" >&2
start_am 5m mem
before=$(rss_kb "$am_pid")
"$load" "$am_port" /api/v2/alerts amapi --connections 8 --seconds 600 --rate 2000 >/dev/null 2>&1 &
gen=$!
am_count() { curl -sf "http://127.0.0.1:$am_port/api/v2/alerts" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
am_holds() { [ "$(am_count)" -ge "$1" ]; }
wait_until 300 am_holds "$am_alerts"
kill "$gen" 2>/dev/null || true; wait "$gen" 2>/dev/null || true
count=$(am_count)
after=$(rss_kb "$am_pid")
am_per_alert=$(( (after - before) * 1024 / count ))
stop "$am_pid"

echo "bench: baton resident memory per open incident and restart time ($memory_incidents open; recovery_bench)" >&2
recovery=$("$build/bench/recovery_bench" "$memory_incidents")
echo "$recovery" | sed 's/^/  /' >&2

if [ "$only" != all ]; then
  printf 'resident memory: Alertmanager %s bytes per alert (%s alerts held)\n' "$am_per_alert" "$count"
  printf 'baton restart and memory (recovery_bench, %s open incidents):\n%s\n' "$memory_incidents" \
    "$(echo "$recovery" | sed 's/^/  /')"
  exit 0
fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
bn=$(med "${rate[baton_native]}"); ba=$(med "${rate[baton_amformat]}")
a5=$(med "${rate[am_5m]}"); a1=$(med "${rate[am_1s]}")
echo
echo "== figures (medians of $rounds runs; the machine is shared: read ratios, not absolutes)"
printf 'ingest, 32 connections, one event per request (events/s):\n'
printf '  baton /v1/events (durable, committed before 2xx)    %8.0f   [%s]\n' "$bn" "${rate[baton_native]}"
printf '  baton /v1/integrations/alertmanager (durable)        %8.0f   [%s]\n' "$ba" "${rate[baton_amformat]}"
printf '  Alertmanager 0.25, group_interval 5m (in memory)     %8.0f   [%s]\n' "$a5" "${rate[am_5m]}"
printf '  Alertmanager 0.25, group_interval 1s (in memory)     %8.0f   [%s]\n' "$a1" "${rate[am_1s]}"
printf '  ratio baton native / Alertmanager 5m: %s; / 1s: %s\n' "$(ratio "$bn" "$a5")" "$(ratio "$bn" "$a1")"
printf 'latency at a fixed 5,000 requests/s (ms): baton p50 %s p99 %s; Alertmanager p50 %s p99 %s\n' \
  "$(med "${p50[baton_rate]}")" "$(med "${p99[baton_rate]}")" "$(med "${p50[am_rate]}")" "$(med "${p99[am_rate]}")"
printf 'event -> first notification (ms): baton (committed, then the file notifier) p50 %s p99 %s;' \
  "$(med "${p50[baton_first]}")" "$(med "${p99[baton_first]}")"
printf ' Alertmanager alert -> webhook p50 %s p99 %s\n' "$(med "${p50[am_first]}")" "$(med "${p99[am_first]}")"
echo "$timers_line (Alertmanager has no per-alert deadline to compare)"
printf 'resident memory: Alertmanager %s bytes per alert (%s alerts held)\n' "$am_per_alert" "$count"
printf 'baton restart and memory (recovery_bench, %s open incidents):\n%s\n' "$memory_incidents" \
  "$(echo "$recovery" | sed 's/^/  /')"
