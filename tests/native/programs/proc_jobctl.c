/* Job control: SIGSTOP stops every thread of a process, its parent's
 * wait4 (WUNTRACED) and waitid (WSTOPPED) report the stop once, SIGCONT
 * resumes it and WCONTINUED reports that (0xffff, CLD_CONTINUED), each with
 * a SIGCHLD whose si_code and si_status say which; and with a tracer the
 * group stop shows as a stop of its own after the signal-delivery stop, a
 * seized tracee's as PTRACE_EVENT_STOP, which PTRACE_LISTEN leaves in
 * place until SIGCONT ends it. Pids are printed as relations. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

static void show(const char* what, long ret) {
    int e = errno;
    printf("%s: %ld errno %d\n", what, ret, ret == -1 ? e : 0);
}

static void nap(long ms) {
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, 0);
}

static siginfo_t chld_info;

static void on_sigchld(int sig, siginfo_t* si, void* uc) {
    (void)sig;
    (void)uc;
    chld_info = *si;
}

/* The SIGCHLD the parent has pending (blocked, so it waits): its code,
 * status and whether it names the child. It may come a little after the
 * wait that saw the change (a SIGCONT's is sent by the child on its way
 * out of the stop), so wait for it; then let the handler take it. */
static void take_sigchld(pid_t pid) {
    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    for (int i = 0; i < 2000; i++) {
        sigpending(&pending);
        if (sigismember(&pending, SIGCHLD)) break;
        nap(1);
    }
    memset(&chld_info, 0, sizeof(chld_info));
    sigprocmask(SIG_UNBLOCK, &set, 0);
    sigprocmask(SIG_BLOCK, &set, 0);
    printf("sigchld: %d code %d status %d pid is child %s\n", chld_info.si_signo, chld_info.si_code,
           chld_info.si_status, chld_info.si_pid == pid ? "yes" : "no");
}

static volatile unsigned long* counter; /* shared with the child: its thread counts */

static void* count_thread(void* arg) {
    (void)arg;
    for (;;) {
        ++*counter;
        nap(1);
    }
    return 0;
}

/* Wait until the counter moves from c (it runs), or give up. */
static int counter_moves_from(unsigned long c) {
    for (int i = 0; i < 2000; i++) {
        if (*counter != c) return 1;
        nap(1);
    }
    return 0;
}

/* ---- 1: wait4 and SIGCHLD ------------------------------------------------------- */

static void part_wait4(void) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t th;
        pthread_create(&th, 0, count_thread, 0);
        while (*counter < 3) nap(1);
        syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
        /* Back after SIGCONT: the thread counts again, on its own. */
        for (;;) nap(10);
    }
    int st = 0;
    long r = waitpid(pid, &st, WUNTRACED);
    printf("wait4 WUNTRACED: is child %s status %#x\n", r == pid ? "yes" : "no", st);
    take_sigchld(pid);
    unsigned long c = *counter;
    nap(50);
    printf("thread stopped too: %s\n", *counter == c ? "yes" : "no");
    st = 0;
    show("wait4 again (reported once)", waitpid(pid, &st, WUNTRACED | WNOHANG));
    show("wait4 WCONTINUED before SIGCONT", waitpid(pid, &st, WCONTINUED | WNOHANG));
    /* Another stop signal to a stopped process changes nothing. */
    kill(pid, SIGSTOP);
    nap(20);
    show("wait4 after a second SIGSTOP", waitpid(pid, &st, WUNTRACED | WNOHANG));
    kill(pid, SIGCONT);
    st = 0;
    r = waitpid(pid, &st, WCONTINUED);
    printf("wait4 WCONTINUED: is child %s status %#x continued %d\n", r == pid ? "yes" : "no", st,
           WIFCONTINUED(st));
    take_sigchld(pid);
    printf("thread runs again: %s\n", counter_moves_from(*counter) ? "yes" : "no");
    show("wait4 WCONTINUED again", waitpid(pid, &st, WCONTINUED | WNOHANG));
    /* SIGCONT to a process that is not stopped: nothing to report. */
    kill(pid, SIGCONT);
    nap(20);
    show("wait4 WCONTINUED, not stopped", waitpid(pid, &st, WCONTINUED | WNOHANG));
    /* Without WUNTRACED the stop is not reported; the kill is. */
    kill(pid, SIGSTOP);
    take_sigchld(pid);
    show("wait4 WNOHANG without WUNTRACED", waitpid(pid, &st, WNOHANG));
    kill(pid, SIGKILL);
    st = 0;
    r = waitpid(pid, &st, 0);
    printf("killed while stopped: status %#x\n", st);
    take_sigchld(pid);
}

/* ---- 2: waitid ------------------------------------------------------------------ */

static void part_waitid(void) {
    /* The child ends only when told to, after its SIGCONT's SIGCHLD has
     * been taken: the SIGCHLD of its end would merge with that one. */
    int go[2];
    if (pipe(go)) return;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(go[1]);
        syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
        if (read(go[0], &c, 1) != 1) syscall(SYS_exit_group, 1);
        syscall(SYS_exit_group, 9);
    }
    close(go[0]);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    long r = waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT);
    printf("waitid WSTOPPED|WNOWAIT: %ld code %d status %d\n", r, si.si_code, si.si_status);
    take_sigchld(pid);
    memset(&si, 0, sizeof(si));
    r = waitid(P_PID, pid, &si, WSTOPPED);
    printf("waitid WSTOPPED: %ld code %d status %d\n", r, si.si_code, si.si_status);
    memset(&si, 0, sizeof(si));
    r = waitid(P_PID, pid, &si, WSTOPPED | WNOHANG);
    printf("waitid again: %ld pid set %s\n", r, si.si_pid ? "yes" : "no");
    kill(pid, SIGCONT);
    memset(&si, 0, sizeof(si));
    r = waitid(P_PID, pid, &si, WCONTINUED);
    printf("waitid WCONTINUED: %ld code %d status %d\n", r, si.si_code, si.si_status);
    take_sigchld(pid);
    if (write(go[1], "x", 1) != 1) return;
    close(go[1]);
    memset(&si, 0, sizeof(si));
    r = waitid(P_PID, pid, &si, WEXITED);
    printf("waitid WEXITED: %ld code %d status %d\n", r, si.si_code, si.si_status);
    take_sigchld(pid);
}

