/* The new program's arguments and environment as exec laid them out:
 * argc, each argv string, each environment string, the NULL ends, and
 * getenv on what is there. argv[0] is printed without its directory (the
 * native run is started by path, the guest by name). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv, char **envp)
{
    const char *slash = strrchr(argv[0], '/');
    printf("argc %d, argv[0] %s\n", argc, slash ? slash + 1 : argv[0]);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = \"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc] is %s\n", argv[argc] ? "not NULL" : "NULL");
    printf("envp follows argv: %s, environ is envp: %s\n", envp == argv + argc + 1 ? "yes" : "no",
           environ == envp ? "yes" : "no");
    int n = 0;
    for (char **e = envp; *e; e++, n++)
        printf("envp[%d] = \"%s\"\n", n, *e);
    printf("%d environment variables\n", n);
    const char *names[] = {"SLOWPATH_TEST", "EMPTY", "PATH", "HOME", "TERM"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *v = getenv(names[i]);
        printf("getenv(%s) = %s%s%s\n", names[i], v ? "\"" : "", v ? v : "NULL", v ? "\"" : "");
    }
    return 0;
}
