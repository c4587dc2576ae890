/* exec in a process of several threads, and handlers shared by processes.
 * A thread that is not the leader execs: the other threads end, it takes
 * the process's pid, and keeps its mask, the process's pending signal and
 * the ignored signals. The leader execs with another thread alive: that
 * thread ends. A thread's failed exec ends nobody. clone with
 * CLONE_SIGHAND but not CLONE_THREAD shares the handler table (a change
 * by the child is the parent's); without CLONE_SIGHAND it is a copy; an
 * exec in a process that shares it gets a table of its own. The errors:
 * CLONE_SIGHAND without CLONE_VM, CLONE_THREAD without CLONE_SIGHAND.
 * Last a thread of the program's own process execs, which then ends with
 * the new image's status. The program execs itself (./sig_exec) with a
 * word saying what to check. */
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

static long tid(void) {
    return syscall(SYS_gettid);
}

static long tgkill0(long pid, long t) {
    errno = 0;
    return syscall(SYS_tgkill, pid, t, 0);
}

static void* sleeper(void* arg) {
    *(volatile long*)arg = tid();
    for (;;) pause();
    return NULL;
}

static long start_sleeper(void) {
    static volatile long t[4];
    static int n;
    volatile long* slot = &t[n++];
    pthread_t th;
    pthread_create(&th, NULL, sleeper, (void*)slot);
    while (!*slot) sched_yield();
    return *slot;
}

static void on_usr1(int sig) {
    (void)sig;
}

/* ---- after an exec ---- */

static int after_thread_exec(char** argv) {
    long pid = atol(argv[2]), ppid = atol(argv[3]), old_tid = atol(argv[4]), other = atol(argv[5]);
    printf("after: pid is the process's %s, tid is the pid %s, parent the same %s\n",
           yes(getpid() == pid), yes(tid() == getpid()), yes(getppid() == ppid));
    show("after: tgkill(the exec'ing thread's old tid)", tgkill0(pid, old_tid));
    show("after: tgkill(the other thread)", tgkill0(pid, other));
    sigset_t pending, mask;
    sigpending(&pending);
    sigprocmask(SIG_BLOCK, NULL, &mask);
    printf("after: SIGUSR2 blocked %s, pending %s\n", yes(sigismember(&mask, SIGUSR2)),
           yes(sigismember(&pending, SIGUSR2)));
    struct sigaction term, usr1;
    sigaction(SIGTERM, NULL, &term);
    sigaction(SIGUSR1, NULL, &usr1);
    printf("after: SIGTERM ignored %s, SIGUSR1 default %s\n", yes(term.sa_handler == SIG_IGN),
           yes(usr1.sa_handler == SIG_DFL));
    return 7;
}

static int after_leader_exec(char** argv) {
    long pid = atol(argv[2]), other = atol(argv[3]);
    printf("after the leader's exec: pid the same %s\n", yes(getpid() == pid));
    show("after the leader's exec: tgkill(the other thread)", tgkill0(pid, other));
    return 8;
}

static int after_shared_exec(void) {
    struct sigaction usr1;
    sigaction(SIGUSR1, NULL, &usr1);
    printf("exec'd sharer: SIGUSR1 default %s\n", yes(usr1.sa_handler == SIG_DFL));
    return 0;
}

/* ---- exec with threads ---- */

static char arg_buf[5][24];
static char* exec_args[8];

static void exec_self(const char* what, long a, long b, long c, long d) {
    long v[4] = {a, b, c, d};
    exec_args[0] = "sig_exec";
    exec_args[1] = (char*)what;
    for (int i = 0; i < 4; i++) {
        snprintf(arg_buf[i], sizeof(arg_buf[i]), "%ld", v[i]);
        exec_args[i + 2] = arg_buf[i];
    }
    exec_args[6] = NULL;
    execv("./sig_exec", exec_args);
    printf("execv: errno %d\n", errno);
    _exit(99);
}

static long other_tid;
static void* exec_from_thread(void* arg) {
    (void)arg;
    kill(getpid(), SIGUSR2); /* everyone blocks it: the process's queue keeps it */
    exec_self("after", getpid(), getppid(), tid(), other_tid);
    return NULL;
}

static void wait_child(const char* what, pid_t child) {
    int st;
    pid_t w = waitpid(child, &st, 0);
    printf("%s: waited for the child %s; ", what, yes(w == child));
    show_status("it", st);
}

static void thread_execs(void) {
    pid_t child = fork();
    if (child == 0) {
        signal(SIGTERM, SIG_IGN);
        signal(SIGUSR1, on_usr1);
        sigset_t usr2;
        sigemptyset(&usr2);
        sigaddset(&usr2, SIGUSR2);
        sigprocmask(SIG_BLOCK, &usr2, NULL);
        other_tid = start_sleeper();
        pthread_t th;
        pthread_create(&th, NULL, exec_from_thread, NULL);
        pthread_join(th, NULL); /* ended by the exec */
        _exit(98);
    }
    wait_child("a thread's exec", child);
}

