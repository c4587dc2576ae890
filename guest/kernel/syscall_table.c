/*
 * The system call table: system_call_fastpath jumps through it with the
 * number in rax. Every entry not named here is sys_ni_syscall.
 *
 * rt_sigreturn goes through an assembly stub (entry_64.S): it needs the
 * complete pt_regs, which the fast path does not build.
 */
#include "syscalls.h"

typedef long (*sys_call_ptr_t)(void);

extern char stub_rt_sigreturn[];

/* void (*)(void) is the generic function-pointer type: no mismatch warning. */
#define SYSCALL(nr, fn) [nr] = (sys_call_ptr_t)(void (*)(void))(fn)

const sys_call_ptr_t sys_call_table[__NR_syscall_max + 1] = {
    [0 ... __NR_syscall_max] = sys_ni_syscall,
    SYSCALL(__NR_write, sys_write),
    SYSCALL(__NR_mmap, sys_mmap),
    SYSCALL(__NR_mprotect, sys_mprotect),
    SYSCALL(__NR_munmap, sys_munmap),
    /* files (fs.c) */
    SYSCALL(__NR_read, sys_read),
    SYSCALL(__NR_open, sys_open),
    SYSCALL(__NR_close, sys_close),
    SYSCALL(__NR_stat, sys_stat),
    SYSCALL(__NR_fstat, sys_fstat),
    SYSCALL(__NR_lstat, sys_lstat),
    SYSCALL(__NR_lseek, sys_lseek),
    SYSCALL(__NR_pread64, sys_pread64),
    SYSCALL(__NR_readv, sys_readv),
    SYSCALL(__NR_access, sys_access),
    SYSCALL(__NR_getcwd, sys_getcwd),
    SYSCALL(__NR_creat, sys_creat),
    SYSCALL(__NR_readlink, sys_readlink),
    SYSCALL(__NR_getdents64, sys_getdents64),
    SYSCALL(__NR_openat, sys_openat),
    SYSCALL(__NR_newfstatat, sys_newfstatat),
    SYSCALL(__NR_readlinkat, sys_readlinkat),
    SYSCALL(__NR_faccessat, sys_faccessat),
    SYSCALL(__NR_brk, sys_brk),
    SYSCALL(__NR_mremap, sys_mremap),
    SYSCALL(__NR_madvise, sys_madvise),
    SYSCALL(__NR_rt_sigaction, sys_rt_sigaction),
    SYSCALL(__NR_rt_sigprocmask, sys_rt_sigprocmask),
    SYSCALL(__NR_rt_sigreturn, stub_rt_sigreturn),
    SYSCALL(__NR_ioctl, sys_ioctl),
    SYSCALL(__NR_writev, sys_writev),
    SYSCALL(__NR_sched_yield, sys_sched_yield),
    SYSCALL(__NR_getpid, sys_getpid),
    SYSCALL(__NR_exit, sys_exit),
    SYSCALL(__NR_kill, sys_kill),
    SYSCALL(__NR_rt_sigpending, sys_rt_sigpending),
    SYSCALL(__NR_arch_prctl, sys_arch_prctl),
    SYSCALL(__NR_gettid, sys_gettid),
    SYSCALL(__NR_tkill, sys_tkill),
    SYSCALL(__NR_set_tid_address, sys_set_tid_address),
    SYSCALL(__NR_exit_group, sys_exit_group),
    SYSCALL(__NR_tgkill, sys_tgkill),
    SYSCALL(__NR_nanosleep, sys_nanosleep),
    SYSCALL(__NR_newuname, sys_newuname),
    SYSCALL(__NR_umask, sys_umask),
    SYSCALL(__NR_gettimeofday, sys_gettimeofday),
    SYSCALL(__NR_getrlimit, sys_getrlimit),
    SYSCALL(__NR_sysinfo, sys_sysinfo),
    SYSCALL(__NR_getuid, sys_getuid),
    SYSCALL(__NR_getgid, sys_getgid),
    SYSCALL(__NR_geteuid, sys_geteuid),
    SYSCALL(__NR_getegid, sys_getegid),
    SYSCALL(__NR_getppid, sys_getppid),
    SYSCALL(__NR_getgroups, sys_getgroups),
    SYSCALL(__NR_getresuid, sys_getresuid),
    SYSCALL(__NR_getresgid, sys_getresgid),
    SYSCALL(__NR_sigaltstack, sys_sigaltstack),
    SYSCALL(__NR_getpriority, sys_getpriority),
    SYSCALL(__NR_setpriority, sys_setpriority),
    SYSCALL(__NR_prctl, sys_prctl),
    SYSCALL(__NR_setrlimit, sys_setrlimit),
    SYSCALL(__NR_time, sys_time),
    SYSCALL(__NR_sched_setaffinity, sys_sched_setaffinity),
    SYSCALL(__NR_sched_getaffinity, sys_sched_getaffinity),
    SYSCALL(__NR_clock_gettime, sys_clock_gettime),
    SYSCALL(__NR_clock_getres, sys_clock_getres),
    SYSCALL(__NR_clock_nanosleep, sys_clock_nanosleep),
    SYSCALL(__NR_set_robust_list, sys_set_robust_list),
    SYSCALL(__NR_get_robust_list, sys_get_robust_list),
    SYSCALL(__NR_prlimit64, sys_prlimit64),
    SYSCALL(__NR_getrandom, sys_getrandom),
};
