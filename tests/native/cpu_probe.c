/*
 * What the emulated CPU is, where the kernel's x86 selftests depend on it
 * (selftests.cmake lists the runs these facts make differ from the host).
 * For the engine's CPU model (ENGINE_MODEL, as emu/src/engine.cpp selects):
 *
 *   vendor    CPUID leaf 0's vendor string is "GenuineIntel", so
 *   sysenter  in 64-bit mode does not raise #UD as on AMD CPUs (Unicorn's
 *             default model): the engine's hook decides (#GP while
 *             IA32_SYSENTER_CS is 0, as the guest leaves it);
 *   xsave     CPUID.1:ECX.XSAVE[26] is set, and with CR4.OSXSAVE XGETBV,
 *             XSETBV, XSAVE and XRSTOR run;
 *   avx       CPUID.1:ECX.AVX[28] is clear and VADDPS is #UD: TCG has no
 *             AVX, so XCR0 holds x87|SSE and the XSAVE image is 576 bytes;
 *   fsgsbase  CPUID.7.0:EBX.FSGSBASE[0] is set, and with CR4.FSGSBASE
 *             WRFSBASE/RDFSBASE run;
 *   iret16    IRETQ to a 32-bit CS with a 16-bit SS sets SP[15:0] and keeps
 *             RSP[63:16] from the stack it ran on, bits 63:32 too (what the
 *             sigreturn selftest says AMD CPUs do; Intel's clear 63:32).
 *   dr7       a data watchpoint in DR0/DR7 (G0, read or write) raises no #DB
 *             when the watched byte is read, and an execute breakpoint
 *             (G0, at the next instruction) ends the emulator's process or
 *             its run: the engine plays the debug unit itself
 *             (emu/src/engine_debug.cpp) and the guest never loads DR7.
 *
 * Each runs in a fresh 64-bit Unicorn at CPL 0; the program prints what it
 * found and exits 1 when a fact is not as stated above.
 *
 * `cpu_probe --models` runs the same probes, and the instructions behind
 * them, on every UC_CPU_X86_* model, as TCG executes them: XGETBV and
 * XSETBV with CR4.OSXSAVE, XSAVE then XRSTOR (XSTATE_BV as XSAVE wrote it),
 * WRFSBASE then RDFSBASE with CR4.FSGSBASE, and one AVX instruction.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unicorn/unicorn.h>
#include <unistd.h>

#define CODE 0x1000
#define DATA 0x4000
#define CR4_FSGSBASE (1u << 16)
#define CR4_OSXSAVE (1u << 18)
#define ENGINE_MODEL UC_CPU_X86_SKYLAKE_CLIENT

/* A fresh machine of that model (-1: Unicorn's default) with code at CODE. */
static uc_engine* start(int model, const uint8_t* code, size_t len) {
    uc_engine* uc;
    if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK) return NULL;
    if (model >= 0 && uc_ctl_set_cpu_model(uc, model) != UC_ERR_OK) {
        uc_close(uc);
        return NULL;
    }
    uc_mem_map(uc, CODE, 0x1000, UC_PROT_ALL);
    uc_mem_map(uc, DATA, 0x1000, UC_PROT_ALL);
    uc_mem_write(uc, CODE, code, len);
    return uc;
}

static void on_intr(uc_engine* uc, uint32_t intno, void* user) {
    *(int*)user = (int)intno;
    uc_emu_stop(uc);
}

/* cpuid with eax = leaf, ecx = 0; the four results. */
static void cpuid(int model, uint32_t leaf, uint32_t out[4]) {
    const uint8_t code[] = {0x0f, 0xa2}; /* cpuid */
    uc_engine* uc = start(model, code, sizeof code);
    uint64_t a = leaf, c = 0;
    uc_reg_write(uc, UC_X86_REG_RAX, &a);
    uc_reg_write(uc, UC_X86_REG_RCX, &c);
    uc_emu_start(uc, CODE, CODE + sizeof code, 0, 0);
    const int regs[4] = {UC_X86_REG_EAX, UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX};
    for (int i = 0; i < 4; i++) uc_reg_read(uc, regs[i], &out[i]);
    uc_close(uc);
}

static int sysenter_vector(int model) {
    const uint8_t code[] = {0x0f, 0x34, 0xf4}; /* sysenter; hlt */
    uc_engine* uc = start(model, code, sizeof code);
    int vector = -1;
    uc_hook h;
    uc_hook_add(uc, &h, UC_HOOK_INTR, (void*)on_intr, &vector, 1, 0);
    /* Unicorn reports #UD as UC_ERR_INSN_INVALID, not through the hook. */
    if (uc_emu_start(uc, CODE, CODE + sizeof code, 0, 100) == UC_ERR_INSN_INVALID) vector = 6;
    uc_close(uc);
    return vector;
}

