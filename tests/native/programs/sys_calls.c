/* The small calls a C library makes at start-up or on request: uname, the
 * ids, umask, resource limits, getrandom, the robust-list head, CPU
 * affinity, prctl, sysinfo and the nice value. Each prints what Linux
 * guarantees whatever machine runs it, and its error cases as errno
 * values. Raw system calls, so the C library cannot answer for the kernel. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define BAD 8L
#define NO_SUCH_PID 0x0fffffffL

static long sys(long nr, long a, long b, long c, long d)
{
    long r = syscall(nr, a, b, c, d);
    return r < 0 ? -errno : r;
}

static void show(const char *what, long r)
{
    printf("%-52s %s\n", what, r < 0 ? strerror((int)-r) : r == 0 ? "ok" : "value");
}

static void show_value(const char *what, long r)
{
    if (r < 0)
        printf("%-52s %s\n", what, strerror((int)-r));
    else
        printf("%-52s %ld\n", what, r);
}

int main(void)
{
    struct utsname u;
    show("uname", sys(SYS_uname, (long)&u, 0, 0, 0));
    printf("sysname %s, machine %s, release set: %s\n", u.sysname, u.machine, u.release[0] ? "yes" : "no");
    show("uname(bad pointer)", sys(SYS_uname, BAD, 0, 0, 0));

    printf("getppid is not us: %s\n", sys(SYS_getppid, 0, 0, 0, 0) != getpid() ? "yes" : "no");
    printf("uid == euid: %s, gid == egid: %s\n",
           sys(SYS_getuid, 0, 0, 0, 0) == sys(SYS_geteuid, 0, 0, 0, 0) ? "yes" : "no",
           sys(SYS_getgid, 0, 0, 0, 0) == sys(SYS_getegid, 0, 0, 0, 0) ? "yes" : "no");
    unsigned r_, e_, s_;
    show("getresuid", sys(SYS_getresuid, (long)&r_, (long)&e_, (long)&s_, 0));
    printf("getresuid agrees with getuid: %s\n", r_ == (unsigned)getuid() && e_ == r_ && s_ == r_ ? "yes" : "no");
    show("getresgid", sys(SYS_getresgid, (long)&r_, (long)&e_, (long)&s_, 0));
    printf("getresgid agrees with getgid: %s\n", r_ == (unsigned)getgid() ? "yes" : "no");
    show("getresuid(bad, ok, ok)", sys(SYS_getresuid, BAD, (long)&e_, (long)&s_, 0));
    show("getresgid(ok, ok, bad)", sys(SYS_getresgid, (long)&r_, (long)&e_, BAD, 0));
    show("getgroups(-1)", sys(SYS_getgroups, -1, 0, 0, 0));
    long ng = sys(SYS_getgroups, 0, 0, 0, 0);
    printf("getgroups(0) counts: %s\n", ng >= 0 ? "yes" : "no");

    long old_mask = sys(SYS_umask, 027, 0, 0, 0);
    show_value("umask(0777777) after umask(027)", sys(SYS_umask, 0777777, 0, 0, 0));
    show_value("umask(old) after that", sys(SYS_umask, old_mask, 0, 0, 0));

    struct rlimit rl, rl2;
    show("getrlimit(NOFILE)", sys(SYS_getrlimit, RLIMIT_NOFILE, (long)&rl, 0, 0));
    printf("NOFILE cur <= max: %s\n", rl.rlim_cur <= rl.rlim_max ? "yes" : "no");
    show("getrlimit(16)", sys(SYS_getrlimit, 16, (long)&rl2, 0, 0));
    show("getrlimit(16, bad pointer)", sys(SYS_getrlimit, 16, BAD, 0, 0));
    show("getrlimit(STACK, bad pointer)", sys(SYS_getrlimit, RLIMIT_STACK, BAD, 0, 0));
    show("getrlimit(STACK)", sys(SYS_getrlimit, RLIMIT_STACK, (long)&rl2, 0, 0));
    printf("STACK cur at least 64 KiB: %s\n", rl2.rlim_cur >= 65536 ? "yes" : "no");
    struct rlimit lower = {rl.rlim_cur / 2, rl.rlim_max};
    show("setrlimit(NOFILE, cur halved)", sys(SYS_setrlimit, RLIMIT_NOFILE, (long)&lower, 0, 0));
    sys(SYS_getrlimit, RLIMIT_NOFILE, (long)&rl2, 0, 0);
    printf("getrlimit sees it: %s\n", rl2.rlim_cur == lower.rlim_cur && rl2.rlim_max == lower.rlim_max ? "yes" : "no");
    struct rlimit inverted = {rl.rlim_max, rl.rlim_cur / 2};
    show("setrlimit(NOFILE, cur > max)", sys(SYS_setrlimit, RLIMIT_NOFILE, (long)&inverted, 0, 0));
    struct rlimit huge = {16, 1UL << 40};
    show("setrlimit(NOFILE, max past fs.nr_open)", sys(SYS_setrlimit, RLIMIT_NOFILE, (long)&huge, 0, 0));
    show("setrlimit(16)", sys(SYS_setrlimit, 16, (long)&lower, 0, 0));
    show("setrlimit(16, bad pointer)", sys(SYS_setrlimit, 16, BAD, 0, 0));
    show("setrlimit(NOFILE, bad pointer)", sys(SYS_setrlimit, RLIMIT_NOFILE, BAD, 0, 0));
    show("prlimit64(0, NOFILE, NULL, &old)", sys(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, (long)&rl2));
    printf("prlimit64 agrees: %s\n", rl2.rlim_cur == lower.rlim_cur ? "yes" : "no");
    show("prlimit64(own pid, NOFILE, &new, NULL)",
         sys(SYS_prlimit64, getpid(), RLIMIT_NOFILE, (long)&rl, 0));
    show("prlimit64(no such pid)", sys(SYS_prlimit64, NO_SUCH_PID, RLIMIT_NOFILE, 0, (long)&rl2));
    show("prlimit64(0, 16)", sys(SYS_prlimit64, 0, 16, 0, (long)&rl2));
    show("prlimit64(0, NOFILE, bad new)", sys(SYS_prlimit64, 0, RLIMIT_NOFILE, BAD, 0));
    show("prlimit64(0, NOFILE, NULL, bad old)", sys(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, BAD));
    show("prlimit64(no such pid, 16, bad new)", sys(SYS_prlimit64, NO_SUCH_PID, 16, BAD, 0));

    unsigned char a[32], b[32];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    show_value("getrandom(32 bytes)", sys(SYS_getrandom, (long)a, 32, 0, 0));
    show_value("getrandom(32 bytes, GRND_NONBLOCK)", sys(SYS_getrandom, (long)b, 32, 1, 0));
    printf("two draws differ: %s\n", memcmp(a, b, 32) ? "yes" : "no");
    show_value("getrandom(0 bytes, NULL)", sys(SYS_getrandom, 0, 0, 0, 0));
    show_value("getrandom(GRND_INSECURE)", sys(SYS_getrandom, (long)a, 8, 4, 0));
    show_value("getrandom(GRND_RANDOM)", sys(SYS_getrandom, (long)a, 8, 2, 0));
    show("getrandom(GRND_INSECURE|GRND_RANDOM)", sys(SYS_getrandom, (long)a, 8, 6, 0));
    show("getrandom(flags 0x8)", sys(SYS_getrandom, (long)a, 8, 8, 0));
    show("getrandom(flags 1 << 32: an unsigned int)", sys(SYS_getrandom, (long)a, 8, 1L << 32, 0));
    show("getrandom(bad pointer)", sys(SYS_getrandom, BAD, 8, 0, 0));
    show("getrandom(bad pointer, bad flags)", sys(SYS_getrandom, BAD, 8, 8, 0));

    uint64_t head[3] = {0, 0, 0};
    head[0] = (uint64_t)head;
    show("set_robust_list(len 23)", sys(SYS_set_robust_list, (long)head, 23, 0, 0));
    show("set_robust_list(len 24)", sys(SYS_set_robust_list, (long)head, 24, 0, 0));
    uint64_t got_head = 0;
    size_t got_len = 0;
    show("get_robust_list(0)", sys(SYS_get_robust_list, 0, (long)&got_head, (long)&got_len, 0));
    printf("it is ours: %s, len %zu\n", got_head == (uint64_t)head ? "yes" : "no", got_len);
    show("get_robust_list(no such pid)", sys(SYS_get_robust_list, NO_SUCH_PID, (long)&got_head, (long)&got_len, 0));
    show("get_robust_list(0, bad, ok)", sys(SYS_get_robust_list, 0, BAD, (long)&got_len, 0));
    show("get_robust_list(0, ok, bad)", sys(SYS_get_robust_list, 0, (long)&got_head, BAD, 0));

    unsigned long mask[4] = {0, 0, 0, 0};
    /* How many bytes it fills is the kernel's cpumask size: a build choice. */
    show("sched_getaffinity(0, 32)", sys(SYS_sched_getaffinity, 0, 32, (long)mask, 0));
    printf("mask not empty: %s\n", mask[0] ? "yes" : "no");
    show("sched_getaffinity(0, 4)", sys(SYS_sched_getaffinity, 0, 4, (long)mask, 0));
    show("sched_getaffinity(0, 0)", sys(SYS_sched_getaffinity, 0, 0, (long)mask, 0));
    show("sched_getaffinity(0, 8, bad pointer)", sys(SYS_sched_getaffinity, 0, 8, BAD, 0));
    show("sched_getaffinity(no such pid)", sys(SYS_sched_getaffinity, NO_SUCH_PID, 8, (long)mask, 0));
    show("sched_setaffinity(0, 8, what we have)", sys(SYS_sched_setaffinity, 0, 8, (long)mask, 0));
    unsigned long none = 0;
    show("sched_setaffinity(0, 8, no CPU)", sys(SYS_sched_setaffinity, 0, 8, (long)&none, 0));
    show("sched_setaffinity(0, 8, bad pointer)", sys(SYS_sched_setaffinity, 0, 8, BAD, 0));
    show("sched_setaffinity(no such pid)", sys(SYS_sched_setaffinity, NO_SUCH_PID, 8, (long)mask, 0));

    char name[32];
    memset(name, 'x', sizeof name);
    show("prctl(PR_GET_NAME)", sys(SYS_prctl, 16, (long)name, 0, 0));
    printf("name \"%s\"\n", name);
    show("prctl(PR_SET_NAME, 24 characters)", sys(SYS_prctl, 15, (long)"a-name-of-24-characters!", 0, 0));
    memset(name, 'x', sizeof name);
    sys(SYS_prctl, 16, (long)name, 0, 0);
    printf("name \"%s\", byte 16 untouched: %s\n", name, name[16] == 'x' ? "yes" : "no");
    show("prctl(PR_SET_NAME, bad pointer)", sys(SYS_prctl, 15, BAD, 0, 0));
    show("prctl(PR_GET_NAME, bad pointer)", sys(SYS_prctl, 16, BAD, 0, 0));
    show_value("prctl(PR_GET_DUMPABLE)", sys(SYS_prctl, 3, 0, 0, 0));
    show("prctl(PR_SET_DUMPABLE, 2)", sys(SYS_prctl, 4, 2, 0, 0));
    show("prctl(PR_SET_DUMPABLE, 1)", sys(SYS_prctl, 4, 1, 0, 0));
    show("prctl(9999)", sys(SYS_prctl, 9999, 0, 0, 0));

    struct sysinfo_raw {
        long uptime;
        unsigned long loads[3];
        unsigned long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
        unsigned short procs, pad;
        unsigned long totalhigh, freehigh;
        unsigned int mem_unit;
        char f[4];
    } si;
    show("sysinfo", sys(SYS_sysinfo, (long)&si, 0, 0, 0));
    printf("uptime > 0: %s, totalram >= freeram > 0: %s, mem_unit %u, procs >= 1: %s\n",
           si.uptime > 0 ? "yes" : "no", si.totalram >= si.freeram && si.freeram > 0 ? "yes" : "no",
           si.mem_unit, si.procs >= 1 ? "yes" : "no");
    show("sysinfo(bad pointer)", sys(SYS_sysinfo, BAD, 0, 0, 0));

    long prio = sys(SYS_getpriority, PRIO_PROCESS, 0, 0, 0);
    printf("getpriority(PRIO_PROCESS, 0) is 20 - nice, from 1 to 40: %s\n", prio >= 1 && prio <= 40 ? "yes" : "no");
    show("setpriority(PRIO_PROCESS, 0, nice + 1)", sys(SYS_setpriority, PRIO_PROCESS, 0, 20 - prio + 1, 0));
    printf("getpriority sees it: %s\n", sys(SYS_getpriority, PRIO_PROCESS, 0, 0, 0) == prio - 1 ? "yes" : "no");
    show("setpriority(PRIO_PROCESS, own pid, 100: clamped)", sys(SYS_setpriority, PRIO_PROCESS, getpid(), 100, 0));
    show_value("getpriority(PRIO_PROCESS, own pid)", sys(SYS_getpriority, PRIO_PROCESS, getpid(), 0, 0));
    show("getpriority(3, 0)", sys(SYS_getpriority, 3, 0, 0, 0));
    show("getpriority(-1, 0)", sys(SYS_getpriority, -1, 0, 0, 0));
    show("setpriority(3, 0, 0)", sys(SYS_setpriority, 3, 0, 0, 0));
    show("getpriority(PRIO_PROCESS, no such pid)", sys(SYS_getpriority, PRIO_PROCESS, NO_SUCH_PID, 0, 0));
    show("setpriority(PRIO_PROCESS, no such pid, 0)", sys(SYS_setpriority, PRIO_PROCESS, NO_SUCH_PID, 0, 0));
    show("getpriority(PRIO_USER, uid 0x0fffffff)", sys(SYS_getpriority, PRIO_USER, NO_SUCH_PID, 0, 0));
    return 0;
}
