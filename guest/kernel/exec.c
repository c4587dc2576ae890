/*
 * Start the user program the host loaded: lay out its initial stack the
 * way Linux's ELF loader does (create_elf_tables) and prepare the user
 * registers for the first entry into user mode.
 *
 * Stack layout, from the top of the user stack down:
 *   8 zero bytes                    end marker
 *   argument and environment strings
 *   "x86_64"                        AT_PLATFORM
 *   16 random bytes                 AT_RANDOM
 *   (padding to 16 bytes)
 *   auxv pairs ... AT_NULL
 *   NULL, envp[envc-1] ... envp[0]
 *   NULL, argv[argc-1] ... argv[0]
 *   argc                            <- rsp, 16-byte aligned
 *
 * Linux also copies the file name given to execve above the environment
 * (AT_EXECFN points at it). The host loads the program from its own file
 * system, whose paths mean nothing in here, so AT_EXECFN points at argv[0],
 * the name the program was started under.
 */
#include "mm.h"
#include "sched.h"
#include "syscalls.h"

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_MINSIGSTKSZ 51

#define CLOCKS_PER_SEC 100 /* USER_HZ: what times() counts in */

/* ELF_HWCAP: the feature word of CPUID leaf 1 (EDX), as the CPU reports it. */
static u64 elf_hwcap(void)
{
    u32 eax = 1, ebx, ecx = 0, edx;
    asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    return edx;
}

/* ELF_HWCAP2: Linux sets HWCAP2_FSGSBASE only when it has enabled the
 * RDFSBASE family in CR4, and HWCAP2_RING3MWAIT only on some Xeon Phis.
 * This kernel enables neither. */
#define ELF_HWCAP2 0

#define MAX_ARGS 256 /* argc + envc: the pointer array is built on our stack */

/* Walk the NUL-separated strings: returns the length of `count` strings
 * including their NULs, or -1 if they run past the end of the area. */
static long strings_size(const char *s, u32 count, u32 area)
{
    u32 off = 0;
    for (u32 i = 0; i < count; i++) {
        while (off < area && s[off])
            off++;
        if (off >= area)
            return -1;
        off++; /* the NUL */
    }
    return off;
}

static u64 *push_word(u64 *sp, u64 v)
{
    *--sp = v;
    return sp;
}

/* Returns the user stack pointer (where argc is). */
static u64 create_elf_tables(const struct sp_boot_params *p)
{
    u32 nstr = p->argc + p->envc;
    long size = strings_size(p->strings, nstr, SP_BOOT_STRINGS);
    if (size < 0 || nstr > MAX_ARGS || p->argc == 0)
        BUG(); /* the host promised well-formed parameters */

    /* The strings, right below the end marker. */
    char *top = (char *)(u64)SP_USER_STACK_TOP - 8;
    *(u64 *)top = 0;
    char *strings = top - size;
    memcpy(strings, p->strings, size);

    char *platform = strings - sizeof("x86_64");
    memcpy(platform, "x86_64", sizeof("x86_64"));
    char *random = platform - 16;
    memcpy(random, p->random, 16);
    random_init(p->random); /* getrandom's bytes follow from these */

    /* Pointers to each string, in order. */
    u64 str_ptr[MAX_ARGS];
    char *s = strings;
    for (u32 i = 0; i < nstr; i++) {
        str_ptr[i] = (u64)s;
        s += strlen(s) + 1;
    }

    /* In create_elf_tables' order. ARCH_DLINFO comes first: AT_SYSINFO_EHDR
     * (only when a vDSO is mapped: none is here), then AT_MINSIGSTKSZ. The
     * AT_RSEQ_* pair is left out, as by a kernel without CONFIG_RSEQ:
     * rseq() is not implemented. */
    const u64 auxv[][2] = {
        {AT_MINSIGSTKSZ, sigframe_min_size()},
        {AT_HWCAP, elf_hwcap()},
        {AT_PAGESZ, SP_PAGE_SIZE},
        {AT_CLKTCK, CLOCKS_PER_SEC},
        {AT_PHDR, p->user_phdr},
        {AT_PHENT, p->user_phent},
        {AT_PHNUM, p->user_phnum},
        {AT_BASE, 0}, /* no interpreter: a static program */
        {AT_FLAGS, 0},
        {AT_ENTRY, p->user_entry},
        {AT_UID, 0},
        {AT_EUID, 0},
        {AT_GID, 0},
        {AT_EGID, 0},
        {AT_SECURE, 0},
        {AT_RANDOM, (u64)random},
        {AT_HWCAP2, ELF_HWCAP2},
        {AT_EXECFN, str_ptr[0]},
        {AT_PLATFORM, (u64)platform},
        {AT_NULL, 0},
    };
    u64 words = 1 + (p->argc + 1) + (p->envc + 1) + 2 * ARRAY_SIZE(auxv);

    /* Where argc goes: everything above fits, and rsp ends 16-aligned. */
    u64 *sp = (u64 *)((((u64)random) - words * 8) & ~15ULL);
    u64 *w = sp + words;

    for (long i = ARRAY_SIZE(auxv) - 1; i >= 0; i--) {
        w = push_word(w, auxv[i][1]);
        w = push_word(w, auxv[i][0]);
    }
    w = push_word(w, 0);
    for (long i = (long)p->envc - 1; i >= 0; i--)
        w = push_word(w, str_ptr[p->argc + i]);
    w = push_word(w, 0);
    for (long i = (long)p->argc - 1; i >= 0; i--)
        w = push_word(w, str_ptr[i]);
    w = push_word(w, p->argc);
    BUG_ON(w != sp);
    return (u64)sp;
}

/* Build the task's user registers: zero everywhere (no kernel value may
 * leak to user mode) except where the program starts and its stack. */
struct pt_regs *start_thread(struct task_struct *t, const struct sp_boot_params *p)
{
    struct pt_regs *regs = task_pt_regs(t);
    /* The address space first: the stack pages written below must exist. */
    t->mm = &init_mm;
    mm_setup_exec(t->mm, p);
    mm_populate(t->mm, SP_USER_STACK_TOP - 8 * SP_PAGE_SIZE, SP_USER_STACK_TOP);
    memset(regs, 0, sizeof(*regs));
    regs->orig_ax = -1;
    regs->ip = p->user_entry;
    regs->cs = SP_USER_CS;
    regs->flags = X86_EFLAGS_IF | 0x2; /* bit 1 is always set */
    regs->sp = create_elf_tables(p);
    regs->ss = SP_USER_DS;
    t->sas_ss_flags = SS_DISABLE; /* no alternate signal stack */

    /* The task is named after the program, as exec names it (comm: the
     * base name, cut to 15 characters). */
    const char *name = p->strings;
    for (const char *c = p->strings; *c; c++)
        if (*c == '/')
            name = c + 1;
    memset(t->comm, 0, sizeof(t->comm));
    memcpy(t->comm, name, min(strlen(name), sizeof(t->comm) - 1));
    return regs;
}
