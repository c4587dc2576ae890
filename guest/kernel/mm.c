/*
 * Memory management: the VMAs of the user address space, demand paging,
 * and the system calls that change them (mmap, munmap, mremap, mprotect,
 * madvise, brk). Error numbers and their order follow Linux's
 * mm/mmap.c, mm/mremap.c, mm/mprotect.c and mm/madvise.c.
 *
 * One invariant makes the identity mapping cheap: a user page whose PTE is
 * 0 holds only zero bytes. RAM starts zeroed, exec marks the pages the
 * host loaded, and every path that drops a page (munmap, MADV_DONTNEED,
 * brk shrink, mremap) zeroes it first. So a first touch only has to fill
 * in the PTE, and a 100 MB malloc costs only the pages it uses.
 */
#include "mm.h"

#include "desc.h"
#include "sched.h"
#include "syscalls.h"

#define PAGE_MASK (~(u64)(SP_PAGE_SIZE - 1))
#define PAGE_ALIGN(x) (((x) + SP_PAGE_SIZE - 1) & PAGE_MASK)
#define offset_in_page(x) ((x) & (SP_PAGE_SIZE - 1))

#define _PAGE_PRESENT 0x001
#define _PAGE_RW 0x002
#define _PAGE_USER 0x004
#define _PAGE_ACCESSED 0x020
#define _PAGE_DIRTY 0x040
/* A software bit (Linux's _PAGE_SOFTW1): the page holds data. It keeps a
 * PROT_NONE page's PTE non-zero although the page is not present. */
#define _PAGE_POPULATED 0x200
#define _PAGE_NX (1ULL << 63)

#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define PROT_SEM 0x8
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MAP_DENYWRITE 0x0800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_SYNC 0x80000
#define MAP_FIXED_NOREPLACE 0x100000
/* The flags MAP_SHARED_VALIDATE accepts (Linux's LEGACY_MAP_MASK). */
#define LEGACY_MAP_MASK                                                                      \
    (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE | \
     MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE |         \
     MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB)
#define MAP_UNINITIALIZED 0x4000000

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4

#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_DONTDUMP 16
#define MADV_DODUMP 17
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23

#define EACCES 13
#define EEXIST 17
#define EOVERFLOW 75
#define ENODEV 19
#define EOPNOTSUPP 95

/* Page-fault error code bits. */
#define PF_PROT 0x1
#define PF_WRITE 0x2
#define PF_INSTR 0x10

/* Linux's stack_guard_gap: 256 pages between the stack and the mmaps. */
#define STACK_GUARD_GAP (256 * SP_PAGE_SIZE)

struct mm_struct init_mm;

/* boot/setup.c: the last-level tables, one PTE per page of RAM, in order,
 * and the one of the user window at the top of the address space. */
extern u64 level1_ident_pgt[][512];
extern u64 level1_high_pgt[512];

static u64 *pte_of(u64 addr)
{
    if (addr >= SP_HIGH_VA)
        return &level1_high_pgt[(addr - SP_HIGH_VA) / SP_PAGE_SIZE];
    return &level1_ident_pgt[0][addr / SP_PAGE_SIZE];
}

