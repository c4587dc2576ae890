/*
 * The ring-3 demo: install a SIGUSR1 handler, make one system call (the
 * "focus" call, at the global label focus_syscall), check that the kernel
 * kept the callee-saved registers, and print what the call returned.
 *
 *   demo <nr> [badptr] [sigign|sigblock]
 *                            the focus call is system call <nr>; with
 *                            "badptr" a pointer argument is invalid; with
 *                            "sigign" SIGUSR1 is ignored (SIG_IGN), with
 *                            "sigblock" its handler is installed and the
 *                            signal blocked (rt_sigprocmask)
 *   demo bench <nr> <count>  <count> bare calls of <nr>, then exit
 */
#include "demo.h"
#include "syscalls.h"

/* ---- tiny output helpers ------------------------------------------------ */

static unsigned long str_len(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

static int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static void print(const char *s)
{
    write(1, s, str_len(s));
}

static char *append(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

static char *append_long(char *p, long v)
{
    char digits[24];
    int n = 0;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    do {
        digits[n++] = '0' + u % 10;
        u /= 10;
    } while (u);
    if (v < 0)
        *p++ = '-';
    while (n)
        *p++ = digits[--n];
    return p;
}

static long parse_long(const char *s)
{
    int neg = *s == '-';
    long v = 0;
    for (s += neg; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (*s - '0');
    return neg ? -v : v;
}

static const char *syscall_name(long nr)
{
    switch (nr) {
    case __NR_write: return "write";
    case __NR_rt_sigaction: return "rt_sigaction";
    case __NR_rt_sigprocmask: return "rt_sigprocmask";
    case __NR_rt_sigreturn: return "rt_sigreturn";
    case __NR_sched_yield: return "sched_yield";
    case __NR_getpid: return "getpid";
    case __NR_exit: return "exit";
    case __NR_kill: return "kill";
    case __NR_rt_sigpending: return "rt_sigpending";
    case __NR_gettid: return "gettid";
    case __NR_tkill: return "tkill";
    case __NR_exit_group: return "exit_group";
    case __NR_tgkill: return "tgkill";
    default: return 0;
    }
}

/* ---- the signal handler ---------------------------------------------------- */

void __restore_rt(void); /* start.S */

static void on_sigusr1(int sig, void *info, void *ucontext)
{
    (void)sig;
    (void)info;
    (void)ucontext;
    print("demo: SIGUSR1 handler ran\n");
}

static void install_handler(void)
{
    struct kernel_sigaction act = {
        .handler = on_sigusr1,
        .flags = SA_SIGINFO | SA_RESTORER,
        .restorer = __restore_rt,
        .mask = 0,
    };
    rt_sigaction(SIGUSR1, &act, 0);
}

#define DEMO_SIG_IGN ((void (*)(int, void *, void *))1)

/* SIG_IGN: the kernel drops a SIGUSR1 the moment it is sent. */
static void ignore_sigusr1(void)
{
    struct kernel_sigaction act = {.handler = DEMO_SIG_IGN, .flags = SA_RESTORER,
                                   .restorer = __restore_rt, .mask = 0};
    rt_sigaction(SIGUSR1, &act, 0);
}

/* Blocked: a SIGUSR1 sent stays pending, and no work flag asks for it. */
static void block_sigusr1(void)
{
    unsigned long set = 1UL << (SIGUSR1 - 1);
    syscall6(__NR_rt_sigprocmask, SIG_BLOCK, (long)&set, 0, 8, 0, 0);
}

/* ---- the focus system call ----------------------------------------------- */

/* Register values right after the syscall instruction: rbx rbp r12-r15 rsp. */
unsigned long demo_after[7];
unsigned long demo_rsp_before;
unsigned long demo_saved_rbp;

#define STR(x) #x
#define XSTR(x) STR(x)

/*
 * One asm block from loading the patterns to reading them back, so the
 * compiler cannot move anything of its own in between. rbp is the frame
 * pointer, so it is parked in memory meanwhile.
 */
static __attribute__((noinline, noclone)) long focus_call(long nr, const long a[6])
{
    register long r10 __asm__("r10") = a[3];
    register long r8 __asm__("r8") = a[4];
    register long r9 __asm__("r9") = a[5];
    long rdi = a[0], rsi = a[1], rdx = a[2];
    __asm__ volatile("movq %%rbp, demo_saved_rbp(%%rip)\n\t"
                     "movabsq $" XSTR(DEMO_RBX) ", %%rbx\n\t"
                     "movabsq $" XSTR(DEMO_RBP) ", %%rbp\n\t"
                     "movabsq $" XSTR(DEMO_R12) ", %%r12\n\t"
                     "movabsq $" XSTR(DEMO_R13) ", %%r13\n\t"
                     "movabsq $" XSTR(DEMO_R14) ", %%r14\n\t"
                     "movabsq $" XSTR(DEMO_R15) ", %%r15\n\t"
                     "movq %%rsp, demo_rsp_before(%%rip)\n\t"
                     ".globl focus_syscall\n"
                     "focus_syscall:\n\t"
                     "syscall\n\t"
                     "movq %%rbx, demo_after+0(%%rip)\n\t"
                     "movq %%rbp, demo_after+8(%%rip)\n\t"
                     "movq %%r12, demo_after+16(%%rip)\n\t"
                     "movq %%r13, demo_after+24(%%rip)\n\t"
                     "movq %%r14, demo_after+32(%%rip)\n\t"
                     "movq %%r15, demo_after+40(%%rip)\n\t"
                     "movq %%rsp, demo_after+48(%%rip)\n\t"
                     "movq demo_saved_rbp(%%rip), %%rbp"
                     : "+a"(nr), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
                     :
                     : "rbx", "r12", "r13", "r14", "r15", "rcx", "r11", "memory");
    return nr;
}

static int registers_intact(void)
{
    static const unsigned long expected[6] = {DEMO_RBX, DEMO_RBP, DEMO_R12,
                                              DEMO_R13, DEMO_R14, DEMO_R15};
    for (int i = 0; i < 6; i++)
        if (demo_after[i] != expected[i])
            return 0;
    return demo_after[6] == demo_rsp_before;
}

/* Sensible arguments for each system call the demo knows. */
static void focus_args(long nr, int badptr, long a[6], struct kernel_sigaction *old,
                       unsigned long *set)
{
    static const char hello[] = "hello from write\n";
    for (int i = 0; i < 6; i++)
        a[i] = 0;
    switch (nr) {
    case __NR_write:
        a[0] = 1;
        a[1] = badptr ? DEMO_BAD_POINTER : (long)hello;
        a[2] = badptr ? 16 : (long)sizeof(hello) - 1;
        break;
    case __NR_rt_sigaction: /* read the SIGUSR2 action */
        a[0] = SIGUSR2;
        a[1] = badptr ? DEMO_BAD_POINTER : 0;
        a[2] = (long)old;
        a[3] = 8;
        break;
    case __NR_rt_sigprocmask: /* read the blocked set */
        a[0] = SIG_BLOCK;
        a[2] = (long)set;
        a[3] = 8;
        break;
    case __NR_rt_sigpending:
        a[0] = (long)set;
        a[1] = 8;
        break;
    case __NR_kill: /* our own process group */
        a[1] = SIGUSR1;
        break;
    case __NR_tkill:
        a[0] = gettid();
        a[1] = SIGUSR1;
        break;
    case __NR_tgkill:
        a[0] = getpid();
        a[1] = gettid();
        a[2] = SIGUSR1;
        break;
    default: /* exit, exit_group: status 0; others: no arguments */
        break;
    }
}

static int bench(long nr, long count)
{
    for (long i = 0; i < count; i++)
        syscall6(nr, 0, 0, 0, 0, 0, 0);
    exit_group(0);
}

int main(int argc, char **argv)
{
    if (argc >= 4 && str_eq(argv[1], "bench"))
        return bench(parse_long(argv[2]), parse_long(argv[3]));

    long nr = argc >= 2 ? parse_long(argv[1]) : __NR_getpid;
    int badptr = 0, sigign = 0, sigblock = 0;
    for (int i = 2; i < argc; i++) {
        badptr |= str_eq(argv[i], "badptr");
        sigign |= str_eq(argv[i], "sigign");
        sigblock |= str_eq(argv[i], "sigblock");
    }

    if (sigign) {
        ignore_sigusr1();
    } else {
        install_handler();
        if (sigblock)
            block_sigusr1();
    }

    long a[6];
    struct kernel_sigaction old;
    unsigned long set = 0;
    focus_args(nr, badptr, a, &old, &set);
    long ret = focus_call(nr, a);

    print(registers_intact() ? "demo: callee-saved registers intact\n"
                             : "demo: callee-saved registers CHANGED\n");

    char line[96], *p = append(line, "demo: ");
    const char *name = syscall_name(nr);
    if (name)
        p = append(p, name);
    else
        p = append_long(append(p, "syscall_"), nr);
    p = append(p, " returned ");
    p = append_long(p, ret);
    p = append(p, "\n");
    write(1, line, p - line);
    exit_group(0);
}
