/*
 * What a tracer reads of a stopped tracee besides user_regs_struct and its
 * memory (ptrace_tracer.c serves the requests): the system call a syscall
 * stop is about (PTRACE_GET_SYSCALL_INFO) and the register sets, general,
 * x87/SSE and XSAVE's image (PTRACE_GETREGSET and SETREGSET, GETFPREGS and
 * SETFPREGS), shaped as Linux's kernel/ptrace.c and arch/x86 regsets give
 * them.
 */
#include "compat.h"
#include "desc.h"
#include "mm.h"
#include "sched.h"
#include "signal.h"
#include "uaccess.h"

/* ---- PTRACE_GET_SYSCALL_INFO -------------------------------------------------------- */

/* struct ptrace_syscall_info: a 24-byte head, then what the stop is about. */
#define PTRACE_SYSCALL_INFO_NONE 0
#define PTRACE_SYSCALL_INFO_ENTRY 1
#define PTRACE_SYSCALL_INFO_EXIT 2
#define PTRACE_EVENTMSG_SYSCALL_ENTRY 1
#define PTRACE_EVENTMSG_SYSCALL_EXIT 2
#define AUDIT_ARCH_I386 0x40000003

struct ptrace_syscall_info {
    u8 op;
    u8 pad[3];
    u32 arch;
    u64 instruction_pointer;
    u64 stack_pointer;
    union {
        struct {
            u64 nr;
            u64 args[6];
        } entry;
        struct {
            s64 rval;
            u8 is_error;
        } exit;
    };
};
#define SYSCALL_INFO_HEAD_SIZE offsetof(struct ptrace_syscall_info, entry)
#define SYSCALL_INFO_ENTRY_SIZE (offsetof(struct ptrace_syscall_info, entry.args) + 6 * 8)
#define SYSCALL_INFO_EXIT_SIZE (offsetof(struct ptrace_syscall_info, exit.is_error) + 1)

/*
 * What a tracer learns of the stop it holds the tracee in. Only a syscall
 * stop that says so by its SIGTRAP|0x80 (PTRACE_O_TRACESYSGOOD) tells the
 * call; every other stop gives the head alone. At most `size` bytes are
 * written, and the answer is the size of the whole record, so a tracer
 * can tell what it missed.
 */
long ptrace_get_syscall_info(struct task_struct *t, u64 size, void __user *out)
{
    struct pt_regs *regs = task_pt_regs(t);
    bool compat = task_thread_info(t)->status & TS_COMPAT;
    struct ptrace_syscall_info info;
    memset(&info, 0, sizeof(info));
    info.op = PTRACE_SYSCALL_INFO_NONE;
    info.arch = compat ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
    info.instruction_pointer = regs->ip;
    info.stack_pointer = regs->sp;
    u64 full = SYSCALL_INFO_HEAD_SIZE;
    if (!t->last_siginfo_none && t->last_siginfo.si_code == (SIGTRAP | 0x80)) {
        if (t->ptrace_message == PTRACE_EVENTMSG_SYSCALL_ENTRY) {
            /* The registers the entry code read the call from: int $0x80
             * passes them in i386's order. */
            u64 a64[6] = {regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9};
            u64 a32[6] = {regs->bx, regs->cx, regs->dx, regs->si, regs->di, regs->bp};
            info.op = PTRACE_SYSCALL_INFO_ENTRY;
            info.entry.nr = regs->orig_ax;
            memcpy(info.entry.args, compat ? a32 : a64, sizeof(a64));
            full = SYSCALL_INFO_ENTRY_SIZE;
        } else if (t->ptrace_message == PTRACE_EVENTMSG_SYSCALL_EXIT) {
            /* -4095..-1 is an error (of an int $0x80 call, in the low 32
             * bits); any other value is a result, told as it is. */
            s64 err = compat ? (s64)(s32)regs->ax : (s64)regs->ax;
            info.op = PTRACE_SYSCALL_INFO_EXIT;
            info.exit.is_error = err < 0 && err >= -4095;
            info.exit.rval = info.exit.is_error ? err : (s64)regs->ax;
            full = SYSCALL_INFO_EXIT_SIZE;
        }
    }
    u64 n = size < full ? size : full;
    return copy_to_user(out, &info, n) ? -EFAULT : (long)full;
}

