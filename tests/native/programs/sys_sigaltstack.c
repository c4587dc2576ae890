/* sigaltstack: its error cases, a handler with SA_ONSTACK that must run on
 * the alternate stack (and sees SS_ONSTACK there, and EPERM if it tries to
 * change it), a handler without SA_ONSTACK that must not, SS_AUTODISARM,
 * and SS_DISABLE. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char altstack[65536] __attribute__((aligned(16)));
#define ALT_LO ((uintptr_t)altstack)
#define ALT_HI ((uintptr_t)altstack + sizeof(altstack))

/* The raw call: the C library's wrapper may check arguments itself. */
static long raw_sigaltstack(const stack_t *ss, stack_t *old)
{
    long r = syscall(SYS_sigaltstack, ss, old);
    return r < 0 ? -errno : r;
}

static void show(const char *what, long r)
{
    printf("%-44s %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror((int)-r) : "");
}

static const char *flags_text(int f)
{
    static char buf[64];
    buf[0] = 0;
    if (f & SS_ONSTACK) strcat(buf, "SS_ONSTACK ");
    if (f & SS_DISABLE) strcat(buf, "SS_DISABLE ");
    if (f & SS_AUTODISARM) strcat(buf, "SS_AUTODISARM ");
    if (!buf[0]) strcat(buf, "0 ");
    return buf;
}

static volatile int handled;

static void handler(int sig, siginfo_t *info, void *ucv)
{
    (void)info;
    ucontext_t *uc = ucv;
    int local;
    uintptr_t sp = (uintptr_t)&local;
    printf("handler %d on the alternate stack: %s\n", sig, sp >= ALT_LO && sp < ALT_HI ? "yes" : "no");
    printf("  uc_stack: sp is ours %s, size %zu, flags %s\n",
           (uintptr_t)uc->uc_stack.ss_sp == ALT_LO ? "yes" : "no", uc->uc_stack.ss_size,
           flags_text(uc->uc_stack.ss_flags));
    stack_t now;
    raw_sigaltstack(NULL, &now);
    printf("  sigaltstack() here says %s\n", flags_text(now.ss_flags));
    stack_t other = {.ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0};
    show("  changing it from the handler", raw_sigaltstack(&other, NULL));
    handled++;
}

int main(void)
{
    stack_t old;
    show("query at start", raw_sigaltstack(NULL, &old));
    printf("  at start: sp %p, size %zu, flags %s\n", old.ss_sp, old.ss_size, flags_text(old.ss_flags));

    stack_t ss = {.ss_sp = altstack, .ss_size = 1024, .ss_flags = 0};
    show("size below MINSIGSTKSZ", raw_sigaltstack(&ss, NULL));
    ss.ss_size = sizeof(altstack);
    ss.ss_flags = 5;
    show("bad flags", raw_sigaltstack(&ss, NULL));
    ss.ss_flags = SS_ONSTACK | SS_DISABLE;
    show("SS_ONSTACK|SS_DISABLE", raw_sigaltstack(&ss, NULL));
    show("bad new pointer", raw_sigaltstack((stack_t *)8, NULL));
    show("bad old pointer", raw_sigaltstack(NULL, (stack_t *)8));
    ss.ss_flags = 0;
    show("install", raw_sigaltstack(&ss, NULL));
    raw_sigaltstack(NULL, &old);
    printf("  now: sp is ours %s, size %zu, flags %s\n", old.ss_sp == altstack ? "yes" : "no",
           old.ss_size, flags_text(old.ss_flags));

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR1);
    raise(SIGUSR2);

    ss.ss_flags = SS_AUTODISARM;
    show("install with SS_AUTODISARM", raw_sigaltstack(&ss, NULL));
    raise(SIGUSR1);
    raw_sigaltstack(NULL, &old);
    printf("  after the handler: flags %s\n", flags_text(old.ss_flags));

    ss.ss_flags = SS_DISABLE;
    ss.ss_size = 0;
    show("SS_DISABLE", raw_sigaltstack(&ss, NULL));
    raw_sigaltstack(NULL, &old);
    printf("  now: sp %p, size %zu, flags %s\n", old.ss_sp, old.ss_size, flags_text(old.ss_flags));
    raise(SIGUSR1);
    printf("%d handlers ran\n", handled);
    return 0;
}
