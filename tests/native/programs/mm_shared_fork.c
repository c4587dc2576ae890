/* Anonymous MAP_SHARED memory across fork: what a child writes its parent
 * reads and the other way round, through a grandchild too, after the
 * writer has exited or unmapped its mapping, after MADV_DONTNEED, moved
 * (mremap), duplicated (mremap of length 0), behind PROT_NONE, and through
 * ptrace; a MAP_PRIVATE region next to it stays each process's own. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define PAGE 4096
#define PAGES 3

static unsigned *shared; /* PAGES pages, MAP_SHARED */
static unsigned *priv;   /* one page, MAP_PRIVATE */

/* The first word of each shared page and the private one. */
static void show(const char *who)
{
    printf("%s: shared", who);
    for (int i = 0; i < PAGES; i++)
        printf(" %u", shared[i * PAGE / sizeof(unsigned)]);
    printf(", private %u\n", priv[0]);
    fflush(stdout);
}

static void set(unsigned base)
{
    for (int i = 0; i < PAGES; i++)
        if (i != 1) /* page 1 stays untouched until the end */
            shared[i * PAGE / sizeof(unsigned)] = base + i;
}

static int wait_for(pid_t pid, const char *what)
{
    int st;
    if (waitpid(pid, &st, 0) != pid) {
        printf("%s: waitpid: %s\n", what, strerror(errno));
        return -1;
    }
    printf("%s: exited with %d\n", what, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return 0;
}

static void *map(int flags, size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("mmap: %s\n", strerror(errno));
        _exit(1);
    }
    return p;
}

/* A child's writes reach its parent and the parent's its child. */
static void across_fork(void)
{
    pid_t pid;
    int go[2];

    /* A child writes and exits; the parent reads. */
    pid = fork();
    if (pid == 0) {
        show("child 1 sees");
        set(200);
        priv[0] = 2;
        _exit(shared[0] == 200 ? 3 : 4);
    }
    wait_for(pid, "child 1");
    show("parent after child 1");

    /* The parent writes after the fork; a waiting child reads. */
    pipe(go);
    pid = fork();
    if (pid == 0) {
        char c;
        close(go[1]);
        read(go[0], &c, 1);
        show("child 2 sees");
        _exit(shared[0] == 300 ? 5 : 6);
    }
    close(go[0]);
    set(300);
    priv[0] = 3;
    write(go[1], "x", 1);
    close(go[1]);
    wait_for(pid, "child 2");
}

/* Through a grandchild, and after the writer's exit. */
static void through_a_grandchild(void)
{
    pid_t pid;
    char c;

    /* A grandchild's write reaches its grandparent, through a child that
     * exited before the grandchild wrote. */
    int report[2], start[2];
    pipe(report);
    pipe(start);
    pid = fork();
    if (pid == 0) {
        close(report[0]);
        close(start[1]);
        set(400);
        if (fork() == 0) {
            char c;
            /* Until the top parent has reaped the child. */
            read(start[0], &c, 1);
            unsigned seen = shared[0];
            set(500);
            write(report[1], &seen, sizeof seen);
            _exit(0);
        }
        _exit(7);
    }
    close(report[1]);
    close(start[0]);
    wait_for(pid, "child 3");
    show("parent after child 3");
    write(start[1], "x", 1);
    close(start[1]);
    unsigned seen = 0;
    ssize_t n = read(report[0], &seen, sizeof seen);
    while (read(report[0], &c, 1) > 0) /* EOF: the grandchild has exited */
        ;
    printf("grandchild saw %u (%zd bytes)\n", seen, n);
    show("parent after grandchild");
}

/* munmap in one process leaves the pages to the other. */
static void unmapped(void)
{
    pid_t pid;
    int go[2];
    char c;

    /* A child that unmaps its mapping takes nothing from the parent. */
    pid = fork();
    if (pid == 0) {
        set(600);
        munmap(shared, PAGES * PAGE);
        _exit(8);
    }
    wait_for(pid, "child 4");
    show("parent after child 4");

    /* Nor does a parent that unmaps it take it from its child. */
    unsigned *other = map(MAP_SHARED, PAGE);
    other[0] = 700;
    pipe(go);
    pid = fork();
    if (pid == 0) {
        close(go[1]);
        read(go[0], &c, 1);
        printf("child 5 sees %u after the parent's munmap\n", other[0]);
        fflush(stdout);
        _exit(9);
    }
    close(go[0]);
    other[0] = 701;
    munmap(other, PAGE);
    write(go[1], "x", 1);
    close(go[1]);
    wait_for(pid, "child 5");
}

