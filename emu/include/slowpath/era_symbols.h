// One table of every era's entry-code labels and the C functions of its
// system-call path: the walkthrough checker, the GUI's path graph and the
// guest image tests all read it, so a name is spelled once.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "slowpath/era.h"

namespace slowpath {

enum class EraSymbolKind : uint8_t { Label, Function };

// Which eras have a symbol: a bit per era.
inline constexpr uint8_t kInV313 = 1, kInRfc = 2, kInModern = 4;
inline constexpr uint8_t kInOld = kInV313 | kInRfc, kInAll = kInOld | kInModern;

constexpr uint8_t era_bit(Era era) {
    return era == Era::V3_13 ? kInV313 : era == Era::Rfc ? kInRfc : kInModern;
}

struct EraSymbol {
    std::string_view name;
    EraSymbolKind kind;
    uint8_t eras;  // kIn* bits
    bool graph;    // a node of the era's path graph
};

inline constexpr EraSymbol kEraSymbols[] = {
    // ---- v3.13 and the RFC: system_call and its label maze ----
    {"system_call", EraSymbolKind::Label, kInOld, true},
    // modern: an alias of entry_SYSCALL_64 that the boot code and host use
    {"system_call", EraSymbolKind::Label, kInModern, false},
    {"system_call_after_swapgs", EraSymbolKind::Label, kInOld, true},
    {"system_call_fastpath", EraSymbolKind::Label, kInOld, true},
    {"ret_from_sys_call", EraSymbolKind::Label, kInOld, true},
    {"sysret_check", EraSymbolKind::Label, kInOld, true},
    {"sysret_careful", EraSymbolKind::Label, kInOld, true},
    {"badsys", EraSymbolKind::Label, kInOld, true},
    {"auditsys", EraSymbolKind::Label, kInOld, true},
    {"tracesys", EraSymbolKind::Label, kInOld, true},
    {"int_ret_from_sys_call", EraSymbolKind::Label, kInOld, true},
    {"int_with_check", EraSymbolKind::Label, kInOld, true},
    {"int_careful", EraSymbolKind::Label, kInOld, true},
    {"int_very_careful", EraSymbolKind::Label, kInOld, true},
    {"int_signal", EraSymbolKind::Label, kInOld, true},
    {"int_restore_rest", EraSymbolKind::Label, kInOld, true},
    {"retint_swapgs", EraSymbolKind::Label, kInOld, true},
    {"restore_args", EraSymbolKind::Label, kInOld, true},
    {"irq_return", EraSymbolKind::Label, kInOld, true},
    {"stub_rt_sigreturn", EraSymbolKind::Label, kInOld, true},
    {"retint_check", EraSymbolKind::Label, kInOld, false},
    {"retint_careful", EraSymbolKind::Label, kInOld, false},
    {"retint_signal", EraSymbolKind::Label, kInOld, false},
    {"ret_from_intr", EraSymbolKind::Label, kInOld, false},
    {"sysret_signal", EraSymbolKind::Label, kInV313, true},
    {"sysret_audit", EraSymbolKind::Label, kInV313, true},
    {"int_check_syscall_exit_work", EraSymbolKind::Label, kInV313, true},
    {"sysret_using_iret", EraSymbolKind::Label, kInRfc, true},
    {"syscall_exit_slowpath", EraSymbolKind::Function, kInRfc, true},
    {"do_notify_resume", EraSymbolKind::Function, kInV313, false},
    {"do_notify_resume", EraSymbolKind::Function, kInRfc, true},
    {"syscall_trace_leave", EraSymbolKind::Function, kInOld, false},

    // ---- the modern era: entry_SYSCALL_64 and do_syscall_64() ----
    {"entry_SYSCALL_64", EraSymbolKind::Label, kInModern, true},
    {"entry_SYSCALL_64_safe_stack", EraSymbolKind::Label, kInModern, true},
    {"entry_SYSCALL_64_after_hwframe", EraSymbolKind::Label, kInModern, true},
    {"syscall_return_via_sysret", EraSymbolKind::Label, kInModern, true},
    {"entry_SYSRETQ_unsafe_stack", EraSymbolKind::Label, kInModern, true},
    {"swapgs_restore_regs_and_return_to_usermode", EraSymbolKind::Label, kInModern, true},
    {"restore_regs_and_return_to_kernel", EraSymbolKind::Label, kInModern, false},
    {"native_irq_return_iret", EraSymbolKind::Label, kInModern, true},
    {"error_entry", EraSymbolKind::Label, kInAll, false},
    {"error_return", EraSymbolKind::Label, kInModern, false},
    {"do_syscall_64", EraSymbolKind::Function, kInModern, true},
    {"syscall_enter_from_user_mode", EraSymbolKind::Function, kInModern, true},
    {"syscall_exit_to_user_mode", EraSymbolKind::Function, kInModern, true},
    {"syscall_exit_work", EraSymbolKind::Function, kInModern, true},
    {"exit_to_user_mode_prepare", EraSymbolKind::Function, kInModern, true},
    {"exit_to_user_mode_loop", EraSymbolKind::Function, kInModern, true},
    {"arch_exit_to_user_mode_prepare", EraSymbolKind::Function, kInModern, true},
    {"arch_do_signal_or_restart", EraSymbolKind::Function, kInModern, false},
    {"resume_user_mode_work", EraSymbolKind::Function, kInModern, false},
    {"irqentry_exit_to_user_mode", EraSymbolKind::Function, kInModern, false},
    {"stub_rt_sigreturn", EraSymbolKind::Function, kInModern, false},

    // ---- every era ----
    {"common_interrupt", EraSymbolKind::Label, kInAll, false},
    {"syscall_trace_enter", EraSymbolKind::Function, kInAll, false},
    {"schedule", EraSymbolKind::Function, kInAll, false},
    {"context_switch", EraSymbolKind::Function, kInAll, false},
    {"do_signal", EraSymbolKind::Function, kInAll, false},
    {"setup_rt_frame", EraSymbolKind::Function, kInAll, false},
    {"__audit_syscall_entry", EraSymbolKind::Function, kInAll, false},
    {"__audit_syscall_exit", EraSymbolKind::Function, kInAll, false},
    {"task_work_run", EraSymbolKind::Function, kInAll, false},
    {"mce_notify_process", EraSymbolKind::Function, kInAll, false},
    {"uprobe_notify_resume", EraSymbolKind::Function, kInAll, false},
    {"fire_user_return_notifiers", EraSymbolKind::Function, kInAll, false},
    {"ptrace_report_syscall", EraSymbolKind::Function, kInAll, false},
    {"sys_getpid", EraSymbolKind::Function, kInAll, false},
    {"sys_write", EraSymbolKind::Function, kInAll, false},
    {"sys_kill", EraSymbolKind::Function, kInAll, false},
    {"sys_rt_sigreturn", EraSymbolKind::Function, kInAll, false},
    {"sys_exit_group", EraSymbolKind::Function, kInAll, false},
    {"do_page_fault", EraSymbolKind::Function, kInAll, false},
    {"user_single_step_report", EraSymbolKind::Function, kInAll, false},
    {"trace_sys_exit", EraSymbolKind::Function, kInAll, false},
    {"trace_sys_enter", EraSymbolKind::Function, kInAll, false},
    {"sys_ni_syscall", EraSymbolKind::Function, kInAll, false},
};

// ---- roles: what part of the system call a symbol belongs to ----
// Compare mode lines the eras up by role: each column shows the same part
// of the call, however differently its era spells it.
enum class PathRole : uint8_t {
    Entry,     // SYSCALL to the handler: stack switch, pt_regs, entry work
    Handler,   // the system call's own function (the table's entry)
    ExitWork,  // after the handler: reschedule, signals, audit, tracing, task work
    Decision,  // the last check before the way out is taken
    Exit,      // registers restored, the exit instruction
};
inline constexpr PathRole kPathRoles[] = {PathRole::Entry, PathRole::Handler, PathRole::ExitWork,
                                          PathRole::Decision, PathRole::Exit};
inline std::string_view path_role_name(PathRole role) {
    switch (role) {
        case PathRole::Entry:
            return "entry";
        case PathRole::Handler:
            return "handler";
        case PathRole::ExitWork:
            return "exit work";
        case PathRole::Decision:
            return "decision";
        case PathRole::Exit:
            return "exit";
    }
    return "?";
}

struct EraRoleSymbol {
    std::string_view name;  // a label or C function of kEraSymbols
    uint8_t eras;           // kIn* bits
    PathRole role;
};

// Symbols not listed here (schedule, do_signal, the audit hooks...) run
// inside a role and do not change it. The handler is not listed either: it
// is whatever function the system-call table sends the call to. The
// modern era's decision has no label: its SYSRET checks (SysretCheck
// events, made inside do_syscall_64() after the exit work) start it.
inline constexpr EraRoleSymbol kEraRoles[] = {
    {"system_call", kInOld, PathRole::Entry},
    {"system_call_after_swapgs", kInOld, PathRole::Entry},
    {"system_call_fastpath", kInOld, PathRole::Entry},
    {"badsys", kInOld, PathRole::Entry},
    {"auditsys", kInOld, PathRole::Entry},
    {"tracesys", kInOld, PathRole::Entry},
    {"stub_rt_sigreturn", kInOld, PathRole::Handler},
    {"ret_from_sys_call", kInOld, PathRole::ExitWork},
    {"sysret_careful", kInOld, PathRole::ExitWork},
    {"sysret_signal", kInV313, PathRole::ExitWork},
    {"sysret_audit", kInV313, PathRole::ExitWork},
    {"int_ret_from_sys_call", kInOld, PathRole::ExitWork},
    {"int_careful", kInOld, PathRole::ExitWork},
    {"int_very_careful", kInOld, PathRole::ExitWork},
    {"int_signal", kInOld, PathRole::ExitWork},
    {"int_check_syscall_exit_work", kInV313, PathRole::ExitWork},
    {"sysret_using_iret", kInRfc, PathRole::ExitWork},
    {"syscall_exit_slowpath", kInRfc, PathRole::ExitWork},
    {"do_notify_resume", kInOld, PathRole::ExitWork},
    // The flag checks that let the call out: the last one made decides.
    {"sysret_check", kInOld, PathRole::Decision},
    {"int_with_check", kInOld, PathRole::Decision},
    {"int_restore_rest", kInOld, PathRole::Exit},
    {"retint_swapgs", kInOld, PathRole::Exit},
    {"restore_args", kInOld, PathRole::Exit},
    {"irq_return", kInOld, PathRole::Exit},

    {"entry_SYSCALL_64", kInModern, PathRole::Entry},
    {"entry_SYSCALL_64_safe_stack", kInModern, PathRole::Entry},
    {"entry_SYSCALL_64_after_hwframe", kInModern, PathRole::Entry},
    {"do_syscall_64", kInModern, PathRole::Entry},
    {"syscall_enter_from_user_mode", kInModern, PathRole::Entry},
    {"syscall_trace_enter", kInModern, PathRole::Entry},
    {"stub_rt_sigreturn", kInModern, PathRole::Handler},
    {"syscall_exit_to_user_mode", kInModern, PathRole::ExitWork},
    {"syscall_exit_work", kInModern, PathRole::ExitWork},
    {"exit_to_user_mode_prepare", kInModern, PathRole::ExitWork},
    {"exit_to_user_mode_loop", kInModern, PathRole::ExitWork},
    {"arch_exit_to_user_mode_prepare", kInModern, PathRole::ExitWork},
    {"arch_do_signal_or_restart", kInModern, PathRole::ExitWork},
    {"resume_user_mode_work", kInModern, PathRole::ExitWork},
    {"syscall_return_via_sysret", kInModern, PathRole::Exit},
    {"entry_SYSRETQ_unsafe_stack", kInModern, PathRole::Exit},
    {"swapgs_restore_regs_and_return_to_usermode", kInModern, PathRole::Exit},
    {"native_irq_return_iret", kInModern, PathRole::Exit},
};

// The role of one of the era's symbols, if it has one.
inline const EraRoleSymbol* era_role(Era era, std::string_view name) {
    for (const EraRoleSymbol& r : kEraRoles)
        if ((r.eras & era_bit(era)) && r.name == name) return &r;
    return nullptr;
}

// The era's symbols of one kind, in table order.
inline std::vector<std::string_view> era_symbol_names(Era era, EraSymbolKind kind) {
    std::vector<std::string_view> out;
    for (const EraSymbol& s : kEraSymbols)
        if ((s.eras & era_bit(era)) && s.kind == kind) out.push_back(s.name);
    return out;
}

// The era's entry in the table, or nullptr if the era has no such symbol.
inline const EraSymbol* era_symbol(Era era, std::string_view name) {
    for (const EraSymbol& s : kEraSymbols)
        if ((s.eras & era_bit(era)) && s.name == name) return &s;
    return nullptr;
}

}  // namespace slowpath
