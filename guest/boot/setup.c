/*
 * Build the CPU tables before head_64.S loads them: page tables, GDT, TSS
 * and IDT. This runs first, with paging still off.
 */
#include "compat.h"
#include "desc.h"
#include "sched.h"

/* ---- page tables --------------------------------------------------------- */
#define _PAGE_PRESENT 0x001
#define _PAGE_RW 0x002
#define _PAGE_USER 0x004

#define PTRS_PER_TABLE 512
#define RAM_PAGES (SP_RAM_SIZE / SP_PAGE_SIZE)
#define PAGE_TABLES (RAM_PAGES / PTRS_PER_TABLE) /* one per 2 MiB */

u64 init_level4_pgt[PTRS_PER_TABLE] __aligned(SP_PAGE_SIZE);
static u64 level3_ident_pgt[PTRS_PER_TABLE] __aligned(SP_PAGE_SIZE);
static u64 level2_ident_pgt[PTRS_PER_TABLE] __aligned(SP_PAGE_SIZE);
/* One PTE per page of RAM, in address order; mm.c fills in the user ones. */
u64 level1_ident_pgt[PAGE_TABLES][PTRS_PER_TABLE] __aligned(SP_PAGE_SIZE);
_Static_assert(SP_RAM_SIZE <= (1ULL << 30), "one page directory maps at most 1 GiB");
/* The user window at the top of the address space (SP_HIGH_VA): one
 * table of each level below the PML4, and one page table whose PTEs
 * point into RAM at SP_HIGH_PHYS (mm.c fills them in). */
static u64 level3_high_pgt[PTRS_PER_TABLE] __aligned(SP_PAGE_SIZE);
static u64 level2_high_pgt[PTRS_PER_TABLE] __aligned(SP_PAGE_SIZE);
u64 level1_high_pgt[PTRS_PER_TABLE] __aligned(SP_PAGE_SIZE);
_Static_assert(SP_HIGH_SIZE == PTRS_PER_TABLE * SP_PAGE_SIZE, "the window is one page table");
_Static_assert((SP_HIGH_VA & ((1ULL << 30) - 1)) == (1ULL << 30) - SP_HIGH_SIZE,
               "the window is the last 2 MiB of its page directory");

/* From kernel.ld: the end of kernel code and read-only data, which start
 * at SP_KERNEL_BASE. */
extern char _etext[];

/* Every page of RAM maps to itself; the user window at SP_HIGH_VA is the
 * one place where a PTE's frame differs from its address. Permissions
 * decide the rest. */
static u64 page_flags(u64 addr)
{
    if (addr == 0)
        return 0; /* NULL dereferences must fault */
    if (addr >= SP_USER_BASE)
        return 0; /* user pages appear with their VMAs (mm.c) */
    if (addr >= SP_KERNEL_BASE && addr < (u64)_etext)
        return _PAGE_PRESENT; /* kernel code: read-only (CR0.WP) */
    return _PAGE_PRESENT | _PAGE_RW;
}

static void init_page_tables(void)
{
    /* Upper levels allow everything; the last level decides. The U bit
     * must be set all the way down for a user page to be reachable. */
    const u64 table = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER;
    init_level4_pgt[0] = (u64)level3_ident_pgt | table;
    level3_ident_pgt[0] = (u64)level2_ident_pgt | table;
    for (int t = 0; t < PAGE_TABLES; t++)
        level2_ident_pgt[t] = (u64)level1_ident_pgt[t] | table;
    init_level4_pgt[(SP_HIGH_VA >> 39) & 511] = (u64)level3_high_pgt | table;
    level3_high_pgt[(SP_HIGH_VA >> 30) & 511] = (u64)level2_high_pgt | table;
    level2_high_pgt[(SP_HIGH_VA >> 21) & 511] = (u64)level1_high_pgt | table;
    /* The espfix stacks (ldt.c), kernel only. */
    extern u64 espfix_pud[PTRS_PER_TABLE];
    init_level4_pgt[(ESPFIX_BASE >> 39) & 511] = (u64)espfix_pud | _PAGE_PRESENT | _PAGE_RW;
    /* Only the kernel's part needs entries now: the rest stays zero (not
     * present), which costs nothing to set up however large RAM is. */
    for (int t = 0; t < (int)(SP_USER_BASE / (PTRS_PER_TABLE * SP_PAGE_SIZE)); t++) {
        for (int i = 0; i < PTRS_PER_TABLE; i++) {
            u64 addr = ((u64)t * PTRS_PER_TABLE + i) * SP_PAGE_SIZE;
            u64 flags = page_flags(addr);
            level1_ident_pgt[t][i] = flags ? (addr | flags) : 0;
        }
    }
}

