/* Threads: four pthreads add to one counter under a mutex, each returns a
 * value that pthread_join collects; then threads that exit while main
 * waits, and gettid/getpid/getppid as a thread sees them. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define THREADS 4
#define ROUNDS 1000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static int order[THREADS * 2];
static int order_len;

static void *worker(void *arg)
{
    long id = (long)(intptr_t)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        long v = counter;
        if (i % 100 == 0)
            sched_yield(); /* let the others find the mutex taken */
        counter = v + 1;
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    order[order_len++] = (int)id;
    pthread_mutex_unlock(&lock);
    long tid = syscall(SYS_gettid);
    if (tid == getpid())
        return (void *)-1L; /* a thread has its own tid */
    if (getppid() != (pid_t)(intptr_t)0 && getppid() == getpid())
        return (void *)-2L;
    return (void *)(intptr_t)(id * 10);
}

static void *quitter(void *arg)
{
    (void)arg;
    pthread_exit((void *)42L);
}

int main(void)
{
    pthread_t t[THREADS];
    pid_t parent = getppid();
    for (long i = 0; i < THREADS; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i)) {
            printf("pthread_create failed\n");
            return 1;
        }
    long sum = 0;
    for (int i = 0; i < THREADS; i++) {
        void *ret;
        if (pthread_join(t[i], &ret)) {
            printf("pthread_join failed\n");
            return 1;
        }
        printf("thread %d returned %ld\n", i, (long)(intptr_t)ret);
        sum += (long)(intptr_t)ret;
    }
    printf("counter %ld (want %d), sum %ld\n", counter, THREADS * ROUNDS, sum);
    printf("every thread finished: %s\n", order_len == THREADS ? "yes" : "no");

    pthread_t q;
    void *ret;
    pthread_create(&q, NULL, quitter, NULL);
    pthread_join(q, &ret);
    printf("pthread_exit value %ld\n", (long)(intptr_t)ret);
    printf("main's ppid unchanged: %s\n", getppid() == parent ? "yes" : "no");
    printf("main tid is pid: %s\n", syscall(SYS_gettid) == getpid() ? "yes" : "no");
    return 7;
}
