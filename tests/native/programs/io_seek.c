/* lseek and pread64 on a file: every whence, reads after each, pread not
 * moving the offset, reads past the end, and the errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static void show(const char *what, long r)
{
    printf("%-28s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static void read_at(int fd, const char *what)
{
    char buf[16] = {0};
    long n = read(fd, buf, 12);
    printf("%-28s = %ld \"%.*s\"\n", what, n, n > 0 ? (int)n : 0, buf);
}

int main(void)
{
    int fd = open("numbers.txt", O_RDONLY);
    show("open", fd);
    struct stat st;
    show("fstat", fstat(fd, &st));
    printf("size %lld, regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    struct stat st2;
    show("stat", stat("numbers.txt", &st2));
    printf("stat and fstat agree: %d\n", st.st_ino == st2.st_ino && st.st_size == st2.st_size);
    read_at(fd, "read at 0");
    show("lseek(100, SET)", lseek(fd, 100, SEEK_SET));
    read_at(fd, "read at 100");
    show("lseek(-20, CUR)", lseek(fd, -20, SEEK_CUR));
    read_at(fd, "read at 92");
    show("lseek(-10, END)", lseek(fd, -10, SEEK_END));
    read_at(fd, "read at end-10");
    read_at(fd, "read at end");
    show("lseek(10, END)", lseek(fd, 10, SEEK_END));
    read_at(fd, "read past end");
    show("lseek(-1, SET)", lseek(fd, -1, SEEK_SET));
    show("lseek(0, 7)", lseek(fd, 0, 7));
    show("lseek(0, CUR)", lseek(fd, 0, SEEK_CUR));
    show("lseek(5, SEEK_DATA)", lseek(fd, 5, SEEK_DATA));
    show("lseek(5, SEEK_HOLE)", lseek(fd, 5, SEEK_HOLE));
    show("lseek(7000, SEEK_DATA)", lseek(fd, 7000, SEEK_DATA));
    show("lseek(0, SET)", lseek(fd, 0, SEEK_SET));
    char buf[64] = {0};
    long n = pread(fd, buf, 20, 3100);
    printf("%-28s = %ld \"%.*s\"\n", "pread(20 at 3100)", n, (int)n, buf);
    show("offset after pread", lseek(fd, 0, SEEK_CUR));
    show("pread past end", pread(fd, buf, 20, 100000));
    show("pread at -1", pread(fd, buf, 20, -1));
    char a[5] = {0}, b[7] = {0};
    struct iovec iov[2] = {{a, 4}, {b, 6}};
    n = readv(fd, iov, 2);
    printf("%-28s = %ld \"%s\" \"%s\"\n", "readv(4, 6)", n, a, b);
    show("offset after readv", lseek(fd, 0, SEEK_CUR));
    show("close", close(fd));
    show("lseek on closed fd", lseek(fd, 0, SEEK_SET));
    int dir = open("sub", O_RDONLY);
    show("open dir", dir);
    show("lseek dir (0, SET)", lseek(dir, 0, SEEK_SET));
    show("read dir", read(dir, buf, 10));
    show("pread dir", pread(dir, buf, 10, 0));
    return 0;
}
