/* Process groups and sessions: setpgid, getpgid, getpgrp, setsid and
 * getsid with their errors; kill(0), kill(-pgid), wait4(-pgid), wait4(0)
 * and waitid(P_PGID) choosing by group; SIGTSTP doing nothing in an
 * orphaned group and stopping in one that is not; and the SIGHUP and
 * SIGCONT a group gets when it becomes orphaned with a member stopped.
 * The tests run in a child that starts a session of its own, so that
 * where the program itself runs (a shell's job, pid 1) does not matter.
 * Ids are printed as relations. It execs itself from its root
 * ("./proc_pgrp waiter FD"). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "show.h"

#define NO_SUCH_PID 2147483647

/* A child that waits until its pipe closes, then exits with `code`. */
static pid_t waiter(int code, int* release) {
    int fds[2];
    if (pipe(fds)) exit(90);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(fds[1]);
        while (read(fds[0], &c, 1) > 0) {
        }
        _exit(code);
    }
    close(fds[0]);
    *release = fds[1];
    return pid;
}

static volatile pid_t thread_tid;
static int thread_pipe[2];

static void* thread_fn(void* arg) {
    char c;
    (void)arg;
    thread_tid = (pid_t)syscall(SYS_gettid);
    read(thread_pipe[0], &c, 1);
    return 0;
}

static void ids(void) {
    printf("getpgrp is getpgid(0): %s\n", yes(getpgrp() == getpgid(0)));
    printf("getpgid(self) is getpgid(0): %s\n", yes(getpgid(getpid()) == getpgid(0)));
    printf("getsid(self) is getsid(0): %s\n", yes(getsid(getpid()) == getsid(0)));
    show("getpgid(no such pid)", getpgid(NO_SUCH_PID));
    show("getsid(no such pid)", getsid(NO_SUCH_PID));
    show("setpgid(0, -1)", setpgid(0, -1));
    show("setpgid(no such pid, 0)", setpgid(NO_SUCH_PID, 0));
}

static void session(void) {
    pid_t me = getpid();
    pid_t sid = setsid();
    printf("setsid returns the pid: %s\n", yes(sid == me));
    printf("session and group are the pid: %s %s\n", yes(getsid(0) == me), yes(getpgrp() == me));
    printf("parent in another session: %s\n", yes(getsid(getppid()) != me));
    show("setsid again", setsid());
    show("setpgid(0, 0) as session leader", setpgid(0, 0));
    show("setpgid(parent, 0)", setpgid(getppid(), 0));
    show("getsid(parent) fails", getsid(getppid()) < 0 ? -1 : 0);

    /* A thread is no process: setpgid wants a leader; getpgid and getsid
     * take any thread. */
    pthread_t th;
    if (pipe(thread_pipe)) exit(95);
    pthread_create(&th, 0, thread_fn, 0);
    while (!thread_tid) sched_yield();
    show("setpgid(thread, 0)", setpgid(thread_tid, 0));
    printf("getpgid(thread), getsid(thread) are ours: %s %s\n", yes(getpgid(thread_tid) == me),
           yes(getsid(thread_tid) == me));
    close(thread_pipe[1]);
    pthread_join(th, 0);
    close(thread_pipe[0]);
}

