/* Restartable sequences (rseq, 334): what exec says of them in the
 * auxiliary vector; registration and its errors (length, alignment,
 * flags, a second area, another signature, bad pointers); the CPU fields
 * the kernel writes after registration, before a signal handler, in a
 * forked child and in a thread of its own; unregistration; and critical
 * sections that commit, or restart at abort_ip when a signal, a fault or
 * a sleep comes inside them, or end in SIGSEGV when the descriptor or the
 * area is wrong. The program pins itself to the first CPU it may use, so
 * that cpu_id can be printed as "the CPU it runs on". */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "rseq_area.h"
#include "show.h"

#define CPU_ID_UNINITIALIZED 0xffffffffu

struct rseq_desc {
    uint32_t version;
    uint32_t flags;
    uint64_t start_ip;
    uint64_t post_commit_offset;
    uint64_t abort_ip;
} __attribute__((aligned(32)));

/* Critical sections, each: store the descriptor's address in rseq_cs
 * (rdi points at it), then the section [start, post), whose last
 * instruction commits (eax = 0); abort_ip sets eax = 1. The signature sits
 * in the 4 bytes before abort_ip.
 *   cs_fault: the section is one ud2.
 *   cs_syscall(&rseq_cs, nr, a1, a2): the section is one system call. */
extern int cs_fault(uint64_t* rseq_cs, const struct rseq_desc* d);
extern int cs_syscall(uint64_t* rseq_cs, long nr, long a1, long a2, const struct rseq_desc* d);
extern char cs_fault_start[], cs_fault_post[], cs_fault_abort[], cs_fault_nosig[];
extern char cs_syscall_start[], cs_syscall_post[], cs_syscall_abort[];
__asm__(
    ".text\n"
    ".globl cs_fault\n"
    "cs_fault:\n"
    "    movq %rsi, (%rdi)\n"
    "cs_fault_start:\n"
    "    ud2\n"
    "    xorl %eax, %eax\n"
    "cs_fault_post:\n"
    "    ret\n"
    "    .long 0x53053053\n"
    "cs_fault_abort:\n"
    "    movl $1, %eax\n"
    "    ret\n"
    "    .long 0x12345678\n"
    "cs_fault_nosig:\n"
    "    movl $2, %eax\n"
    "    ret\n"
    ".globl cs_syscall\n"
    "cs_syscall:\n"
    "    movq %r8, (%rdi)\n"
    "    movq %rsi, %rax\n"
    "    movq %rdx, %rdi\n"
    "    movq %rcx, %rsi\n"
    "cs_syscall_start:\n"
    "    syscall\n"
    "    xorl %eax, %eax\n"
    "cs_syscall_post:\n"
    "    ret\n"
    "    .long 0x53053053\n"
    "cs_syscall_abort:\n"
    "    movl $1, %eax\n"
    "    ret\n");

static struct rseq_area area, other;
static char big[128] __attribute__((aligned(32)));
static int pinned;

static long rseq(void* a, uint32_t len, int flags, uint32_t sig) {
    return syscall(334, a, len, flags, sig);
}

/* The fields as the kernel leaves them while registered. */
static void show_fields(const char* what, const struct rseq_area* a) {
    printf(
        "%s: cpu_id_start and cpu_id are this CPU: %s, node_id %u, mm_cid below the CPU count: "
        "%s\n",
        what, yes(a->cpu_id_start == (uint32_t)pinned && a->cpu_id == (uint32_t)pinned), a->node_id,
        yes(a->mm_cid < (uint32_t)sysconf(_SC_NPROCESSORS_CONF)));
}

static void scribble(struct rseq_area* a) {
    a->cpu_id_start = a->cpu_id = 0x7777;
    a->node_id = a->mm_cid = 0x7777;
}

static void desc_fault(struct rseq_desc* d, const char* abort_ip) {
    memset(d, 0, sizeof(*d));
    d->start_ip = (uint64_t)cs_fault_start;
    d->post_commit_offset = (uint64_t)(cs_fault_post - cs_fault_start);
    d->abort_ip = (uint64_t)abort_ip;
}

static void desc_syscall(struct rseq_desc* d) {
    memset(d, 0, sizeof(*d));
    d->start_ip = (uint64_t)cs_syscall_start;
    d->post_commit_offset = (uint64_t)(cs_syscall_post - cs_syscall_start);
    d->abort_ip = (uint64_t)cs_syscall_abort;
}

/* SIGILL (a ud2): note where the frame says it came from. A ud2 outside a
 * section, or one no restart moved away from, is skipped, so that a
 * kernel without restarts would not loop. */
static volatile uint64_t ill_ip;
static volatile int ill_count;
static void on_ill(int sig, siginfo_t* si, void* uc_) {
    (void)sig;
    (void)si;
    ucontext_t* uc = uc_;
    ill_ip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
    ill_count++;
    if (ill_ip == (uint64_t)cs_fault_start) uc->uc_mcontext.gregs[REG_RIP] += 2;
}

