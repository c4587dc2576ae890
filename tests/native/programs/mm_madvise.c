/* madvise: MADV_DONTNEED gives zero pages back; the other advice is
 * accepted as Linux accepts it; bad arguments give Linux's errno. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE 4096UL

static void show(const char *what, int r)
{
    printf("%-36s -> %s %d\n", what, r ? "errno" : "ok", r ? errno : 0);
}

int main(void)
{
    char *p = mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 'z', 4 * PAGE);
    show("MADV_DONTNEED on pages 1-2", madvise(p + PAGE, 2 * PAGE, MADV_DONTNEED));
    unsigned zero = 0;
    for (unsigned i = PAGE; i < 3 * PAGE; i++)
        zero += p[i] == 0;
    printf("zero bytes in pages 1-2: %u of %lu\n", zero, 2 * PAGE);
    printf("pages 0 and 3 kept: %s\n", p[0] == 'z' && p[4 * PAGE - 1] == 'z' ? "yes" : "no");
    p[PAGE] = 'a';
    printf("usable again: %s\n", p[PAGE] == 'a' ? "yes" : "no");

    show("MADV_NORMAL", madvise(p, 4 * PAGE, MADV_NORMAL));
    show("MADV_RANDOM", madvise(p, 4 * PAGE, MADV_RANDOM));
    show("MADV_SEQUENTIAL", madvise(p, 4 * PAGE, MADV_SEQUENTIAL));
    show("MADV_WILLNEED", madvise(p, 4 * PAGE, MADV_WILLNEED));
    show("MADV_DONTFORK", madvise(p, 4 * PAGE, MADV_DONTFORK));
    show("MADV_DOFORK", madvise(p, 4 * PAGE, MADV_DOFORK));
    show("MADV_DONTDUMP", madvise(p, 4 * PAGE, MADV_DONTDUMP));
    show("MADV_DODUMP", madvise(p, 4 * PAGE, MADV_DODUMP));
    show("MADV_FREE", madvise(p, PAGE, MADV_FREE));
    show("MADV_REMOVE (private anonymous)", madvise(p, PAGE, MADV_REMOVE));
    show("len 0", madvise(p, 0, MADV_DONTNEED));
    show("unaligned start", madvise(p + 1, PAGE, MADV_DONTNEED));
    show("unknown advice", madvise(p, PAGE, 999));
    show("range wraps around", madvise(p, -PAGE / 2, MADV_NORMAL));
    munmap(p + 2 * PAGE, PAGE);
    show("range with a hole", madvise(p, 4 * PAGE, MADV_DONTNEED));
    printf("page 3 after DONTNEED over the hole: %s\n", p[3 * PAGE] == 0 ? "zero" : "kept");
    show("unmapped range", madvise(p + 2 * PAGE, PAGE, MADV_NORMAL));
    return 0;
}
