// The engine's per-instruction work: turning what the guest executes into
// events (labels, calls, checks, frame changes, exits) and deciding when a
// run must stop (targets, injections, livelock, the step limit).
#include <slowpath/abi.h>

#include <algorithm>
#include <cinttypes>
#include <cstddef>
#include <cstring>

#include "cpu_model.h"
#include "engine.h"
#include "slowpath/decode.h"
#include "slowpath/era_symbols.h"
#include "slowpath/numbers.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"

namespace slowpath {

void Engine::on_code(uc_engine* uc, uint64_t addr, uint32_t size, void* self) {
    auto* e = static_cast<Engine*>(self);
    if (e->injecting_) {
        if (++e->inject_steps_ > 1'000'000) {
            e->injection_failed_ = true;
            uc_emu_stop(uc);
        }
        return;
    }
    HostState& h = e->host_;
    AddrInfo& info = e->info_at(addr, size);
    for (const Note& n : info.notes)
        if ((n.kind >= SP_NOTE_PARTIAL_FRAME && n.kind <= SP_NOTE_FRAME_GONE) ||
            n.kind == SP_NOTE_FULL_FRAME)
            e->frame_note(n);
    if (e->halt_next_ && e->recording_) {
        e->stop_reason_ = StopReason::Halt;
        uc_emu_stop(uc);
        return;
    }
    // Every stop happens on arrival, before the instruction is processed or
    // run, so resuming processes it exactly once.
    if (h.step >= e->stop_target_) {
        e->stop_reason_ = StopReason::Target;
        uc_emu_stop(uc);
        return;
    }
    if (h.step == e->next_action_step_) {
        e->stop_reason_ = StopReason::Action;
        uc_emu_stop(uc);
        return;
    }
    if (e->recording_) {
        if (h.step >= e->scenario_.max_steps) {
            e->stop_reason_ = StopReason::Limit;
            uc_emu_stop(uc);
            return;
        }
        // Injections tied to the focus syscall become actions at this step.
        const int focus_index = e->scenario_.focus_index;
        bool at_entry =
            !h.entry_fired && h.cpl == 3 &&
            (focus_index >= 0
                 ? h.focus < 0 && info.insn == AddrInfo::Syscall && h.syscalls == focus_index
             : e->focus_user_addr_
                 ? addr == e->focus_user_addr_
                 : h.focus < 0 && info.insn == AddrInfo::Syscall &&
                       static_cast<long>(e->reg(UC_X86_REG_RAX)) == e->scenario_.syscall_nr);
        bool at_exit = false;
        if (!h.exit_fired && h.focus >= 0 && h.syscall == h.focus && h.cpl == 0)
            for (const Note& n : info.notes)
                if (n.kind == SP_NOTE_HANDLER_RETURNED) at_exit = true;
        bool added = false;
        for (const auto& inj : e->scenario_.injections) {
            if ((at_entry && inj.when == InjectWhen::Entry) ||
                (at_exit && inj.when == InjectWhen::Exit)) {
                Action a;
                a.step = h.step;
                a.bit = inj.bit;
                a.origin = inj.when;
                auto pos =
                    std::upper_bound(e->actions_.begin(), e->actions_.end(), h.step,
                                     [](uint64_t st, const Action& x) { return st < x.step; });
                e->actions_.insert(pos, a);
                added = true;
            }
        }
        // The tracer's own changes: made while the task sits in the
        // syscall-exit stop, i.e. when ptrace_report_syscall comes back
        // from reporting the focus syscall's exit.
        if (!h.tamper_fired && !e->scenario_.tampers.empty() && h.focus >= 0 &&
            h.syscall == h.focus && h.cpl == 0 && e->at_syscall_exit_stop_return(addr)) {
            h.tamper_fired = true;
            for (const auto& t : e->scenario_.tampers) {
                Action a;
                a.step = h.step;
                a.is_edit = true;
                a.tamper = true;
                a.origin = InjectWhen::Exit;
                a.target = "pt_regs." + t.slot;
                a.value = t.value;
                if (t.slot == "eflags") a.mask = kPtraceFlagMask;
                auto pos =
                    std::upper_bound(e->actions_.begin(), e->actions_.end(), h.step,
                                     [](uint64_t st, const Action& x) { return st < x.step; });
                e->actions_.insert(pos, a);
                added = true;
            }
        }
        if (at_entry) h.entry_fired = true;
        if (at_exit) h.exit_fired = true;
        if (added && e->actions_applied_at_ == h.step) e->actions_applied_at_ = UINT64_MAX;
        if (added) {
            e->stop_reason_ = StopReason::Action;
            uc_emu_stop(uc);
            return;
        }
    }
    if (e->debug_sync_due_ && e->sync_debug_unit()) {
        e->stop_reason_ = StopReason::Target;  // resumes here with the new hooks in place
        uc_emu_stop(uc);
        return;
    }
    if ((e->debug_exec_ || h.debug_pending) && e->debug_check(addr)) return;
    if (h.step >= h.next_tick && e->timer_tick_due()) {
        uc_emu_stop(uc);
        return;
    }
    e->insn_addr_ = addr;
    e->process(addr, info);
    h.step++;
    // Port I/O the CPU would refuse does not run: the #GP is delivered instead.
    if (info.insn == AddrInfo::PortIo && h.cpl != 0) e->check_port_io(addr);
}

// On arrival back from ptrace_report_syscall, having recorded a
// syscall-exit stop (kind 2) in sp_state.tracer_stops.
bool Engine::at_syscall_exit_stop_return(uint64_t addr) const {
    if (host_.calls.empty()) return false;
    const CallFrame& top = host_.calls.back();
    if (top.return_addr != addr || top.rsp_after != reg(UC_X86_REG_RSP) || !top.function)
        return false;
    // Every frame's function had its facts made on entry.
    auto facts = function_facts_.find(top.function);
    if (facts == function_facts_.end() || facts->second.role != FunctionFacts::Role::PtraceReport)
        return false;
    uint32_t n = read_u32(sp_state_ + offsetof(abi::sp_kernel_state, tracer_stop_count));
    if (!n || n > SP_MAX_RECORDS) return false;
    uint64_t rec = sp_state_ + offsetof(abi::sp_kernel_state, tracer_stops) +
                   (n - 1) * sizeof(abi::sp_tracer_stop);
    return read_u32(rec + offsetof(abi::sp_tracer_stop, kind)) == 2;
}

AddrInfo& Engine::learn_info_at(uint64_t addr, uint32_t size) {
    AddrInfo** slot = nullptr;
    if (addr < SP_RAM_SIZE) {
        auto& page = info_pages_[addr / SP_PAGE_SIZE];
        if (!page) page = std::make_unique<std::array<AddrInfo*, SP_PAGE_SIZE>>();
        slot = &(*page)[addr % SP_PAGE_SIZE];  // empty: info_at looked
    }
    auto it = addr_info_.find(addr);
    if (it != addr_info_.end()) {
        if (slot) *slot = &it->second;
        return it->second;
    }
    AddrInfo info;
    if (addr >= SP_KERNEL_BASE && addr < SP_USER_BASE) {
        if (const Symbol* s = kernel_->symbol_at(addr)) {
            // Entry-code labels, and the exception table's named fixup
            // targets (bad_from_user, ...): both are places a route passes.
            if ((addr >= entry_text_.first && addr < entry_text_.second) ||
                kernel_->is_fixup_target(addr)) {
                info.label = s;
                info.label_name = s->name;
            } else if (s->is_function)
                info.function = s;
        }
        auto n = notes_by_addr_.find(addr);
        if (n != notes_by_addr_.end()) info.notes = n->second;
    }
    uint8_t b[4] = {0, 0, 0, 0};
    uint64_t phys = sp_user_phys(addr);  // the high user window's RAM
    uc_mem_read(uc_, phys, b, std::min<uint32_t>(size, 4));
    if (size == 3 && b[0] == 0x0f && b[1] == 0x01 && b[2] == 0xf8)
        info.insn = AddrInfo::Swapgs;
    else if (size == 3 && b[0] == 0x48 && b[1] == 0x0f && b[2] == 0x07)
        info.insn = AddrInfo::Sysret;
    else if (size == 2 && b[0] == 0x48 && b[1] == 0xcf)
        info.insn = AddrInfo::Iret;
    else if (size == 1 && b[0] == 0xf4)
        info.insn = AddrInfo::Hlt;
    else if (size == 2 && b[0] == 0x0f && b[1] == 0x05)
        info.insn = AddrInfo::Syscall;
    else if (size <= 15) {
        uint8_t full[15] = {};
        uc_mem_read(uc_, phys, full, size);
        if (cpu::decode_port_io(full, size).is_io) info.insn = AddrInfo::PortIo;
    }
    AddrInfo& stored = addr_info_.emplace(addr, std::move(info)).first->second;
    if (slot) *slot = &stored;  // map nodes never move
    return stored;
}

void Engine::emit(EventKind kind, uint64_t rip, Name name, std::array<uint64_t, 4> a,
                  std::string_view text, bool by_cpu, uint64_t step_override) {
    if (!recording_) return;
    // A summary run: only what the syscall records the summary reads are
    // made of (their path, TIF checks and causes are left out).
    if (options_.summary && kind != EventKind::SyscallEntry && kind != EventKind::HandlerReturn &&
        kind != EventKind::Sysret && kind != EventKind::Iret && kind != EventKind::Exit &&
        kind != EventKind::Livelock && kind != EventKind::StepLimit && kind != EventKind::Oops)
        return;
    Event e;
    e.step = step_override == UINT64_MAX ? host_.step : step_override;
    e.kind = kind;
    e.by_cpu = by_cpu;
    e.rip = rip;
    e.syscall = host_.syscall;
    e.name = name;
    e.a = a;
    if (!text.empty()) e.set_text(text);
    trace_.events.push_back(e);
}

// Inline: on_code, its only caller, runs it at every instruction.
inline void Engine::process(uint64_t addr, const AddrInfo& info) {
    HostState& h = host_;
    uint64_t rsp = reg(UC_X86_REG_RSP);
    follow_task_stack(rsp);
    if (recording_ && !options_.summary)
        trace_.steps.push_back({addr, rsp, static_cast<uint8_t>(h.cpl), h.syscall});
    if (options_.summary && recording_ && (summary_exited_ >= 0 || !summary_waiting_.empty()))
        summary_step_after_exit(addr, rsp);

    // A call that has come back: the instruction after it, with the stack as before the call.
    while (!h.calls.empty()) {
        const CallFrame& top = h.calls.back();
        if (top.return_addr == addr && top.rsp_after == rsp) {
            CallFrame done = top;
            h.calls.pop_back();
            on_function_return(done, addr);
            break;
        }
        if (rsp > top.rsp_after)
            h.calls.pop_back();  // unwound without a ret (stack switch, iret)
        else
            break;
    }

    if (info.label && recording_ && !options_.summary)
        emit(EventKind::Label, addr, info.label_name, {addr, 0, 0, 0}, {});
    if (info.function) on_function_entry(*info.function, addr, rsp);
    for (const Note& n : info.notes) on_note(n, addr);
    switch (info.insn) {
        case AddrInfo::Swapgs: {
            if (!recording_ || options_.summary) break;
            uc_x86_msr gs{SP_MSR_GS_BASE, 0}, kgs{SP_MSR_KERNEL_GS_BASE, 0};
            uc_reg_read(uc_, UC_X86_REG_MSR, &gs);
            uc_reg_read(uc_, UC_X86_REG_MSR, &kgs);
            emit(EventKind::Swapgs, addr, "swapgs", {kgs.value, gs.value, 0, 0}, {});
            break;
        }
        case AddrInfo::Sysret:
        case AddrInfo::Iret:
            on_exit_instruction(info.insn, addr, rsp);
            break;
        default:
            break;
    }
}

// On another user task's kernel stack: its system call and calls, not the
// last task's (a syscall returns to the task that made it).
void Engine::follow_task_stack(uint64_t rsp) {
    if (host_.cpl != 0 || rsp <= user_task_stacks_.first || rsp > user_task_stacks_.second) return;
    uint64_t base = (rsp - 1) & ~uint64_t(SP_THREAD_SIZE - 1);
    if (base != host_.task_stack) switch_task_state(base);
}

void Engine::switch_task_state(uint64_t stack_base) {
    HostState& h = host_;
    if (h.task_stack) {  // the first task seen keeps what the host has
        TaskHostState& out = h.other_tasks[h.task_stack];
        out.syscall = h.syscall;
        out.frame_valid = h.frame_valid;
        out.calls = std::move(h.calls);
        auto in = h.other_tasks.find(stack_base);
        TaskHostState next = in == h.other_tasks.end() ? TaskHostState{} : std::move(in->second);
        if (in != h.other_tasks.end()) h.other_tasks.erase(in);
        h.syscall = next.syscall;
        h.frame_valid = next.frame_valid;
        h.calls = std::move(next.calls);
        h.loops.clear();
    }
    h.task_stack = stack_base;
}

const FunctionFacts& Engine::facts_of(const Symbol& fn) {
    auto it = function_facts_.find(&fn);
    if (it != function_facts_.end()) return it->second;
    using Role = FunctionFacts::Role;
    FunctionFacts f;
    f.name = fn.name;
    // The parameter names only: Event::text() puts the values in.
    f.params = "(";
    const FunctionParams* params = kernel_->params_of(fn.name);
    size_t nargs = params ? std::min<size_t>(params->names.size(), 4) : 0;
    for (size_t i = 0; i < nargs; i++) {
        if (i) f.params += ",";
        f.params += params->names[i];
    }
    if (params && params->names.size() > 4) f.params += ",...";
    const std::string& n = fn.name;
    f.role = n == "context_switch"                                         ? Role::ContextSwitch
             : n == "setup_rt_frame"                                       ? Role::SetupRtFrame
             : n == "__audit_syscall_entry" || n == "__audit_syscall_exit" ? Role::Audit
             : n == "ptrace_report_syscall"                                ? Role::PtraceReport
             : n == "task_work_run"                                        ? Role::TaskWork
             : n == "mce_notify_process" || n == "uprobe_notify_resume" ||
                     n == "fire_user_return_notifiers"
                 ? Role::Notifier
             : n == "trace_sys_enter" || n == "trace_sys_exit" ? Role::Tracepoint
             : n == "sys_rt_sigreturn"                         ? Role::RtSigreturn
                                                               : Role::Plain;
    const EraSymbol* s = era_symbol(Era::Modern, n);
    f.modern_path = s && s->kind == EraSymbolKind::Function;
    return function_facts_.emplace(&fn, std::move(f)).first->second;
}

void Engine::on_function_entry(const Symbol& fn, uint64_t addr, uint64_t rsp) {
    uint64_t ret = read_u64(rsp);
    bool from_entry = ret >= entry_text_.first && ret < entry_text_.second;
    const FunctionFacts& facts = facts_of(fn);
    if (!from_entry && scenario_.era == Era::Modern && !options_.summary) {
        // The modern entry stub calls one C function; the path is what that
        // function calls in turn: a call counts if the callee or its caller
        // is one of the era's path functions (era_symbols.h).
        const Symbol* caller = kernel_->symbol_containing(ret);
        from_entry =
            facts.modern_path || (caller && caller->is_function && facts_of(*caller).modern_path);
    }
    host_.calls.push_back({ret, rsp + 8, &fn, from_entry});
    if (host_.calls.size() > 256) host_.calls.erase(host_.calls.begin());
    if (!recording_ || options_.summary) return;  // the rest makes events
    uint64_t args[4] = {reg(UC_X86_REG_RDI), reg(UC_X86_REG_RSI), reg(UC_X86_REG_RDX),
                        reg(UC_X86_REG_RCX)};
    emit(EventKind::Call, addr, facts.name, {args[0], args[1], args[2], args[3]}, facts.params);
    trace_.events.last_pushed().from_entry = from_entry;
    if (facts.role == FunctionFacts::Role::RtSigreturn) {
        uint64_t frame = read_u64(sp_state_ + offsetof(abi::sp_kernel_state, sigframe_addr));
        emit(EventKind::SignalReturn, addr, "rt_sigreturn", {frame, 0, 0, 0},
             "rt_sigreturn: restore every register from the signal frame at " + hex(frame));
    }
}

void Engine::on_function_return(const CallFrame& frame, uint64_t addr) {
    if (!recording_ || options_.summary) return;  // this makes events only
    const FunctionFacts& facts = facts_of(*frame.function);
    const Name name = facts.name;
    using Role = FunctionFacts::Role;
    uint64_t rax = reg(UC_X86_REG_RAX);
    // Every call's return, so a lesson can move to the return of a nested
    // call; from_entry marks those the entry code made (the path's).
    emit(EventKind::Return, addr, name, {rax, 0, 0, 0}, {});
    trace_.events.last_pushed().from_entry = frame.from_entry;
    auto field = [&](size_t off) { return sp_state_ + off; };
    if (facts.role == Role::ContextSwitch) {
        uint32_t n = read_u32(field(offsetof(abi::sp_kernel_state, switch_count)));
        if (n) {
            uint64_t rec = field(offsetof(abi::sp_kernel_state, switches)) +
                           ((n - 1) % SP_MAX_RECORDS) * sizeof(abi::sp_switch_record);
            uint32_t from = read_u32(rec), to = read_u32(rec + 4);
            emit(EventKind::Schedule, addr, "context_switch", {from, to, 0, 0},
                 "context switch: pid " + std::to_string(from) + " -> pid " + std::to_string(to));
        }
    } else if (facts.role == Role::SetupRtFrame) {
        uint64_t at = read_u64(field(offsetof(abi::sp_kernel_state, sigframe_addr)));
        uint32_t sig = read_u32(field(offsetof(abi::sp_kernel_state, sigframe_signo)));
        if (at)
            emit(EventKind::SignalDelivered, addr, "signal", {sig, at, 0, 0},
                 "signal " + std::to_string(sig) + " delivered: rt_sigframe at " + hex(at) +
                     " on the user stack, return to the handler");
    } else if (facts.role == Role::Audit) {
        // A call that writes no record (audit saw no entry, or the call is
        // already closed) shows no event.
        uint32_t n = read_u32(field(offsetof(abi::sp_kernel_state, audit_count)));
        if (n && n != host_.audit_records) {
            host_.audit_records = n;
            uint64_t rec = field(offsetof(abi::sp_kernel_state, audit)) +
                           ((n - 1) % SP_MAX_RECORDS) * sizeof(abi::sp_audit_record);
            abi::sp_audit_record r{};
            read(rec, &r, sizeof r);
            emit(EventKind::Audit, addr, name,
                 {r.kind, r.nr, static_cast<uint64_t>(r.value), r.success},
                 std::string(r.kind == 1 ? "audit entry record: " : "audit exit record: ") +
                     syscall_name(r.nr) + (r.kind == 2 ? " = " + std::to_string(r.value) : ""));
        }
    } else if (facts.role == Role::PtraceReport) {
        uint32_t n = read_u32(field(offsetof(abi::sp_kernel_state, tracer_stop_count)));
        if (n) {
            uint64_t rec = field(offsetof(abi::sp_kernel_state, tracer_stops)) +
                           ((n - 1) % SP_MAX_RECORDS) * sizeof(abi::sp_tracer_stop);
            abi::sp_tracer_stop r{};
            read(rec, &r, sizeof r);
            static const char* kinds[] = {"?", "syscall-entry stop", "syscall-exit stop",
                                          "single-step report"};
            emit(EventKind::TracerStop, addr, "tracer",
                 {r.kind, r.nr, static_cast<uint64_t>(r.value), 0},
                 std::string("tracer: ") + kinds[r.kind < 4 ? r.kind : 0] + " in " +
                     running_syscall_name(r.nr));
        }
    } else if (facts.role == Role::TaskWork) {
        emit(EventKind::TaskWork, addr, "task_work_run",
             {read_u32(field(offsetof(abi::sp_kernel_state, task_work_runs))), 0, 0, 0},
             "task work ran before the return to user mode");
    } else if (facts.role == Role::Notifier) {
        emit(EventKind::Notifier, addr, name, {0, 0, 0, 0}, name + " ran");
    } else if (facts.role == Role::Tracepoint) {
        emit(EventKind::Tracepoint, addr, name, {0, 0, 0, 0}, name + " tracepoint fired");
    }
}

const char* Engine::frame_macro(uint32_t kind) {
    switch (kind) {
        case SP_NOTE_PARTIAL_FRAME:
            return "SAVE_ARGS";
        case SP_NOTE_SAVE_REST:
            return "SAVE_REST";
        case SP_NOTE_RESTORE_REST:
            return "RESTORE_REST";
        case SP_NOTE_FIXUP_TOS:
            return "FIXUP_TOP_OF_STACK";
        case SP_NOTE_RESTORE_TOS:
            return "RESTORE_TOP_OF_STACK";
        case SP_NOTE_FRAME_GONE:
            return "RESTORE_ARGS";
        default:
            return "full pt_regs";
    }
}

// A frame note sits on the instruction after its macro: on arrival there
// the slots already hold their values, so the shape changes on arrival
// (applying a note twice changes nothing). Frame notes speak of the
// syscall's pt_regs at the top of the task's stack; the same macros in an
// exception taken inside the kernel work on a nested frame further down
// and leave the syscall's frame alone. Returns false for such a note.
bool Engine::frame_note(const Note& note) {
    uint64_t base = pt_regs_base(), rsp = reg(UC_X86_REG_RSP);
    bool on_stack = rsp >= base + SP_FRAME_SIZE - SP_THREAD_SIZE && rsp < base + SP_FRAME_SIZE;
    if (on_stack && rsp + 8 < base) return false;
    uint32_t& mask = host_.frame_valid;
    switch (note.kind) {
        case SP_NOTE_PARTIAL_FRAME:
            mask = valid_mask_partial_frame();
            break;
        case SP_NOTE_SAVE_REST:
            mask |= valid_mask_rest();
            break;
        case SP_NOTE_RESTORE_REST:
            mask &= ~valid_mask_rest();
            break;
        case SP_NOTE_FIXUP_TOS:
            mask |= valid_mask_top_of_stack();
            break;
        case SP_NOTE_FRAME_GONE:
            // On the iret path rsp is left at the ip slot: those five slots
            // are the frame iretq is about to read. On the sysret path rsp
            // is the user's again and nothing of the frame is in use.
            if (rsp == base + SP_RIP)
                mask &= (1u << (SP_RIP / 8)) | (1u << (SP_CS / 8)) | (1u << (SP_EFLAGS / 8)) |
                        (1u << (SP_RSP / 8)) | (1u << (SP_SS / 8));
            else
                mask = 0;
            break;
        case SP_NOTE_FULL_FRAME:
            mask = valid_mask_full();
            break;
        default:
            break;
    }
    return true;
}

void Engine::on_note(const Note& note, uint64_t addr) {
    HostState& h = host_;
    auto thread_flags = [&]() {
        uint64_t ks = read_u64(sp_percpu_ + SP_PERCPU_kernel_stack);
        return read_u32(ks - (SP_THREAD_SIZE - SP_KERNEL_STACK_OFFSET) + SP_TI_flags);
    };
    switch (note.kind) {
        case SP_NOTE_TIF_CHECK: {
            uint32_t mask = static_cast<uint32_t>(reg(UC_X86_REG_RDI));
            on_tif_check(note, addr, mask, thread_flags(),
                         static_cast<uint32_t>(reg(UC_X86_REG_RDX)));
            break;
        }
        case SP_NOTE_TIF_BITTEST: {
            uint32_t work = static_cast<uint32_t>(reg(UC_X86_REG_RDX));
            on_tif_check(note, addr, note.arg, work, work & note.arg);
            break;
        }
        case SP_NOTE_TIF_MEMTEST: {
            uint32_t flags = thread_flags();
            on_tif_check(note, addr, note.arg, flags, flags & note.arg);
            break;
        }
        case SP_NOTE_STACK_SWITCH: {
            if (!recording_) break;
            uint64_t old_rsp = read_u64(sp_percpu_ + SP_PERCPU_old_rsp);
            emit(EventKind::StackSwitch, addr, "stack switch", {old_rsp, reg(UC_X86_REG_RSP), 0, 0},
                 {});
            break;
        }
        case SP_NOTE_PARTIAL_FRAME:
        case SP_NOTE_SAVE_REST:
        case SP_NOTE_RESTORE_REST:
        case SP_NOTE_FIXUP_TOS:
        case SP_NOTE_RESTORE_TOS:
        case SP_NOTE_FRAME_GONE:
        case SP_NOTE_FULL_FRAME:
            if (frame_note(note) && recording_)
                emit(EventKind::FrameState, addr, frame_macro(note.kind), {h.frame_valid, 0, 0, 0},
                     {});
            break;
        case SP_NOTE_SYSRET_CHECK: {
            const SysretCheckInfo* c = sysret_check_info(note.arg);
            if (!recording_ || !c || options_.summary) break;
            uint64_t value = reg(UC_X86_REG_RAX), against = reg(UC_X86_REG_RDX);
            bool passed = sysret_check_passes(c->test, value, against);
            std::string op =
                c->test == SysretTest::Equal ? " vs " : std::string(sysret_test_op(c->test));
            emit(EventKind::SysretCheck, addr, std::string(c->name),
                 {note.arg, value, against, passed},
                 std::string("SYSRET check ") + std::string(c->name) + ": " + hex(value) + op +
                     hex(against) + (passed ? " -> ok" : " -> failed: leave by iret"));
            break;
        }
        case SP_NOTE_HANDLER_RETURNED: {
            if (!recording_) break;
            uint64_t base = pt_regs_base();
            int64_t value = static_cast<int64_t>(read_u64(base + SP_RAX));
            if (options_.summary) {
                summary_handler_return(h.syscall, value);
                break;
            }
            emit(EventKind::HandlerReturn, addr,
                 running_syscall_name(static_cast<long>(read_u64(base + SP_ORIG_RAX))),
                 {static_cast<uint64_t>(value), 0, 0, 0}, {});
            break;
        }
        default:
            break;
    }
}

void Engine::on_tif_check(const Note& note, uint64_t addr, uint32_t mask, uint32_t flags,
                          uint32_t result) {
    // Livelock guard: the same check seeing the same flags again and again
    // on one exit means nothing clears the flag that keeps us looping.
    auto& loops = host_.loops;
    auto at =
        std::find_if(loops.begin(), loops.end(), [&](const auto& l) { return l.first == addr; });
    if (at == loops.end()) at = loops.insert(loops.end(), {addr, LoopCounter{}});
    LoopCounter& c = at->second;
    if (c.count && c.mask == mask && c.flags == flags) {
        c.count++;
    } else {
        c = {mask, flags, 1};
    }
    if (!recording_) return;
    const bool livelock = result && c.count > scenario_.livelock_bound && !halt_next_;
    // A summary keeps no TIF check events: the name is made only when needed.
    if (options_.summary && !livelock) return;
    const Symbol* where = kernel_->symbol_containing(addr);
    std::string name = where ? where->name : hex(addr);
    emit(EventKind::TifCheck, addr, name, {mask, flags, result, note.kind}, {});
    if (livelock) {
        std::string flag = tif_names(result);
        // Let this instruction run, then stop on arrival at the next one.
        halt_next_ = true;
        halt_outcome_ = Outcome::Livelock;
        halt_detail_ = "livelock: " + name + " saw " + flag + " " + std::to_string(c.count) +
                       " times in one exit and nothing clears " + flag;
        livelock_flags_ = result;
    }
}

void Engine::on_exit_instruction(AddrInfo::Insn insn, uint64_t addr, uint64_t rsp) {
    static const Name kSysretqName("sysretq"), kIretqName("iretq");
    HostState& h = host_;
    // At CPL 3 these are the program's own: sysretq faults, and iretq can
    // only stay in ring 3 or fault. Either way the kernel is not leaving.
    if (h.cpl == 3) return;
    if (insn == AddrInfo::Sysret) {
        if (h.syscall >= 0 && recording_ && !options_.summary)
            emit(EventKind::Decision, addr, "sysret", {SP_DECISION_SYSRET, 0, 0, 0},
                 decision_reason(true));
        if (options_.summary && recording_) {
            summary_exit(h.syscall, ExitKind::Sysret);
        } else if (recording_) {
            emit(EventKind::Sysret, addr, kSysretqName,
                 {reg(UC_X86_REG_RCX), rsp, reg(UC_X86_REG_R11), reg(UC_X86_REG_RAX)}, {}, true);
        }
        h.cpl = 3;
    } else {
        uint64_t frame[5] = {0, 0, 0, 0, 0};
        read(rsp, frame, sizeof frame);
        int new_cpl = static_cast<int>(frame[1] & 3);
        if (new_cpl == 3 && h.syscall >= 0 && recording_ && !options_.summary)
            emit(EventKind::Decision, addr, "iret", {SP_DECISION_IRET, 0, 0, 0},
                 decision_reason(false) + unsafe_sysret_note(frame[0]));
        if (options_.summary && recording_ && new_cpl == 3) {
            summary_exit(h.syscall, ExitKind::Iret);
        } else if (recording_ && !options_.summary) {
            emit(EventKind::Iret, addr, kIretqName, {frame[0], frame[1], frame[2], frame[3]}, {},
                 true);
        }
        h.cpl = new_cpl;
    }
    if (h.cpl == 3) {
        debug_sync_due_ = true;
        h.syscall = -1;
        h.calls.clear();
        h.loops.clear();
        h.frame_valid = 0;
    }
}

// An exit to a rip SYSRET must not be given (non-canonical, or the last
// user page, from which the next instruction is non-canonical).
std::string Engine::unsafe_sysret_note(uint64_t user_rip) {
    if (user_rip < SP_TASK_SIZE_MAX) return {};
    return ". rip " + hex(user_rip) +
           " is not below TASK_SIZE_MAX: a SYSRET there is the CVE-2012-0217 hole (Intel raises "
           "#GP in ring 0 on the user's rsp and gs; AMD and this emulator fault in ring 3)";
}

// Why this exit takes sysret or iret, told from what happened on the way.
std::string Engine::decision_reason(bool sysret) const {
    // Compared by handle: this runs at every exit of a recording.
    static const Name kSysretCheck("sysret_check"), kIntWithCheck("int_with_check"),
        kTracesys("tracesys"), kSysretAudit("sysret_audit"),
        kIntCheckExitWork("int_check_syscall_exit_work"), kSysretUsingIret("sysret_using_iret"),
        kExitSlowpath("syscall_exit_slowpath");
    const auto& ev = trace_.events;
    size_t first = ev.size();
    while (first > 0 && !(ev[first - 1].kind == EventKind::SyscallEntry &&
                          ev[first - 1].syscall == host_.syscall))
        first--;
    bool schedule = false, audit_exit = false, signal = false, task_work = false, tracer = false,
         tracesys = false, sysret_audit = false, slowpath = false, sigreturn = false,
         joined_iret = false;
    int64_t slowpath_ret = 0;
    uint32_t work_seen = 0;
    int sysret_checks = 0;              // modern era: checks made
    std::optional<Event> failed_check;  // modern era: the first check that failed
    std::string notifier;
    for (size_t i = first > 0 ? first - 1 : 0; i < ev.size(); i++) {
        const Event& e = ev[i];
        switch (e.kind) {
            case EventKind::Schedule:
                schedule = true;
                break;
            case EventKind::Audit:
                audit_exit |= e.audit_kind() == 2;
                break;
            case EventKind::SignalDelivered:
                signal = true;
                break;
            case EventKind::TaskWork:
                task_work = true;
                break;
            case EventKind::TracerStop:
                tracer = true;
                break;
            case EventKind::Notifier:
                notifier = e.name;
                break;
            case EventKind::SignalReturn:
                sigreturn = true;
                break;
            case EventKind::SysretCheck:
                sysret_checks++;
                if (!e.check_passed() && !failed_check) failed_check = e;
                break;
            case EventKind::TifCheck:
                if (e.name == kSysretCheck || e.name == kIntWithCheck) work_seen |= e.tif_result();
                break;
            case EventKind::Label:
                tracesys |= e.name == kTracesys;
                sysret_audit |= e.name == kSysretAudit;
                joined_iret |= e.name == kIntCheckExitWork || e.name == kSysretUsingIret;
                break;
            case EventKind::Return:
                if (e.name == kExitSlowpath) {
                    slowpath = true;
                    slowpath_ret = static_cast<int64_t>(static_cast<int32_t>(e.return_value()));
                }
                break;
            default:
                break;
        }
    }
    std::vector<std::string> work;
    if (schedule) work.push_back("rescheduled");
    if (audit_exit) work.push_back("audit exit recorded");
    if (tracer) work.push_back("tracer stop");
    if (task_work) work.push_back("task work run");
    if (!notifier.empty()) work.push_back(notifier);
    if (signal) work.push_back("signal delivered");
    std::string did;
    for (size_t i = 0; i < work.size(); i++) did += (i ? ", " : "") + work[i];

    if (sysret_checks) {
        // The modern era: do_syscall_64() decided by its checks alone.
        std::string after = did.empty() ? std::string() : " (after: " + did + ")";
        if (sysret) return "do_syscall_64() returned true: all SYSRET checks passed" + after;
        if (failed_check)
            return "do_syscall_64() returned false: SYSRET check " + failed_check->name +
                   " failed (" + hex(failed_check->check_value()) +
                   (failed_check->sysret_check_id() == SP_SYSRET_CHECK_IP_LIMIT ? " is not below "
                    : failed_check->sysret_check_id() == SP_SYSRET_CHECK_RF_TF  ? " & "
                                                                                : " vs ") +
                   hex(failed_check->check_against()) + "), so the exit uses iret" + after;
        return "do_syscall_64() returned false: leave by iret" + after;
    }
    if (sysret) {
        if (slowpath)
            return "syscall_exit_slowpath() did its work (" +
                   (did.empty() ? std::string("nothing") : did) +
                   ") and returned 0: user registers intact, sysret is still fine";
        if (sysret_audit)
            return "audit exit recorded by the asm fast path (sysret_audit): registers intact, "
                   "sysret";
        if (schedule)
            return "rescheduled and back at sysret_check with no work left: registers intact, "
                   "sysret";
        return "no work flags at sysret_check: the fast sysret";
    }
    if (sigreturn)
        return "rt_sigreturn rewrote every register from the signal frame: only iret restores them "
               "all";
    if (slowpath && slowpath_ret)
        return "syscall_exit_slowpath() returned " + std::to_string(slowpath_ret) +
               (signal ? ": a signal was delivered, user registers changed, must use iret"
                       : ": registers may have changed, must use iret");
    if (tracesys)
        return "entry work went through tracesys: a tracer may have changed any register, so the "
               "exit uses iret" +
               (did.empty() ? std::string() : " (" + did + ")");
    if (joined_iret)
        return "work " + tif_names(work_seen) +
               " at sysret_careful is neither a reschedule nor audit: v3.13 "
               "joins the iret path" +
               (did.empty() ? std::string() : " (" + did + ")");
    return "left through the iret path" + (did.empty() ? std::string() : " (" + did + ")");
}

}  // namespace slowpath
