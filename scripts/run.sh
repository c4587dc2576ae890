#!/usr/bin/env bash
# Starts the desktop app on the built-in demo, after installing what is
# missing and building what is out of date; its arguments go to the app:
#   bash scripts/run.sh --era rfc --inject SIGPENDING@exit
# Quiet and quick when there is nothing to do.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${SLOWPATH_BUILD_DIR:-$root/build}"  # the tests point it at their own build

bash "$root/scripts/setup.sh"
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "run: configuring $build"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
# Only the app and what it needs: the tests are scripts/test.sh's business.
if ! log=$(cmake --build "$build" -j"$(nproc)" --target slowpath 2>&1); then
  echo "$log" >&2
  echo "run: the build failed (the lines above say why)" >&2
  exit 1
fi
exec "$build/app/gui/slowpath" "$@"
