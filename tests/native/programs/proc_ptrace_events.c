/* A small strace: the tracer follows a child through fork, vfork, clone and
 * exec with PTRACE_SETOPTIONS (TRACESYSGOOD and the event options), prints
 * every stop (syscall entry and exit by orig_rax, event stops with their
 * PTRACE_GETEVENTMSG, signal stops with PTRACE_GETSIGINFO) and detaches
 * each grandchild at its exit event. Then PTRACE_SEIZE with
 * PTRACE_INTERRUPT, PTRACE_LISTEN and PTRACE_SETSIGINFO, PTRACE_O_EXITKILL,
 * and the errors of requests that cannot be served. Pids are printed as
 * names or as relations (they differ from one run to the next); one
 * tracee runs at a time, so the order of the lines is fixed. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

static pid_t child_pid;
static int wait_at_exit; /* a grandchild is followed to its end, not detached at its exit event */

static void show(const char* what, long ret) {
    int e = errno;
    printf("%s: %ld errno %d\n", what, ret, ret == -1 ? e : 0);
}

static const char* event_name(int e) {
    static const char* names[] = {"none", "fork", "vfork", "clone", "exec", "vfork-done", "exit"};
    if (e == PTRACE_EVENT_STOP) return "stop";
    return e >= 0 && e <= 6 ? names[e] : "?";
}

/* ---- 1: follow a child ---------------------------------------------------------- */

static char clone_stack[65536] __attribute__((aligned(16)));

static int clone_fn(void* arg) {
    (void)arg;
    return 7; /* musl's clone ends the child with SYS_exit */
}

