/*
 * A tracer's u_debugreg (PTRACE_PEEKUSER/POKEUSER at its offset): the
 * breakpoints are checked as Linux's hw_breakpoint checks them, and a
 * task's are loaded into sp_state when it is switched to, where the host
 * arms them for ring 3 (abi.h).
 */
#include "sched.h"

/* ---- u_debugreg: DR0-DR3 (user addresses), DR6 (status), DR7 (control) ---- */

#define DR6_RESERVED 0xffff0ff0ULL /* DR6 reads as this with no event */
#define DR_CONTROL_RESERVED 0xffffffff0000fc00ULL

/* The bytes breakpoint n covers under dr7 (0: the settings are not a
 * breakpoint Linux accepts: the I/O type, or an execute breakpoint with a
 * length). Execute breakpoints cover one byte. */
static int bp_len(u64 dr7, int n)
{
    unsigned rw = (dr7 >> (16 + 4 * n)) & 3, len = (dr7 >> (18 + 4 * n)) & 3;
    static const int bytes[4] = {1, 2, 8, 4};
    if (rw == 2 || (rw == 0 && len))
        return 0;
    return bytes[len];
}

/* Linux's hw_breakpoint checks: the whole range below TASK_SIZE_MAX, the
 * address aligned to the length. */
static long check_bp(u64 addr, int len)
{
    if (!len)
        return -EINVAL;
    if (addr >= SP_TASK_SIZE_MAX || addr + len > SP_TASK_SIZE_MAX || (addr & (len - 1)))
        return -EINVAL;
    return 0;
}

long set_debugreg(struct task_struct *t, int n, u64 v)
{
    u64 *dr = t->debugreg;
    if (n < 4) {
        /* A slot not in use yet is checked as a disabled one-byte
         * breakpoint, one in use with the length DR7 gives it. */
        int len = (t->debugreg_used & (1u << n)) ? bp_len(dr[7], n) : 1;
        long err = check_bp(v, len);
        if (err)
            return err;
        dr[n] = v;
        t->debugreg_used |= 1u << n;
        return 0;
    }
    if (n == 6) {
        dr[6] = v ^ DR6_RESERVED; /* kept with its bits positive */
        return 0;
    }
    if (n != 7)
        return -EIO; /* there are no DR4 and DR5 */
    u64 ctl = v & ~DR_CONTROL_RESERVED;
    for (int i = 0; i < 4; i++) {
        bool enabled = (ctl >> (2 * i)) & 3;
        if (!enabled && !(t->debugreg_used & (1u << i)))
            continue;
        long err = check_bp(dr[i], bp_len(ctl, i));
        if (err)
            return err; /* nothing changes, as Linux restores the old DR7 */
    }
    for (int i = 0; i < 4; i++)
        if ((ctl >> (2 * i)) & 3)
            t->debugreg_used |= 1u << i;
    dr[7] = v; /* read back as written, reserved bits too */
    return 0;
}

/* switch_to: the breakpoints of the task that runs next become the CPU's
 * (here sp_state's, which the host arms for ring 3: abi.h). A kernel
 * thread has none. */
void load_debugregs(struct task_struct *t)
{
    for (int i = 0; i < 4; i++)
        sp_state.user_dr[i] = t->debugreg[i];
    sp_state.user_dr7 = t->debugreg[7];
}

/* exec drops the breakpoints a tracer set, as Linux's flush_thread does;
 * a fork's child starts without them (ptrace_init_task). */
void flush_debugregs(struct task_struct *t)
{
    memset(t->debugreg, 0, sizeof(t->debugreg));
    t->debugreg_used = 0;
    if (t == current)
        load_debugregs(t);
}

/* Breakpoint n is an enabled instruction breakpoint (R/W 00). */
bool debugreg_is_execute(struct task_struct *t, int n)
{
    u64 dr7 = t->debugreg[7];
    return ((dr7 >> (2 * n)) & 3) && !((dr7 >> (16 + 4 * n)) & 3);
}

u64 get_debugreg(struct task_struct *t, int n)
{
    if (n == 6)
        return t->debugreg[6] ^ DR6_RESERVED;
    return n == 4 || n == 5 ? 0 : t->debugreg[n];
}
