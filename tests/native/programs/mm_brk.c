/* brk: growth, shrink, the refused moves, and zero pages after regrowth. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static uintptr_t brk_call(uintptr_t addr)
{
    return (uintptr_t)syscall(SYS_brk, addr);
}

int main(void)
{
    uintptr_t base = brk_call(0);
    printf("brk(0) page-aligned: %s\n", base % 4096 ? "no" : "yes");
    uintptr_t grown = brk_call(base + 3 * 4096 + 100);
    printf("grow by 3 pages + 100: %s\n", grown == base + 3 * 4096 + 100 ? "moved" : "refused");
    memset((void *)base, 0xab, 3 * 4096 + 100);
    printf("new heap writable: yes\n");
    uintptr_t shrunk = brk_call(base + 4096 + 10);
    printf("shrink to 1 page + 10: %s\n", shrunk == base + 4096 + 10 ? "moved" : "refused");
    /* Bytes past the break but in its page stay; whole pages dropped
     * come back as zero pages. */
    printf("byte after the break, same page: %#x\n", *(unsigned char *)(base + 4096 + 10));
    uintptr_t regrown = brk_call(base + 3 * 4096);
    printf("regrow: %s\n", regrown == base + 3 * 4096 ? "moved" : "refused");
    unsigned kept = 0, nonzero = 0;
    for (uintptr_t a = base + 4096 + 10; a < base + 2 * 4096; a++)
        kept += *(unsigned char *)a == 0xab;
    for (uintptr_t a = base + 2 * 4096; a < base + 3 * 4096; a++)
        nonzero += *(unsigned char *)a != 0;
    printf("old bytes kept in the break's page: %u, nonzero bytes in the dropped page: %u\n", kept,
           nonzero);
    /* A mapping right above the heap stops it growing. */
    void *wall = mmap((void *)(base + 64 * 4096), 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | 0x100000, -1, 0);
    printf("mapping above the heap: %s\n", wall == (void *)(base + 64 * 4096) ? "placed" : "elsewhere");
    printf("grow into it: %s\n", brk_call(base + 80 * 4096) == base + 3 * 4096 ? "refused" : "moved");
    printf("grow up to just below it: %s\n",
           brk_call(base + 63 * 4096) == base + 63 * 4096 ? "moved" : "refused");
    munmap(wall, 4096);
    brk_call(base + 3 * 4096);
    printf("below the start: %s\n", brk_call(base - 4096) == base + 3 * 4096 ? "refused" : "moved");
    printf("far beyond memory: %s\n",
           brk_call((uintptr_t)1 << 47) == base + 3 * 4096 ? "refused" : "moved");
    printf("back to the start: %s\n", brk_call(base) == base ? "moved" : "refused");
    /* sbrk, which musl implements with brk. */
    void *s = sbrk(0);
    printf("sbrk(0) == brk: %s\n", (uintptr_t)s == base ? "yes" : "no");
    return 0;
}
