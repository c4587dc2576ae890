/* The root cannot be left, and nothing in it can be written. Run under
 * --root tests/native/root; the expected output is what Linux gives a
 * process chrooted there on a read-only mount (tests/native/expected). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char *what, long r)
{
    printf("%-40s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
    errno = 0;
}

static void cat(const char *path)
{
    char buf[128];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        show(path, fd);
        return;
    }
    long n = read(fd, buf, sizeof buf);
    printf("%-40s : %.*s", path, (int)(n > 0 ? n : 0), buf);
    close(fd);
}

#define SYS(what, ...) show(what, syscall(__VA_ARGS__))

int main(void)
{
    cat("../../etc/passwd");
    cat("/../../../hello.txt");
    cat("/etc/passwd");
    cat("link_abs");
    cat("link_abs_passwd");
    cat("link_escape");
    cat("/proc/self/root/etc/passwd");
    cat("/proc/self/exe");
    cat("sub/up/sub/up/hello.txt");
    cat("sub/up/up/hello.txt");
    struct stat root, parent;
    stat("/", &root);
    stat("/..", &parent);
    printf("/.. is /: %d\n", root.st_ino == parent.st_ino && root.st_dev == parent.st_dev);
    char cwd[64];
    show("getcwd", syscall(SYS_getcwd, cwd, sizeof cwd));
    printf("cwd \"%s\"\n", cwd);

    SYS("open new.txt O_WRONLY|O_CREAT", SYS_open, "new.txt", O_WRONLY | O_CREAT, 0644);
    SYS("open new.txt O_RDONLY|O_CREAT", SYS_open, "new.txt", O_RDONLY | O_CREAT, 0644);
    SYS("open missing/new.txt O_CREAT", SYS_open, "missing/new.txt", O_WRONLY | O_CREAT, 0644);
    SYS("open hello.txt O_WRONLY", SYS_open, "hello.txt", O_WRONLY);
    SYS("open hello.txt O_RDWR", SYS_open, "hello.txt", O_RDWR);
    SYS("open hello.txt O_RDONLY|O_TRUNC", SYS_open, "hello.txt", O_RDONLY | O_TRUNC);
    SYS("open hello.txt O_CREAT|O_EXCL", SYS_open, "hello.txt", O_WRONLY | O_CREAT | O_EXCL, 0644);
    SYS("open sub O_WRONLY", SYS_open, "sub", O_WRONLY);
    SYS("access hello.txt W_OK", SYS_access, "hello.txt", W_OK);
    SYS("creat new.txt", SYS_creat, "new.txt", 0644);
    int null = open("/dev/null", O_WRONLY);
    show("open /dev/null O_WRONLY", null >= 0 ? 0 : null);
    SYS("write 5 bytes to /dev/null", SYS_write, null, "hello", 5);
    return 0;
}
