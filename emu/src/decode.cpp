#include "slowpath/decode.h"

#include <slowpath/abi.h>

#include <cinttypes>
#include <cstddef>
#include <cstdio>
#include <memory>

#include "slowpath/machine.h"
#include "slowpath/tif.h"

namespace slowpath {

namespace {

uint32_t bits(std::initializer_list<int> offsets) {
    uint32_t m = 0;
    for (int off : offsets) m |= 1u << (off / 8);
    return m;
}

uint64_t thread_info_of(const Machine& m, uint64_t* kernel_stack_out = nullptr) {
    const Symbol* percpu = m.kernel().symbol_named("sp_percpu");
    if (!percpu) return 0;
    uint64_t kernel_stack = m.read_u64(percpu->addr + SP_PERCPU_kernel_stack);
    if (kernel_stack_out) *kernel_stack_out = kernel_stack;
    if (!kernel_stack) return 0;
    return kernel_stack + SP_KERNEL_STACK_OFFSET - SP_THREAD_SIZE;
}

// A word is a return address if it points into kernel text just after a call.
bool after_call(const Machine& m, uint64_t addr) {
    if (addr < SP_KERNEL_BASE || addr >= SP_USER_BASE) return false;
    uint8_t b[7] = {};
    if (!m.read(addr - 7, b, sizeof b)) return false;
    if (b[2] == 0xe8) return true;                                                // call rel32
    if (b[5] == 0xff && ((b[6] >> 3) & 7) == 2 && (b[6] >> 6) == 3) return true;  // call *%reg
    if (b[4] == 0xff && ((b[5] >> 3) & 7) == 2) return true;  // call *disp8(...)
    if (b[0] == 0xff && ((b[1] >> 3) & 7) == 2) return true;  // call *disp32(...)
    if (b[1] == 0xff && ((b[2] >> 3) & 7) == 2) return true;  // call *table(,%rax,8)
    return false;
}

}  // namespace

std::string_view slot_state_name(SlotState state) {
    switch (state) {
        case SlotState::Valid:
            return "valid";
        case SlotState::NotSaved:
            return "not saved";
        case SlotState::Unfixed:
            return "not fixed up";
    }
    return "?";
}

const std::vector<std::string_view>& pt_regs_slot_names() {
    static const std::vector<std::string_view> names = {
        "r15", "r14", "r13", "r12", "rbp",      "rbx", "r11", "r10",    "r9",  "r8", "rax",
        "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs",  "eflags", "rsp", "ss"};
    return names;
}

int pt_regs_slot_index(std::string_view name) {
    const auto& names = pt_regs_slot_names();
    for (size_t i = 0; i < names.size(); i++)
        if (names[i] == name) return static_cast<int>(i);
    for (const auto& [alias, slot] : pt_regs_slot_aliases())
        if (alias == name) return pt_regs_slot_index(slot);
    return -1;
}

const std::vector<std::pair<std::string_view, std::string_view>>& pt_regs_slot_aliases() {
    static const std::vector<std::pair<std::string_view, std::string_view>> aliases = {
        {"bp", "rbp"}, {"bx", "rbx"},       {"ax", "rax"},        {"cx", "rcx"},
        {"dx", "rdx"}, {"si", "rsi"},       {"di", "rdi"},        {"orig_ax", "orig_rax"},
        {"ip", "rip"}, {"flags", "eflags"}, {"rflags", "eflags"}, {"sp", "rsp"}};
    return aliases;
}

uint32_t valid_mask_partial_frame() {
    return bits(
        {SP_R11, SP_R10, SP_R9, SP_R8, SP_RAX, SP_RDX, SP_RSI, SP_RDI, SP_ORIG_RAX, SP_RIP});
}
uint32_t valid_mask_rest() {
    return bits({SP_R15, SP_R14, SP_R13, SP_R12, SP_RBP, SP_RBX});
}
uint32_t valid_mask_top_of_stack() {
    return bits({SP_RCX, SP_CS, SP_EFLAGS, SP_RSP, SP_SS});
}
uint32_t valid_mask_full() {
    return (1u << (SP_FRAME_SIZE / 8)) - 1;
}

PtRegsView decode_pt_regs(const Machine& m, uint64_t base, uint32_t valid_mask) {
    PtRegsView v;
    if (!base) return v;
    v.present = true;
    v.base = base;
    v.valid_mask = valid_mask;
    const auto& names = pt_regs_slot_names();
    for (size_t i = 0; i < names.size(); i++) {
        PtRegsSlot s;
        s.name = names[i];
        s.offset = static_cast<int>(i * 8);
        s.addr = base + i * 8;
        s.value = m.read_u64(s.addr);
        if (valid_mask & (1u << i))
            s.state = SlotState::Valid;
        else if (valid_mask_top_of_stack() & (1u << i))
            s.state = SlotState::Unfixed;
        else
            s.state = SlotState::NotSaved;
        v.slots.push_back(s);
    }
    return v;
}

KernelStackView decode_kernel_stack(const Machine& m, uint32_t valid_mask) {
    KernelStackView v;
    uint64_t kernel_stack = 0;
    uint64_t ti = thread_info_of(m, &kernel_stack);
    if (!ti) return v;
    v.present = true;
    v.stack_base = ti;
    v.stack_top = kernel_stack + SP_KERNEL_STACK_OFFSET;
    v.frame_base = v.stack_top - SP_FRAME_SIZE;
    uint64_t rsp = m.cpu().gpr[RSP];
    bool on_stack = rsp >= v.stack_base && rsp <= v.stack_top;
    v.rsp = on_stack ? rsp : 0;
    v.in_use = on_stack;
    uint64_t low = on_stack ? std::min(rsp, v.frame_base) : v.frame_base;
    low &= ~uint64_t(7);
    PtRegsView regs = decode_pt_regs(m, v.frame_base, valid_mask);

    // Each word's meaning; the frames are the named ones (frame_kernel_stack).
    for (uint64_t a = low; a < v.stack_top; a += 8) {
        StackWord w;
        w.addr = a;
        w.value = m.read_u64(a);
        if (a >= v.frame_base) {
            const PtRegsSlot& s = regs.slots[(a - v.frame_base) / 8];
            w.kind = StackWordKind::PtRegs;
            w.label = "pt_regs." + std::string(s.name);
            w.state = s.state;
        } else if (after_call(m, w.value)) {
            w.kind = StackWordKind::ReturnAddress;
            w.label = "return to " + m.describe(w.value);
        } else if (w.value >= v.stack_base && w.value < v.stack_top && a + 8 < v.frame_base &&
                   after_call(m, m.read_u64(a + 8))) {
            w.kind = StackWordKind::SavedFramePointer;
            w.label = "saved rbp";
        } else {
            w.kind = StackWordKind::Data;
        }
        v.words.push_back(std::move(w));
    }
    v.frames.push_back({"pt_regs", v.frame_base, v.stack_top});
    return v;
}

std::vector<UserStackView::Field> decode_sigframe(const Machine& m, uint64_t frame) {
    // struct rt_sigframe { char *pretcode; struct ucontext uc; struct siginfo info; }
    // ucontext: uc_flags, uc_link, uc_stack{ss_sp, ss_flags, ss_size}, uc_mcontext, uc_sigmask
    std::vector<UserStackView::Field> f;
    auto add = [&](std::string name, uint64_t off, int size) {
        UserStackView::Field x;
        x.name = std::move(name);
        x.addr = frame + off;
        x.size = size;
        if (size == 8)
            x.value = m.read_u64(x.addr);
        else if (size == 4)
            x.value = m.read_u32(x.addr);
        else {
            uint16_t v = 0;
            m.read(x.addr, &v, 2);
            x.value = v;
        }
        f.push_back(std::move(x));
    };
    add("pretcode", 0, 8);
    const uint64_t uc = 8;
    add("uc.uc_flags", uc + 0, 8);
    add("uc.uc_link", uc + 8, 8);
    add("uc.uc_stack.ss_sp", uc + 16, 8);
    add("uc.uc_stack.ss_flags", uc + 24, 4);
    add("uc.uc_stack.ss_size", uc + 32, 8);
    const uint64_t mc = uc + 40;
    static const char* regs[] = {"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15", "rdi",
                                 "rsi", "rbp", "rbx", "rdx", "rax", "rcx", "rsp", "rip", "eflags"};
    for (size_t i = 0; i < 18; i++) add(std::string("uc.uc_mcontext.") + regs[i], mc + i * 8, 8);
    add("uc.uc_mcontext.cs", mc + 144, 2);
    add("uc.uc_mcontext.gs", mc + 146, 2);
    add("uc.uc_mcontext.fs", mc + 148, 2);
    add("uc.uc_mcontext.ss", mc + 150, 2);
    add("uc.uc_mcontext.err", mc + 152, 8);
    add("uc.uc_mcontext.trapno", mc + 160, 8);
    add("uc.uc_mcontext.oldmask", mc + 168, 8);
    add("uc.uc_mcontext.cr2", mc + 176, 8);
    add("uc.uc_mcontext.fpstate", mc + 184, 8);
    const uint64_t mask = mc + 256;
    add("uc.uc_sigmask", mask, 8);
    const uint64_t info = mask + 8;
    add("info.si_signo", info + 0, 4);
    add("info.si_errno", info + 4, 4);
    add("info.si_code", info + 8, 4);
    add("info.si_pid", info + 16, 4);
    add("info.si_uid", info + 20, 4);
    return f;
}

UserStackView decode_user_stack(const Machine& m, uint64_t user_rsp, size_t max_words) {
    UserStackView v;
    v.rsp = user_rsp;
    const Symbol* state = m.kernel().symbol_named("sp_state");
    if (state) {
        v.sigframe = m.read_u64(state->addr + offsetof(abi::sp_kernel_state, sigframe_addr));
        v.signo = static_cast<int>(
            m.read_u32(state->addr + offsetof(abi::sp_kernel_state, sigframe_signo)));
        v.has_sigframe = v.sigframe != 0;
    }
    if (v.has_sigframe) v.sigframe_fields = decode_sigframe(m, v.sigframe);
    if (user_rsp < SP_USER_BASE || user_rsp >= SP_USER_STACK_TOP) return v;
    for (uint64_t a = user_rsp & ~uint64_t(7); a < SP_USER_STACK_TOP && v.words.size() < max_words;
         a += 8) {
        StackWord w;
        w.addr = a;
        w.value = m.read_u64(a);
        if (v.has_sigframe && a >= v.sigframe) {
            for (const auto& f : v.sigframe_fields)
                if (f.addr == a) {
                    w.label = "rt_sigframe." + f.name;
                    break;
                }
        }
        if (w.label.empty() && w.value >= SP_USER_BASE &&
            w.value < SP_USER_STACK_TOP - SP_USER_STACK_SIZE) {
            if (const Symbol* s = m.user().symbol_containing(w.value)) {
                if (s->is_function) w.label = "-> " + m.describe(w.value);
            }
        }
        v.words.push_back(std::move(w));
    }
    return v;
}

TifView decode_tif(const Machine& m) {
    TifView v;
    uint64_t ti = thread_info_of(m);
    if (!ti) return v;
    v.present = true;
    v.thread_info = ti;
    v.flags = m.read_u32(ti + SP_TI_flags);
    for (const auto& f : tif_flags())
        v.bits.push_back({f.bit, f.name, ((v.flags >> f.bit) & 1u) != 0});
    v.syscall_work = m.read_u64(ti + SP_TI_syscall_work);
    for (const auto& f : syscall_work_flags())
        v.work_bits.push_back({f.bit, f.name, ((v.syscall_work >> f.bit) & 1u) != 0});
    return v;
}

const std::vector<SysretCheckInfo>& sysret_checks() {
    static const std::vector<SysretCheckInfo> checks = {
        {SP_SYSRET_CHECK_RCX_RIP, "rcx == rip", SysretTest::Equal, "rcx", "rip", 0,
         "SYSRET jumps to rcx: it must be the ip the task is to resume at"},
        {SP_SYSRET_CHECK_R11_FLAGS, "r11 == rflags", SysretTest::Equal, "r11", "eflags", 0,
         "SYSRET loads rflags from r11: it must be the saved flags"},
        {SP_SYSRET_CHECK_CS, "cs == __USER_CS", SysretTest::Equal, "cs", "__USER_CS", SP_USER_CS,
         "SYSRET loads cs from MSR_STAR, always __USER_CS"},
        {SP_SYSRET_CHECK_SS, "ss == __USER_DS", SysretTest::Equal, "ss", "__USER_DS", SP_USER_DS,
         "SYSRET loads ss from MSR_STAR, always __USER_DS"},
        {SP_SYSRET_CHECK_IP_LIMIT, "rip < TASK_SIZE_MAX", SysretTest::Below, "rip", "TASK_SIZE_MAX",
         SP_TASK_SIZE_MAX,
         "canonical and not the last user page: Intel's SYSRET faults in ring 0 otherwise"},
        {SP_SYSRET_CHECK_RF_TF, "no RF or TF in rflags", SysretTest::NoBits, "eflags", "RF|TF",
         0x10000 | 0x100, "SYSRET cannot restore RF, and TF would trap right after it"},
    };
    return checks;
}

const SysretCheckInfo* sysret_check_info(uint32_t id) {
    for (const SysretCheckInfo& c : sysret_checks())
        if (c.id == id) return &c;
    return nullptr;
}

bool sysret_check_passes(SysretTest test, uint64_t value, uint64_t against) {
    switch (test) {
        case SysretTest::Equal:
            return value == against;
        case SysretTest::Below:
            return value < against;
        case SysretTest::NoBits:
            return (value & against) == 0;
    }
    return false;
}

std::string_view sysret_test_op(SysretTest test) {
    switch (test) {
        case SysretTest::Equal:
            return " == ";
        case SysretTest::Below:
            return " < ";
        case SysretTest::NoBits:
            return " & ";
    }
    return " ? ";
}

SysretChecksView sysret_checks_at(const Trace& trace, int syscall, uint64_t step,
                                  const PtRegsView& regs) {
    SysretChecksView v;
    if (syscall < 0 || syscall >= static_cast<int>(trace.syscalls.size())) return v;
    const SyscallRecord& r = trace.syscalls[syscall];
    for (const SysretCheckInfo& info : sysret_checks()) {
        SysretCheckRow row;
        row.info = &info;
        v.rows.push_back(row);
    }
    for (size_t i = r.first_event; i < r.end_event && i < trace.events.size(); i++) {
        const Event& e = trace.events[i];
        if (e.kind != EventKind::SysretCheck) continue;
        v.present = true;
        if (e.step > step) break;
        for (SysretCheckRow& row : v.rows)
            if (row.info->id == e.sysret_check_id() && !row.made) {
                row.made = true;
                row.value = e.check_value();
                row.against = e.check_against();
                row.passed = e.check_passed();
                row.step = e.step;
                v.made++;
                if (!row.passed && v.first_failed < 0)
                    v.first_failed = static_cast<int>(&row - v.rows.data());
            }
    }
    auto slot = [&](std::string_view name, uint64_t& out) {
        int k = pt_regs_slot_index(name);
        if (k < 0 || !regs.present || k >= static_cast<int>(regs.slots.size())) return false;
        out = regs.slots[k].value;
        return true;
    };
    for (SysretCheckRow& row : v.rows) {
        if (row.made) continue;
        bool known = slot(row.info->value_slot, row.value);
        if (row.info->against_value || !slot(row.info->against, row.against))
            row.against = row.info->against_value;
        row.passed = known && sysret_check_passes(row.info->test, row.value, row.against);
    }
    return v;
}

KernelStateView decode_kernel_state(const Machine& m) {
    KernelStateView v;
    const Symbol* sym = m.kernel().symbol_named("sp_state");
    if (!sym) return v;
    auto st = std::make_unique<abi::sp_kernel_state>();
    if (!m.read(sym->addr, st.get(), sizeof *st) || st->magic != SP_BOOT_MAGIC) return v;
    v.present = true;
    v.halt_reason = st->halt_reason;
    v.exit_code = st->exit_code;
    v.killed_by = st->killed_by;
    v.console.assign(st->console, std::min<uint64_t>(st->console_len, SP_CONSOLE_SIZE));
    v.audit_enabled = st->audit_enabled;
    for (uint32_t i = 0; i < std::min<uint32_t>(st->audit_count, SP_MAX_RECORDS); i++)
        v.audit.push_back(
            {st->audit[i].kind, st->audit[i].nr, st->audit[i].value, st->audit[i].success != 0});
    v.tracer_attached = st->tracer_attached;
    for (uint32_t i = 0; i < std::min<uint32_t>(st->tracer_stop_count, SP_MAX_RECORDS); i++)
        v.tracer_stops.push_back(
            {st->tracer_stops[i].kind, st->tracer_stops[i].nr, st->tracer_stops[i].value});
    // A ring: the oldest of the last SP_MAX_RECORDS switches first.
    uint32_t kept = std::min<uint32_t>(st->switch_count, SP_MAX_RECORDS);
    for (uint32_t k = 0; k < kept; k++) {
        uint32_t i = (st->switch_count - kept + k) % SP_MAX_RECORDS;
        v.switches.push_back({st->switches[i].from_pid, st->switches[i].to_pid});
    }
    v.task_work_queued = st->task_work_queued;
    v.task_work_runs = st->task_work_runs;
    v.mce_notify_runs = st->mce_notify_runs;
    v.uprobe_runs = st->uprobe_runs;
    v.user_return_notifier_runs = st->user_return_notifier_runs;
    v.signals_delivered = st->signals_delivered;
    v.tracepoint_hits = st->tracepoint_hits;
    v.sigframe_addr = st->sigframe_addr;
    v.sigframe_signo = st->sigframe_signo;
    v.pending_signals = st->pending_signals;
    v.blocked_signals = st->blocked_signals;
    v.oops_vector = st->oops_vector;
    v.oops_rip = st->oops_rip;
    v.oops_cr2 = st->oops_cr2;
    return v;
}

}  // namespace slowpath
