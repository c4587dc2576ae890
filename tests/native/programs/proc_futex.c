/* A producer/consumer over raw futexes: a one-slot mailbox shared by two
 * threads (clone with CLONE_VM|CLONE_THREAD via pthread_create), each side
 * sleeping in FUTEX_WAIT until the other changes the word and calls
 * FUTEX_WAKE. Also the error cases: a changed word (EAGAIN), an unaligned
 * address (EINVAL), a bad pointer (EFAULT), an unknown op (ENOSYS), a
 * timeout nobody ends (ETIMEDOUT), and a wake with nobody waiting (0). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ITEMS 50
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)

static volatile int32_t full; /* 0: empty, 1: an item waits */
static volatile long item;
static long consumed_sum;

static long futex(volatile int32_t *addr, int op, int val, const struct timespec *ts)
{
    long r = syscall(SYS_futex, addr, op, val, ts, NULL, 0);
    return r < 0 ? -errno : r;
}

static void *consumer(void *arg)
{
    (void)arg;
    for (int n = 0; n < ITEMS; n++) {
        while (__atomic_load_n(&full, __ATOMIC_ACQUIRE) == 0)
            futex(&full, FUTEX_WAIT_PRIVATE, 0, NULL);
        consumed_sum += item;
        __atomic_store_n(&full, 0, __ATOMIC_RELEASE);
        futex(&full, FUTEX_WAKE_PRIVATE, 1, NULL);
    }
    return NULL;
}

static void show(const char *what, long r)
{
    printf("%-40s %s\n", what, r < 0 ? strerror((int)-r) : r == 0 ? "0" : "positive");
}

int main(void)
{
    pthread_t c;
    pthread_create(&c, NULL, consumer, NULL);
    long produced = 0;
    for (int n = 1; n <= ITEMS; n++) {
        while (__atomic_load_n(&full, __ATOMIC_ACQUIRE) == 1)
            futex(&full, FUTEX_WAIT_PRIVATE, 1, NULL);
        item = n * n;
        produced += n * n;
        __atomic_store_n(&full, 1, __ATOMIC_RELEASE);
        futex(&full, FUTEX_WAKE_PRIVATE, 1, NULL);
    }
    pthread_join(c, NULL);
    printf("produced %ld consumed %ld\n", produced, consumed_sum);

    static int32_t word = 5;
    struct timespec zero = {0, 0}, bad = {0, 1000000000L};
    show("wait on a changed word", futex(&word, FUTEX_WAIT, 4, NULL));
    show("wait, unaligned", futex((int32_t *)((char *)&word + 1), FUTEX_WAIT, 5, NULL));
    show("wait, bad pointer", futex((int32_t *)8, FUTEX_WAIT, 0, NULL));
    show("wait, bad timeout", futex(&word, FUTEX_WAIT, 5, &bad));
    show("wait, timeout 0", futex(&word, FUTEX_WAIT, 5, &zero));
    show("wake, nobody waits", futex(&word, FUTEX_WAKE, 1, NULL));
    show("unknown op", futex(&word, 99, 0, NULL));
    return 0;
}
