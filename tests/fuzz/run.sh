#!/usr/bin/env bash
# Runs one libFuzzer harness on its corpus.
#   run.sh FUZZER CORPUS_DIR SEED_DIR [libFuzzer flags, e.g. -runs=20000]
# New inputs go to CORPUS_DIR (in the build tree); the seeds (copies of the
# shipped files) are read too but never written. A crash, leak or timeout
# leaves its input in CORPUS_DIR.crashes/ and the exit status is non-zero.
set -euo pipefail
fuzzer=$1 corpus=$2 seeds=$3
shift 3
mkdir -p "$corpus" "$corpus.crashes"
# No allocation stacks (recording them made the walkthrough fuzzer 5x slower);
# run a crash's input again with ASAN_OPTIONS=detect_leaks=1 to get them.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:malloc_context_size=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
exec "$fuzzer" -artifact_prefix="$corpus.crashes/" -print_final_stats=1 "$@" "$corpus" "$seeds"
