#!/usr/bin/env python3
"""clang-tidy (the checks in .clang-tidy) over emu/src, app/cli and app/gui/model,
two files at a time.

usage: tidy.py CLANG_TIDY BUILD_DIR SOURCE_DIR [JOBS]

A file that passed is remembered under BUILD_DIR/tidy-passed/ by the hash of
what clang-tidy reads (the preprocessed file, its compile command, the
configuration and clang-tidy's version), so a run after a change checks only
what the change touched. Exit status 1 with every warning printed when a
check fails.
"""
import concurrent.futures
import hashlib
import json
import os
import shlex
import subprocess
import sys
import time

tidy, build, source = sys.argv[1:4]
jobs = int(sys.argv[4]) if len(sys.argv) > 4 else 2
with open(os.path.join(build, "compile_commands.json")) as f:
    commands = json.load(f)
# The library, the command-line runner and the GUI's model (no ImGui). The
# panels and ui/ are left out: their ImGui coordinates are floats computed
# from int counts in every draw call, which bugprone-narrowing-conversions
# would flag line by line.
roots = [os.path.join(os.path.realpath(source), *parts) + os.sep
         for parts in (("emu", "src"), ("app", "cli"), ("app", "gui", "model"))]
entries = [c for c in commands if any(os.path.realpath(c["file"]).startswith(r) for r in roots)]
if not entries:
    sys.exit(f"no emu/src or app/ files in {build}/compile_commands.json")
with open(os.path.join(source, ".clang-tidy"), "rb") as f:
    config = f.read()
version = subprocess.run([tidy, "--version"], capture_output=True).stdout
cache = os.path.join(build, "tidy-passed")
os.makedirs(cache, exist_ok=True)


def key(entry):
    args = entry.get("arguments") or shlex.split(entry["command"])
    # The same command, preprocessing only, to stdout.
    pre, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-c", "-MD", "-MMD") or a.startswith("-o"):
            continue
        pre.append(a)
    if pre and "ccache" in os.path.basename(pre[0]):
        pre = pre[1:]
    out = subprocess.run(pre + ["-E", "-P"], cwd=entry["directory"], capture_output=True)
    h = hashlib.sha256()
    for part in (out.stdout, " ".join(args).encode(), config, version):
        h.update(part)
        h.update(b"\0")
    return h.hexdigest() if out.returncode == 0 else None


def check(entry):
    k = key(entry)
    if k and os.path.exists(os.path.join(cache, k)):
        return entry["file"], True, "", True
    r = subprocess.run([tidy, "-p", build, "--quiet", entry["file"]], capture_output=True,
                       text=True)
    # Warnings as errors (WarningsAsErrors: '*' in .clang-tidy) fail the run.
    ok = r.returncode == 0 and "warning:" not in r.stdout
    if ok and k:
        open(os.path.join(cache, k), "w").close()
    return entry["file"], ok, r.stdout + r.stderr, False


started = time.monotonic()
failed, cached = [], 0
with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
    for file, ok, output, was_cached in pool.map(check, entries):
        cached += was_cached
        if not ok:
            failed.append(file)
            print(output)
print(f"clang-tidy: {len(entries)} files ({cached} unchanged since they passed), "
      f"{len(failed)} with warnings, {time.monotonic() - started:.1f} s")
sys.exit(1 if failed else 0)
