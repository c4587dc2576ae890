// The CPU model's privilege checks that Unicorn (2.0.1 and 2.1.1) does not make: port
// I/O against IOPL and the TSS bitmap (Unicorn allows all I/O), SYSENTER
// (a no-op in Unicorn), SYSCALL outside 64-bit mode, and the gate's code
// segment when an exception is delivered. Gate DPL checks for software
// interrupts are in cpu_model.cpp, applied by Engine::deliver_fault.
// docs/cpu-model.md has the whole table. Also the engine's register
// access (reg, set_reg).
#include <slowpath/abi.h>

#include <algorithm>
#include <cstddef>

#include "cpu_model.h"
#include "engine.h"
#include "slowpath/numbers.h"
#include "uc_check.h"

namespace slowpath {

namespace {
// A general register's place in the CPU's register file, -1 for the rest:
// a table by Unicorn's id, since reg() runs at every instruction of a
// recording (rsp).
struct GprIndexTable {
    int8_t of[UC_X86_REG_ENDING];
    constexpr GprIndexTable() : of() {
        for (int id = 0; id < UC_X86_REG_ENDING; id++) of[id] = -1;
        for (int i = 0; i < 16; i++) of[kGprIds[i]] = static_cast<int8_t>(i);
    }
};
constexpr GprIndexTable kGprIndex;

int gpr_index(int id) {
    return id >= 0 && id < UC_X86_REG_ENDING ? kGprIndex.of[id] : -1;
}
}  // namespace

uint64_t Engine::reg(int id) const {
    if (const uint64_t* live = ctx_ ? ctx_->live_registers() : nullptr)
        if (int i = gpr_index(id); i >= 0) return live[i];
    uint64_t v = 0;
    uc_reg_read(uc_, id, &v);
    return v;
}

void Engine::set_reg(int id, uint64_t value) {
    check_uc(uc_reg_write(uc_, id, &value), "uc_reg_write");
}

namespace {

// A code or data descriptor's fields (legacy 8-byte GDT entry).
struct Descriptor {
    bool present = false, code = false, system = false, long_mode = false, big = false;
    unsigned dpl = 0;
};

Descriptor decode_descriptor(uint64_t d) {
    Descriptor x;
    x.present = (d >> 47) & 1;
    x.system = !((d >> 44) & 1);
    x.code = !x.system && ((d >> 43) & 1);
    x.dpl = (d >> 45) & 3;
    x.long_mode = (d >> 53) & 1;
    x.big = (d >> 54) & 1;
    return x;
}

}  // namespace

// Arrival at an IN/OUT/INS/OUTS at CPL > 0 (from on_code, before it runs).
bool Engine::check_port_io(uint64_t addr) {
    uint8_t bytes[15] = {};
    addr = sp_user_phys(addr);
    size_t n = addr < SP_RAM_SIZE ? std::min<uint64_t>(sizeof bytes, SP_RAM_SIZE - addr) : 0;
    if (!n || uc_mem_read(uc_, addr, bytes, n) != UC_ERR_OK) return false;
    cpu::PortIo io = cpu::decode_port_io(bytes, n);
    if (!io.is_io) return false;
    uint16_t port = io.uses_dx ? static_cast<uint16_t>(reg(UC_X86_REG_RDX)) : io.imm_port;
    unsigned iopl = (reg(UC_X86_REG_RFLAGS) >> 12) & 3;
    uc_x86_mmr tr{};
    uc_reg_read(uc_, UC_X86_REG_TR, &tr);
    auto read_tss = [&](uint32_t off, void* out, size_t size) {
        return read(tr.base + off, out, size);
    };
    if (cpu::io_permitted(host_.cpl, iopl, port, io.size, tr.limit, read_tss)) return false;
    fault_ = {};
    fault_.pending = true;
    fault_.vector = cpu::kVectorGP;
    fault_.has_error = true;
    fault_.rip = addr;
    fault_.cause = std::string(io.in ? (io.string ? "ins" : "in") : (io.string ? "outs" : "out")) +
                   " port " + hex(port) + " at CPL " + std::to_string(host_.cpl) + " with IOPL " +
                   std::to_string(iopl) +
                   " and no TSS I/O bitmap bit clear for it: the CPU raises #GP(0)";
    stop_reason_ = StopReason::Fault;
    uc_emu_stop(uc_);
    return true;
}

// From an instruction hook (SYSCALL, SYSENTER): make the instruction raise
// `vector` at `rip` instead of completing. Unicorn adds the instruction's
// length to RIP after the hook, so RIP is left just below it.
void Engine::raise_in_hook(uint32_t vector, uint64_t rip, std::string cause) {
    fault_ = {};
    fault_.pending = true;
    fault_.vector = vector;
    fault_.has_error = vector == cpu::kVectorGP;
    fault_.rip = rip;
    fault_.cause = std::move(cause);
    set_reg(UC_X86_REG_RIP, rip - 2);
    stop_reason_ = StopReason::Fault;
    uc_emu_stop(uc_);
}

bool Engine::code_is_64bit() {
    uint16_t cs = static_cast<uint16_t>(reg(UC_X86_REG_CS));
    if (cs == SP_USER_CS || cs == SP_KERNEL_CS) return true;  // the GDT is fixed at boot
    uc_x86_mmr gdtr{};
    uc_reg_read(uc_, UC_X86_REG_GDTR, &gdtr);
    uint64_t d = 0;
    if ((cs & 4) || (cs | 7) > gdtr.limit || !read(gdtr.base + (cs & ~7u), &d, 8)) return false;
    return decode_descriptor(d).long_mode;
}

// The code segment an interrupt gate names must be a present 64-bit code
// segment; the engine delivers to ring 0 only, which is all the guest uses.
bool Engine::gate_code_segment_ok(uint16_t selector, std::string* why) const {
    uc_x86_mmr gdtr{};
    uc_reg_read(uc_, UC_X86_REG_GDTR, &gdtr);
    uint64_t d = 0;
    if ((selector & ~3u) == 0 || (selector & 4) || (selector | 7u) > gdtr.limit ||
        !read(gdtr.base + (selector & ~7u), &d, 8)) {
        *why = "the gate's code segment " + hex(selector) + " is not in the GDT";
        return false;
    }
    Descriptor x = decode_descriptor(d);
    if (!x.present || !x.code || !x.long_mode || x.big || x.dpl != 0) {
        *why = "the gate's code segment " + hex(selector) + " is not 64-bit ring-0 code";
        return false;
    }
    return true;
}

// SYSENTER: Unicorn makes it a no-op. In 64-bit mode the CPU raises #GP(0)
// while IA32_SYSENTER_CS is 0, which it stays here (Linux without 32-bit
// emulation never sets it; AMD CPUs raise #UD instead).
void Engine::on_sysenter(uc_engine*, void* self) {
    auto* e = static_cast<Engine*>(self);
    uint64_t rip = e->reg(UC_X86_REG_RIP);
    // Followed by blocks, RIP is the block's: the instruction is found in it.
    if (e->blocks_ && e->block_ && e->block_->sysenter >= 0)
        rip = e->block_->addr + e->block_->offsets[static_cast<size_t>(e->block_->sysenter)];
    e->settle_block(rip, true);
    uc_x86_msr cs{0x174, 0};  // IA32_SYSENTER_CS
    uc_reg_read(e->uc_, UC_X86_REG_MSR, &cs);
    if ((cs.value & 0xfffc) == 0) {
        e->raise_in_hook(cpu::kVectorGP, rip, "sysenter with IA32_SYSENTER_CS = 0: #GP(0)");
        return;
    }
    e->finish(Outcome::Fault, "sysenter at " + e->describe(rip) +
                                  " with IA32_SYSENTER_CS set: not modelled by the engine");
    uc_emu_stop(e->uc_);
}

// Exceptions Unicorn raises differently from the CPU modelled here.
void Engine::model_fixups(PendingFault& f) {
    if (f.vector != 6 || f.software || f.rip >= SP_RAM_SIZE - 4) return;
    uint8_t b[3] = {0, 0, 0};
    if (!read(f.rip, b, sizeof b)) return;
    size_t i = (b[0] & 0xf0) == 0x40 ? 1 : 0;  // REX
    if (b[0] == 0xf1) {
        // INT1 (icebp): a #DB trap past the instruction, no gate DPL check.
        f.vector = 1;
        f.trap = true;
        f.next_rip = f.rip + 1;
        f.cause = "int1 (icebp): a debug trap";
    } else if (b[i] == 0x0f && b[i + 1] == 0x35 && ctx_->cpl() != 0) {
        // SYSEXIT: Unicorn's AMD-flavoured decoder refuses it in 64-bit
        // mode (#UD); the CPU checks privilege: #GP(0) outside ring 0.
        f.vector = cpu::kVectorGP;
        f.has_error = true;
        f.error = 0;
        f.cause = "sysexit at CPL 3: #GP(0)";
    }
}

// A tracer's PTRACE_SINGLESTEP sets TF in the tracee's saved flags. An
// injection into a task running in user mode finds those flags in the CPU,
// out of the guest's reach, so the guest leaves the bits in sp_state and
// the CPU gets them here, as the iret that resumed a stopped tracee would
// have loaded them.
void Engine::apply_user_flags_request(bool user_mode) {
    const size_t offset = offsetof(abi::sp_kernel_state, user_flags_set);
    const Symbol* state = kernel_->symbol_named("sp_state");
    if (!state || state->size < offset + 8) return;  // an image from before the field
    const uint64_t field = sp_state_ + offset;
    uint64_t bits = read_u64(field);
    if (!bits) return;
    const uint64_t none = 0;
    write_guest(field, &none, sizeof none);
    constexpr uint64_t kSettable = 1u << 8;  // TF: the only bit a tracer asks for
    if (user_mode) set_reg(UC_X86_REG_RFLAGS, reg(UC_X86_REG_RFLAGS) | (bits & kSettable));
}

// Untraced runs have no per-instruction hook to refuse port I/O before it
// happens; Unicorn calls these as it does the access.
void Engine::untraced_port_io(uint32_t port, unsigned size) {
    int cpl = ctx_->cpl();
    unsigned iopl = (reg(UC_X86_REG_RFLAGS) >> 12) & 3;
    uc_x86_mmr tr{};
    uc_reg_read(uc_, UC_X86_REG_TR, &tr);
    auto read_tss = [&](uint32_t off, void* out, size_t n) { return read(tr.base + off, out, n); };
    if (cpu::io_permitted(cpl, iopl, static_cast<uint16_t>(port), size, tr.limit, read_tss)) return;
    finish(Outcome::Fault, "port I/O (port " + hex(port) + ") at CPL " + std::to_string(cpl) +
                               ": the CPU raises #GP(0); run traced to deliver it");
    uc_emu_stop(uc_);
}

uint32_t Engine::on_port_in(uc_engine*, uint32_t port, int size, void* self) {
    auto* e = static_cast<Engine*>(self);
    if (!e->options_.trace) e->untraced_port_io(port, static_cast<unsigned>(size));
    return 0;
}

void Engine::on_port_out(uc_engine*, uint32_t port, int size, uint32_t value, void* self) {
    auto* e = static_cast<Engine*>(self);
    if (!e->options_.trace) e->untraced_port_io(port, static_cast<unsigned>(size));
    // Only the kernel may use the device; a refused OUT never gets here traced.
    if (port == SP_HOSTIO_PORT && size == 4 && e->ctx_->cpl() == 0 && !e->halted())
        e->host_io_request(value);
}

}  // namespace slowpath
