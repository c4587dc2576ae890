#!/usr/bin/env bash
# Installs everything slowpath needs to build, run and test on Debian bookworm.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake pkg-config clang-format \
  libunicorn-dev libcapstone-dev \
  libglfw3-dev libimgui-dev libgl-dev libstb-dev \
  libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libelf-dev libdw-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  fonts-dejavu-core musl-tools \
  xvfb xauth mesa-utils libgl1-mesa-dri xdotool \
  clang libclang-rt-14-dev \
  linux-source-6.12 \
  >/dev/null
echo "setup: dependencies installed"
