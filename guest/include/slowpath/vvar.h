/*
 * The page the kernel shares with the vDSO (Linux's vvar): the guest clock
 * as the kernel last left it, read-only to user mode. The kernel
 * (kernel/vdso.c) writes it; the vDSO (vdso/vdso.c) reads it and never
 * enters the kernel for the clocks it can answer.
 *
 * Guest-only: included by the kernel and by the vDSO, never by the host.
 *
 * Memory layout of the mapping exec makes (top of the mmap area, where a
 * modern Linux puts it too):
 *   vvar page      read-only, this struct at its start
 *   vDSO image     read and execute; its ELF header is AT_SYSINFO_EHDR
 * The vDSO finds the vvar page at a fixed distance below its own code,
 * so the pair moves as one.
 */
#ifndef SLOWPATH_VVAR_H
#define SLOWPATH_VVAR_H

#include <slowpath/abi.h>

#define SP_VVAR_PAGES 1

/* clock_mode: whether the vDSO may answer from this page (Linux's
 * VDSO_CLOCKMODE_*: a clocksource user mode cannot read gives NONE, and
 * every vDSO call becomes the system call). */
#define SP_VDSO_CLOCKMODE_NONE 0
#define SP_VDSO_CLOCKMODE_GUEST 1

#define SP_NSEC_PER_SEC 1000000000LL
#define SP_REALTIME_AT_BOOT 1390176000LL /* 2014-01-20 00:00:00 UTC */
#define SP_TICK_NSEC 4000000LL           /* HZ = 250: the coarse clocks' step */

struct sp_vvar {
    u32 seq;        /* odd while the kernel writes: readers retry */
    u32 clock_mode; /* SP_VDSO_CLOCKMODE_* */
    s64 boot_ns;    /* the guest clock: nanoseconds since boot */
    s32 tz_minuteswest; /* what gettimeofday reports as the time zone */
    s32 tz_dsttime;
};

/* The clocks the vDSO answers, and how each follows from the counter. The
 * kernel's system calls compute them with the same function. */
static inline s64 sp_clock_from_boot_ns(s64 boot_ns, int realtime, int coarse)
{
    s64 v = boot_ns;
    if (realtime)
        v += SP_REALTIME_AT_BOOT * SP_NSEC_PER_SEC;
    if (coarse)
        v -= v % SP_TICK_NSEC;
    return v;
}

#endif /* SLOWPATH_VVAR_H */