/* MADV_DONTNEED, and a page nobody wrote. */
static void dropped(void)
{
    pid_t pid;

    /* MADV_DONTNEED drops a shared page from the page tables only: it
     * reads back what the child wrote. */
    pid = fork();
    if (pid == 0) {
        set(800);
        _exit(10);
    }
    wait_for(pid, "child 6");
    printf("madvise: %d\n", madvise(shared, PAGES * PAGE, MADV_DONTNEED));
    show("parent after MADV_DONTNEED");

    /* Page 1 was never written: zero everywhere. A child writes it now. */
    pid = fork();
    if (pid == 0) {
        shared[PAGE / sizeof(unsigned)] = 901;
        _exit(11);
    }
    wait_for(pid, "child 7");
    show("parent after child 7");
}

/* mremap: moved, duplicated, MREMAP_DONTUNMAP. */
static void remapped(void)
{
    pid_t pid;

    /* A child moves its mapping elsewhere and writes there. */
    pid = fork();
    if (pid == 0) {
        void *to = map(MAP_PRIVATE, PAGES * PAGE); /* a free place to move to */
        unsigned *moved =
            mremap(shared, PAGES * PAGE, PAGES * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, to);
        if (moved == MAP_FAILED)
            _exit(20);
        moved[0] = 1000;
        _exit(12);
    }
    wait_for(pid, "child 8");
    show("parent after child 8");

    /* A second mapping of the same pages (mremap with old size 0), in
     * one process and across fork. */
    unsigned *twin = mremap(shared, 0, PAGE, MREMAP_MAYMOVE);
    if (twin == MAP_FAILED) {
        printf("mremap duplicate: %s\n", strerror(errno));
        fflush(stdout);
        _exit(1);
    }
    twin[0] = 1100;
    printf("twin wrote 1100, shared[0] reads %u\n", shared[0]);
    shared[0] = 1101;
    printf("shared wrote 1101, twin reads %u\n", twin[0]);
    pid = fork();
    if (pid == 0) {
        unsigned was = twin[0];
        shared[0] = 1102;
        _exit(was == 1101 && twin[0] == 1102 ? 13 : 14);
    }
    wait_for(pid, "child 9");
    printf("after child 9: twin %u, shared %u\n", twin[0], shared[0]);

    /* MREMAP_DONTUNMAP: the old range still maps the same pages. */
    unsigned *third = map(MAP_SHARED, PAGE);
    third[0] = 1200;
    unsigned *fourth = mremap(third, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
    if (fourth == MAP_FAILED) {
        printf("MREMAP_DONTUNMAP: %s\n", strerror(errno));
    } else {
        printf("moved reads %u, the old range %u\n", fourth[0], third[0]);
        third[0] = 1201;
        printf("old range wrote 1201, moved reads %u\n", fourth[0]);
    }
}

/* PROT_NONE, and ptrace's PEEKDATA and POKEDATA. */
static void protected_and_traced(void)
{
    pid_t pid;

    /* Behind PROT_NONE in the parent while the child writes. */
    mprotect(shared, PAGES * PAGE, PROT_NONE);
    pid = fork();
    if (pid == 0) {
        mprotect(shared, PAGES * PAGE, PROT_READ | PROT_WRITE);
        set(1300);
        _exit(15);
    }
    wait_for(pid, "child 10");
    mprotect(shared, PAGES * PAGE, PROT_READ | PROT_WRITE);
    show("parent after child 10");

    /* A tracer reads and writes its stopped tracee's shared page. */
    pid = fork();
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        shared[0] = 1400;
        raise(SIGSTOP);
        _exit(shared[0] == 1401 ? 16 : 17);
    }
    int st;
    waitpid(pid, &st, 0);
    errno = 0;
    long word = ptrace(PTRACE_PEEKDATA, pid, shared, NULL);
    printf("PEEKDATA: %ld (%s), the parent reads %u\n", word & 0xffffffff,
           errno ? strerror(errno) : "ok", shared[0]);
    long poke = ptrace(PTRACE_POKEDATA, pid, shared, (void *)((word & ~0xffffffffL) | 1401));
    printf("POKEDATA: %ld, the parent reads %u\n", poke, shared[0]);
    ptrace(PTRACE_CONT, pid, NULL, NULL);
    wait_for(pid, "child 11");
    show("parent at the end");
}

int main(void)
{
    void *v = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0);
    printf("MAP_SHARED_VALIDATE|MAP_ANONYMOUS: %s\n", v == MAP_FAILED ? strerror(errno) : "mapped");
    if (v != MAP_FAILED)
        munmap(v, PAGE);

    shared = map(MAP_SHARED, PAGES * PAGE);
    priv = map(MAP_PRIVATE, PAGE);
    set(100);
    priv[0] = 1;
    show("parent before fork");
    across_fork();
    through_a_grandchild();
    unmapped();
    dropped();
    remapped();
    protected_and_traced();
    return 0;
}
