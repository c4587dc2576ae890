/*
 * The 32-bit system call table: what `int $0x80` runs, in every era
 * (Linux's ia32_sys_call_table, numbered as arch/x86/entry/syscalls/
 * syscall_32.tbl numbers it). Every entry not named here is
 * sys_ni_syscall, so an unknown compat call fails with -ENOSYS.
 *
 * The arguments arrive as six 32-bit values (ebx ecx edx esi edi ebp,
 * zero-extended: v3.13's IA32_ARG_FIXUP moves them with movl, the modern
 * C path casts them). A compat call whose arguments are all plain
 * integers or pointers can run the native handler; one that reads a
 * structure whose 32-bit layout differs (timespec, stat, sigaction...)
 * would need its compat_sys_ twin and is left out. The wrappers below
 * take `int` where Linux's prototype says int or pid_t, so a negative
 * argument (kill(-1, ...)) is sign-extended as Linux's compat wrappers do.
 */
#include "compat.h"
#include "syscalls.h"

#define SYSCALL32(nr, fn) [nr] = (ia32_sys_call_ptr_t)(void (*)(void))(fn)

static long compat_sys_exit(int error_code) {
    return sys_exit(error_code);
}

static long compat_sys_exit_group(int error_code) {
    return sys_exit_group(error_code);
}

static long compat_sys_kill(int pid, int sig) {
    return sys_kill(pid, sig);
}

static long compat_sys_setpgid(int pid, int pgid) {
    return sys_setpgid(pid, pgid);
}

static long compat_sys_getpgid(int pid) {
    return sys_getpgid(pid);
}

static long compat_sys_getsid(int pid) {
    return sys_getsid(pid);
}

static long compat_sys_tkill(int pid, int sig) {
    return sys_tkill(pid, sig);
}

static long compat_sys_tgkill(int tgid, int pid, int sig) {
    return sys_tgkill(tgid, pid, sig);
}

static long compat_sys_write(unsigned int fd, const char __user* buf, unsigned int count) {
    return sys_write(fd, buf, count);
}

static long compat_sys_modify_ldt(int func, void __user* ptr, unsigned int bytecount) {
    return sys_modify_ldt(func, ptr, bytecount);
}

static long compat_sys_read(unsigned int fd, char __user* buf, unsigned int count) {
    return sys_read(fd, buf, count);
}

const ia32_sys_call_ptr_t ia32_sys_call_table[IA32_NR_syscalls] = {
    [0 ... IA32_NR_syscalls - 1] = sys_ni_syscall,
    SYSCALL32(__NR_ia32_exit, compat_sys_exit),
    SYSCALL32(__NR_ia32_read, compat_sys_read),
    SYSCALL32(__NR_ia32_write, compat_sys_write),
    SYSCALL32(__NR_ia32_close, sys_close),
    SYSCALL32(__NR_ia32_getpid, sys_getpid),
    SYSCALL32(__NR_ia32_pause, sys_pause),
    SYSCALL32(__NR_ia32_kill, compat_sys_kill),
    SYSCALL32(__NR_ia32_setpgid, compat_sys_setpgid),
    SYSCALL32(__NR_ia32_getppid, sys_getppid),
    SYSCALL32(__NR_ia32_getpgrp, sys_getpgrp),
    SYSCALL32(__NR_ia32_setsid, sys_setsid),
    SYSCALL32(__NR_ia32_getpgid, compat_sys_getpgid),
    SYSCALL32(__NR_ia32_getsid, compat_sys_getsid),
    SYSCALL32(__NR_ia32_sched_yield, sys_sched_yield),
    SYSCALL32(__NR_ia32_getuid32, sys_getuid),
    SYSCALL32(__NR_ia32_getgid32, sys_getgid),
    SYSCALL32(__NR_ia32_geteuid32, sys_geteuid),
    SYSCALL32(__NR_ia32_getegid32, sys_getegid),
    SYSCALL32(__NR_ia32_gettid, sys_gettid),
    SYSCALL32(__NR_ia32_tkill, compat_sys_tkill),
    SYSCALL32(__NR_ia32_exit_group, compat_sys_exit_group),
    SYSCALL32(__NR_ia32_tgkill, compat_sys_tgkill),
    SYSCALL32(__NR_ia32_modify_ldt, compat_sys_modify_ldt),
    SYSCALL32(__NR_ia32_set_thread_area, sys_set_thread_area),
    SYSCALL32(__NR_ia32_get_thread_area, sys_get_thread_area),
};
