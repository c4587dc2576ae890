/* The error numbers of the file calls: bad descriptors, bad pointers,
 * missing files, wrong types, and the descriptor limit. Relative paths,
 * so that Linux, started in the same directory, sees the same files. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define BAD ((void *)1)

static void show(const char *what, long r)
{
    printf("%-40s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
    errno = 0;
}

/* The raw system call: libc wrappers may check arguments themselves. */
#define SYS(what, ...) show(what, syscall(__VA_ARGS__))

int main(void)
{
    char buf[64];
    struct stat st;
    SYS("read(99)", SYS_read, 99, buf, 1);
    SYS("write(99)", SYS_write, 99, buf, 1);
    SYS("close(99)", SYS_close, 99);
    SYS("fstat(99)", SYS_fstat, 99, &st);
    SYS("lseek(99)", SYS_lseek, 99, 0, SEEK_SET);
    SYS("pread64(99)", SYS_pread64, 99, buf, 1, 0);
    SYS("getdents64(99)", SYS_getdents64, 99, buf, sizeof buf);
    SYS("read(-1)", SYS_read, -1, buf, 1);
    SYS("read(1), stdout is a write end", SYS_read, 1, buf, 1);

    int fd = open("hello.txt", O_RDONLY);
    show("open hello.txt", fd);
    SYS("read into a bad pointer", SYS_read, fd, BAD, 10);
    SYS("read into a kernel address", SYS_read, fd, 0xffffffff81000000UL, 10);
    SYS("pread64 into a bad pointer", SYS_pread64, fd, BAD, 10, 0);
    SYS("fstat to a bad pointer", SYS_fstat, fd, BAD);
    SYS("write to a read-only fd", SYS_write, fd, "x", 1);
    SYS("getdents64 of a file", SYS_getdents64, fd, buf, sizeof buf);
    SYS("read 0 bytes", SYS_read, fd, buf, 0);
    struct iovec bad_iov = {BAD, 5};
    SYS("readv into a bad pointer", SYS_readv, fd, &bad_iov, 1);
    SYS("readv with a bad vector", SYS_readv, fd, BAD, 1);
    SYS("readv with 1025 vectors", SYS_readv, fd, &bad_iov, 1025);

    SYS("open a bad pointer", SYS_open, BAD, O_RDONLY);
    SYS("open \"\"", SYS_open, "", O_RDONLY);
    SYS("open missing.txt", SYS_open, "missing.txt", O_RDONLY);
    SYS("open missing/x", SYS_open, "missing/x", O_RDONLY);
    SYS("open hello.txt/x", SYS_open, "hello.txt/x", O_RDONLY);
    SYS("open hello.txt/", SYS_open, "hello.txt/", O_RDONLY);
    SYS("open hello.txt O_DIRECTORY", SYS_open, "hello.txt", O_RDONLY | O_DIRECTORY);
    SYS("open loop", SYS_open, "loop", O_RDONLY);
    SYS("open link_rel O_NOFOLLOW", SYS_open, "link_rel", O_RDONLY | O_NOFOLLOW);
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    SYS("open a 299-byte name", SYS_open, longname, O_RDONLY);
    SYS("openat a bad dirfd", SYS_openat, 99, "hello.txt", O_RDONLY);
    SYS("openat a file as dirfd", SYS_openat, fd, "x", O_RDONLY);
    int sub = open("sub", O_RDONLY | O_DIRECTORY);
    show("open sub O_DIRECTORY", sub);
    SYS("openat(sub, inner.txt)", SYS_openat, sub, "inner.txt", O_RDONLY);
    SYS("openat(sub, up/hello.txt)", SYS_openat, sub, "up/hello.txt", O_RDONLY);
    SYS("read a directory", SYS_read, sub, buf, sizeof buf);

    SYS("stat missing.txt", SYS_stat, "missing.txt", &st);
    SYS("stat to a bad pointer", SYS_stat, "hello.txt", BAD);
    SYS("lstat link_rel", SYS_lstat, "link_rel", &st);
    printf("lstat link_rel is a link: %d, stat size %lld\n", S_ISLNK(st.st_mode),
           (long long)(stat("link_rel", &st), st.st_size));
    SYS("newfstatat AT_STATX_SYNC flags", SYS_newfstatat, AT_FDCWD, "hello.txt", &st, 0x4000);
    SYS("newfstatat bad flags", SYS_newfstatat, AT_FDCWD, "hello.txt", &st, 0x10000);
    SYS("newfstatat AT_EMPTY_PATH", SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH);
    printf("  size %lld\n", (long long)st.st_size);
    SYS("newfstatat \"\" without it", SYS_newfstatat, fd, "", &st, 0);

    SYS("readlink link_rel", SYS_readlink, "link_rel", buf, sizeof buf);
    SYS("readlink 4 bytes", SYS_readlink, "link_rel", buf, 4);
    printf("  \"%.4s\"\n", buf);
    SYS("readlink a file", SYS_readlink, "hello.txt", buf, sizeof buf);
    SYS("readlink missing", SYS_readlink, "missing", buf, sizeof buf);
    SYS("readlink bufsiz 0", SYS_readlink, "link_rel", buf, 0);
    SYS("readlinkat(sub, up)", SYS_readlinkat, sub, "up", buf, sizeof buf);

    SYS("access hello.txt R_OK", SYS_access, "hello.txt", R_OK);
    SYS("access missing F_OK", SYS_access, "missing", F_OK);
    SYS("access bad mode", SYS_access, "hello.txt", 0x10);
    SYS("faccessat(sub, inner.txt)", SYS_faccessat, sub, "inner.txt", R_OK);
    SYS("getcwd 1 byte", SYS_getcwd, buf, 1);
    SYS("getcwd to a bad pointer", SYS_getcwd, BAD, 64);

    SYS("close(fd)", SYS_close, fd);
    SYS("close(fd) again", SYS_close, fd);
    SYS("read a closed fd", SYS_read, fd, buf, 1);

    /* The descriptor limit: the usual soft limit, as the guest has it. */
    struct rlimit lim = {1024, 1024};
    setrlimit(RLIMIT_NOFILE, &lim);
    int opened = 0, last;
    while ((last = open("hello.txt", O_RDONLY)) >= 0)
        opened++;
    printf("opened %d more, then: %s\n", opened, strerror(errno));
    return 0;
}
