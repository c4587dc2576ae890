#!/usr/bin/env bash
# Speed figures of the desktop app under Xvfb (Mesa's llvmpipe unless a GPU
# is there): CPU time per frame of the full layout (drawn whole, and after a
# step with only the changed regions drawn), idle CPU over 10 s, start
# to the first frame with the guest booted, playing at 4 steps a second
# (whole-process CPU share), and the seek from the last step
# of a 100,000-instruction run to the first. Not a test: it prints figures.
#
#   tests/gui/bench_gui.sh [BUILD_DIR] [-- extra slowpath options]
set -euo pipefail
build=${1:-build}
shift || true
[ "${1:-}" = "--" ] && shift
app="$build/app/gui/slowpath"
if [ ! -x "$app" ]; then
  echo "bench_gui: $app not found (build the slowpath target first)" >&2
  exit 2
fi
if ! command -v Xvfb >/dev/null; then
  echo "bench_gui: Xvfb not found (apt-get install xvfb)" >&2
  exit 2
fi
with_xvfb="$(dirname "$0")/with_xvfb.sh"  # an X server of its own for each run
echo "== $(nproc) CPUs; window 1280x800 =="
bash "$with_xvfb" -s "-screen 0 1600x1000x24" "$app" --bench --size 1280x800 "$@"
echo
echo "== the same at 1280x800 in presenter mode, 2 s idle =="
bash "$with_xvfb" -s "-screen 0 1600x1000x24" "$app" --bench --bench-idle 2 --size 1280x800 --presenter "$@"
echo
echo "== the same at 1920x1080, 2 s idle =="
bash "$with_xvfb" -s "-screen 0 2000x1200x24" "$app" --bench --bench-idle 2 --size 1920x1080 "$@"
echo
echo "== the same at 1920x1080 in presenter mode, 2 s idle =="
bash "$with_xvfb" -s "-screen 0 2000x1200x24" "$app" --bench --bench-idle 2 --size 1920x1080 --presenter "$@"
