/* mmap, munmap, mremap and mprotect: what they return, and errno for the
 * calls Linux refuses. Addresses differ from Linux's: only relations
 * between them are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096UL

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static int err(long r)
{
    return r == -1 ? errno : 0;
}

/* The raw system call: musl's wrappers check some arguments themselves. */
static long sys_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
    long r = syscall(SYS_mmap, addr, len, prot, flags, fd, off);
    return r;
}

static void show(const char *what, long r)
{
    if (r == -1)
        printf("%-44s -> errno %d (%s)\n", what, errno, strerror(errno));
    else
        printf("%-44s -> ok\n", what);
}

static const int anon = MAP_PRIVATE | MAP_ANONYMOUS;

/* "high": mappings where this machine has no RAM (guest-only: Linux maps
 * them). Prints what came back. */
static int high(void)
{
    void *want = (void *)(1UL << 46);
    long r = sys_mmap(want, PAGE, PROT_READ | PROT_WRITE, anon | MAP_FIXED, -1, 0);
    printf("MAP_FIXED at 1<<46: %s %d\n", r == -1 ? "errno" : "ok", r == -1 ? errno : 0);
    r = sys_mmap(want, PAGE, PROT_READ | PROT_WRITE, anon | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE at 1<<46: %s %d\n", r == -1 ? "errno" : "ok", r == -1 ? errno : 0);
    r = sys_mmap(want, PAGE, PROT_READ | PROT_WRITE, anon, -1, 0);
    printf("hint 1<<46: %s, at the hint: %s\n", r == -1 ? "failed" : "ok",
           (void *)r == want ? "yes" : "no");
    r = sys_mmap((void *)0x200000, PAGE, PROT_READ, anon | MAP_FIXED, -1, 0);
    printf("MAP_FIXED below the first user page: %s %d\n", r == -1 ? "errno" : "ok",
           r == -1 ? errno : 0);
    r = sys_mmap(0, 1UL << 40, PROT_READ, anon | MAP_NORESERVE, -1, 0);
    printf("1 TiB with MAP_NORESERVE: %s %d\n", r == -1 ? "errno" : "ok", r == -1 ? errno : 0);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "high"))
        return high();
    char *a = mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, anon, -1, 0);
    printf("mmap 4 pages: %s, page-aligned: %s\n", a == MAP_FAILED ? "failed" : "ok",
           (uintptr_t)a % PAGE ? "no" : "yes");
    unsigned nonzero = 0;
    for (unsigned i = 0; i < 4 * PAGE; i++)
        nonzero += a[i] != 0;
    printf("nonzero bytes in a fresh mapping: %u\n", nonzero);
    memset(a, 'x', 4 * PAGE);

    /* Errors of mmap. */
    show("mmap len 0", sys_mmap(0, 0, PROT_READ, anon, -1, 0));
    show("mmap offset not page-aligned", sys_mmap(0, PAGE, PROT_READ, anon, -1, 100));
    show("mmap neither shared nor private", sys_mmap(0, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0));
    show("mmap MAP_FIXED unaligned", sys_mmap(a + 1, PAGE, PROT_READ, anon | MAP_FIXED, -1, 0));
    show("mmap len near 2^64", sys_mmap(0, -PAGE / 2, PROT_READ, anon, -1, 0));
    show("mmap len beyond the address space", sys_mmap(0, 1UL << 50, PROT_READ, anon, -1, 0));
    show("mmap bad fd", sys_mmap(0, PAGE, PROT_READ, MAP_PRIVATE, 99, 0));
    show("mmap fd -1 without MAP_ANONYMOUS", sys_mmap(0, PAGE, PROT_READ, MAP_PRIVATE, -1, 0));
    show("mmap write-only stdout", sys_mmap(0, PAGE, PROT_READ, MAP_PRIVATE, 1, 0));
    show("mmap stdin (/dev/null)", sys_mmap(0, PAGE, PROT_READ, MAP_PRIVATE, 0, 0));
    show("mmap stdout, unknown type", sys_mmap(0, PAGE, PROT_READ, 0xf, 1, 0));
    show("mmap MAP_SHARED_VALIDATE unknown flag",
         sys_mmap(0, PAGE, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x40000000, -1, 0));
    show("mmap MAP_FIXED_NOREPLACE over a mapping",
         sys_mmap(a + PAGE, PAGE, PROT_READ, anon | MAP_FIXED_NOREPLACE, -1, 0));

    /* Flags that are accepted. */
    char *s = (char *)sys_mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    show("mmap MAP_SHARED anonymous", (long)s);
    s[0] = 1;
    char *pop = (char *)sys_mmap(0, 8 * PAGE, PROT_READ | PROT_WRITE,
                                 anon | MAP_POPULATE | MAP_NORESERVE | MAP_STACK, -1, 0);
    show("mmap MAP_POPULATE|MAP_NORESERVE|MAP_STACK", (long)pop);
    printf("populated pages read zero: %s\n", pop[0] == 0 && pop[8 * PAGE - 1] == 0 ? "yes" : "no");
    char *none = mmap(0, PAGE, PROT_NONE, anon, -1, 0);
    show("mmap PROT_NONE", none == MAP_FAILED ? -1 : 0);
    char *rx = mmap(0, PAGE, PROT_READ | PROT_EXEC, anon, -1, 0);
    show("mmap PROT_READ|PROT_EXEC", rx == MAP_FAILED ? -1 : 0);

    /* A hint that is free is taken as it is. */
    char *hole = mmap(0, 3 * PAGE, PROT_READ, anon, -1, 0);
    munmap(hole, 3 * PAGE);
    char *h = mmap(hole + PAGE, PAGE, PROT_READ, anon, -1, 0);
    printf("free hint taken: %s\n", h == hole + PAGE ? "yes" : "no");
    /* MAP_FIXED replaces what was there with zero pages. */
    char *f = mmap(a + PAGE, PAGE, PROT_READ | PROT_WRITE, anon | MAP_FIXED, -1, 0);
    printf("MAP_FIXED at the address asked: %s, old bytes gone: %s, neighbours kept: %s\n",
           f == a + PAGE ? "yes" : "no", f[0] == 0 && f[PAGE - 1] == 0 ? "yes" : "no",
           a[0] == 'x' && a[2 * PAGE] == 'x' ? "yes" : "no");
    char *nr = (char *)sys_mmap(hole, PAGE, PROT_READ, anon | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE in a hole: %s\n", nr == hole ? "yes" : "no");

    /* munmap. */
    show("munmap unaligned", munmap(a + 1, PAGE));
    show("munmap len 0", munmap(a, 0));
    show("munmap len past the end of the address space", munmap(a, -PAGE));
    show("munmap a hole", munmap(hole + 2 * PAGE, PAGE));
    show("munmap the middle page of 4", munmap(a + 2 * PAGE, PAGE));
    printf("pages around it still there: %s\n", a[0] == 'x' && a[3 * PAGE] == 'x' ? "yes" : "no");

    /* mprotect. */
    show("mprotect unaligned", mprotect(a + 1, PAGE, PROT_READ));
    show("mprotect len 0", mprotect(a, 0, PROT_READ));
    show("mprotect unknown prot bit", mprotect(a, PAGE, 0x40));
    show("mprotect GROWSDOWN|GROWSUP",
         mprotect(a, PAGE, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP));
    show("mprotect across a hole", mprotect(a, 4 * PAGE, PROT_READ));
    show("mprotect unmapped", mprotect(hole + 2 * PAGE, PAGE, PROT_READ));
    show("mprotect wraps around", mprotect(a, -PAGE, PROT_READ));
    show("mprotect first page read-only", mprotect(a, PAGE, PROT_READ));
    printf("still readable: %s\n", a[0] == 'x' ? "yes" : "no");
    show("mprotect back to read-write", mprotect(a, 2 * PAGE, PROT_READ | PROT_WRITE));
    a[0] = 'y';
    printf("writable again: %s\n", a[0] == 'y' ? "yes" : "no");
    show("mprotect PROT_NONE and back", mprotect(a, PAGE, PROT_NONE) | mprotect(a, PAGE, PROT_READ));
    printf("data kept through PROT_NONE: %s\n", a[0] == 'y' ? "yes" : "no");

    /* mremap. */
    char *m = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, anon, -1, 0);
    memset(m, 'm', 2 * PAGE);
    show("mremap unknown flag", (long)mremap(m, 2 * PAGE, 3 * PAGE, 8));
    show("mremap MREMAP_FIXED without MAYMOVE",
         (long)mremap(m, 2 * PAGE, 3 * PAGE, MREMAP_FIXED, hole));
    show("mremap unaligned", (long)mremap(m + 1, PAGE, 2 * PAGE, 0));
    show("mremap new_len 0", (long)mremap(m, PAGE, 0, 0));
    show("mremap of a hole", (long)mremap(hole + 2 * PAGE, PAGE, 2 * PAGE, 0));
    show("mremap old_len beyond the mapping", (long)mremap(m, 3 * PAGE, 4 * PAGE, 0));
    show("mremap DONTUNMAP without MAYMOVE", (long)mremap(m, PAGE, PAGE, 4));
    /* Grow in place: make room behind m first. */
    munmap(m + 2 * PAGE, 8 * PAGE);
    char *g = mremap(m, 2 * PAGE, 4 * PAGE, 0);
    int in_place = g == m;
    if (g == MAP_FAILED) {
        /* Something else sits behind m: grow by moving instead. */
        g = mremap(m, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE);
    }
    printf("mremap grow: %s, data kept: %s, new part zero: %s\n", g == MAP_FAILED ? "failed" : "ok",
           g[0] == 'm' && g[2 * PAGE - 1] == 'm' ? "yes" : "no",
           g[2 * PAGE] == 0 && g[4 * PAGE - 1] == 0 ? "yes" : "no");
    (void)in_place;
    /* Blocked behind: grow only by moving. */
    char *blk = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, anon, -1, 0);
    char *behind = mmap(blk + 2 * PAGE, PAGE, PROT_READ, anon | MAP_FIXED_NOREPLACE, -1, 0);
    memset(blk, 'b', 2 * PAGE);
    errno = 0;
    show("mremap grow, no room, no MAYMOVE", (long)mremap(blk, 2 * PAGE, 8 * PAGE, 0));
    char *mv = mremap(blk, 2 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
    printf("mremap MAYMOVE: %s, moved: %s, data kept: %s, old place unmapped: %s\n",
           mv == MAP_FAILED ? "failed" : "ok", mv != blk ? "yes" : "no",
           mv[0] == 'b' && mv[2 * PAGE - 1] == 'b' && mv[2 * PAGE] == 0 ? "yes" : "no",
           err(mprotect(blk, PAGE, PROT_READ)) == ENOMEM ? "yes" : "no");
    (void)behind;
    char *sh = mremap(mv, 8 * PAGE, PAGE, 0);
    printf("mremap shrink: %s, tail unmapped: %s, head kept: %s\n", sh == mv ? "ok" : "failed",
           err(mprotect(mv + PAGE, PAGE, PROT_READ)) == ENOMEM ? "yes" : "no",
           sh[0] == 'b' ? "yes" : "no");
    show("mremap MREMAP_FIXED overlapping",
         (long)mremap(mv, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, mv));
    char *fx = mremap(mv, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, hole);
    printf("mremap MREMAP_FIXED: %s, data kept: %s\n", fx == hole ? "at the address" : "elsewhere",
           fx != MAP_FAILED && fx[0] == 'b' ? "yes" : "no");

    /* Many small mappings, then all freed. */
    int made = 0;
    char *maps[64];
    for (int i = 0; i < 64; i++) {
        maps[i] = mmap(0, PAGE, i % 2 ? PROT_READ : PROT_READ | PROT_WRITE, anon, -1, 0);
        made += maps[i] != MAP_FAILED;
    }
    int freed = 0;
    for (int i = 0; i < 64; i++)
        freed += munmap(maps[i], PAGE) == 0;
    printf("64 mappings made: %d, freed: %d\n", made, freed);
    return 0;
}
