// Surgery on Unicorn's saved CPU context (2.0.1 and 2.1.1 lay it out alike), for the CPU state that
// the public API cannot set: the current privilege level with its CS/SS descriptor caches (SYSCALL
// and exception delivery change CPL), EFER.SCE (refused by wrmsr because the emulated CPUID lacks
// SYSCALL), and the "exception in flight" marker (left set, the next fault would become #DF).
//
// The context image is a copy of QEMU's CPUX86State. Fields are found by
// planting known values through the API and searching for them, and each
// offset is checked against an API-readable value before it is trusted.
// The same offsets then read and patch the CPU's own CPUX86State when it can
// be found (live()), with no save or restore at all.
#pragma once
#include <unicorn/unicorn.h>

#include <cstdint>
#include <stdexcept>

namespace slowpath {

// Unicorn's ids of the general registers in the CPU's own order (the
// order of its register file, of CpuContext::live_registers and of
// CpuState::gpr).
inline constexpr int kGprIds[16] = {UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX,
                                    UC_X86_REG_RSP, UC_X86_REG_RBP, UC_X86_REG_RSI, UC_X86_REG_RDI,
                                    UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
                                    UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15};

class CpuContext {
 public:
    explicit CpuContext(
        uc_engine* uc);  // throws std::runtime_error if the layout is not recognised
    ~CpuContext();
    CpuContext(const CpuContext&) = delete;
    CpuContext& operator=(const CpuContext&) = delete;

    int cpl();
    void set_efer(uint64_t efer);
    void clear_old_exception();
    uint32_t error_code();
    // The exception Unicorn stopped on: a software interrupt (INT n, INT3)
    // and the address of the next instruction, which is what the CPU pushes
    // for one.
    struct Exception {
        uint32_t error_code = 0;
        bool software = false;
        uint64_t next_rip = 0;
    };
    Exception exception();
    // CPL 0 with a flat 64-bit kernel CS; SS as SYSCALL loads it (kernel
    // data) or as a 64-bit interrupt gate does (the null selector). Also
    // from compatibility mode: the code-size flags become 64-bit ones.
    void enter_ring0(uint16_t kernel_cs, bool null_ss);

    // SYSCALL: what it reads (syscall_regs), then its whole change of state
    // (finish_syscall): CPL 0 and CS/SS from STAR, RCX, R11, RFLAGS and RIP,
    // patched in the live state, or else on one saved image restored once.
    // Setting RIP in the state rather than through uc_reg_write also spares
    // Unicorn's exit from its execution loop that a PC write from a hook makes.
    struct SyscallRegs {
        uint64_t rip, rflags, rax, rsp, star, lstar, fmask;
    };
    SyscallRegs syscall_regs();
    void finish_syscall(uint16_t kernel_cs, uint64_t rcx, uint64_t r11, uint64_t rflags,
                        uint64_t rip);

    // Whether the fields are read and patched in the CPU's own state rather
    // than through a saved image (find_live_state). A save and a restore
    // cost about 450 ns, half of an untraced system call's round trip.
    // SLOWPATH_CPU_CONTEXT=image keeps the image.
    bool live() const { return live_ != nullptr; }
    // The live register file, RAX RCX RDX RBX RSP RBP RSI RDI R8..R15 in
    // the CPU's own order, or null: what uc_reg_read reads, without the
    // call (a recording reads RSP at every instruction).
    const uint64_t* live_registers() const {
        return live_ ? reinterpret_cast<const uint64_t*>(live_ + hflags_ - kRegsBeforeHflags)
                     : nullptr;
    }

 private:
    // regs[16], eip, eflags, cc_dst, cc_src, cc_src2, cc_op, df, then hflags.
    static constexpr long kRegsBeforeHflags = 176;
    uc_engine* uc_;
    uc_context* scratch_ = nullptr;
    unsigned char* live_ = nullptr;  // Unicorn's CPUX86State, when found
    size_t size_ = 0;
    long hflags_ = -1, efer_ = -1, old_exception_ = -1, error_code_ = -1;
    long msr_[3] = {-1, -1, -1};  // STAR, LSTAR, FMASK
    uint64_t image_u64(long offset);
    void set_image_u64(long offset, uint64_t v);
    unsigned char* bytes();  // the live state, or the saved image
    unsigned char* find_live_state();
    void patch_ring0(uint16_t kernel_cs, bool null_ss);  // on the saved image
    void save();                                         // a no-op on the live state
    void restore();                                      // likewise
};

}  // namespace slowpath