static void flush_tlb_one(u64 addr)
{
    asm volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

/*
 * Every PTE this file writes is made here: the frame behind user address
 * `addr` (sp_user_phys) and the bits. A present PTE is born Accessed, and
 * Dirty when writable, so the CPU never has to set them.
 */
static u64 mk_pte(u64 addr, u64 bits)
{
    u64 pte = sp_user_phys(addr) | bits;
    if (bits & _PAGE_PRESENT)
        pte |= _PAGE_ACCESSED | ((bits & _PAGE_RW) ? _PAGE_DIRTY : 0);
    return pte;
}

static void set_pte(u64 addr, u64 bits)
{
    *pte_of(addr) = bits ? mk_pte(addr, bits) : 0;
    flush_tlb_one(addr);
}

static void kernel_view(u64 a);

/* The PTE a populated page of a VMA with these flags gets. */
static u64 pte_for(u64 addr, u64 vm_flags)
{
    u64 bits = _PAGE_POPULATED;
    if (!(vm_flags & VM_ACCESS_FLAGS))
        return mk_pte(addr, bits); /* PROT_NONE: kept, not present */
    bits |= _PAGE_PRESENT | _PAGE_USER;
    if (vm_flags & VM_WRITE)
        bits |= _PAGE_RW;
    if (!(vm_flags & VM_EXEC))
        bits |= _PAGE_NX;
    return mk_pte(addr, bits);
}

/* Zero a page through a temporary kernel-only writable PTE (the kernel
 * has no other view of it: it reaches a user page at its user address)
 * and leave it unmapped. */
static void zap_page(u64 addr)
{
    if (!*pte_of(addr))
        return; /* never touched: already zero */
    kernel_view(addr);
    void *d = (void *)addr;
    u64 n = SP_PAGE_SIZE / 8;
    asm volatile("rep stosq" : "+D"(d), "+c"(n) : "a"(0ULL) : "memory");
    set_pte(addr, 0);
}

/* Most PTEs of a large mapping were never touched: skip them four at a
 * time, so unmapping 100 MB costs a few steps per page, not a call. */
static void zap_range(u64 start, u64 end)
{
    u64 a = start;
    while (a < end) {
        const u64 *pte = pte_of(a);
        if (end - a >= 4 * SP_PAGE_SIZE && !(pte[0] | pte[1] | pte[2] | pte[3])) {
            a += 4 * SP_PAGE_SIZE;
            continue;
        }
        if (*pte)
            zap_page(a);
        a += SP_PAGE_SIZE;
    }
}

/* New protections for the populated pages of [start, end). */
static void change_pte_range(u64 start, u64 end, u64 vm_flags)
{
    for (u64 a = start; a < end; a += SP_PAGE_SIZE) {
        u64 *pte = pte_of(a);
        if (*pte) {
            *pte = pte_for(a, vm_flags);
            flush_tlb_one(a);
        }
    }
}

/* ---- the VMA table ----------------------------------------------------------- */

/* Index of the first VMA that ends above addr (Linux's find_vma), or
 * map_count if none does. */
static int find_vma_index(struct mm_struct *mm, u64 addr)
{
    int i = 0;
    while (i < mm->map_count && mm->vmas[i].vm_end <= addr)
        i++;
    return i;
}

static struct vm_area_struct *find_vma(struct mm_struct *mm, u64 addr)
{
    int i = find_vma_index(mm, addr);
    return i < mm->map_count ? &mm->vmas[i] : NULL;
}

static bool range_is_free(struct mm_struct *mm, u64 start, u64 end)
{
    struct vm_area_struct *v = find_vma(mm, start);
    return !v || v->vm_start >= end;
}

/* Shared anonymous memory (below): a VMA naming an object holds a
 * reference to it. */
static void shm_get(u32 shm);
static void shm_put(u32 shm);
static void shm_writeback_range(const struct vm_area_struct *v, u64 start, u64 end);
static bool shm_others(u32 shm);
static u32 shm_new(void);
static bool shm_fill(const struct vm_area_struct *v, u64 page);
static bool shm_fault(struct mm_struct *mm, const struct vm_area_struct *v, u64 page);

/* A VMA's page offset into its shared object at addr. */
static u32 vma_pgoff(const struct vm_area_struct *v, u64 addr)
{
    return v->vm_pgoff + (u32)((addr - v->vm_start) / SP_PAGE_SIZE);
}

/* Insert v (which takes a reference to its shared object, if any). */
static int insert_vma(struct mm_struct *mm, int i, struct vm_area_struct v)
{
    if (mm->map_count >= MM_MAX_VMAS)
        return -ENOMEM;
    memmove(&mm->vmas[i + 1], &mm->vmas[i], (mm->map_count - i) * sizeof(mm->vmas[0]));
    mm->vmas[i] = v;
    mm->map_count++;
    if (v.vm_shm)
        shm_get(v.vm_shm);
    return 0;
}

/* Drop VMA i (and its reference to its shared object). */
static void remove_at(struct mm_struct *mm, int i)
{
    if (mm->vmas[i].vm_shm)
        shm_put(mm->vmas[i].vm_shm);
    mm->map_count--;
    memmove(&mm->vmas[i], &mm->vmas[i + 1], (mm->map_count - i) * sizeof(mm->vmas[0]));
}

/* Can b continue a? Same flags, and for shared memory the same object
 * with b's pages right after a's. */
static bool can_merge(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
    return a->vm_end == b->vm_start && a->vm_flags == b->vm_flags && a->vm_shm == b->vm_shm &&
           (!a->vm_shm || vma_pgoff(a, a->vm_end) == b->vm_pgoff);
}

/* Join neighbours with the same flags, as Linux's vma_merge does. */
static void merge_around(struct mm_struct *mm, int i)
{
    if (i + 1 < mm->map_count && can_merge(&mm->vmas[i], &mm->vmas[i + 1])) {
        mm->vmas[i].vm_end = mm->vmas[i + 1].vm_end;
        remove_at(mm, i + 1);
    }
    if (i > 0 && can_merge(&mm->vmas[i - 1], &mm->vmas[i])) {
        mm->vmas[i - 1].vm_end = mm->vmas[i].vm_end;
        remove_at(mm, i);
    }
}

static void merge_all(struct mm_struct *mm)
{
    for (int i = mm->map_count - 2; i >= 0; i--)
        merge_around(mm, i);
}

/* Split so that a VMA boundary falls at addr (Linux's split_vma). */
static int split_at(struct mm_struct *mm, u64 addr)
{
    int i = find_vma_index(mm, addr);
    if (i == mm->map_count || mm->vmas[i].vm_start >= addr)
        return 0;
    struct vm_area_struct old = mm->vmas[i];
    struct vm_area_struct upper = old;
    upper.vm_start = addr;
    upper.vm_pgoff = vma_pgoff(&old, addr);
    int err = insert_vma(mm, i + 1, upper);
    if (err)
        return err;
    mm->vmas[i].vm_end = addr;
    return 0;
}

/* Remove [start, end) from the VMAs (holes are fine) and zero its pages. */
static int do_munmap(struct mm_struct *mm, u64 start, u64 end)
{
    /* Splitting the middle of one VMA needs a free slot: refuse before
     * changing anything, as Linux refuses past max_map_count. */
    struct vm_area_struct *v = find_vma(mm, start);
    if (v && v->vm_start < start && v->vm_end > end && mm->map_count >= MM_MAX_VMAS)
        return -ENOMEM;
    int err = split_at(mm, start);
    if (!err)
        err = split_at(mm, end);
    if (err)
        return err;
    int i = find_vma_index(mm, start);
    while (i < mm->map_count && mm->vmas[i].vm_start < end) {
        /* Shared pages outlive this mapping: the object keeps them. */
        if (mm->vmas[i].vm_shm && shm_others(mm->vmas[i].vm_shm))
            shm_writeback_range(&mm->vmas[i], mm->vmas[i].vm_start, mm->vmas[i].vm_end);
        zap_range(mm->vmas[i].vm_start, mm->vmas[i].vm_end);
        remove_at(mm, i);
    }
    if (mm->vvar >= start && mm->vvar < end)
        mm->vvar = 0; /* unmapped: the kernel stops writing it */
    return 0;
}

/* A new VMA over [v.vm_start, v.vm_end), which must be free. */
static int add_vma_like(struct mm_struct *mm, struct vm_area_struct v)
{
    int i = find_vma_index(mm, v.vm_start);
    int err = insert_vma(mm, i, v);
    if (!err)
        merge_around(mm, i);
    return err;
}

static int add_vma(struct mm_struct *mm, u64 start, u64 end, u64 flags)
{
    return add_vma_like(mm, (struct vm_area_struct){start, end, flags, 0, 0});
}

/* Map every page of [start, end) now (MAP_POPULATE, exec). Pages with a
 * zero PTE are zero, so filling in the PTE is all there is to do. */
static void populate_range(u64 start, u64 end, u64 vm_flags)
{
    for (u64 a = start; a < end; a += SP_PAGE_SIZE) {
        u64 *pte = pte_of(a);
        if (!*pte)
            *pte = pte_for(a, vm_flags);
    }
}

void mm_populate(struct mm_struct *mm, u64 start, u64 end)
{
    for (u64 a = start & PAGE_MASK; a < end; a += SP_PAGE_SIZE) {
        struct vm_area_struct *v = find_vma(mm, a);
        if (v && v->vm_start <= a)
            populate_range(a, a + SP_PAGE_SIZE, v->vm_flags);
    }
}

/* Linux's mmap_min_addr has a twin here: the kernel owns everything below
 * the first user page. */
/*
 * Does [start, end) reach where no user page can be? User pages are the
 * RAM above SP_USER_BASE, except the RAM behind the high window and the
 * stash (this machine's own), and the high window itself; the addresses
 * between the end of RAM and the window have nothing behind them. Linux
 * would map there; this machine answers as past TASK_SIZE.
 */
static bool unbacked(u64 start, u64 end)
{
    if (start < STASH_END && end > SP_HIGH_PHYS)
        return true;
    return start < SP_HIGH_VA && end > SP_RAM_SIZE;
}

static u64 mmap_min_addr(void)
{
    return SP_USER_BASE;
}

/* Top-down search for a free range of len bytes below mm->mmap_base, as
 * arch_get_unmapped_area_topdown does; a free hint is taken as it is. */
static long get_unmapped_area(struct mm_struct *mm, u64 addr, u64 len, u64 flags)
{
    if (len > mm->task_size - mmap_min_addr())
        return -ENOMEM;
    if (flags & MAP_FIXED) {
        if (offset_in_page(addr))
            return -EINVAL;
        /* Addresses where this machine has no RAM: Linux fails the same
         * way past its TASK_SIZE (and below mmap_min_addr with EPERM). */
        if (addr > mm->task_size - len)
            return -ENOMEM;
        if (addr < mmap_min_addr())
            return -EPERM;
        if (unbacked(addr, addr + len))
            return -ENOMEM; /* as if past TASK_SIZE */
        return addr;
    }
    if (addr) {
        addr = PAGE_ALIGN(addr);
        if (addr >= mmap_min_addr() && addr <= mm->task_size - len &&
            range_is_free(mm, addr, addr + len) && !unbacked(addr, addr + len))
            return addr;
    }
    /* The gaps between VMAs, highest first. */
    u64 high = mm->mmap_base;
    for (int i = mm->map_count - 1; i >= -1; i--) {
        u64 low = i >= 0 ? mm->vmas[i].vm_end : mmap_min_addr();
        if (i >= 0 && mm->vmas[i].vm_start >= high)
            continue;
        /* The heap may still grow: leave the gap above it to brk. */
        if (low < PAGE_ALIGN(mm->brk) && high > PAGE_ALIGN(mm->brk))
            low = PAGE_ALIGN(mm->brk);
        if (high > low && high - low >= len)
            return high - len;
        if (i >= 0)
            high = min(high, mm->vmas[i].vm_start);
    }
    return -ENOMEM;
}

static u64 calc_vm_flags(u64 prot, u64 flags)
{
    u64 vm = 0;
    if (prot & PROT_READ)
        vm |= VM_READ;
    if (prot & PROT_WRITE)
        vm |= VM_WRITE | VM_READ; /* x86 cannot map write-only */
    if (prot & PROT_EXEC)
        vm |= VM_EXEC | VM_READ;
    if ((flags & MAP_TYPE) == MAP_SHARED || (flags & MAP_TYPE) == MAP_SHARED_VALIDATE)
        vm |= VM_SHARED;
    if (flags & MAP_GROWSDOWN)
        vm |= VM_GROWSDOWN;
    return vm;
}

/*
 * The open files, as far as mmap cares. The files themselves belong to the
 * file code; until it keeps a table, the standard streams are the open
 * descriptors: standard input readable, output and error write-only (a
 * pipe's ends, as under a test harness). None has an mmap operation.
 * Returns -1 for a closed descriptor, else whether it is readable.
 */
__attribute__((weak)) int mm_fd_readable(long fd)
{
    if (fd < 0 || fd > 2)
        return -1;
    return fd == 0;
}

noinline long sys_mmap(u64 addr, u64 len, u64 prot, u64 flags, long fd, u64 off)
{
    struct mm_struct *mm = current->mm;
    if (offset_in_page(off))
        return -EINVAL;
    bool anonymous = flags & MAP_ANONYMOUS;
    int readable = anonymous ? 1 : mm_fd_readable((int)fd);
    if (readable < 0)
        return -EBADF;
    if (flags & MAP_FIXED_NOREPLACE)
        flags |= MAP_FIXED;
    if (!len)
        return -EINVAL;
    if (!(flags & MAP_FIXED) && addr < mmap_min_addr())
        addr = addr ? PAGE_ALIGN(mmap_min_addr()) : 0; /* round_hint_to_min */
    len = PAGE_ALIGN(len);
    if (!len)
        return -ENOMEM;
    if ((off >> 12) + (len >> 12) < (off >> 12))
        return -EOVERFLOW;
    if (mm->map_count >= MM_MAX_VMAS)
        return -ENOMEM;

    long got = get_unmapped_area(mm, addr, len, flags);
    if (IS_ERR_VALUE(got))
        return got;
    addr = got;
    if ((flags & MAP_FIXED_NOREPLACE) && !range_is_free(mm, addr, addr + len))
        return -EEXIST;

    if (!anonymous) {
        /* A file: none of this machine's files has an mmap operation, and
         * Linux says so with ENODEV, after its other checks. */
        switch (flags & MAP_TYPE) {
        case MAP_SHARED:
        case MAP_SHARED_VALIDATE:
            if ((flags & MAP_TYPE) == MAP_SHARED_VALIDATE && (flags & ~LEGACY_MAP_MASK))
                return -EOPNOTSUPP;
            /* fall through */
        case MAP_PRIVATE:
            if (!readable)
                return -EACCES;
            return -ENODEV;
        default:
            return -EINVAL;
        }
    }
    switch (flags & MAP_TYPE) {
    case MAP_SHARED:
        if (flags & MAP_GROWSDOWN)
            return -EINVAL;
        break;
    case MAP_PRIVATE:
        break;
    default:
        return -EINVAL; /* MAP_SHARED_VALIDATE too: anonymous memory has no such type */
    }

    u64 vm_flags = calc_vm_flags(prot, flags);
    struct vm_area_struct v = {addr, addr + len, vm_flags, 0, 0};
    /* Shared memory is an object of its own (Linux's shmem_zero_setup),
     * which a fork's copy of this VMA will name too. */
    if (vm_flags & VM_SHARED) {
        v.vm_shm = shm_new();
        if (!v.vm_shm)
            return -ENOMEM;
    }
    long err = 0;
    if (!range_is_free(mm, addr, addr + len))
        err = do_munmap(mm, addr, addr + len); /* MAP_FIXED replaces */
    if (!err)
        err = add_vma_like(mm, v);
    if (v.vm_shm)
        shm_put(v.vm_shm); /* the VMA holds it now (or nothing does) */
    if (err)
        return err;
    if ((flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE)
        populate_range(addr, addr + len, vm_flags);
    return addr;
}

noinline long sys_munmap(u64 start, u64 len)
{
    struct mm_struct *mm = current->mm;
    if (offset_in_page(start) || start > USER_ADDR_MAX || len > USER_ADDR_MAX - start)
        return -EINVAL;
    len = PAGE_ALIGN(len);
    if (!len)
        return -EINVAL;
    return do_munmap(mm, start, start + len);
}

noinline long sys_mprotect(u64 start, u64 len, u64 prot)
{
    struct mm_struct *mm = current->mm;
    u64 grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
    prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
    if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
        return -EINVAL;
    if (offset_in_page(start))
        return -EINVAL;
    if (!len)
        return 0;
    len = PAGE_ALIGN(len);
    u64 end = start + len;
    if (end <= start)
        return -ENOMEM;
    if (prot & ~(u64)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
        return -EINVAL;
    struct vm_area_struct *v = find_vma(mm, start);
    if (!v || v->vm_start > start)
        return -ENOMEM;
    /* VMA by VMA, as Linux does: a hole stops the walk with ENOMEM, and
     * the VMAs before it keep their new protection. */
    u64 new_access = calc_vm_flags(prot, MAP_PRIVATE) & VM_ACCESS_FLAGS;
    int err = split_at(mm, start);
    if (!err)
        err = split_at(mm, end);
    if (err)
        return err;
    u64 nstart = start;
    for (int i = find_vma_index(mm, start); nstart < end; i++) {
        if (i >= mm->map_count || mm->vmas[i].vm_start != nstart) {
            err = -ENOMEM;
            break;
        }
        struct vm_area_struct *cur = &mm->vmas[i];
        /* The vvar page was mapped without VM_MAYWRITE or VM_MAYEXEC. */
        if ((cur->vm_flags & VM_PFNMAP) && (new_access & (VM_WRITE | VM_EXEC))) {
            err = -EACCES;
            break;
        }
        cur->vm_flags = (cur->vm_flags & ~(u64)VM_ACCESS_FLAGS) | new_access;
        change_pte_range(cur->vm_start, cur->vm_end, cur->vm_flags);
        nstart = cur->vm_end;
    }
    merge_all(mm);
    return err;
}

/* Move [addr, addr + old_len) of one VMA to new_addr, grown or shrunk to
 * new_len. Identity pages cannot be remapped, so the data is copied. */
static long move_vma(struct mm_struct *mm, u64 addr, u64 old_len, u64 new_addr, u64 new_len,
                     bool dontunmap)
{
    struct vm_area_struct *v = find_vma(mm, addr);
    u64 vm_flags = v->vm_flags;
    if (mm->map_count + 2 > MM_MAX_VMAS)
        return -ENOMEM;
    /* Shared memory moves as the same pages of the same object. */
    long err = add_vma_like(
        mm, (struct vm_area_struct){new_addr, new_addr + new_len, vm_flags, v->vm_shm, v->vm_pgoff});
    if (err)
        return err;
    u64 moved = min(old_len, new_len);
    for (u64 off = 0; off < moved; off += SP_PAGE_SIZE) {
        u64 *dst = pte_of(new_addr + off);
        if (!*pte_of(addr + off))
            continue;
        /* Both pages readable and writable by the kernel for the copy. */
        set_pte(addr + off, _PAGE_PRESENT | _PAGE_POPULATED);
        kernel_view(new_addr + off);
        memcpy((void *)(new_addr + off), (void *)(addr + off), SP_PAGE_SIZE);
        *dst = pte_for(new_addr + off, vm_flags);
        flush_tlb_one(new_addr + off);
        zap_page(addr + off);
    }
    u64 vvar = mm->vvar;
    if (dontunmap) {
        if (vvar >= addr && vvar < addr + moved)
            mm->vvar = new_addr + (vvar - addr);
        return new_addr; /* the old range stays, empty */
    }
    err = do_munmap(mm, addr, addr + old_len);
    if (!err && vvar >= addr && vvar < addr + moved)
        mm->vvar = new_addr + (vvar - addr); /* the kernel writes it there now */
    return err ? err : (long)new_addr;
}

noinline long sys_mremap(u64 addr, u64 old_len, u64 new_len, u64 flags, u64 new_addr)
{
    struct mm_struct *mm = current->mm;
    if (flags & ~(u64)(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
        return -EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
        return -EINVAL;
    if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
        return -EINVAL;
    if (offset_in_page(addr))
        return -EINVAL;
    old_len = PAGE_ALIGN(old_len);
    new_len = PAGE_ALIGN(new_len);
    if (!new_len)
        return -EINVAL;

    if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
        if (flags & MREMAP_FIXED) {
            if (offset_in_page(new_addr))
                return -EINVAL;
            if (new_len > mm->task_size || new_addr > mm->task_size - new_len)
                return -EINVAL;
            if (unbacked(new_addr, new_addr + new_len))
                return -EINVAL;
            /* The two ranges may not overlap. */
            if (addr + old_len > new_addr && new_addr + new_len > addr)
                return -EINVAL;
        }
        struct vm_area_struct *v = find_vma(mm, addr);
        if (!v || v->vm_start > addr || old_len > v->vm_end - addr)
            return -EFAULT;
        if (!old_len && !(v->vm_flags & VM_SHARED))
            return -EINVAL; /* a private mapping cannot be duplicated */
        if ((v->vm_flags & (VM_DONTEXPAND | VM_PFNMAP)) && new_len > old_len)
            return -EFAULT;
        long err;
        if (flags & MREMAP_FIXED) {
            if (new_addr < mmap_min_addr())
                return -EPERM;
            err = do_munmap(mm, new_addr, new_addr + new_len);
            if (err)
                return err;
            if (old_len > new_len) {
                err = do_munmap(mm, addr + new_len, addr + old_len);
                if (err)
                    return err;
                old_len = new_len;
            }
        } else {
            long got = get_unmapped_area(mm, 0, new_len, 0);
            if (IS_ERR_VALUE(got))
                return got;
            new_addr = got;
        }
        if (split_at(mm, addr) || split_at(mm, addr + old_len))
            return -ENOMEM;
        return move_vma(mm, addr, old_len, new_addr, new_len, flags & MREMAP_DONTUNMAP);
    }

    if (old_len >= new_len) {
        long err = do_munmap(mm, addr + new_len, addr + old_len);
        if (err && old_len != new_len)
            return err;
        return addr;
    }

    struct vm_area_struct *v = find_vma(mm, addr);
    if (!v || v->vm_start > addr || old_len > v->vm_end - addr)
        return -EFAULT;
    if (!old_len && !(v->vm_flags & VM_SHARED))
        return -EINVAL; /* a shared one can: a second mapping of its pages */
    if (v->vm_flags & (VM_DONTEXPAND | VM_PFNMAP))
        return -EFAULT; /* the vDSO's mappings never grow */
    u64 delta = new_len - old_len;
    /* Grow in place when the range ends the VMA and the room after it is
     * free. */
    if (old_len == v->vm_end - addr && v->vm_end <= mm->task_size - delta &&
        range_is_free(mm, v->vm_end, v->vm_end + delta) &&
        !unbacked(v->vm_end, v->vm_end + delta)) {
        v->vm_end += delta;
        merge_around(mm, find_vma_index(mm, addr));
        return addr;
    }
    if (!(flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    long got = get_unmapped_area(mm, 0, new_len, 0);
    if (IS_ERR_VALUE(got))
        return got;
    if (split_at(mm, addr) || split_at(mm, addr + old_len))
        return -ENOMEM;
    return move_vma(mm, addr, old_len, got, new_len, false);
}

static bool madvise_behavior_valid(long behavior)
{
    switch (behavior) {
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
    case MADV_DONTNEED:
    case MADV_FREE:
    case MADV_REMOVE:
    case MADV_DONTFORK:
    case MADV_DOFORK:
    case MADV_DONTDUMP:
    case MADV_DODUMP:
    case MADV_WIPEONFORK:
    case MADV_KEEPONFORK:
    case MADV_COLD:
    case MADV_PAGEOUT:
    case MADV_POPULATE_READ:
    case MADV_POPULATE_WRITE:
        return true;
    default:
        return false;
    }
}

/* One VMA's part [start, end) of a madvise call. */
static long madvise_vma(struct vm_area_struct *v, u64 start, u64 end, long behavior)
{
    /* The vvar page is not the process's memory: nothing may drop or page
     * it (Linux's can_madv_lru_vma, and VM_PFNMAP for populate). */
    if (v->vm_flags & VM_PFNMAP) {
        switch (behavior) {
        case MADV_DONTNEED:
        case MADV_FREE:
        case MADV_COLD:
        case MADV_PAGEOUT:
        case MADV_POPULATE_READ:
        case MADV_POPULATE_WRITE:
            return -EINVAL;
        }
    }
    switch (behavior) {
    case MADV_DONTNEED:
        /* Private anonymous memory reads back as zero pages afterwards;
         * shared memory as what its object holds. */
        if (v->vm_shm)
            shm_writeback_range(v, start, end);
        zap_range(start, end);
        return 0;
    case MADV_REMOVE:
        return -EINVAL; /* only for shared file mappings */
    case MADV_POPULATE_READ:
    case MADV_POPULATE_WRITE:
        if (!(v->vm_flags & VM_ACCESS_FLAGS) ||
            (behavior == MADV_POPULATE_WRITE && !(v->vm_flags & VM_WRITE)))
            return -ENOMEM;
        populate_range(start, end, v->vm_flags);
        return 0;
    case MADV_WIPEONFORK:
        return (v->vm_flags & VM_SHARED) ? -EINVAL : 0;
    default:
        /* Hints about paging and fork: nothing here pages out or forks.
         * MADV_FREE may keep the data until memory runs short; it never
         * does here. */
        return 0;
    }
}

noinline long sys_madvise(u64 start, u64 len_in, long behavior)
{
    struct mm_struct *mm = current->mm;
    if (!madvise_behavior_valid(behavior))
        return -EINVAL;
    if (offset_in_page(start))
        return -EINVAL;
    u64 len = PAGE_ALIGN(len_in);
    if (len_in && !len)
        return -EINVAL;
    u64 end = start + len;
    if (end < start)
        return -EINVAL;
    if (end == start)
        return 0;
    /* Each VMA in the range gets the advice; a hole makes the result
     * ENOMEM, after the rest is done, as Linux does. */
    long unmapped_error = 0;
    for (int i = find_vma_index(mm, start); i < mm->map_count && mm->vmas[i].vm_start < end;
         i++) {
        struct vm_area_struct *v = &mm->vmas[i];
        if (v->vm_start > start)
            unmapped_error = -ENOMEM;
        u64 s = start > v->vm_start ? start : v->vm_start;
        u64 e = end < v->vm_end ? end : v->vm_end;
        long err = madvise_vma(v, s, e, behavior);
        if (err)
            return err;
        start = e;
    }
    if (start < end)
        unmapped_error = -ENOMEM;
    return unmapped_error;
}

/*
 * The program break. The heap is a VMA from start_brk to the page above
 * brk; it may not grow into the next VMA or its guard page. A refused
 * move returns the old break, as Linux's brk does.
 */
noinline long sys_brk(u64 brk)
{
    struct mm_struct *mm = current->mm;
    if (brk < mm->start_brk || brk > mm->task_size)
        return mm->brk;
    u64 newbrk = PAGE_ALIGN(brk), oldbrk = PAGE_ALIGN(mm->brk);
    if (newbrk == oldbrk) {
        mm->brk = brk;
        return brk;
    }
    if (brk <= mm->brk) {
        if (do_munmap(mm, newbrk, oldbrk))
            return mm->brk;
        mm->brk = brk;
        return brk;
    }
    struct vm_area_struct *next = find_vma(mm, oldbrk);
    u64 next_start = next ? next->vm_start : mm->task_size;
    if (next && (next->vm_flags & VM_GROWSDOWN))
        next_start = next_start > STACK_GUARD_GAP ? next_start - STACK_GUARD_GAP : 0;
    if (newbrk + SP_PAGE_SIZE > next_start || unbacked(oldbrk, newbrk))
        return mm->brk;
    if (add_vma(mm, oldbrk, newbrk, VM_READ | VM_WRITE))
        return mm->brk;
    mm->brk = brk;
    return brk;
}

/* ---- faults and exec ---------------------------------------------------------- */

int handle_mm_fault(struct mm_struct *mm, u64 address, long error_code)
{
    if (!mm)
        return SEGV_MAPERR;
    struct vm_area_struct *v = find_vma(mm, address);
    if (!v || v->vm_start > address)
        return SEGV_MAPERR;
    u64 want = (error_code & PF_WRITE) ? VM_WRITE : (error_code & PF_INSTR) ? VM_EXEC : VM_READ;
    if (!(v->vm_flags & want))
        return SEGV_ACCERR;
    u64 page = address & PAGE_MASK;
    u64 *pte = pte_of(page);
    u64 pte_now = pte_for(page, v->vm_flags);
    if (*pte == pte_now && (error_code & PF_PROT))
        return SEGV_ACCERR; /* the PTE already allows it: no retry loop */
    if (!*pte && v->vm_shm && shm_fault(mm, v, page))
        return 0; /* what the shared object holds */
    *pte = pte_now; /* first touch: the page is zero already */
    flush_tlb_one(page);
    return 0;
}

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

struct elf64_phdr {
    u32 p_type, p_flags;
    u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

void mm_setup_exec(struct mm_struct *mm, const struct sp_boot_params *p)
{
    /* Field by field: clearing the whole table would be 6 KiB of stores,
     * each a traced step, for a table that starts empty. */
    mm->map_count = 0;
    mm->task_size = SP_TASK_SIZE_MAX;
    mm->start_stack = SP_USER_STACK_TOP - SP_USER_STACK_SIZE;
    /* mmap's area starts below the RAM of the high window and the stash
     * (where other processes' pages wait while this one runs: see
     * switch_mm). */
    mm->mmap_base = SP_HIGH_PHYS;
    mm->users = 1;
    mm->vvar = 0; /* until mm_map_vdso */
    mm->ldt_nr = 0; /* exec drops the LDT */
    mm->start_brk = mm->brk = PAGE_ALIGN(p->user_brk);

    /* The image the host loaded: every page of it holds data, so it gets
     * PTEs now (kernel-readable, for the program headers first). */
    u64 image_end = mm->start_brk;
    populate_range(SP_USER_BASE, image_end, VM_READ | VM_WRITE);

    /* One VMA per PT_LOAD segment with its own protection. A later
     * segment sharing a page with an earlier one wins, as mmap over it
     * would. */
    const struct elf64_phdr *ph = (const struct elf64_phdr *)p->user_phdr;
    bool any = false;
    for (u32 i = 0; p->user_phdr && p->user_phent == sizeof(*ph) && i < p->user_phnum; i++) {
        if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
            continue;
        u64 start = ph[i].p_vaddr & PAGE_MASK;
        u64 end = PAGE_ALIGN(ph[i].p_vaddr + ph[i].p_memsz);
        u64 flags = ((ph[i].p_flags & PF_R) ? VM_READ : 0) |
                    ((ph[i].p_flags & PF_W) ? VM_WRITE : 0) |
                    ((ph[i].p_flags & PF_X) ? VM_EXEC : 0);
        /* Drop whatever overlaps without zeroing: the bytes are the
         * segment's. */
        if (split_at(mm, start) || split_at(mm, end))
            BUG();
        int j = find_vma_index(mm, start);
        while (j < mm->map_count && mm->vmas[j].vm_start < end)
            remove_at(mm, j);
        if (add_vma(mm, start, end, flags))
            BUG();
        any = true;
    }
    if (!any && add_vma(mm, SP_USER_BASE, image_end, VM_READ | VM_WRITE | VM_EXEC))
        BUG();
    /* Pages of the image outside every segment: dropped. */
    for (u64 a = SP_USER_BASE; a < image_end; a += SP_PAGE_SIZE) {
        struct vm_area_struct *v = find_vma(mm, a);
        if (!v || v->vm_start > a)
            zap_page(a);
    }
    for (int j = 0; j < mm->map_count; j++)
        change_pte_range(mm->vmas[j].vm_start, mm->vmas[j].vm_end, mm->vmas[j].vm_flags);

    if (add_vma(mm, mm->start_stack, SP_USER_STACK_TOP, VM_READ | VM_WRITE | VM_GROWSDOWN))
        BUG();
}

/* ---- the vDSO's mappings ---------------------------------------------------- */

long mm_map_vdso(struct mm_struct *mm, const void *image, u64 image_len, u64 vvar_len)
{
    u64 text_len = PAGE_ALIGN(image_len);
    long addr = get_unmapped_area(mm, 0, vvar_len + text_len, 0);
    if (IS_ERR_VALUE(addr))
        return addr;
    u64 vvar_end = (u64)addr + vvar_len, end = vvar_end + text_len;
    long err = add_vma(mm, (u64)addr, vvar_end, VM_READ | VM_PFNMAP | VM_IO | VM_DONTEXPAND);
    if (!err)
        err = add_vma(mm, vvar_end, end, VM_READ | VM_EXEC | VM_DONTEXPAND);
    if (err)
        return err;
    /* The pages are zero (their PTEs were): fill the image in through the
     * kernel's view, then give each page its user protection. */
    for (u64 a = (u64)addr; a < end; a += SP_PAGE_SIZE)
        kernel_view(a);
    memcpy((void *)vvar_end, image, image_len);
    change_pte_range((u64)addr, vvar_end, VM_READ);
    change_pte_range(vvar_end, end, VM_READ | VM_EXEC);
    mm->vvar = (u64)addr;
    return (long)vvar_end;
}

u64 mm_kernel_write_begin(u64 page)
{
    u64 pte = *pte_of(page);
    kernel_view(page);
    return pte;
}

void mm_kernel_write_end(u64 page, u64 pte)
{
    *pte_of(page) = pte;
    flush_tlb_one(page);
}

/* ---- fork: one address space in place at a time ------------------------------ */

/*
 * The page behind user address A is physical page A (identity map), so two
 * processes cannot both have their data at A. Only the running process's
 * pages are in place. Every other process's resident pages wait in the
 * stash, 32 MiB below the mmap area that no mapping may reach, and
 * switch_mm() swaps them when the CPU passes from one process to another:
 * the leaving one's pages are copied out and zeroed, the arriving one's
 * copied back. A fork copies the parent's resident pages into the stash
 * for the child. This costs a copy of every resident page at each switch
 * between processes (threads share the mm: no copy), where Linux changes
 * cr3; the step counts show it.
 */
struct stash_slot {
    struct mm_struct *owner; /* NULL: free; SHM_OWNER: a shared page */
    union {
        u64 addr;  /* the user page it holds */
        u64 pgoff; /* SHM_OWNER: the page of its object it holds */
    };
    union {
        u64 pte;      /* that page's PTE while in place */
        u64 shm_next; /* SHM_OWNER: the object's next page's slot + 1 (0: last) */
    };
};

static struct stash_slot stash[STASH_PAGES];
static u32 stash_next; /* where the search for a free slot starts */

struct mm_struct *active_mm = &init_mm;

#define NR_MMS 8
static struct mm_struct mm_pool[NR_MMS];

static void copy_page(void *to, const void *from)
{
    u64 n = SP_PAGE_SIZE / 8;
    asm volatile("rep movsq" : "+D"(to), "+S"(from), "+c"(n) : : "memory");
}

static u64 stash_page_addr(u32 i)
{
    return STASH_BASE + (u64)i * SP_PAGE_SIZE;
}

/* A free slot, its page mapped for the kernel only; -1 if none is left. */
static int stash_alloc(void)
{
    for (u32 k = 0; k < STASH_PAGES; k++) {
        u32 i = (stash_next + k) % STASH_PAGES;
        if (stash[i].owner)
            continue;
        stash_next = i + 1;
        u64 a = stash_page_addr(i);
        if (*pte_of(a) != mk_pte(a, _PAGE_PRESENT | _PAGE_RW | _PAGE_POPULATED))
            kernel_view(a);
        return (int)i;
    }
    return -1;
}

/* Give the kernel a writable view of user page `a`. */
static void kernel_view(u64 a)
{
    set_pte(a, _PAGE_PRESENT | _PAGE_RW | _PAGE_POPULATED);
}

/* Copy the resident page at `a` into a slot for `owner`. */
static int stash_page(struct mm_struct *owner, u64 a, u64 pte)
{
    int i = stash_alloc();
    if (i < 0)
        return -ENOMEM;
    kernel_view(a);
    copy_page((void *)stash_page_addr((u32)i), (const void *)a);
    *pte_of(a) = pte;
    flush_tlb_one(a);
    stash[i].owner = owner;
    stash[i].addr = a;
    stash[i].pte = pte;
    return 0;
}

/*
 * ---- shared anonymous memory ----
 *
 * A MAP_SHARED anonymous mapping is one object (Linux's shmem file from
 * shmem_zero_setup) that the VMAs of every process mapping it name, with
 * the object's page at their start (vm_shm, vm_pgoff): fork copies the VMA
 * and so the name, never the pages. Every page of an object has one
 * current copy, so a write by one process is what the next one reads:
 *
 * - While the process in place maps it, the copy at its user address is
 *   the current one (it is the only process running).
 * - Otherwise the object's own copy is, in a stash slot of SHM_OWNER
 *   (none: the page is still zero). switch_mm writes the leaving
 *   process's shared pages there, not to slots of its own, and copies
 *   the arriving one's in; so do munmap, exit and exec of one that
 *   still shares them, and MADV_DONTNEED, after which a fault copies
 *   the page back in.
 *
 * Why not one physical page that both page tables point at, as Linux
 * does: the host finds a user page's RAM with sp_user_phys() (time
 * travel's write tracking, its reads of user memory), so a user page has
 * to stay at its own address, as every other page here does. The object
 * lives until no VMA names it; then its pages are dropped.
 */
#define NR_SHM MM_MAX_VMAS /* objects, in every mm together */
struct shm_object {
    u32 refs;  /* VMAs naming it, in every mm; 0: free */
    u32 first; /* slot + 1 of its first page in the stash; 0: none */
};
static struct shm_object shm_objects[NR_SHM];
static char shm_owner_tag;
#define SHM_OWNER ((struct mm_struct *)&shm_owner_tag)

static u32 shm_new(void)
{
    for (u32 i = 0; i < NR_SHM; i++) {
        if (!shm_objects[i].refs) {
            shm_objects[i] = (struct shm_object){1, 0};
            return i + 1;
        }
    }
    return 0;
}

static void shm_get(u32 shm)
{
    shm_objects[shm - 1].refs++;
}

static void shm_put(u32 shm)
{
    struct shm_object *o = &shm_objects[shm - 1];
    if (--o->refs)
        return;
    for (u32 n = o->first; n;) {
        struct stash_slot *sl = &stash[n - 1];
        n = (u32)sl->shm_next;
        sl->owner = NULL;
    }
    o->first = 0;
}

/* Does a VMA besides the one asking name the object? */
static bool shm_others(u32 shm)
{
    return shm_objects[shm - 1].refs > 1;
}

/* The stash slot holding page pgoff of the object; -1: none. */
static int shm_slot(u32 shm, u32 pgoff)
{
    for (u32 n = shm_objects[shm - 1].first; n; n = (u32)stash[n - 1].shm_next)
        if (stash[n - 1].pgoff == pgoff)
            return (int)n - 1;
    return -1;
}

/* Copy the page in place at `a` to the object's copy of page pgoff, and
 * leave the PTE as it was. */
static int shm_store(u32 shm, u32 pgoff, u64 a)
{
    int i = shm_slot(shm, pgoff);
    if (i < 0) {
        i = stash_alloc();
        if (i < 0)
            return -ENOMEM;
        struct shm_object *o = &shm_objects[shm - 1];
        stash[i].owner = SHM_OWNER;
        stash[i].pgoff = pgoff;
        stash[i].shm_next = o->first;
        o->first = (u32)i + 1;
    }
    u64 pte = *pte_of(a);
    kernel_view(a);
    copy_page((void *)stash_page_addr((u32)i), (const void *)a);
    *pte_of(a) = pte;
    flush_tlb_one(a);
    return 0;
}

static int shm_writeback(const struct vm_area_struct *v, u64 a)
{
    return shm_store(v->vm_shm, vma_pgoff(v, a), a);
}

/* Where mm, the address space in place, has page pgoff of object shm in
 * place; 0: nowhere. One mm may map a page at two addresses (mremap's
 * duplicate of a shared mapping, MREMAP_DONTUNMAP); it is in place at one
 * of them at most, so that there is still one current copy. */
static u64 shm_in_place(struct mm_struct *mm, u32 shm, u32 pgoff)
{
    for (int j = 0; mm && j < mm->map_count; j++) {
        const struct vm_area_struct *w = &mm->vmas[j];
        u64 pages = (w->vm_end - w->vm_start) / SP_PAGE_SIZE;
        if (w->vm_shm != shm || pgoff < w->vm_pgoff || pgoff - w->vm_pgoff >= pages)
            continue;
        u64 a = w->vm_start + (u64)(pgoff - w->vm_pgoff) * SP_PAGE_SIZE;
        if (*pte_of(a))
            return a;
    }
    return 0;
}

/* A fault on page `page` of v, shared: the object's page comes in, from
 * another address of the same mm if it is in place there. */
static bool shm_fault(struct mm_struct *mm, const struct vm_area_struct *v, u64 page)
{
    u32 pgoff = vma_pgoff(v, page);
    u64 alias = shm_in_place(mm, v->vm_shm, pgoff);
    if (alias) {
        if (shm_store(v->vm_shm, pgoff, alias))
            BUG(); /* the stash is full */
        zap_page(alias);
    }
    return shm_fill(v, page);
}

static void shm_writeback_range(const struct vm_area_struct *v, u64 start, u64 end)
{
    for (u64 a = start; a < end; a += SP_PAGE_SIZE)
        if (*pte_of(a) && shm_writeback(v, a))
            BUG(); /* the stash is full */
}

/* Bring page `page` of v in from its object's copy, if it has one. */
static bool shm_fill(const struct vm_area_struct *v, u64 page)
{
    int i = shm_slot(v->vm_shm, vma_pgoff(v, page));
    if (i < 0)
        return false;
    kernel_view(page);
    copy_page((void *)page, (const void *)stash_page_addr((u32)i));
    *pte_of(page) = pte_for(page, v->vm_flags);
    flush_tlb_one(page);
    return true;
}

/* switch_mm: every page the objects of mm's VMAs hold, in place. */
static void shm_fill_all(struct mm_struct *mm)
{
    for (int j = 0; j < mm->map_count; j++) {
        const struct vm_area_struct *v = &mm->vmas[j];
        if (!v->vm_shm)
            continue;
        u64 pages = (v->vm_end - v->vm_start) / SP_PAGE_SIZE;
        for (u32 n = shm_objects[v->vm_shm - 1].first; n; n = (u32)stash[n - 1].shm_next) {
            u64 pgoff = stash[n - 1].pgoff;
            if (pgoff >= v->vm_pgoff && pgoff - v->vm_pgoff < pages &&
                !shm_in_place(mm, v->vm_shm, (u32)pgoff))
                shm_fill(v, v->vm_start + (pgoff - v->vm_pgoff) * SP_PAGE_SIZE);
        }
    }
}

/* Where the current copy of page `page` of v (a VMA of any mm) is (see
 * above): at a user address of the running process (*in_place), in the
 * stash, or nowhere (0) while the page is still zero. */
static u64 shm_current(const struct vm_area_struct *v, u64 page, bool *in_place)
{
    u32 pgoff = vma_pgoff(v, page);
    u64 a = shm_in_place(active_mm, v->vm_shm, pgoff);
    *in_place = a != 0;
    if (a)
        return a;
    int i = shm_slot(v->vm_shm, pgoff);
    return i < 0 ? 0 : stash_page_addr((u32)i);
}

static void stash_drop(struct mm_struct *owner)
{
    for (u32 i = 0; i < STASH_PAGES; i++)
        if (stash[i].owner == owner)
            stash[i].owner = NULL;
}

/* Call fn for every resident page of mm's VMAs (skipping untouched PTEs
 * four at a time, as zap_range does). */
static int for_each_resident(struct mm_struct *mm,
                             int (*fn)(struct mm_struct *, const struct vm_area_struct *, u64,
                                       u64 *),
                             struct mm_struct *arg)
{
    for (int j = 0; j < mm->map_count; j++) {
        u64 a = mm->vmas[j].vm_start, end = mm->vmas[j].vm_end;
        while (a < end) {
            u64 *pte = pte_of(a);
            if (end - a >= 4 * SP_PAGE_SIZE && !(pte[0] | pte[1] | pte[2] | pte[3])) {
                a += 4 * SP_PAGE_SIZE;
                continue;
            }
            if (*pte) {
                int err = fn(arg, &mm->vmas[j], a, pte);
                if (err)
                    return err;
            }
            a += SP_PAGE_SIZE;
        }
    }
    return 0;
}

/* The child's copy of a private page; a shared one stays the object's. */
static int copy_for_child(struct mm_struct *child, const struct vm_area_struct *v, u64 a,
                          u64 *pte)
{
    return v->vm_shm ? 0 : stash_page(child, a, *pte);
}

static int swap_out(struct mm_struct *owner, const struct vm_area_struct *v, u64 a, u64 *pte)
{
    int err = v->vm_shm ? shm_writeback(v, a) : stash_page(owner, a, *pte);
    if (err)
        return err;
    zap_page(a);
    return 0;
}

struct mm_struct *dup_mm(struct mm_struct *old)
{
    struct mm_struct *mm = NULL;
    for (int i = 0; i < NR_MMS && !mm; i++)
        if (!mm_pool[i].users)
            mm = &mm_pool[i];
    if (!mm)
        return NULL;
    /* The VMA table, field by field up to what is used. */
    mm->map_count = old->map_count;
    memcpy(mm->vmas, old->vmas, (size_t)old->map_count * sizeof(old->vmas[0]));
    mm->start_brk = old->start_brk;
    mm->brk = old->brk;
    mm->start_stack = old->start_stack;
    mm->mmap_base = old->mmap_base;
    mm->task_size = old->task_size;
    mm->vvar = old->vvar;
    ldt_dup(mm, old);
    mm->users = 1;
    if (for_each_resident(old, copy_for_child, mm)) {
        stash_drop(mm);
        mm->users = 0;
        mm->map_count = 0;
        return NULL;
    }
    for (int j = 0; j < mm->map_count; j++)
        if (mm->vmas[j].vm_shm)
            shm_get(mm->vmas[j].vm_shm); /* the child's VMAs name the objects too */
    return mm;
}

void mm_get(struct mm_struct *mm)
{
    mm->users++;
}

/* Every VMA of mm goes, with its pages, except what shared objects that
 * others still map keep (in place: mm is the running address space). */
static void drop_vmas(struct mm_struct *mm, bool in_place)
{
    for (int j = 0; j < mm->map_count; j++) {
        struct vm_area_struct *v = &mm->vmas[j];
        if (in_place) {
            if (v->vm_shm && shm_others(v->vm_shm))
                shm_writeback_range(v, v->vm_start, v->vm_end);
            zap_range(v->vm_start, v->vm_end);
        }
        if (v->vm_shm)
            shm_put(v->vm_shm);
    }
    mm->map_count = 0;
}

/* The last task using mm is gone: its pages are dropped. */
void mm_put(struct mm_struct *mm)
{
    if (!mm || --mm->users > 0 || mm == &init_mm)
        return;
    if (mm == active_mm) {
        drop_vmas(mm, true);
        active_mm = NULL;
    } else {
        stash_drop(mm);
        drop_vmas(mm, false);
    }
}

noinline void switch_mm(struct mm_struct *prev, struct mm_struct *next)
{
    if (prev && for_each_resident(prev, swap_out, prev))
        BUG(); /* the stash is full */
    for (u32 i = 0; i < STASH_PAGES; i++) {
        struct stash_slot *sl = &stash[i];
        if (sl->owner != next)
            continue;
        kernel_view(sl->addr);
        copy_page((void *)sl->addr, (const void *)stash_page_addr(i));
        *pte_of(sl->addr) = sl->pte;
        flush_tlb_one(sl->addr);
        sl->owner = NULL;
    }
    if (next)
        shm_fill_all(next);
    active_mm = next;
    vvar_refresh(); /* its copy of the clock waited in the stash */
}

/* exec: an address space nobody else uses loses every mapping and page. */
void mm_exec_teardown(struct mm_struct *mm)
{
    drop_vmas(mm, true);
}

/* exec from a shared address space: a new, empty one. */
struct mm_struct *mm_alloc_empty(void)
{
    for (int i = 0; i < NR_MMS; i++) {
        if (!mm_pool[i].users) {
            mm_pool[i].map_count = 0;
            mm_pool[i].users = 1;
            mm_pool[i].vvar = 0;
            mm_pool[i].ldt_nr = 0;
            return &mm_pool[i];
        }
    }
    return NULL;
}

/* exec: the image's pages, writable by the kernel until mm_setup_exec
 * gives them their protections. */
void populate_for_exec(u64 start, u64 end)
{
    populate_range(start, end, VM_READ | VM_WRITE);
}

/*
 * ptrace's PEEKDATA/POKEDATA: len bytes at addr of mm, which need not be
 * the address space in place. The running one's page is reached through a
 * kernel view of it (a tracer may write a read-only text page, as Linux's
 * FOLL_FORCE allows); another's waits in the stash. A mapped page never
 * touched reads as zeros and cannot be written (-EIO). 0 or -EIO.
 */
int access_process_vm(struct mm_struct *mm, u64 addr, void *buf, int len, bool write)
{
    u8 *p = buf;
    while (len > 0) {
        u64 page = addr & ~(u64)(SP_PAGE_SIZE - 1);
        int n = (int)(page + SP_PAGE_SIZE - addr);
        if (n > len)
            n = len;
        struct vm_area_struct *v = find_vma(mm, addr);
        if (!v || v->vm_start > addr)
            return -EIO;
        u8 *at = NULL;
        u64 pte = 0, in_place = 0;
        if (v->vm_shm) {
            /* Shared: wherever its current copy is, maybe in place. */
            bool live;
            u64 cur = shm_current(v, page, &live);
            if (live)
                in_place = cur;
            else if (cur)
                at = (u8 *)cur + (addr - page);
        } else if (mm == active_mm) {
            in_place = page;
        }
        if (in_place) {
            pte = *pte_of(in_place);
            if (pte) {
                kernel_view(in_place);
                at = (u8 *)in_place + (addr - page);
            }
        } else if (!v->vm_shm && mm != active_mm) {
            for (u32 i = 0; i < STASH_PAGES && !at; i++)
                if (stash[i].owner == mm && stash[i].addr == page)
                    at = (u8 *)stash_page_addr(i) + (addr - page);
        }
        if (!at && write)
            return -EIO;
        if (!at)
            memset(p, 0, (size_t)n);
        else if (write)
            memcpy(at, p, (size_t)n);
        else
            memcpy(p, at, (size_t)n);
        if (at && in_place) {
            *pte_of(in_place) = pte;
            flush_tlb_one(in_place);
        }
        addr += (u64)n;
        p += n;
        len -= n;
    }
    return 0;
}
