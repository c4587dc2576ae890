/*
 * A hostile ring-3 program: each case tries one way of reaching ring 0 or
 * of upsetting the kernel, and ends in whatever Linux makes of it (a
 * signal, or an exit status this program chooses). Run as
 *   hostile CASE [ARG]
 * natively or under slowpath; tests/hostile compares the two.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

/* int $N for every N: 256 stubs of 4 bytes, "int $N; ret; nop". */
__asm__(".text\n"
        ".globl int_stubs\n"
        "int_stubs:\n"
        ".set vec, 0\n"
        ".rept 256\n"
        ".byte 0xcd, vec, 0xc3, 0x90\n"
        ".set vec, vec + 1\n"
        ".endr\n");
extern char int_stubs[];

/*
 * Code that tells the two modes apart: in 64-bit mode "48 b8 imm64" is one
 * mov and ud2 follows (SIGILL); in compatibility mode 0x48 is dec eax,
 * "b8 imm32" a mov, and the hlt in the immediate runs (SIGSEGV).
 */
__asm__(".text\n"
        ".globl mode_probe\n"
        "mode_probe:\n"
        ".byte 0x48, 0xb8, 0x90, 0x90, 0x90, 0x90, 0xf4, 0xf4, 0xf4, 0xf4\n"
        "ud2\n"
        ".globl compat_syscall\n"
        "compat_syscall:\n"
        "syscall\n"
        "hlt\n"
        ".globl compat_int80\n"
        "compat_int80:\n"
        "int $0x80\n"
        "hlt\n");
extern char mode_probe[], compat_syscall[], compat_int80[];

/* A far pointer for ljmp/lcall *mem (m16:32: offset, then selector). */
struct __attribute__((packed)) farptr {
    uint32_t offset;
    uint16_t selector;
};

static void far_jump(uint16_t sel, void *target)
{
    static struct farptr p;
    p.offset = (uint32_t)(uintptr_t)target;
    p.selector = sel;
    __asm__ volatile("ljmp *%0" : : "m"(p));
}

static void far_call(uint16_t sel, void *target)
{
    static struct farptr p;
    p.offset = (uint32_t)(uintptr_t)target;
    p.selector = sel;
    __asm__ volatile("lcall *%0" : : "m"(p) : "memory");
}

static void far_return(uint16_t sel, void *target)
{
    __asm__ volatile("pushq %0\n\tpushq %1\n\tlretq" : : "r"((uint64_t)sel), "r"(target));
}

static void iret_to(uint16_t cs, void *target, uint16_t ss)
{
    __asm__ volatile("mov %%rsp, %%rax\n\t"
                     "pushq %2\n\t"
                     "pushq %%rax\n\t"
                     "pushfq\n\t"
                     "pushq %0\n\t"
                     "pushq %1\n\t"
                     "iretq"
                     :
                     : "r"((uint64_t)cs), "r"(target), "r"((uint64_t)ss)
                     : "rax", "memory");
}

/* ---- forged sigreturn frames: a handler edits what rt_sigreturn restores ---- */
static const char *forge;

static void forging_handler(int sig, siginfo_t *info, void *ctx)
{
    (void)sig;
    (void)info;
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    uint64_t csgsfs = (uint64_t)g[REG_CSGSFS];
    if (!strcmp(forge, "cs10"))
        g[REG_CSGSFS] = (greg_t)((csgsfs & ~0xffffULL) | 0x10);
    else if (!strcmp(forge, "cs23")) {
        g[REG_CSGSFS] = (greg_t)((csgsfs & ~0xffffULL) | 0x23);
        g[REG_RIP] = (greg_t)(uintptr_t)mode_probe;
    } else if (!strcmp(forge, "cs33probe"))
        g[REG_RIP] = (greg_t)(uintptr_t)mode_probe;
    else if (!strcmp(forge, "iopl3") || !strcmp(forge, "iopl3cli"))
        g[REG_EFL] |= 0x3000;
    else if (!strcmp(forge, "if0"))
        g[REG_EFL] &= ~0x200;
    else if (!strcmp(forge, "tf"))
        g[REG_EFL] |= 0x100;
    else if (!strcmp(forge, "kernelrip"))
        g[REG_RIP] = 0x100000; /* slowpath's kernel text; unmapped natively */
    else if (!strcmp(forge, "highrip"))
        g[REG_RIP] = (greg_t)0xffffffff81000000ULL;
    else if (!strcmp(forge, "noncanonical"))
        g[REG_RIP] = (greg_t)0x8000000000000000ULL;
}

