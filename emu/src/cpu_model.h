// The privilege checks Unicorn (2.0.1 and 2.1.1 alike) leaves out, as the CPU makes them
// (Intel SDM vol. 2 "INT n", "IN"/"OUT"; vol. 1 19.5 "I/O permission"):
// a software interrupt against its gate's DPL, and port I/O against IOPL
// and the TSS I/O permission bitmap. Pure functions of the machine state
// they are given, so they can be tested on their own; the engine applies
// them (engine_cpu.cpp). docs/cpu-model.md lists every way ring 3 can ask
// for ring 0 and where each is handled.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>

namespace slowpath::cpu {

constexpr uint32_t kVectorGP = 13, kVectorNP = 11;

// An architectural exception vector as the SDM names it (vol. 3 table 6-1),
// and whether the CPU pushes an error code for it.
struct Vector {
    const char* name;     // "#PF page fault"; "exception" for reserved vectors
    bool has_error_code;  // #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP
};
Vector vector_info(uint32_t vector);

// The error code of a fault caused by IDT entry `vector`: the IDT bit (2),
// plus EXT (1) when an external event or a CPU exception caused it.
constexpr uint32_t idt_error_code(uint32_t vector, bool external) {
    return vector * 8 + 2 + (external ? 1 : 0);
}

// What the CPU does with an interrupt or exception before it pushes a
// frame: which IDT entry it really delivers and with what error code.
struct GateVerdict {
    bool deliver = true;  // false: the gate itself faulted, deliver `fault` instead
    uint32_t fault = 0;   // #GP or #NP
    uint32_t error = 0;
    const char* why = "";
};
// gate: the 16-byte IDT entry (ignored when vector * 16 + 15 > idt_limit).
// software: INT n / INT3 (the DPL check applies; EXT = 0).
GateVerdict check_gate(uint32_t vector, bool software, int cpl, const uint64_t gate[2],
                       uint32_t idt_limit);

// An instruction that touches an I/O port: IN, OUT, INS, OUTS.
struct PortIo {
    bool is_io = false;
    bool in = false;        // IN/INS (else OUT/OUTS)
    bool string = false;    // INS/OUTS
    bool uses_dx = false;   // the port is DX (else imm8)
    uint16_t imm_port = 0;  // for the imm8 forms
    unsigned size = 0;      // 1, 2 or 4 bytes
};
// Decodes the instruction starting at bytes[0..n): prefixes, then the opcode.
PortIo decode_port_io(const uint8_t* bytes, size_t n);

// May code at `cpl` with RFLAGS.IOPL `iopl` touch `size` ports from `port`?
// The bitmap is read through read_tss (offset into the TSS, bytes, size;
// false if unreadable). tss_limit is TR's limit.
bool io_permitted(int cpl, unsigned iopl, uint16_t port, unsigned size, uint32_t tss_limit,
                  const std::function<bool(uint32_t, void*, size_t)>& read_tss);

}  // namespace slowpath::cpu
