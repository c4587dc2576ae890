// Block-level summary runs: the engine follows Unicorn's translated blocks
// (UC_HOOK_BLOCK) instead of every instruction, and hooks single
// instructions only where the summary reads the machine: the TIF checks
// (the livelock guard), the handler's return, the kernel's sysretq and
// iretq, and switch_mm(). A block's instructions are counted from a
// decoding kept per address, so every step number is the one an
// instruction-by-instruction run gives.
//
// A stop that falls inside a block (the timer tick, the step limit, the
// instruction after a livelock) cannot wait for the block's end: the run
// stops at the block's start and runs it again with every instruction
// hooked (the "exact" hook), which Unicorn only sees once the block is
// translated again (uc_ctl_remove_cache). What cannot be followed exactly
// this way (an access outside guest RAM, whose faulting instruction
// Unicorn does not report without a code hook; the debug unit; port I/O
// in user code) gives up, and the summary is made again instruction by
// instruction (run_summary).
#include <capstone/capstone.h>
#include <slowpath/abi.h>

#include <algorithm>

#include "cpu_model.h"
#include "engine.h"
#include "slowpath/numbers.h"
#include "uc_check.h"

namespace slowpath {

namespace {

constexpr uint8_t kCli = 1, kSti = 2, kPopf = 3;
constexpr uint64_t kRflagsIF = 1u << 9;

bool in_kernel_text(uint64_t addr) {
    return addr >= SP_KERNEL_BASE && addr < SP_USER_BASE && addr < SP_RAM_SIZE;
}

// What an instruction does to IF, from its bytes (prefixes skipped).
uint8_t if_op(const uint8_t* b, size_t n) {
    size_t i = 0;
    while (i < n && (b[i] == 0x66 || b[i] == 0x67 || b[i] == 0xf0 || b[i] == 0xf2 || b[i] == 0xf3 ||
                     b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e || b[i] == 0x26 || b[i] == 0x64 ||
                     b[i] == 0x65 || (b[i] & 0xf0) == 0x40))
        i++;
    if (i >= n) return 0;
    return b[i] == 0xfa ? kCli : b[i] == 0xfb ? kSti : b[i] == 0x9d ? kPopf : 0;
}

}  // namespace

int Engine::BlockInfo::index_of(uint64_t a) const {
    if (a == addr + size) return static_cast<int>(offsets.size());
    if (a < addr || a > addr + size) return -1;
    auto it = std::lower_bound(offsets.begin(), offsets.end(), static_cast<uint16_t>(a - addr));
    if (it == offsets.end() || *it != a - addr) return -1;
    return static_cast<int>(it - offsets.begin());
}

Engine::BlockInfo* Engine::block_at(uint64_t addr, uint32_t size) {
    // Most blocks are the ones met a moment ago (a loop, the entry path):
    // a small table by address before the page tables and the map.
    BlockInfo*& cached = block_cache_[block_cache_slot(addr)];
    if (cached && cached->addr == addr && cached->size == size) return cached;
    BlockInfo* b = decoded_block_at(addr, size);
    if (b) cached = b;
    return b;
}

Engine::BlockInfo* Engine::decoded_block_at(uint64_t addr, uint32_t size) {
    BlockInfo** slot = nullptr;
    BlockInfo* found = nullptr;
    if (in_kernel_text(addr)) {
        auto& page = kernel_blocks_[addr / SP_PAGE_SIZE];
        if (!page) page = std::make_unique<std::array<BlockInfo*, SP_PAGE_SIZE>>();
        slot = &(*page)[addr % SP_PAGE_SIZE];
        found = *slot;
    } else {
        auto it = user_blocks_.find(addr);
        if (it != user_blocks_.end()) found = &it->second;
    }
    if (found && found->size == size) return found;

    BlockInfo b;
    b.addr = addr;
    b.size = size;
    std::vector<uint8_t> bytes(size);
    if (!size || size > 0xffff || !read(addr, bytes.data(), size)) {
        give_up_blocks("a block at " + hex(addr) + " cannot be read");
        return nullptr;
    }
    if (!capstone_) {
        csh h = 0;
        if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) {
            give_up_blocks("no x86-64 disassembler");
            return nullptr;
        }
        capstone_ = h;
    }
    csh cs = static_cast<csh>(capstone_);
    cs_insn* insn = cs_malloc(cs);
    const uint8_t* code = bytes.data();
    size_t left = size;
    uint64_t at = addr;
    bool port_io = false, any_if = false;
    while (left && cs_disasm_iter(cs, &code, &left, &at, insn)) {
        b.offsets.push_back(static_cast<uint16_t>(insn->address - addr));
        uint8_t op = if_op(insn->bytes, insn->size);
        b.if_ops.push_back(op);
        any_if |= op != 0;
        port_io |= cpu::decode_port_io(insn->bytes, insn->size).is_io;
        if (insn->size == 2 && insn->bytes[0] == 0x0f && insn->bytes[1] == 0x34)
            b.sysenter = static_cast<int>(b.offsets.size()) - 1;
    }
    cs_free(insn, 1);
    if (left) {
        give_up_blocks("the block at " + hex(addr) + " does not decode");
        return nullptr;
    }
    if (!any_if) b.if_ops.clear();
    if (!in_kernel_text(addr)) {
        // The CPU checks a user program's port I/O before it runs (check_port_io).
        if (port_io) {
            give_up_blocks("port I/O in user code at " + hex(addr));
            return nullptr;
        }
        b.instrumented = true;  // nothing of user code is read but its blocks
        return &(user_blocks_[addr] = std::move(b));
    }
    if (found) {
        *found = std::move(b);
        return found;
    }
    kernel_block_store_.push_back(std::make_unique<BlockInfo>(std::move(b)));
    *slot = kernel_block_store_.back().get();
    return *slot;
}

