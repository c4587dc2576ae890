#!/usr/bin/env python3
"""The vDSO seen from the trace: a clock read through it makes no system call.

  vdso.py --cli SLOWPATH_CLI --era ERA PROGRAM

PROGRAM is tests/native/programs/time_vdso.c built static with musl. In
the guest, counting the system calls `slowpath-cli run --json` lists:
  - `libc` and `direct` (the C library's calls, and the vDSO's functions
    looked up by hand) make no clock_gettime, gettimeofday or time call;
  - `syscall` makes each of its reads as a system call, counted exactly;
  - with `--no-vdso` (the kernel's vdso64_enabled = 0, as Linux's vdso=0),
    AT_SYSINFO_EHDR is absent and the C library's reads are system calls again (musl's gettimeofday and
    time are its clock_gettime).
"""
import argparse
import json
import subprocess
import sys

READS = 100  # time_vdso.c's READS
CLOCK_CALLS = ("clock_gettime", "gettimeofday", "time")


def run(cli, era, program, mode, options=()):
    p = subprocess.run([cli, "run", "--era", era, "--max-steps", "50000000", *options,
                        "--program", program, "--json", "--", mode],
                       capture_output=True, timeout=600)
    report = json.loads(p.stdout)
    calls = {}
    for call in report["syscalls"]:
        calls[call["name"]] = calls.get(call["name"], 0) + 1
    return report["exit_code"], report["stdout"], calls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--era", required=True)
    ap.add_argument("program")
    o = ap.parse_args()
    failures = []

    def check(what, ok):
        print("%-70s %s" % (what, "ok" if ok else "FAILED"))
        if not ok:
            failures.append(what)

    for mode in ("libc", "direct"):
        status, out, calls = run(o.cli, o.era, o.program, mode)
        check("%s: exit status 0" % mode, status == 0)
        check("%s: AT_SYSINFO_EHDR present" % mode, "AT_SYSINFO_EHDR: present" in out)
        check("%s: %d clock reads" % (mode, 4 * READS), "clock reads: %d" % (4 * READS) in out)
        for name in CLOCK_CALLS:
            check("%s: no %s system call (got %d)" % (mode, name, calls.get(name, 0)),
                  calls.get(name, 0) == 0)

    status, out, calls = run(o.cli, o.era, o.program, "syscall")
    check("syscall: exit status 0", status == 0)
    for name, want in zip(CLOCK_CALLS, (2 * READS, READS, READS)):
        check("syscall: %d %s system calls (got %d)" % (want, name, calls.get(name, 0)),
              calls.get(name, 0) == want)

    status, out, calls = run(o.cli, o.era, o.program, "libc", ["--no-vdso"])
    check("--no-vdso: exit status 0", status == 0)
    check("--no-vdso: AT_SYSINFO_EHDR absent", "AT_SYSINFO_EHDR: absent" in out)
    got = calls.get("clock_gettime", 0)
    check("--no-vdso: %d clock_gettime system calls (got %d)" % (4 * READS, got), got == 4 * READS)
    print("%d failed" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
