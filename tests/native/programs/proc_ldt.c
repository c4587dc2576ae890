/*
 * Segments a program makes itself: modify_ldt (read, the default LDT,
 * writes in the old and new mode, an "empty" write, the error cases) and
 * set_thread_area/get_thread_area, which x86-64 has only as 32-bit calls
 * (int $0x80 243/244; the 64-bit numbers 205/211 are ENOSYS). Each segment
 * is then loaded into GS and memory read through it; LAR and LSL show the
 * descriptor as the CPU sees it. fork copies the LDT, and a selector and
 * its base survive the switch to the child and back; exec (of this
 * program, from the test's root) starts with no LDT and empty TLS slots.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct udesc {
    unsigned int entry_number, base_addr, limit, flags;
};
#define SEG_32BIT 0x1u
#define CONTENTS(c) ((unsigned)(c) << 1)
#define READ_EXEC_ONLY 0x8u
#define LIMIT_IN_PAGES 0x10u
#define NOT_PRESENT 0x20u
#define USEABLE 0x40u
#define EMPTY (READ_EXEC_ONLY | NOT_PRESENT) /* the pattern that clears */

static unsigned char big[65536 + 64];
static unsigned long seg_data[4] = {0x1111111122222222UL, 0x3333333344444444UL};
static unsigned long tls_data[4] = {0x5555555566666666UL, 0x7777777788888888UL};
static struct udesc ud; /* below 4 GiB, for int $0x80 */

