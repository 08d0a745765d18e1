#!/usr/bin/env bash
# Installs the Debian packages baton needs (scripts/debian-packages.txt, and with
# BATON_TEST_PEERS=1 the test peers of scripts/debian-test-packages.txt) when any is
# missing, then configures and builds into ${BUILD_DIR:-build}. Safe to run repeatedly.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

lists=(scripts/debian-packages.txt)
if [ "${BATON_TEST_PEERS:-0}" = 1 ]; then
  lists+=(scripts/debian-test-packages.txt)
fi
mapfile -t wanted < <(grep -hvE '^\s*(#|$)' "${lists[@]}")
missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build_dir=${BUILD_DIR:-build}
build_type=${BUILD_TYPE:-RelWithDebInfo}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" ${CMAKE_EXTRA_ARGS:-} >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
