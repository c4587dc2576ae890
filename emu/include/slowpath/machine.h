// The emulated x86-64 machine: Unicorn plus what Unicorn 2.x lacks for
// system code (SYSCALL, CPL changes, fault delivery through the guest IDT).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "slowpath/guest_image.h"

namespace slowpath {

enum Gpr {
    RAX,
    RCX,
    RDX,
    RBX,
    RSP,
    RBP,
    RSI,
    RDI,
    R8,
    R9,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
    GPR_COUNT
};
std::string_view gpr_name(int gpr);  // "rax" ... "r15"

struct CpuState {
    std::array<uint64_t, GPR_COUNT> gpr{};
    uint64_t rip = 0, rflags = 0;
    uint16_t cs = 0, ss = 0, ds = 0, es = 0, fs = 0, gs = 0;
    uint64_t fs_base = 0, gs_base = 0, kernel_gs_base = 0;
    uint64_t cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0, efer = 0;
    uint64_t star = 0, lstar = 0, fmask = 0;
    int cpl = 0;  // from the CPU's hidden state, not from the CS selector
};

std::string rflags_names(uint64_t rflags);  // "IF ZF" ...

class MachineImpl;

// Read-only view of the machine for decoders and front ends.
class Machine {
 public:
    virtual ~Machine() = default;
    virtual CpuState cpu() const = 0;
    // False if any byte is outside guest RAM.
    virtual bool read(uint64_t addr, void* out, size_t size) const = 0;
    uint64_t read_u64(uint64_t addr) const;  // 0 outside RAM
    uint32_t read_u32(uint64_t addr) const;
    virtual const GuestImage& kernel() const = 0;
    virtual const GuestImage& user() const = 0;
    // Resolve an address in either image: "sysret_check+0x4", "main+0x10".
    std::string describe(uint64_t addr) const;
    const SourceLine* line_for(uint64_t addr) const;
    const Symbol* symbol_containing(uint64_t addr) const;
};

}  // namespace slowpath
