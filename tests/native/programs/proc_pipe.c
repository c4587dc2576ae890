/* A producer/consumer over a pipe between fork'd processes: the child
 * writes numbered lines in several writes (some larger than the pipe
 * holds), the parent reads until end of file and checks them; then
 * pipe2 flags, EPIPE and SIGPIPE with no reader, O_NONBLOCK's EAGAIN,
 * poll on both ends, dup2 of a pipe onto stdout. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINES 2000

int main(void)
{
    int fd[2];
    if (pipe(fd)) {
        printf("pipe: %s\n", strerror(errno));
        return 1;
    }
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        close(fd[0]);
        char line[64];
        for (int i = 0; i < LINES; i++) {
            int n = snprintf(line, sizeof(line), "line %d of the producer\n", i);
            if (write(fd[1], line, (size_t)n) != n)
                _exit(1);
        }
        static char big[100000];
        memset(big, 'x', sizeof(big));
        if (write(fd[1], big, sizeof(big)) != (ssize_t)sizeof(big))
            _exit(2);
        _exit(0);
    }
    close(fd[1]);
    static char buf[300000];
    size_t total = 0;
    ssize_t n;
    while ((n = read(fd[0], buf + total, 4096)) > 0)
        total += (size_t)n;
    close(fd[0]);
    int st;
    waitpid(p, &st, 0);
    int lines = 0, ok = 1;
    char *s = buf;
    for (int i = 0; i < LINES; i++) {
        char want[64];
        int len = snprintf(want, sizeof(want), "line %d of the producer\n", i);
        if (strncmp(s, want, (size_t)len))
            ok = 0;
        s += len;
        lines++;
    }
    size_t xs = 0;
    while (s < buf + total && *s == 'x') {
        s++;
        xs++;
    }
    printf("read %zu bytes, %d lines in order: %s, %zu x's, child status %d\n", total, lines,
           ok ? "yes" : "no", xs, WEXITSTATUS(st));

    /* No reader: EPIPE, and SIGPIPE (ignored here, so it does not kill). */
    signal(SIGPIPE, SIG_IGN);
    pipe(fd);
    close(fd[0]);
    int r = (int)write(fd[1], "a", 1);
    printf("write with no reader: %d %s\n", r, strerror(errno));
    close(fd[1]);

    /* pipe2 flags. */
    r = pipe2(fd, 0x1);
    printf("pipe2 bad flags: %d %s\n", r, strerror(errno));
    pipe2(fd, O_NONBLOCK | O_CLOEXEC);
    r = (int)read(fd[0], buf, 1);
    printf("nonblocking read of an empty pipe: %d %s\n", r, strerror(errno));
    printf("FD_CLOEXEC set: %s, O_NONBLOCK in F_GETFL: %s\n",
           fcntl(fd[0], F_GETFD) == FD_CLOEXEC ? "yes" : "no",
           (fcntl(fd[1], F_GETFL) & O_NONBLOCK) ? "yes" : "no");
    struct pollfd pf[2] = {{fd[0], POLLIN, 0}, {fd[1], POLLOUT, 0}};
    r = poll(pf, 2, 0);
    printf("poll: %d, read end 0x%x, write end 0x%x\n", r, pf[0].revents, pf[1].revents);
    write(fd[1], "z", 1);
    r = poll(pf, 1, 0);
    printf("poll after a write: %d, read end 0x%x\n", r, pf[0].revents);
    close(fd[1]);
    pf[0].revents = 0;
    poll(pf, 1, 0);
    printf("poll after the writer closed: read end 0x%x\n", pf[0].revents);
    close(fd[0]);
    r = (int)read(fd[0], buf, 1);
    printf("read from a closed fd: %d %s\n", r, strerror(errno));
    struct pollfd bad = {fd[0], POLLIN, 0};
    r = poll(&bad, 1, 0);
    printf("poll of a closed fd: %d revents 0x%x\n", r, bad.revents);
    pipe(fd);
    r = (int)lseek(fd[0], 0, SEEK_SET);
    printf("lseek on a pipe: %d %s\n", r, strerror(errno));

    /* The child's stdout is the pipe: the parent reads what it printed. */
    fflush(stdout);
    p = fork();
    if (p == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        printf("through the pipe\n");
        return 0;
    }
    close(fd[1]);
    n = read(fd[0], buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    waitpid(p, &st, 0);
    printf("from the child's stdout: %s", buf);
    return 0;
}