static int forged_sigreturn(const char *what)
{
    forge = what;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = forging_handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, 0);
    raise(SIGUSR1);
    /* Back here only when the forged frame was harmless. */
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    if (!strcmp(what, "iopl3cli"))
        __asm__ volatile("cli");
    if (!strcmp(what, "iopl3"))
        return (int)((flags >> 12) & 3); /* 0: rt_sigreturn dropped IOPL */
    if (!strcmp(what, "if0"))
        return (flags & 0x200) ? 0 : 1; /* IF is not the user's either */
    return 0;
}

/* ---- a #GP handler that checks the error code ---- */
static long expect_err = -1;

static void gp_handler(int sig, siginfo_t *info, void *ctx)
{
    (void)sig;
    (void)info;
    ucontext_t *uc = ctx;
    long trapno = uc->uc_mcontext.gregs[REG_TRAPNO], err = uc->uc_mcontext.gregs[REG_ERR];
    _exit(trapno == 13 && err == expect_err ? 0 : 100 + (int)trapno);
}

static volatile int trapped;
static void trap_handler(int sig)
{
    (void)sig;
    trapped++;
}

/* ---- garbage pointers to every syscall that takes one ---- */
static int failures;

static void expect(const char *what, long ret, long want, long also)
{
    if (ret == want || ret == also)
        return;
    failures++;
    char line[160];
    int n = snprintf(line, sizeof line, "%s = %ld (wanted %ld)\n", what, ret, want);
    write(2, line, n > 0 ? (size_t)n : 0);
}

static long raw(long nr, long a, long b, long c, long d)
{
    long ret;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
                     : "rcx", "r11", "memory");
    return ret;
}

