/*
 * The vDSO: a small shared object the kernel maps into every program, so
 * that reading the clock costs a few loads from the vvar page instead of
 * a system call. A C library finds it through AT_SYSINFO_EHDR and looks
 * its functions up by name and version (LINUX_2.6), as on Linux.
 *
 * Built position-independent, with no data and no relocations: the
 * kernel copies the image as it is to wherever exec puts it. The vvar page
 * lies one page below the image's first byte (vdso.lds), so the code
 * reaches it RIP-relative wherever that is.
 *
 * What it answers from the vvar page: CLOCK_REALTIME, MONOTONIC,
 * MONOTONIC_RAW, BOOTTIME, TAI and the two COARSE clocks, gettimeofday,
 * time, getcpu and clock_getres. Every other clock (the CPU-time ones, bad
 * ids) is the real system call, made from here, as Linux's vDSO makes it.
 *
 * The guest clock moves only inside the kernel (a clock system call, a
 * sleep: see kernel/time.c); the vDSO reads it and cannot move it. So two
 * vDSO reads with no kernel entry between them give the same time: on this
 * machine nothing ticks while user code runs.
 */
#include <slowpath/vvar.h>

#define NR_gettimeofday 96
#define NR_time 201
#define NR_clock_gettime 228
#define NR_clock_getres 229

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_TAI 11

struct vdso_timespec {
    long tv_sec;
    long tv_nsec;
};

struct vdso_timeval {
    long tv_sec;
    long tv_usec;
};

struct vdso_timezone {
    int tz_minuteswest;
    int tz_dsttime;
};

/* The linker script puts it right below the image (hidden: no dynamic
 * symbol, no relocation, a RIP-relative reference). */
extern const volatile struct sp_vvar vvar_page __attribute__((visibility("hidden")));

static long vdso_syscall2(long nr, long a, long b)
{
    long ret;
    asm volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return ret;
}

/* Which clocks this page can give, and how (realtime offset, coarse tick). */
static int clock_from_vvar(int clock, int *realtime, int *coarse)
{
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_TAI: /* no leap-second offset was ever set */
        *realtime = 1, *coarse = 0;
        return 1;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_BOOTTIME: /* nothing suspends */
        *realtime = 0, *coarse = 0;
        return 1;
    case CLOCK_REALTIME_COARSE:
        *realtime = 1, *coarse = 1;
        return 1;
    case CLOCK_MONOTONIC_COARSE:
        *realtime = 0, *coarse = 1;
        return 1;
    default:
        return 0;
    }
}

/* The counter as one consistent snapshot: the kernel makes seq odd while it
 * writes (Linux's vdso_read_begin/vdso_read_retry). Returns 0 when the
 * page says the vDSO may not answer. */
static int read_boot_ns(s64 *boot_ns)
{
    u32 seq;
    do {
        while ((seq = vvar_page.seq) & 1)
            asm volatile("pause");
        asm volatile("" ::: "memory");
        if (vvar_page.clock_mode != SP_VDSO_CLOCKMODE_GUEST)
            return 0;
        *boot_ns = vvar_page.boot_ns;
        asm volatile("" ::: "memory");
    } while (vvar_page.seq != seq);
    return 1;
}

int __vdso_clock_gettime(int clock, struct vdso_timespec *ts)
{
    int realtime, coarse;
    s64 boot_ns;
    if (!clock_from_vvar(clock, &realtime, &coarse) || !read_boot_ns(&boot_ns))
        return (int)vdso_syscall2(NR_clock_gettime, clock, (long)ts);
    s64 ns = sp_clock_from_boot_ns(boot_ns, realtime, coarse);
    ts->tv_sec = ns / SP_NSEC_PER_SEC;
    ts->tv_nsec = ns % SP_NSEC_PER_SEC;
    return 0;
}

int __vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz)
{
    s64 boot_ns;
    if (!read_boot_ns(&boot_ns))
        return (int)vdso_syscall2(NR_gettimeofday, (long)tv, (long)tz);
    if (tv) {
        s64 ns = sp_clock_from_boot_ns(boot_ns, 1, 0);
        tv->tv_sec = ns / SP_NSEC_PER_SEC;
        tv->tv_usec = ns % SP_NSEC_PER_SEC / 1000;
    }
    if (tz) {
        tz->tz_minuteswest = vvar_page.tz_minuteswest;
        tz->tz_dsttime = vvar_page.tz_dsttime;
    }
    return 0;
}

long __vdso_time(long *t)
{
    s64 boot_ns;
    if (!read_boot_ns(&boot_ns))
        return vdso_syscall2(NR_time, (long)t, 0);
    long now = sp_clock_from_boot_ns(boot_ns, 1, 0) / SP_NSEC_PER_SEC;
    if (t)
        *t = now;
    return now;
}

/* One CPU, one NUMA node. */
long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
    (void)unused;
    if (cpu)
        *cpu = 0;
    if (node)
        *node = 0;
    return 0;
}

int __vdso_clock_getres(int clock, struct vdso_timespec *res)
{
    int realtime, coarse;
    if (!clock_from_vvar(clock, &realtime, &coarse) ||
        vvar_page.clock_mode != SP_VDSO_CLOCKMODE_GUEST)
        return (int)vdso_syscall2(NR_clock_getres, clock, (long)res);
    if (res) {
        res->tv_sec = 0;
        res->tv_nsec = coarse ? SP_TICK_NSEC : 1; /* hrtimers: 1 ns */
    }
    return 0;
}

/* The names without the prefix, as Linux's vDSO exports them too. */
int clock_gettime(int, struct vdso_timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct vdso_timeval *, struct vdso_timezone *)
    __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
int clock_getres(int, struct vdso_timespec *) __attribute__((weak, alias("__vdso_clock_getres")));
