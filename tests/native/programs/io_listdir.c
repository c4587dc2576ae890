/* Lists directories with getdents64 (a small buffer, so it takes several
 * calls), sorted by name, with each entry's type. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct dent {
    unsigned long long ino;
    long long off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_raw(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        printf("%s: open: %s\n", path, strerror(errno));
        return;
    }
    static char storage[256][64];
    char *names[256];
    int count = 0, calls = 0;
    char buf[80];
    long n;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        calls++;
        for (long at = 0; at < n;) {
            struct dent *d = (struct dent *)(buf + at);
            if (count < 256) {
                snprintf(storage[count], sizeof storage[0], "%s %d", d->name, d->type);
                names[count] = storage[count];
                count++;
            }
            at += d->reclen;
        }
    }
    if (n < 0)
        printf("%s: getdents64: %s\n", path, strerror(errno));
    qsort(names, (size_t)count, sizeof names[0], by_name);
    printf("%s: %d entries, more than one call: %s\n", path, count, calls > 1 ? "yes" : "no");
    for (int i = 0; i < count; i++)
        printf("  %s\n", names[i]);
    /* A buffer too small for one record. */
    lseek(fd, 0, SEEK_SET);
    errno = 0;
    long tiny = syscall(SYS_getdents64, fd, buf, 10);
    printf("  tiny buffer: %ld %s\n", tiny, strerror(errno));
    close(fd);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        list_raw(argv[i]);
    }
    return 0;
}
