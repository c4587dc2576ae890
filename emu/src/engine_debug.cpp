// The CPU's debug unit for ring 3. A tracer's PTRACE_POKEUSER of
// u_debugreg reaches the guest kernel, which loads the running task's
// DR0-DR3 and DR7 into sp_state at every task switch (abi.h) but never into
// the CPU: Unicorn 2.1.1 under TCG raises no #DB for a DR7 data watchpoint
// and fails on an execute breakpoint. So the engine watches those addresses
// itself, only while one is enabled, and raises #DB through the guest's IDT
// as the CPU would (Intel SDM vol. 3 ch. 18):
// - a data breakpoint (R/W 01 write, 11 read or write; LEN 1, 2, 4 or 8
//   bytes) is a trap: #DB comes after the instruction that touched the
//   range, with RIP at the next one. After MOV SS it waits one instruction
//   more (the SS shadow). When that instruction faults (or is ICEBP) the
//   CPU drops the trap; when it is INT n, INT3 or SYSCALL the CPU delivers
//   it at the handler's first instruction, in ring 0, where Linux's
//   handler only notes it for the tracer (ptrace_triggered) and sends no
//   signal. The guest's #DB entry has no IST stack or paranoid entry for a
//   #DB before swapgs, so the engine drops the trap there too: the program
//   sees what it sees on Linux.
// - an instruction breakpoint (R/W 00) is a fault on arrival at the
//   address, before the instruction runs, unless RFLAGS.RF is set (an iret
//   or sigreturn back to it after the handler set RF).
// DR6 gets the B0-B3 bits of the breakpoints that hit; a data trap that is
// still waiting joins an instruction breakpoint's #DB or a single step's,
// as the CPU reports both in one #DB. Only ring 3 accesses count. Traced
// runs only: the checks live in the per-instruction hook.
#include <slowpath/abi.h>

#include <cstddef>
#include <cstring>

#include "engine.h"
#include "slowpath/numbers.h"
#include "uc_check.h"

