/* execve: a forked child and a vfork'd child run this program again with
 * new arguments and environment; the parent reports how they ended. Then
 * exec's error cases, and a close-on-exec descriptor that the new program
 * must not have. Paths are relative: natively the run starts in the root,
 * in the guest the root is /. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void report(const char *what, int status)
{
    if (WIFEXITED(status))
        printf("%s: exited with %d\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s: killed by signal %d\n", what, WTERMSIG(status));
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child")) {
        printf("child argc %d:", argc);
        for (int i = 0; i < argc; i++)
            printf(" [%s]", argv[i]);
        printf("\n");
        for (char **e = environ; *e; e++)
            printf("child env %s\n", *e);
        if (argc > 3) {
            int r = fcntl(3, F_GETFD);
            printf("close-on-exec fd 3 after exec: %d %s\n", r, r < 0 ? strerror(errno) : "open");
            r = fcntl(4, F_GETFD);
            printf("plain fd 4 after exec: %s\n", r < 0 ? strerror(errno) : "open");
        }
        return 4;
    }
    char *args[] = {"proc_exec", "child", "two words", NULL};
    char *env[] = {"GREETING=hello", "EMPTY=", NULL};
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        execve("./proc_exec", args, env);
        _exit(100 + errno);
    }
    int st;
    waitpid(p, &st, 0);
    report("forked child", st);

    int fds[2];
    pipe2(fds, O_CLOEXEC); /* fds 3 and 4 */
    fcntl(fds[1], F_SETFD, 0);
    char *args2[] = {"again", "child", "x", "fds", NULL};
    fflush(stdout);
    p = vfork();
    if (p == 0) {
        execve("./proc_exec", args2, env);
        _exit(100 + errno);
    }
    waitpid(p, &st, 0);
    report("vfork child", st);

    const char *bad[] = {"./no-such-program", ".", "./hello.txt", "./sub/inner.txt"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int r = execve(bad[i], args, env);
        printf("execve %s: %d %s\n", bad[i], r, strerror(errno));
    }
    const char *volatile bad_ptr = (const char *)8;
    int r = execve(bad_ptr, args, env);
    printf("execve of a bad pointer: %d %s\n", r, strerror(errno));
    return 0;
}
