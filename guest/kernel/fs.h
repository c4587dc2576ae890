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

#define NR_OPEN 1024 /* RLIMIT_NOFILE's usual soft limit */

struct file {
    u32 kind;  /* FILE_* */
    u32 flags; /* the open flags */
    u64 handle;
    u64 pos;   /* byte offset; for a directory the index of the next entry */
    u64 size;
    u32 mode;  /* st_mode */
    u32 pad;
};

/* A struct of its own so that tasks can share one (threads) or copy it (fork). */
struct files_struct {
    struct file fd[NR_OPEN];
};

extern struct files_struct init_files;

/* hostio.c: one request to the host. The kernel buffer is shared by all
 * requests; a request never sleeps, so no one else can be using it. */
extern char hostio_buf[SP_HOSTIO_BUF_SIZE];
extern u32 hostio_enabled; /* set by the host when a user program runs */
long hostio_call(struct sp_hostio_request *req);

#endif /* GUEST_FS_H */