static void traced_child(const char* self) {
    /* SIGCHLD stays pending, never delivered: when a grandchild's end
     * reaches this process is up to the scheduler, and its stop with it. */
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, 0);
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
    int ok = 0, st = 0;
    long pid = syscall(SYS_fork);
    if (pid == 0) {
        char* argv[] = {(char*)self, "exec-child", NULL};
        char* envp[] = {NULL};
        syscall(SYS_execve, self, argv, envp);
        syscall(SYS_exit_group, 99);
    }
    if (syscall(SYS_wait4, pid, &st, 0, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 5) ok++;
    pid = vfork();
    if (pid == 0) _exit(6);
    if (syscall(SYS_wait4, pid, &st, 0, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 6) ok++;
    pid = clone(clone_fn, clone_stack + sizeof clone_stack, 0, NULL);
    if (syscall(SYS_wait4, pid, &st, __WALL, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7)
        ok++;
    syscall(SYS_exit_group, 40 + ok);
}

/* Print one stop of `who`; returns 0 to go on, 1 when the tracee is gone
 * (exited, or detached at its exit event). */
static int report(const char* who, pid_t pid, int st, int* sig, int depth);

static void run(const char* who, pid_t pid, int depth) {
    int sig = 0;
    for (;;) {
        if (ptrace(PTRACE_SYSCALL, pid, 0, sig) != 0) {
            printf("%s: PTRACE_SYSCALL errno %d\n", who, errno);
            return;
        }
        int st = 0;
        if (waitpid(pid, &st, __WALL) != pid) {
            printf("%s: waitpid errno %d\n", who, errno);
            return;
        }
        sig = 0;
        if (report(who, pid, st, &sig, depth)) return;
    }
}

/* A new tracee's first stop, then its whole life. */
static void follow(pid_t pid, int depth) {
    int st = 0;
    if (waitpid(pid, &st, __WALL) != pid) {
        printf("new child: waitpid errno %d\n", errno);
        return;
    }
    int sig = 0;
    if (report("  grandchild", pid, st, &sig, depth)) return;
    run("  grandchild", pid, depth);
}

static int report(const char* who, pid_t pid, int st, int* sig, int depth) {
    if (WIFEXITED(st)) {
        printf("%s: exited %d\n", who, WEXITSTATUS(st));
        return 1;
    }
    if (WIFSIGNALED(st)) {
        printf("%s: killed by %d\n", who, WTERMSIG(st));
        return 1;
    }
    struct user_regs_struct r;
    ptrace(PTRACE_GETREGS, pid, 0, &r);
    unsigned long msg = 12345;
    long mret = ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
    int s = WSTOPSIG(st), event = st >> 16;
    if (s == (SIGTRAP | 0x80)) {
        int entry = msg == 1; /* PTRACE_EVENTMSG_SYSCALL_ENTRY / _EXIT */
        printf("%s: syscall %s %lu", who, entry ? "entry" : "exit", (unsigned long)r.orig_rax);
        if (!entry) {
            long v = (long)r.rax;
            if (v < 0 && v > -4096)
                printf(" = -%ld", -v);
            else if (v >= 1000000)
                printf(" = an address");
            else if (v > 1 && r.orig_rax != SYS_getpid)
                printf(" = a pid");
            else if (r.orig_rax == SYS_getpid)
                printf(" = %s", v == pid ? "its pid" : "?");
            else
                printf(" = %ld", v);
        }
        printf(" (siginfo %d/0x%x from itself %d)\n", si.si_signo, si.si_code, si.si_pid == pid);
        return 0;
    }
    if (s == SIGTRAP && event) {
        printf("%s: event %s (status 0x%x, orig_rax %lu, siginfo 0x%x)", who, event_name(event), st,
               (unsigned long)r.orig_rax, si.si_code);
        if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
            event == PTRACE_EVENT_CLONE) {
            printf(": new child\n");
            /* The clone's child is followed to its end: its zombie is the
             * tracer's to reap before its parent sees it. */
            wait_at_exit = event == PTRACE_EVENT_CLONE;
            follow((pid_t)msg, depth + 1);
        } else if (event == PTRACE_EVENT_EXEC || event == PTRACE_EVENT_VFORK_DONE) {
            printf(": message is %s\n", (pid_t)msg == pid ? "its pid" : "a pid");
        } else if (event == PTRACE_EVENT_EXIT) {
            printf(": message 0x%lx\n", msg);
            if (depth > 0 && wait_at_exit) {
                show("  cont at exit", ptrace(PTRACE_CONT, pid, 0, 0));
                int es = 0;
                show("  wait for it", waitpid(pid, &es, __WALL) == pid);
                return report(who, pid, es, sig, depth);
            }
            if (depth > 0) {
                show("  detach at exit", ptrace(PTRACE_DETACH, pid, 0, 0));
                return 1;
            }
        } else {
            printf("\n");
        }
        return 0;
    }
    printf("%s: signal %d (siginfo code %d, pid %s, eventmsg %ld %lu, orig_rax %lu, rax %ld)\n",
           who, s, si.si_code, si.si_pid == 0 ? "0" : "set", mret, msg, (unsigned long)r.orig_rax,
           (long)r.rax);
    *sig = s == SIGSTOP || s == SIGCHLD ? 0 : s;
    return 0;
}

static void follow_child(const char* self) {
    fflush(stdout);
    child_pid = fork();
    if (child_pid == 0) traced_child(self);
    int st = 0;
    waitpid(child_pid, &st, 0);
    printf("first stop: %d\n", WSTOPSIG(st));
    show("setoptions bad", ptrace(PTRACE_SETOPTIONS, child_pid, 0, 0x400000L));
    long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT |
                PTRACE_O_TRACEVFORKDONE;
    show("setoptions", ptrace(PTRACE_SETOPTIONS, child_pid, 0, opts));
    show("interrupt a non-seized tracee", ptrace(PTRACE_INTERRUPT, child_pid, 0, 0));
    show("listen on a non-seized tracee", ptrace(PTRACE_LISTEN, child_pid, 0, 0));
    show("cont with a bad signal", ptrace(PTRACE_CONT, child_pid, 0, 1000));
    show("unknown request", ptrace(0x4299, child_pid, 0, 0));
    show("seize again", ptrace(PTRACE_SEIZE, child_pid, 0, 0));
    run("child", child_pid, 0);
}

/* ---- 2: seize, interrupt, listen, siginfo ------------------------------------ */

static volatile int got_code, got_value;

static void on_usr1(int sig, siginfo_t* si, void* uc) {
    (void)sig;
    (void)uc;
    got_code = si->si_code;
    got_value = si->si_value.sival_int;
}

static void seized(void) {
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_usr1;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGUSR1, &sa, 0);
        close(p[1]);
        char c;
        long n = read(p[0], &c, 1); /* interrupted by the handler: EINTR */
        syscall(SYS_exit_group,
                n == -1 && errno == EINTR && got_code == SI_QUEUE && got_value == 77 ? 11 : 12);
    }
    close(p[0]);
    show("seize with addr", ptrace(PTRACE_SEIZE, pid, (void*)8, 0));
    show("seize with bad options", ptrace(PTRACE_SEIZE, pid, 0, (void*)0x400000L));
    show("seize", ptrace(PTRACE_SEIZE, pid, 0, (void*)(long)PTRACE_O_TRACESYSGOOD));
    show("attach again", ptrace(PTRACE_ATTACH, pid, 0, 0));
    /* Not stopped: the requests that need a stop fail. */
    struct user_regs_struct r;
    usleep(20000);
    show("getregs while running", ptrace(PTRACE_GETREGS, pid, 0, &r));
    show("interrupt", ptrace(PTRACE_INTERRUPT, pid, 0, 0));
    /* waitid tells the whole stop code, and WNOWAIT leaves it to tell. */
    siginfo_t wi;
    memset(&wi, 0, sizeof wi);
    show("waitid WNOWAIT", waitid(P_PID, pid, &wi, WEXITED | WNOWAIT));
    printf("waitid: signo %d code %d status 0x%x\n", wi.si_signo, wi.si_code, wi.si_status);
    int st = 0;
    waitpid(pid, &st, 0);
    siginfo_t si;
    ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
    printf("stop: sig %d event %s (status 0x%x), siginfo %d/0x%x\n", WSTOPSIG(st),
           event_name(st >> 16), st, si.si_signo, si.si_code);
    show("listen", ptrace(PTRACE_LISTEN, pid, 0, 0));
    show("getregs while listening", ptrace(PTRACE_GETREGS, pid, 0, &r));
    show("wait while listening (WNOHANG)", waitpid(pid, &st, WNOHANG));
    show("interrupt the listener", ptrace(PTRACE_INTERRUPT, pid, 0, 0));
    waitpid(pid, &st, 0);
    printf("stop again: sig %d event %s\n", WSTOPSIG(st), event_name(st >> 16));
    /* A SIGCONT is news for a listening tracee: it traps again, and then
     * shows the signal itself. */
    show("listen again", ptrace(PTRACE_LISTEN, pid, 0, 0));
    kill(pid, SIGCONT);
    waitpid(pid, &st, 0);
    printf("after SIGCONT: sig %d event %s\n", WSTOPSIG(st), event_name(st >> 16));
    show("cont", ptrace(PTRACE_CONT, pid, 0, 0));
    waitpid(pid, &st, 0);
    memset(&si, 0, sizeof si);
    ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
    printf("then: sig %d event %d, siginfo %d/%d from the tracer %d\n", WSTOPSIG(st), st >> 16,
           si.si_signo, si.si_code, si.si_pid == getpid());
    show("cont dropping it", ptrace(PTRACE_CONT, pid, 0, 0));
    /* A signal to the tracee once it is blocked in its read again. */
    usleep(50000);
    kill(pid, SIGUSR1);
    waitpid(pid, &st, 0);
    memset(&si, 0, sizeof si);
    ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
    printf("stop: sig %d event %d, siginfo %d/%d from the tracer %d\n", WSTOPSIG(st), st >> 16,
           si.si_signo, si.si_code, si.si_pid == getpid());
    show("listen at a signal stop", ptrace(PTRACE_LISTEN, pid, 0, 0));
    si.si_code = SI_QUEUE;
    si.si_value.sival_int = 77;
    show("setsiginfo", ptrace(PTRACE_SETSIGINFO, pid, 0, &si));
    show("cont with SIGUSR1", ptrace(PTRACE_CONT, pid, 0, SIGUSR1));
    waitpid(pid, &st, 0);
    if (WIFEXITED(st))
        printf("seized child: exited %d\n", WEXITSTATUS(st));
    else
        printf("seized child: status 0x%x\n", st);
    show("detach after the end", ptrace(PTRACE_DETACH, pid, 0, 0));
    close(p[1]);
}

