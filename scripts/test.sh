#!/usr/bin/env bash
# Installs what the tests need, builds (a normal and a sanitizer build) and
# runs every test: unit, scenario, CLI, walkthrough and, under Xvfb, GUI;
# then builds the fuzzers with clang and runs each for a fixed number of inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

bash scripts/setup.sh

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

# The emulator core under AddressSanitizer and UBSan (the GUI is covered above).
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSLOWPATH_SANITIZE=ON -DSLOWPATH_GUI=OFF \
  -DSLOWPATH_BENCH=OFF
cmake --build build-asan -j"$jobs"
# The kernel's selftests run in the normal build only: single_step_syscall
# traps on every instruction for millions of steps, past any timeout in a
# Debug sanitizer build, and the engine code they reach is the same the
# other native tests run here.
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs" -LE selftest)

# The fuzzers (clang, libFuzzer): a short fixed run of each on its seed corpus.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLOWPATH_FUZZ=ON \
  -DSLOWPATH_GUI=OFF -DSLOWPATH_BENCH=OFF
cmake --build build-fuzz -j"$jobs" --target fuzzers
(cd build-fuzz && ctest --output-on-failure -j"$jobs" -L fuzz)
