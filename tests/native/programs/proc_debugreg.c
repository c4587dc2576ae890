/* A tracer's PTRACE_POKEUSER/PEEKUSER of u_debugreg: what Linux accepts
 * (user addresses, lengths and alignments in DR7, DR6's reserved bits as
 * they read, BS after a single step) and what it refuses. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child;
static char watched[16] __attribute__((aligned(16)));

static long dr_offset(int n) {
    return offsetof(struct user, u_debugreg) + n * sizeof(long);
}

static void poke(const char* what, int n, unsigned long v) {
    long r = ptrace(PTRACE_POKEUSER, child, (void*)dr_offset(n), v);
    printf("POKE DR%d %s (%#lx): %s\n", n, what, v, r == 0 ? "0" : strerror(errno));
}

static void peek(int n) {
    errno = 0;
    long v = ptrace(PTRACE_PEEKUSER, child, (void*)dr_offset(n), NULL);
    printf("PEEK DR%d: %#lx %s\n", n, v, errno ? strerror(errno) : "");
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    child = fork();
    if (child == 0) {
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        raise(SIGSTOP);
        _exit(0);
    }
    int st;
    waitpid(child, &st, 0);
    for (int n = 0; n < 8; n++) peek(n);
    unsigned long a = (unsigned long)watched;
    poke("kernel address", 0, 0xffffffff81000000UL);
    poke("top of user space", 0, 0x7ffffffff000UL);
    poke("watched", 0, a);
    poke("odd address", 1, a + 1);
    poke("DR4", 4, 0);
    poke("DR5", 5, 0);
    poke("enable 0, write, 8 bytes", 7, (1UL << 0) | (1UL << 16) | (2UL << 18));
    poke("enable 1, 2 bytes at odd address", 7, (1UL << 2) | (1UL << 20) | (1UL << 22));
    poke("enable 1, execute", 7, (1UL << 2));
    poke("enable 1, execute with a length", 7, (1UL << 2) | (1UL << 22));
    poke("enable 0, I/O type", 7, (1UL << 0) | (2UL << 16));
    poke("reserved bits", 7, (1UL << 1) | (3UL << 16) | (1UL << 18) | 0xfc00UL);
    poke("misaligned now", 0, a + 1);
    peek(0);
    peek(7);
    poke("status", 6, 0x4001);
    peek(6);
    poke("disable all", 7, 0);
    poke("odd address now", 0, a + 1);
    peek(0);
    /* A single step leaves BS (and only it) in the DR6 the tracer reads. */
    ptrace(PTRACE_SINGLESTEP, child, NULL, NULL);
    waitpid(child, &st, 0);
    printf("after a step: stopped by %d\n", WIFSTOPPED(st) ? WSTOPSIG(st) : -1);
    peek(6);
    ptrace(PTRACE_CONT, child, NULL, NULL);
    waitpid(child, &st, 0);
    printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return 0;
}
