/*
 * Segments a process makes for itself: the LDT (modify_ldt) and the three
 * thread-local GDT slots (set_thread_area, a 32-bit call here as on
 * x86-64 Linux, where 205 and 211 have no 64-bit entry point).
 *
 * modify_ldt(func, ptr, bytecount), as Linux answers it:
 *   func 0  copies the LDT out: nothing (0) while the process has none;
 *           else bytecount bytes (at most 8192 entries' worth), the part
 *           past the table's entries zero, and returns that count.
 *   func 2  "the default LDT": up to 128 zero bytes, returns their count.
 *   func 1  (old mode) and 0x11 write one entry from a struct user_desc
 *           of exactly 16 bytes. The entry number must be below 8192.
 *           contents 3 (a conforming code segment) only in the new mode,
 *           and only not present. A descriptor that says "empty" (the
 *           LDT_empty pattern, or in the old mode a zero base and limit)
 *           clears the entry; otherwise it becomes a DPL 3, accessed,
 *           never 64-bit (L=0) segment, with AVL forced to 0 in the old
 *           mode. The table grows to the entry and never shrinks. The
 *           running process gets it at once, and DS/ES that name an LDT
 *           selector are loaded again so that they see the new entry.
 *   other   -ENOSYS.
 * The result is an int in the low half of rax: -EINVAL comes back as
 * 0x00000000ffffffea, not as a negative 64-bit value.
 *
 * The LDT belongs to the address space (fork copies it, a thread shares
 * it, exec drops it) and the switch to a task loads it (LLDT); the TLS
 * slots belong to the thread (fork and clone copy them, exec clears them)
 * and the switch writes them into GDT entries 12-14.
 */
#include "compat.h"
#include "desc.h"
#include "mm.h"
#include "sched.h"
#include "syscalls.h"
#include "uaccess.h"

/* struct user_desc: the user's description of one segment (asm/ldt.h). */
struct user_desc {
    u32 entry_number;
    u32 base_addr;
    u32 limit;
    u32 flags; /* the UD_ bits */
};
#define UD_SEG_32BIT (1u << 0)
#define UD_CONTENTS(f) (((f) >> 1) & 3u) /* 0 data, 1 expand-down data, 2 code, 3 conforming */
#define UD_READ_EXEC_ONLY (1u << 3)
#define UD_LIMIT_IN_PAGES (1u << 4)
#define UD_SEG_NOT_PRESENT (1u << 5)
#define UD_USEABLE (1u << 6)
#define UD_LM (1u << 7)

/* The bits of an 8-byte code/data descriptor. */
#define DESC_ACCESSED (1ull << 40)
#define DESC_WRITABLE (1ull << 41) /* readable, for code */
#define DESC_S (1ull << 44)
#define DESC_DPL3 (3ull << 45)
#define DESC_P (1ull << 47)
#define DESC_AVL (1ull << 52)
#define DESC_L (1ull << 53)
#define DESC_DB (1ull << 54)
#define DESC_G (1ull << 55)

#define SEL_TI_LDT 4u

/* "No segment": the pattern Linux's LDT_empty names, and (for the TLS
 * slots, where programs pass it) a descriptor that is all zero. */
static bool ud_empty(const struct user_desc* u) {
    return !u->base_addr && !u->limit &&
           (u->flags & 0xff & ~UD_LM) == (UD_READ_EXEC_ONLY | UD_SEG_NOT_PRESENT);
}
static bool ud_zero(const struct user_desc* u) {
    return !u->base_addr && !u->limit && !(u->flags & 0x7f);
}