static int bad_pointers(void)
{
    static const uint64_t bad[] = {
        0,                     /* NULL */
        0x1000,                /* slowpath's boot parameters */
        0x100000,              /* slowpath's kernel */
        0x3ff000,              /* the last kernel page below user memory */
        0x00007ffffffff000ULL, /* the user limit */
        0x00007ffffffffff8ULL, /* 8 bytes below the end of the lower half */
        0x0000800000000000ULL, /* the first non-canonical address */
        0xffff800000000000ULL, /* the kernel half */
        0xffffffff81000000ULL, /* where Linux's text lives */
        0xfffffffffffff000ULL, /* wraps with any size */
        0xffffffffffffffffULL,
    };
    const long EF = -EFAULT;
    char name[96];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long p = (long)bad[i];
#define NAME(fmt) (snprintf(name, sizeof name, fmt " %#lx", p), name)
        expect(NAME("write(1, p, 8)"), raw(SYS_write, 1, p, 8, 0), EF, EF);
        expect(NAME("writev(1, p, 1)"), raw(SYS_writev, 1, p, 1, 0), EF, EF);
        /* NULL is "no new action" or "no old mask" for these: fine. */
        const long EFN = p ? EF : 0;
        expect(NAME("rt_sigaction(USR1, p, 0)"), raw(SYS_rt_sigaction, SIGUSR1, p, 0, 8), EFN, EFN);
        expect(NAME("rt_sigaction(USR1, 0, p)"), raw(SYS_rt_sigaction, SIGUSR1, 0, p, 8), EFN, EFN);
        expect(NAME("rt_sigprocmask(BLOCK, p, 0)"), raw(SYS_rt_sigprocmask, SIG_BLOCK, p, 0, 8),
               EFN, EFN);
        expect(NAME("rt_sigprocmask(BLOCK, 0, p)"), raw(SYS_rt_sigprocmask, SIG_BLOCK, 0, p, 8),
               EFN, EFN);
        expect(NAME("rt_sigpending(p)"), raw(SYS_rt_sigpending, p, 8, 0, 0), EF, EF);
        expect(NAME("arch_prctl(GET_FS, p)"), raw(SYS_arch_prctl, 0x1003, p, 0, 0), EF, EF);
        /* TIOCGWINSZ: stdout may not be a terminal (-ENOTTY first). */
        expect(NAME("ioctl(1, TIOCGWINSZ, p)"), raw(SYS_ioctl, 1, 0x5413, p, 0), EF, -ENOTTY);
        /* An iovec that is fine, pointing at garbage. */
        struct {
            long base, len;
        } iov = {p, 8};
        expect(NAME("writev(1, {p, 8}, 1)"), raw(SYS_writev, 1, (long)&iov, 1, 0), EF, EF);
        /* brk into (or past) anything but user memory is refused: the old break. */
        long now = raw(SYS_brk, 0, 0, 0, 0);
        expect(NAME("brk(p)"), raw(SYS_brk, p, 0, 0, 0), now, now);
    }
    /* Arguments that are not pointers, garbage all the same. */
    expect("rt_sigaction(0x100000, ...)", raw(SYS_rt_sigaction, 0x100000, 0, 0, 8), -EINVAL,
           -EINVAL);
    expect("rt_sigprocmask(size 0x100000)", raw(SYS_rt_sigprocmask, SIG_BLOCK, 0, 0, 0x100000),
           -EINVAL, -EINVAL);
    expect("kill(self, 0x100000)", raw(SYS_kill, getpid(), 0x100000, 0, 0), -EINVAL, -EINVAL);
    expect("tkill(self, -1)", raw(SYS_tkill, raw(SYS_gettid, 0, 0, 0, 0), -1, 0, 0), -EINVAL,
           -EINVAL);
    expect("tgkill(self, self, 65)",
           raw(SYS_tgkill, getpid(), raw(SYS_gettid, 0, 0, 0, 0), 65, 0), -EINVAL, -EINVAL);
    expect("arch_prctl(SET_FS, kernel)", raw(SYS_arch_prctl, 0x1002, (long)0xffff800000000000ULL,
                                             0, 0),
           -EPERM, -EPERM);
    expect("arch_prctl(0xdead, 0)", raw(SYS_arch_prctl, 0xdead, 0, 0, 0), -EINVAL, -EINVAL);
    return failures ? 1 : 0;
}

/* Where a far transfer lands if the CPU lets it through. */
static void landed(void)
{
    _exit(42);
}

