#!/usr/bin/env bash
# scripts/run.sh on a machine where everything is installed and built: it
# must start the app at once and say nothing of its own, so all it prints for
# --version is the app's three lines.
#   run_script_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
out=$(SLOWPATH_BUILD_DIR="$2" bash "$1/scripts/run.sh" --version 2>&1)
expected=$("$2/app/gui/slowpath" --version 2>&1)
if [ "$out" != "$expected" ]; then
  printf 'run_script_test: run.sh printed\n%s\nexpected only\n%s\n' "$out" "$expected" >&2
  exit 1
fi
echo "run_script_test: quiet, and the app answered"