static void setpgid_cases(void) {
    pid_t me = getpid();
    int rel1, rel2;
    pid_t g1 = waiter(0, &rel1);
    printf("child in our group and session: %s %s\n", yes(getpgid(g1) == me),
           yes(getsid(g1) == me));
    show("setpgid(child, child)", setpgid(g1, g1));
    printf("child leads its group: %s\n", yes(getpgid(g1) == g1));
    show("setpgid(child, no such group)", setpgid(g1, NO_SUCH_PID));
    show("setpgid(child, parent's group)", setpgid(g1, getpgid(getppid())));
    show("setpgid(child, our group)", setpgid(g1, me));
    printf("child back in our group: %s\n", yes(getpgid(g1) == me));
    show("setpgid(child, 0)", setpgid(g1, 0));
    /* We may join the child's group, and go back to ours? No: we lead the
     * session. */
    show("setpgid(0, child's group)", setpgid(0, g1));

    /* A second member of g1's group. */
    pid_t g2 = waiter(0, &rel2);
    show("setpgid(second, child's group)", setpgid(g2, g1));
    printf("second in child's group: %s\n", yes(getpgid(g2) == g1));
    show("kill(-group, 0)", kill(-g1, 0));
    show("kill(-group, bad signal)", kill(-g1, 1000));
    show("kill(-no such group, 0)", kill(-NO_SUCH_PID, 0));
    show("wait4(-group, WNOHANG)", waitpid(-g1, 0, WNOHANG));
    show("kill(-group, SIGTERM)", kill(-g1, SIGTERM));
    int st, found = 0;
    for (int i = 0; i < 2; i++) {
        pid_t w = waitpid(-g1, &st, 0);
        found += w == g1 ? 1 : w == g2 ? 2 : 100;
        show_status("wait4(-group)", st);
    }
    printf("both members reaped: %s\n", yes(found == 3));
    show("wait4(-group) when empty", waitpid(-g1, &st, 0));
    show("kill(-group) when empty", kill(-g1, SIGTERM));
    close(rel1);
    close(rel2);
}

/* A child in another session: its parent may not move it. */
static void other_session(void) {
    int ready[2], rel[2];
    if (pipe(ready) || pipe(rel)) exit(91);
    pid_t c = fork();
    if (c == 0) {
        char x;
        close(ready[0]);
        close(rel[1]);
        setsid();
        write(ready[1], "s", 1);
        read(rel[0], &x, 1);
        _exit(3);
    }
    char x;
    close(ready[1]);
    close(rel[0]);
    read(ready[0], &x, 1);
    printf("child's session is its own: %s\n", yes(getsid(c) == c));
    show("setpgid(child in another session, child)", setpgid(c, c));
    show("setpgid(child in another session, 0)", setpgid(c, 0));
    close(rel[1]);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    long r = waitid(P_PGID, c, &si, WEXITED);
    printf("waitid(P_PGID, group): %ld pid is child %s status %d\n", r, yes(si.si_pid == c),
           si.si_status);
    close(ready[0]);
}

/* A child that has exec'd: setpgid says EACCES. */
static void after_exec(void) {
    int fds[2];
    if (pipe(fds)) exit(92);
    pid_t c = fork();
    if (c == 0) {
        char arg[16];
        snprintf(arg, sizeof(arg), "%d", fds[1]);
        close(fds[0]);
        char* args[] = {"proc_pgrp", "waiter", arg, NULL};
        execv("./proc_pgrp", args);
        _exit(127);
    }
    close(fds[1]);
    char x;
    long n = read(fds[0], &x, 1); /* the new program says it runs */
    printf("exec'd child ready: %ld\n", n);
    show("setpgid(exec'd child, 0)", setpgid(c, 0));
    show("getpgid(exec'd child) is ours", getpgid(c) == getpid() ? 0 : -1);
    kill(c, SIGKILL);
    int st;
    waitpid(c, &st, 0);
    show_status("exec'd child", st);
    close(fds[0]);
}

static volatile sig_atomic_t usr1;
static void on_usr1(int sig) {
    (void)sig;
    usr1++;
}
static void on_usr1_exit(int sig) {
    (void)sig;
    _exit(7);
}

/* kill(0): our group, ourselves among it; wait4(0) and waitid(P_PGID, 0)
 * take a child of our group only. */
