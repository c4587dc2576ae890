// Comparing a recorded path with a route derived from the kernel sources.
#pragma once
#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace slowpath::testing {

using Names = std::vector<std::string>;

// Every entry-code label a syscall can pass in either era. The tests compare
// these exactly; anything else in a path (C helpers, stubs) is checked
// separately, so a guest may call more helpers without breaking a route.
inline const std::set<std::string>& entry_labels() {
    static const std::set<std::string> labels = {
        "system_call",
        "system_call_after_swapgs",
        "system_call_fastpath",
        "badsys",
        "auditsys",
        "tracesys",
        "ret_from_sys_call",
        "sysret_check",
        "sysret_careful",
        "sysret_signal",
        "sysret_audit",
        "sysret_using_iret",
        "int_ret_from_sys_call",
        "int_with_check",
        "int_careful",
        "int_very_careful",
        "int_check_syscall_exit_work",
        "int_signal",
        "int_restore_rest",
        "retint_swapgs",
        "restore_args",
        "irq_return",
        // The kernel-mode page fault of a bad user pointer (error_entry and
        // error_exit, back to the faulting copy by a ring-0 iretq).
        "page_fault",
        "error_entry",
        "error_kernelspace",
        "error_swapgs",
        "error_sti",
        "bstep_iret",
        "error_exit",
        "retint_kernel",
        "retint_restore_args",
        // Interrupt-return labels: a syscall must never pass them.
        "retint_check",
        "retint_careful",
        "retint_signal",
        "retint_with_reschedule",
        // The modern era's stub, its two exits and its exception return.
        "entry_SYSCALL_64",
        "entry_SYSCALL_64_safe_stack",
        "entry_SYSCALL_64_after_hwframe",
        "syscall_return_via_sysret",
        "entry_SYSRETQ_unsafe_stack",
        "swapgs_restore_regs_and_return_to_usermode",
        "restore_regs_and_return_to_kernel",
        "native_irq_return_iret",
        "error_return",
    };
    return labels;
}

inline Names only_labels(const Names& path) {
    Names out;
    for (const auto& p : path)
        if (entry_labels().count(p)) out.push_back(p);
    return out;
}

inline std::string join(const Names& names, const char* sep = " ") {
    std::string out;
    for (const auto& n : names) {
        if (!out.empty()) out += sep;
        out += n;
    }
    return out;
}

// True if `want` appears in `have` in order (gaps allowed).
inline bool is_subsequence(const Names& want, const Names& have) {
    size_t i = 0;
    for (const auto& h : have)
        if (i < want.size() && h == want[i]) i++;
    return i == want.size();
}

inline bool starts_with(const Names& have, const Names& prefix) {
    return have.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), have.begin());
}

inline bool ends_with(const Names& have, const Names& suffix) {
    return have.size() >= suffix.size() &&
           std::equal(suffix.rbegin(), suffix.rend(), have.rbegin());
}

// A livelocked exit: `prefix`, then `cycle` repeated at least `min_repeats`
// times, possibly cut off inside the last repetition.
inline bool matches_cycle(const Names& have, const Names& prefix, const Names& cycle,
                          size_t min_repeats) {
    if (cycle.empty() || !starts_with(have, prefix)) return false;
    size_t rest = have.size() - prefix.size();
    if (rest / cycle.size() < min_repeats) return false;
    for (size_t i = 0; i < rest; i++)
        if (have[prefix.size() + i] != cycle[i % cycle.size()]) return false;
    return true;
}

// True if `flag` appears in `text` as a whole word ("SYSCALL_TRACE" must not
// be satisfied by "SYSCALL_TRACEPOINT").
inline bool names_flag(const std::string& text, const std::string& flag) {
    auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (size_t at = text.find(flag); at != std::string::npos; at = text.find(flag, at + 1)) {
        bool left = at == 0 || !word_char(text[at - 1]);
        size_t end = at + flag.size();
        bool right = end == text.size() || !word_char(text[end]);
        if (left && right) return true;
        // Allow the TIF_ spelling as well.
        if (right && at >= 4 && text.compare(at - 4, 4, "TIF_") == 0) return true;
    }
    return false;
}

}  // namespace slowpath::testing