/* ---- 3: PTRACE_O_EXITKILL --------------------------------------------------- */

static void exitkill(void) {
    int done[2], hold[2];
    pipe(done);
    pipe(hold);
    fflush(stdout);
    pid_t tracer = fork();
    if (tracer == 0) {
        close(done[0]);
        pid_t t = fork();
        if (t == 0) {
            /* Holds done[1] open while it lives; waits for what never comes. */
            close(hold[1]);
            char c;
            read(hold[0], &c, 1);
            _exit(0);
        }
        close(done[1]);
        long r = ptrace(PTRACE_SEIZE, t, 0, (void*)(long)PTRACE_O_EXITKILL);
        syscall(SYS_exit_group, r == 0 ? 0 : 1);
    }
    close(done[1]);
    int st = 0;
    waitpid(tracer, &st, 0);
    printf("exitkill tracer: exited %d\n", WEXITSTATUS(st));
    char c;
    long n = read(done[0], &c, 1); /* EOF: the tracee died with its tracer */
    printf("tracee gone with its tracer: %s\n", n == 0 ? "yes" : "no");
    close(hold[1]);
}

/* ---- 4: a seized tracee's fork, and PTRACE_ATTACH's SIGSTOP ---------------- */

static void wait_byte(int fd) {
    char c;
    read(fd, &c, 1);
}

