/* The FPU state across a signal handler, as Linux keeps it: the handler
 * starts with the initial state (MXCSR 0x1f80, control word 0x37f), finds
 * the interrupted state through uc_mcontext.fpregs, and whatever it does to
 * the registers is undone by rt_sigreturn, which loads the saved state, an
 * edit to the saved state included. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static unsigned int get_mxcsr(void)
{
    unsigned int v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static void set_mxcsr(unsigned int v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
}

static unsigned short get_cw(void)
{
    unsigned short cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    return cw;
}

static void set_cw(unsigned short cw)
{
    __asm__ volatile("fldcw %0" : : "m"(cw));
}

static volatile int edit_saved_state;

static void handler(int sig, siginfo_t *info, void *ucv)
{
    (void)info;
    ucontext_t *uc = ucv;
    printf("in the handler for %d: MXCSR %#x, control word %#x\n", sig, get_mxcsr(), get_cw());
    struct _fpstate *fp = (struct _fpstate *)uc->uc_mcontext.fpregs;
    printf("  fpregs %s, saved MXCSR %#x, saved control word %#x, saved xmm0 %08x\n",
           fp ? "present" : "missing", fp ? fp->mxcsr : 0, fp ? fp->cwd : 0,
           fp ? fp->_xmm[0].element[0] : 0);
    printf("  fpregs 64-byte aligned: %s\n", ((unsigned long)fp & 63) == 0 ? "yes" : "no");
    /* Change the live registers: rt_sigreturn must undo this. */
    set_mxcsr(0x5f80); /* round up */
    set_cw(0x07f);     /* single precision */
    __asm__ volatile("pxor %%xmm0, %%xmm0" ::: "xmm0");
    if (edit_saved_state && fp)
        fp->mxcsr = 0x7f80; /* round toward zero, from now on */
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    set_mxcsr(0x3f80); /* round down */
    set_cw(0x27f);     /* double precision */
    unsigned int marker = 0x5a5aa5a5;
    __asm__ volatile("movd %0, %%xmm0" : : "r"(marker) : "xmm0");
    raise(SIGUSR1);
    unsigned int xmm0;
    __asm__ volatile("movd %%xmm0, %0" : "=r"(xmm0));
    printf("after the handler: MXCSR %#x, control word %#x, xmm0 %08x\n", get_mxcsr(), get_cw(),
           xmm0);

    edit_saved_state = 1;
    raise(SIGUSR1);
    printf("after the handler edited the saved state: MXCSR %#x\n", get_mxcsr());
    volatile double one = 1.0, three = 3.0;
    double q = one / three;
    printf("1/3 rounded toward zero: %a\n", q);
    return 0;
}