bool Engine::instrument(BlockInfo& b) {
    b.instrumented = true;
    bool added = false;
    for (size_t i = 0; i < b.offsets.size(); i++) {
        uint64_t a = b.addr + b.offsets[i];
        uint32_t len = (i + 1 < b.offsets.size() ? b.offsets[i + 1] : b.size) - b.offsets[i];
        const AddrInfo& info = info_at(a, len);
        bool wanted = info.insn == AddrInfo::Sysret || info.insn == AddrInfo::Iret ||
                      (switch_mm_ && a == switch_mm_);
        for (const Note& n : info.notes)
            wanted |= n.kind == SP_NOTE_TIF_CHECK || n.kind == SP_NOTE_TIF_BITTEST ||
                      n.kind == SP_NOTE_TIF_MEMTEST || n.kind == SP_NOTE_HANDLER_RETURNED;
        if (!wanted || point_hooks_.count(a)) continue;
        uc_hook h = 0;
        check_uc(uc_hook_add(uc_, &h, UC_HOOK_CODE, reinterpret_cast<void*>(&Engine::on_point),
                             this, a, a),
                 "hook an instruction");
        point_hooks_[a] = h;
        added = true;
    }
    if (added) {
        retranslate_.first = retranslate_.second ? std::min(retranslate_.first, b.addr) : b.addr;
        retranslate_.second = std::max(retranslate_.second, b.addr + b.size);
    }
    return added;
}

// Whether a stop may fall inside this block, which must then run with every
// instruction hooked. Called on arrival at its first instruction, once the
// checks there are made.
bool Engine::needs_exact(const BlockInfo& b) {
    HostState& h = host_;
    const uint64_t s = h.step, n = b.count();
    if (s + n > scenario_.max_steps) return true;
    // A syscall's return looked for at an instruction inside the block.
    if (h.cpl == 3)
        for (const SummaryReturn& w : summary_waiting_)
            if (b.index_of(w.rip) > 0) return true;
    if (h.next_tick >= s + n) return false;
    // The tick falls due inside the block, or is due and waits for IF.
    const bool if_set = reg(UC_X86_REG_RFLAGS) & kRflagsIF;
    if (b.if_ops.empty()) {
        if (!if_set) return false;  // IF stays clear to the block's end
        if (h.cpl == 3 && h.next_tick > s) {
            // User code cannot change the tasks' states: the check on
            // arrival at the due instruction can be made now, and when no
            // tick would be taken there only the next one's step changes.
            if (user_tasks_that_can_run() < 2) {
                // Unless a fault ends the block before (settle_block).
                tick_assumed_at_ = h.next_tick;
                h.next_tick = h.next_tick + SP_TICK_INSNS;
                return false;
            }
        }
        return true;
    }
    for (size_t i = 0; i + 1 < n; i++)
        if (b.if_ops[i] == kSti || b.if_ops[i] == kPopf) return true;
    return if_set;
}

