#include "slowpath/tif.h"

#include <slowpath/abi.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "slowpath/numbers.h"

namespace slowpath {

const std::vector<TifFlagInfo>& tif_flags() {
    static const std::vector<TifFlagInfo> flags = {
        {TIF_SYSCALL_TRACE, "SYSCALL_TRACE", "a tracer wants to stop at syscall entry and exit",
         "ptrace(PTRACE_SYSCALL) by a debugger or strace; here the simulated tracer attaches",
         true},
        {TIF_NOTIFY_RESUME, "NOTIFY_RESUME", "work to do before returning to user mode",
         "task_work_add(), e.g. a deferred fput or a key-change callback; here a task-work item "
         "is queued",
         true},
        {TIF_SIGPENDING, "SIGPENDING", "a signal is waiting to be delivered",
         "kill(), a fault or a timer queues a signal; here SIGUSR1 is queued for the demo", true},
        {TIF_NEED_RESCHED, "NEED_RESCHED", "the scheduler wants the CPU for another task",
         "the timer tick or a wakeup of a higher-priority task; here kworker is woken", true},
        {TIF_SINGLESTEP, "SINGLESTEP", "a tracer single-steps this task",
         "ptrace(PTRACE_SINGLESTEP); here the tracer attaches and asks for single-step reports",
         true},
        {TIF_SYSCALL_EMU, "SYSCALL_EMU", "a tracer emulates the syscalls (PTRACE_SYSEMU)",
         "ptrace(PTRACE_SYSEMU), used by User-Mode Linux", false},
        {TIF_SYSCALL_AUDIT, "SYSCALL_AUDIT", "the audit subsystem records each syscall",
         "auditd loading a rule; here audit is switched on for the task", true},
        {TIF_SECCOMP, "SECCOMP", "a seccomp filter checks each syscall",
         "prctl(PR_SET_SECCOMP) or seccomp()", false},
        {TIF_MCE_NOTIFY, "MCE_NOTIFY", "a machine-check error must be reported to this task",
         "the MCE handler found a memory error in a page the task uses; here a record is queued",
         true},
        {TIF_USER_RETURN_NOTIFY, "USER_RETURN_NOTIFY",
         "a notifier runs on the way back to user mode",
         "KVM registers one to restore host MSRs lazily; here a notifier is registered", true},
        {TIF_UPROBE, "UPROBE", "a user-space probe was hit and needs handling",
         "a uprobe breakpoint in the task's code; here a uprobe hit is made pending", true},
        {TIF_NOHZ, "NOHZ", "context tracking for full dynticks",
         "CONFIG_NO_HZ_FULL on an isolated CPU", false},
        {TIF_SYSCALL_TRACEPOINT, "SYSCALL_TRACEPOINT",
         "the sys_enter/sys_exit tracepoints are enabled",
         "perf or ftrace enabling syscalls:sys_enter_*; here the tracepoints are switched on",
         true},
    };
    return flags;
}

const TifFlagInfo* tif_flag(int bit) {
    for (const auto& f : tif_flags())
        if (f.bit == bit) return &f;
    return nullptr;
}

static std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::optional<int> parse_tif(std::string_view name) {
    std::string n = upper(name);
    if (n.rfind("_TIF_", 0) == 0)
        n.erase(0, 5);
    else if (n.rfind("TIF_", 0) == 0)
        n.erase(0, 4);
    for (const auto& f : tif_flags())
        if (n == f.name) return f.bit;
    return std::nullopt;
}

std::string tif_names(uint32_t flags) {
    if (flags == 0) return "0";
    std::string out;
    for (int bit = 0; bit < 32; bit++) {
        if (!(flags & (1u << bit))) continue;
        if (!out.empty()) out += '|';
        if (const auto* f = tif_flag(bit))
            out += f->name;
        else if (bit == TIF_FORCED_TF)  // bookkeeping, not work: no cell of its own
            out += "FORCED_TF";
        else
            out += "bit" + std::to_string(bit);
    }
    return out;
}

const std::vector<TifMaskInfo>& tif_masks() {
    static const std::vector<TifMaskInfo> masks = {
        {"_TIF_ALLWORK_MASK", _TIF_ALLWORK_MASK},
        {"_TIF_WORK_MASK", _TIF_WORK_MASK},
        {"_TIF_WORK_SYSCALL_ENTRY", _TIF_WORK_SYSCALL_ENTRY},
        {"_TIF_WORK_SYSCALL_EXIT", _TIF_WORK_SYSCALL_EXIT},
        {"_TIF_DO_NOTIFY_MASK", _TIF_DO_NOTIFY_MASK},
        {"_TIF_ALLWORK_MASK & ~_TIF_SYSCALL_AUDIT", _TIF_ALLWORK_MASK & ~_TIF_SYSCALL_AUDIT},
        {"_TIF_WORK_SYSCALL_ENTRY & ~_TIF_SYSCALL_AUDIT",
         _TIF_WORK_SYSCALL_ENTRY & ~_TIF_SYSCALL_AUDIT},
        {"_TIF_ALLWORK_MASK & ~_TIF_WORK_SYSCALL_EXIT",
         _TIF_ALLWORK_MASK & ~(_TIF_WORK_SYSCALL_EXIT | _TIF_SYSCALL_EMU)},
        // The modern era's exit_to_user_mode_loop() (guest/kernel/entry_common_modern.c).
        {"EXIT_TO_USER_MODE_WORK",
         _TIF_SIGPENDING | _TIF_NOTIFY_RESUME | _TIF_UPROBE | _TIF_NEED_RESCHED},
    };
    return masks;
}

std::string tif_mask_name(uint32_t value) {
    for (const auto& m : tif_masks())
        if (m.value == value) return std::string(m.name);
    if (value && !(value & (value - 1))) return "_TIF_" + tif_names(value);
    return hex(value);
}

const std::vector<SyscallWorkInfo>& syscall_work_flags() {
    static const std::vector<SyscallWorkInfo> flags = {
        {SYSCALL_WORK_BIT_SECCOMP, "SECCOMP", "a seccomp filter checks each syscall", TIF_SECCOMP},
        {SYSCALL_WORK_BIT_SYSCALL_TRACEPOINT, "SYSCALL_TRACEPOINT",
         "the sys_enter/sys_exit tracepoints are enabled", TIF_SYSCALL_TRACEPOINT},
        {SYSCALL_WORK_BIT_SYSCALL_TRACE, "SYSCALL_TRACE",
         "a tracer stops the task at syscall entry and exit", TIF_SYSCALL_TRACE},
        {SYSCALL_WORK_BIT_SYSCALL_EMU, "SYSCALL_EMU",
         "a tracer emulates the syscalls (PTRACE_SYSEMU)", TIF_SYSCALL_EMU},
        {SYSCALL_WORK_BIT_SYSCALL_AUDIT, "SYSCALL_AUDIT",
         "the audit subsystem records each syscall", TIF_SYSCALL_AUDIT},
        {SYSCALL_WORK_BIT_SYSCALL_USER_DISPATCH, "SYSCALL_USER_DISPATCH",
         "syscalls from a chosen code range become SIGSYS (never set here)", -1},
        {SYSCALL_WORK_BIT_SYSCALL_EXIT_TRAP, "SYSCALL_EXIT_TRAP",
         "a single-stepping tracer hears of the step at syscall exit", TIF_SINGLESTEP},
    };
    return flags;
}

const SyscallWorkInfo* syscall_work_flag(int bit) {
    for (const auto& f : syscall_work_flags())
        if (f.bit == bit) return &f;
    return nullptr;
}

std::string syscall_work_names(uint64_t work) {
    if (work == 0) return "0";
    std::string out;
    for (int bit = 0; bit < 64; bit++) {
        if (!(work & (1ull << bit))) continue;
        if (!out.empty()) out += '|';
        if (const auto* f = syscall_work_flag(bit))
            out += f->name;
        else
            out += "bit" + std::to_string(bit);
    }
    return out;
}

const std::vector<SyscallWorkTest>& syscall_work_tests() {
    // As guest/kernel/entry_common_modern.c spells them (and 6.12's
    // include/linux/entry-common.h): SECCOMP and EMU matter only at entry,
    // the exit trap only at exit.
    auto bit = [](int b) { return uint64_t{1} << b; };
    static const std::vector<SyscallWorkTest> tests = {
        {"SYSCALL_WORK_ENTER", "syscall_enter_from_user_mode",
         bit(SYSCALL_WORK_BIT_SECCOMP) | bit(SYSCALL_WORK_BIT_SYSCALL_TRACEPOINT) |
             bit(SYSCALL_WORK_BIT_SYSCALL_TRACE) | bit(SYSCALL_WORK_BIT_SYSCALL_EMU) |
             bit(SYSCALL_WORK_BIT_SYSCALL_AUDIT) | bit(SYSCALL_WORK_BIT_SYSCALL_USER_DISPATCH),
         "syscall_trace_enter"},
        {"SYSCALL_WORK_EXIT", "syscall_exit_to_user_mode",
         bit(SYSCALL_WORK_BIT_SYSCALL_TRACEPOINT) | bit(SYSCALL_WORK_BIT_SYSCALL_TRACE) |
             bit(SYSCALL_WORK_BIT_SYSCALL_AUDIT) | bit(SYSCALL_WORK_BIT_SYSCALL_USER_DISPATCH) |
             bit(SYSCALL_WORK_BIT_SYSCALL_EXIT_TRAP),
         "syscall_exit_work"},
    };
    return tests;
}

}  // namespace slowpath