/* ---- regsets: PTRACE_GETREGSET and SETREGSET, GETFPREGS and SETFPREGS ---------------- */

#define NT_PRSTATUS 1
#define NT_PRFPREG 2
#define NT_386_IOPERM 0x201
#define NT_X86_XSTATE 0x202
#define XFEATURE_MASK_FPSSE_BITS 0x3
#define FX_STATE_END offsetof(struct fxregs_state, padding) /* x87 and SSE, no more */

/*
 * The tracee's FXSAVE image. It is stopped, so not on the CPU: the switch
 * to its tracer (or to whoever ran since) saved it, and the next switch
 * back loads what is here.
 */
static struct fxregs_state *task_fx(struct task_struct *t)
{
    return (struct fxregs_state *)t->thread.fpstate;
}

/* The regset of a note type: its words and whether the kernel has it. */
struct regset_desc {
    u32 type;
    u32 words;
};

static const struct regset_desc *find_regset(u32 type)
{
    static struct regset_desc sets[] = {
        {NT_PRSTATUS, USER_REGS_WORDS},
        {NT_PRFPREG, sizeof(struct fxregs_state) / 8},
        {NT_X86_XSTATE, 0}, /* sized at run time: XSAVE's image, none without XSAVE */
        {NT_386_IOPERM, 65536 / 64},
    };
    sets[2].words = xstate_size / 8;
    for (u32 i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        if (sets[i].type == type)
            return &sets[i];
    return NULL;
}

/* The XSAVE image a tracer reads: the legacy area up to the SSE state,
 * then in the software bytes XCR0, the features the image can hold (what
 * a debugger reads to know its layout), a header naming x87 and SSE (this
 * kernel keeps no other state), every later component in its init state
 * (zeros). */
static void build_xstate(struct task_struct *t, u8 *buf)
{
    memset(buf, 0, xstate_size);
    memcpy(buf, task_fx(t), FX_STATE_END);
    *(u64 *)(buf + offsetof(struct fxregs_state, sw_reserved)) = xfeatures_mask;
    *(u64 *)(buf + 512) = XFEATURE_MASK_FPSSE_BITS & xfeatures_mask; /* xstate_bv */
}

/* The regset's first `len` bytes (copy_regset_to_user). */
static long regset_get(struct task_struct *t, u32 type, u64 len, void __user *to)
{
    static u8 buf[4096] __aligned(16);
    /* Even an empty read asks the regset: one the task does not have fails. */
    if (type == NT_X86_XSTATE && (!xstate_size || xstate_size > sizeof(buf)))
        return -ENODEV;
    if (type == NT_386_IOPERM)
        return -ENXIO; /* this task never called ioperm */
    if (!len)
        return 0;
    switch (type) {
    case NT_PRSTATUS:
        for (int i = 0; i < USER_REGS_WORDS; i++)
            ((u64 *)buf)[i] = ptrace_getreg(t, i);
        break;
    case NT_PRFPREG:
        /* The state x87 and SSE keep; the padding and the software bytes
         * are no register, and read as zeros. */
        memset(buf, 0, sizeof(struct fxregs_state));
        memcpy(buf, task_fx(t), FX_STATE_END);
        break;
    default:
        build_xstate(t, buf);
        break;
    }
    return copy_to_user(to, buf, len) ? -EFAULT : 0;
}

/* x87 and SSE as a whole, with an MXCSR the CPU can load. */
static long set_fx(struct task_struct *t, const void __user *from, u64 len)
{
    struct fxregs_state fx;
    if (len != sizeof(fx))
        return -EINVAL; /* no partial write of this one */
    if (copy_from_user(&fx, from, sizeof(fx)))
        return -EFAULT;
    if (fx.mxcsr & ~mxcsr_feature_mask(task_fx(t)))
        return -EINVAL;
    memcpy(task_fx(t), &fx, sizeof(fx));
    return 0;
}

/* An XSAVE image, whole: only its x87 and SSE part holds state here. The
 * header must name no feature the kernel does not use, nor a compacted
 * form (copy_uabi_to_xstate's checks). */
static long set_xstate(struct task_struct *t, const void __user *from, u64 len)
{
    static u8 buf[4096] __aligned(16);
    if (!xstate_size || xstate_size > sizeof(buf))
        return -ENODEV;
    if (len != xstate_size)
        return -EFAULT;
    if (copy_from_user(buf, from, len))
        return -EFAULT;
    struct fxregs_state *fx = (struct fxregs_state *)buf;
    const u64 *hdr = (const u64 *)(buf + 512);
    if ((hdr[0] & ~xfeatures_mask) || hdr[1])
        return -EINVAL;
    for (int i = 2; i < 8; i++)
        if (hdr[i])
            return -EINVAL;
    if ((hdr[0] & 2) && (fx->mxcsr & ~mxcsr_feature_mask(task_fx(t))))
        return -EINVAL;
    /* A component the header leaves out goes to its init state. */
    struct fxregs_state *dst = task_fx(t);
    u32 mxcsr_mask = dst->mxcsr_mask;
    if (hdr[0] & 1)
        memcpy(dst, fx, offsetof(struct fxregs_state, mxcsr));
    else {
        memset(dst, 0, offsetof(struct fxregs_state, mxcsr));
        dst->cwd = 0x37f;
    }
    if (hdr[0] & 1)
        memcpy(dst->st_space, fx->st_space, sizeof(fx->st_space));
    else
        memset(dst->st_space, 0, sizeof(dst->st_space));
    if (hdr[0] & 2)
        memcpy(dst->xmm_space, fx->xmm_space, sizeof(fx->xmm_space));
    else
        memset(dst->xmm_space, 0, sizeof(dst->xmm_space));
    dst->mxcsr = (hdr[0] & 2) ? fx->mxcsr : 0x1f80;
    dst->mxcsr_mask = mxcsr_mask;
    return 0;
}

/* A write of the regset's first `len` bytes (copy_regset_from_user). */
static long regset_set(struct task_struct *t, u32 type, u64 len, const void __user *from)
{
    switch (type) {
    case NT_PRSTATUS:
        /* Word by word, as SETREGS would; a word putreg refuses stops the
         * write there, the ones before it already in place. */
        for (u64 i = 0; i < len / 8; i++) {
            u64 v;
            if (copy_from_user(&v, (const u64 __user *)from + i, 8))
                return -EFAULT;
            long err = ptrace_putreg(t, (int)i, v);
            if (err)
                return err;
        }
        return 0;
    case NT_PRFPREG:
        return set_fx(t, from, len);
    case NT_X86_XSTATE:
        return set_xstate(t, from, len);
    default:
        return -EOPNOTSUPP; /* NT_386_IOPERM can only be read */
    }
}

struct iovec_words {
    u64 base, len;
};

/* The iovec says where and how much: a length that is no whole number of
 * the regset's words is refused, a longer one cut to the regset's size,
 * and the length used is written back. */
long ptrace_regset(struct task_struct *t, bool set, u64 type, void __user *uiov)
{
    struct iovec_words iov;
    if (copy_from_user(&iov, uiov, sizeof(iov)))
        return -EFAULT;
    const struct regset_desc *rs = find_regset((u32)type);
    if (!rs || (iov.len % 8)) /* the note type is an int: addr's high bits are not read */
        return -EINVAL;
    if (iov.len > (u64)rs->words * 8)
        iov.len = (u64)rs->words * 8;
    long err = set ? regset_set(t, (u32)type, iov.len, (const void __user *)iov.base)
                   : regset_get(t, (u32)type, iov.len, (void __user *)iov.base);
    if (err)
        return err;
    return copy_to_user((u8 __user *)uiov + 8, &iov.len, 8) ? -EFAULT : 0;
}

/* PTRACE_GETFPREGS and SETFPREGS: NT_PRFPREG's 512 bytes, at `data`. */
long ptrace_getfpregs(struct task_struct *t, void __user *to)
{
    return regset_get(t, NT_PRFPREG, sizeof(struct fxregs_state), to);
}

long ptrace_setfpregs(struct task_struct *t, const void __user *from)
{
    return set_fx(t, from, sizeof(struct fxregs_state));
}
