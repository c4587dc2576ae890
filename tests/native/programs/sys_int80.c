/*
 * int $0x80 from a 64-bit program: a 32-bit system call (IA32 emulation),
 * numbered by the i386 table, arguments in ebx ecx edx esi edi ebp, the
 * result in eax. With argument "rregs": what r8-r11 hold afterwards
 * (v3.13 zeroes them; Linux since 4.17 keeps them). With "traced": the
 * syscall stops a tracer sees for it (PTRACE_SYSCALL).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

struct args32 {
    unsigned int nr, a0, a1, a2, a3, a4, a5;
};

/* The call, with every argument register set and read back afterwards. */
static void int80(struct args32* a) {
    register unsigned long bp asm("bp") = a->a5;
    asm volatile("int $0x80"
                 : "+a"(a->nr), "+b"(a->a0), "+c"(a->a1), "+d"(a->a2), "+S"(a->a3), "+D"(a->a4),
                   "+r"(bp)
                 :
                 : "r8", "r9", "r10", "r11", "memory");
    a->a5 = (unsigned int)bp;
}

static long call32(unsigned int nr, unsigned int a0, unsigned int a1, unsigned int a2) {
    struct args32 a = {nr, a0, a1, a2, 13, 14, 15};
    int80(&a);
    return (int)a.nr;
}

static void rregs(void) {
    unsigned long r8 = 0x808, r9 = 0x909, r10 = 0x1010, r11 = 0x1111;
    asm volatile(
        "mov %[r8], %%r8\n\tmov %[r9], %%r9\n\tmov %[r10], %%r10\n\tmov %[r11], %%r11\n\t"
        "int $0x80\n\t"
        "mov %%r8, %[r8]\n\tmov %%r9, %[r9]\n\tmov %%r10, %[r10]\n\tmov %%r11, %[r11]"
        : [r8] "+m"(r8), [r9] "+m"(r9), [r10] "+m"(r10), [r11] "+m"(r11)
        : "a"(20)
        : "r8", "r9", "r10", "r11", "rcx", "memory");
    printf("after int $0x80: r8 %#lx r9 %#lx r10 %#lx r11 %#lx\n", r8, r9, r10, r11);
}

/* One stop of the child: its orig_rax and rax as PTRACE_GETREGS has them. */
static void show_stop(pid_t child, const char* what) {
    int status;
    struct user_regs_struct regs;
    if (ptrace(PTRACE_SYSCALL, child, 0, 0) != 0 || waitpid(child, &status, 0) != child) return;
    if (!WIFSTOPPED(status)) {
        printf("%s: child not stopped (status %#x)\n", what, status);
        return;
    }
    ptrace(PTRACE_GETREGS, child, 0, &regs);
    char rax[32];
    if (regs.rax == (unsigned long long)child)
        snprintf(rax, sizeof rax, "the child's pid");
    else
        snprintf(rax, sizeof rax, "%lld", (long long)regs.rax);
    printf("%s: signal %#x, orig_rax %lld, rax %s, rbx %lld\n", what, WSTOPSIG(status),
           (long long)regs.orig_rax, rax, (long long)regs.rbx);
}

static int traced(void) {
    pid_t child = fork();
    if (child == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        call32(20, 5, 0, 0);  /* getpid */
        call32(500, 6, 0, 0); /* no such call */
        call32(252, 3, 0, 0); /* exit_group(3) */
        return 1;
    }
    int status;
    waitpid(child, &status, 0);
    ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACESYSGOOD);
    /* raise's own rt_sigprocmask (64-bit), then getpid, 500 and exit_group by int $0x80. */
    const char* stops[] = {"rt_sigprocmask entry", "rt_sigprocmask exit", "getpid entry",
                           "getpid exit",          "500 entry",           "500 exit",
                           "exit_group entry"};
    for (unsigned i = 0; i < sizeof stops / sizeof stops[0]; i++) show_stop(child, stops[i]);
    ptrace(PTRACE_CONT, child, 0, 0);
    waitpid(child, &status, 0);
    printf("child exited: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "rregs") == 0) {
        rregs();
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "traced") == 0) return traced();
    long pid = call32(20, 0, 0, 0); /* getpid */
    printf("getpid: same as syscall(SYS_getpid): %s\n", pid == getpid() ? "yes" : "no");
    printf("getppid: same: %s\n", call32(64, 0, 0, 0) == getppid() ? "yes" : "no");
    printf("getpgrp, getpgid(0), getsid(0): same: %s %s %s\n",
           call32(65, 0, 0, 0) == getpgrp() ? "yes" : "no",
           call32(132, 0, 0, 0) == getpgid(0) ? "yes" : "no",
           call32(147, 0, 0, 0) == getsid(0) ? "yes" : "no");
    printf("setpgid(0, -1), getsid(no such pid): %ld %ld\n", call32(57, 0, 0xffffffff, 0),
           call32(147, 0x7fffffff, 0, 0));

    struct args32 a = {224, 10, 11, 12, 13, 14, 15}; /* gettid, extra arguments ignored */
    int80(&a);
    printf("gettid: %s, arguments kept: %u %u %u %u %u %u\n",
           (long)(int)a.nr == syscall(SYS_gettid) ? "right" : "wrong", a.a0, a.a1, a.a2, a.a3, a.a4,
           a.a5);

    fflush(stdout);
    static const char msg[] = "write through int $0x80\n";
    long n = call32(4, 1, (unsigned int)(unsigned long)msg, sizeof msg - 1);
    printf("write returned %ld\n", n);
    printf("write to fd 99: %ld\n", call32(4, 99, (unsigned int)(unsigned long)msg, 1));
    printf("write from a bad pointer: %ld\n", call32(4, 1, 16, 4));

    /* Numbers with no 32-bit call, and past the table. */
    printf("number 17 (break): %ld\n", call32(17, 0, 0, 0));
    printf("number 999: %ld\n", call32(999, 0, 0, 0));
    printf("number 0x7fffffff: %ld\n", call32(0x7fffffff, 0, 0, 0));
    printf("number -1: %ld\n", call32(0xffffffff, 0, 0, 0));

    fflush(stdout);
    call32(252, 7, 0, 0); /* exit_group(7) */
    return 1;
}