namespace slowpath {

namespace {

constexpr uint64_t kRflagsRF = 1u << 16;
// A data access may start this many bytes below a watched range and still
// overlap it (a 16-byte SSE access); Unicorn's ranged hooks look at the
// access's first byte only.
constexpr uint64_t kWidestAccess = 16;

unsigned bp_type(uint64_t dr7, int n) {
    return (dr7 >> (16 + 4 * n)) & 3;
}
uint64_t bp_len(uint64_t dr7, int n) {
    static const uint64_t bytes[4] = {1, 2, 8, 4};
    return bytes[(dr7 >> (18 + 4 * n)) & 3];
}
bool bp_enabled(uint64_t dr7, int n) {
    return (dr7 >> (2 * n)) & 3;
}

}  // namespace

// On arrival at the first instruction after a return to user mode: the
// kernel may have switched tasks, so the watched addresses are read again.
// True when the hooks changed: the run stops there and starts again, so
// that no translated code or TLB entry from before the change is used.
bool Engine::sync_debug_unit() {
    debug_sync_due_ = false;
    const size_t offset = offsetof(abi::sp_kernel_state, user_dr);
    if (debug_fields_ < 0) {  // once: an image from before the fields has none
        const Symbol* state = kernel_->symbol_named("sp_state");
        debug_fields_ = state && state->size >= offset + 5 * 8 ? 1 : 0;
    }
    if (!debug_fields_) return false;
    DebugRegs want;
    if (!read(sp_state_ + offset, want.dr, sizeof want.dr) ||
        !read(sp_state_ + offsetof(abi::sp_kernel_state, user_dr7), &want.dr7, 8))
        return false;
    // Only the enabled breakpoints matter: a disabled one arms nothing.
    for (int i = 0; i < 4; i++)
        if (!bp_enabled(want.dr7, i) || bp_type(want.dr7, i) == 2) want.dr[i] = 0;
    want.dr7 &= 0xffff00ffull;
    if (!std::memcmp(&want, &debug_regs_, sizeof want)) return false;
    for (uc_hook h : debug_hooks_) uc_hook_del(uc_, h);
    debug_hooks_.clear();
    debug_regs_ = want;
    debug_exec_ = false;
    for (int i = 0; i < 4; i++) {
        if (!bp_enabled(want.dr7, i) || bp_type(want.dr7, i) == 2) continue;
        unsigned type = bp_type(want.dr7, i);
        if (type == 0) {
            debug_exec_ = true;  // on_code compares the address
            continue;
        }
        uint64_t first = want.dr[i] >= kWidestAccess ? want.dr[i] - (kWidestAccess - 1) : 0;
        uint64_t last = want.dr[i] + bp_len(want.dr7, i) - 1;
        int kinds = type == 1 ? UC_HOOK_MEM_WRITE : UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE;
        uc_hook h = 0;
        check_uc(uc_hook_add(uc_, &h, kinds, reinterpret_cast<void*>(&Engine::on_watch), this,
                             first, last),
                 "hook a data breakpoint");
        debug_hooks_.push_back(h);
    }
    uc_ctl_flush_tlb(uc_);
    return true;
}

void Engine::on_watch(uc_engine*, uc_mem_type type, uint64_t addr, int size, int64_t, void* self) {
    auto* e = static_cast<Engine*>(self);
    HostState& h = e->host_;
    if (h.cpl != 3 || e->injecting_) return;
    const DebugRegs& d = e->debug_regs_;
    uint32_t bits = 0;
    for (int i = 0; i < 4; i++) {
        unsigned t = bp_type(d.dr7, i);
        if (!bp_enabled(d.dr7, i) || t == 0 || t == 2) continue;
        if (type != UC_MEM_WRITE && t == 1) continue;  // a read of a write watchpoint
        uint64_t lo = d.dr[i], hi = d.dr[i] + bp_len(d.dr7, i);
        if (addr < hi && addr + static_cast<uint64_t>(size) > lo) bits |= 1u << i;
    }
    if (!bits) return;
    h.debug_pending |= bits;
    if (e->is_mov_ss(e->insn_addr_)) h.debug_shadow = true;
}

// MOV SS, r/m16 (8E /2), after any prefixes: it holds off debug traps for
// one instruction.
bool Engine::is_mov_ss(uint64_t addr) const {
    uint8_t b[15] = {};
    size_t n = 0;
    while (n < sizeof b && read(addr + n, &b[n], 1)) n++;
    size_t i = 0;
    while (i < n && (b[i] == 0x26 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e || b[i] == 0x64 ||
                     b[i] == 0x65 || b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf0 || b[i] == 0xf2 ||
                     b[i] == 0xf3 || (b[i] & 0xf0) == 0x40))
        i++;
    return i + 1 < n && b[i] == 0x8e && ((b[i + 1] >> 3) & 7) == 2;
}

// On arrival at `addr` (on_code, once per arrival): a data trap that is
// due, or an instruction breakpoint here. True: a #DB is pending and the
// run stops before the instruction.
bool Engine::debug_check(uint64_t addr) {
    HostState& h = host_;
    uint32_t bits = 0;
    std::string cause;
    if (h.debug_pending) {
        if (h.cpl != 3) {
            // The watched access's instruction, or the one in its SS
            // shadow, entered the kernel (see the top of this file).
            h.debug_pending = 0;
            h.debug_shadow = false;
        } else if (h.debug_shadow) {
            h.debug_shadow = false;  // after MOV SS: once this instruction has run
        } else {
            bits = h.debug_pending;
            h.debug_pending = 0;
            cause = "a data breakpoint (DR7) hit by the instruction before: a trap";
        }
    }
    if (bits == 0 && debug_exec_ && h.cpl == 3 && !(reg(UC_X86_REG_RFLAGS) & kRflagsRF)) {
        uint32_t exec = 0;
        for (int i = 0; i < 4; i++)
            if (bp_enabled(debug_regs_.dr7, i) && bp_type(debug_regs_.dr7, i) == 0 &&
                debug_regs_.dr[i] == addr)
                exec |= 1u << i;
        if (exec) {
            // A data trap held by MOV SS comes with it: one #DB for both.
            bits = exec | h.debug_pending;
            h.debug_pending = 0;
            h.debug_shadow = false;
            cause = "an instruction breakpoint (DR7) here: a fault before it runs";
        }
    }
    if (!bits) return false;
    uint64_t dr6 = reg(UC_X86_REG_DR6);
    set_reg(UC_X86_REG_DR6, dr6 | bits);
    fault_ = {};
    fault_.pending = true;
    fault_.vector = 1;
    fault_.rip = addr;
    fault_.cause = cause + ", DR6 B" + std::to_string(__builtin_ctz(bits)) +
                   (bits & (bits - 1) ? " and more" : "");
    stop_reason_ = StopReason::Fault;
    uc_emu_stop(uc_);
    return true;
}

// An exception on its way in: a data trap still waiting either joins it
// (a single step's #DB reports both) or is lost with the instruction.
void Engine::debug_on_exception(uint32_t vector, bool software, bool trap) {
    if (!host_.debug_pending) return;
    if (vector == 1 && !software && !trap)
        set_reg(UC_X86_REG_DR6, reg(UC_X86_REG_DR6) | host_.debug_pending);
    host_.debug_pending = 0;
    host_.debug_shadow = false;
}

}  // namespace slowpath
