/* A user's own static Linux program (musl libc), run as the ring-3 program:
 * it takes a signal through a handler, prints with stdio and exits 3. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void on_signal(int sig) { printf("got signal %d\n", sig); }

int main(void) {
    signal(SIGUSR1, on_signal);
    printf("pid %d\n", getpid());
    raise(SIGUSR1);
    return 3;
}
