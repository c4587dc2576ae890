/* malloc of N MiB (argument): touches every page of it, or with "sparse"
 * one page in 64, and checks what it reads back. Prints no addresses. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], 0, 10) : 1;
    int sparse = argc > 2 && !strcmp(argv[2], "sparse");
    size_t size = mib << 20, step = sparse ? 64 * 4096 : 4096;
    unsigned char *p = malloc(size);
    if (!p) {
        printf("malloc(%zu MiB) failed\n", mib);
        return 1;
    }
    printf("malloc(%zu MiB): ok, 16-byte aligned: %s\n", mib, (uintptr_t)p % 16 ? "no" : "yes");
    size_t touched = 0, nonzero = 0;
    for (size_t off = 0; off < size; off += step) {
        nonzero += p[off] != 0; /* fresh pages read as zero */
        p[off] = (unsigned char)(off / step);
        touched++;
    }
    p[size - 1] = 0x5a;
    unsigned long sum = 0;
    for (size_t off = 0; off < size; off += step)
        sum += p[off];
    printf("pages touched: %zu, nonzero before writing: %zu, sum: %lu, last byte: %#x\n", touched,
           nonzero, sum, p[size - 1]);
    /* A second block beside the first, and both freed. */
    char *q = malloc(size / 2);
    printf("second block: %s, overlaps the first: %s\n", q ? "ok" : "failed",
           q && (unsigned char *)q < p + size && (unsigned char *)q + size / 2 > p ? "yes" : "no");
    memset(q, 1, size / 2);
    free(q);
    free(p);
    puts("freed");
    return 0;
}
