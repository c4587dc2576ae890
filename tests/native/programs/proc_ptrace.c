/* A parent traces its child with ptrace(2): the stops wait4 reports, the
 * child's system calls one by one (PTRACE_SYSCALL, TRACESYSGOOD), a
 * register changed at a syscall exit (GETREGS/SETREGS), a word read and
 * changed in the child's memory (PEEKDATA/POKEDATA), PEEKUSER, single
 * steps over known instructions, a signal passed on and one cancelled,
 * PTRACE_KILL, and the errors of requests that cannot be served. Pids are
 * printed as names: they differ from one system to another. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile long magic = 0x1122334455667788L;
static pid_t child_pid, parent_pid;

static void stop_self(void) {
    syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
}

static const char* describe(long v) {
    static char buf[32];
    if (v == child_pid) return "child";
    if (v == parent_pid) return "parent";
    snprintf(buf, sizeof buf, "%ld", v);
    return buf;
}

/* A request's result and errno, read in that order. */
static void show(const char* what, long ret) {
    int e = errno;
    printf("%s: %ld errno %d\n", what, ret, ret == -1 ? e : 0);
}

static void show_status(const char* what, int st) {
    if (WIFSTOPPED(st))
        printf("%s: stopped by %d (status 0x%x)\n", what, WSTOPSIG(st), st);
    else if (WIFEXITED(st))
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: killed by %d\n", what, WTERMSIG(st));
}

static int wait_child(const char* what) {
    int st = 0;
    pid_t w = waitpid(child_pid, &st, 0);
    if (w != child_pid) {
        printf("%s: waitpid returned %ld, errno %d\n", what, (long)w, errno);
        exit(1);
    }
    show_status(what, st);
    return st;
}

/* ---- 1: count and show the system calls ---------------------------------------- */

static void child_syscalls(void) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    stop_self();
    long uid = syscall(SYS_sched_yield); /* the tracer turns the result into 42 */
    long bad = syscall(SYS_close, -1);   /* EBADF */
    long ok = magic == 0x99 ? 1 : 0;     /* the tracer poked the word meanwhile */
    syscall(SYS_exit_group, uid == 42 && bad == -1 && ok ? 7 : 1);
}

static void trace_syscalls(void) {
    int st = wait_child("first stop");
    if (!WIFSTOPPED(st)) return;
    show("setoptions", ptrace(PTRACE_SETOPTIONS, child_pid, 0, PTRACE_O_TRACESYSGOOD));
    show("setoptions TRACEFORK", ptrace(PTRACE_SETOPTIONS, child_pid, 0, 0x80000000L));
    long word = ptrace(PTRACE_PEEKDATA, child_pid, (void*)&magic, 0);
    printf("peekdata: %lx\n", word);
    show("pokedata", ptrace(PTRACE_POKEDATA, child_pid, (void*)&magic, (void*)0x99));
    printf("peek again: %lx\n", ptrace(PTRACE_PEEKDATA, child_pid, (void*)&magic, 0));
    printf("parent's own word: %lx\n", magic);
    show("peek unmapped", ptrace(PTRACE_PEEKDATA, child_pid, (void*)16, 0));
    long rax = ptrace(PTRACE_PEEKUSER, child_pid, (void*)offsetof(struct user_regs_struct, rax), 0);
    printf("peekuser rax: %s\n", describe(rax));
    show("peekuser unaligned", ptrace(PTRACE_PEEKUSER, child_pid, (void*)3, 0));
    int calls = 0, in_call = 0;
    for (;;) {
        if (ptrace(PTRACE_SYSCALL, child_pid, 0, 0) != 0) {
            printf("PTRACE_SYSCALL: errno %d\n", errno);
            return;
        }
        int s = 0;
        waitpid(child_pid, &s, 0);
        if (!WIFSTOPPED(s)) {
            show_status("end", s);
            break;
        }
        struct user_regs_struct r;
        ptrace(PTRACE_GETREGS, child_pid, 0, &r);
        if (WSTOPSIG(s) != (SIGTRAP | 0x80)) {
            printf("unexpected stop %d\n", WSTOPSIG(s));
            continue;
        }
        if (!in_call) {
            calls++;
            printf("  enter %lu\n", (unsigned long)r.orig_rax);
        } else {
            printf("  leave %lu = %s\n", (unsigned long)r.orig_rax, describe((long)r.rax));
            if (r.orig_rax == SYS_sched_yield) {
                r.rax = 42;
                printf("  setregs: %ld\n", ptrace(PTRACE_SETREGS, child_pid, 0, &r));
            }
        }
        in_call = !in_call;
    }
    printf("system calls seen: %d\n", calls);
}

/* ---- 2: single steps ----------------------------------------------------------- */

extern char step_start[], step_end[];

static void child_steps(void) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    long pid = syscall(SYS_getpid);
    /* kill(pid, SIGSTOP) by hand: the stop comes right after the syscall,
     * at step_start. */
    asm volatile(
        "syscall\n"
        "step_start:\n\t"
        "mov $5, %%ecx\n\t"
        "add $7, %%ecx\n\t"
        "imul $3, %%ecx, %%ecx\n\t"
        "nop\n\t"
        "mov $39, %%eax\n\t" /* getpid, stepped over */
        "syscall\n\t"
        "xchg %%rcx, %%rcx\n"
        "step_end:\n\t"
        :
        : "a"(SYS_kill), "D"(pid), "S"(SIGSTOP)
        : "rcx", "r11", "memory");
    syscall(SYS_exit_group, 3);
}

