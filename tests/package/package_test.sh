#!/usr/bin/env bash
# Builds the .deb, unpacks it into a scratch root and runs both installed
# binaries from outside the source tree: --version must report the package's
# own data directory, the CLI must run the demo and a walkthrough from it, and
# the app must draw the demo into a PNG.
#   package_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
with_xvfb="$(cd "$(dirname "$0")/../gui" && pwd)/with_xvfb.sh"  # an X server of its own
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "package_test: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$scratch/out" >"$scratch/cpack.log" 2>&1) ||
  { cat "$scratch/cpack.log" >&2; fail "cpack -G DEB failed"; }
deb=$(ls "$scratch"/out/slowpath_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || fail "cpack made no slowpath_*.deb"

# One listing, then plain greps: `dpkg-deb -c | grep -q` would kill dpkg-deb
# with SIGPIPE on an early match, and pipefail would call that a failure.
dpkg-deb -c "$deb" | awk '{print $6}' >"$scratch/contents.txt"
# The dependencies dpkg-shlibdeps computed: the emulator and the window
# libraries; the emulator is bundled instead when the system's is too old.
bundled=no
grep -qx -- ./usr/lib/slowpath/libunicorn.so.2 "$scratch/contents.txt" && bundled=yes
depends=$(dpkg-deb -f "$deb" Depends)
libs=(libglfw libcapstone fonts-dejavu-core)
[ $bundled = yes ] || libs+=(libunicorn)
for lib in "${libs[@]}"; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
[ $bundled = no ] || [[ $depends != *libunicorn* ]] ||
  fail "Depends names the system's libunicorn beside the bundled one: $depends"
for path in ./usr/bin/slowpath ./usr/bin/slowpath-cli ./usr/share/applications/slowpath.desktop \
  ./usr/share/icons/hicolor/scalable/apps/slowpath.svg ./usr/share/metainfo/org.slowpath.Slowpath.metainfo.xml \
  ./usr/share/slowpath/assets/guest/kernel-modern.elf ./usr/share/slowpath/guest/entry/v3.13/entry_64.S \
  ./usr/share/man/man1/slowpath-cli.1.gz ./usr/share/bash-completion/completions/slowpath-cli; do
  grep -qx -- "$path" "$scratch/contents.txt" || fail "the package lacks $path"
done

root="$scratch/root"
dpkg-deb -x "$deb" "$root"
cd "$scratch"  # away from the source and build trees
unset SLOWPATH_GUEST_DIR SLOWPATH_SOURCE_DIR SLOWPATH_DATA_DIR
cli="$root/usr/bin/slowpath-cli"
data="$root/usr/bin/../share/slowpath"

"$cli" --version >version.txt
grep -q "^slowpath-cli [0-9]" version.txt || fail "--version: $(cat version.txt)"
grep -qx "data: $data" version.txt || fail "not the package's data: $(cat version.txt)"
grep -qx "guest images: $data/assets/guest" version.txt ||
  fail "not the package's guest images: $(cat version.txt)"
# The Unicorn it loads: 2.1 or newer, the bundled copy when there is one.
grep -q "^unicorn: 2\.[1-9]" version.txt || fail "not Unicorn 2.1: $(cat version.txt)"
loaded=$(sed -n 's/^unicorn: [^ ]* (\(.*\))$/\1/p' version.txt)
[ $bundled = no ] || [ "$(realpath "$loaded")" = "$(realpath "$root/usr/lib/slowpath/libunicorn.so.2")" ] ||
  fail "not the bundled Unicorn: $(cat version.txt)"

"$cli" run --era modern --inject SIGPENDING@exit --json >run.json
grep -q '"exit"' run.json || fail "run printed no exit"
"$cli" walk "$data/assets/walkthroughs/01-getpid-fast-path.yaml" >walk.txt ||
  { cat walk.txt >&2; fail "the installed walkthrough failed"; }

app="$root/usr/bin/slowpath"
"$app" --version >app-version.txt
grep -qx "data: $data" app-version.txt || fail "the app does not use the package's data"
bash "$with_xvfb" -s "-screen 0 1400x900x24" "$app" --no-settings --size 1280x720 \
  --screenshot "$scratch/demo.png" >app.log 2>&1 || { cat app.log >&2; fail "the app failed"; }
[ -s "$scratch/demo.png" ] || fail "the app wrote no screenshot"
echo "package_test: $(basename "$deb") installs and runs ($(wc -c <"$deb") bytes)"
