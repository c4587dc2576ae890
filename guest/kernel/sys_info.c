/*
 * Small system calls that describe or tune the process and the machine:
 * uname, the process's ids and credentials, umask, resource limits,
 * getrandom, the robust-futex list head, CPU affinity, prctl, sysinfo and
 * the nice value. Each does what Linux 6.12 does, error cases included,
 * for a machine with one CPU and one process (pid 1, run by root).
 */
#include "mm.h"
#include "sched.h"
#include "syscalls.h"

/* ---- uname ----------------------------------------------------------------------- */

#define __NEW_UTS_LEN 64
struct new_utsname {
    char sysname[__NEW_UTS_LEN + 1];
    char nodename[__NEW_UTS_LEN + 1];
    char release[__NEW_UTS_LEN + 1];
    char version[__NEW_UTS_LEN + 1];
    char machine[__NEW_UTS_LEN + 1];
    char domainname[__NEW_UTS_LEN + 1];
};

/* Each era's kernel names itself (notify_v3_13.c, notify_rfc.c,
 * entry_common_modern.c): the Linux it models, then what it really is. */
extern const char uts_release[];

static void set_field(char *field, const char *text)
{
    memcpy(field, text, min(strlen(text), (size_t)__NEW_UTS_LEN));
}

noinline long sys_newuname(struct new_utsname __user *name)
{
    struct new_utsname u;
    memset(&u, 0, sizeof(u));
    set_field(u.sysname, "Linux");
    set_field(u.nodename, "slowpath");
    set_field(u.release, uts_release);
    set_field(u.version, "#1 slowpath teaching kernel, one CPU");
    set_field(u.machine, "x86_64");
    set_field(u.domainname, "(none)");
    return copy_to_user(name, &u, sizeof(u)) ? -EFAULT : 0;
}

/* ---- ids ------------------------------------------------------------------------- */

/* Everything runs as root: every uid and gid is 0, no supplementary groups. */
noinline long sys_getuid(void)
{
    return 0;
}

noinline long sys_geteuid(void)
{
    return 0;
}

noinline long sys_getgid(void)
{
    return 0;
}

noinline long sys_getegid(void)
{
    return 0;
}

noinline long sys_getgroups(long gidsetsize, u32 __user *grouplist)
{
    (void)grouplist; /* nothing to copy: no supplementary groups */
    if ((int)gidsetsize < 0)
        return -EINVAL;
    return 0;
}

static long put_three_ids(u32 __user *a, u32 __user *b, u32 __user *c)
{
    const u32 zero = 0;
    if (copy_to_user(a, &zero, 4) || copy_to_user(b, &zero, 4) || copy_to_user(c, &zero, 4))
        return -EFAULT;
    return 0;
}

noinline long sys_getresuid(u32 __user *ruid, u32 __user *euid, u32 __user *suid)
{
    return put_three_ids(ruid, euid, suid);
}

noinline long sys_getresgid(u32 __user *rgid, u32 __user *egid, u32 __user *sgid)
{
    return put_three_ids(rgid, egid, sgid);
}

/* ---- umask ----------------------------------------------------------------------- */

static u32 fs_umask = 0022; /* init's */

noinline long sys_umask(long mask)
{
    u32 old = fs_umask;
    fs_umask = (u32)mask & 0777;
    return old;
}

/* ---- resource limits ------------------------------------------------------------- */

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ULL)
#define NR_OPEN 1048576 /* sysctl fs.nr_open */

struct rlimit64 {
    u64 rlim_cur;
    u64 rlim_max;
};

/* fork_init: the thread limit follows the memory, one 16 KiB stack per
 * eighth of RAM; init's NPROC and SIGPENDING limits are half of it. */
#define MAX_THREADS (SP_RAM_SIZE / (16384 * 8) < 20 ? 20 : SP_RAM_SIZE / (16384 * 8))

/* INIT_RLIMITS. The stack is the one this machine really gives: it cannot
 * grow past SP_USER_STACK_SIZE, so that is the soft limit (Linux: 8 MiB). */
static struct rlimit64 rlim[RLIM_NLIMITS] = {
    [RLIMIT_CPU] = {RLIM_INFINITY, RLIM_INFINITY},
    [RLIMIT_FSIZE] = {RLIM_INFINITY, RLIM_INFINITY},
    [RLIMIT_DATA] = {RLIM_INFINITY, RLIM_INFINITY},
    [RLIMIT_STACK] = {SP_USER_STACK_SIZE, RLIM_INFINITY},
    [RLIMIT_CORE] = {0, RLIM_INFINITY},
    [RLIMIT_RSS] = {RLIM_INFINITY, RLIM_INFINITY},
    [RLIMIT_NPROC] = {MAX_THREADS / 2, MAX_THREADS / 2},
    [RLIMIT_NOFILE] = {1024, 4096},
    [RLIMIT_MEMLOCK] = {8 << 20, 8 << 20},
    [RLIMIT_AS] = {RLIM_INFINITY, RLIM_INFINITY},
    [RLIMIT_LOCKS] = {RLIM_INFINITY, RLIM_INFINITY},
    [RLIMIT_SIGPENDING] = {MAX_THREADS / 2, MAX_THREADS / 2},
    [RLIMIT_MSGQUEUE] = {819200, 819200},
    [RLIMIT_NICE] = {0, 0},
    [RLIMIT_RTPRIO] = {0, 0},
    [RLIMIT_RTTIME] = {RLIM_INFINITY, RLIM_INFINITY},
};