/* Runs code with CR4 |= cr4 and RDI = DATA; 1 if it ran without a fault. */
static int runs(int model, uint32_t cr4, const uint8_t* code, size_t len, uint64_t* rax,
                uint64_t* rdx) {
    uc_engine* uc = start(model, code, len);
    uint64_t v, rdi = DATA;
    uc_reg_read(uc, UC_X86_REG_CR4, &v);
    v |= cr4;
    uc_reg_write(uc, UC_X86_REG_CR4, &v);
    uc_reg_write(uc, UC_X86_REG_RDI, &rdi);
    uc_err err = uc_emu_start(uc, CODE, CODE + len, 0, 100);
    uc_reg_read(uc, UC_X86_REG_RAX, rax);
    uc_reg_read(uc, UC_X86_REG_RDX, rdx);
    uc_close(uc);
    return err == UC_ERR_OK;
}

/* DR0 = RDI + offset, DR7 = dr7, then a byte read at RDI and a NOP at
 * CODE + 17. The vector the run raised (-1: none). */
static int dr7_vector(int model, uint32_t dr7, uint8_t offset) {
    const uint8_t code[] = {0x48,
                            0x8d,
                            0x47,
                            offset, /* lea offset(%rdi), %rax */
                            0x0f,
                            0x23,
                            0xc0, /* mov %rax, %dr0 */
                            0xb8,
                            (uint8_t)dr7,
                            (uint8_t)(dr7 >> 8),
                            (uint8_t)(dr7 >> 16),
                            (uint8_t)(dr7 >> 24), /* mov $dr7, %eax */
                            0x0f,
                            0x23,
                            0xf8, /* mov %rax, %dr7 */
                            0x8a,
                            0x07, /* mov (%rdi), %al */
                            0x90,
                            0x90}; /* nop (CODE + 17); nop */
    uc_engine* uc = start(model, code, sizeof code);
    uint64_t rdi = DATA;
    uc_reg_write(uc, UC_X86_REG_RDI, &rdi);
    int vector = -1;
    uc_hook h;
    uc_hook_add(uc, &h, UC_HOOK_INTR, (void*)on_intr, &vector, 1, 0);
    uc_err err = uc_emu_start(uc, CODE, CODE + sizeof code, 0, 100);
    uc_close(uc);
    return err == UC_ERR_OK ? vector : -2;
}

/* The execute breakpoint's probe in a child process: 0 if the run went on
 * without a #DB, 1 if it raised #DB, 2 if it stopped with an error, or
 * the signal that ended the process + 100. */
static int dr7_execute_outcome(int model) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        /* The breakpoint at CODE + 17: offset from RDI (DATA) back to it. */
        uint64_t target = CODE + 17;
        int v = dr7_vector(model, 0x2, (uint8_t)(int8_t)(target - DATA));
        _exit(v == 1 ? 1 : v == -2 ? 2 : 0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) ? 100 + WTERMSIG(st) : WEXITSTATUS(st);
}

static const char* const model_names[] = {
    "QEMU64",     "PHENOM",         "CORE2DUO",       "KVM64",
    "QEMU32",     "KVM32",          "COREDUO",        "486",
    "PENTIUM",    "PENTIUM2",       "PENTIUM3",       "ATHLON",
    "N270",       "CONROE",         "PENRYN",         "NEHALEM",
    "WESTMERE",   "SANDYBRIDGE",    "IVYBRIDGE",      "HASWELL",
    "BROADWELL",  "SKYLAKE_CLIENT", "SKYLAKE_SERVER", "CASCADELAKE_SERVER",
    "COOPERLAKE", "ICELAKE_CLIENT", "ICELAKE_SERVER", "DENVERTON",
    "SNOWRIDGE",  "KNIGHTSMILL",    "OPTERON_G1",     "OPTERON_G2",
    "OPTERON_G3", "OPTERON_G4",     "OPTERON_G5",     "EPYC",
    "DHYANA",     "EPYC_ROME"};
_Static_assert(sizeof model_names / sizeof *model_names == UC_CPU_X86_ENDING, "a name per model");

/* xor ecx,ecx; xgetbv (XCR0 as the model resets it) */
static const uint8_t xgetbv_code[] = {0x31, 0xc9, 0x0f, 0x01, 0xd0};
/* XCR0 = 3 (xsetbv), xsave [rdi] with every bit asked, xrstor [rdi], XSTATE_BV -> rax */
static const uint8_t xsave_code[] = {
    0x31, 0xc9, 0xb8, 3,    0,    0,    0,    0x31, 0xd2, 0x0f, 0x01, 0xd1, 0xb8, 0xff, 0xff, 0xff,
    0xff, 0x89, 0xc2, 0x0f, 0xae, 0x27, 0x0f, 0xae, 0x2f, 0x48, 0x8b, 0x87, 0x00, 0x02, 0x00, 0x00};
