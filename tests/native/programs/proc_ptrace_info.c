/* What a debugger reads of a stopped tracee besides its general registers:
 * PTRACE_GET_SYSCALL_INFO at signal and syscall stops (with and without
 * PTRACE_O_TRACESYSGOOD, and how the size argument cuts the record), and
 * the register sets: PTRACE_GETREGSET/SETREGSET with NT_PRSTATUS,
 * NT_PRFPREG, NT_X86_XSTATE and NT_386_IOPERM, PTRACE_GETFPREGS and
 * SETFPREGS, the iovec's length and the requests' errors. Addresses and
 * sizes that differ by nature (the CPU's XSAVE image) are printed as
 * relations. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e
#endif
#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif
#ifndef NT_386_IOPERM
#define NT_386_IOPERM 0x201
#endif

struct syscall_info {
    uint8_t op;
    uint8_t pad[3];
    uint32_t arch;
    uint64_t ip;
    uint64_t sp;
    union {
        struct {
            uint64_t nr;
            uint64_t args[6];
        } entry;
        struct {
            int64_t rval;
            uint8_t is_error;
        } exit;
    };
};

static void show(const char* what, long ret) {
    int e = errno;
    printf("%s: %ld errno %d\n", what, ret, ret == -1 ? e : 0);
}

static const char* yes(int b) {
    return b ? "yes" : "no";
}

static int wait_stop(pid_t pid) {
    int st = 0;
    if (waitpid(pid, &st, 0) != pid) return -1;
    return st;
}

/* ---- 1: PTRACE_GET_SYSCALL_INFO --------------------------------------------------- */

/* An int $0x80 call, its six argument registers 1 to 6. */
static long int80(long nr) {
    long ret;
    asm volatile(
        "push %%rbp\n\t"
        "mov $6, %%ebp\n\t"
        "int $0x80\n\t"
        "pop %%rbp"
        : "=a"(ret)
        : "a"(nr), "b"(1L), "c"(2L), "d"(3L), "S"(4L), "D"(5L)
        : "memory");
    return ret;
}

static void info_child(void) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
    syscall(SYS_getppid);
    /* A call no kernel has, all six argument registers set. */
    long ret;
    register long r10 asm("r10") = 4;
    register long r8 asm("r8") = 5;
    register long r9 asm("r9") = 6;
    asm volatile("syscall"
                 : "=a"(ret)
                 : "a"(1000L), "D"(1L), "S"(2L), "d"(3L), "r"(r10), "r"(r8), "r"(r9)
                 : "rcx", "r11", "memory");
    syscall(SYS_write, -1, "x", 1);
    syscall(SYS_getpid);
    /* The i386 calls of a 64-bit task: getpid (20) with six argument
     * registers set, which it does not read, and one i386 does not have. */
    int80(20);
    int80(1000);
    syscall(SYS_exit_group, ret == -ENOSYS ? 3 : 4);
}

static long get_info(pid_t pid, unsigned long size, struct syscall_info* si) {
    memset(si, 0xaa, sizeof(*si));
    errno = 0;
    return ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void*)size, si);
}

static void print_info(pid_t pid, const char* at) {
    struct syscall_info si;
    long n = get_info(pid, sizeof(si), &si);
    struct user_regs_struct r;
    ptrace(PTRACE_GETREGS, pid, 0, &r);
    printf("%s: size %ld op %d arch %#x ip=rip %s sp=rsp %s", at, n, si.op, si.arch,
           yes(si.ip == r.rip), yes(si.sp == r.rsp));
    if (si.op == 1) {
        printf(" nr %llu args", (unsigned long long)si.entry.nr);
        for (int i = 0; i < 6; i++)
            if (si.entry.nr == 1000 || si.arch == 0x40000003)
                printf(" %llu", (unsigned long long)si.entry.args[i]);
            else
                printf(" -");
    } else if (si.op == 2) {
        if (si.exit.rval == pid)
            printf(" rval=pid is_error %d", si.exit.is_error);
        else
            printf(" rval %lld is_error %d", (long long)si.exit.rval, si.exit.is_error);
    }
    printf("\n");
}