void Engine::settle_block(uint64_t insn_addr, bool executed) {
    if (!blocks_ || block_cut_ || !block_) return;
    const int i = block_->index_of(insn_addr);
    const uint64_t n = block_->count();
    // Past the block (a jump to an address that cannot be fetched): the
    // whole block ran and the fault is the next instruction's, which no
    // step counts.
    uint64_t arrived = block_step_ + n;  // the last instruction whose arrival checks ran, + 1
    if (i < 0 || static_cast<uint64_t>(i) >= n) {
        host_.step = block_step_ + n;
    } else {
        host_.step = block_step_ + static_cast<uint64_t>(i) + (executed ? 1 : 0);
        arrived = block_step_ + static_cast<uint64_t>(i) + 1;
    }
    // The tick check needs_exact made for an instruction never reached.
    if (tick_assumed_at_ != UINT64_MAX && tick_assumed_at_ >= arrived)
        host_.next_tick = tick_assumed_at_;
    tick_assumed_at_ = UINT64_MAX;
    block_cut_ = true;
}

// Stop on arrival at the block's first instruction: nothing of it has run.
void Engine::block_stop(bool retranslate) {
    block_cut_ = true;
    // Unicorn 2.1.1 calls a block hook before it writes the block's address
    // to RIP (2.1.2 does it first): the run resumes here, not at the block before.
    if (block_) block_resume_ = block_->addr;
    if (stop_reason_ == StopReason::None && !fault_.pending) stop_reason_ = StopReason::Target;
    if (retranslate && block_) {
        retranslate_.first =
            retranslate_.second ? std::min(retranslate_.first, block_->addr) : block_->addr;
        retranslate_.second = std::max(retranslate_.second, block_->addr + block_->size);
    }
    uc_emu_stop(uc_);
}

void Engine::give_up_blocks(const std::string& why) {
    if (!block_fallback_.empty()) return;
    block_fallback_ = why;
    block_cut_ = true;
    finish(Outcome::Fault, "followed by blocks until " + why);
    uc_emu_stop(uc_);
}

// User code at an address may be another program's after this.
void Engine::forget_user_blocks() {
    if (block_ && !in_kernel_text(block_->addr)) block_ = nullptr;
    user_blocks_.clear();
    block_cache_.fill(nullptr);
}

void Engine::on_block(uc_engine*, uint64_t addr, uint32_t size, void* self) {
    auto* e = static_cast<Engine*>(self);
    HostState& h = e->host_;
    if (!e->block_cut_ && e->block_) h.step = e->block_step_ + e->block_->count();
    // Most blocks: one met lately and hooked already, with nothing due on
    // arrival or inside it. The checks below, in one pass (this runs for
    // every block, several times per system call).
    BlockInfo* cached = e->block_cache_[block_cache_slot(addr)];
    if (cached && cached->addr == addr && cached->size == size && cached->instrumented &&
        !e->exact_hook_ && !e->halt_next_ && !e->debug_sync_due_ && !h.debug_pending &&
        e->summary_exited_ < 0 && e->summary_waiting_.empty() && h.step != e->skip_point_step_ &&
        e->block_fallback_.empty() &&
        h.step + cached->count() <= std::min(h.next_tick, e->scenario_.max_steps)) {
        e->block_cut_ = false;
        e->block_ = cached;
        e->block_step_ = h.step;
        e->tick_assumed_at_ = UINT64_MAX;
        return;
    }
    e->on_block_slow(addr, size);
}