static int run(const char *c, const char *arg)
{
    long n = arg ? strtol(arg, 0, 0) : 0;
    /* privileged instructions */
    if (!strcmp(c, "hlt")) __asm__ volatile("hlt");
    else if (!strcmp(c, "cli")) __asm__ volatile("cli");
    else if (!strcmp(c, "sti")) __asm__ volatile("sti");
    else if (!strcmp(c, "in_imm")) { unsigned char v; __asm__ volatile("inb $0x80, %0" : "=a"(v)); }
    else if (!strcmp(c, "in_dx")) { unsigned v; __asm__ volatile("inl %%dx, %0" : "=a"(v) : "d"(0x3f8)); }
    else if (!strcmp(c, "in_dx16")) { unsigned short v; __asm__ volatile("inw %%dx, %0" : "=a"(v) : "d"(0xcf8)); }
    else if (!strcmp(c, "out_imm")) __asm__ volatile("outb %%al, $0x80" : : "a"(0));
    else if (!strcmp(c, "out_dx")) __asm__ volatile("outb %%al, %%dx" : : "a"(0), "d"(0x3f8));
    else if (!strcmp(c, "out_dx32")) __asm__ volatile("outl %%eax, %%dx" : : "a"(0), "d"(0xcf8));
    else if (!strcmp(c, "insb")) { static char b[4]; __asm__ volatile("insb" : : "D"(b), "d"(0x60) : "memory"); }
    else if (!strcmp(c, "outsb")) { static char b[4]; __asm__ volatile("outsb" : : "S"(b), "d"(0x60)); }
    else if (!strcmp(c, "rep_outsw")) { static char b[8]; __asm__ volatile("rep outsw" : : "S"(b), "d"(0x60), "c"(2)); }
    else if (!strcmp(c, "rdmsr")) __asm__ volatile("rdmsr" : : "c"(0xc0000080) : "rax", "rdx");
    else if (!strcmp(c, "wrmsr")) __asm__ volatile("wrmsr" : : "c"(0xc0000082), "a"(0), "d"(0));
    else if (!strcmp(c, "read_cr0")) { unsigned long v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); }
    else if (!strcmp(c, "read_cr3")) { unsigned long v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); }
    else if (!strcmp(c, "write_cr0")) __asm__ volatile("mov %0, %%cr0" : : "r"(0x80000011UL));
    else if (!strcmp(c, "write_cr3")) __asm__ volatile("mov %0, %%cr3" : : "r"(0UL));
    else if (!strcmp(c, "write_cr4")) __asm__ volatile("mov %0, %%cr4" : : "r"(0UL));
    else if (!strcmp(c, "read_dr7")) { unsigned long v; __asm__ volatile("mov %%dr7, %0" : "=r"(v)); }
    else if (!strcmp(c, "write_dr7")) __asm__ volatile("mov %0, %%dr7" : : "r"(0UL));
    else if (!strcmp(c, "lgdt")) { static char d[10]; __asm__ volatile("lgdt %0" : : "m"(d)); }
    else if (!strcmp(c, "lidt")) { static char d[10]; __asm__ volatile("lidt %0" : : "m"(d)); }
    else if (!strcmp(c, "lldt")) __asm__ volatile("lldt %w0" : : "r"(0));
    else if (!strcmp(c, "ltr")) __asm__ volatile("ltr %w0" : : "r"(0x40));
    else if (!strcmp(c, "lmsw")) __asm__ volatile("lmsw %w0" : : "r"(1));
    else if (!strcmp(c, "clts")) __asm__ volatile("clts");
    else if (!strcmp(c, "invd")) __asm__ volatile("invd");
    else if (!strcmp(c, "wbinvd")) __asm__ volatile("wbinvd");
    else if (!strcmp(c, "invlpg")) __asm__ volatile("invlpg (%0)" : : "r"(0x400000UL));
    else if (!strcmp(c, "swapgs")) __asm__ volatile("swapgs");
    else if (!strcmp(c, "sysretq")) __asm__ volatile("sysretq");
    else if (!strcmp(c, "sysexit")) __asm__ volatile("sysexitq");
    else if (!strcmp(c, "sysenter")) __asm__ volatile("sysenter");
    else if (!strcmp(c, "ud2")) __asm__ volatile("ud2");
    else if (!strcmp(c, "popf_iopl") || !strcmp(c, "popf_if")) {
        /* popf at CPL 3 leaves IOPL (and IF, with IOPL 0) alone, no fault. */
        uint64_t change = !strcmp(c, "popf_iopl") ? 0x3000 : 0x200, flags;
        __asm__ volatile("pushfq\n\t"
                         "xorq %1, (%%rsp)\n\t"
                         "popfq\n\t"
                         "pushfq\n\t"
                         "popq %0"
                         : "=r"(flags)
                         : "r"(change)
                         : "cc", "memory");
        return !strcmp(c, "popf_iopl") ? (int)((flags >> 12) & 3) : (flags & 0x200) ? 0 : 1;
    } else if (!strcmp(c, "rdtsc")) { unsigned lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); }
    else if (!strcmp(c, "sgdt")) { static char d[10]; __asm__ volatile("sgdt %0" : "=m"(d)); }
    else if (!strcmp(c, "into")) __asm__ volatile(".byte 0xce"); /* invalid in 64-bit mode */
    /* segments: kernel selectors from ring 3 */
    else if (!strcmp(c, "mov_ss_kernel")) __asm__ volatile("mov %0, %%ss" : : "r"(0x18));
    else if (!strcmp(c, "mov_ds_kernel")) __asm__ volatile("mov %0, %%ds" : : "r"(0x18));
    else if (!strcmp(c, "mov_ds_tss")) __asm__ volatile("mov %0, %%ds" : : "r"(0x40));
    else if (!strcmp(c, "iretq_cs10")) iret_to(0x10, landed, 0x18);
    else if (!strcmp(c, "iretq_cs13")) iret_to(0x13, landed, 0x2b);
    else if (!strcmp(c, "iretq_ss18")) iret_to(0x33, landed, 0x18);
    else if (!strcmp(c, "lret_cs10")) far_return(0x10, landed);
    else if (!strcmp(c, "ljmp_cs10")) far_jump(0x10, landed);
    else if (!strcmp(c, "lcall_cs10")) far_call(0x10, landed);
    else if (!strcmp(c, "ljmp_tss")) far_jump(0x40, landed);
    else if (!strcmp(c, "lcall_tss")) far_call(0x40, landed);
    /* compatibility mode: CS 0x23, a 32-bit code segment of ring 3 */
    else if (!strcmp(c, "probe64")) ((void (*)(void))mode_probe)();
    else if (!strcmp(c, "ljmp_compat")) far_jump(0x23, mode_probe);
    else if (!strcmp(c, "lret_compat")) far_return(0x23, mode_probe);
    else if (!strcmp(c, "iretq_compat")) iret_to(0x23, mode_probe, 0x2b);
    else if (!strcmp(c, "compat_syscall")) far_jump(0x23, compat_syscall);
    else if (!strcmp(c, "compat_int80")) far_jump(0x23, compat_int80);
    /* software interrupts */
    else if (!strcmp(c, "int")) ((void (*)(void))(int_stubs + 4 * (n & 255)))();
    else if (!strcmp(c, "int_errcode")) {
        /* #GP's error code for a refused gate: the IDT bit and the vector. */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = gp_handler;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGSEGV, &sa, 0);
        expect_err = (n & 255) * 8 + 2;
        ((void (*)(void))(int_stubs + 4 * (n & 255)))();
        return 2;
    } else if (!strcmp(c, "int3_resume")) {
        /* The handler returns: execution goes on after the int3. */
        signal(SIGTRAP, trap_handler);
        __asm__ volatile("int3");
        __asm__ volatile("int $3");
        return trapped == 2 ? 0 : 1;
    } else if (!strcmp(c, "icebp")) __asm__ volatile(".byte 0xf1");
    /* memory the kernel owns */
    else if (!strcmp(c, "read_kernel")) return *(volatile char *)0x100000;
    else if (!strcmp(c, "write_kernel")) *(volatile char *)0x100000 = 1;
    else if (!strcmp(c, "write_kernel_data")) *(volatile long *)0x3ff000 = 1;
    else if (!strcmp(c, "write_boot_params")) *(volatile long *)0x1000 = 1;
    else if (!strcmp(c, "exec_kernel")) ((void (*)(void))0x100000)();
    else if (!strcmp(c, "null")) return *(volatile char *)0;
    else if (!strcmp(c, "bad_pointers")) return bad_pointers();
    else if (!strncmp(c, "sigreturn_", 10)) return forged_sigreturn(c + 10);
    else {
        fprintf(stderr, "unknown case %s\n", c);
        return 99;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: hostile CASE [ARG]\n");
        return 99;
    }
    return run(argv[1], argc > 2 ? argv[2] : 0);
}
