/* SS in the signal frame: the flags that say it is there
 * (UC_SIGCONTEXT_SS, UC_STRICT_RESTORE_SS), a sigreturn into 32-bit code
 * (the next signal's frame is not strict), a sigreturn to a bad SS (the
 * iretq faults and the program gets SIGSEGV with the CPU's error code),
 * and a non-strict sigreturn with a garbage SS, which the kernel repairs.
 * Only the GDT's own selectors are used, the same under every x86-64
 * Linux. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4

struct selectors {
    unsigned short cs, gs, fs, ss;
};

static struct selectors *sels(ucontext_t *uc)
{
    return (struct selectors *)&uc->uc_mcontext.gregs[REG_CSGSFS];
}

static gregset_t saved;
static unsigned short want_cs, want_ss;
static volatile int step;

/* An int3 to land on, in 32- or 64-bit code alike. */
asm(".pushsection .text\n"
    ".globl trap_here\n"
    "trap_here: int3\n"
    ".popsection\n");
extern char trap_here[];

static void show(const char *what, int sig, ucontext_t *uc)
{
    printf("%s: signal %d cs %#x ss %#x ss-in-frame %d strict %d", what, sig, sels(uc)->cs,
           sels(uc)->ss, !!(uc->uc_flags & UC_SIGCONTEXT_SS),
           !!(uc->uc_flags & UC_STRICT_RESTORE_SS));
    if (sig != SIGUSR1)
        printf(" trapno %lld err %#llx", (long long)uc->uc_mcontext.gregs[REG_TRAPNO],
               (long long)uc->uc_mcontext.gregs[REG_ERR]);
    printf("\n");
}

/* Go to trap_here with the selectors asked for. */
static void on_usr1(int sig, siginfo_t *si, void *p)
{
    (void)si;
    ucontext_t *uc = p;
    show("usr1", sig, uc);
    memcpy(saved, uc->uc_mcontext.gregs, sizeof(saved));
    sels(uc)->cs = want_cs;
    sels(uc)->ss = want_ss;
    uc->uc_mcontext.gregs[REG_RIP] = (long long)(unsigned long)trap_here;
}

/* Where it landed (SIGTRAP) or why it could not (SIGSEGV): back to the
 * raise() with the registers it had. */
static void on_trap(int sig, siginfo_t *si, void *p)
{
    (void)si;
    ucontext_t *uc = p;
    show(sig == SIGTRAP ? "trap" : "fault", sig, uc);
    memcpy(uc->uc_mcontext.gregs, saved, sizeof(saved));
    step++;
}

/* A handler that gives up strictness and leaves a garbage SS. */
static void on_usr2(int sig, siginfo_t *si, void *p)
{
    (void)si;
    ucontext_t *uc = p;
    show("usr2", sig, uc);
    uc->uc_flags &= ~UC_STRICT_RESTORE_SS;
    sels(uc)->ss = 0;
}

static void handle(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

static void attempt(const char *name, unsigned short cs, unsigned short ss)
{
    printf("[%s] cs %#x ss %#x\n", name, cs, ss);
    want_cs = cs;
    want_ss = ss;
    step = 0;
    raise(SIGUSR1);
    printf("back, handled %d\n", step);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    stack_t st = {.ss_sp = malloc(65536), .ss_size = 65536};
    sigaltstack(&st, NULL);
    unsigned short cs, ss;
    asm("mov %%cs, %0" : "=r"(cs));
    asm("mov %%ss, %0" : "=r"(ss));
    handle(SIGUSR1, on_usr1, 0);
    handle(SIGTRAP, on_trap, SA_ONSTACK);
    handle(SIGSEGV, on_trap, SA_ONSTACK);
    handle(SIGUSR2, on_usr2, 0);

    attempt("64-bit code", cs, ss);
    attempt("32-bit code", cs - 16, ss);
    attempt("code selector as SS, 64-bit", cs, cs);
    attempt("code selector as SS, 32-bit", cs - 16, cs);
    attempt("null SS, 32-bit", cs - 16, 0);

    raise(SIGUSR2);
    unsigned short now;
    asm("mov %%ss, %0" : "=r"(now));
    printf("after the non-strict return: ss %#x (was %#x)\n", now, ss);
    return 0;
}
