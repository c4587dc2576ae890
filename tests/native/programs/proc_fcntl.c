/* fcntl and dup on pipes, and a blocking read that a signal interrupts:
 * restarted after a SA_RESTART handler, EINTR after one without it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int handled;

static void on_usr1(int sig)
{
    (void)sig;
    handled++;
}

static void show(const char *what, long r)
{
    if (r < 0)
        printf("%-36s -1 %s\n", what, strerror(errno));
    else
        printf("%-36s %ld\n", what, r);
}

/* The child signals its parent (blocked in read), then writes a byte. */
static void interrupted_read(int restart)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sa.sa_flags = restart ? SA_RESTART : 0;
    sigaction(SIGUSR1, &sa, NULL);
    int fd[2];
    pipe(fd);
    handled = 0;
    pid_t parent = getpid();
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        close(fd[0]);
        usleep(20000);
        kill(parent, SIGUSR1);
        usleep(20000);
        write(fd[1], "R", 1);
        _exit(0);
    }
    close(fd[1]);
    char c = 0;
    long r = read(fd[0], &c, 1);
    int e = errno;
    printf("%s: read %ld %s, handler ran %d time(s)\n", restart ? "SA_RESTART" : "no SA_RESTART", r,
           r < 0 ? strerror(e) : (c == 'R' ? "got R" : "?"), handled);
    waitpid(p, NULL, 0);
    close(fd[0]);
}

int main(void)
{
    int fd[2];
    pipe(fd); /* 3, 4 */
    show("F_GETFD of a new pipe", fcntl(fd[0], F_GETFD));
    show("F_SETFD FD_CLOEXEC", fcntl(fd[0], F_SETFD, FD_CLOEXEC));
    show("F_GETFD after it", fcntl(fd[0], F_GETFD));
    show("F_GETFL of the read end", fcntl(fd[0], F_GETFL));
    show("F_GETFL of the write end", fcntl(fd[1], F_GETFL));
    show("F_SETFL O_NONBLOCK|O_APPEND", fcntl(fd[1], F_SETFL, O_NONBLOCK | O_APPEND));
    show("F_GETFL after it", fcntl(fd[1], F_GETFL));
    show("F_DUPFD from 10", fcntl(fd[0], F_DUPFD, 10));
    show("F_GETFD of the copy (flag dropped)", fcntl(10, F_GETFD));
    show("F_DUPFD_CLOEXEC from 10", fcntl(fd[0], F_DUPFD_CLOEXEC, 10));
    show("F_GETFD of that copy", fcntl(11, F_GETFD));
    show("F_DUPFD past the limit", fcntl(fd[0], F_DUPFD, 1 << 20));
    show("fcntl of a closed fd", fcntl(99, F_GETFD));
    show("unknown command", fcntl(fd[0], 9999));
    int copy = dup(fd[1]);
    show("dup", copy);
    show("dup2 onto itself", dup2(fd[1], fd[1]));
    show("dup2 of a closed fd", dup2(99, 20));
    show("dup2 onto 20", dup2(fd[1], 20));
    show("dup3 onto itself", dup3(fd[1], fd[1], 0));
    show("dup3 O_CLOEXEC onto 21", dup3(fd[1], 21, O_CLOEXEC));
    show("F_GETFD of 21", fcntl(21, F_GETFD));
    /* Every write end but one closed: the last still feeds the reader. */
    close(fd[1]);
    close(copy);
    close(20);
    write(21, "ok", 2);
    close(21);
    char buf[8] = {0};
    show("read through the copies", read(fd[0], buf, sizeof(buf)));
    show("then end of file", read(fd[0], buf, sizeof(buf)));

    interrupted_read(1);
    interrupted_read(0);
    return 0;
}
