/* Printing results the same way natively and in the guest: a call's
 * return value and errno, a wait status, a yes/no. Included by the
 * programs that use them (each program is one .c file and this header). */
#ifndef NATIVE_SHOW_H
#define NATIVE_SHOW_H

#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>

static inline void show(const char* what, long ret) {
    int e = errno;
    printf("%s: %ld errno %d\n", what, ret, ret == -1 ? e : 0);
}

static inline void show_status(const char* what, int st) {
    if (WIFEXITED(st))
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: killed by %d\n", what, WTERMSIG(st));
    else if (WIFSTOPPED(st))
        printf("%s: stopped by %d\n", what, WSTOPSIG(st));
    else
        printf("%s: status %#x\n", what, st);
}

static inline const char* yes(int b) {
    return b ? "yes" : "no";
}

#endif
