#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang and AddressSanitizer + UBSan into
# ${BUILD_DIR:-build-fuzz} and runs one target on its corpus, or every target in turn:
#
#   scripts/fuzz.sh TARGET [SECONDS] [--merge]    TARGET: rules, config, scenario, log,
#                                                 ingest_native, ingest_alertmanager, ingest_pagerduty
#   scripts/fuzz.sh all [SECONDS] [--merge]
#
# SECONDS (default 60) bounds each target's run; FUZZ_RUNS=N also stops it after N
# executions (a long run aiming at a count); FUZZ_FORK=N runs N worker processes for
# one run (libFuzzer's -fork, its count the sum of theirs). An input running longer than FUZZ_TIMEOUT
# seconds (default 10) is a finding; raise it for a run at low priority on a busy
# machine, where a starved process can take that long over an input that needs 0.2 s. New inputs go to a scratch folder
# (${FUZZ_WORK:-/tmp/baton-fuzz}/TARGET), never into the repository unless --merge is
# given: then the inputs that add coverage are minimised with -merge=1 and the text
# ones copied into fuzz/corpus/TARGET. Prints each target's number of executions.
# Ctrl-C (SIGINT to the fuzzer) ends a long run early: that is not a finding, its count
# is printed and --merge still merges.
# Exit status: 0 nothing found; 1 a finding (its file is printed); 2 usage or build error.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

targets=(rules config scenario log ingest_native ingest_alertmanager ingest_pagerduty)
usage() {
  echo "usage: scripts/fuzz.sh rules|config|scenario|log|ingest_native|ingest_alertmanager|ingest_pagerduty|all [SECONDS] [--merge]" >&2
  exit 2
}

what=""
seconds=60
merge=false
for arg in "$@"; do
  case "$arg" in
    --merge) merge=true ;;
    -*) usage ;;
    *)
      if [ -z "$what" ]; then
        what=$arg
      elif [[ "$arg" =~ ^[0-9]+$ ]] && [ "$arg" -gt 0 ]; then
        seconds=$arg
      else
        usage
      fi
      ;;
  esac
done
case "$what" in
  all) run=("${targets[@]}") ;;
  rules | config | scenario | log | ingest_native | ingest_alertmanager | ingest_pagerduty) run=("$what") ;;
  *) usage ;;
esac

# Per target: the longest input, and the dictionaries (libFuzzer takes one file, so
# they are joined). Inputs are bounded so that one run stays milliseconds long: the
# loaders' own limits are far above what a fuzzer input needs to reach every branch.
max_len_of() {
  case "$1" in
    rules) echo 4096 ;;
    config | scenario) echo 8192 ;;
    log) echo 2048 ;;
    ingest_native | ingest_pagerduty) echo 8192 ;;
    ingest_alertmanager) echo 16384 ;;
  esac
}
dicts_of() {
  case "$1" in
    rules) echo rules ;;
    config) echo yaml config rules ;;
    scenario) echo yaml scenario ;;
    log) echo log json ;;
    ingest_native) echo json native_event ;;
    ingest_alertmanager) echo json alertmanager ;;
    ingest_pagerduty) echo json pagerduty ;;
  esac
}

cxx=${CXX:-clang++}
cc=${CC:-clang}
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz: $cxx not found; the fuzz targets need clang (Debian: apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi
build_dir=${BUILD_DIR:-build-fuzz}
CC=$cc CXX=$cxx cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBATON_FUZZ=ON \
  -DBATON_SANITIZE=ON -DBATON_BUILD_TESTS=OFF -DBATON_BUILD_BENCH=OFF >/dev/null
fuzzers=()
for t in "${run[@]}"; do
  fuzzers+=("${t}_fuzz")
done
cmake --build "$build_dir" --target "${fuzzers[@]}" -j "${JOBS:-$(nproc)}"

work=${FUZZ_WORK:-/tmp/baton-fuzz}
# Leaks are reported by LeakSanitizer at exit; a UBSan report is a finding like a crash.
# No allocation stacks: recording one per malloc is a tenth of a loader's run; a
# finding is replayed with them (see below).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:malloc_context_size=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

found=0
for t in "${run[@]}"; do
  corpus=fuzz/corpus/$t
  scratch=$work/$t/new
  artifacts=$work/$t/findings
  mkdir -p "$scratch" "$artifacts"
  dict=$work/$t/$t.dict
  for d in $(dicts_of "$t"); do
    cat "fuzz/dict/$d.dict"
  done >"$dict"
  log=$work/$t/fuzz.log
  echo "fuzz: $t for ${seconds}s (corpus $corpus, new inputs in $scratch)"
  status=0
  # The scratch folder comes first: libFuzzer writes new inputs to the first folder.
  "$build_dir/fuzz/${t}_fuzz" "$scratch" "$corpus" -dict="$dict" -max_len="$(max_len_of "$t")" \
    -max_total_time="$seconds" ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} ${FUZZ_FORK:+-fork="$FUZZ_FORK"} -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 -close_fd_mask=1 >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ -z "$execs" ]; then  # -fork prints no final stats: its last progress line counts
    execs=$(sed -n 's/^#\([0-9][0-9]*\):* .*/\1/p' "$log" | tail -1)
  fi
  # libFuzzer ends an interrupted run with exit 72 (-interrupted_exitcode).
  if [ "$status" -eq 72 ] && grep -q "libFuzzer: run interrupted" "$log"; then
    echo "fuzz: $t: interrupted after ${execs:-?} executions"
    status=0
  else
    echo "fuzz: $t: ${execs:-?} executions in ${seconds}s"
  fi
  if [ "$status" -ne 0 ]; then
    found=1
    tail -n 60 "$log" >&2
    finding=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    echo "fuzz: $t: FINDING (exit $status): ${finding:-see $log}" >&2
    if [ -n "$finding" ]; then
      echo "fuzz: reproduce (with allocation stacks) with ASAN_OPTIONS=detect_leaks=1 $build_dir/fuzz/${t}_fuzz $finding; minimise with" \
        "$build_dir/fuzz/${t}_fuzz -minimize_crash=1 -max_total_time=60 $finding" >&2
    fi
    continue
  fi
  if $merge; then
    # The corpus stays text: only text inputs are candidates. They are merged into a
    # fresh copy of the corpus, so only those adding coverage beyond it arrive, and
    # those are copied into the repository.
    candidates=$(mktemp -d "$work/$t/text.XXXXXX")
    skipped=0
    for f in "$scratch"/*; do
      if [ ! -s "$f" ] || grep -qaP '\x00' "$f" || ! iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1; then
        skipped=$((skipped + 1))
      else
        cp "$f" "$candidates"/
      fi
    done
    fresh=$(mktemp -d "$work/$t/merge.XXXXXX")
    cp "$corpus"/* "$fresh"/
    "$build_dir/fuzz/${t}_fuzz" -merge=1 "$fresh" "$candidates" -max_len="$(max_len_of "$t")" -timeout=10 \
      -rss_limit_mb=2048 -close_fd_mask=1 >"$work/$t/merge.log" 2>&1
    added=0
    for f in "$fresh"/*; do
      name=$(basename "$f")
      if [ ! -e "$corpus/$name" ] && [ ! -e "$corpus/new-$name" ]; then
        cp "$f" "$corpus/new-$name"
        added=$((added + 1))
      fi
    done
    rm -rf "$fresh" "$candidates"
    echo "fuzz: $t: merged $added new inputs into $corpus ($skipped new inputs not text, left out)"
  fi
done
exit "$found"
