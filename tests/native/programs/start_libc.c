/* Ordinary C library work in a new program: qsort of ints, doubles and
 * strings, setjmp/longjmp through nested calls, and the stack pointer's
 * alignment at main (the start-up code's, from the kernel's initial rsp). */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static jmp_buf env;
static int depth_reached;

static void dive(int depth)
{
    volatile char pad[64];
    pad[0] = (char)depth;
    depth_reached = depth + pad[0] - depth;
    if (depth == 10)
        longjmp(env, depth * 4 + 2);
    if (depth < 100) /* always: longjmp leaves first */
        dive(depth + 1);
}

int main(void)
{
    int ints[64];
    unsigned seed = 12345;
    for (int i = 0; i < 64; i++) {
        seed = seed * 1103515245 + 12345;
        ints[i] = (int)(seed >> 8) % 1000 - 500;
    }
    qsort(ints, 64, sizeof(int), cmp_int);
    printf("ints:");
    for (int i = 0; i < 64; i += 8)
        printf(" %d", ints[i]);
    printf(" ... %d\n", ints[63]);

    double ds[] = {3.5, -0.25, 1e10, 2.0 / 3.0, -7.125, 0.1, 1e-5};
    qsort(ds, 7, sizeof(double), cmp_double);
    printf("doubles:");
    for (int i = 0; i < 7; i++)
        printf(" %.17g", ds[i]);
    printf("\n");

    char *words[] = {"sysret", "iret", "swapgs", "entry", "audit", "signal", "ptrace"};
    qsort(words, 7, sizeof(char *), cmp_str);
    printf("words:");
    for (int i = 0; i < 7; i++)
        printf(" %s", words[i]);
    printf("\n");

    volatile int local = 7;
    int v = setjmp(env);
    if (v == 0) {
        local = 8;
        dive(0);
        printf("not reached\n");
    }
    printf("longjmp gave %d from depth %d, local %d\n", v, depth_reached, local);

    void *frame = __builtin_frame_address(0);
    printf("main's frame 16-byte aligned: %s\n", ((uintptr_t)frame & 15) == 0 ? "yes" : "no");
    return 0;
}
