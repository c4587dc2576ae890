/*
 * Files: a per-task table of open files. fd 0 is the host's standard
 * input, fds 1 and 2 its standard output and error; every other file is
 * /dev/null, /dev/zero or a read-only file of the host directory the user
 * named with --root, reached through the host I/O device (hostio.c).
 */
#ifndef GUEST_FS_H
#define GUEST_FS_H

#include "kernel.h"

#define FILE_NONE 0   /* the slot is free */
#define FILE_STDIN 1  /* the host's standard input */
#define FILE_STDOUT 2 /* the host's stdout (handle 1) or stderr (handle 2) */
#define FILE_NULL 3
#define FILE_ZERO 4
#define FILE_HOST 5 /* a file or directory of the --root view */
#define FILE_PIPE 6 /* an end of a pipe (pipe.c); handle: the pipe's index */
#define FILE_SIGNALFD 7 /* signalfd.c; handle: the mask of signals it reads */
#define FILE_PIDFD 8    /* signal_kill.c; handle: the pid it names */

#define FD_CLOEXEC 1

#define NR_OPEN 1024 /* RLIMIT_NOFILE's usual soft limit */

struct file {
    u32 kind;  /* FILE_* */
    u32 flags; /* the open flags */
    u64 handle;
    u64 pos;   /* byte offset; for a directory the index of the next entry */
    u64 size;
    u32 mode;     /* st_mode */
    u32 fd_flags; /* FD_CLOEXEC: a property of the descriptor, not the file */
};

/* A struct of its own so that tasks can share one (threads) or copy it (fork). */
struct files_struct {
    struct file fd[NR_OPEN];
    int users; /* tasks sharing the table (threads); 0: a free pool slot */
};

/* pipe.c: what an open pipe end needs when its descriptor is copied
 * (dup, fork) or dropped (close, exit). */
void file_get(struct file *f);
void file_put(struct file *f);
struct files_struct *dup_files(struct files_struct *files);
void put_files(struct files_struct *files);
long alloc_fd_from(long start);
long open_exec_fd(const char __user *path);
long kernel_pread(long fd, void *dst, size_t count, u64 offset);
void do_close_on_exec(void);
long pipe_read(struct file *f, char __user *buf, size_t count);
long pipe_write(struct file *f, const char __user *buf, size_t count);
/* A write found no reader: SIGPIPE to the writer, as the kernel sends it. */
void send_sigpipe(void);
void poll_wake_all(void); /* something a poll may wait for has happened */
/* signalfd.c */
long signalfd_read(struct file *f, char __user *buf, size_t count);
u32 signalfd_poll(struct file *f);
u32 pidfd_poll(struct file *f); /* signal_kill.c */
long anon_inode_getfd(u32 kind, u64 handle, u32 flags, bool cloexec);
long pidfd_get_pid(long fd, u32 *f_flags); /* signal_kill.c: the pid, or -EBADF */

extern struct files_struct init_files;

/* readv and writev: a user array of (address, length) pairs, at most
 * UIO_MAXIOV of them. */
struct iovec {
    u64 iov_base;
    u64 iov_len;
};
#define UIO_MAXIOV 1024

/* One transfer of readv or writev: `len` bytes at user address `base`.
 * Returns the bytes moved or a negative errno. */
typedef long (*iov_transfer)(struct file *f, u64 base, u64 len);
/* fs.c: the loop readv and writev share. Each non-empty element is checked
 * with access_ok and handed to `one`; the loop stops at the first error
 * (returned only if nothing moved yet, else the bytes so far) and at the
 * first short transfer, as Linux's loop over an iovec does. */
long iov_loop(struct file *f, const struct iovec __user *vec, unsigned long vlen,
              iov_transfer one);

/* hostio.c: one request to the host. The kernel buffer is shared by all
 * requests; a request never sleeps, so no one else can be using it. */
extern char hostio_buf[SP_HOSTIO_BUF_SIZE];
extern u32 hostio_enabled; /* set by the host when a user program runs */
long hostio_call(struct sp_hostio_request *req);

#endif /* GUEST_FS_H */
