/* The clocks through the vDSO. `time_vdso libc` reads them as a program
 * does (the C library's clock_gettime, gettimeofday and time, which use the
 * vDSO when the kernel maps one); `time_vdso syscall` makes the same reads
 * as system calls; `time_vdso direct` looks the vDSO up itself from
 * AT_SYSINFO_EHDR, walking its dynamic symbols and their versions as a C
 * library does, and calls its functions. Only value-independent facts are
 * printed, so Linux and the guest print the same lines; the trace of the
 * guest's run says which reads entered the kernel (tests/native/vdso.py). */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define READS 100 /* of each kind: vdso.py counts the system calls */
#define YEAR_2014 1388534400LL

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);
typedef int (*gettimeofday_fn)(struct timeval *, void *);
typedef long (*time_fn)(long *);
typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);

static clock_gettime_fn vdso_clock_gettime;
static gettimeofday_fn vdso_gettimeofday;
static time_fn vdso_time;

/* The one loaded segment's bias, the dynamic table, and from it the
 * symbols: what a C library reads out of an ELF image in memory. */
struct image {
    uintptr_t bias;
    const Elf64_Sym *syms;
    const char *strings;
    const uint32_t *hash; /* DT_HASH: nbucket, nchain (= number of symbols) */
    const Elf64_Versym *versym;
    const Elf64_Verdef *verdef;
};

static int open_image(const Elf64_Ehdr *eh, struct image *im)
{
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_type != ET_DYN)
        return 0;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)eh + eh->e_phoff);
    const Elf64_Dyn *dyn = 0;
    int loads = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD) {
            im->bias = (uintptr_t)eh + ph[i].p_offset - ph[i].p_vaddr;
            loads++;
        } else if (ph[i].p_type == PT_DYNAMIC) {
            dyn = (const Elf64_Dyn *)((const char *)eh + ph[i].p_offset);
        }
    }
    if (loads != 1 || !dyn)
        return 0;
    memset(&im->syms, 0, sizeof *im - sizeof im->bias);
    for (; dyn->d_tag != DT_NULL; dyn++) {
        const void *p = (const void *)(im->bias + dyn->d_un.d_ptr);
        switch (dyn->d_tag) {
        case DT_SYMTAB: im->syms = p; break;
        case DT_STRTAB: im->strings = p; break;
        case DT_HASH: im->hash = p; break;
        case DT_VERSYM: im->versym = p; break;
        case DT_VERDEF: im->verdef = p; break;
        }
    }
    return im->syms && im->strings && im->hash;
}

/* Is version index `index` the one named `version`? */
static int version_is(const struct image *im, unsigned index, const char *version)
{
    for (const Elf64_Verdef *d = im->verdef; d;
         d = d->vd_next ? (const Elf64_Verdef *)((const char *)d + d->vd_next) : 0) {
        if ((d->vd_ndx & 0x7fff) != (index & 0x7fff) || (d->vd_flags & VER_FLG_BASE))
            continue;
        const Elf64_Verdaux *aux = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);
        return strcmp(im->strings + aux->vda_name, version) == 0;
    }
    return 0;
}

static void *lookup(const struct image *im, const char *name, const char *version)
{
    for (uint32_t i = 0; i < im->hash[1]; i++) {
        const Elf64_Sym *s = &im->syms[i];
        if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF)
            continue;
        if (strcmp(im->strings + s->st_name, name))
            continue;
        if (im->versym && im->verdef && !version_is(im, im->versym[i], version))
            continue;
        return (void *)(im->bias + s->st_value);
    }
    return 0;
}