// on_block for a block that is new, not hooked yet, or with something due.
void Engine::on_block_slow(uint64_t addr, uint32_t size) {
    HostState& h = host_;
    block_cut_ = false;
    block_ = nullptr;
    tick_assumed_at_ = UINT64_MAX;
    if (!block_fallback_.empty()) {
        block_cut_ = true;
        uc_emu_stop(uc_);
        return;
    }
    BlockInfo* b = block_at(addr, size);
    if (!b) return;
    block_ = b;
    block_step_ = h.step;
    const bool in_exact = exact_hook_ && addr >= exact_range_.first && addr < exact_range_.second;
    if (exact_hook_ && !in_exact &&
        (addr + size <= exact_range_.first || addr >= exact_range_.second)) {
        // Left the hooked block for one that does not overlap it.
        uc_hook_del(uc_, exact_hook_);
        exact_hook_ = 0;
        uc_ctl_remove_cache(uc_, exact_range_.first, exact_range_.second);
    }
    if (!b->instrumented && instrument(*b)) {
        block_stop(false);
        return;
    }
    // This instruction was processed before a stop: on_point skips it once.
    if (h.step == skip_point_step_) return;
    // As on_code, on arrival at the block's first instruction.
    if (halt_next_) {
        stop_reason_ = StopReason::Halt;
        block_stop(false);
        return;
    }
    if (h.step >= scenario_.max_steps) {
        stop_reason_ = StopReason::Limit;
        block_stop(false);
        return;
    }
    if (debug_sync_due_ && sync_debug_unit() && (debug_exec_ || !debug_hooks_.empty())) {
        give_up_blocks("the program arms a debug register");
        return;
    }
    if (h.debug_pending) {
        give_up_blocks("a data breakpoint hit");
        return;
    }
    if (h.step >= h.next_tick && timer_tick_due()) {
        fault_.rip = addr;  // RIP is not this block's yet (block_stop)
        block_stop(false);  // the tick is delivered before the block runs
        return;
    }
    if (summary_exited_ >= 0 || !summary_waiting_.empty())
        summary_step_after_exit(addr, reg(UC_X86_REG_RSP));
    if (needs_exact(*b)) {
        if (!in_exact) {
            pending_exact_ = {addr, addr + size};
            block_stop(false);
            return;
        }
    } else if (in_exact) {
        // Nothing more falls due here: the block runs unhooked again.
        pending_exact_ = {0, 0};
        exact_drop_due_ = true;
        block_stop(false);
        return;
    }
}

void Engine::on_point(uc_engine*, uint64_t addr, uint32_t size, void* self) {
    auto* e = static_cast<Engine*>(self);
    HostState& h = e->host_;
    if (!e->block_ || e->block_cut_ || !e->block_fallback_.empty()) return;
    const int i = e->block_->index_of(addr);
    if (i < 0 || static_cast<uint32_t>(i) >= e->block_->count()) {
        e->give_up_blocks("an instruction at " + hex(addr) + " outside its block");
        return;
    }
    const uint64_t step = e->block_step_ + static_cast<uint64_t>(i);
    if (step == e->point_done_step_) return;  // a second hook at this instruction
    if (step == e->skip_point_step_) {
        e->skip_point_step_ = UINT64_MAX;
        e->point_done_step_ = step;
        return;
    }
    h.step = step;
    // The arrival checks of on_code, in its order.
    if (e->halt_next_) {
        e->stop_reason_ = StopReason::Halt;
        e->block_cut_ = true;
        uc_emu_stop(e->uc_);
        return;
    }
    if (h.step >= e->scenario_.max_steps) {
        e->stop_reason_ = StopReason::Limit;
        e->block_cut_ = true;
        uc_emu_stop(e->uc_);
        return;
    }
    if (h.step >= h.next_tick && e->timer_tick_due()) {
        e->block_cut_ = true;
        uc_emu_stop(e->uc_);
        return;
    }
    e->point_done_step_ = step;
    const AddrInfo& info = e->info_at(addr, size);
    uint64_t rsp = e->reg(UC_X86_REG_RSP);
    e->follow_task_stack(rsp);
    if (e->summary_exited_ >= 0 || !e->summary_waiting_.empty())
        e->summary_step_after_exit(addr, rsp);
    if (addr == e->switch_mm_ && e->reg(UC_X86_REG_RDI) != e->reg(UC_X86_REG_RSI))
        e->forget_user_blocks();
    for (const Note& n : info.notes) e->on_note(n, addr);
    if (info.insn == AddrInfo::Sysret || info.insn == AddrInfo::Iret)
        e->on_exit_instruction(info.insn, addr, rsp);
    if (e->halt_next_ && e->block_ && static_cast<uint32_t>(i) + 1 < e->block_->count()) {
        // Stop on arrival at the next instruction, inside this block: run
        // this one again with every instruction hooked, skipping it once.
        e->skip_point_step_ = step;
        e->pending_exact_ = {e->block_->addr, e->block_->addr + e->block_->size};
        e->stop_reason_ = StopReason::Target;
        e->block_cut_ = true;
        uc_emu_stop(e->uc_);
    }
}