static void own_group(void) {
    int ready[2], rel;
    signal(SIGUSR1, on_usr1);
    pid_t other = waiter(4, &rel);
    setpgid(other, other);
    if (pipe(ready)) exit(93);
    pid_t c = fork();
    if (c == 0) {
        signal(SIGUSR1, on_usr1_exit);
        write(ready[1], "r", 1);
        for (;;) pause();
    }
    char x;
    read(ready[0], &x, 1);
    show("kill(0, SIGUSR1)", kill(0, SIGUSR1));
    printf("we took it too: %d\n", (int)usr1);
    int st;
    pid_t w = waitpid(0, &st, 0);
    printf("wait4(0) found the child of our group: %s\n", yes(w == c));
    show_status("wait4(0)", st);
    show("wait4(0, WNOHANG) with a child elsewhere", waitpid(0, &st, WNOHANG));
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    show("waitid(P_PGID, 0, WNOHANG)", waitid(P_PGID, 0, &si, WEXITED | WNOHANG));
    show("waitid(P_PGID, -1)", waitid(P_PGID, -1, &si, WEXITED));
    close(rel);
    memset(&si, 0, sizeof(si));
    show("waitid(P_PGID, other group)", waitid(P_PGID, other, &si, WEXITED));
    printf("it was the other child: %s status %d\n", yes(si.si_pid == other), si.si_status);
    signal(SIGUSR1, SIG_DFL);
    close(ready[0]);
    close(ready[1]);
}

static int report_fd;
static void report(const char* s) {
    write(report_fd, s, strlen(s));
}
static volatile sig_atomic_t hups;
static void on_hup(int sig) {
    (void)sig;
    hups++;
}

/* A process (h) and its child (h2), which stops itself with SIGTSTP in a
 * group that has a link, the group of h, or with h_leads false its own
 * one, with h its link in our group; then h ends. Either way the group of
 * h2 is left orphaned with h2 stopped: it gets SIGHUP and SIGCONT (on the
 * end of its group's link, or on its parent's). Their reports come
 * through a pipe, in the order they happen. */
static void orphaned_by_exit(int h_leads) {
    int rep[2];
    if (pipe(rep)) exit(94);
    pid_t h = fork();
    if (h == 0) {
        close(rep[0]);
        report_fd = rep[1];
        if (h_leads) setpgid(0, 0);
        pid_t h2 = fork();
        if (h2 == 0) {
            signal(SIGHUP, on_hup);
            if (!h_leads) setpgid(0, 0);
            raise(SIGTSTP); /* a group with a link: this stops */
            char buf[96];
            snprintf(buf, sizeof(buf), "member: resumed, SIGHUP taken %d\n", (int)hups);
            report(buf);
            raise(SIGTSTP); /* the group is orphaned now: nothing */
            report("member: SIGTSTP in the orphaned group: still running\n");
            _exit(0);
        }
        if (!h_leads) setpgid(h2, h2);
        int st;
        waitpid(h2, &st, WUNTRACED);
        char buf[96];
        snprintf(buf, sizeof(buf), "%s: member stopped by %d\n", h_leads ? "leader" : "parent",
                 WIFSTOPPED(st) ? WSTOPSIG(st) : -1);
        report(buf);
        _exit(0); /* the member's only link goes */
    }
    if (h_leads) setpgid(h, h);
    close(rep[1]);
    char buf[512];
    size_t len = 0;
    long n;
    while ((n = read(rep[0], buf + len, sizeof(buf) - 1 - len)) > 0) len += (size_t)n;
    buf[len] = 0;
    fputs(buf, stdout);
    int st;
    waitpid(h, &st, 0);
    show_status(h_leads ? "leader" : "parent", st);
    close(rep[0]);
}

/* Job control in the groups: ours is orphaned (our parent is in another
 * session), so the stop signals other than SIGSTOP do nothing here. */
static void orphans(void) {
    raise(SIGTSTP);
    raise(SIGTTIN);
    raise(SIGTTOU);
    printf("SIGTSTP, SIGTTIN, SIGTTOU in our orphaned group: still running\n");
    orphaned_by_exit(1);
    hups = 0;
    orphaned_by_exit(0);
}

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "waiter") == 0) {
        int fd = atoi(argv[2]);
        write(fd, "x", 1);
        for (;;) pause();
    }
    setvbuf(stdout, 0, _IONBF, 0);
    ids();
    pid_t c = fork();
    if (c == 0) {
        session();
        setpgid_cases();
        other_session();
        after_exec();
        own_group();
        orphans();
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    show_status("tests", st);
    return 0;
}
