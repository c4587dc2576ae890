/* stdio on standard input (musl's stdin needs no malloc): lines with
 * fgets, then the rest with fread, then getchar at the end of the file. */
#include <stdio.h>
#include <string.h>

int main(void)
{
    char line[256];
    int lines = 0;
    size_t bytes = 0;
    while (lines < 3 && fgets(line, sizeof line, stdin)) {
        lines++;
        bytes += strlen(line);
        printf("line %d: %s", lines, line);
    }
    char block[1000];
    size_t n, blocks = 0;
    while ((n = fread(block, 1, sizeof block, stdin)) > 0) {
        blocks++;
        bytes += n;
    }
    printf("%d lines, then %zu blocks; %zu bytes\n", lines, blocks, bytes);
    printf("getchar at the end: %d, feof %d\n", getchar(), feof(stdin) != 0);
    return 0;
}
