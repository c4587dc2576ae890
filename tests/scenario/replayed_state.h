// The state of the machine at a step, as the replay tests compare it: every
// register the CPU model shows, the host state a step carries, and a hash of
// each page of guest RAM. A step reached by re-execution must give the very
// state probed while the run was recorded.
#pragma once
#include <gtest/gtest.h>
#include <slowpath/abi.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine.h"
#include "slowpath/numbers.h"

namespace slowpath::test_state {

struct StepState {
    CpuState cpu;
    std::vector<uint64_t> pages;  // page_hashes
    uint64_t host_step = 0;
    int syscall = 0;
    uint32_t frame_valid = 0;
};

// A hash of each 4 KiB page of guest RAM (0 for a page of zeros).
inline std::vector<uint64_t> page_hashes(const Engine& e) {
    constexpr size_t kChunk = 1 << 20, kWords = SP_PAGE_SIZE / 8;
    std::vector<uint64_t> buf(kChunk / 8), out;
    out.reserve(SP_RAM_SIZE / SP_PAGE_SIZE);
    for (uint64_t at = 0; at < SP_RAM_SIZE; at += kChunk) {
        EXPECT_TRUE(e.read(at, buf.data(), kChunk));
        for (size_t p = 0; p < buf.size(); p += kWords) {
            uint64_t h = 0;
            for (size_t i = p; i < p + kWords; i++)
                if (buf[i]) h = (h ^ (buf[i] + i)) * 0x100000001b3ull + (h >> 29) + 1;
            out.push_back(h);
        }
    }
    return out;
}

inline StepState state_of(const Engine& e) {
    return {e.cpu(), page_hashes(e), e.host().step, e.host().syscall, e.host().frame_valid};
}

inline void expect_same(const StepState& recorded, const StepState& replayed, uint64_t step) {
    SCOPED_TRACE("step " + std::to_string(step));
    EXPECT_EQ(replayed.host_step, recorded.host_step);
    EXPECT_EQ(replayed.cpu.rip, recorded.cpu.rip);
    EXPECT_EQ(replayed.cpu.rflags, recorded.cpu.rflags);
    for (int i = 0; i < GPR_COUNT; i++) EXPECT_EQ(replayed.cpu.gpr[i], recorded.cpu.gpr[i]) << i;
    EXPECT_EQ(replayed.cpu.cs, recorded.cpu.cs);
    EXPECT_EQ(replayed.cpu.ss, recorded.cpu.ss);
    EXPECT_EQ(replayed.cpu.cr2, recorded.cpu.cr2);
    EXPECT_EQ(replayed.cpu.cr3, recorded.cpu.cr3);
    EXPECT_EQ(replayed.cpu.gs_base, recorded.cpu.gs_base);
    EXPECT_EQ(replayed.cpu.kernel_gs_base, recorded.cpu.kernel_gs_base);
    EXPECT_EQ(replayed.cpu.fs_base, recorded.cpu.fs_base);
    EXPECT_EQ(replayed.cpu.cpl, recorded.cpu.cpl);
    EXPECT_EQ(replayed.syscall, recorded.syscall);
    EXPECT_EQ(replayed.frame_valid, recorded.frame_valid);
    ASSERT_EQ(replayed.pages.size(), recorded.pages.size());
    std::string differ;
    int count = 0;
    for (size_t p = 0; p < recorded.pages.size(); p++)
        if (replayed.pages[p] != recorded.pages[p] && count++ < 8)
            differ += " " + hex(p * SP_PAGE_SIZE);
    EXPECT_EQ(count, 0) << "guest RAM pages differ:" << differ;
}

// Seeks to each probed step in a shuffled order (back and forth, across
// checkpoints) and demands the state probed there; with `step_back`, also
// the step before each, where that was probed.
inline void expect_replays_as_recorded(Engine& engine, std::vector<uint64_t> steps,
                                       const std::map<uint64_t, StepState>& recorded,
                                       std::mt19937_64& rng, bool step_back) {
    std::shuffle(steps.begin(), steps.end(), rng);
    for (uint64_t s : steps) {
        engine.seek(s);
        ASSERT_EQ(engine.step(), s);
        expect_same(recorded.at(s), state_of(engine), s);
        // One step back, as the GUI's step back does.
        if (step_back && s > 0 && recorded.count(s - 1)) {
            engine.seek(s - 1);
            expect_same(recorded.at(s - 1), state_of(engine), s - 1);
        }
    }
}

}  // namespace slowpath::test_state
