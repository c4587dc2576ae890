/*
 * System calls without a C library: the number goes in rax, arguments in
 * rdi rsi rdx r10 r8 r9, the result comes back in rax. The `syscall`
 * instruction itself uses rcx (return address) and r11 (flags).
 */
#ifndef DEMO_SYSCALLS_H
#define DEMO_SYSCALLS_H

#define __NR_write 1
#define __NR_rt_sigaction 13
#define __NR_rt_sigprocmask 14
#define __NR_rt_sigreturn 15
#define __NR_sched_yield 24
#define __NR_getpid 39
#define __NR_exit 60
#define __NR_kill 62
#define __NR_rt_sigpending 127
#define __NR_gettid 186
#define __NR_tkill 200
#define __NR_exit_group 231
#define __NR_tgkill 234

#define SIGUSR1 10
#define SIGUSR2 12
#define SIG_BLOCK 0
#define SA_SIGINFO 0x00000004UL
#define SA_RESTORER 0x04000000UL

static inline long syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
    register long r10 __asm__("r10") = a3;
    register long r8 __asm__("r8") = a4;
    register long r9 __asm__("r9") = a5;
    __asm__ volatile("syscall"
                     : "+a"(nr)
                     : "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return nr;
}

static inline long syscall3(long nr, long a0, long a1, long a2)
{
    return syscall6(nr, a0, a1, a2, 0, 0, 0);
}

static inline long write(int fd, const void *buf, unsigned long len)
{
    return syscall3(__NR_write, fd, (long)buf, (long)len);
}

static inline long getpid(void)
{
    return syscall3(__NR_getpid, 0, 0, 0);
}

static inline long gettid(void)
{
    return syscall3(__NR_gettid, 0, 0, 0);
}

static inline __attribute__((noreturn)) void exit_group(int code)
{
    syscall3(__NR_exit_group, code, 0, 0);
    __builtin_unreachable();
}

/* The kernel's struct sigaction on x86-64. */
struct kernel_sigaction {
    void (*handler)(int, void *, void *);
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask;
};

static inline long rt_sigaction(int sig, const struct kernel_sigaction *act,
                                struct kernel_sigaction *old)
{
    return syscall6(__NR_rt_sigaction, sig, (long)act, (long)old, 8, 0, 0);
}

#endif
