#!/usr/bin/env bash
# Unicorn 2.1 for slowpath when the system's is older (bookworm has 2.0.1,
# whose store slow path allocates on every guest store). Debian trixie's
# binary packages libunicorn2t64 and libunicorn-dev are fetched with apt
# through a private sources list made from this machine's own Debian entry
# (nothing is added to the system's sources) and unpacked into .deps/unicorn,
# which cmake/unicorn.cmake prefers. Idempotent: quiet when already done.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$root/.deps/unicorn"
want_suite=trixie
want_min=2.1

version_ge() { dpkg --compare-versions "$1" ge "$2"; }

system_version=$(pkg-config --modversion unicorn 2>/dev/null || echo 0)
if version_ge "$system_version" "$want_min"; then exit 0; fi
if [ -f "$prefix/lib/pkgconfig/unicorn.pc" ]; then
  local_version=$(PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" pkg-config --modversion unicorn 2>/dev/null || echo 0)
  if version_ge "$local_version" "$want_min"; then exit 0; fi
fi

work="$root/.deps/apt"
rm -rf "$work"
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"

# The machine's own Debian archive entry (deb822 or one-line form), with its
# suite changed to trixie. Security and -updates suites are left out.
sources="$work/sources.list"
: >"$sources"
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  awk -v suite="$want_suite" '
    function flush() {
      if (uri != "" && suites ~ /(^| )bookworm( |$)/)
        printf "deb [%s] %s %s %s\n", (key != "" ? "signed-by=" key : "trusted=no"), uri, suite, comps
      uri = ""; suites = ""; comps = ""; key = ""
    }
    /^[ \t]*$/ { flush(); next }
    /^URIs:/ { uri = $2 }
    /^Suites:/ { $1 = ""; suites = $0; sub(/^ /, "", suites) }
    /^Components:/ { $1 = ""; comps = $0; sub(/^ /, "", comps) }
    /^Signed-By:/ { key = $2 }
    END { flush() }' "$f" >>"$sources"
done
if [ -f /etc/apt/sources.list ]; then
  awk -v suite="$want_suite" '$1 == "deb" && / bookworm / { sub(/ bookworm /, " " suite " "); print }' \
    /etc/apt/sources.list >>"$sources"
fi
sed -i 's/\[trusted=no\] //' "$sources"
sort -u -o "$sources" "$sources"
if [ ! -s "$sources" ]; then
  echo "setup: no Debian bookworm entry in the apt sources; cannot fetch Unicorn 2.1" >&2
  exit 1
fi

apt_opts=(-o Dir::Etc::SourceList="$sources" -o Dir::Etc::SourceParts=/dev/null
  -o Dir::State::Lists="$work/lists" -o Dir::Cache="$work/cache"
  -o Dir::State::Status=/var/lib/dpkg/status -o APT::Get::List-Cleanup=0
  -o Debug::NoLocking=1 -qq)
# apt's download sandbox user cannot write into a private directory.
[ "$(id -u)" -ne 0 ] || apt_opts+=(-o APT::Sandbox::User=root)
echo "setup: fetching Unicorn 2.1 ($want_suite's libunicorn2t64, libunicorn-dev) into .deps/unicorn"
apt-get "${apt_opts[@]}" update >/dev/null
(cd "$work/debs" && apt-get "${apt_opts[@]}" download libunicorn2t64 libunicorn-dev >/dev/null)

stage="$work/root"
mkdir -p "$stage"
for deb in "$work/debs"/*.deb; do dpkg -x "$deb" "$stage"; done
multiarch=$(ls "$stage/usr/lib" | grep -- '-linux-gnu$' | head -n1)
rm -rf "$prefix"
mkdir -p "$prefix/lib/pkgconfig"
cp -a "$stage/usr/include" "$prefix/include"
cp -a "$stage/usr/lib/$multiarch/"libunicorn.so* "$prefix/lib/"
pc="$stage/usr/lib/$multiarch/pkgconfig/unicorn.pc"
{
  echo "prefix=$prefix"
  sed -e '/^prefix=/d' -e "s|^libdir=.*|libdir=\${prefix}/lib|" \
    -e "s|^includedir=.*|includedir=\${prefix}/include|" "$pc"
} >"$prefix/lib/pkgconfig/unicorn.pc"
rm -rf "$work"
version=$(PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" pkg-config --modversion unicorn)
echo "setup: Unicorn $version in .deps/unicorn"