static void leader_execs(void) {
    pid_t child = fork();
    if (child == 0) {
        long other = start_sleeper();
        exec_self("after-leader", getpid(), other, 0, 0);
    }
    wait_child("the leader's exec", child);
}

static void* failing_exec(void* arg) {
    char* args[] = {"nothing", NULL};
    errno = 0;
    long r = execv("./no_such_program", args);
    *(int*)arg = r == -1 ? errno : 0;
    return NULL;
}

static void failed_exec(void) {
    pid_t child = fork();
    if (child == 0) {
        long other = start_sleeper();
        int err = 0;
        pthread_t th;
        pthread_create(&th, NULL, failing_exec, &err);
        pthread_join(th, NULL);
        printf("a thread's failed exec: errno %d\n", err);
        show("then tgkill(the other thread)", tgkill0(getpid(), other));
        exit(0);
    }
    wait_child("a failed exec", child);
}

/* ---- handlers shared by two processes ---- */

static char child_stack[65536] __attribute__((aligned(16)));
static volatile int b_ran;
static void handler_a(int sig) {
    (void)sig;
}
static void handler_b(int sig) {
    (void)sig;
    b_ran++;
}

static int change_handlers(void* arg) {
    (void)arg;
    signal(SIGUSR1, handler_b);
    signal(SIGURG, SIG_IGN);
    return 0;
}

static void clone_and_look(const char* what, int flags) {
    signal(SIGUSR1, handler_a);
    signal(SIGURG, SIG_DFL);
    pid_t child = clone(change_handlers, child_stack + sizeof(child_stack), flags | SIGCHLD, NULL);
    int st;
    pid_t w = waitpid(child, &st, 0);
    struct sigaction usr1, urg;
    sigaction(SIGUSR1, NULL, &usr1);
    sigaction(SIGURG, NULL, &urg);
    b_ran = 0;
    raise(SIGUSR1);
    printf("%s: child waited %s, parent has its handler %s, its SIG_IGN %s, the handler ran %d\n",
           what, yes(w == child), yes(usr1.sa_handler == handler_b), yes(urg.sa_handler == SIG_IGN),
           b_ran);
}

static int exec_sharer(void* arg) {
    (void)arg;
    char* args[] = {"sig_exec", "shared", NULL};
    execv("./sig_exec", args);
    _exit(97);
}

static void sharer_execs(void) {
    signal(SIGUSR1, handler_a);
    pid_t child = clone(exec_sharer, child_stack + sizeof(child_stack),
                        CLONE_VM | CLONE_SIGHAND | CLONE_VFORK | SIGCHLD, NULL);
    int st;
    waitpid(child, &st, 0);
    struct sigaction usr1;
    sigaction(SIGUSR1, NULL, &usr1);
    printf("after the sharer's exec: parent keeps its handler %s; ",
           yes(usr1.sa_handler == handler_a));
    show_status("the sharer", st);
}

/* Last, the program's own process: a thread execs, the machine's first
 * process goes on as that thread and ends with its status. */
static void* final_exec(void* arg) {
    (void)arg;
    exec_self("final", getpid(), 0, 0, 0);
    return NULL;
}

static int after_final_exec(char** argv) {
    printf("final: pid the same %s, tid is the pid %s\n", yes(getpid() == atol(argv[2])),
           yes(tid() == getpid()));
    return 5;
}

static void clone_errors(void) {
    errno = 0;
    show("clone(CLONE_SIGHAND)", syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0));
    errno = 0;
    show("clone(CLONE_VM|CLONE_THREAD)", syscall(SYS_clone, CLONE_VM | CLONE_THREAD, 0, 0, 0, 0));
    errno = 0;
    show("clone(CLONE_THREAD|CLONE_SIGHAND)",
         syscall(SYS_clone, CLONE_THREAD | CLONE_SIGHAND, 0, 0, 0, 0));
}

int main(int argc, char** argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc >= 6 && !strcmp(argv[1], "after")) return after_thread_exec(argv);
    if (argc >= 4 && !strcmp(argv[1], "after-leader")) return after_leader_exec(argv);
    if (argc >= 2 && !strcmp(argv[1], "shared")) return after_shared_exec();
    if (argc >= 3 && !strcmp(argv[1], "final")) return after_final_exec(argv);
    thread_execs();
    leader_execs();
    failed_exec();
    clone_and_look("CLONE_VM|CLONE_SIGHAND", CLONE_VM | CLONE_SIGHAND);
    clone_and_look("CLONE_VM", CLONE_VM);
    sharer_execs();
    clone_errors();
    start_sleeper();
    pthread_t th;
    pthread_create(&th, NULL, final_exec, NULL);
    pthread_join(th, NULL);
    return 0;
}
