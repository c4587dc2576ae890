// Numbers as every command line of slowpath reads them (the CLI, the app's
// options, syscall numbers): one syntax everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace slowpath {

// Decimal or 0x hex, no sign, no spaces, below 2^64.
std::optional<uint64_t> parse_unsigned(std::string_view text);

}  // namespace slowpath
