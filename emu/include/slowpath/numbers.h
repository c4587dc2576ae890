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

// A size in bytes: a number as parse_unsigned reads it, then K, M or G
// (KiB, MiB, GiB; case does not matter), e.g. "512M", "2G", "65536".
std::optional<uint64_t> parse_byte_size(std::string_view text);

// 0x and lowercase hex digits, zero too: "0x401a3c", "0x0" (parse_unsigned
// reads it back).
std::string hex(uint64_t value);

}  // namespace slowpath
