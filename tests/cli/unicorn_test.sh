#!/usr/bin/env bash
# The Unicorn the binaries load at run time, from the build tree and from an
# install: its version (uc_version) is at least MIN, and its file is the one
# they were linked against, never the system's older libunicorn.so.2.
#   unicorn_test.sh BUILD_DIR MIN LIBDIR LOCAL BINARY...
# LIBDIR is where configure found Unicorn; LOCAL is ON when that is the
# project's own copy (.deps/unicorn), which an install bundles in lib/slowpath.
set -euo pipefail
build=$1 min=$2 libdir=$3 local=$4
shift 4
fail() { echo "unicorn_test: $*" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
unset LD_LIBRARY_PATH

# check BINARY EXPECTED_FILE: the "unicorn:" line of its --version.
check() {
  local line version file
  line=$("$1" --version | grep '^unicorn: ') || fail "$1 --version names no Unicorn"
  version=${line#unicorn: }
  version=${version%% *}
  file=${line#*(}
  file=${file%)}
  dpkg --compare-versions "$version" ge "$min" || fail "$1 loads Unicorn $version (< $min): $line"
  [ -f "$file" ] || fail "$1 names a Unicorn file that does not exist: $line"
  [ "$(realpath "$file")" = "$(realpath "$2")" ] || fail "$1 loads $file, not $2"
  echo "$(basename "$1"): $line"
}

for binary in "$@"; do check "$binary" "$libdir/libunicorn.so.2"; done

# An installed copy: the bundled library when there is one.
cmake --install "$build" --prefix "$scratch/usr" >/dev/null
for binary in "$@"; do
  installed="$scratch/usr/bin/$(basename "$binary")"
  if [ "$local" = ON ]; then
    check "$installed" "$scratch/usr/lib/slowpath/libunicorn.so.2"
  else
    check "$installed" "$libdir/libunicorn.so.2"
  fi
done
