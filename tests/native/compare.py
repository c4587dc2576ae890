#!/usr/bin/env python3
"""Run one static program natively and in the guest; the two runs must print
the same bytes on stdout and on stderr and exit with the same status.

  compare.py --cli SLOWPATH_CLI --era ERA [--root DIR] [--stdin FILE]
             [--env NAME=VALUE]... [--expect FILE --expect-status N]
             PROGRAM -- [ARGS...]

The guest runs as a user would run it: `slowpath-cli run --program PROGRAM
-- ARGS`, whose stdout, stderr and exit status are the program's (the
report goes to -o). With --root the native run starts in DIR and the guest
sees DIR as its /, so a program that opens relative paths reads the same
files in both. Both runs get exactly the --env variables as their
environment (none without it). The exit status is a shell's: 128+N when
signal N killed it.

With --known-difference REASON the two runs are known to differ for REASON
(a CPU feature the emulator lacks, a kernel feature the guest lacks yet):
the test shows the difference and the reason, and fails only when the runs
agree after all, so that the list of known differences stays true.
--max-steps bounds the guest run (200000000 by default).

With --expect there is no native run: what Linux cannot be asked without a
chroot or a read-only mount (escapes from the root, EROFS) is compared
with FILE (stdout) and N (the status) instead; stderr must then be empty.
"""
import argparse
import difflib
import os
import subprocess
import sys
import tempfile

MAX_STEPS = "200000000"


def open_stdin(path):
    return open(path, "rb") if path else subprocess.DEVNULL


def native(program, args, root, stdin_path, env):
    p = subprocess.run([program] + args, cwd=root, stdin=open_stdin(stdin_path),
                       capture_output=True, env=dict(v.split("=", 1) for v in env), timeout=60)
    status = 128 - p.returncode if p.returncode < 0 else p.returncode
    return p.stdout, p.stderr, status


def guest(cli, era, program, args, root, stdin_path, env, max_steps=MAX_STEPS):
    with tempfile.NamedTemporaryFile(prefix="slowpath-report-", suffix=".txt") as report:
        cmd = [cli, "run", "--era", era, "--max-steps", max_steps, "--program", program,
               "-o", report.name]
        if root:
            cmd += ["--root", root]
        for v in env:
            cmd += ["--env", v]
        cmd += ["--"] + args
        p = subprocess.run(cmd, stdin=open_stdin(stdin_path), capture_output=True, timeout=600)
        with open(report.name, "rb") as f:
            text = f.read().decode(errors="replace")
    outcome = next((line for line in text.splitlines() if line.startswith("outcome:")), "no report")
    return p.stdout, p.stderr, p.returncode, outcome


def lines(data):
    return data.decode("utf-8", errors="replace").splitlines(keepends=True)


def compare(what, want, got, label, era):
    if want == got:
        return True
    print("%s differs (--- %s, +++ guest):" % (what, label))
    sys.stdout.writelines(difflib.unified_diff(lines(want), lines(got), label, "guest " + era))
    print()
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--era", required=True)
    ap.add_argument("--root")
    ap.add_argument("--stdin")
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--expect")
    ap.add_argument("--expect-status", type=int, default=0)
    ap.add_argument("--known-difference")
    ap.add_argument("--max-steps", default=MAX_STEPS)
    ap.add_argument("program")
    ap.add_argument("args", nargs="*")
    o = ap.parse_args()

    if o.expect:
        with open(o.expect, "rb") as f:
            n_out, n_err, n_status = f.read(), b"", o.expect_status
        label = os.path.basename(o.expect)
    else:
        n_out, n_err, n_status = native(o.program, o.args, o.root, o.stdin, o.env)
        label = "linux"
    g_out, g_err, g_status, outcome = guest(o.cli, o.era, o.program, o.args, o.root, o.stdin, o.env,
                                      o.max_steps)
    ok = compare("stdout", n_out, g_out, label, o.era)
    ok = compare("stderr", n_err, g_err, label, o.era) and ok
    if n_status != g_status:
        ok = False
        print("exit status: %s %s, guest %s (%s)" % (label, n_status, g_status, outcome))
    if o.known_difference:
        if ok:
            print("the runs agree, but they are listed as differing (%s): "
                  "take this test off the list" % o.known_difference)
            return 1
        print("known difference: %s" % o.known_difference)
        return 0
    if ok:
        print("same stdout (%d bytes), stderr (%d bytes) and exit status %d"
              % (len(n_out), len(n_err), n_status))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
