/* Spin-waiting threads: each side busy-waits in user mode, with no system
 * call, for a flag the other sets. Only preemption (a timer tick) lets the
 * other side run on a single CPU. Three rounds of ping-pong, then a
 * thread that spins until main, back from a sleep, tells it to stop. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#define ROUNDS 3

static atomic_int ping, pong, stop;

static void *ponger(void *arg)
{
    (void)arg;
    for (int i = 1; i <= ROUNDS; i++) {
        while (atomic_load(&ping) != i)
            ; /* spin: no system call */
        atomic_store(&pong, i);
    }
    return (void *)7L;
}

static void *spinner(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop))
        ; /* whether it spins at all before main's stop depends on timing */
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, ponger, NULL) != 0)
        return 1;
    for (int i = 1; i <= ROUNDS; i++) {
        atomic_store(&ping, i);
        while (atomic_load(&pong) != i)
            ; /* spin until the other thread answers */
        printf("round %d: pong %d\n", i, atomic_load(&pong));
    }
    void *ret;
    pthread_join(t, &ret);
    printf("ponger returned %ld\n", (long)ret);

    if (pthread_create(&t, NULL, spinner, NULL) != 0)
        return 1;
    struct timespec ts = {0, 1000};
    for (int i = 0; i < 3; i++)
        nanosleep(&ts, NULL); /* the spinner runs; main must get the CPU back */
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    printf("spinner stopped\n");
    return 0;
}
