/* mmap, mremap, mprotect and munmap at the top of the user address space
 * (just under TASK_SIZE, 0x7ffffffff000): fixed addresses there are the
 * same on Linux whatever the randomization, so they are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL
#define TOP 0x7ffffffff000UL /* TASK_SIZE */

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static const int anon = MAP_PRIVATE | MAP_ANONYMOUS;
static const int rw = PROT_READ | PROT_WRITE;

/* The raw system calls: musl's wrappers check some arguments themselves. */
static long sys_mmap(unsigned long addr, size_t len, int prot, int flags)
{
    return syscall(SYS_mmap, addr, len, prot, flags, -1, 0);
}

static long sys_mremap(unsigned long old, size_t old_len, size_t new_len, int flags,
                       unsigned long new_addr)
{
    return syscall(SYS_mremap, old, old_len, new_len, flags, new_addr);
}

static void show(const char *what, long r)
{
    if (r == -1)
        printf("%-52s -> errno %d (%s)\n", what, errno, strerror(errno));
    else
        printf("%-52s -> %#lx\n", what, (unsigned long)r);
}

/* Is [addr, addr + len) mapped? madvise says ENOMEM for a hole. */
static const char *mapped(unsigned long addr, size_t len)
{
    return madvise((void *)addr, len, MADV_NORMAL) == 0 ? "mapped" : "unmapped";
}

static sigjmp_buf jump;
static volatile unsigned long fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    fault_addr = (unsigned long)si->si_addr;
    fault_code = si->si_code;
    siglongjmp(jump, 1);
}

static void try_write(const char *what, unsigned long addr)
{
    fault_addr = 0;
    if (!sigsetjmp(jump, 1)) {
        *(volatile char *)addr = 1;
        printf("%-52s -> written\n", what);
    } else {
        printf("%-52s -> SIGSEGV at %#lx, %s\n", what, fault_addr,
               fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : "SEGV_MAPERR");
    }
}

static void fork_sees_its_own(unsigned long page)
{
    strcpy((char *)page, "parent");
    pid_t pid = fork();
    if (pid == 0) {
        int same = strcmp((char *)page, "parent") == 0;
        strcpy((char *)page, "child");
        _exit(same ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    printf("fork: the child saw the parent's page: %s; exit %d; the parent's page says %s\n",
           WEXITSTATUS(status) == 0 ? "yes" : "no", WEXITSTATUS(status), (char *)page);
}

int main(void)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);

    show("MAP_FIXED_NOREPLACE 2 pages at TOP-3 pages",
         sys_mmap(TOP - 3 * PAGE, 2 * PAGE, rw, anon | MAP_FIXED_NOREPLACE));
    strcpy((char *)(TOP - 3 * PAGE), "high data");
    printf("read back: %s\n", (char *)(TOP - 3 * PAGE));
    show("MAP_FIXED_NOREPLACE over it again",
         sys_mmap(TOP - 3 * PAGE, PAGE, rw, anon | MAP_FIXED_NOREPLACE));
    show("MAP_FIXED the last page (TOP-1 page)", sys_mmap(TOP - PAGE, PAGE, rw, anon | MAP_FIXED));
    show("MAP_FIXED at TOP", sys_mmap(TOP, PAGE, rw, anon | MAP_FIXED));
    show("MAP_FIXED 2 pages across TOP", sys_mmap(TOP - PAGE, 2 * PAGE, rw, anon | MAP_FIXED));
    show("hint TOP-6 pages (free)", sys_mmap(TOP - 6 * PAGE, PAGE, rw, anon));
    printf("TOP-6 pages is %s, TOP-5 pages is %s\n", mapped(TOP - 6 * PAGE, PAGE),
           mapped(TOP - 5 * PAGE, PAGE));

    /* Code runs there: mov $42, %eax; ret. */
    unsigned char code[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3};
    memcpy((void *)(TOP - PAGE), code, sizeof code);
    mprotect((void *)(TOP - PAGE), PAGE, PROT_READ | PROT_EXEC);
    int (*fn)(void) = (int (*)(void))(TOP - PAGE);
    printf("code at TOP-1 page returns %d\n", fn());
    try_write("write to the now read-only TOP-1 page", TOP - PAGE);

    /* mremap: move a low page up, with its data. */
    long low = sys_mmap(0, PAGE, rw, anon);
    strcpy((char *)low, "moved data");
    show("mremap MAYMOVE|FIXED a low page to TOP-8 pages",
         sys_mremap(low, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, TOP - 8 * PAGE));
    printf("moved page says: %s; the old place is %s\n", (char *)(TOP - 8 * PAGE),
           mapped(low, PAGE));
    show("mremap MAYMOVE|FIXED to TOP",
         sys_mremap(TOP - 8 * PAGE, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, TOP));
    show("mremap grow TOP-3 pages to 3 pages in place",
         sys_mremap(TOP - 3 * PAGE, 2 * PAGE, 3 * PAGE, 0, 0));
    show("mremap MAYMOVE|FIXED over TOP-3 pages",
         sys_mremap(TOP - 8 * PAGE, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, TOP - 3 * PAGE));
    printf("TOP-3 pages says: %s; TOP-2 pages is %s, TOP-8 pages is %s\n", (char *)(TOP - 3 * PAGE),
           mapped(TOP - 2 * PAGE, PAGE), mapped(TOP - 8 * PAGE, PAGE));

    fork_sees_its_own(TOP - 3 * PAGE);

    show("mprotect TOP-3 pages PROT_READ", mprotect((void *)(TOP - 3 * PAGE), PAGE, PROT_READ));
    try_write("write to TOP-3 pages", TOP - 3 * PAGE);
    show("munmap TOP-3 pages .. TOP", munmap((void *)(TOP - 3 * PAGE), 3 * PAGE));
    printf("TOP-3 pages is %s, TOP-1 page is %s\n", mapped(TOP - 3 * PAGE, PAGE),
           mapped(TOP - PAGE, PAGE));
    try_write("write to the unmapped TOP-3 pages", TOP - 3 * PAGE);
    show("munmap at TOP", munmap((void *)TOP, PAGE));
    show("munmap TOP-6 pages", munmap((void *)(TOP - 6 * PAGE), PAGE));
    return 0;
}
