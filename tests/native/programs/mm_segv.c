/* Faults as Linux reports them: a SIGSEGV handler sees si_code and si_addr
 * and recovers with siglongjmp. With "die", a write to a read-only page
 * without a handler ends the program (status 139). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <errno.h>
#include <unistd.h>

static sigjmp_buf recover;
static volatile int got_code;
static void *volatile got_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    got_code = si->si_code;
    got_addr = si->si_addr;
    siglongjmp(recover, 1);
}

static const char *code_name(int c)
{
    return c == SEGV_MAPERR ? "SEGV_MAPERR" : c == SEGV_ACCERR ? "SEGV_ACCERR" : "other";
}

static void try(const char *what, volatile char *addr, int write)
{
    got_code = 0;
    got_addr = 0;
    if (!sigsetjmp(recover, 1)) {
        if (write)
            *addr = 1;
        else
            (void)*addr;
        printf("%-32s: no fault\n", what);
        return;
    }
    printf("%-32s: SIGSEGV %s, si_addr is the address: %s\n", what, code_name(got_code),
           got_addr == (void *)addr ? "yes" : "no");
}

int main(int argc, char **argv)
{
    const long page = 4096;
    char *ro = mmap(0, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(ro, "kept");
    mprotect(ro, 2 * page, PROT_READ);
    if (argc > 1 && !strcmp(argv[1], "die")) {
        printf("read-only page holds \"%s\"; writing to it without a handler\n", ro);
        fflush(stdout);
        ro[100] = 1;
        puts("still alive");
        return 0;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, 0);

    try("write to a read-only page", ro + 123, 1);
    try("write to the second page", ro + page + 7, 1);
    try("read of a read-only page", ro, 0);
    printf("data kept: %s\n", strcmp(ro, "kept") ? "no" : "yes");

    char *none = mmap(0, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    try("read of a PROT_NONE page", none + 5, 0);
    try("write to a PROT_NONE page", none + 5, 1);

    char *gone = mmap(0, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    gone[page] = 1; /* mapped in, then unmapped: the TLB must forget it */
    munmap(gone + page, page);
    try("read after munmap", gone + page + 9, 0);
    try("write after munmap", gone + page, 1);
    try("write beside the hole", gone + 2 * page, 1);
    try("read of NULL", 0, 0);

    mprotect(ro, page, PROT_READ | PROT_WRITE);
    try("write after mprotect RW", ro + 1, 1);
    mprotect(ro, page, PROT_READ);
    try("write after mprotect RO again", ro + 1, 1);
    /* The kernel touching user memory for a system call: an untouched page
     * is paged in, a PROT_NONE or read-only one gives EFAULT. */
    char *fresh = mmap(0, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    sigset_t *old = (sigset_t *)(fresh + page);
    printf("sigprocmask into an untouched page: %d\n", sigprocmask(SIG_BLOCK, 0, old));
    int r = sigprocmask(SIG_BLOCK, 0, (sigset_t *)ro);
    printf("sigprocmask into a read-only page: %d errno %d\n", r, errno);
    errno = 0;
    ssize_t w = write(1, none, 1);
    printf("write() from a PROT_NONE page: %zd errno %d\n", w, errno);
    errno = 0;
    printf("write() of an untouched page's byte count: %zd\n", write(1, fresh, 0));

    /* Code in a page without PROT_EXEC. */
    unsigned char *code = mmap(0, page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    code[0] = 0xc3; /* ret */
    ((void (*)(void))code)();
    puts("ret from an executable page: ok");
    mprotect(code, page, PROT_READ);
    got_code = 0;
    if (!sigsetjmp(recover, 1)) {
        ((void (*)(void))code)();
        puts("ret from a non-executable page: no fault");
    } else {
        printf("ret from a non-executable page: SIGSEGV %s, si_addr is the address: %s\n",
               code_name(got_code), got_addr == (void *)code ? "yes" : "no");
    }
    puts("done");
    return 0;
}