static u64 desc_from_user(const struct user_desc* u) {
    u64 base = u->base_addr, limit = u->limit & 0xfffff;
    u64 d =
        (limit & 0xffff) | ((base & 0xffffff) << 16) | ((base >> 24) << 56) | ((limit >> 16) << 48);
    d |= DESC_ACCESSED | DESC_S | DESC_DPL3 | ((u64)UD_CONTENTS(u->flags) << 42);
    if (!(u->flags & UD_READ_EXEC_ONLY)) d |= DESC_WRITABLE;
    if (!(u->flags & UD_SEG_NOT_PRESENT)) d |= DESC_P;
    if (u->flags & UD_USEABLE) d |= DESC_AVL;
    if (u->flags & UD_SEG_32BIT) d |= DESC_DB;
    if (u->flags & UD_LIMIT_IN_PAGES) d |= DESC_G;
    return d; /* L stays 0: no 64-bit segment from user mode */
}

static u32 desc_base(u64 d) {
    return (u32)(((d >> 16) & 0xffffff) | ((d >> 56) << 24));
}

static void desc_to_user(struct user_desc* u, u32 idx, u64 d) {
    u->entry_number = idx;
    u->base_addr = desc_base(d);
    u->limit = (u32)((d & 0xffff) | (((d >> 48) & 0xf) << 16));
    u32 type = (u32)(d >> 40) & 0xf;
    u->flags = ((type >> 2) << 1) | ((type & 2) ? 0 : UD_READ_EXEC_ONLY);
    if (d & DESC_DB) u->flags |= UD_SEG_32BIT;
    if (d & DESC_G) u->flags |= UD_LIMIT_IN_PAGES;
    if (!(d & DESC_P)) u->flags |= UD_SEG_NOT_PRESENT;
    if (d & DESC_AVL) u->flags |= UD_USEABLE;
    if (d & DESC_L) u->flags |= UD_LM;
}

/* ---- loading them ------------------------------------------------------ */

void load_mm_ldt(struct mm_struct* mm) {
    u16 sel = 0;
    if (mm && mm->ldt_nr) {
        u64 base = (u64)mm->ldt, limit = (u64)mm->ldt_nr * 8 - 1;
        /* A 16-byte system descriptor: type 2 (LDT), present, DPL 0. */
        gdt_page[GDT_ENTRY_LDT] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x82ull << 40) |
                                  ((limit >> 16) << 48) | (((base >> 24) & 0xff) << 56);
        gdt_page[GDT_ENTRY_LDT + 1] = base >> 32;
        sel = GDT_ENTRY_LDT * 8;
    }
    asm volatile("lldt %w0" : : "r"(sel) : "memory");
}

void load_tls(const struct task_struct* t) {
    for (int i = 0; i < GDT_ENTRY_TLS_ENTRIES; i++)
        gdt_page[GDT_ENTRY_TLS_MIN + i] = t->tls_array[i];
}

void ldt_dup(struct mm_struct* to, const struct mm_struct* from) {
    to->ldt_nr = from->ldt_nr;
    memcpy(to->ldt, from->ldt, (size_t)from->ldt_nr * 8);
}

/* Would `mov sel, %ds` succeed? A present data segment or readable code
 * segment that ring 3 may use; else Linux's fixup loads the null selector. */
static u16 data_selector_or_null(u16 sel) {
    u32 ar = 0;
    bool ok;
    asm("lar %k2, %0\n\tsetz %1" : "+r"(ar), "=qm"(ok) : "r"((u32)sel) : "cc");
    bool code = ar & (8u << 8), readable = ar & (2u << 8);
    if (!ok || !(ar & AR_P) || (code && !readable)) return 0;
    return sel;
}

