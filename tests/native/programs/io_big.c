/* Output much larger than the old 8 KiB console, on both streams. */
#include <stdio.h>

int main(void)
{
    for (int i = 0; i < 6000; i++)
        printf("line %5d of the output, which is long enough to count\n", i);
    for (int i = 0; i < 500; i++)
        fprintf(stderr, "error line %d\n", i);
    return 0;
}
