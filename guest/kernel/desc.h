/*
 * The CPU's own tables: GDT, IDT, TSS and the page tables. Built in C by
 * boot/setup.c, loaded into the CPU by boot/head_64.S.
 */
#ifndef GUEST_DESC_H
#define GUEST_DESC_H

#include "kernel.h"

/* The operand of lgdt/lidt. */
struct desc_ptr {
    u16 size;
    u64 address;
} __packed;

/* A 64-bit interrupt gate (16 bytes). */
struct gate_struct {
    u16 offset_low;
    u16 segment;
    u8 ist;
    u8 type_attr; /* present, DPL, type 0xE = interrupt gate */
    u16 offset_middle;
    u32 offset_high;
    u32 zero;
} __packed;

/* The 64-bit TSS: only rsp0 (the stack for entries from user mode) and
 * the I/O bitmap offset matter here. */
struct tss_struct {
    u32 reserved1;
    u64 sp0;
    u64 sp1;
    u64 sp2;
    u64 reserved2;
    u64 ist[7];
    u32 reserved3;
    u32 reserved4;
    u16 reserved5;
    u16 io_bitmap_base;
} __packed;
_Static_assert(sizeof(struct tss_struct) == 104, "hardware TSS is 104 bytes");

#define GDT_ENTRIES 16
/* Where Linux's x86-64 GDT has them: the LDT's 16-byte descriptor (0x50)
 * and the three thread-local slots (selectors 0x63, 0x6b, 0x73). */
#define GDT_ENTRY_LDT 10
#define GDT_ENTRY_TLS_MIN 12
#define GDT_ENTRY_TLS_ENTRIES 3
#define LDT_ENTRIES 8192     /* the most an LDT can hold (modify_ldt's limit) */
#define LDT_MAX_ENTRIES 512  /* what this kernel keeps per address space */
/* The espfix stacks' 4 GiB (entry/calling.h says why; ldt.c maps them). */
#define ESPFIX_BASE 0xffffff0000000000ULL
#define IDT_ENTRIES 256

extern u64 gdt_page[GDT_ENTRIES];
extern struct gate_struct idt_table[IDT_ENTRIES];
extern struct tss_struct init_tss;
extern struct desc_ptr early_gdt_descr;
extern struct desc_ptr idt_descr;
extern u64 init_level4_pgt[512];

static inline void load_sp0(u64 sp0)
{
    init_tss.sp0 = sp0;
}

static inline u64 read_cr2(void)
{
    u64 v;
    asm volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline void wrmsrl(u32 msr, u64 val)
{
    asm volatile("wrmsr" : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)) : "memory");
}

static inline u64 rdmsrl(u32 msr)
{
    u32 lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((u64)hi << 32) | lo;
}

/* LAR's access-rights bits (bits 8..23 of a descriptor's high word). */
#define AR_TYPE_MASK (0xeu << 8) /* not the accessed bit */
#define AR_TYPE_RWDATA (0x2u << 8)
#define AR_TYPE_RWDATA_EXPDOWN (0x6u << 8)
#define AR_S (1u << 12)
#define AR_DPL3 (3u << 13)
#define AR_P (1u << 15)

/* Does `sel` name a present, writable (up or down) data segment that user
 * mode may load into SS? LAR answers from the GDT or LDT. */
static inline bool user_data_segment(u16 sel)
{
    u32 ar = 0;
    bool ok;
    asm("lar %k2, %0\n\tsetz %1" : "+r"(ar), "=qm"(ok) : "r"((u32)sel) : "cc");
    ar &= AR_DPL3 | AR_S | AR_P | AR_TYPE_MASK;
    return ok && (ar == (AR_DPL3 | AR_S | AR_P | AR_TYPE_RWDATA) ||
                  ar == (AR_DPL3 | AR_S | AR_P | AR_TYPE_RWDATA_EXPDOWN));
}

#define MSR_FS_BASE 0xC0000100
#define MSR_KERNEL_GS_BASE 0xC0000102 /* the user's GS base, inside the kernel */

/* What boot turned on of the CPU's optional features (setup.c,
 * cpu_init_features), as Linux's fpu__init_system_xstate and cpu_init
 * do: XSAVE state in XCR0, and the RDFSBASE family. */
#define XSTATE_BUF_SIZE 1024  /* room for an XSAVE image and FP_XSTATE_MAGIC2 */
extern u64 xfeatures_mask;    /* XCR0; 0 when signal frames keep FXSAVE's format */
extern u32 xstate_size;       /* XSAVE's image of those features, in bytes */
extern bool fsgsbase_enabled; /* CR4.FSGSBASE: user code may write its FS/GS bases */
void cpu_init_features(void);

void x86_64_start_kernel(struct sp_boot_params *params);

#endif /* GUEST_DESC_H */
