#include "slowpath/machine.h"

#include <slowpath/abi.h>

#include <cinttypes>
#include <cstdio>

namespace slowpath {

std::string_view gpr_name(int gpr) {
    static const char* names[GPR_COUNT] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                           "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
    return gpr >= 0 && gpr < GPR_COUNT ? names[gpr] : "?";
}

std::string rflags_names(uint64_t rflags) {
    static const std::pair<int, const char*> bits[] = {
        {0, "CF"},  {2, "PF"},  {4, "AF"},  {6, "ZF"},  {7, "SF"},  {8, "TF"}, {9, "IF"},
        {10, "DF"}, {11, "OF"}, {14, "NT"}, {16, "RF"}, {17, "VM"}, {18, "AC"}};
    std::string out;
    for (const auto& [bit, name] : bits)
        if (rflags & (1ull << bit)) out += (out.empty() ? "" : " ") + std::string(name);
    unsigned iopl = (rflags >> 12) & 3;
    if (iopl) out += (out.empty() ? "" : " ") + std::string("IOPL=") + std::to_string(iopl);
    return out;
}

uint64_t Machine::read_u64(uint64_t addr) const {
    uint64_t v = 0;
    return read(addr, &v, sizeof v) ? v : 0;
}

uint32_t Machine::read_u32(uint64_t addr) const {
    uint32_t v = 0;
    return read(addr, &v, sizeof v) ? v : 0;
}

const Symbol* Machine::symbol_containing(uint64_t addr) const {
    const GuestImage& img = addr >= SP_USER_BASE ? user() : kernel();
    return img.symbol_containing(addr);
}

std::string Machine::describe(uint64_t addr) const {
    const GuestImage& img = addr >= SP_USER_BASE ? user() : kernel();
    return img.describe(addr);
}

const SourceLine* Machine::line_for(uint64_t addr) const {
    const GuestImage& img = addr >= SP_USER_BASE ? user() : kernel();
    return img.line_for(addr);
}

}  // namespace slowpath
