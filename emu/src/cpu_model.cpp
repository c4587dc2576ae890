#include "cpu_model.h"

#include <slowpath/abi.h>

namespace slowpath::cpu {

Vector vector_info(uint32_t vector) {
    static const Vector table[] = {
        {"#DE divide error", false},
        {"#DB debug", false},
        {"NMI", false},
        {"#BP breakpoint", false},
        {"#OF overflow", false},
        {"#BR bound range exceeded", false},
        {"#UD invalid opcode", false},
        {"#NM device not available", false},
        {"#DF double fault", true},
        {"coprocessor segment overrun", false},
        {"#TS invalid TSS", true},
        {"#NP segment not present", true},
        {"#SS stack-segment fault", true},
        {"#GP general protection", true},
        {"#PF page fault", true},
        {"exception", false},
        {"#MF x87 floating-point error", false},
        {"#AC alignment check", true},
        {"#MC machine check", false},
        {"#XM SIMD floating-point exception", false},
        {"#VE virtualization exception", false},
        {"#CP control protection", true},
    };
    if (vector == SP_TIMER_VECTOR) return {"timer interrupt", false};
    if (vector < sizeof table / sizeof table[0]) return table[vector];
    return {"exception", false};
}

GateVerdict check_gate(uint32_t vector, bool software, int cpl, const uint64_t gate[2],
                       uint32_t idt_limit) {
    GateVerdict v;
    bool external = !software;
    uint32_t error = idt_error_code(vector, external);
    if (uint64_t(vector) * 16 + 15 > idt_limit) {
        v = {false, kVectorGP, error, "the vector lies beyond the IDT limit"};
        return v;
    }
    unsigned type = (gate[0] >> 40) & 0xf;
    unsigned dpl = (gate[0] >> 45) & 3;
    bool present = (gate[0] >> 47) & 1;
    // In IA-32e mode only 64-bit interrupt (0xE) and trap (0xF) gates exist.
    if (type != 0xE && type != 0xF) {
        v = {false, kVectorGP, error, "the IDT entry is not a 64-bit interrupt or trap gate"};
        return v;
    }
    // INT n, INT3 and INTO may only use gates meant for them: a gate's DPL
    // is the least privileged level allowed to raise it by an instruction.
    if (software && static_cast<int>(dpl) < cpl) {
        v = {false, kVectorGP, error, "the gate's DPL is below the CPL"};
        return v;
    }
    if (!present) {
        v = {false, kVectorNP, error, "the gate is not present"};
        return v;
    }
    return v;
}

PortIo decode_port_io(const uint8_t* b, size_t n) {
    PortIo io;
    bool opsize = false;
    size_t i = 0;
    // Legacy prefixes (any order), then at most one REX right before the opcode.
    for (; i < n; i++) {
        uint8_t p = b[i];
        if (p == 0x66)
            opsize = true;
        else if (p == 0x67 || p == 0xf2 || p == 0xf3 || p == 0xf0 || p == 0x2e || p == 0x36 ||
                 p == 0x3e || p == 0x26 || p == 0x64 || p == 0x65)
            continue;
        else
            break;
    }
    if (i < n && (b[i] & 0xf0) == 0x40) i++;  // REX: W does not widen port I/O
    if (i >= n) return io;
    uint8_t op = b[i];
    unsigned wide = opsize ? 2 : 4;
    switch (op) {
        case 0xe4:
        case 0xe5:
        case 0xe6:
        case 0xe7:
            if (i + 1 >= n) return io;
            io.imm_port = b[i + 1];
            break;
        case 0xec:
        case 0xed:
        case 0xee:
        case 0xef:
            io.uses_dx = true;
            break;
        case 0x6c:
        case 0x6d:
        case 0x6e:
        case 0x6f:
            io.uses_dx = true;
            io.string = true;
            break;
        default:
            return io;
    }
    io.is_io = true;
    io.size = (op & 1) ? wide : 1;
    io.in = op == 0xe4 || op == 0xe5 || op == 0xec || op == 0xed || op == 0x6c || op == 0x6d;
    return io;
}

bool io_permitted(int cpl, unsigned iopl, uint16_t port, unsigned size, uint32_t tss_limit,
                  const std::function<bool(uint32_t, void*, size_t)>& read_tss) {
    if (cpl <= static_cast<int>(iopl)) return true;
    // The 16-bit I/O map base sits at offset 0x66 of the 64-bit TSS; the
    // CPU reads two bytes of the bitmap and every bit for the accessed
    // ports must be clear. Any part beyond the TSS limit means "denied".
    if (tss_limit < 0x67) return false;
    uint16_t base = 0;
    if (!read_tss(0x66, &base, 2)) return false;
    uint32_t at = uint32_t(base) + port / 8;
    if (at + 1 > tss_limit) return false;
    uint8_t bits[2] = {0, 0};
    if (!read_tss(at, bits, 2)) return false;
    unsigned word = bits[0] | (unsigned(bits[1]) << 8);
    unsigned mask = ((1u << size) - 1) << (port & 7);
    return (word & mask) == 0;
}

}  // namespace slowpath::cpu