static void single_steps(void) {
    wait_child("step child");
    for (int i = 0; i < 8; i++) {
        struct user_regs_struct r;
        ptrace(PTRACE_GETREGS, child_pid, 0, &r);
        long at = (long)(r.rip - (unsigned long)step_start);
        printf("  at step_start+%ld rcx %lld tf %d\n", at,
               (long long)(at > 0 && at < 19 ? r.rcx : 0), (int)((r.eflags >> 8) & 1));
        if (r.rip >= (unsigned long)step_end) break;
        ptrace(PTRACE_SINGLESTEP, child_pid, 0, 0);
        int st = 0;
        waitpid(child_pid, &st, 0);
        if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP) {
            show_status("step", st);
            return;
        }
    }
    siginfo_t si;
    ptrace(PTRACE_GETSIGINFO, child_pid, 0, &si);
    printf("last stop: signal %d\n", si.si_signo);
    ptrace(PTRACE_CONT, child_pid, 0, 0);
    wait_child("after cont");
}

/* ---- 3: signals through the tracer, PTRACE_KILL, errors ------------------------ */

static void on_usr1(int sig) {
    (void)sig;
    static const char m[] = "  child: SIGUSR1 handled\n";
    write(1, m, sizeof m - 1);
}

static void child_signals(void) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    signal(SIGUSR1, on_usr1);
    stop_self();
    syscall(SYS_kill, syscall(SYS_getpid), SIGUSR2); /* cancelled by the tracer */
    syscall(SYS_kill, syscall(SYS_getpid), SIGUSR1); /* passed on */
    stop_self();
    for (;;) pause();
}

static void signals_and_kill(void) {
    wait_child("signal child");
    ptrace(PTRACE_CONT, child_pid, 0, 0);
    wait_child("usr2 reported");
    ptrace(PTRACE_CONT, child_pid, 0, 0); /* drop it */
    int st = wait_child("usr1 reported");
    ptrace(PTRACE_CONT, child_pid, 0, WSTOPSIG(st));
    wait_child("stopped again");
    show("bad signal", ptrace(PTRACE_CONT, child_pid, 0, 100));
    show("unknown request", ptrace(12345, child_pid, 0, 0));
    ptrace(PTRACE_CONT, child_pid, 0, 0);
    struct user_regs_struct r;
    sched_yield();
    show("getregs of a running task", ptrace(PTRACE_GETREGS, child_pid, 0, &r));
    show("kill", ptrace(PTRACE_KILL, child_pid, 0, 0));
    wait_child("after kill");
    show("peek a gone child", ptrace(PTRACE_PEEKDATA, child_pid, 0, 0));
    show("attach to no one", ptrace(PTRACE_ATTACH, 99999, 0, 0));
    pid_t c = fork();
    if (c == 0) {
        long a = ptrace(PTRACE_TRACEME, 0, 0, 0);
        long b = ptrace(PTRACE_TRACEME, 0, 0, 0);
        _exit(a == 0 && b == -1 && errno == EPERM ? 0 : 1);
    }
    child_pid = c;
    wait_child("traceme child");
}

/* ---- 4: PTRACE_ATTACH and PTRACE_DETACH ---------------------------------------- */

static void child_waits(void)
{
    for (;;)
        pause();
}

static pid_t start(void (*fn)(void));

static void attach_detach(void)
{
    start(child_waits);
    show("attach", ptrace(PTRACE_ATTACH, child_pid, 0, 0));
    wait_child("attached");
    show("attach again", ptrace(PTRACE_ATTACH, child_pid, 0, 0));
    struct user_regs_struct r;
    show("getregs", ptrace(PTRACE_GETREGS, child_pid, 0, &r));
    show("detach", ptrace(PTRACE_DETACH, child_pid, 0, 0));
    show("getregs after detach", ptrace(PTRACE_GETREGS, child_pid, 0, &r));
    kill(child_pid, SIGKILL);
    wait_child("after SIGKILL");
}

/* ---- 5: the tracer ends first ------------------------------------------------- */

/* A traces B with PTRACE_O_EXITKILL and exits while B is stopped: B dies
 * with it. The pipe tells: its last writer gone, the read sees EOF. */
static void tracer_exits(void)
{
    int p[2];
    if (pipe(p) != 0)
        return;
    fflush(stdout);
    pid_t a = fork();
    if (a == 0) {
        pid_t b = fork();
        if (b == 0) {
            close(p[0]);
            ptrace(PTRACE_TRACEME, 0, 0, 0);
            stop_self();
            write(p[1], "B still runs\n", 13);
            _exit(0);
        }
        close(p[1]);
        int st = 0;
        waitpid(b, &st, 0);
        long r = ptrace(PTRACE_SETOPTIONS, b, 0, PTRACE_O_EXITKILL);
        _exit(WIFSTOPPED(st) && r == 0 ? 5 : 6);
    }
    close(p[1]);
    child_pid = a;
    wait_child("tracer");
    char buf[32];
    long n = read(p[0], buf, sizeof buf);
    printf("pipe after the tracer's exit: %ld bytes\n", n);
    close(p[0]);
}

static pid_t start(void (*fn)(void)) {
    fflush(stdout);
    child_pid = fork();
    if (child_pid == 0) {
        fn();
        _exit(99);
    }
    return child_pid;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    parent_pid = getpid();
    show("attach to self", ptrace(PTRACE_ATTACH, getpid(), 0, 0));
    start(child_syscalls);
    trace_syscalls();
    start(child_steps);
    single_steps();
    start(child_signals);
    signals_and_kill();
    attach_detach();
    tracer_exits();
    return 0;
}