/* XCR0 = 7 (x87|SSE|AVX): #GP unless CPUID.0xd allows YMM state */
static const uint8_t xcr0_avx_code[] = {0x31, 0xc9, 0xb8, 7, 0, 0, 0, 0x31, 0xd2, 0x0f, 0x01, 0xd1};
/* mov eax,0x1234; wrfsbase rax; rdfsbase rdx */
static const uint8_t fsbase_code[] = {0xb8, 0x34, 0x12, 0,    0,    0xf3, 0x48, 0x0f,
                                      0xae, 0xd0, 0xf3, 0x48, 0x0f, 0xae, 0xc2};
static const uint8_t vaddps_code[] = {0xc5, 0xfc, 0x58, 0xc1}; /* vaddps ymm1, ymm0, ymm0 */

/* push $0x10 (SS); mov $0x8badf00d5aadc0de,%rax; push %rax (RSP); pushfq;
 * push $0x8 (CS); push $IRET16_TARGET (RIP); iretq */
#define IRET16_STACK 0x100010000ull /* bits 63:32 are 1 */
#define IRET16_TARGET (CODE + 0x100)
static const uint8_t iret16_code[] = {0x6a, 0x10, 0x48, 0xb8, 0xde, 0xc0, 0xad, 0x5a,
                                      0x0d, 0xf0, 0xad, 0x8b, 0x50, 0x9c, 0x6a, 0x08,
                                      0x68, 0x00, 0x11, 0x00, 0x00, 0x48, 0xcf};

/* The RSP that IRETQ leaves for a 16-bit SS, from a stack at IRET16_STACK
 * (GDT: 0x08 a 32-bit code segment, 0x10 a 16-bit data segment). */
static uint64_t iret16_rsp(int model, uint64_t* rsp_before) {
    uc_engine* uc = start(model, iret16_code, sizeof iret16_code);
    const uint64_t gdt[3] = {0, 0x00cf9b000000ffffull, 0x000093000000ffffull};
    uc_mem_write(uc, DATA, gdt, sizeof gdt);
    uc_x86_mmr gdtr = {0, DATA, sizeof gdt - 1, 0};
    uc_reg_write(uc, UC_X86_REG_GDTR, &gdtr);
    uc_mem_map(uc, IRET16_STACK, 0x1000, UC_PROT_READ | UC_PROT_WRITE);
    uint64_t rsp = IRET16_STACK + 0xf00;
    *rsp_before = rsp - 5 * 8;
    uc_reg_write(uc, UC_X86_REG_RSP, &rsp);
    if (uc_emu_start(uc, CODE, IRET16_TARGET, 0, 100) != UC_ERR_OK)
        rsp = 0;
    else
        uc_reg_read(uc, UC_X86_REG_RSP, &rsp);
    uc_close(uc);
    return rsp;
}