static volatile uint32_t usr1_cpu_id, usr1_cpu_id_start;
static volatile uint64_t usr1_ip;
static void on_usr1(int sig, siginfo_t* si, void* uc_) {
    (void)sig;
    (void)si;
    usr1_cpu_id = area.cpu_id;
    usr1_cpu_id_start = area.cpu_id_start;
    usr1_ip = (uint64_t)((ucontext_t*)uc_)->uc_mcontext.gregs[REG_RIP];
}

static void handle(int sig, void (*fn)(int, siginfo_t*, void*)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO;
    sigaction(sig, &sa, NULL);
}

/* Run fn in a child with no core file; report how it ended. */
static void in_child(const char* what, void (*fn)(void)) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        fn();
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    show_status(what, st);
}

static struct rseq_desc bad;

static void run_bad_fault(void) {
    cs_fault(&area.rseq_cs, &bad);
}

static void run_bad_outside(void) {
    area.rseq_cs = (uint64_t)&bad;
    syscall(SYS_kill, getpid(), SIGUSR1);
}

static void run_unmapped_cs(void) {
    area.rseq_cs = 0x10000;
    syscall(SYS_kill, getpid(), SIGUSR1);
}

static void run_kernel_cs(void) {
    area.rseq_cs = 0x800000000000UL;
    syscall(SYS_kill, getpid(), SIGUSR1);
}

static void run_area_flags(void) {
    area.flags = 1; /* RSEQ_CS_FLAG_NO_RESTART_ON_PREEMPT */
    desc_fault(&bad, cs_fault_abort);
    cs_fault(&area.rseq_cs, &bad);
}

static void run_readonly_area(void) {
    if (rseq(&area, sizeof(area), RSEQ_FLAG_UNREGISTER, RSEQ_SIG)) _exit(3);
    void* p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) _exit(4);
    long r = rseq(p, 32, 0, RSEQ_SIG); /* accepted: the area is only read here */
    _exit(r == 0 ? 5 : 6);             /* not reached: the CPU fields cannot be written */
}