static void part_syscall_info(void) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) info_child();
    int st = wait_stop(pid);
    printf("stop %#x\n", st);
    print_info(pid, "signal stop");
    struct syscall_info si;
    /* The size argument: nothing or part of the record written, its whole
     * size returned all the same. */
    long n = get_info(pid, 0, &si);
    printf("size 0: %ld, untouched %s\n", n, yes(si.op == 0xaa));
    n = get_info(pid, 4, &si);
    printf("size 4: %ld, op %d, arch untouched %s\n", n, si.op, yes(si.arch == 0xaaaaaaaa));
    show("bad pointer", ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void*)sizeof(si), (void*)8));
    show("bad pointer, size 0", ptrace(PTRACE_GET_SYSCALL_INFO, pid, 0, (void*)8));

    /* Without TRACESYSGOOD a syscall stop is a plain SIGTRAP: no call told. */
    ptrace(PTRACE_SYSCALL, pid, 0, 0);
    st = wait_stop(pid);
    printf("stop %#x\n", st);
    n = get_info(pid, sizeof(si), &si);
    printf("no sysgood: size %ld op %d\n", n, si.op);

    /* With it: go on to the entry of the unknown call, then tell each stop. */
    ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD);
    for (int i = 0; i < 20; i++) {
        ptrace(PTRACE_SYSCALL, pid, 0, 0);
        st = wait_stop(pid);
        n = get_info(pid, sizeof(si), &si);
        if (si.op == 1 && si.entry.nr == 1000) break;
    }
    printf("stop %#x\n", st);
    print_info(pid, "entry");
    n = get_info(pid, 16, &si);
    printf("entry, size 16: %ld, nr untouched %s\n", n, yes(si.entry.nr == 0xaaaaaaaaaaaaaaaaull));
    for (int i = 0; i < 10; i++) {
        ptrace(PTRACE_SYSCALL, pid, 0, 0);
        st = wait_stop(pid);
        if (!WIFSTOPPED(st)) break;
        print_info(pid, (si.op = 0, get_info(pid, sizeof(si), &si), si.op == 2) ? "exit" : "entry");
        if (si.op == 2 && i == 0) {
            n = get_info(pid, 24, &si);
            printf("exit, size 24: %ld, rval untouched %s\n", n,
                   yes(si.exit.rval == (int64_t)0xaaaaaaaaaaaaaaaaull));
        }
    }
    ptrace(PTRACE_CONT, pid, 0, 0);
    st = wait_stop(pid);
    printf("end %#x\n", st);
    show("not traced", ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void*)sizeof(si), &si));
}

/* ---- 2: register sets ------------------------------------------------------------- */

static const uint8_t pat0[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static uint8_t seen1[16], seen2[16];
static uint32_t seen_mxcsr;
static uint64_t seen_rbx, seen_r15;
static long double seen_st0;

static void regs_child(void) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    uint32_t mx = 0x7f80; /* round toward zero */
    long pid = syscall(SYS_getpid);
    uint64_t rbx_out, r15_out;
    /* State the tracer reads and changes while the task is stopped in the
     * kill: nothing between the loads and the stores runs any other code. */
    asm volatile(
        "movdqu %[p0], %%xmm0\n\t"
        "pxor %%xmm1, %%xmm1\n\t"
        "pxor %%xmm2, %%xmm2\n\t"
        "ldmxcsr %[mx]\n\t"
        "fninit\n\t"
        "fld1\n\t"
        "xor %%ebx, %%ebx\n\t"
        "xor %%r15d, %%r15d\n\t"
        "mov $62, %%eax\n\t" /* kill(pid, SIGSTOP) */
        "mov $19, %%esi\n\t"
        "syscall\n\t"
        "movdqu %%xmm1, %[s1]\n\t"
        "movdqu %%xmm2, %[s2]\n\t"
        "stmxcsr %[smx]\n\t"
        "fstpt %[st0]\n\t"
        "mov %%rbx, %[rbx]\n\t"
        "mov %%r15, %[r15]\n\t"
        : [s1] "=m"(seen1), [s2] "=m"(seen2), [smx] "=m"(seen_mxcsr), [st0] "=m"(seen_st0),
          [rbx] "=&r"(rbx_out), [r15] "=&r"(r15_out)
        : [p0] "m"(pat0), [mx] "m"(mx), "D"(pid)
        : "rax", "rbx", "rcx", "rsi", "r11", "r15", "xmm0", "xmm1", "xmm2", "memory");
    seen_rbx = rbx_out;
    seen_r15 = r15_out;
    printf("child: xmm1");
    for (int i = 0; i < 16; i++) printf(" %02x", seen1[i]);
    printf("\nchild: xmm2");
    for (int i = 0; i < 16; i++) printf(" %02x", seen2[i]);
    printf("\nchild: mxcsr %#x st0 %Lg rbx %#llx r15 %#llx\n", seen_mxcsr, seen_st0,
           (unsigned long long)seen_rbx, (unsigned long long)seen_r15);
    fflush(stdout);
    syscall(SYS_exit_group, 0);
}

