/*
 * What the emulated CPU is, where the kernel's x86 selftests depend on it
 * (selftests.cmake lists the runs these facts make differ from the host):
 *
 *   vendor    CPUID leaf 0's vendor string ("AuthenticAMD": Unicorn's
 *             default x86-64 model), so
 *   sysenter  in 64-bit mode raises #UD (vector 6), as on AMD CPUs; an
 *             Intel CPU enters the kernel's SYSENTER entry instead;
 *   xsave     CPUID.1:ECX.XSAVE[26] is clear: no XSAVE state, so the
 *             signal frame holds the 512-byte FXSAVE image alone;
 *   fsgsbase  CPUID.7.0:EBX.FSGSBASE[0] is clear: no RDGSBASE/WRGSBASE.
 *
 * Each runs in a fresh 64-bit Unicorn at CPL 0; the program prints what it
 * found and exits 1 when a fact is not as stated above.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unicorn/unicorn.h>

#define CODE 0x1000

static uc_engine* start(const uint8_t* code, size_t len) {
    uc_engine* uc;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK) return NULL;
    uc_mem_map(uc, CODE, 0x1000, UC_PROT_ALL);
    uc_mem_write(uc, CODE, code, len);
    return uc;
}

static void on_intr(uc_engine* uc, uint32_t intno, void* user) {
    *(int*)user = (int)intno;
    uc_emu_stop(uc);
}

/* cpuid with eax = leaf, ecx = 0; the four results. */
static void cpuid(uint32_t leaf, uint32_t out[4]) {
    const uint8_t code[] = {0x0f, 0xa2}; /* cpuid */
    uc_engine* uc = start(code, sizeof code);
    uint64_t a = leaf, c = 0;
    uc_reg_write(uc, UC_X86_REG_RAX, &a);
    uc_reg_write(uc, UC_X86_REG_RCX, &c);
    uc_emu_start(uc, CODE, CODE + sizeof code, 0, 0);
    const int regs[4] = {UC_X86_REG_EAX, UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX};
    for (int i = 0; i < 4; i++) uc_reg_read(uc, regs[i], &out[i]);
    uc_close(uc);
}

static int sysenter_vector(void) {
    const uint8_t code[] = {0x0f, 0x34, 0xf4}; /* sysenter; hlt */
    uc_engine* uc = start(code, sizeof code);
    int vector = -1;
    uc_hook h;
    uc_hook_add(uc, &h, UC_HOOK_INTR, (void*)on_intr, &vector, 1, 0);
    /* Unicorn reports #UD as UC_ERR_INSN_INVALID, not through the hook. */
    if (uc_emu_start(uc, CODE, CODE + sizeof code, 0, 100) == UC_ERR_INSN_INVALID) vector = 6;
    uc_close(uc);
    return vector;
}

int main(void) {
    int bad = 0;
    uint32_t r[4];
    char vendor[13];
    cpuid(0, r);
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    vendor[12] = 0;
    printf("vendor   %s\n", vendor);
    bad |= strcmp(vendor, "AuthenticAMD") != 0;

    int v = sysenter_vector();
    printf("sysenter in 64-bit mode: vector %d%s\n", v, v == 6 ? " (#UD)" : "");
    bad |= v != 6;

    cpuid(1, r);
    printf("xsave    %s (CPUID.1:ECX 0x%08x)\n", (r[2] >> 26) & 1 ? "yes" : "no", r[2]);
    bad |= (r[2] >> 26) & 1;

    cpuid(7, r);
    printf("fsgsbase %s (CPUID.7:EBX 0x%08x)\n", r[1] & 1 ? "yes" : "no", r[1]);
    bad |= r[1] & 1;
    return bad;
}
