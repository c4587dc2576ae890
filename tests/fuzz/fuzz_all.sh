#!/usr/bin/env bash
# The `fuzz` target: each harness in turn for FUZZ_SECONDS seconds (default 60).
#   FUZZ_SECONDS=600 cmake --build build-fuzz --target fuzz
#   fuzz_all.sh RUN_SH NAME:FUZZER:CORPUS:SEEDS:MAX_LEN ...
set -euo pipefail
run=$1
shift
seconds=${FUZZ_SECONDS:-60}
status=0
for spec in "$@"; do
    IFS=: read -r name fuzzer corpus seeds max_len <<<"$spec"
    echo "== fuzz_$name for ${seconds}s"
    bash "$run" "$fuzzer" "$corpus" "$seeds" -max_total_time="$seconds" -max_len="$max_len" \
        -timeout=10 || status=1
done
exit $status
