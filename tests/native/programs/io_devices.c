/* /dev/null and /dev/zero exist even without --root; nothing else does. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    char buf[100];
    memset(buf, 'x', sizeof buf);
    int null = open("/dev/null", O_RDWR);
    printf("open /dev/null: %s\n", null >= 0 ? "ok" : strerror(errno));
    printf("read /dev/null: %ld\n", (long)read(null, buf, sizeof buf));
    printf("write /dev/null: %ld\n", (long)write(null, buf, sizeof buf));
    printf("lseek /dev/null: %ld\n", (long)lseek(null, 10, SEEK_SET));
    int zero = open("/dev/zero", O_RDONLY);
    printf("open /dev/zero: %s\n", zero >= 0 ? "ok" : strerror(errno));
    long n = read(zero, buf, 64);
    int zeros = 0;
    for (int i = 0; i < 100; i++)
        zeros += buf[i] == 0;
    printf("read /dev/zero: %ld, %d zero bytes\n", n, zeros);
    struct stat st;
    fstat(zero, &st);
    printf("/dev/zero is a char device: %d\n", S_ISCHR(st.st_mode));
    stat("/dev/null", &st);
    printf("/dev/null is a char device: %d\n", S_ISCHR(st.st_mode));
    printf("open /no/such/file: %s\n", open("/no/such/file", O_RDONLY) < 0 ? strerror(errno) : "ok");
    return 0;
}
