/* brk: growth, shrink, the refused moves, and zero pages after regrowth. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
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
    uintptr_t shrunk = brk_call(base + 4096);
    printf("shrink to 1 page: %s\n", shrunk == base + 4096 ? "moved" : "refused");
    /* Bytes past the break but in its page stay; whole pages dropped
     * come back as zero pages. */
    printf("byte after the break, same page: %#x\n", *(unsigned char *)(base + 4096 - 1));
    uintptr_t regrown = brk_call(base + 3 * 4096);
    printf("regrow: %s\n", regrown == base + 3 * 4096 ? "moved" : "refused");
    unsigned nonzero = 0;
    for (uintptr_t a = base + 4096; a < base + 3 * 4096; a++)
        nonzero += *(unsigned char *)a != 0;
    printf("nonzero bytes in the regrown pages: %u\n", nonzero);
    printf("below the start: %s\n", brk_call(base - 4096) == base + 3 * 4096 ? "refused" : "moved");
    printf("far beyond memory: %s\n",
           brk_call((uintptr_t)1 << 47) == base + 3 * 4096 ? "refused" : "moved");
    printf("back to the start: %s\n", brk_call(base) == base ? "moved" : "refused");
    /* sbrk, which musl implements with brk. */
    void *s = sbrk(0);
    printf("sbrk(0) == brk: %s\n", (uintptr_t)s == base ? "yes" : "no");
    return 0;
}
