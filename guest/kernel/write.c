/*
 * Output: file descriptors 1 and 2 are the console, a buffer the host
 * shows (sp_state.console). There are no files.
 */
#include "sched.h"
#include "syscalls.h"

struct iovec {
    u64 iov_base;
    u64 iov_len;
};

#define MAX_RW_COUNT 0x7ffff000UL /* Linux caps one transfer at this */
#define UIO_MAXIOV 1024

static bool is_console(unsigned long fd)
{
    return fd == 1 || fd == 2;
}

/* Append user bytes to the console. Returns the bytes taken, or -EFAULT if
 * the very first byte could not be read (a partial write counts). When the
 * console is full the rest is dropped, but reported as written. */
static long console_write(const char __user *buf, size_t count)
{
    u64 len = sp_state.console_len;
    size_t room = SP_CONSOLE_SIZE - len;
    size_t chunk = min(count, room);
    size_t left = copy_from_user(&sp_state.console[len], buf, chunk);
    size_t done = chunk - left;
    sp_state.console_len = len + done;
    if (left)
        return done ? (long)done : -EFAULT;
    if (chunk < count && !access_ok(buf, count))
        return -EFAULT;
    return (long)count;
}

noinline long sys_write(unsigned long fd, const char __user *buf, size_t count)
{
    if (!is_console(fd))
        return -EBADF;
    if (count > MAX_RW_COUNT)
        count = MAX_RW_COUNT;
    if (!access_ok(buf, count))
        return -EFAULT;
    return console_write(buf, count);
}

noinline long sys_writev(unsigned long fd, const struct iovec __user *vec, unsigned long vlen)
{
    if (!is_console(fd))
        return -EBADF;
    if (vlen > UIO_MAXIOV)
        return -EINVAL;
    long total = 0;
    for (unsigned long i = 0; i < vlen; i++) {
        struct iovec iov;
        if (copy_from_user(&iov, &vec[i], sizeof(iov)))
            return total ? total : -EFAULT;
        if (!iov.iov_len)
            continue;
        if (!access_ok((const void __user *)iov.iov_base, iov.iov_len))
            return total ? total : -EFAULT;
        long n = console_write((const char __user *)iov.iov_base, iov.iov_len);
        if (n < 0)
            return total ? total : n;
        total += n;
        if ((u64)n < iov.iov_len)
            break;
    }
    return total;
}

/* The console is not a terminal: no terminal ioctls (a C library asks, to
 * decide how to buffer stdout). */
noinline long sys_ioctl(unsigned long fd, unsigned long cmd, unsigned long arg)
{
    (void)cmd;
    (void)arg;
    if (fd > 2)
        return -EBADF;
    return -ENOTTY;
}
