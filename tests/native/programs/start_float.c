/* Doubles printed and parsed by the C library: every line shows whether the
 * FPU started as Linux starts it (x87 control word 0x37f: 64-bit precision,
 * exceptions masked; MXCSR 0x1f80). With both at 0, x87 arithmetic rounds
 * to single precision and the first inexact result traps. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned short x87_control_word(void)
{
    unsigned short cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    return cw;
}

static unsigned int mxcsr(void)
{
    unsigned int v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

int main(void)
{
    printf("x87 control word %#x, MXCSR %#x\n", x87_control_word(), mxcsr());

    volatile double third = 1.0 / 3.0, tenth = 0.1, big = 1e300;
    printf("%%g   %g %g %g\n", third, tenth, big * 10);
    printf("%%.17g %.17g %.17g\n", third, tenth);
    printf("%%a   %a %a\n", third, tenth);
    printf("%%e   %e %.12e\n", 2.0 / 7.0, 16777217.0);
    /* 2^24 + 1 is exact in a double but not in a float. */
    volatile double odd = 16777216.0;
    odd += 1.0;
    printf("2^24 + 1 = %.1f\n", odd);
    /* Long doubles are x87 arithmetic: the precision control shows. */
    volatile long double l = 1.0L;
    l /= 3.0L;
    printf("1/3 as long double %.21Lg, LDBL_EPSILON %Lg\n", l, LDBL_EPSILON);
    printf("sqrt-ish: %.17g\n", 1.4142135623730951 * 1.4142135623730951);

    const char *texts[] = {"0.1", "3.14159265358979323846", "1e-320", "6.02214076e23",
                           "-0.0", "inf", "nan", "0x1.8p1", "1.7976931348623157e308", "2e308"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        char *end;
        double d = strtod(texts[i], &end);
        printf("strtod(\"%s\") = %.17g (%a), %d chars\n", texts[i], d, d, (int)(end - texts[i]));
    }
    printf("strtof(\"0.1\") = %.9g, strtold(\"0.1\") = %.21Lg\n", strtof("0.1", NULL),
           strtold("0.1", NULL));
    return 0;
}
