// The CPU model's privilege checks on their own (emu/src/cpu_model.h).
#include "../../emu/src/cpu_model.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace {

using namespace slowpath::cpu;

// A 64-bit interrupt gate: present, type 0xE, the given DPL.
void make_gate(uint64_t gate[2], unsigned dpl, bool present = true, unsigned type = 0xE) {
    gate[0] =
        0x0010'0000ull | (uint64_t(type) << 40) | (uint64_t(dpl) << 45) | (uint64_t(present) << 47);
    gate[1] = 0;
}

TEST(CpuModelGate, SoftwareInterruptThroughRingZeroGateIsGp) {
    uint64_t gate[2];
    make_gate(gate, 0);
    GateVerdict v = check_gate(14, true, 3, gate, 4095);
    EXPECT_FALSE(v.deliver);
    EXPECT_EQ(v.fault, 13u);
    EXPECT_EQ(v.error, 14u * 8 + 2);  // IDT bit, EXT clear
}

TEST(CpuModelGate, HardwareExceptionIgnoresDpl) {
    uint64_t gate[2];
    make_gate(gate, 0);
    EXPECT_TRUE(check_gate(14, false, 3, gate, 4095).deliver);
}

TEST(CpuModelGate, DplThreeGateOpenToRingThree) {
    uint64_t gate[2];
    make_gate(gate, 3);
    EXPECT_TRUE(check_gate(3, true, 3, gate, 4095).deliver);
    make_gate(gate, 0);
    EXPECT_TRUE(check_gate(0x80, true, 0, gate, 4095).deliver);  // the kernel may
}

TEST(CpuModelGate, NotPresentIsNpAndBeyondLimitIsGp) {
    uint64_t gate[2];
    make_gate(gate, 3, false);
    GateVerdict v = check_gate(0x80, true, 3, gate, 4095);
    EXPECT_EQ(v.fault, 11u);
    EXPECT_EQ(v.error, 0x80u * 8 + 2);
    make_gate(gate, 3);
    v = check_gate(0x80, false, 3, gate, 0x80 * 16 + 14);
    EXPECT_FALSE(v.deliver);
    EXPECT_EQ(v.fault, 13u);
    EXPECT_EQ(v.error, 0x80u * 8 + 3);  // EXT set: not an INT instruction
}

TEST(CpuModelGate, OnlyInterruptAndTrapGates) {
    uint64_t gate[2];
    make_gate(gate, 3, true, 0xC);  // a call gate in the IDT
    EXPECT_FALSE(check_gate(5, true, 3, gate, 4095).deliver);
    make_gate(gate, 3, true, 0xF);
    EXPECT_TRUE(check_gate(5, true, 3, gate, 4095).deliver);
}

TEST(CpuModelPortIo, DecodesEveryForm) {
    const uint8_t in_imm[] = {0xe4, 0x80};
    PortIo io = decode_port_io(in_imm, sizeof in_imm);
    EXPECT_TRUE(io.is_io && io.in && !io.uses_dx);
    EXPECT_EQ(io.imm_port, 0x80);
    EXPECT_EQ(io.size, 1u);
    const uint8_t out_dx16[] = {0x66, 0xef};
    io = decode_port_io(out_dx16, sizeof out_dx16);
    EXPECT_TRUE(io.is_io && !io.in && io.uses_dx);
    EXPECT_EQ(io.size, 2u);
    const uint8_t rep_outsd[] = {0xf3, 0x48, 0x6f};  // REX.W does not widen
    io = decode_port_io(rep_outsd, sizeof rep_outsd);
    EXPECT_TRUE(io.is_io && io.string && !io.in);
    EXPECT_EQ(io.size, 4u);
    const uint8_t nop[] = {0x90};
    EXPECT_FALSE(decode_port_io(nop, 1).is_io);
    const uint8_t cut[] = {0xe6};  // the immediate is missing
    EXPECT_FALSE(decode_port_io(cut, 1).is_io);
}

// A TSS of 104 bytes plus a bitmap: ports 0x60-0x67 open, 0x3f8 open.
struct Tss {
    std::vector<uint8_t> bytes = std::vector<uint8_t>(104 + 0x2000 / 8 + 1, 0xff);
    Tss() {
        uint16_t base = 104;
        std::memcpy(&bytes[0x66], &base, 2);
        bytes[104 + 0x60 / 8] = 0x00;
        bytes[104 + 0x3f8 / 8] &= ~1;
    }
    uint32_t limit() const { return static_cast<uint32_t>(bytes.size() - 1); }
    bool read(uint32_t off, void* out, size_t n) const {
        if (off + n > bytes.size()) return false;
        std::memcpy(out, &bytes[off], n);
        return true;
    }
};

TEST(CpuModelPortIo, IoplDecidesFirst) {
    auto none = [](uint32_t, void*, size_t) { return false; };
    EXPECT_TRUE(io_permitted(0, 0, 0x80, 1, 0, none));
    EXPECT_TRUE(io_permitted(3, 3, 0x80, 1, 0, none));
    EXPECT_FALSE(io_permitted(3, 2, 0x80, 1, 0, none));
}

TEST(CpuModelPortIo, BitmapGrantsSinglePorts) {
    Tss t;
    auto rd = [&](uint32_t o, void* p, size_t n) { return t.read(o, p, n); };
    EXPECT_TRUE(io_permitted(3, 0, 0x60, 4, t.limit(), rd));
    EXPECT_TRUE(io_permitted(3, 0, 0x3f8, 1, t.limit(), rd));
    EXPECT_FALSE(io_permitted(3, 0, 0x3f8, 2, t.limit(), rd));  // 0x3f9 is closed
    EXPECT_FALSE(io_permitted(3, 0, 0x66, 4, t.limit(), rd));   // crosses into 0x68
    EXPECT_FALSE(io_permitted(3, 0, 0x80, 1, t.limit(), rd));
}

TEST(CpuModelPortIo, BitmapBeyondTheLimitDenies) {
    Tss t;
    auto rd = [&](uint32_t o, void* p, size_t n) { return t.read(o, p, n); };
    t.bytes[104 + 0x80 / 8] = 0;
    EXPECT_TRUE(io_permitted(3, 0, 0x80, 1, t.limit(), rd));
    // The guest's own setup: the map base at the end of a 104-byte TSS.
    uint16_t base = 104;
    std::memcpy(&t.bytes[0x66], &base, 2);
    EXPECT_FALSE(io_permitted(3, 0, 0x80, 1, 103, rd));
    EXPECT_FALSE(io_permitted(3, 0, 0x60, 1, 50, rd));  // a TSS too small to hold the base
}

}  // namespace