static int64_t ns(const struct timespec *t)
{
    return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static void read_clock(const char *mode, clockid_t c, struct timespec *t)
{
    if (!strcmp(mode, "syscall"))
        syscall(SYS_clock_gettime, c, t);
    else if (!strcmp(mode, "direct"))
        vdso_clock_gettime(c, t);
    else
        clock_gettime(c, t);
}

static void read_timeofday(const char *mode, struct timeval *tv)
{
    if (!strcmp(mode, "syscall"))
        syscall(SYS_gettimeofday, tv, 0);
    else if (!strcmp(mode, "direct"))
        vdso_gettimeofday(tv, 0);
    else
        gettimeofday(tv, 0);
}

static long read_time(const char *mode)
{
    if (!strcmp(mode, "syscall"))
        return syscall(SYS_time, 0);
    if (!strcmp(mode, "direct"))
        return vdso_time(0);
    return time(0);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "libc";
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)getauxval(AT_SYSINFO_EHDR);
    printf("AT_SYSINFO_EHDR: %s\n", eh ? "present" : "absent");
    if (!strcmp(mode, "direct")) {
        struct image im;
        if (!eh || !open_image(eh, &im)) {
            printf("no vDSO image to call\n");
            return 1;
        }
        vdso_clock_gettime = (clock_gettime_fn)lookup(&im, "__vdso_clock_gettime", "LINUX_2.6");
        vdso_gettimeofday = (gettimeofday_fn)lookup(&im, "__vdso_gettimeofday", "LINUX_2.6");
        vdso_time = (time_fn)lookup(&im, "__vdso_time", "LINUX_2.6");
        getcpu_fn getcpu = (getcpu_fn)lookup(&im, "__vdso_getcpu", "LINUX_2.6");
        printf("found __vdso_clock_gettime %s, __vdso_gettimeofday %s, __vdso_time %s, "
               "__vdso_getcpu %s\n", vdso_clock_gettime ? "yes" : "no",
               vdso_gettimeofday ? "yes" : "no", vdso_time ? "yes" : "no", getcpu ? "yes" : "no");
        printf("a version that does not exist is not found: %s\n",
               lookup(&im, "__vdso_clock_gettime", "LINUX_9.9") ? "no" : "yes");
        if (!vdso_clock_gettime || !vdso_gettimeofday || !vdso_time || !getcpu)
            return 1;
        unsigned cpu = ~0u, node = ~0u;
        long r = getcpu(&cpu, &node, 0);
        printf("getcpu returned %ld, cpu set: %s, node set: %s\n", r, cpu != ~0u ? "yes" : "no",
               node != ~0u ? "yes" : "no");
    }

    int back = 0, calls = 0, before_2014 = 0, tv_bad = 0;
    struct timespec prev;
    read_clock(mode, CLOCK_MONOTONIC, &prev);
    calls++;
    for (int i = 1; i < READS; i++) {
        struct timespec t;
        read_clock(mode, CLOCK_MONOTONIC, &t);
        calls++;
        back += ns(&t) < ns(&prev);
        prev = t;
    }
    for (int i = 0; i < READS; i++) {
        struct timespec rt;
        read_clock(mode, CLOCK_REALTIME, &rt);
        struct timeval tv;
        read_timeofday(mode, &tv);
        long now = read_time(mode);
        calls += 3;
        before_2014 += rt.tv_sec < YEAR_2014 || tv.tv_sec < YEAR_2014 || now < YEAR_2014;
        /* Read in this order, each is no earlier than the one before (to
         * the second: time() and gettimeofday() cut off the rest). Linux's
         * time() reads the coarse clock, updated once a tick, so just after
         * a second begins it may still give the second before. */
        tv_bad += tv.tv_usec < 0 || tv.tv_usec >= 1000000 || tv.tv_sec < rt.tv_sec ||
                  now + 1 < tv.tv_sec;
    }
    printf("monotonic went back %d times in %d reads\n", back, READS);
    printf("realtime, gettimeofday and time before 2014: %d times in %d rounds\n", before_2014,
           READS);
    printf("gettimeofday or time out of order or malformed: %d times\n", tv_bad);
    printf("clock reads: %d\n", calls);
    return 0;
}