/* ---- GDT and TSS ----------------------------------------------------------- */
/* Descriptor values for flat segments: base 0, limit 4 GiB (ignored in
 * 64-bit mode except for the bits that matter: L, DPL, type). */
#define GDT_KERNEL_CS32 0x00cf9b000000ffffULL /* 0x08 */
#define GDT_KERNEL_CS 0x00af9b000000ffffULL   /* 0x10: L=1, DPL 0 */
#define GDT_KERNEL_DS 0x00cf93000000ffffULL   /* 0x18 */
#define GDT_USER32_CS 0x00cffb000000ffffULL   /* 0x23: 32-bit, DPL 3 */
#define GDT_USER_DS 0x00cff3000000ffffULL     /* 0x2b: DPL 3 */
#define GDT_USER_CS 0x00affb000000ffffULL     /* 0x33: L=1, DPL 3 */

u64 gdt_page[GDT_ENTRIES] __aligned(16);
struct desc_ptr early_gdt_descr;
struct tss_struct init_tss __aligned(16);

static void init_gdt(void)
{
    gdt_page[SP_KERNEL_CS / 8 - 1] = GDT_KERNEL_CS32;
    gdt_page[SP_KERNEL_CS / 8] = GDT_KERNEL_CS;
    gdt_page[SP_KERNEL_DS / 8] = GDT_KERNEL_DS;
    gdt_page[SP_USER32_CS / 8] = GDT_USER32_CS;
    gdt_page[SP_USER_DS / 8] = GDT_USER_DS;
    gdt_page[SP_USER_CS / 8] = GDT_USER_CS;

    /* The TSS descriptor takes two slots: type 9 (available 64-bit TSS). */
    u64 base = (u64)&init_tss, limit = sizeof(init_tss) - 1;
    gdt_page[SP_TSS_SEL / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
                               (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt_page[SP_TSS_SEL / 8 + 1] = base >> 32;

    /* An I/O bitmap offset past the end: user mode gets no I/O ports. */
    init_tss.io_bitmap_base = sizeof(init_tss);

    early_gdt_descr.size = sizeof(gdt_page) - 1;
    early_gdt_descr.address = (u64)gdt_page;
}

/* ---- IDT ----------------------------------------------------------------------- */
struct gate_struct idt_table[IDT_ENTRIES] __aligned(SP_PAGE_SIZE);
struct desc_ptr idt_descr;

/* entry_64.S */
extern char divide_error[], debug[], nmi[], int3[], overflow[], bounds[], invalid_op[],
    device_not_available[], double_fault[], coprocessor_segment_overrun[], invalid_TSS[],
    segment_not_present[], stack_segment[], general_protection[], page_fault[],
    spurious_interrupt_bug[], coprocessor_error[], alignment_check[], machine_check[],
    simd_coprocessor_error[], irq_entries_start[];

#define FIRST_IRQ_STUB_VECTOR 20 /* as in entry_64.S */
#define IRQ_STUB_SIZE 16

static void set_gate(int vector, void *handler, int dpl)
{
    u64 addr = (u64)handler;
    struct gate_struct *g = &idt_table[vector];
    g->offset_low = addr & 0xffff;
    g->segment = SP_KERNEL_CS;
    g->ist = 0;
    g->type_attr = 0x8e | (dpl << 5);
    g->offset_middle = (addr >> 16) & 0xffff;
    g->offset_high = addr >> 32;
    g->zero = 0;
}

static void init_idt(void)
{
    static void *const traps[FIRST_IRQ_STUB_VECTOR] = {
        divide_error, debug, nmi, int3, overflow, bounds, invalid_op,
        device_not_available, double_fault, coprocessor_segment_overrun, invalid_TSS,
        segment_not_present, stack_segment, general_protection, page_fault,
        spurious_interrupt_bug, coprocessor_error, alignment_check, machine_check,
        simd_coprocessor_error,
    };
    for (int v = 0; v < FIRST_IRQ_STUB_VECTOR; v++)
        set_gate(v, traps[v], 0);
    /* int3 and into are meant to be used by user programs. */
    set_gate(3, int3, 3);
    set_gate(4, overflow, 3);
    for (int v = FIRST_IRQ_STUB_VECTOR; v < IDT_ENTRIES; v++)
        set_gate(v, irq_entries_start + (v - FIRST_IRQ_STUB_VECTOR) * IRQ_STUB_SIZE, 0);
    /* IA32 emulation: int $0x80 from user mode (the era's compat entry). */
    set_gate(IA32_SYSCALL_VECTOR, (void *)ia32_syscall_gate, 3);

    idt_descr.size = sizeof(idt_table) - 1;
    idt_descr.address = (u64)idt_table;
}

/* Called from head_64.S with paging still off. */
/* ---- optional CPU features ---------------------------------------------- */

#define X86_CR4_FSGSBASE (1UL << 16)
#define X86_CR4_OSXSAVE (1UL << 18)
#define XFEATURE_MASK_FP 0x1
#define XFEATURE_MASK_SSE 0x2

u64 xfeatures_mask;
u32 xstate_size;
bool fsgsbase_enabled;

static void cpuid_count(u32 leaf, u32 subleaf, u32 r[4])
{
    asm volatile("cpuid"
                 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                 : "a"(leaf), "c"(subleaf));
}

static void write_cr4(u64 v)
{
    asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/*
 * With paging and the final CR4 in place: the features Linux turns on when
 * the CPU reports them. XSAVE: CR4.OSXSAVE, then XCR0 names the state
 * XSAVE saves. Only x87 and SSE: a task's registers are kept by FXSAVE
 * while it is switched out, which covers those two and nothing more (the
 * emulated CPU has no AVX anyway). CPUID leaf 0xd then tells the size of
 * that XSAVE image, which signal frames carry. FSGSBASE: CR4.FSGSBASE lets
 * user code run RDFSBASE/WRFSBASE/RDGSBASE/WRGSBASE; the kernel then reads
 * the bases back at each task switch, since they change behind its back.
 */
void cpu_init_features(void)
{
    u32 r[4];
    u64 cr4;
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    cpuid_count(0, 0, r);
    u32 max_leaf = r[0];
    cpuid_count(1, 0, r);
    if (r[2] & (1U << 26)) { /* CPUID.1:ECX.XSAVE */
        cr4 |= X86_CR4_OSXSAVE;
        write_cr4(cr4);
        u64 mask = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
        asm volatile("xsetbv" : : "c"(0), "a"((u32)mask), "d"((u32)(mask >> 32)));
        cpuid_count(0xd, 0, r); /* EBX: the XSAVE image's size for XCR0 as it is now */
        if (r[1] + 4 <= XSTATE_BUF_SIZE) { /* else signal frames keep FXSAVE's format */
            xfeatures_mask = mask;
            xstate_size = r[1];
        }
    }
    if (max_leaf >= 7) {
        cpuid_count(7, 0, r);
        if (r[1] & 1) { /* CPUID.7.0:EBX.FSGSBASE */
            cr4 |= X86_CR4_FSGSBASE;
            write_cr4(cr4);
            fsgsbase_enabled = true;
        }
    }
}

void x86_64_start_kernel(struct sp_boot_params *params)
{
    (void)params;
    init_page_tables();
    init_gdt();
    init_idt();
}