/* fork(), the child held until the parent writes a byte to *go (the pipe's
 * write end, the parent's to close); returns what fork() returned. */
static pid_t fork_held(int* go) {
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        wait_byte(p[0]);
        return 0;
    }
    close(p[0]);
    *go = p[1];
    return pid;
}

static void seized_fork(void) {
    int go;
    pid_t pid = fork_held(&go);
    if (pid == 0) {
        pid_t c = fork();
        if (c == 0) _exit(3);
        int st = 0;
        waitpid(c, &st, 0);
        _exit(WIFEXITED(st) ? 20 + WEXITSTATUS(st) : 1);
    }
    show("seize with TRACEFORK|TRACEEXIT",
         ptrace(PTRACE_SEIZE, pid, 0, (void*)(long)(PTRACE_O_TRACEFORK | PTRACE_O_TRACEEXIT)));
    write(go, "g", 1);
    int st = 0, sigchld = 0;
    for (;;) {
        waitpid(pid, &st, 0);
        if (!WIFSTOPPED(st)) break;
        int event = st >> 16, sig = WSTOPSIG(st);
        unsigned long msg = 0;
        ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg);
        if (sig == SIGCHLD && !event) {
            sigchld++; /* when it comes is the scheduler's choice: counted */
        } else if (event == PTRACE_EVENT_FORK) {
            printf("seized: event fork\n");
            pid_t c = (pid_t)msg;
            int cs = 0;
            waitpid(c, &cs, __WALL);
            siginfo_t si;
            memset(&si, 0, sizeof si);
            ptrace(PTRACE_GETSIGINFO, c, 0, &si);
            printf("  its child: sig %d event %s (status 0x%x), siginfo %d/0x%x\n", WSTOPSIG(cs),
                   event_name(cs >> 16), cs, si.si_signo, si.si_code);
            show("  cont", ptrace(PTRACE_CONT, c, 0, 0));
            waitpid(c, &cs, __WALL);
            ptrace(PTRACE_GETEVENTMSG, c, 0, &msg);
            printf("  its child: event %s, message 0x%lx\n", event_name(cs >> 16), msg);
            show("  detach with a bad signal", ptrace(PTRACE_DETACH, c, 0, 1000));
            show("  detach", ptrace(PTRACE_DETACH, c, 0, 0));
        } else {
            printf("seized: sig %d event %s, message 0x%lx\n", sig, event_name(event), msg);
        }
        ptrace(PTRACE_CONT, pid, 0, 0);
    }
    printf("seized: SIGCHLD stops %d, exited %d\n", sigchld, WEXITSTATUS(st));
    close(go);
}

static void attach_sigstop(void) {
    int go;
    pid_t pid = fork_held(&go);
    if (pid == 0) _exit(9);
    show("attach", ptrace(PTRACE_ATTACH, pid, 0, 0));
    int st = 0;
    waitpid(pid, &st, 0);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
    printf("attach stop: sig %d event %d, siginfo %d/0x%x pid %d\n", WSTOPSIG(st), st >> 16,
           si.si_signo, si.si_code, si.si_pid);
    show("geteventmsg to a bad pointer", ptrace(PTRACE_GETEVENTMSG, pid, 0, (void*)8));
    show("getsiginfo to a bad pointer", ptrace(PTRACE_GETSIGINFO, pid, 0, (void*)8));
    show("detach", ptrace(PTRACE_DETACH, pid, 0, 0));
    struct user_regs_struct r;
    show("getregs after detach", ptrace(PTRACE_GETREGS, pid, 0, &r));
    write(go, "g", 1);
    waitpid(pid, &st, 0);
    printf("attached child: exited %d\n", WEXITSTATUS(st));
    close(go);
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "exec-child") == 0) {
        syscall(SYS_getpid);
        syscall(SYS_exit_group, 5);
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    (void)argv;
    follow_child("./proc_ptrace_events"); /* in the root both runs share */
    seized();
    exitkill();
    seized_fork();
    attach_sigstop();
    show("attach to ourselves", ptrace(PTRACE_ATTACH, getpid(), 0, 0));
    show("peek a process we do not trace", ptrace(PTRACE_PEEKDATA, 1, 0, 0));
    return 0;
}