// After each uc_emu_start: settle a block that ran to its end, and make
// the hook changes asked for while it ran.
void Engine::block_emulation_ended() {
    if (!block_fallback_.empty()) return;
    if (unmapped_.pending) {
        give_up_blocks("an access outside guest RAM");
        return;
    }
    if (!block_cut_ && block_) host_.step = block_step_ + block_->count();
    block_cut_ = true;
    if (block_resume_) {
        set_reg(UC_X86_REG_RIP, block_resume_);
        block_resume_ = 0;
    }
    if (exact_hook_ && (pending_exact_.second || exact_drop_due_)) {
        uc_hook_del(uc_, exact_hook_);
        exact_hook_ = 0;
        uc_ctl_remove_cache(uc_, exact_range_.first, exact_range_.second);
    }
    exact_drop_due_ = false;
    if (pending_exact_.second) {
        exact_range_ = pending_exact_;
        pending_exact_ = {0, 0};
        check_uc(
            uc_hook_add(uc_, &exact_hook_, UC_HOOK_CODE, reinterpret_cast<void*>(&Engine::on_point),
                        this, exact_range_.first, exact_range_.second - 1),
            "hook a block");
        uc_ctl_remove_cache(uc_, exact_range_.first, exact_range_.second);
    }
    if (retranslate_.second) {
        uc_ctl_remove_cache(uc_, retranslate_.first, retranslate_.second);
        retranslate_ = {0, 0};
    }
}

// ---------------------------------------------------------------------------
// A summary run's syscall records, by blocks or by instructions

// A summary run: the last exit of syscall k decides its record. After an
// iretq, the step that follows is the syscall's return when it is at the
// instruction after SYSCALL; otherwise (a signal's handler runs first) the
// return is the first step back there in ring 3 with the same rsp, as
// build_syscall_records looks for it in a recorded run's steps.
void Engine::summary_exit(int k, ExitKind exit) {
    summary_exited_ = -1;
    if (k < 0) return;
    if (SyscallRecord* r = summary_record(k)) {
        r->exit = exit;
        r->return_step = host_.step + 1;
        // A sysretq's rax is the return value when the handler's return
        // was not seen.
        if (exit == ExitKind::Sysret && !r->has_ret) {
            r->has_ret = true;
            r->ret = static_cast<int64_t>(reg(UC_X86_REG_RAX));
        }
    }
    auto same = [k](int other) { return other == k; };
    summary_waiting_.erase(std::remove_if(summary_waiting_.begin(), summary_waiting_.end(),
                                          [&](const SummaryReturn& w) { return same(w.syscall); }),
                           summary_waiting_.end());
    summary_returns_.erase(
        std::remove_if(summary_returns_.begin(), summary_returns_.end(),
                       [&](const std::pair<int, uint64_t>& r) { return same(r.first); }),
        summary_returns_.end());
    if (exit == ExitKind::Iret) summary_exited_ = k;
}

void Engine::summary_handler_return(int k, int64_t value) {
    if (SyscallRecord* r = summary_record(k)) {
        r->has_ret = true;
        r->ret = value;
    }
}

// What build_syscall_records would have added at the end.
void Engine::finish_summary_records() {
    for (SyscallRecord& r : trace_.syscalls) r.is_focus = false;
    if (SyscallRecord* focus = summary_record(trace_.focus)) focus->is_focus = true;
    // What build_syscall_records would have found in the steps.
    for (const auto& [k, step] : summary_returns_) {
        SyscallRecord* r = summary_record(k);
        if (r && r->exit == ExitKind::Iret) r->return_step = step;
    }
    trace_.syscalls.shrink_to_fit();
}

