// thread_info flag names and masks (v3.13 numbering), for decoding and parsing.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slowpath {

struct TifFlagInfo {
    int bit;
    std::string_view name;        // without the TIF_ prefix: "SIGPENDING"
    std::string_view short_help;  // one line: what it means
    std::string_view cause;       // what sets it in a real kernel (and what injection does here)
    bool injectable;              // slowpath can inject it with its real cause
};

const std::vector<TifFlagInfo>& tif_flags();
const TifFlagInfo* tif_flag(int bit);
std::optional<int> parse_tif(std::string_view name);  // case-insensitive, "TIF_" prefix optional
std::string tif_names(uint32_t flags);                // "SIGPENDING|NEED_RESCHED", "0" when none

struct TifMaskInfo {
    std::string_view name;  // "_TIF_ALLWORK_MASK"
    uint32_t value;
};
const std::vector<TifMaskInfo>& tif_masks();
std::string tif_mask_name(uint32_t value);  // a known mask's name, or a flag list

// ---- the modern era's thread_info->syscall_work (SYSCALL_WORK_* bits) ----
struct SyscallWorkInfo {
    int bit;
    std::string_view name;        // without the SYSCALL_WORK_ prefix: "SYSCALL_AUDIT"
    std::string_view short_help;  // one line: what it asks for
    int tif_bit;                  // the TIF flag the older eras use for it, -1 if none
};
const std::vector<SyscallWorkInfo>& syscall_work_flags();
const SyscallWorkInfo* syscall_work_flag(int bit);
std::string syscall_work_names(uint64_t work);  // "SYSCALL_TRACE|SYSCALL_AUDIT", "0" when none

// The two tests of the word, each made once per system call.
struct SyscallWorkTest {
    std::string_view mask_name;  // "SYSCALL_WORK_ENTER"
    std::string_view function;   // where: "syscall_enter_from_user_mode"
    uint64_t mask;
    std::string_view runs;  // what a hit calls: "syscall_trace_enter"
};
const std::vector<SyscallWorkTest>& syscall_work_tests();  // entry first, then exit

}  // namespace slowpath
