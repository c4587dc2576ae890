#!/usr/bin/env bash
# Installs everything slowpath needs to build, run and test on Debian bookworm.
# Idempotent: when every package is already there it does nothing, quietly.
set -euo pipefail
packages=(
  build-essential cmake pkg-config clang-format
  libunicorn-dev libcapstone-dev
  libglfw3-dev libimgui-dev libgl-dev libstb-dev
  libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libelf-dev libdw-dev liblz4-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  fonts-dejavu-core musl-tools help2man python3 busybox-static
  python3-jsonschema
  python3-pil
  libgif-dev
  clang-tidy
  fonts-dejavu-extra
  xvfb xauth mesa-utils libgl1-mesa-dri xdotool xclip
  clang libclang-rt-14-dev
  linux-source-6.12 linux-libc-dev
)
missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "setup: dependencies installed"
fi
# Unicorn 2.1 into .deps/unicorn when the system's is older (bookworm: 2.0.1).
bash "$(dirname "$0")/unicorn_deps.sh"
