/* The auxiliary vector exec put above the environment: which types are
 * there, in which order, and the values a static program must get as
 * Linux gives them. Values that depend on the machine (the CPU's feature
 * words, the XSAVE size behind AT_MINSIGSTKSZ, who runs the test) are
 * printed as the relations Linux guarantees; `start_auxv values` also
 * prints the raw values.
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

static const char *type_name(unsigned long t)
{
    switch (t) {
    case AT_PHDR: return "AT_PHDR";
    case AT_PHENT: return "AT_PHENT";
    case AT_PHNUM: return "AT_PHNUM";
    case AT_PAGESZ: return "AT_PAGESZ";
    case AT_BASE: return "AT_BASE";
    case AT_FLAGS: return "AT_FLAGS";
    case AT_ENTRY: return "AT_ENTRY";
    case AT_UID: return "AT_UID";
    case AT_EUID: return "AT_EUID";
    case AT_GID: return "AT_GID";
    case AT_EGID: return "AT_EGID";
    case AT_PLATFORM: return "AT_PLATFORM";
    case AT_HWCAP: return "AT_HWCAP";
    case AT_CLKTCK: return "AT_CLKTCK";
    case AT_SECURE: return "AT_SECURE";
    case AT_RANDOM: return "AT_RANDOM";
    case AT_HWCAP2: return "AT_HWCAP2";
    case AT_EXECFN: return "AT_EXECFN";
    case AT_SYSINFO_EHDR: return "AT_SYSINFO_EHDR";
    case 51: return "AT_MINSIGSTKSZ";
    case 27: return "AT_RSEQ_FEATURE_SIZE";
    case 28: return "AT_RSEQ_ALIGN";
    default: return "?";
    }
}

extern char _start[];

int main(int argc, char **argv)
{
    char **e = environ;
    while (*e)
        e++;
    unsigned long *aux = (unsigned long *)(e + 1);

    printf("types:");
    int n = 0;
    for (unsigned long *a = aux; a[0] != AT_NULL; a += 2) {
        printf(" %s", type_name(a[0]));
        n++;
    }
    printf(" (%d), then AT_NULL\n", n);

    printf("AT_PAGESZ %lu, sysconf %ld\n", getauxval(AT_PAGESZ), sysconf(_SC_PAGESIZE));
    printf("AT_CLKTCK %lu\n", getauxval(AT_CLKTCK));
    printf("AT_RSEQ_FEATURE_SIZE %lu, AT_RSEQ_ALIGN %lu\n", getauxval(27), getauxval(28));
    printf("AT_PHENT %lu (Elf64_Phdr is %zu)\n", getauxval(AT_PHENT), sizeof(Elf64_Phdr));
    printf("AT_PHNUM %lu\n", getauxval(AT_PHNUM));
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    printf("AT_PHDR %#lx, its first header's type %u\n", getauxval(AT_PHDR), ph[0].p_type);
    printf("AT_ENTRY is _start: %s\n", getauxval(AT_ENTRY) == (unsigned long)_start ? "yes" : "no");
    printf("AT_BASE %lu, AT_FLAGS %lu, AT_SECURE %lu\n", getauxval(AT_BASE), getauxval(AT_FLAGS),
           getauxval(AT_SECURE));
    printf("AT_UID/EUID/GID/EGID are the process's: %s\n",
           getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() &&
                   getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid()
               ? "yes"
               : "no");
    printf("AT_PLATFORM \"%s\"\n", (const char *)getauxval(AT_PLATFORM));
    const unsigned char *vdso = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);
    printf("AT_SYSINFO_EHDR is a page-aligned ELF shared object: %s\n",
           vdso && !((uintptr_t)vdso & 4095) && !memcmp(vdso, ELFMAG, SELFMAG) &&
                   ((const Elf64_Ehdr *)vdso)->e_type == ET_DYN
               ? "yes"
               : "no");
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    const char *slash = strrchr(execfn, '/');
    const char *arg0 = strrchr(argv[0], '/');
    printf("AT_EXECFN names the program: %s\n",
           strcmp(slash ? slash + 1 : execfn, arg0 ? arg0 + 1 : argv[0]) == 0 ? "yes" : "no");

    /* The random bytes sit on the stack, above the vector and below the strings. */
    uintptr_t rnd = getauxval(AT_RANDOM);
    printf("AT_RANDOM between the vector and argv[0]: %s\n",
           rnd > (uintptr_t)aux && rnd + 16 <= (uintptr_t)argv[0] ? "yes" : "no");

    /* Linux: AT_HWCAP is CPUID leaf 1's EDX as the kernel found it. */
    unsigned int eax = 1, ebx, ecx = 0, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    printf("AT_HWCAP is CPUID.1:EDX: %s\n", getauxval(AT_HWCAP) == edx ? "yes" : "no");
    /* AT_HWCAP2 bit 1 (FSGSBASE) means the kernel enabled RDFSBASE & co;
     * no other bit may be set on this CPU (bit 0 is a Xeon Phi's). */
    printf("AT_HWCAP2 has no bits but FSGSBASE: %s\n",
           (getauxval(AT_HWCAP2) & ~2UL) == 0 ? "yes" : "no");
    printf("AT_MINSIGSTKSZ covers a frame and the FXSAVE area: %s\n",
           getauxval(51) >= 440 + 512 ? "yes" : "no");
    if (argc > 1 && strcmp(argv[1], "values") == 0)
        printf("AT_HWCAP %#lx AT_HWCAP2 %#lx AT_MINSIGSTKSZ %lu\n", getauxval(AT_HWCAP),
               getauxval(AT_HWCAP2), getauxval(51));
    return 0;
}
