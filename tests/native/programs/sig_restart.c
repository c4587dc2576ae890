/* System calls that a signal interrupts while they sleep: read on an
 * empty pipe and wait4 (restarted after a SA_RESTART handler, EINTR
 * without it), pause (always EINTR), nanosleep (EINTR whatever SA_RESTART
 * says, with the time left in rem), and clock_nanosleep with an absolute
 * deadline. A child sends the signal once the parent sleeps (it sleeps
 * first itself), so each case ends the same way on every run. Then a
 * sleep that SIGSTOP and SIGCONT interrupt without a handler: it goes on
 * through restart_syscall and still ends at its first deadline; and
 * restart_syscall called directly. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
    (void)sig;
    handled++;
}

static void catch_usr1(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    handled = 0;
}

static void nap(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* A child that waits until the parent is asleep, signals it, and then
 * (if fd >= 0) writes one byte to the pipe. */
static pid_t poke_parent(int fd)
{
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        nap(100);
        kill(getppid(), SIGUSR1);
        if (fd >= 0) {
            nap(100);
            if (write(fd, "x", 1) != 1)
                _exit(1);
        }
        _exit(0);
    }
    return p;
}

static void reap(pid_t p)
{
    int st;
    while (waitpid(p, &st, 0) < 0 && errno == EINTR)
        ;
}

static void pipe_read(int flags, const char *name)
{
    int fd[2];
    if (pipe(fd))
        return;
    catch_usr1(flags);
    pid_t p = poke_parent(fd[1]);
    char c = 0;
    errno = 0;
    ssize_t n = read(fd[0], &c, 1);
    int e = errno;
    printf("read %s: %zd %s handled=%d byte=%c\n", name, n, n < 0 ? strerror(e) : "ok",
           (int)handled, n == 1 ? c : '-');
    reap(p);
    close(fd[0]);
    close(fd[1]);
}

static void wait_child(int flags, const char *name)
{
    catch_usr1(flags);
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        nap(100);
        kill(getppid(), SIGUSR1);
        nap(100);
        _exit(5);
    }
    int st = 0;
    errno = 0;
    pid_t r = waitpid(p, &st, 0);
    int e = errno;
    printf("wait4 %s: %s handled=%d", name, r == p ? "child" : strerror(e), (int)handled);
    if (r == p)
        printf(" status=%d", WEXITSTATUS(st));
    printf("\n");
    if (r != p)
        reap(p);
}

static void do_pause(int flags, const char *name)
{
    catch_usr1(flags);
    pid_t p = poke_parent(-1);
    errno = 0;
    int r = pause();
    int e = errno;
    printf("pause %s: %d %s handled=%d\n", name, r, strerror(e), (int)handled);
    reap(p);
}

static void do_nanosleep(int flags, const char *name)
{
    catch_usr1(flags);
    pid_t p = poke_parent(-1);
    struct timespec t = {10, 0}, rem = {-1, -1};
    errno = 0;
    int r = nanosleep(&t, &rem);
    int e = errno;
    printf("nanosleep %s: %d %s handled=%d rem %s\n", name, r, r ? strerror(e) : "ok", (int)handled,
           rem.tv_sec >= 8 && rem.tv_sec < 10 ? "8..10 s" : "wrong");
    reap(p);
}

static void abs_sleep(int flags, const char *name)
{
    catch_usr1(flags);
    pid_t p = poke_parent(-1);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    now.tv_sec += 10;
    int r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, NULL);
    printf("clock_nanosleep abs %s: %s handled=%d\n", name, r ? strerror(r) : "ok", (int)handled);
    reap(p);
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void stopped_sleep(void)
{
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        nap(100);
        kill(getppid(), SIGSTOP);
        nap(100);
        kill(getppid(), SIGCONT);
        _exit(0);
    }
    struct timespec t = {1, 0};
    double start = seconds();
    int r = nanosleep(&t, NULL);
    double took = seconds() - start;
    printf("nanosleep stopped: %d took %s\n", r, took >= 0.99 && took < 1.09 ? "1 s" : "wrong");
    reap(p);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    pipe_read(0, "plain");
    pipe_read(SA_RESTART, "SA_RESTART");
    wait_child(0, "plain");
    wait_child(SA_RESTART, "SA_RESTART");
    do_pause(0, "plain");
    do_pause(SA_RESTART, "SA_RESTART");
    do_nanosleep(0, "plain");
    do_nanosleep(SA_RESTART, "SA_RESTART");
    abs_sleep(0, "plain");
    abs_sleep(SA_RESTART, "SA_RESTART");
    /* A handler's rt_sigreturn left nothing to restart: EINTR. After
     * the stopped sleep, the finished sleep's rest is nothing: 0. */
    errno = 0;
    long r = syscall(SYS_restart_syscall);
    printf("restart_syscall after a handler: %ld %s\n", r, r ? strerror(errno) : "ok");
    stopped_sleep();
    r = syscall(SYS_restart_syscall);
    printf("restart_syscall after the stopped sleep: %ld\n", r);
    return 0;
}
