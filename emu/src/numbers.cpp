// Numbers as every command line of slowpath reads them.
#include "slowpath/numbers.h"

#include <cinttypes>
#include <cstdio>
#include <limits>

namespace slowpath {

std::optional<uint64_t> parse_unsigned(std::string_view text) {
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text.remove_prefix(2);
    }
    if (text.empty()) return std::nullopt;
    uint64_t value = 0;
    for (char c : text) {
        int digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return std::nullopt;  // a sign, a space, a suffix...
        if (value > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(digit)) /
                        static_cast<uint64_t>(base))
            return std::nullopt;  // 2^64 or more
        value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(digit);
    }
    return value;
}

std::optional<uint64_t> parse_byte_size(std::string_view text) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    unsigned shift = 0;
    if (text.size() > 2 && lower(text[text.size() - 2]) == 'i' && lower(text.back()) == 'b')
        text.remove_suffix(2);  // KiB: then the K must be there
    else if (text.empty() || (text.back() >= '0' && text.back() <= '9') ||
             lower(text.back()) < 'g' || lower(text.back()) > 'z')
        return parse_unsigned(text);  // no unit (a hex digit is no unit either)
    switch (text.empty() ? 0 : lower(text.back())) {
        case 'k':
            shift = 10;
            break;
        case 'm':
            shift = 20;
            break;
        case 'g':
            shift = 30;
            break;
        default:
            return std::nullopt;
    }
    text.remove_suffix(1);
    auto value = parse_unsigned(text);
    if (!value || *value > (std::numeric_limits<uint64_t>::max() >> shift)) return std::nullopt;
    return *value << shift;
}

std::string hex(uint64_t value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, value);
    return buf;
}

}  // namespace slowpath
