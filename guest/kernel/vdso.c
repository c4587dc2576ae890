/*
 * The vDSO and its vvar page (Linux's arch/x86/entry/vdso/vma.c and the
 * vDSO data page of kernel/time/vsyscall.c, in this machine's terms).
 *
 * exec maps, at the top of the mmap area, one read-only vvar page and the
 * vDSO image (guest/vdso, carried by vdso_image.S), and puts the image's
 * address in the auxiliary vector as AT_SYSINFO_EHDR. The vvar page holds
 * the guest clock's counter (kernel/time.c): the kernel writes it whenever
 * the counter moves, inside a sequence count as Linux's vDSO data is
 * written, and the vDSO reads it without entering the kernel.
 *
 * Each process has its own copy of both pages, like every other page here
 * (the identity map: see mm.c). Only the running process's copy is in
 * place; a copy that waited in the stash is stale, so switch_mm writes the
 * clock again for the process it brings back.
 */
#include "mm.h"
#include "sched.h"

#include <slowpath/vvar.h>

extern const u8 vdso_image_start[], vdso_image_end[];

/* Linux's vdso64_enabled ("vdso=" on its command line): 0 maps no vDSO,
 * and exec leaves AT_SYSINFO_EHDR out. The host may clear it before the
 * first instruction; nothing does yet. */
int vdso64_enabled = 1;

s64 guest_uptime_ns(void); /* time.c: the counter */

u64 vdso_map(struct mm_struct *mm)
{
    if (!vdso64_enabled)
        return 0;
    long base = mm_map_vdso(mm, vdso_image_start, (u64)(vdso_image_end - vdso_image_start),
                            SP_VVAR_PAGES * SP_PAGE_SIZE);
    if (IS_ERR_VALUE(base))
        BUG(); /* a fresh address space has room at the top of its mmap area */
    vvar_refresh();
    return (u64)base;
}

void vvar_refresh(void)
{
    struct mm_struct *mm = active_mm;
    if (!mm || !mm->vvar)
        return;
    u64 pte = mm_kernel_write_begin(mm->vvar);
    volatile struct sp_vvar *v = (volatile struct sp_vvar *)mm->vvar;
    v->seq++; /* odd: a reader now would retry */
    asm volatile("" ::: "memory");
    v->clock_mode = SP_VDSO_CLOCKMODE_GUEST;
    v->boot_ns = guest_uptime_ns();
    v->tz_minuteswest = 0; /* nobody ever set a time zone (settimeofday) */
    v->tz_dsttime = 0;
    asm volatile("" ::: "memory");
    v->seq++;
    mm_kernel_write_end(mm->vvar, pte);
}
