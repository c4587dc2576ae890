/*
 * The few string routines the kernel needs. The compiler may also emit
 * calls to memcpy/memset for structure copies, so these names must exist.
 * The string instructions keep the number of traced steps small.
 */
#include "kernel.h"

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    if ((char *)dst <= (const char *)src || (char *)dst >= (const char *)src + n)
        return memcpy(dst, src, n);
    /* Overlapping, destination above: copy backwards. */
    char *d = (char *)dst + n - 1;
    const char *s = (const char *)src + n - 1;
    asm volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}