static void errors_unregistered(void) {
    show("length 31", rseq(&area, 31, 0, RSEQ_SIG));
    show("length 0", rseq(&area, 0, 0, RSEQ_SIG));
    show("length 32, 8-byte aligned", rseq(big + 8, 32, 0, RSEQ_SIG));
    show("length 64, 16-byte aligned", rseq(big + 16, 64, 0, RSEQ_SIG));
    show("flags 2", rseq(&area, 32, 2, RSEQ_SIG));
    show("unregister, nothing registered", rseq(&area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
    show("unregister with flags 3", rseq(&area, 32, 3, RSEQ_SIG));
    show("NULL area", rseq(NULL, 32, 0, RSEQ_SIG));
    show("unmapped area", rseq((void*)0x10000, 32, 0, RSEQ_SIG));
    show("kernel address", rseq((void*)0xffffffffff600000UL, 32, 0, RSEQ_SIG));
}

static void errors_registered(void) {
    show("again, same area and signature", rseq(&area, 32, 0, RSEQ_SIG));
    show("again, another signature", rseq(&area, 32, 0, RSEQ_SIG + 1));
    show("again, another area", rseq(&other, 32, 0, RSEQ_SIG));
    show("again, another length", rseq(&area, 64, 0, RSEQ_SIG));
    show("again, flags 2", rseq(&area, 32, 2, RSEQ_SIG));
    show("unregister another area", rseq(&other, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
    show("unregister, another length", rseq(&area, 64, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
    show("unregister, another signature", rseq(&area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG + 1));
}

static void* thread_fn(void* arg) {
    static struct rseq_area mine;
    (void)arg;
    show("thread: unregister the main thread's area",
         rseq(&area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
    mine.cpu_id = CPU_ID_UNINITIALIZED;
    show("thread: register its own", rseq(&mine, 32, 0, RSEQ_SIG));
    show_fields("thread: its fields", &mine);
    show("thread: unregister", rseq(&mine, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
    return NULL;
}

static void critical_sections(void) {
    struct rseq_desc d;
    handle(SIGILL, on_ill);

    desc_fault(&d, cs_fault_abort);
    ill_count = 0;
    int r = cs_fault(&area.rseq_cs, &d);
    printf(
        "ud2 in a section: returned %d (1: abort_ip), handler's ip is abort_ip: %s, "
        "SIGILLs %d, rseq_cs cleared: %s\n",
        r, yes(ill_ip == (uint64_t)cs_fault_abort), ill_count, yes(area.rseq_cs == 0));

    /* The section's range does not cover the ud2: nothing restarts, the
     * handler skips it, and the kernel clears rseq_cs. */
    desc_fault(&d, cs_fault_abort);
    d.start_ip = (uint64_t)cs_fault_post;
    d.post_commit_offset = 1;
    ill_count = 0;
    r = cs_fault(&area.rseq_cs, &d);
    printf("ud2 outside the section: returned %d, SIGILLs %d, rseq_cs cleared: %s\n", r, ill_count,
           yes(area.rseq_cs == 0));

    desc_syscall(&d);
    int committed = 0;
    for (int i = 0; i < 100 && !committed; i++)
        committed = cs_syscall(&area.rseq_cs, SYS_getpid, 0, 0, &d) == 0;
    printf("getpid in a section commits: %s\n", yes(committed));
    area.rseq_cs = 0;

    usr1_ip = 0;
    r = cs_syscall(&area.rseq_cs, SYS_kill, getpid(), SIGUSR1, &d);
    printf(
        "kill(self) in a section: returned %d, handler's ip is abort_ip: %s, rseq_cs cleared: "
        "%s\n",
        r, yes(usr1_ip == (uint64_t)cs_syscall_abort), yes(area.rseq_cs == 0));

    struct timespec ms = {0, 1000000};
    r = cs_syscall(&area.rseq_cs, SYS_nanosleep, (long)&ms, 0, &d);
    printf(
        "nanosleep in a section (the CPU goes to another task): returned %d, rseq_cs cleared: "
        "%s\n",
        r, yes(area.rseq_cs == 0));

    /* Descriptors the kernel refuses when it has to look at them. */
    desc_fault(&bad, cs_fault_nosig);
    in_child("abort_ip without the signature before it", run_bad_fault);
    desc_fault(&bad, cs_fault_start + 1);
    in_child("abort_ip inside the section", run_bad_fault);
    desc_fault(&bad, cs_fault_abort);
    bad.version = 1;
    in_child("version 1", run_bad_fault);
    desc_fault(&bad, cs_fault_abort);
    bad.flags = 2; /* RSEQ_CS_FLAG_NO_RESTART_ON_SIGNAL: refused since 6.0 */
    in_child("descriptor flags 2", run_bad_fault);
    in_child("area flags 1", run_area_flags);
    desc_fault(&bad, cs_fault_abort);
    bad.start_ip = 0x800000000000UL;
    in_child("start_ip beyond user space, signal outside", run_bad_outside);
    in_child("rseq_cs points at nothing", run_unmapped_cs);
    in_child("rseq_cs beyond user space", run_kernel_cs);
    in_child("read-only area", run_readonly_area);
}

int main(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set)) return 90;
    pinned = 0;
    while (!CPU_ISSET(pinned, &set)) pinned++;
    CPU_ZERO(&set);
    CPU_SET(pinned, &set);
    if (sched_setaffinity(0, sizeof(set), &set)) return 91;
    handle(SIGUSR1, on_usr1);

    printf("AT_RSEQ_FEATURE_SIZE %lu, AT_RSEQ_ALIGN %lu\n", getauxval(27), getauxval(28));
    errors_unregistered();

    /* A stale rseq_cs is cleared by the registration. */
    area.cpu_id = CPU_ID_UNINITIALIZED;
    area.cpu_id_start = area.node_id = area.mm_cid = 0x7777;
    area.rseq_cs = (uint64_t)&other;
    show("register", rseq(&area, sizeof(area), 0, RSEQ_SIG));
    show_fields("after registering", &area);
    printf("stale rseq_cs cleared: %s\n", yes(area.rseq_cs == 0));
    errors_registered();

    /* The kernel writes the fields again before a handler runs. */
    scribble(&area);
    syscall(SYS_kill, getpid(), SIGUSR1);
    printf("in a handler: cpu_id_start and cpu_id are this CPU: %s\n",
           yes(usr1_cpu_id == (uint32_t)pinned && usr1_cpu_id_start == (uint32_t)pinned));

    /* A child keeps the registration, and gets its fields written. */
    scribble(&area);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        show_fields("child", &area);
        show("child: register again", rseq(&area, 32, 0, RSEQ_SIG));
        show("child: unregister", rseq(&area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
        fflush(stdout);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    show_status("child", st);

    /* A thread has no registration of its own until it makes one. */
    pthread_t th;
    fflush(stdout);
    if (pthread_create(&th, NULL, thread_fn, NULL)) return 92;
    pthread_join(th, NULL);
    show("main thread still registered", rseq(&area, 32, 0, RSEQ_SIG));

    critical_sections();

    show("unregister", rseq(&area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
    printf("after unregistering: cpu_id_start %u cpu_id %#x node_id %u mm_cid %u\n",
           area.cpu_id_start, area.cpu_id, area.node_id, area.mm_cid);
    show("unregister again", rseq(&area, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));

    /* A larger area: aligned as struct rseq, at least the known fields. */
    show("register 40 bytes", rseq(big + 32, 40, 0, RSEQ_SIG));
    show("unregister it as 32", rseq(big + 32, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
    show("unregister it as 40", rseq(big + 32, 40, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
    show("register 128 bytes", rseq(big, 128, 0, RSEQ_SIG));
    show_fields("its fields", (const struct rseq_area*)big);
    show("unregister it", rseq(big, 128, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
    return 0;
}
