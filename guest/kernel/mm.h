/*
 * The user address space of a task: its VMAs (vm_area_struct) and the page
 * tables that back them, in the shape of Linux's mm_struct.
 *
 * The user pages in RAM are identity-mapped: the page behind user address
 * A is physical page A, so such a mapping can only exist where there is
 * RAM, and moving one (mremap) copies its pages. The top of the address
 * space, [SP_HIGH_VA, SP_TASK_SIZE_MAX), is a window whose PTEs point
 * into RAM at SP_HIGH_PHYS (abi.h). Every PTE is allocated statically
 * (boot/setup.c); a VMA only decides whether and how it is present.
 */
#ifndef GUEST_MM_H
#define GUEST_MM_H

#include "kernel.h"

/* vm_flags, as Linux numbers them. */
#define VM_READ 0x1
#define VM_WRITE 0x2
#define VM_EXEC 0x4
#define VM_SHARED 0x8
#define VM_GROWSDOWN 0x100
#define VM_PFNMAP 0x400     /* the vvar page: the kernel's data, not the process's */
#define VM_IO 0x4000        /* nor may madvise page it (Linux marks vvar so too) */
#define VM_DONTEXPAND 0x40000 /* mremap may not grow it (the vDSO's mappings) */
#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)

struct vm_area_struct {
    u64 vm_start, vm_end; /* [start, end), page-aligned */
    u64 vm_flags;
    /* MAP_SHARED anonymous memory (mm.c, "shared anonymous memory"): the
     * shared object's number + 1 (0: none) and its page at vm_start, as
     * Linux's vm_file and vm_pgoff. */
    u32 vm_shm;
    u32 vm_pgoff;
};

/* Linux allows 65530 maps (vm.max_map_count); a fixed table of this size
 * is plenty for the programs this machine runs and gives ENOMEM past it,
 * as Linux does past its limit. */
#define MM_MAX_VMAS 256

struct mm_struct {
    struct vm_area_struct vmas[MM_MAX_VMAS]; /* sorted, never overlapping */
    int map_count;
    u64 start_brk, brk; /* the heap: [start_brk, brk), a VMA once it grows */
    u64 start_stack;    /* lowest address of the stack VMA */
    u64 mmap_base;      /* top-down mmap search starts below this */
    u64 task_size;      /* first address no mapping may reach (TASK_SIZE) */
    int users;          /* tasks using it (threads, a vfork child); 0: free */
    u64 vvar;           /* the vvar page kernel/vdso.c keeps current; 0: none */
    /* ldt.c: the process's LDT (modify_ldt); ldt_nr 0: it has none. */
    u32 ldt_nr;
    u64 ldt[512] __aligned(8); /* LDT_MAX_ENTRIES */
};

extern struct mm_struct init_mm;

/* ldt.c: LLDT of mm's LDT (or none); fork's copy of it. */
void load_mm_ldt(struct mm_struct *mm);
void ldt_dup(struct mm_struct *to, const struct mm_struct *from);

struct sp_boot_params;
/* exec: VMAs for the program image the host loaded, the stack, the heap. */
void mm_setup_exec(struct mm_struct *mm, const struct sp_boot_params *p);
/* Make [start, end) of the stack VMA present so exec can write there. */
void mm_populate(struct mm_struct *mm, u64 start, u64 end);
/* A fault at `address` with #PF error code `error_code`: 0 if the page
 * is now mapped (demand paging), else SEGV_MAPERR or SEGV_ACCERR. */
int handle_mm_fault(struct mm_struct *mm, u64 address, long error_code);

/* exec: the vvar page and the vDSO image (Linux's map_vdso), at the top
 * of the mmap area: vvar_len bytes read-only, then image_len bytes of
 * `image`, read and execute. Returns the image's address or -errno. */
long mm_map_vdso(struct mm_struct *mm, const void *image, u64 image_len, u64 vvar_len);
/* A kernel write into a page of the running address space whatever the
 * user may do there (the vvar page is read-only to user mode and CR0.WP
 * holds the kernel to that): begin returns the PTE that end puts back. */
u64 mm_kernel_write_begin(u64 page);
void mm_kernel_write_end(u64 page, u64 pte);
/* kernel/vdso.c: write the clock into the running address space's vvar
 * page (after the clock moved, and after switch_mm brought it back). */
void vvar_refresh(void);
/* kernel/vdso.c, at exec: map both; returns AT_SYSINFO_EHDR (0: no vDSO). */
u64 vdso_map(struct mm_struct *mm);

/* fork (mm.c): one process's pages are in place at a time. */
extern struct mm_struct *active_mm;
struct mm_struct *dup_mm(struct mm_struct *mm);
void mm_get(struct mm_struct *mm);
void mm_put(struct mm_struct *mm);
void switch_mm(struct mm_struct *prev, struct mm_struct *next);
/* ptrace: read or write another process's memory; 0 or -EIO. */
int access_process_vm(struct mm_struct *mm, u64 addr, void *buf, int len, bool write);
/* [STASH_BASE, STASH_END): where the other processes' pages wait. */
#define STASH_PAGES 8192 /* 32 MiB */
#define STASH_END (SP_USER_STACK_TOP - SP_USER_STACK_SIZE - 256 * SP_PAGE_SIZE)
#define STASH_BASE (STASH_END - STASH_PAGES * SP_PAGE_SIZE)
_Static_assert(SP_HIGH_PHYS + SP_HIGH_SIZE <= STASH_BASE, "the window's RAM is below the stash");

#endif /* GUEST_MM_H */
