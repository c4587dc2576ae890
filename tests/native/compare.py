#!/usr/bin/env python3
"""Run one static program natively and in the guest; the two runs must print
the same bytes on stdout and exit with the same status.

  compare.py --cli SLOWPATH_CLI --era ERA [--root DIR] [--stdin FILE]
             [--env NAME=VALUE]... PROGRAM -- [ARGS...]

With --root the native run starts in DIR and the guest sees DIR as its /,
so a program that opens relative paths reads the same files in both.
Both runs get exactly the --env variables as their environment (none
without it). The exit status is a shell's: 128+N when signal N killed the program.
"""
import argparse
import difflib
import json
import subprocess
import sys

MAX_STEPS = "200000000"


def native(program, args, root, stdin_path, env):
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    p = subprocess.run([program] + args, cwd=root, stdin=stdin, capture_output=True,
                       env=dict(v.split("=", 1) for v in env), timeout=60)
    status = 128 - p.returncode if p.returncode < 0 else p.returncode
    return p.stdout, status


def guest(cli, era, program, args, root, stdin_path, env):
    cmd = [cli, "run", "--era", era, "--program", program, "--json", "--max-steps", MAX_STEPS]
    for v in env:
        cmd += ["--env", v]
    if root:
        cmd += ["--root", root]
    if args:
        cmd += ["--args"] + args
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    p = subprocess.run(cmd, stdin=stdin, capture_output=True, timeout=600)
    try:
        report = json.loads(p.stdout)
    except json.JSONDecodeError:
        sys.exit("guest run gave no JSON (status %d): %s" % (p.returncode, p.stderr.decode(errors="replace")))
    out = report.get("stdout", "").encode("utf-8", errors="surrogateescape")
    return out, report.get("exit_code"), report


def show(label, data):
    return data.decode("utf-8", errors="replace").splitlines(keepends=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--era", required=True)
    ap.add_argument("--root")
    ap.add_argument("--stdin")
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("program")
    ap.add_argument("args", nargs="*")
    o = ap.parse_args()

    n_out, n_status = native(o.program, o.args, o.root, o.stdin, o.env)
    g_out, g_status, report = guest(o.cli, o.era, o.program, o.args, o.root, o.stdin, o.env)
    ok = True
    if n_out != g_out:
        ok = False
        print("stdout differs (--- Linux, +++ guest):")
        sys.stdout.writelines(difflib.unified_diff(show("native", n_out), show("guest", g_out),
                                                   "linux", "guest " + o.era))
    if n_status != g_status:
        ok = False
        print("exit status: Linux %s, guest %s (%s)" % (n_status, g_status, report.get("outcome")))
    if ok:
        print("same output (%d bytes) and exit status %d" % (len(n_out), n_status))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
