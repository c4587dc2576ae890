// x86-64 system call numbers and names.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace slowpath {

std::string syscall_name(long nr);                         // "getpid", or "syscall_NNN"
std::optional<long> parse_syscall(std::string_view text);  // a name or a number

}  // namespace slowpath
