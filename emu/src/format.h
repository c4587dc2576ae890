// Small text helpers shared by the emulator's sources.
#pragma once
#include <cinttypes>
#include <cstdio>
#include <string>

namespace slowpath {

inline std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%#" PRIx64, v);
    return buf;
}

}  // namespace slowpath