/* The caller is root (CAP_SYS_RESOURCE): it may raise a hard limit, but
 * not the file limit past fs.nr_open. */
static long do_prlimit(unsigned long resource, const struct rlimit64 *new_rlim,
                       struct rlimit64 *old_rlim)
{
    if (resource >= RLIM_NLIMITS)
        return -EINVAL;
    if (new_rlim) {
        if (new_rlim->rlim_cur > new_rlim->rlim_max)
            return -EINVAL;
        if (resource == RLIMIT_NOFILE && new_rlim->rlim_max > NR_OPEN)
            return -EPERM;
    }
    if (old_rlim)
        *old_rlim = rlim[resource];
    if (new_rlim)
        rlim[resource] = *new_rlim;
    return 0;
}

/* The soft limit the kernel enforces (RLIMIT_SIGPENDING: signal_queue.c). */
u64 rlimit_cur(unsigned int resource)
{
    return resource < RLIM_NLIMITS ? rlim[resource].rlim_cur : RLIM_INFINITY;
}

noinline long sys_getrlimit(unsigned long resource, struct rlimit64 __user *ulim)
{
    struct rlimit64 value;
    long ret = do_prlimit((u32)resource, NULL, &value);
    if (!ret && copy_to_user(ulim, &value, sizeof(value)))
        ret = -EFAULT;
    return ret;
}

noinline long sys_setrlimit(unsigned long resource, const struct rlimit64 __user *ulim)
{
    struct rlimit64 value;
    if (copy_from_user(&value, ulim, sizeof(value)))
        return -EFAULT;
    return do_prlimit((u32)resource, &value, NULL);
}

static bool is_own_pid(long pid)
{
    return (int)pid == 0 || (int)pid == current->tgid;
}

noinline long sys_prlimit64(long pid, unsigned long resource,
                            const struct rlimit64 __user *new_rlim,
                            struct rlimit64 __user *old_rlim)
{
    struct rlimit64 new, old;
    if (new_rlim && copy_from_user(&new, new_rlim, sizeof(new)))
        return -EFAULT;
    if (!is_own_pid(pid))
        return -ESRCH;
    long ret = do_prlimit((u32)resource, new_rlim ? &new : NULL, old_rlim ? &old : NULL);
    if (!ret && old_rlim && copy_to_user(old_rlim, &old, sizeof(old)))
        ret = -EFAULT;
    return ret;
}

/* ---- getrandom ------------------------------------------------------------------- */

#define GRND_NONBLOCK 0x0001
#define GRND_RANDOM 0x0002
#define GRND_INSECURE 0x0004

/* Deterministic: the same run gets the same bytes. splitmix64, seeded from
 * the AT_RANDOM bytes exec gave the program. */
static u64 random_state;

void random_init(const u64 seed[2])
{
    random_state = seed[0] ^ (seed[1] * 0x9e3779b97f4a7c15ULL);
}