static long regset(int req, pid_t pid, long type, void* base, size_t len, size_t* out_len) {
    struct iovec iov = {base, len};
    errno = 0;
    long r = ptrace(req, pid, (void*)type, &iov);
    if (out_len) *out_len = iov.iov_len;
    return r;
}

static int all_zero(const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

static uint8_t xbuf[1 << 16] __attribute__((aligned(64)));

static void part_regsets(void) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) regs_child();
    int st = wait_stop(pid);
    printf("stop %#x\n", st);

    /* NT_PRSTATUS is GETREGS' struct; the iovec says how much of it. */
    struct user_regs_struct regs, rs;
    ptrace(PTRACE_GETREGS, pid, 0, &regs);
    size_t len;
    memset(&rs, 0x55, sizeof(rs));
    long r = regset(PTRACE_GETREGSET, pid, NT_PRSTATUS, &rs, sizeof(rs), &len);
    printf("prstatus: %ld len %zu same as getregs %s\n", r, len,
           yes(!memcmp(&rs, &regs, sizeof(rs))));
    static uint8_t big[4096];
    memset(big, 0x55, sizeof(big));
    r = regset(PTRACE_GETREGSET, pid, NT_PRSTATUS, big, sizeof(big), &len);
    printf("prstatus, 4096 asked: %ld len %zu rest untouched %s\n", r, len, yes(big[len] == 0x55));
    memset(big, 0x55, sizeof(big));
    r = regset(PTRACE_GETREGSET, pid, NT_PRSTATUS, big, 16, &len);
    printf("prstatus, 16 asked: %ld len %zu r14 %s, untouched after %s\n", r, len,
           yes(!memcmp(big + 8, &regs.r14, 8)), yes(big[16] == 0x55));
    show("prstatus, len 7", regset(PTRACE_GETREGSET, pid, NT_PRSTATUS, big, 7, 0));
    show("prstatus, len 0", regset(PTRACE_GETREGSET, pid, NT_PRSTATUS, (void*)8, 0, 0));
    show("prstatus, bad base", regset(PTRACE_GETREGSET, pid, NT_PRSTATUS, (void*)8, 216, 0));
    show("unknown type", regset(PTRACE_GETREGSET, pid, 0x999, big, 216, 0));
    show("type in high bits", regset(PTRACE_GETREGSET, pid, 0x100000001L, big, 216, &len));
    errno = 0;
    show("bad iovec", ptrace(PTRACE_GETREGSET, pid, (void*)NT_PRSTATUS, (void*)8));
    show("ioperm get", regset(PTRACE_GETREGSET, pid, NT_386_IOPERM, big, 8, 0));
    show("ioperm set", regset(PTRACE_SETREGSET, pid, NT_386_IOPERM, big, 8, 0));

    /* The FXSAVE image: x87 and SSE as the child left them. */
    struct user_fpregs_struct fp, fp2;
    memset(&fp, 0x55, sizeof(fp));
    errno = 0;
    r = ptrace(PTRACE_GETFPREGS, pid, 0, &fp);
    printf("getfpregs: %ld cwd %#x swd %#x ftw %#x mxcsr %#x\n", r, fp.cwd, fp.swd, fp.ftw,
           fp.mxcsr);
    printf("st0");
    for (int i = 0; i < 10; i++) printf(" %02x", ((uint8_t*)fp.st_space)[i]);
    printf("\nxmm0");
    for (int i = 0; i < 16; i++) printf(" %02x", ((uint8_t*)fp.xmm_space)[i]);
    printf("\npadding and software bytes zero %s\n", yes(all_zero((uint8_t*)fp.padding, 96)));
    memset(&fp2, 0x55, sizeof(fp2));
    r = regset(PTRACE_GETREGSET, pid, NT_PRFPREG, &fp2, sizeof(fp2), &len);
    printf("prfpreg: %ld len %zu same as getfpregs %s\n", r, len,
           yes(!memcmp(&fp, &fp2, sizeof(fp))));
    r = regset(PTRACE_GETREGSET, pid, NT_PRFPREG, big, sizeof(big), &len);
    printf("prfpreg, 4096 asked: %ld len %zu\n", r, len);
    show("getfpregs, bad pointer", ptrace(PTRACE_GETFPREGS, pid, 0, (void*)8));

    /* NT_X86_XSTATE: the XSAVE image, legacy area first. */
    memset(xbuf, 0x55, sizeof(xbuf));
    r = regset(PTRACE_GETREGSET, pid, NT_X86_XSTATE, xbuf, sizeof(xbuf), &len);
    uint64_t sw[6];
    memcpy(sw, xbuf + 464, sizeof(sw));
    uint64_t bv;
    memcpy(&bv, xbuf + 512, 8);
    size_t xlen = len;
    printf(
        "xstate: %ld len >= 576 %s, legacy as fpregs %s, xcr0 has x87 and sse %s, "
        "other software bytes zero %s, x87 and sse in bv %s\n",
        r, yes(len >= 576 && len % 64 == 0), yes(!memcmp(xbuf, &fp, 416)), yes((sw[0] & 3) == 3),
        yes(all_zero((uint8_t*)&sw[1], 40)), yes((bv & 3) == 3));
    r = regset(PTRACE_GETREGSET, pid, NT_X86_XSTATE, big, 8, &len);
    printf("xstate, 8 asked: %ld len %zu as fpregs %s\n", r, len, yes(!memcmp(big, &fp, 8)));

    /* Writes, and what each refuses. */
    show("prfpreg set, len 256", regset(PTRACE_SETREGSET, pid, NT_PRFPREG, &fp2, 256, 0));
    show("xstate set, len 512", regset(PTRACE_SETREGSET, pid, NT_X86_XSTATE, xbuf, 512, 0));
    fp2 = fp;
    fp2.mxcsr = 0xffffffff;
    show("setfpregs, bad mxcsr", ptrace(PTRACE_SETFPREGS, pid, 0, &fp2));
    show("setfpregs, bad pointer", ptrace(PTRACE_SETFPREGS, pid, 0, (void*)8));
    fp2 = fp;
    for (int i = 0; i < 16; i++) ((uint8_t*)fp2.xmm_space)[16 + i] = (uint8_t)(0xa0 + i);
    fp2.mxcsr = 0x1f80;
    show("setfpregs", ptrace(PTRACE_SETFPREGS, pid, 0, &fp2));
    /* The XSAVE image back with xmm2 changed as well. */
    r = regset(PTRACE_GETREGSET, pid, NT_X86_XSTATE, xbuf, xlen, &len);
    for (int i = 0; i < 16; i++) xbuf[160 + 32 + i] = (uint8_t)(0xc0 + i);
    uint64_t bad = bv | (1ull << 62);
    memcpy(xbuf + 512, &bad, 8);
    show("xstate set, unknown feature",
         regset(PTRACE_SETREGSET, pid, NT_X86_XSTATE, xbuf, xlen, 0));
    memcpy(xbuf + 512, &bv, 8);
    r = regset(PTRACE_SETREGSET, pid, NT_X86_XSTATE, xbuf, xlen, &len);
    printf("xstate set: %ld len as read %s\n", r, yes(len == xlen));

    /* NT_PRSTATUS written: word by word, up to the first one refused. */
    rs = regs;
    rs.r15 = 0x5151;
    rs.cs = 0;
    show("prstatus set, bad cs", regset(PTRACE_SETREGSET, pid, NT_PRSTATUS, &rs, sizeof(rs), 0));
    ptrace(PTRACE_GETREGS, pid, 0, &regs);
    printf("r15 after it %#llx\n", (unsigned long long)regs.r15);
    regs.rbx = 0x1234;
    r = regset(PTRACE_SETREGSET, pid, NT_PRSTATUS, &regs, 8 * 6, &len);
    printf("prstatus set, 6 words: %ld len %zu\n", r, len);
    ptrace(PTRACE_CONT, pid, 0, 0);
    st = wait_stop(pid);
    printf("end %#x\n", st);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    part_syscall_info();
    part_regsets();
    return 0;
}
