// Numbers as every command line of slowpath reads them (the CLI, the app's
// options, syscall numbers) and as every text of slowpath writes them: one
// syntax everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slowpath {

// Decimal or 0x hex, no sign, no spaces, below 2^64.
std::optional<uint64_t> parse_unsigned(std::string_view text);

// 0x and lowercase hex digits, zero too: "0x401a3c", "0x0" (parse_unsigned
// reads it back).
std::string hex(uint64_t value);

}  // namespace slowpath
