// The eras of the x86-64 syscall exit path that slowpath can run.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slowpath {

enum class Era {
    V3_13,   // Linux v3.13: the slow path is chosen by a maze of asm labels
    Rfc,     // Torvalds' 2014 RFC: syscall_exit_slowpath() returns sysret-or-iret
    Modern,  // Linux 6.12: do_syscall_64() does everything in C and returns sysret-or-iret
};

struct EraInfo {
    Era era;
    std::string_view name;          // "v3.13", "rfc", "modern": the word used on command lines
    std::string_view title;         // "Linux v3.13 (asm decides)"
    std::string_view kernel_image;  // file name of the guest kernel ELF
    std::string_view entry_source;  // guest source of the entry stub, relative to the source tree
};

const std::vector<EraInfo>& all_eras();
const EraInfo& era_info(Era era);
std::optional<Era> parse_era(std::string_view name);        // case-insensitive
std::string era_names(std::string_view last_sep = " or ");  // "v3.13, rfc or modern"

}  // namespace slowpath
