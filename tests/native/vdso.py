#!/usr/bin/env python3
"""The vDSO seen from the trace: a clock read through it makes no system call.

  vdso.py --cli SLOWPATH_CLI --era ERA --guest-dir DIR PROGRAM

PROGRAM is tests/native/programs/time_vdso.c built static with musl. In
the guest, counting the system calls `slowpath-cli run --json` lists:
  - `libc` and `direct` (the C library's calls, and the vDSO's functions
    looked up by hand) make no clock_gettime, gettimeofday or time call;
  - `syscall` makes each of its reads as a system call, counted exactly;
  - with the vDSO disabled (a copy of DIR whose kernel images have
    vdso64_enabled = 0, as Linux's vdso=0), AT_SYSINFO_EHDR is absent and
    the C library's reads are system calls again (musl's gettimeofday and
    time are its clock_gettime).
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

READS = 100  # time_vdso.c's READS
CLOCK_CALLS = ("clock_gettime", "gettimeofday", "time")


def run(cli, era, program, mode, guest_dir=None):
    env = dict(os.environ)
    if guest_dir:
        env["SLOWPATH_GUEST_DIR"] = guest_dir
    p = subprocess.run([cli, "run", "--era", era, "--max-steps", "50000000", "--program", program,
                        "--json", "--", mode], capture_output=True, env=env, timeout=600)
    report = json.loads(p.stdout)
    calls = {}
    for call in report["syscalls"]:
        calls[call["name"]] = calls.get(call["name"], 0) + 1
    return report["exit_code"], report["stdout"], calls


def symbol_file_offset(data, name):
    """File offset of an ELF64 symbol's bytes (via its section)."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3a)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
                for i in range(shnum)]
    for sh in sections:
        if sh[1] != 2:  # SHT_SYMTAB
            continue
        strtab = sections[sh[6]]
        for off in range(sh[4], sh[4] + sh[5], 24):
            st_name, _, _, st_shndx, st_value, _ = struct.unpack_from("<IBBHQQ", data, off)
            end = data.index(b"\0", strtab[4] + st_name)
            if data[strtab[4] + st_name:end] == name:
                target = sections[st_shndx]
                return st_value - target[3] + target[4]
    raise SystemExit("%s not found in the kernel image" % name.decode())


def guest_dir_without_vdso(src, dst):
    for f in os.listdir(src):
        if f.endswith(".elf"):
            shutil.copy(os.path.join(src, f), dst)
    for f in os.listdir(dst):
        if not f.startswith("kernel-"):
            continue
        path = os.path.join(dst, f)
        data = bytearray(open(path, "rb").read())
        off = symbol_file_offset(data, b"vdso64_enabled")
        if struct.unpack_from("<i", data, off)[0] != 1:
            raise SystemExit("%s: vdso64_enabled is not 1 in the image" % f)
        struct.pack_into("<i", data, off, 0)
        open(path, "wb").write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--era", required=True)
    ap.add_argument("--guest-dir", required=True)
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

    with tempfile.TemporaryDirectory(prefix="slowpath-novdso-") as d:
        guest_dir_without_vdso(o.guest_dir, d)
        status, out, calls = run(o.cli, o.era, o.program, "libc", d)
        check("vDSO disabled: exit status 0", status == 0)
        check("vDSO disabled: AT_SYSINFO_EHDR absent", "AT_SYSINFO_EHDR: absent" in out)
        got = calls.get("clock_gettime", 0)
        check("vDSO disabled: %d clock_gettime system calls (got %d)" % (4 * READS, got),
              got == 4 * READS)
    print("%d failed" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