#define RELOAD_IF(reg, cond)                             \
    do {                                                 \
        u16 s;                                           \
        asm volatile("movw %%" #reg ", %0" : "=r"(s));   \
        if (cond) {                                      \
            s = data_selector_or_null(s);                \
            asm volatile("movw %0, %%" #reg : : "r"(s)); \
        }                                                \
    } while (0)

/* ---- espfix ---------------------------------------------------------- */

/* The 4 GiB at ESPFIX_BASE: every 64 KiB starts with espfix_page, so an
 * address there can have any bits 31:16 (entry/calling.h). One table of
 * each level does it: the PTEs of each 2 MiB name the page every 16th
 * entry, every PMD entry names that table, four PUD entries the PMD. The
 * loader fills them in; boot only links the PUD into the PML4. */
#define ESPFIX_KERNEL_RW 0x3ull /* present, writable, not user */
#define EVERY_64K(i) [(i) * 16] = (u64)espfix_page + ESPFIX_KERNEL_RW
static u8 espfix_page[4096] __aligned(4096);
static u64 espfix_pte[512] __aligned(4096) = {
    EVERY_64K(0),  EVERY_64K(1),  EVERY_64K(2),  EVERY_64K(3),  EVERY_64K(4),  EVERY_64K(5),
    EVERY_64K(6),  EVERY_64K(7),  EVERY_64K(8),  EVERY_64K(9),  EVERY_64K(10), EVERY_64K(11),
    EVERY_64K(12), EVERY_64K(13), EVERY_64K(14), EVERY_64K(15), EVERY_64K(16), EVERY_64K(17),
    EVERY_64K(18), EVERY_64K(19), EVERY_64K(20), EVERY_64K(21), EVERY_64K(22), EVERY_64K(23),
    EVERY_64K(24), EVERY_64K(25), EVERY_64K(26), EVERY_64K(27), EVERY_64K(28), EVERY_64K(29),
    EVERY_64K(30), EVERY_64K(31),
};
static u64 espfix_pmd[512] __aligned(4096) = {[0 ... 511] = (u64)espfix_pte + ESPFIX_KERNEL_RW};
u64 espfix_pud[512] __aligned(4096) = {[0 ... 3] = (u64)espfix_pmd + ESPFIX_KERNEL_RW};
_Static_assert((ESPFIX_BASE & ((1ull << 39) - 1)) == 0, "espfix has a PML4 entry of its own");

/* ---- modify_ldt ------------------------------------------------------- */

static const u8 zeros[256];

static long clear_user_bytes(u8 __user* p, u64 n) {
    while (n) {
        u64 k = n < sizeof(zeros) ? n : sizeof(zeros);
        if (copy_to_user(p, zeros, k)) return -EFAULT;
        p += k;
        n -= k;
    }
    return 0;
}

static long read_ldt(u8 __user* ptr, u64 bytecount) {
    struct mm_struct* mm = current->mm;
    if (!mm->ldt_nr) return 0;
    if (bytecount > LDT_ENTRIES * 8) bytecount = LDT_ENTRIES * 8;
    u64 have = (u64)mm->ldt_nr * 8;
    if (have > bytecount) have = bytecount;
    if (copy_to_user(ptr, mm->ldt, have) || clear_user_bytes(ptr + have, bytecount - have))
        return -EFAULT;
    return (long)bytecount;
}

static long write_ldt(const void __user* ptr, u64 bytecount, bool oldmode) {
    struct user_desc u;
    if (bytecount != sizeof(u)) return -EINVAL;
    if (copy_from_user(&u, ptr, sizeof(u))) return -EFAULT;
    if (u.entry_number >= LDT_ENTRIES) return -EINVAL;
    if (UD_CONTENTS(u.flags) == 3 && (oldmode || !(u.flags & UD_SEG_NOT_PRESENT))) return -EINVAL;
    u64 d = 0;
    if (!((oldmode && !u.base_addr && !u.limit) || ud_empty(&u))) {
        d = desc_from_user(&u);
        if (oldmode) d &= ~DESC_AVL;
    }
    /* What this kernel keeps per process (Linux allocates up to 8192). */
    if (u.entry_number >= LDT_MAX_ENTRIES) return -ENOMEM;
    struct mm_struct* mm = current->mm;
    if (u.entry_number >= mm->ldt_nr) {
        for (u32 i = mm->ldt_nr; i < u.entry_number; i++) mm->ldt[i] = 0;
        mm->ldt_nr = u.entry_number + 1;
    }
    mm->ldt[u.entry_number] = d;
    load_mm_ldt(mm);
    RELOAD_IF(ds, s & SEL_TI_LDT);
    RELOAD_IF(es, s & SEL_TI_LDT);
    return 0;
}

noinline long sys_modify_ldt(int func, void __user* ptr, unsigned long bytecount) {
    long ret = -ENOSYS;
    switch (func) {
        case 0:
            ret = read_ldt(ptr, bytecount);
            break;
        case 1:
            ret = write_ldt(ptr, bytecount, true);
            break;
        case 2:
            ret = bytecount > 128 ? 128 : (long)bytecount;
            if (clear_user_bytes(ptr, (u64)ret)) ret = -EFAULT;
            break;
        case 0x11:
            ret = write_ldt(ptr, bytecount, false);
            break;
    }
    return (long)(u32)ret; /* an int, as the ABI has it */
}

/* ---- set_thread_area / get_thread_area (int $0x80) ---------------------- */

noinline long sys_set_thread_area(struct user_desc __user* uptr) {
    struct task_struct* me = current;
    struct user_desc u;
    if (copy_from_user(&u, uptr, sizeof(u))) return -EFAULT;
    bool clear = ud_empty(&u) || ud_zero(&u);
    /* Only present 32-bit data segments: a 16-bit one would need espfix,
     * which only covers the LDT. */
    if (!clear &&
        (!(u.flags & UD_SEG_32BIT) || UD_CONTENTS(u.flags) > 1 || (u.flags & UD_SEG_NOT_PRESENT)))
        return -EINVAL;
    int idx = (int)u.entry_number;
    if (idx == -1) {
        for (int i = 0; i < GDT_ENTRY_TLS_ENTRIES && idx == -1; i++)
            if (!me->tls_array[i]) idx = GDT_ENTRY_TLS_MIN + i;
        if (idx == -1) return -ESRCH;
        if (copy_to_user(&uptr->entry_number, &idx, sizeof(idx))) return -EFAULT;
    }
    if (idx < GDT_ENTRY_TLS_MIN || idx >= GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES) return -EINVAL;
    u64 d = clear ? 0 : desc_from_user(&u);
    me->tls_array[idx - GDT_ENTRY_TLS_MIN] = d;
    load_tls(me);
    /* A segment register that names the slot sees the new descriptor. */
    u16 sel = (u16)(idx * 8 + 3);
    save_user_bases(me);
    RELOAD_IF(ds, s == sel);
    RELOAD_IF(es, s == sel);
    if (me->usel.fs == sel) {
        u16 fs = data_selector_or_null(sel);
        asm volatile("movw %0, %%fs" : : "r"(fs));
        me->usel.fs = fs;
        me->thread.fs = fs ? desc_base(d) : 0;
        wrmsrl(MSR_FS_BASE, me->thread.fs);
    }
    if (me->usel.gs == sel) {
        u16 gs = data_selector_or_null(sel);
        load_user_gs(me, gs, gs ? desc_base(d) : 0);
    }
    return 0;
}

noinline long sys_get_thread_area(struct user_desc __user* uptr) {
    struct user_desc u;
    int idx;
    if (copy_from_user(&idx, &uptr->entry_number, sizeof(idx))) return -EFAULT;
    if (idx < GDT_ENTRY_TLS_MIN || idx >= GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES) return -EINVAL;
    desc_to_user(&u, (u32)idx, current->tls_array[idx - GDT_ENTRY_TLS_MIN]);
    if (copy_to_user(uptr, &u, sizeof(u))) return -EFAULT;
    return 0;
}
_Static_assert(sizeof(((struct mm_struct*)0)->ldt) == LDT_MAX_ENTRIES * 8, "mm.h sizes the LDT");
