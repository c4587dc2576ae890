/* Debug registers armed: a tracer sets a write watchpoint (DR0, 4 bytes)
 * and an execute breakpoint (DR1) in its child, and reports each SIGTRAP
 * stop: the si_code, where the child stopped, RF in its flags and DR6 as
 * PEEKUSER reads it. A read of the watched word does not stop the child;
 * each write does, after the writing instruction; the breakpoint stops it
 * before the instruction, once, and RF lets it run on. */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int watched __attribute__((aligned(8)));
extern char after_first_write[], after_second_write[], breakpoint_here[];

static long dr_offset(int n) {
    return offsetof(struct user, u_debugreg) + n * sizeof(long);
}

static __attribute__((noinline)) int child_body(void) {
    int seen = watched; /* a read: the watchpoint is for writes only */
    asm volatile("movl $5, %0\n"
                 "after_first_write:\n\t"
                 "movl $6, %0\n"
                 "after_second_write:\n\t"
                 "nop\n"
                 "breakpoint_here:\n\t"
                 "nop"
                 : "=m"(watched));
    return seen + watched;
}

static const char* where(unsigned long rip) {
    if (rip == (unsigned long)after_first_write) return "after the first write";
    if (rip == (unsigned long)after_second_write) return "after the second write";
    if (rip == (unsigned long)breakpoint_here) return "at the breakpoint";
    return "somewhere else";
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    pid_t child = fork();
    if (child == 0) {
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        raise(SIGSTOP);
        _exit(child_body());
    }
    int st;
    waitpid(child, &st, 0);
    unsigned long dr7 = (1UL << 0) | (1UL << 16) | (3UL << 18) /* L0, write, 4 bytes */
                        | (1UL << 2);                          /* L1, execute */
    long r0 = ptrace(PTRACE_POKEUSER, child, (void*)dr_offset(0), (unsigned long)&watched);
    long r1 = ptrace(PTRACE_POKEUSER, child, (void*)dr_offset(1), (unsigned long)breakpoint_here);
    long r7 = ptrace(PTRACE_POKEUSER, child, (void*)dr_offset(7), dr7);
    printf("POKEUSER DR0 %ld DR1 %ld DR7 %ld\n", r0, r1, r7);
    for (int stops = 0; stops < 10; stops++) {
        ptrace(PTRACE_CONT, child, NULL, NULL);
        waitpid(child, &st, 0);
        if (!WIFSTOPPED(st)) break;
        siginfo_t si;
        struct user_regs_struct regs;
        ptrace(PTRACE_GETSIGINFO, child, NULL, &si);
        ptrace(PTRACE_GETREGS, child, NULL, &regs);
        unsigned long dr6 = ptrace(PTRACE_PEEKUSER, child, (void*)dr_offset(6), NULL);
        printf("stop %d: signal %d si_code %d si_addr is rip: %s, %s, RF %d, DR6 %#lx\n", stops,
               WSTOPSIG(st), si.si_code, (unsigned long)si.si_addr == regs.rip ? "yes" : "no",
               where(regs.rip), !!(regs.eflags & (1UL << 16)), dr6);
    }
    if (WIFEXITED(st))
        printf("child exit %d\n", WEXITSTATUS(st));
    else
        printf("child status %#x\n", st);
    return 0;
}
