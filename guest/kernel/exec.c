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
#include "desc.h"
#include "fs.h"
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
#define AT_RSEQ_FEATURE_SIZE 27
#define AT_RSEQ_ALIGN 28
#define AT_EXECFN 31
#define AT_SYSINFO_EHDR 33
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
 * RDFSBASE family in CR4, and HWCAP2_RING3MWAIT only on some Xeon Phis. */
#define HWCAP2_FSGSBASE (1UL << 1)
#define ELF_HWCAP2 (fsgsbase_enabled ? HWCAP2_FSGSBASE : 0)

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

/* Returns the user stack pointer (where argc is). vdso: the vDSO's ELF
 * header, 0 if none is mapped. */
static u64 create_elf_tables(const struct sp_boot_params *p, u64 vdso)
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
     * (only when a vDSO is mapped), then AT_MINSIGSTKSZ; CONFIG_RSEQ's
     * pair comes last. */
    const u64 all_auxv[][2] = {
        {AT_SYSINFO_EHDR, vdso},
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
        {AT_RSEQ_FEATURE_SIZE, RSEQ_FEATURE_SIZE},
        {AT_RSEQ_ALIGN, RSEQ_ALIGN},
        {AT_NULL, 0},
    };
    const u64(*auxv)[2] = vdso ? all_auxv : all_auxv + 1;
    long nauxv = (long)ARRAY_SIZE(all_auxv) - (vdso ? 0 : 1);
    u64 words = 1 + (p->argc + 1) + (p->envc + 1) + 2 * (u64)nauxv;

    /* Where argc goes: everything above fits, and rsp ends 16-aligned. */
    u64 *sp = (u64 *)((((u64)random) - words * 8) & ~15ULL);
    u64 *w = sp + words;

    for (long i = nauxv - 1; i >= 0; i--) {
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
    u64 vdso = vdso_map(t->mm);
    memset(regs, 0, sizeof(*regs));
    regs->orig_ax = -1;
    regs->ip = p->user_entry;
    regs->cs = SP_USER_CS;
    regs->flags = X86_EFLAGS_IF | 0x2; /* bit 1 is always set */
    regs->sp = create_elf_tables(p, vdso);
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

/* ---- execve -------------------------------------------------------------------- */

/*
 * execve of a static ELF program from the --root view: the kernel does
 * here what the host does for the first program (read the PT_LOAD
 * segments into place) and then what start_thread does. No interpreter
 * (PT_INTERP gives ENOEXEC... Linux would run it), no scripts ("#!").
 * The old address space goes first; an error after that point kills the
 * process with SIGSEGV, as Linux does past its point of no return.
 */
struct elf64_ehdr {
    u8 e_ident[16];
    u16 e_type, e_machine;
    u32 e_version;
    u64 e_entry, e_phoff, e_shoff;
    u32 e_flags;
    u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr_x {
    u32 p_type, p_flags;
    u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD_X 1
#define PT_INTERP 3
#define MAX_PHDRS 16

static struct sp_boot_params exec_params;

/* Copy a NULL-terminated user array of strings after `at` in strings[];
 * returns the new end, or -errno. */
static long copy_strings(const u64 __user *argv, u32 *count, long at)
{
    *count = 0;
    if (!argv)
        return at; /* Linux takes a NULL argv or envp as empty */
    for (;;) {
        u64 ptr;
        if (get_user_u64(&ptr, &argv[*count]))
            return -EFAULT;
        if (!ptr)
            return at;
        if (*count >= MAX_ARGS)
            return -E2BIG;
        for (;;) {
            if (at >= SP_BOOT_STRINGS)
                return -E2BIG;
            if (copy_from_user(&exec_params.strings[at], (const char __user *)ptr, 1))
                return -EFAULT;
            ptr++;
            if (!exec_params.strings[at++])
                break;
        }
        (*count)++;
    }
}

void mm_exec_teardown(struct mm_struct *mm); /* mm.c */
struct mm_struct *mm_alloc_empty(void);     /* mm.c */
void populate_for_exec(u64 start, u64 end); /* mm.c */

/* What exec resets: handlers (not ignored signals), the alternate stack,
 * the thread pointer, close-on-exec descriptors and the FPU. */
static void flush_old_exec_state(struct task_struct *me)
{
    for (int sig = 1; sig <= _NSIG; sig++) {
        struct k_sigaction *ka = sig_action(me, sig);
        if (ka->handler != SIG_IGN) {
            ka->handler = SIG_DFL;
            ka->flags = 0;
            ka->mask = 0;
        }
    }
    me->sas_ss_sp = me->sas_ss_size = 0;
    me->sas_ss_flags = SS_DISABLE;
    /* start_thread: null selectors, zero bases. */
    me->thread.fs = me->thread.gs = 0;
    me->usel.ds = me->usel.es = me->usel.fs = me->usel.gs = 0;
    memset(me->tls_array, 0, sizeof(me->tls_array));
    load_tls(me);
    load_mm_ldt(me->mm); /* none: mm_setup_exec dropped it */
    load_user_segments(me);
    me->clear_child_tid = 0;
    me->robust_list = 0;
    rseq_execve(me);
    flush_debugregs(me);
    do_close_on_exec();
    extern const u8 init_fpstate[512]; /* signal.c: FNINIT, MXCSR 0x1f80 */
    asm volatile("fxrstorq %0" : : "m"(*(const u8(*)[512])init_fpstate));
}

/* A thread that exec's zap ends: what it holds goes back, as its own
 * do_exit would give it back (its tid word is cleared and woken). A
 * thread that has exited already holds nothing. */
static void zap_thread(struct task_struct *t, struct task_struct *new_leader)
{
    if (t->state != TASK_DEAD) {
        futex_unqueue(t);
        flush_sigqueue(&t->pending);
        exit_mm_release(t);
        exit_ptrace(t);
        ptrace_exit_tracee(t, false);
        mm_put(t->mm);
        put_files(t->files);
        t->mm = NULL;
        t->files = NULL;
        t->state = TASK_DEAD;
    }
    if (t->sighand) {
        sighand_put(t->sighand);
        t->sighand = NULL;
    }
    t->exit_state = EXIT_DEAD;
    t->group_leader = new_leader;
}

/* The process's own state, kept in its leader, moves to the thread that
 * takes the leader's place; so do the leader's pid and its children. */
static void take_leadership(struct task_struct *me, struct task_struct *leader)
{
    struct task_struct *t;
    s32 old_pid = me->pid;
    me->pid = leader->pid;
    leader->pid = old_pid; /* exchange_tids */
    me->shared_pending = leader->shared_pending;
    leader->shared_pending = (struct sigpending){0, NULL};
    me->curr_target = me;
    me->group_exit_sig = leader->group_exit_sig;
    me->signal_flags = leader->signal_flags;
    me->group_stop_code = leader->group_stop_code;
    me->pgid = leader->pgid;
    me->sid = leader->sid;
    me->session_leader = leader->session_leader;
    me->fork_noexec = leader->fork_noexec;
    me->next_timer_id = leader->next_timer_id;
    me->parent = leader->parent;
    me->exit_code = 0;
    for_each_task(t) if (t->parent == leader) t->parent = me;
    if (child_reaper == leader)
        child_reaper = me;
}

/*
 * de_thread: the other threads of the process end (Linux sends each a
 * SIGKILL and waits; here every other thread is switched out at a
 * schedule() point holding nothing, so it simply ends there), and a
 * thread that is not the leader becomes it, with its pid. EAGAIN when
 * the process is ending already.
 */
static int de_thread(struct task_struct *me)
{
    struct task_struct *leader = me->group_leader, *t;
    if (leader->group_exit_sig || me->group_exiting)
        return -EAGAIN;
    for_each_task(t)
    {
        if (t != me && t->group_leader == leader && t->exit_state != EXIT_DEAD)
            zap_thread(t, me);
    }
    me->group_leader = me;
    me->group_stop_count = 0;
    if (me != leader)
        take_leadership(me, leader);
    me->exit_signal = SIGCHLD;
    return 0;
}

/* The process becomes the exec'ing thread's alone: no other threads, a
 * handler table of its own, no POSIX timers (begin_new_exec). */
static int exec_become_alone(struct task_struct *me)
{
    struct task_struct *old_leader = me->group_leader;
    int err = de_thread(me);
    if (!err)
        err = unshare_sighand(me);
    if (!err)
        exit_itimers(old_leader);
    return err;
}

/* argv and envp into exec_params; 0 or -errno. */
static long copy_exec_args(const u64 __user *argv, const u64 __user *envp)
{
    long at = copy_strings(argv, &exec_params.argc, 0);
    if (at >= 0)
        at = copy_strings(envp, &exec_params.envc, at);
    if (at < 0)
        return at;
    if (!exec_params.argc) {
        /* Linux gives an empty argv one empty string (6.x, with a warning). */
        if (at >= SP_BOOT_STRINGS)
            return -E2BIG;
        memmove(exec_params.strings + 1, exec_params.strings, (size_t)at);
        exec_params.strings[0] = 0;
        exec_params.argc = 1;
    }
    return 0;
}

/* The task's name is the last part of the path it was started by. */
static void set_comm_from_path(struct task_struct *me, const char *path)
{
    const char *name = path;
    for (const char *c = path; *c; c++)
        if (*c == '/')
            name = c + 1;
    memset(me->comm, 0, sizeof(me->comm));
    memcpy(me->comm, name, min(strlen(name), sizeof(me->comm) - 1));
}

noinline long sys_execve(const char __user *path, const u64 __user *argv, const u64 __user *envp)
{
    struct task_struct *me = current;
    struct pt_regs *regs = task_pt_regs(me);
    long fd = open_exec_fd(path);
    if (fd < 0)
        return fd;
    struct elf64_ehdr eh;
    struct elf64_phdr_x ph[MAX_PHDRS];
    long err = -ENOEXEC;
    if (kernel_pread(fd, &eh, sizeof(eh), 0) != (long)sizeof(eh))
        goto out_close;
    if (eh.e_ident[0] != 0x7f || eh.e_ident[1] != 'E' || eh.e_ident[2] != 'L' ||
        eh.e_ident[3] != 'F' || eh.e_ident[4] != 2 || eh.e_type != ET_EXEC ||
        eh.e_machine != EM_X86_64 || eh.e_phentsize != sizeof(ph[0]) || !eh.e_phnum ||
        eh.e_phnum > MAX_PHDRS)
        goto out_close;
    if (kernel_pread(fd, ph, eh.e_phnum * sizeof(ph[0]), eh.e_phoff) !=
        (long)(eh.e_phnum * sizeof(ph[0])))
        goto out_close;
    u64 lo = ~0ULL, hi = 0, phdr_addr = 0;
    for (int i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type == PT_INTERP)
            goto out_close;
        if (ph[i].p_type != PT_LOAD_X || !ph[i].p_memsz)
            continue;
        if (ph[i].p_filesz > ph[i].p_memsz || ph[i].p_vaddr < SP_USER_BASE ||
            ph[i].p_vaddr + ph[i].p_memsz > STASH_BASE / 2)
            goto out_close;
        lo = min(lo, ph[i].p_vaddr);
        hi = ph[i].p_vaddr + ph[i].p_memsz > hi ? ph[i].p_vaddr + ph[i].p_memsz : hi;
        if (ph[i].p_offset <= eh.e_phoff &&
            eh.e_phoff + eh.e_phnum * sizeof(ph[0]) <= ph[i].p_offset + ph[i].p_filesz)
            phdr_addr = ph[i].p_vaddr + (eh.e_phoff - ph[i].p_offset);
    }
    if (!hi)
        goto out_close;

    /* The arguments, from the old address space. */
    err = copy_exec_args(argv, envp);
    if (err)
        goto out_close;

    /* ---- the point of no return ---- */
    long old_pid = me->pid; /* PTRACE_EVENT_EXEC's message, before de_thread */
    err = exec_become_alone(me);
    if (err)
        goto out_close;
    const struct sp_boot_params *boot = (const struct sp_boot_params *)(u64)SP_BOOT_PARAMS;
    exec_params.magic = SP_BOOT_MAGIC;
    exec_params.random[0] = boot->random[0] ^ (u64)me->pid;
    exec_params.random[1] = boot->random[1];
    exec_params.user_entry = eh.e_entry;
    exec_params.user_brk = (hi + SP_PAGE_SIZE - 1) & ~(u64)(SP_PAGE_SIZE - 1);
    exec_params.user_phdr = phdr_addr;
    exec_params.user_phnum = eh.e_phnum;
    exec_params.user_phent = sizeof(ph[0]);

    /* A shared address space (a vfork child's parent, threads) stays with
     * the others; a private one is emptied. */
    struct mm_struct *mm = me->mm;
    if (mm->users > 1) {
        struct mm_struct *fresh = mm_alloc_empty();
        if (!fresh) {
            err = -ENOMEM;
            goto out_close;
        }
        switch_mm(mm, fresh); /* the old pages go to the stash for the others */
        mm_put(mm);
        mm = fresh;
        me->mm = mm;
    } else {
        mm_exec_teardown(mm);
    }
    exit_mm_release(me); /* a vfork parent runs again */

    populate_for_exec(SP_USER_BASE, exec_params.user_brk);
    for (int i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD_X || !ph[i].p_filesz)
            continue;
        if (kernel_pread(fd, (void *)ph[i].p_vaddr, ph[i].p_filesz, ph[i].p_offset) !=
            (long)ph[i].p_filesz)
            BUG(); /* the file changed under us */
    }
    sys_close((unsigned long)fd);
    mm_setup_exec(mm, &exec_params);
    mm_populate(mm, SP_USER_STACK_TOP - 8 * SP_PAGE_SIZE, SP_USER_STACK_TOP);
    u64 vdso = vdso_map(mm);

    flush_old_exec_state(me);

    memset(regs, 0, sizeof(*regs));
    regs->orig_ax = __NR_execve;
    regs->ip = exec_params.user_entry;
    regs->cs = SP_USER_CS;
    regs->flags = X86_EFLAGS_IF | 0x2;
    regs->sp = create_elf_tables(&exec_params, vdso);
    regs->ss = SP_USER_DS;
    set_comm_from_path(me, exec_params.strings);
    me->group_leader->fork_noexec = false; /* its parent may no longer setpgid it */
    ptrace_exec_notify(old_pid);
    return 0;

out_close:
    sys_close((unsigned long)fd);
    return err;
}
