// The CPU events Unicorn hands the engine: SYSCALL (ring 0 entered through
// LSTAR), interrupts and exceptions (delivered through the guest's IDT as the
// CPU would, with the faults Unicorn does not raise itself), accesses to
// unmapped memory, and the host's flag injection on a stack of its own.
#include <slowpath/abi.h>

#include <cstring>
#include <stdexcept>

#include "cpu_model.h"
#include "engine.h"
#include "slowpath/decode.h"
#include "slowpath/numbers.h"
#include "slowpath/syscalls.h"
#include "slowpath/tasks.h"
#include "slowpath/tif.h"
#include "uc_check.h"

namespace slowpath {

namespace {

constexpr uint64_t kPage = SP_PAGE_SIZE;
constexpr uint64_t kRflagsTF = 1u << 8, kRflagsIF = 1u << 9, kRflagsNT = 1u << 14,
                   kRflagsRF = 1u << 16, kRflagsVM = 1u << 17;

constexpr uint32_t kIa32SyscallVector = 0x80;  // guest/kernel/compat.h
constexpr uint32_t kTsCompat = 0x0002;         // TS_COMPAT

}  // namespace

void Engine::on_syscall(uc_engine*, void* self) {
    auto* e = static_cast<Engine*>(self);
    // What SYSCALL reads, then all it changes, in one pass over the CPU state
    // (CpuContext::syscall_regs, finish_syscall).
    const CpuContext::SyscallRegs r = e->ctx_->syscall_regs();
    const uint64_t rip = r.rip, rflags = r.rflags, nr = r.rax, rsp = r.rsp;
    e->settle_block(rip, true);
    // A new program, or code mapped or unmapped: user blocks are decoded again.
    if (e->blocks_ && (nr == 9 || nr == 10 || nr == 11 || nr == 25 || nr == 59 || nr == 322))
        e->forget_user_blocks();
    if (!e->code_is_64bit()) {
        // Intel CPUs do not know SYSCALL in compatibility mode (AMD ones
        // enter through MSR_CSTAR, which this kernel leaves unset).
        e->raise_in_hook(6, rip, "syscall in compatibility mode: #UD");
        return;
    }

    int index = e->host_.syscalls++;
    if (index >= Event::kMaxSyscalls && e->recording_ && !e->halt_next_) {
        // The last syscall an event can name: the run stops as at a step limit.
        e->halt_next_ = true;
        e->halt_outcome_ = Outcome::StepLimit;
        e->halt_detail_ =
            "the trace holds " + std::to_string(Event::kMaxSyscalls) + " system calls at most";
    }
    e->host_.syscall = index;
    e->host_.loops.clear();
    bool focus = e->host_.focus < 0 &&
                 (e->scenario_.focus_index >= 0 ? index == e->scenario_.focus_index
                  : e->focus_user_addr_         ? rip == e->focus_user_addr_
                                                : static_cast<long>(nr) == e->scenario_.syscall_nr);
    if (focus) e->host_.focus = index;
    if (e->options_.summary)
        e->summary_entry(index, static_cast<long>(nr),
                         e->syscall_name_of(static_cast<long>(nr), false), rip, rsp);
    else if (e->options_.trace)
        e->emit(EventKind::SyscallEntry, rip, e->syscall_name_of(static_cast<long>(nr), false),
                {nr, rip, rsp, rflags}, {}, true, e->host_.step - 1);

    // The architectural SYSCALL, as the CPU does it.
    // Unicorn adds the instruction's length to RIP after the hook returns.
    e->ctx_->finish_syscall(static_cast<uint16_t>((r.star >> 32) & 0xffff), rip + 2, rflags,
                            rflags & ~r.fmask & ~kRflagsRF, r.lstar - 2);
    e->host_.cpl = 0;
}

// `int $0x80` from user mode, through a gate of DPL 3: a 32-bit system call
// (IA32 emulation). The trace follows it as it follows SYSCALL, named by the
// 32-bit table; the exit to user mode (always iretq) ends it.
void Engine::begin_compat_syscall(uint64_t rip, uint64_t rsp, uint64_t rflags) {
    const uint64_t nr = reg(UC_X86_REG_RAX) & 0xffffffffu;
    int index = host_.syscalls++;
    if (index >= Event::kMaxSyscalls && recording_ && !halt_next_) {
        halt_next_ = true;  // as above: the last syscall an event can name
        halt_outcome_ = Outcome::StepLimit;
        halt_detail_ =
            "the trace holds " + std::to_string(Event::kMaxSyscalls) + " system calls at most";
    }
    host_.syscall = index;
    host_.loops.clear();
    bool focus = host_.focus < 0 &&
                 (scenario_.focus_index >= 0 ? index == scenario_.focus_index
                                             : focus_user_addr_ && rip == focus_user_addr_);
    if (focus) host_.focus = index;
    if (options_.summary)
        summary_entry(index, static_cast<long>(nr), syscall_name_of(static_cast<long>(nr), true),
                      rip, rsp);
    else if (options_.trace)
        emit(EventKind::SyscallEntry, rip, syscall_name_of(static_cast<long>(nr), true),
             {nr, rip, rsp, rflags},
             "int $0x80: a 32-bit system call, number " + std::to_string(nr) +
                 " in eax, its arguments in ebx ecx edx esi edi ebp",
             true, host_.step - 1);
}

// While a 32-bit call runs, thread_info.status has TS_COMPAT (both eras'
// entries set it, and their exits clear it).
Name Engine::running_syscall_name(long nr) const {
    uint64_t ks = read_u64(sp_percpu_ + SP_PERCPU_kernel_stack);
    uint32_t status = read_u32(ks - (SP_THREAD_SIZE - SP_KERNEL_STACK_OFFSET) + SP_TI_status);
    return syscall_name_of(nr, (status & kTsCompat) != 0);
}

Name Engine::syscall_name_of(long nr, bool compat) const {
    auto& ids = syscall_name_ids_[compat ? 1 : 0];
    if (nr >= 0 && static_cast<size_t>(nr) < ids.size()) {
        uint32_t& id = ids[static_cast<size_t>(nr)];
        if (!id) id = Name(compat ? compat_syscall_name(nr) : syscall_name(nr)).id() + 1;
        return Name::from_id(id - 1);
    }
    auto& names = syscall_names_[compat ? 1 : 0];
    auto it = names.find(nr);
    if (it != names.end()) return it->second;
    Name n = compat ? compat_syscall_name(nr) : syscall_name(nr);
    names.emplace(nr, n);
    return n;
}

void Engine::on_intr(uc_engine* uc, uint32_t intno, void* self) {
    auto* e = static_cast<Engine*>(self);
    CpuContext::Exception x = e->ctx_->exception();
    if (e->blocks_) {
        // A fault stops at its instruction, a trap (INT n, a single step) after it.
        const uint64_t at = e->reg(UC_X86_REG_RIP);
        if (x.software)
            e->settle_block(e->software_insn_rip(x.next_rip), true);
        else if (intno == 1)
            e->settle_block(at, false);
        else
            e->settle_block(at, true);
    }
    e->fault_ = {};
    e->fault_.pending = true;
    e->fault_.vector = intno;
    e->fault_.rip = e->reg(UC_X86_REG_RIP);
    e->fault_.cr2 = e->reg(UC_X86_REG_CR2);
    e->fault_.software = x.software;
    e->fault_.next_rip = x.next_rip;
    if (x.software) e->fault_.insn_rip = e->software_insn_rip(x.next_rip);
    // INT n never pushes an error code, whatever the vector.
    e->fault_.has_error = !x.software && cpu::vector_info(intno).has_error_code;
    e->fault_.error = e->fault_.has_error ? x.error_code : 0;
    uc_emu_stop(uc);
}

// Unicorn reports an access outside guest RAM as "unmapped" even when the
// guest's page tables do not map the address either. The CPU would raise a
// page fault there, so that is what the guest gets.
bool Engine::on_unmapped(uc_engine*, uc_mem_type type, uint64_t addr, int, int64_t, void* self) {
    auto* e = static_cast<Engine*>(self);
    e->unmapped_.pending = true;
    e->unmapped_.addr = addr;
    e->unmapped_.rip = e->reg(UC_X86_REG_RIP);
    uint32_t err = 0;
    if (type == UC_MEM_WRITE_UNMAPPED) err |= 2;
    if (type == UC_MEM_FETCH_UNMAPPED) err |= 16;
    e->unmapped_.error = err;
    return false;
}

bool Engine::guest_maps(uint64_t addr) {
    uint64_t table = reg(UC_X86_REG_CR3) & ~uint64_t(0xfff);
    if (!(reg(UC_X86_REG_CR0) & (1ull << 31))) return false;
    for (int level = 3; level >= 0; level--) {
        uint64_t entry = read_u64(table + ((addr >> (12 + 9 * level)) & 511) * 8);
        if (!(entry & 1)) return false;
        if (level > 0 && (entry & 0x80)) return true;  // a large page
        table = entry & 0x000ffffffffff000ull;
    }
    return true;
}

bool Engine::take_unmapped_as_fault() {
    if (!unmapped_.pending) return false;
    unmapped_.pending = false;
    // Without a code hook Unicorn reports the start of the block, not the
    // faulting instruction: a speed run stops rather than guess.
    if (!options_.trace) return false;
    if (guest_maps(unmapped_.addr))
        return false;  // mapped by the guest, absent in RAM: a real error
    set_reg(UC_X86_REG_CR2, unmapped_.addr);
    // The user bit from the CPU's own CPL: the host's idea of it can be
    // ahead of the CPU when an iretq is about to fail.
    uint32_t error = unmapped_.error | (ctx_->cpl() == 3 ? 4 : 0);
    fault_ = {};
    fault_.pending = true;
    fault_.vector = 14;
    fault_.error = error;
    fault_.has_error = true;
    fault_.rip = unmapped_.rip;
    fault_.cr2 = unmapped_.addr;
    return true;
}

// The timer tick: due every SP_TICK_INSNS instructions of a user program's
// run, checked on arrival at an instruction (before it runs, so a replay
// reaches the same point). Taken only with IF set, and only when two user
// tasks or more can run or sleep until a time (the tick moves the clock
// and ends their sleep): with one there is nobody to switch to, and a run
// with one task stays as it was without a tick. A tick not taken waits
// for IF (pending, as the local APIC keeps it), one the guest does not
// need is skipped.
bool Engine::timer_tick_due() {
    if (!(reg(UC_X86_REG_RFLAGS) & kRflagsIF)) return false;
    host_.next_tick = host_.step + SP_TICK_INSNS;
    const int can_run = user_tasks_that_can_run();
    if (can_run < 2) return false;
    fault_ = {};
    fault_.pending = true;
    fault_.vector = SP_TIMER_VECTOR;
    fault_.rip = reg(UC_X86_REG_RIP);
    fault_.cause = "the timer ticks (every " + std::to_string(SP_TICK_INSNS) +
                   " instructions), with " + std::to_string(can_run) +
                   " user tasks running or asleep until a time";
    return true;
}

int Engine::user_tasks_that_can_run() {
    int can_run = 0;
    for (const TaskView& t : decode_tasks(*this).tasks)
        if (!t.kernel_thread &&
            (t.state == TaskState::Running || t.state == TaskState::Runnable || t.timed_sleep))
            can_run++;
    return can_run;
}

bool Engine::on_invalid(uc_engine* uc, void* self) {
    auto* e = static_cast<Engine*>(self);
    // Unicorn reports every vector 6 here, `int $6` included.
    CpuContext::Exception x = e->ctx_->exception();
    if (e->blocks_)
        e->settle_block(x.software ? e->software_insn_rip(x.next_rip) : e->reg(UC_X86_REG_RIP),
                        true);
    e->fault_ = {};
    e->fault_.pending = true;
    e->fault_.vector = 6;
    e->fault_.rip = e->reg(UC_X86_REG_RIP);
    e->fault_.software = x.software;
    e->fault_.next_rip = x.next_rip;
    if (x.software) e->fault_.insn_rip = e->software_insn_rip(x.next_rip);
    uc_emu_stop(uc);
    return false;
}

// Unicorn moves RIP past an INT n before the interrupt hook runs. A traced
// run knows the instruction from on_code; an untraced one takes INT3 (CC)
// or INT n (CD ib) without prefixes.
uint64_t Engine::software_insn_rip(uint64_t next_rip) const {
    if (blocks_ && block_) {
        int i = block_->index_of(next_rip);
        if (i > 0) return block_->addr + block_->offsets[static_cast<size_t>(i) - 1];
    }
    if (options_.trace && !blocks_) return insn_addr_;
    uint8_t b = 0;
    return read(next_rip - 1, &b, 1) && b == 0xcc ? next_rip - 1 : next_rip - 2;
}

void Engine::deliver_fault(const PendingFault& f, int depth) {
    ctx_->clear_old_exception();
    if (injecting_) {
        injection_failed_ = true;
        return;
    }
    const uint32_t vector = f.vector;
    const uint64_t rip = f.rip;
    if (depth == 0) debug_on_exception(vector, f.software, f.trap);
    std::string what =
        f.software ? "int $" + hex(vector) : std::string(cpu::vector_info(vector).name);
    uc_x86_mmr idtr{}, tr{};
    uc_reg_read(uc_, UC_X86_REG_IDTR, &idtr);
    uc_reg_read(uc_, UC_X86_REG_TR, &tr);
    // The CPU's CPL, not the host's bookkeeping: an iretq that fails has
    // not left the ring it ran in.
    const int old_cpl = ctx_->cpl();
    uint64_t gate[2] = {0, 0};
    if (uint64_t(vector) * 16 + 15 <= idtr.limit) read(idtr.base + vector * 16, gate, sizeof gate);
    cpu::GateVerdict verdict = cpu::check_gate(vector, f.software, old_cpl, gate, idtr.limit);
    std::string seg_why;
    uint16_t selector = static_cast<uint16_t>((gate[0] >> 16) & 0xffff);
    if (verdict.deliver && !gate_code_segment_ok(selector, &seg_why))
        verdict = {false, cpu::kVectorGP,
                   static_cast<uint32_t>(selector & ~3u) | (f.software ? 0 : 1), seg_why.c_str()};
    if (!verdict.deliver) {
        // The delivery itself faults: #GP or #NP for the IDT entry, then a
        // double fault, then the machine resets.
        if (depth >= 2 || (vector == 8 && !f.software)) {
            finish(Outcome::Fault, what + " at " + describe(rip) +
                                       " and the IDT has no gate for it (triple fault)");
            return;
        }
        PendingFault next;
        next.vector = depth == 0 ? verdict.fault : 8;
        next.error = depth == 0 ? verdict.error : 0;
        next.has_error = true;
        // A fault: the frame holds the instruction that asked for the gate.
        next.rip = depth == 0 && f.software && f.insn_rip ? f.insn_rip : rip;
        next.cause = what + " from CPL " + std::to_string(old_cpl) + ": " + verdict.why +
                     ", so the CPU raises " +
                     std::string(cpu::vector_info(next.vector).name).substr(0, 3) + "(" +
                     hex(next.error) + ") instead";
        deliver_fault(next, depth + 1);
        return;
    }
    uint64_t handler = (gate[0] & 0xffff) | (((gate[0] >> 48) & 0xffff) << 16) | (gate[1] << 32);
    unsigned ist = (gate[0] >> 32) & 7;
    unsigned type = (gate[0] >> 40) & 0xf;
    // A software interrupt is a trap: the frame holds the next instruction.
    const uint64_t pushed_rip = f.software || f.trap ? f.next_rip : rip;

    uint64_t old_rsp = reg(UC_X86_REG_RSP), old_rflags = reg(UC_X86_REG_RFLAGS);
    uint64_t old_cs = reg(UC_X86_REG_CS) & 0xffff, old_ss = reg(UC_X86_REG_SS) & 0xffff;
    uint64_t rsp = old_rsp;
    if (old_cpl != 0) rsp = read_u64(tr.base + 4);  // TSS.RSP0
    if (ist) rsp = read_u64(tr.base + 0x24 + (ist - 1) * 8);
    rsp &= ~uint64_t(15);
    uint64_t frame[6] = {pushed_rip, old_cs, old_rflags, old_rsp, old_ss, 0};
    std::vector<uint64_t> pushed;
    if (f.has_error) pushed.push_back(f.error);
    for (int i = 0; i < 5; i++) pushed.push_back(frame[i]);
    rsp -= pushed.size() * 8;
    if (rsp < SP_KERNEL_BASE / 2 || rsp >= SP_USER_BASE) {
        finish(Outcome::Fault,
               what + " at " + describe(rip) + " with no usable kernel stack (" + hex(rsp) + ")");
        return;
    }
    write_guest(rsp, pushed.data(), pushed.size() * 8);
    if (old_cpl != 0) ctx_->enter_ring0(SP_KERNEL_CS, true);
    host_.cpl = 0;
    uint64_t rflags = old_rflags & ~(kRflagsTF | kRflagsNT | kRflagsRF | kRflagsVM);
    if (type == 0xE) rflags &= ~kRflagsIF;
    set_reg(UC_X86_REG_RSP, rsp);
    set_reg(UC_X86_REG_RFLAGS, rflags);
    set_reg(UC_X86_REG_RIP, handler);
    if (f.software && vector == kIa32SyscallVector && old_cpl == 3)
        begin_compat_syscall(rip, old_rsp, old_rflags);
    if (options_.trace)
        emit(EventKind::Fault, rip, f.software ? what : cpu::vector_info(vector).name,
             {vector, f.error, f.cr2, rip},
             what + " at " + describe(rip) + (f.cause.empty() ? "" : ": " + f.cause) +
                 (vector == 14 ? " (address " + hex(f.cr2) + ", error " + hex(f.error) + ")" : "") +
                 ": the CPU pushes an exception frame" + (old_cpl == 3 ? " on TSS.RSP0" : "") +
                 " and enters " + describe(handler),
             true, host_.step - 1);
}

// The host calls the guest's slowpath_inject(bit) on a stack of its own, so
// the flag is raised by its real cause (a queued signal, a woken task...)
// and nothing of the interrupted context changes but memory.
void Engine::inject(int bit) {
    uc_context* saved = nullptr;
    check_uc(uc_context_alloc(uc_, &saved), "uc_context_alloc");
    check_uc(uc_context_save(uc_, saved), "uc_context_save");
    if (host_.cpl != 0) {
        ctx_->enter_ring0(SP_KERNEL_CS, false);
        // The guest's C code reaches per-CPU data through %gs, as after swapgs.
        uc_x86_msr kgs{SP_MSR_KERNEL_GS_BASE, 0};
        uc_reg_read(uc_, UC_X86_REG_MSR, &kgs);
        uc_x86_msr gs{SP_MSR_GS_BASE, kgs.value};
        uc_reg_write(uc_, UC_X86_REG_MSR, &gs);
    }
    uint64_t rsp = (inject_stack_ & ~uint64_t(15)) - 8;
    write_guest(rsp, &inject_return_, 8);
    set_reg(UC_X86_REG_RSP, rsp);
    set_reg(UC_X86_REG_RDI, static_cast<uint64_t>(bit));
    set_reg(UC_X86_REG_RFLAGS, 0x2);
    injecting_ = true;
    injection_failed_ = false;
    inject_steps_ = 0;
    uc_err err = uc_emu_start(uc_, inject_fn_, 0, 0, 0);
    injecting_ = false;
    uint64_t stopped_at = reg(UC_X86_REG_RIP);
    if (fault_.pending) {
        fault_.pending = false;
        ctx_->clear_old_exception();
        injection_failed_ = true;
    }
    uc_context_restore(uc_, saved);
    uc_context_free(saved);
    apply_user_flags_request(host_.cpl == 3);
    if (err != UC_ERR_OK || injection_failed_ || stopped_at != inject_return_ + 1)
        finish(Outcome::Fault, "injecting " + tif_names(1u << bit) + " failed in the guest at " +
                                   describe(stopped_at));
}

void Engine::edit(const std::string& target, uint64_t value, uint64_t mask) {
    static const std::pair<const char*, int> regs[] = {
        {"rax", UC_X86_REG_RAX}, {"rbx", UC_X86_REG_RBX}, {"rcx", UC_X86_REG_RCX},
        {"rdx", UC_X86_REG_RDX}, {"rsi", UC_X86_REG_RSI}, {"rdi", UC_X86_REG_RDI},
        {"rbp", UC_X86_REG_RBP}, {"rsp", UC_X86_REG_RSP}, {"r8", UC_X86_REG_R8},
        {"r9", UC_X86_REG_R9},   {"r10", UC_X86_REG_R10}, {"r11", UC_X86_REG_R11},
        {"r12", UC_X86_REG_R12}, {"r13", UC_X86_REG_R13}, {"r14", UC_X86_REG_R14},
        {"r15", UC_X86_REG_R15}, {"rip", UC_X86_REG_RIP}, {"rflags", UC_X86_REG_RFLAGS}};
    for (const auto& [name, id] : regs)
        if (target == name) {
            set_reg(id, value);
            return;
        }
    if (target.rfind("pt_regs.", 0) == 0) {
        int slot = pt_regs_slot_index(target.substr(8));
        uint64_t base = pt_regs_base();
        if (slot < 0 || !base) throw std::invalid_argument("cannot edit " + target);
        uint64_t addr = base + static_cast<uint64_t>(slot) * 8;
        if (mask != ~uint64_t(0)) value = (read_u64(addr) & ~mask) | (value & mask);
        write_guest(base + static_cast<uint64_t>(slot) * 8, &value, 8);
        return;
    }
    throw std::invalid_argument("unknown edit target '" + target + "'");
}

}  // namespace slowpath