/* One line per model: what CPUID says, then what the instructions do. */
static void print_models(void) {
    printf("%-19s %-12s %5s %5s %5s %8s %6s %8s %6s %8s %5s %4s %5s\n", "model", "vendor", "xsave",
           "avx", "pku", "xgetbv", "xsave", "bv", "xcr0=7", "fsgsbase", "wrfs", "avx", "sysenter");
    for (int m = 0; m < UC_CPU_X86_ENDING; m++) {
        uint32_t r0[4], r1[4], r7[4];
        char vendor[13];
        cpuid(m, 0, r0);
        cpuid(m, 1, r1);
        cpuid(m, 7, r7);
        if (r0[0] < 7) memset(r7, 0, sizeof r7); /* past the last leaf: not leaf 7 */
        memcpy(vendor, &r0[1], 4);
        memcpy(vendor + 4, &r0[3], 4);
        memcpy(vendor + 8, &r0[2], 4);
        vendor[12] = 0;
        uint64_t xcr0 = 0, bv = 0, fs = 0, unused;
        int xg = runs(m, CR4_OSXSAVE, xgetbv_code, sizeof xgetbv_code, &xcr0, &unused);
        int xs = runs(m, CR4_OSXSAVE, xsave_code, sizeof xsave_code, &bv, &unused);
        int x7 = runs(m, CR4_OSXSAVE, xcr0_avx_code, sizeof xcr0_avx_code, &unused, &unused);
        int wr =
            runs(m, CR4_FSGSBASE, fsbase_code, sizeof fsbase_code, &unused, &fs) && fs == 0x1234;
        int av = runs(m, CR4_OSXSAVE, vaddps_code, sizeof vaddps_code, &unused, &unused);
        int se = sysenter_vector(m);
        printf("%-19s %-12s %5s %5s %5s %8s %6s %8llx %6s %8s %5s %4s %5s\n", model_names[m],
               vendor, (r1[2] >> 26) & 1 ? "yes" : "no", (r1[2] >> 28) & 1 ? "yes" : "no",
               (r7[2] >> 3) & 1 ? "yes" : "no", xg ? "ok" : "#UD", xs ? "ok" : "fault",
               xs ? (unsigned long long)bv : 0ULL, x7 ? "ok" : "#GP", r7[1] & 1 ? "yes" : "no",
               wr ? "ok" : "#UD", av ? "ok" : "#UD", se == 6 ? "#UD" : "runs");
    }
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "--models") == 0) {
        print_models();
        return 0;
    }
    int bad = 0;
    uint32_t r0[4], r1[4], r7[4], rd[4];
    char vendor[13];
    cpuid(ENGINE_MODEL, 0, r0);
    memcpy(vendor, &r0[1], 4);
    memcpy(vendor + 4, &r0[3], 4);
    memcpy(vendor + 8, &r0[2], 4);
    vendor[12] = 0;
    printf("model    %s\nvendor   %s\n", model_names[ENGINE_MODEL], vendor);
    bad |= strcmp(vendor, "GenuineIntel") != 0;

    int v = sysenter_vector(ENGINE_MODEL);
    printf("sysenter in 64-bit mode: %s\n", v == 6 ? "#UD" : "no #UD (the engine's hook decides)");
    bad |= v == 6;

    cpuid(ENGINE_MODEL, 1, r1);
    uint64_t xcr0 = 0, bv = 0, fs = 0, unused;
    int xs = runs(ENGINE_MODEL, CR4_OSXSAVE, xsave_code, sizeof xsave_code, &bv, &unused);
    runs(ENGINE_MODEL, CR4_OSXSAVE, xgetbv_code, sizeof xgetbv_code, &xcr0, &unused);
    printf("xsave    %s (CPUID.1:ECX 0x%08x), XSAVE/XRSTOR %s, XSTATE_BV %#llx\n",
           (r1[2] >> 26) & 1 ? "yes" : "no", r1[2], xs ? "run" : "fault", (unsigned long long)bv);
    bad |= !((r1[2] >> 26) & 1) || !xs || bv != 3;

    int av = runs(ENGINE_MODEL, CR4_OSXSAVE, vaddps_code, sizeof vaddps_code, &unused, &unused);
    printf("avx      %s (CPUID.1:ECX.AVX), VADDPS %s\n", (r1[2] >> 28) & 1 ? "yes" : "no",
           av ? "runs" : "#UD");
    bad |= ((r1[2] >> 28) & 1) || av;
    cpuid(ENGINE_MODEL, 0xd, rd);
    printf("xsave size for XCR0 %#llx: %u bytes\n", (unsigned long long)xcr0, rd[1]);

    cpuid(ENGINE_MODEL, 7, r7);
    int wr = runs(ENGINE_MODEL, CR4_FSGSBASE, fsbase_code, sizeof fsbase_code, &unused, &fs) &&
             fs == 0x1234;
    printf("fsgsbase %s (CPUID.7:EBX 0x%08x), WRFSBASE/RDFSBASE %s\n", r7[1] & 1 ? "yes" : "no",
           r7[1], wr ? "run" : "#UD");
    bad |= !(r7[1] & 1) || !wr;

    uint64_t before = 0, after = iret16_rsp(ENGINE_MODEL, &before);
    printf("iret16   IRETQ to 16-bit SS, RSP 0x8badf00d5aadc0de from a stack at %#llx: RSP %#llx\n",
           (unsigned long long)before, (unsigned long long)after);
    bad |= after != ((before & ~0xffffull) | 0xc0de);

    int watch = dr7_vector(ENGINE_MODEL, 0x30002, 0); /* G0, RW0 read/write, 1 byte */
    int exec = dr7_execute_outcome(ENGINE_MODEL);
    printf("dr7      data watchpoint read: %s; execute breakpoint: %s",
           watch == 1    ? "#DB"
           : watch == -2 ? "the run fails"
                         : "no #DB",
           exec == 1   ? "#DB"
           : exec == 0 ? "no #DB"
           : exec == 2 ? "the run fails"
                       : "the process dies");
    if (exec >= 100) printf(" (signal %d)", exec - 100);
    printf("\n");
    bad |= watch == 1 || exec < 2;
    return bad;
}