/* ---- 3: a tracer sees the group stop ------------------------------------------- */

static void part_traced(void) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
        syscall(SYS_exit_group, 11);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    long r = ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
    printf("traced: signal stop %#x, getsiginfo %ld signo %d\n", st, r, si.si_signo);
    take_sigchld(pid);
    /* Resumed with the SIGSTOP: the group stop, a stop the tracer sees. */
    ptrace(PTRACE_CONT, pid, 0, SIGSTOP);
    st = 0;
    waitpid(pid, &st, 0);
    errno = 0;
    r = ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
    printf("traced: group stop %#x, getsiginfo %ld errno %d\n", st, r, errno);
    take_sigchld(pid);
    ptrace(PTRACE_CONT, pid, 0, 0);
    st = 0;
    waitpid(pid, &st, 0);
    printf("traced: end %#x\n", st);
    take_sigchld(pid);
}

/* Let go in the group stop: the child stays stopped, now in the stop of
 * its process, which its parent's wait reports; SIGCONT ends it. */
static void part_detached(void) {
    int st = 0;
    long r;
    int hold[2];
    if (pipe(hold)) return;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(hold[1]);
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
        ++*counter; /* it runs again */
        if (read(hold[0], &c, 1) != 1) syscall(SYS_exit_group, 1);
        syscall(SYS_exit_group, 13);
    }
    close(hold[0]);
    waitpid(pid, &st, 0);
    take_sigchld(pid);
    ptrace(PTRACE_CONT, pid, 0, SIGSTOP);
    st = 0;
    waitpid(pid, &st, 0);
    printf("detach: group stop %#x\n", st);
    take_sigchld(pid);
    unsigned long before = *counter;
    show("detach", ptrace(PTRACE_DETACH, pid, 0, 0));
    nap(50);
    printf("detach: still stopped %s\n", *counter == before ? "yes" : "no");
    st = 0;
    r = waitpid(pid, &st, WUNTRACED | WNOHANG);
    printf("detach: wait4 WUNTRACED is child %s status %#x\n", r == pid ? "yes" : "no", st);
    show("detach: wait4 again", waitpid(pid, &st, WUNTRACED | WNOHANG));
    kill(pid, SIGCONT);
    st = 0;
    r = waitpid(pid, &st, WCONTINUED);
    printf("detach: wait4 WCONTINUED status %#x, runs %s\n", st,
           counter_moves_from(before) ? "yes" : "no");
    take_sigchld(pid);
    if (write(hold[1], "x", 1) != 1) return;
    close(hold[1]);
    st = 0;
    waitpid(pid, &st, 0);
    printf("detach: end %#x\n", st);
    take_sigchld(pid);
}

/* Seized: the group stop is a PTRACE_EVENT_STOP with the stop signal;
 * LISTEN leaves it stopped, and SIGCONT's news traps it again. */
static void part_seized(void) {
    int st = 0;
    long r;
    siginfo_t si;
    pid_t pid;
    fflush(stdout);
    int go[2];
    if (pipe(go)) return;
    pid = fork();
    if (pid == 0) {
        char c;
        close(go[1]);
        if (read(go[0], &c, 1) != 1) syscall(SYS_exit_group, 1);
        syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
        syscall(SYS_exit_group, 12);
    }
    close(go[0]);
    show("seize", ptrace(PTRACE_SEIZE, pid, 0, 0));
    if (write(go[1], "x", 1) != 1) return;
    close(go[1]);
    st = 0;
    waitpid(pid, &st, 0);
    printf("seized: signal stop %#x\n", st);
    take_sigchld(pid);
    ptrace(PTRACE_CONT, pid, 0, SIGSTOP);
    st = 0;
    waitpid(pid, &st, 0);
    memset(&si, 0, sizeof(si));
    r = ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
    printf("seized: group stop %#x event %d sig %d, getsiginfo %ld signo %d code %#x\n", st,
           st >> 16, WSTOPSIG(st), r, si.si_signo, si.si_code);
    take_sigchld(pid);
    show("listen", ptrace(PTRACE_LISTEN, pid, 0, 0));
    nap(20);
    show("wait while listening", waitpid(pid, &st, WNOHANG));
    kill(pid, SIGCONT);
    st = 0;
    waitpid(pid, &st, 0);
    memset(&si, 0, sizeof(si));
    r = ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
    printf("seized: after SIGCONT %#x event %d sig %d, signo %d code %#x\n", st, st >> 16,
           WSTOPSIG(st), si.si_signo, si.si_code);
    take_sigchld(pid);
    ptrace(PTRACE_CONT, pid, 0, 0);
    st = 0;
    waitpid(pid, &st, 0);
    printf("seized: next %#x sig %d\n", st, WSTOPSIG(st));
    ptrace(PTRACE_CONT, pid, 0, 0);
    st = 0;
    waitpid(pid, &st, 0);
    printf("seized: end %#x\n", st);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    counter = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigchld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, 0);
    part_wait4();
    part_waitid();
    part_traced();
    part_detached();
    part_seized();
    return 0;
}
