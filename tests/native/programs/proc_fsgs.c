/* The user's FS and GS bases and selectors: arch_prctl ARCH_SET_GS and
 * ARCH_GET_GS (and FS), a GS base that survives a switch to another task,
 * and a tracer that reads and writes them in a stopped child with
 * PTRACE_PEEKUSER/POKEUSER (fs_base, gs_base, gs) and GETREGS/SETREGS. */
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define UREG(r) offsetof(struct user_regs_struct, r)

/* A call's result as Linux's man pages give it: 0, or the errno's name. */
static const char* res(long v) {
    return v == 0 ? "0" : strerror(errno);
}

static long arch(int code, unsigned long addr) {
    return syscall(SYS_arch_prctl, code, addr);
}

static unsigned long get_base(int code) {
    unsigned long v = 0xdead;
    if (arch(code, (unsigned long)&v) != 0) perror("arch_prctl get");
    return v;
}

static unsigned short gs_selector(void) {
    unsigned short sel;
    asm volatile("mov %%gs, %0" : "=r"(sel));
    return sel;
}

static void own_bases(void) {
    printf("ARCH_SET_GS 0x12345000: %s\n", res(arch(ARCH_SET_GS, 0x12345000)));
    printf("ARCH_GET_GS: %#lx, selector %#x\n", get_base(ARCH_GET_GS), gs_selector());
    printf("ARCH_SET_GS to kernel half: %s\n", res(arch(ARCH_SET_GS, 0xffff800000000000UL)));
    printf("ARCH_GET_GS bad pointer: %s\n", res(arch(ARCH_GET_GS, 8)));
    printf("ARCH_GET_GS still: %#lx\n", get_base(ARCH_GET_GS));
    /* Another task runs in between: the base comes back with this one. */
    pid_t c = fork();
    if (c == 0) {
        arch(ARCH_SET_GS, 0x777000);
        _exit(get_base(ARCH_GET_GS) == 0x777000 ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    printf("child set its own: status %d; ours after wait: %#lx\n", WEXITSTATUS(st),
           get_base(ARCH_GET_GS));
}

static void child_report(void) {
    printf("child: GS base %#lx, selector %#x\n", get_base(ARCH_GET_GS), gs_selector());
}

static void traced(void) {
    unsigned long fs0 = get_base(ARCH_GET_FS);
    pid_t c = fork();
    if (c == 0) {
        arch(ARCH_SET_GS, 0x5000);
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        raise(SIGSTOP);
        child_report();
        raise(SIGSTOP);
        child_report();
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    long gsb = ptrace(PTRACE_PEEKUSER, c, (void*)UREG(gs_base), NULL);
    long fsb = ptrace(PTRACE_PEEKUSER, c, (void*)UREG(fs_base), NULL);
    long gs = ptrace(PTRACE_PEEKUSER, c, (void*)UREG(gs), NULL);
    printf("PEEKUSER gs_base %#lx, fs_base is the parent's: %d, gs %#lx\n", gsb,
           (unsigned long)fsb == fs0, gs);
    printf("POKEUSER gs_base 0x6000: %s\n",
           res(ptrace(PTRACE_POKEUSER, c, (void*)UREG(gs_base), 0x6000)));
    printf("POKEUSER gs_base kernel half: %s\n",
           res(ptrace(PTRACE_POKEUSER, c, (void*)UREG(gs_base), 0xffff888000000000UL)));
    printf("POKEUSER gs 0x10 (RPL 0): %s\n",
           res(ptrace(PTRACE_POKEUSER, c, (void*)UREG(gs), 0x10)));
    printf("POKEUSER gs 0x2b: %s\n", res(ptrace(PTRACE_POKEUSER, c, (void*)UREG(gs), 0x2b)));
    printf("PEEKUSER gs after: %#lx, gs_base %#lx\n",
           ptrace(PTRACE_PEEKUSER, c, (void*)UREG(gs), NULL),
           ptrace(PTRACE_PEEKUSER, c, (void*)UREG(gs_base), NULL));
    ptrace(PTRACE_CONT, c, NULL, NULL);
    waitpid(c, &st, 0);
    struct user_regs_struct r;
    ptrace(PTRACE_GETREGS, c, NULL, &r);
    printf("GETREGS gs_base %#llx gs %#llx\n", (unsigned long long)r.gs_base,
           (unsigned long long)r.gs);
    r.gs_base = 0x9000;
    r.gs = 0;
    printf("SETREGS: %s\n", res(ptrace(PTRACE_SETREGS, c, NULL, &r)));
    r.fs_base = 0xffffffffffff0000ULL;
    printf("SETREGS bad fs_base: %s\n", res(ptrace(PTRACE_SETREGS, c, NULL, &r)));
    ptrace(PTRACE_CONT, c, NULL, NULL);
    waitpid(c, &st, 0);
    printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    own_bases();
    traced();
    return 0;
}
