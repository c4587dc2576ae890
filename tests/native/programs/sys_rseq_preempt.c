/* Restartable sequences against preemption: two threads add 1 to a
 * per-CPU counter, each increment a critical section (read cpu_id_start,
 * check cpu_id, load, add, store: the store commits). On one CPU the
 * timer tick switches threads wherever they are; a thread switched out
 * between its load and its store would write back a stale count, unless
 * the kernel restarts the section at abort_ip when it runs again. The
 * counters add up only if every interrupted section restarted. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rseq_area.h"

#define ITERATIONS 300000
#define MAX_CPUS 256

/* rseq_inc(area, counters): 0 when the increment committed, 1 when the
 * section was aborted (by the kernel, or because cpu_id moved). */
extern int rseq_inc(struct rseq_area* a, uint64_t* counters);
__asm__(
    ".text\n"
    ".globl rseq_inc\n"
    "rseq_inc:\n"
    "    movl (%rdi), %eax\n"
    "    leaq inc_desc(%rip), %rcx\n"
    "    movq %rcx, 8(%rdi)\n"
    "inc_start:\n"
    "    cmpl 4(%rdi), %eax\n"
    "    jne inc_abort\n"
    "    movq (%rsi,%rax,8), %rdx\n"
    "    addq $1, %rdx\n"
    "    movq %rdx, (%rsi,%rax,8)\n"
    "inc_post:\n"
    "    xorl %eax, %eax\n"
    "    ret\n"
    "    .long 0x53053053\n"
    "inc_abort:\n"
    "    movl $1, %eax\n"
    "    ret\n"
    ".data\n"
    ".balign 32\n"
    "inc_desc:\n"
    "    .long 0, 0\n"
    "    .quad inc_start, inc_post - inc_start, inc_abort\n"
    ".text\n");

static uint64_t counters[MAX_CPUS];
static struct rseq_area areas[2];
static int registered[2];

static void* worker(void* arg) {
    struct rseq_area* a = arg;
    int me = (int)(a - areas);
    registered[me] = syscall(334, a, sizeof(*a), 0, RSEQ_SIG) == 0;
    if (!registered[me]) return NULL;
    for (int i = 0; i < ITERATIONS; i++) {
        while (a->cpu_id >= MAX_CPUS || rseq_inc(a, counters)) {
        }
    }
    syscall(334, a, sizeof(*a), RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
    return NULL;
}

int main(void) {
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        if (pthread_create(&th[i], NULL, worker, &areas[i])) return 90;
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    uint64_t sum = 0;
    for (int c = 0; c < MAX_CPUS; c++) sum += counters[c];
    printf("both threads registered: %s\n", registered[0] && registered[1] ? "yes" : "no");
    printf("counters add up to %d: %s\n", 2 * ITERATIONS, sum == 2 * ITERATIONS ? "yes" : "no");
    return 0;
}