/* The raw rax of a 64-bit call: modify_ldt's int shows in its low half. */
static unsigned long sys3(unsigned long nr, unsigned long a, unsigned long b, unsigned long c) {
    unsigned long r;
    asm volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

static long int80(unsigned int nr, unsigned int a) {
    asm volatile("int $0x80" : "+a"(nr) : "b"(a) : "r8", "r9", "r10", "r11", "memory");
    return (int)nr;
}

static unsigned long modify_ldt(int func, void* p, unsigned long n) {
    return sys3(154, (unsigned long)func, (unsigned long)p, n);
}

static void set_ud(unsigned int entry, unsigned int base, unsigned int limit, unsigned int flags) {
    ud.entry_number = entry;
    ud.base_addr = base;
    ud.limit = limit;
    ud.flags = flags;
}

static void show_cpu_view(unsigned short sel) {
    unsigned int ar = 0, lim = 0;
    unsigned char ok_ar, ok_lim;
    asm("lar %2, %0\n\tsetz %1" : "+r"(ar), "=q"(ok_ar) : "r"((unsigned int)sel) : "cc");
    asm("lsl %2, %0\n\tsetz %1" : "+r"(lim), "=q"(ok_lim) : "r"((unsigned int)sel) : "cc");
    /* LAR's bits 19:16 are undefined (Intel SDM): the host's CPU copies the
     * limit's top bits there, Unicorn's leaves them 0. */
    ar &= 0x00f0ff00;
    printf("  sel %#x: lar %s %#x, lsl %s %#x\n", sel, ok_ar ? "ok" : "fails", ok_ar ? ar : 0,
           ok_lim ? "ok" : "fails", ok_lim ? lim : 0);
}

/* Load sel into GS, read two words through it, and put GS back to 0. */
static void read_through(unsigned short sel) {
    unsigned long a, b;
    unsigned short back;
    asm volatile(
        "mov %w3, %%gs\n\tmov %%gs:0, %0\n\tmov %%gs:8, %1\n\tmov %%gs, %w2\n\t"
        "xor %%eax, %%eax\n\tmov %%ax, %%gs"
        : "=&r"(a), "=&r"(b), "=&r"(back)
        : "r"(sel)
        : "rax", "memory");
    printf("  through %#x: %#lx %#lx (gs read back %#x)\n", sel, a, b, back);
}

static void dump_entry(int i) {
    unsigned long r = modify_ldt(0, big, sizeof(big));
    unsigned long d;
    memcpy(&d, big + 8 * i, 8);
    printf("  read: %#lx, entry %d = %#018lx\n", r, i, d);
}

static void ldt_errors(void) {
    printf("read, no LDT yet: %#lx\n", modify_ldt(0, big, 64));
    memset(big, 0xaa, 300);
    unsigned long r = modify_ldt(2, big, 300);
    int nz = 0;
    for (int i = 0; i < 300; i++) nz += big[i] != 0;
    printf("default LDT: %#lx, nonzero bytes %d\n", r, nz);
    printf("unknown func 7: %#lx\n", modify_ldt(7, big, 16));
    set_ud(0, 0, 0, SEG_32BIT);
    printf("write, 15 bytes: %#lx\n", modify_ldt(0x11, &ud, 15));
    printf("write, bad pointer: %#lx\n", modify_ldt(0x11, (void*)8, 16));
    set_ud(8192, 0, 0xfffff, SEG_32BIT);
    printf("write, entry 8192: %#lx\n", modify_ldt(0x11, &ud, 16));
    set_ud(3, 0, 0xfffff, SEG_32BIT | CONTENTS(3));
    printf("write, conforming present: %#lx\n", modify_ldt(0x11, &ud, 16));
    printf("write, conforming old mode: %#lx\n", modify_ldt(1, &ud, 16));
    printf("read, still none: %#lx\n", modify_ldt(0, big, 64));
}

static void ldt_writes(void) {
    set_ud(1, (unsigned int)(unsigned long)seg_data, 0xfff, SEG_32BIT | USEABLE);
    printf("write entry 1 (32-bit data, AVL): %#lx\n", modify_ldt(0x11, &ud, 16));
    dump_entry(1);
    dump_entry(0);
    int nz = 0;
    for (int i = 16; i < 65536; i++) nz += big[i] != 0;
    printf("  bytes past the entries nonzero: %d\n", nz);
    memset(big, 0xaa, 64);
    printf("  read 12 bytes: %#lx\n", modify_ldt(0, big, 12));
    printf("  byte 12 untouched: %#x\n", big[12]);
    show_cpu_view(0xf);
    read_through(0xf);
    set_ud(2, (unsigned int)(unsigned long)seg_data + 8, 0xffff, USEABLE);
    printf("write entry 2 (16-bit, old mode drops AVL): %#lx\n", modify_ldt(1, &ud, 16));
    dump_entry(2);
    show_cpu_view(0x17);
    read_through(0x17);
    set_ud(3, 0x1000, 0x10, SEG_32BIT | CONTENTS(2) | READ_EXEC_ONLY);
    printf("write entry 3 (execute-only code): %#lx\n", modify_ldt(0x11, &ud, 16));
    dump_entry(3);
    show_cpu_view(0x1f);
    set_ud(4, 0, 0, 0);
    printf("write entry 4 all zero, new mode: %#lx\n", modify_ldt(0x11, &ud, 16));
    dump_entry(4);
    set_ud(5, 0, 0, 0);
    printf("write entry 5 all zero, old mode: %#lx\n", modify_ldt(1, &ud, 16));
    dump_entry(5);
    set_ud(6, 0x2000, 0x5, SEG_32BIT | CONTENTS(3) | NOT_PRESENT);
    printf("write entry 6 (conforming, not present): %#lx\n", modify_ldt(0x11, &ud, 16));
    dump_entry(6);
    show_cpu_view(0x37);
    set_ud(1, 0, 0, EMPTY);
    printf("write entry 1 empty: %#lx\n", modify_ldt(0x11, &ud, 16));
    dump_entry(1);
    show_cpu_view(0xf);
    set_ud(1, (unsigned int)(unsigned long)seg_data, 0xfff, SEG_32BIT);
    modify_ldt(0x11, &ud, 16);
}

static void ldt_fork(void) {
    unsigned short sel = 0xf, gs;
    asm volatile("mov %w0, %%gs" : : "r"(sel));
    pid_t c = fork();
    if (c == 0) {
        unsigned long v;
        asm volatile("mov %%gs:0, %0" : "=r"(v));
        int same = v == seg_data[0];
        set_ud(1, (unsigned int)(unsigned long)seg_data + 16, 0xfff, SEG_32BIT);
        modify_ldt(0x11, &ud, 16);
        _exit(same ? 7 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    unsigned long v;
    asm volatile("mov %%gs:8, %0\n\tmov %%gs, %w1" : "=r"(v), "=r"(gs));
    printf("fork: child saw the LDT (status %d); after it ran: gs %#x, %%gs:8 %#lx\n",
           WEXITSTATUS(st), gs, v);
    asm volatile("mov %w0, %%gs" : : "r"(0));
    dump_entry(1);
}

static void tls(void) {
    printf("64-bit set_thread_area (205): %ld\n", (long)sys3(205, (unsigned long)&ud, 0, 0));
    printf("64-bit get_thread_area (211): %ld\n", (long)sys3(211, (unsigned long)&ud, 0, 0));
    set_ud(-1u, (unsigned int)(unsigned long)tls_data, 0xfffff, SEG_32BIT | LIMIT_IN_PAGES);
    long r = int80(243, (unsigned int)(unsigned long)&ud);
    printf("set_thread_area(-1): %ld, entry %d\n", r, (int)ud.entry_number);
    unsigned short sel = (unsigned short)(ud.entry_number * 8 + 3);
    show_cpu_view(sel);
    read_through(sel);
    memset(&ud, 0, sizeof(ud));
    ud.entry_number = sel >> 3;
    r = int80(244, (unsigned int)(unsigned long)&ud);
    printf("get_thread_area(%u): %ld, base %s, limit %#x, flags %#x\n", sel >> 3, r,
           ud.base_addr == (unsigned int)(unsigned long)tls_data ? "ours" : "other", ud.limit,
           ud.flags);
    set_ud(-1u, 0, 0xfff, 0);
    printf("set_thread_area 16-bit: %ld\n", int80(243, (unsigned int)(unsigned long)&ud));
    set_ud(-1u, 0, 0xfff, SEG_32BIT | CONTENTS(2));
    printf("set_thread_area code: %ld\n", int80(243, (unsigned int)(unsigned long)&ud));
    set_ud(-1u, 0, 0xfff, SEG_32BIT | NOT_PRESENT);
    printf("set_thread_area not present: %ld\n", int80(243, (unsigned int)(unsigned long)&ud));
    set_ud(11, 0, 0xfff, SEG_32BIT);
    printf("set_thread_area(11): %ld\n", int80(243, (unsigned int)(unsigned long)&ud));
    for (int i = 0; i < 3; i++) {
        set_ud(-1u, 0x1000 * i, 0xfff, SEG_32BIT);
        r = int80(243, (unsigned int)(unsigned long)&ud);
        printf("set_thread_area(-1) again: %ld, entry %d\n", r, (int)ud.entry_number);
    }
    printf("bad pointer: %ld\n", int80(243, 8));
    /* GS holds the slot while it changes: it is loaded again. */
    asm volatile("mov %w0, %%gs" : : "r"(sel));
    set_ud(sel >> 3, (unsigned int)(unsigned long)tls_data + 8, 0xfffff, SEG_32BIT);
    r = int80(243, (unsigned int)(unsigned long)&ud);
    unsigned long v;
    unsigned short gs;
    asm volatile("mov %%gs:0, %0\n\tmov %%gs, %w1" : "=r"(v), "=r"(gs));
    printf("rewrite the slot GS holds: %ld, gs %#x, %%gs:0 %#lx\n", r, gs, v);
    set_ud(sel >> 3, 0, 0, EMPTY);
    r = int80(243, (unsigned int)(unsigned long)&ud);
    asm volatile("mov %%gs, %w0" : "=r"(gs));
    printf("clear it: %ld, gs now %#x\n", r, gs);
    memset(&ud, 0, sizeof(ud));
    ud.entry_number = sel >> 3;
    r = int80(244, (unsigned int)(unsigned long)&ud);
    printf("get_thread_area after clear: %ld, base %#x limit %#x flags %#x\n", r, ud.base_addr,
           ud.limit, ud.flags);
    ud.entry_number = 15;
    printf("get_thread_area(15): %ld\n", int80(244, (unsigned int)(unsigned long)&ud));
}

/* GS names an entry that stops being present while the task is switched
 * out (it waits for a child): the switch back cannot load it, so GS comes
 * back 0 with its base kept, as Linux's fault fixup leaves it. */
static void ldt_gone_while_away(void) {
    set_ud(7, (unsigned int)(unsigned long)seg_data, 0xfff, SEG_32BIT);
    modify_ldt(0x11, &ud, 16);
    asm volatile("mov %w0, %%gs" : : "r"(0x3f));
    set_ud(7, (unsigned int)(unsigned long)seg_data, 0xfff, SEG_32BIT | NOT_PRESENT);
    printf("entry 7 not present under GS: %#lx\n", modify_ldt(0x11, &ud, 16));
    pid_t c = fork();
    if (c == 0) {
        usleep(20000);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    unsigned short gs;
    unsigned long base = 0;
    asm volatile("mov %%gs, %w0" : "=r"(gs));
    sys3(158, 0x1004, (unsigned long)&base, 0); /* ARCH_GET_GS */
    printf("after the switch: gs %#x, base %s\n", gs,
           base == (unsigned long)seg_data ? "kept" : "changed");
    asm volatile("mov %w0, %%gs" : : "r"(0));
}

/* What a new program finds: exec drops the LDT and clears the TLS slots. */
static void after_exec(void) {
    printf("after exec: read %#lx\n", modify_ldt(0, big, 64));
    show_cpu_view(0xf);
    for (unsigned int i = 12; i <= 14; i++) {
        memset(&ud, 0, sizeof(ud));
        ud.entry_number = i;
        long r = int80(244, (unsigned int)(unsigned long)&ud);
        printf("after exec: get_thread_area(%u): %ld, flags %#x\n", i, r, ud.flags);
    }
}

static void exec_child(void) {
    pid_t c = fork();
    if (c == 0) {
        char* args[] = {"proc_ldt", "after-exec", NULL};
        execv("./proc_ldt", args);
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    printf("exec child: status %d\n", WEXITSTATUS(st));
}

int main(int argc, char** argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "after-exec") == 0) {
        after_exec();
        return 0;
    }
    ldt_errors();
    ldt_writes();
    ldt_fork();
    ldt_gone_while_away();
    tls();
    exec_child();
    return 0;
}