void Engine::summary_entry(int k, long nr, Name name, uint64_t rip, uint64_t rsp) {
    if (k < 0 || static_cast<uint64_t>(k) < trace_.folded) return;
    if (options_.fold_every && trace_.syscalls.size() >= options_.fold_every)
        fold_summary_records();
    const size_t at = static_cast<size_t>(static_cast<uint64_t>(k) - trace_.folded);
    if (trace_.syscalls.size() <= at) trace_.syscalls.resize(at + 1);
    SyscallRecord& r = trace_.syscalls[at];
    r.nr = nr;
    r.name = name;
    r.entry_step = host_.step - 1;  // the SYSCALL's, run already
    r.user_rip = rip;
    r.user_rsp = rsp;
    // No events: each record's event range is empty.
    r.first_event = r.end_event = trace_.events.size();
}

// A record no exit, return value or return step can reach any more: its
// syscall is in progress in no task, and no return to user mode is awaited.
bool Engine::summary_record_settled(int k) const {
    if (k == host_.syscall || k == summary_exited_) return false;
    for (const auto& [stack, task] : host_.other_tasks)
        if (task.syscall == k) return false;
    for (const SummaryReturn& w : summary_waiting_)
        if (w.syscall == k) return false;
    return true;
}

void Engine::fold_summary_records() {
    // The return steps found so far are the records' own from here on
    // (finish_summary_records would set them at the end).
    std::vector<std::pair<int, uint64_t>> kept;
    for (const auto& [k, step] : summary_returns_) {
        SyscallRecord* r = summary_record(k);
        if (r && r->exit == ExitKind::Iret && summary_record_settled(k))
            r->return_step = step;
        else
            kept.emplace_back(k, step);
    }
    size_t n = 0;
    while (n < trace_.syscalls.size() &&
           summary_record_settled(static_cast<int>(trace_.folded + n)))
        n++;
    // A record still open near the front (a task asleep in a syscall) holds
    // the rest back: fold only when that frees a good part.
    if (n < options_.fold_every / 2) {
        summary_returns_.swap(kept);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const SyscallRecord& r = trace_.syscalls[i];
        auto it = std::find_if(trace_.folded_tallies.begin(), trace_.folded_tallies.end(),
                               [&](const SyscallTally& t) { return t.name == r.name; });
        if (it == trace_.folded_tallies.end())
            it = trace_.folded_tallies.insert(trace_.folded_tallies.end(), SyscallTally{r.name});
        it->add(r);
    }
    trace_.syscalls.erase(trace_.syscalls.begin(),
                          trace_.syscalls.begin() + static_cast<std::ptrdiff_t>(n));
    trace_.folded += n;
    kept.erase(std::remove_if(kept.begin(), kept.end(),
                              [&](const std::pair<int, uint64_t>& r) {
                                  return static_cast<uint64_t>(r.first) < trace_.folded;
                              }),
               kept.end());
    summary_returns_.swap(kept);
}

void Engine::summary_step_after_exit(uint64_t addr, uint64_t rsp) {
    HostState& h = host_;
    if (summary_exited_ >= 0) {
        const int k = summary_exited_;
        summary_exited_ = -1;
        if (const SyscallRecord* r = summary_record(k))
            if (addr != r->user_rip + 2)
                summary_waiting_.push_back({k, r->user_rip + 2, r->user_rsp});
    }
    if (h.cpl != 3) return;
    for (size_t i = 0; i < summary_waiting_.size();) {
        const SummaryReturn& w = summary_waiting_[i];
        if (w.rip == addr && w.rsp == rsp) {
            summary_returns_.push_back({w.syscall, h.step});
            summary_waiting_.erase(summary_waiting_.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
            i++;
        }
    }
}

void Engine::adopt_host_io(Engine& from) {
    io_log_ = std::move(from.io_log_);
    stdin_bytes_ = std::move(from.stdin_bytes_);
    stdin_eof_ = from.stdin_eof_;
    if (from.files_) files_ = std::move(from.files_);
}

}  // namespace slowpath
