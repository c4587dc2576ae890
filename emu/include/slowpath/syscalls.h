// x86-64 system call numbers and names.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace slowpath {

std::string syscall_name(long nr);                         // "getpid", or "syscall_NNN"
std::optional<long> parse_syscall(std::string_view text);  // a name or a number
// The 32-bit system calls of `int $0x80` (IA32 emulation), by their own
// numbers (syscall_32.tbl): "getpid (int $0x80)", or "syscall32_NNN (int $0x80)".
std::string compat_syscall_name(long nr);

}  // namespace slowpath
