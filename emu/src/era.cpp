#include "slowpath/era.h"

#include <algorithm>
#include <cctype>

namespace slowpath {

const std::vector<EraInfo>& all_eras() {
    static const std::vector<EraInfo> eras = {
        {Era::V3_13, "v3.13", "Linux v3.13: asm labels choose the slow path", "kernel-v3.13.elf",
         "guest/entry/v3.13/entry_64.S"},
        {Era::Rfc, "rfc", "2014 RFC: syscall_exit_slowpath() returns sysret or iret",
         "kernel-rfc.elf", "guest/entry/rfc/entry_64.S"},
        {Era::Modern, "modern", "Linux 6.12: do_syscall_64() decides in C", "kernel-modern.elf",
         "guest/entry/modern/entry_64.S"},
    };
    return eras;
}

const EraInfo& era_info(Era era) {
    for (const auto& info : all_eras())
        if (info.era == era) return info;
    return all_eras().front();
}

static bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::optional<Era> parse_era(std::string_view name) {
    for (const auto& info : all_eras())
        if (iequals(name, info.name)) return info.era;
    if (iequals(name, "3.13") || iequals(name, "v313")) return Era::V3_13;
    if (iequals(name, "6.12") || iequals(name, "v6.12")) return Era::Modern;
    return std::nullopt;
}

std::string era_names(std::string_view last_sep) {
    std::string out;
    const auto& eras = all_eras();
    for (size_t i = 0; i < eras.size(); i++) {
        if (i) out += i + 1 == eras.size() ? std::string(last_sep) : std::string(", ");
        out += eras[i].name;
    }
    return out;
}

}  // namespace slowpath
