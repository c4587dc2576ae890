/*
 * Output. Under a user program fds 1 and 2 are the host's standard output
 * and error (the host I/O device); for the demo they are the console, a
 * buffer the host shows (sp_state.console). /dev/null takes anything.
 */
#include "fs.h"
#include "sched.h"
#include "syscalls.h"

static struct file *file_for_write(unsigned long fd)
{
    if (fd >= NR_OPEN || !current->files)
        return NULL;
    struct file *f = &current->files->fd[fd];
    if (f->kind == FILE_STDOUT || f->kind == FILE_NULL || f->kind == FILE_ZERO)
        return f;
    if (f->kind == FILE_PIPE && (f->flags & 3) == 1) /* O_WRONLY: the write end */
        return f;
    return NULL; /* free, stdin (a read end) or opened read-only */
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

/* Hand user bytes to the host in buffer-sized pieces: all of them, or as
 * many as could be read before a fault (-EFAULT if none). */
static long host_write(u64 stream, const char __user *buf, size_t count)
{
    static struct sp_hostio_request req;
    size_t done = 0;
    while (done < count) {
        size_t chunk = min(count - done, (size_t)SP_HOSTIO_BUF_SIZE);
        size_t left = copy_from_user(hostio_buf, buf + done, chunk);
        if (chunk - left) {
            req.op = SP_HOSTIO_WRITE;
            req.handle = stream;
            req.buf = (u64)hostio_buf;
            req.len = chunk - left;
            long n = hostio_call(&req);
            if (n < 0)
                return done ? (long)done : n;
            done += (size_t)n;
        }
        if (left)
            return done ? (long)done : -EFAULT;
    }
    return (long)done;
}

static long file_write(struct file *f, const char __user *buf, size_t count)
{
    if (f->kind == FILE_PIPE)
        return pipe_write(f, buf, count);
    if (f->kind != FILE_STDOUT)
        return (long)count; /* /dev/null and /dev/zero swallow it unread */
    if (!hostio_enabled)
        return console_write(buf, count);
    long n = host_write(f->handle, buf, count);
    if (n == -EPIPE) {
        /* The host's reader is gone: as a write to a pipe nobody reads. */
        send_sigpipe();
    }
    return n;
}

/* A signalfd or pidfd is open for writing but has no write (FMODE_CAN_WRITE). */
static bool cannot_write(unsigned long fd)
{
    if (fd >= NR_OPEN || !current->files)
        return false;
    u32 kind = current->files->fd[fd].kind;
    return kind == FILE_SIGNALFD || kind == FILE_PIDFD;
}

noinline long sys_write(unsigned long fd, const char __user *buf, size_t count)
{
    if (cannot_write(fd))
        return -EINVAL;
    struct file *f = file_for_write(fd);
    if (!f)
        return -EBADF;
    if (count > MAX_RW_COUNT)
        count = MAX_RW_COUNT;
    if (!access_ok(buf, count))
        return -EFAULT;
    return file_write(f, buf, count);
}

static long writev_one(struct file *f, u64 base, u64 len)
{
    return file_write(f, (const char __user *)base, len);
}

noinline long sys_writev(unsigned long fd, const struct iovec __user *vec, unsigned long vlen)
{
    if (cannot_write(fd))
        return -EINVAL;
    struct file *f = file_for_write(fd);
    if (!f)
        return -EBADF;
    return iov_loop(f, vec, vlen, writev_one);
}

/* No file here is a terminal: no terminal ioctls (a C library asks, to
 * decide how to buffer stdout). */
noinline long sys_ioctl(unsigned long fd, unsigned long cmd, unsigned long arg)
{
    (void)cmd;
    (void)arg;
    if (fd >= NR_OPEN || !current->files || current->files->fd[fd].kind == FILE_NONE)
        return -EBADF;
    return -ENOTTY;
}