static u64 random_next(void)
{
    u64 z = (random_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

noinline long sys_getrandom(char __user *ubuf, size_t len, unsigned long flags)
{
    u32 f = (u32)flags;
    if (f & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((f & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
        return -EINVAL;
    if (len > MAX_RW_COUNT)
        len = MAX_RW_COUNT;
    if (len == 0)
        return 0; /* access_ok() passes any empty range */
    if (!access_ok(ubuf, len))
        return -EFAULT;
    size_t done = 0;
    while (done < len) {
        u64 word = random_next();
        size_t n = min(len - done, sizeof(word));
        if (copy_to_user(ubuf + done, &word, n))
            return done ? (long)done : -EFAULT;
        done += n;
    }
    return (long)done;
}

/* ---- robust futex list ----------------------------------------------------------- */

#define ROBUST_LIST_HEAD_SIZE 24 /* struct robust_list_head */

/* Stored for the futex code to walk when the task dies; nothing here
 * holds a robust futex yet. */
noinline long sys_set_robust_list(u64 head, size_t len)
{
    if (len != ROBUST_LIST_HEAD_SIZE)
        return -EINVAL;
    current->robust_list = head;
    return 0;
}

noinline long sys_get_robust_list(long pid, u64 __user *head_ptr, u64 __user *len_ptr)
{
    if (!is_own_pid(pid) && (int)pid != current->pid)
        return -ESRCH;
    if (put_user_u64(ROBUST_LIST_HEAD_SIZE, len_ptr))
        return -EFAULT;
    return put_user_u64(current->robust_list, head_ptr) ? -EFAULT : 0;
}

/* ---- CPU affinity: one CPU ------------------------------------------------------- */

#define NR_CPU_IDS 1
#define CPUMASK_SIZE 8 /* one unsigned long of bits */

noinline long sys_sched_getaffinity(long pid, unsigned long len, u64 __user *user_mask_ptr)
{
    u32 ulen = (u32)len;
    if ((u64)ulen * 8 < NR_CPU_IDS)
        return -EINVAL;
    if (ulen & (sizeof(u64) - 1))
        return -EINVAL;
    if (!is_own_pid(pid))
        return -ESRCH;
    const u64 mask = 1; /* CPU 0 */
    u32 retlen = min(ulen, (u32)CPUMASK_SIZE);
    if (copy_to_user(user_mask_ptr, &mask, retlen))
        return -EFAULT;
    return retlen;
}

noinline long sys_sched_setaffinity(long pid, unsigned long len, const u64 __user *user_mask_ptr)
{
    u32 ulen = (u32)len;
    u64 mask = 0; /* a shorter mask leaves the rest clear */
    if (ulen > CPUMASK_SIZE)
        ulen = CPUMASK_SIZE;
    if (copy_from_user(&mask, user_mask_ptr, ulen))
        return -EFAULT;
    if (!is_own_pid(pid))
        return -ESRCH;
    if (!(mask & 1))
        return -EINVAL; /* no CPU left that exists */
    return 0;
}

/* ---- prctl ----------------------------------------------------------------------- */

#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16

static u32 dumpable = 1; /* SUID_DUMP_USER */

noinline long sys_prctl(long option, unsigned long arg2, unsigned long arg3,
                        unsigned long arg4, unsigned long arg5)
{
    (void)arg3, (void)arg4, (void)arg5;
    struct task_struct *me = current;
    char comm[sizeof(me->comm)];
    switch ((int)option) {
    case PR_SET_NAME:
        /* strncpy_from_user of at most 15 bytes, then always terminated. */
        memset(comm, 0, sizeof(comm));
        for (size_t i = 0; i < sizeof(comm) - 1; i++) {
            if (copy_from_user(&comm[i], (const char __user *)arg2 + i, 1))
                return -EFAULT;
            if (!comm[i])
                break;
        }
        memcpy(me->comm, comm, sizeof(comm));
        return 0;
    case PR_GET_NAME:
        memcpy(comm, me->comm, sizeof(comm));
        return copy_to_user((char __user *)arg2, comm, sizeof(comm)) ? -EFAULT : 0;
    case PR_GET_DUMPABLE:
        return dumpable;
    case PR_SET_DUMPABLE:
        if (arg2 != 0 && arg2 != 1)
            return -EINVAL;
        dumpable = (u32)arg2;
        return 0;
    default:
        return -EINVAL; /* the many other options are not implemented */
    }
}

/* ---- sysinfo --------------------------------------------------------------------- */

struct sysinfo {
    s64 uptime;
    u64 loads[3];
    u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    u16 procs;
    u16 pad;
    u64 totalhigh, freehigh;
    u32 mem_unit;
};
_Static_assert(sizeof(struct sysinfo) == 112, "struct sysinfo is 112 bytes");

s64 guest_uptime_ns(void); /* time.c */

noinline long sys_sysinfo(struct sysinfo __user *info)
{
    struct sysinfo v;
    memset(&v, 0, sizeof(v));
    s64 ns = guest_uptime_ns();
    v.uptime = ns / 1000000000LL + (ns % 1000000000LL ? 1 : 0);
    v.totalram = SP_RAM_SIZE;
    /* Free: roughly what lies between the program break and the bottom
     * of the stack (mappings take theirs from the top of that gap). */
    u64 stack_bottom = SP_USER_STACK_TOP - SP_USER_STACK_SIZE;
    u64 brk = current->mm ? current->mm->brk : stack_bottom;
    v.freeram = brk < stack_bottom ? stack_bottom - brk : 0;
    v.procs = 2; /* the program and the kworker */
    v.mem_unit = 1;
    return copy_to_user(info, &v, sizeof(v)) ? -EFAULT : 0;
}

/* ---- nice ------------------------------------------------------------------------ */

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2
#define MIN_NICE -20
#define MAX_NICE 19

/* Does `who` under `which` name our process? Its pid and process group
 * are 1, its user root. */
static bool prio_matches(int which, int who)
{
    if (which == PRIO_USER)
        return who == 0;
    return who == 0 || who == current->tgid;
}

noinline long sys_getpriority(long which, long who)
{
    if ((int)which < PRIO_PROCESS || (int)which > PRIO_USER)
        return -EINVAL;
    if (!prio_matches((int)which, (int)who))
        return -ESRCH;
    return 20 - current->nice; /* nice 19..-20 as 1..40, so no value looks like an error */
}

noinline long sys_setpriority(long which, long who, long niceval)
{
    int nice = (int)niceval;
    if ((int)which < PRIO_PROCESS || (int)which > PRIO_USER)
        return -EINVAL;
    if (nice < MIN_NICE)
        nice = MIN_NICE;
    if (nice > MAX_NICE)
        nice = MAX_NICE;
    if (!prio_matches((int)which, (int)who))
        return -ESRCH;
    current->nice = nice; /* root may also lower it (CAP_SYS_NICE) */
    return 0;
}
