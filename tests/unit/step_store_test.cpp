// The packed step records read back exactly what was recorded, including
// steps too wide to pack, syscall changes, block edges and truncation.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "slowpath/trace.h"

namespace slowpath {
namespace {

StepRecord record_for(uint64_t i) {
    StepRecord r;
    r.rip = 0x100000 + (i * 7) % 0x300000;
    r.rsp = 0x7fff000 - (i % 512) * 8;
    r.cpl = (i / 1000) % 2 ? 3 : 0;
    r.syscall = static_cast<int32_t>(i / 3000) - 1;        // -1 first, then 0, 1, ...
    if (i % 9973 == 5) r.rip = 0xffffffff81000000ull + i;  // too wide to pack
    if (i % 7919 == 3) r.rsp = 0x1234567890ull;
    if (i % 6007 == 1) r.cpl = 7;
    return r;
}

void expect_same(const StepStore& store, const std::vector<StepRecord>& want) {
    ASSERT_EQ(store.size(), want.size());
    for (size_t i = 0; i < want.size(); i++) {
        StepRecord got = store[i];
        ASSERT_EQ(got.rip, want[i].rip) << "step " << i;
        ASSERT_EQ(got.rsp, want[i].rsp) << "step " << i;
        ASSERT_EQ(got.cpl, want[i].cpl) << "step " << i;
        ASSERT_EQ(got.syscall, want[i].syscall) << "step " << i;
    }
}

TEST(StepStore, ReadsBackEveryRecordAcrossBlocks) {
    StepStore store;
    std::vector<StepRecord> want;
    for (uint64_t i = 0; i < 4 * 65536; i++) {  // four full blocks
        want.push_back(record_for(i));
        store.push_back(want.back());
    }
    expect_same(store, want);
    // Steps that jump about at random cost a few bytes each, still well
    // under a StepRecord's 24.
    EXPECT_LT(store.bytes_held(), want.size() * 8);
}

TEST(StepStore, ShrinksAndRecordsAgain) {
    StepStore store;
    std::vector<StepRecord> want;
    for (uint64_t i = 0; i < 140000; i++) {
        want.push_back(record_for(i));
        store.push_back(want.back());
    }
    for (size_t keep : {size_t(131072), size_t(70001), size_t(65536), size_t(10)}) {
        store.resize(keep);
        want.resize(keep);
        expect_same(store, want);
    }
    for (uint64_t i = 0; i < 70000; i++) {
        StepRecord r = record_for(i + 5);
        r.syscall = static_cast<int32_t>(i / 500);
        want.push_back(r);
        store.push_back(r);
    }
    expect_same(store, want);
    StepStore copy = store;
    expect_same(copy, want);
    store.resize(0);
    EXPECT_TRUE(store.empty());
}

// Steps the way code runs them: rip moves on by an instruction's length,
// rsp stays or moves by 8; now and then a jump anywhere, an rsp load, a cpl
// change, a step too wide for 32 bits, a syscall entry.
std::vector<StepRecord> like_code(size_t count, uint32_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<StepRecord> out;
    StepRecord r;
    r.rip = 0x401000;
    r.rsp = 0x7ffff000;
    r.cpl = 3;
    for (size_t i = 0; i < count; i++) {
        const uint64_t roll = rng() % 1000;
        if (roll < 60) {
            r.rip += (rng() % 4096) - 2048;  // a near jump, either way
        } else if (roll < 75) {
            r.rip = rng();  // anywhere, wide or not
        } else if (roll < 80) {
            r.rip = 0xffffffff81000000ull + rng() % 0x1000000;  // into the kernel
            r.cpl = 0;
        } else if (roll < 85) {
            r.cpl = static_cast<uint8_t>(rng());  // any byte reads back
        } else if (roll < 88) {
            r.rip += 0;  // a rep prefix: the same instruction again
        } else {
            r.rip += 1 + rng() % 15;
        }
        const uint64_t rsp_roll = rng() % 100;
        if (rsp_roll < 10)
            r.rsp -= 8;
        else if (rsp_roll < 20)
            r.rsp += 8;
        else if (rsp_roll < 23)
            r.rsp = rng();
        else if (rsp_roll < 25)
            r.rsp -= rng() % 0x10000;
        if (rng() % 500 == 0) r.syscall = static_cast<int32_t>(rng() % 50) - 1;
        out.push_back(r);
    }
    return out;
}

TEST(StepStore, RandomCodeLikeStepsReadBackInAnyOrder) {
    for (uint32_t seed : {1u, 2u, 3u}) {
        std::vector<StepRecord> want = like_code(50000, seed);
        StepStore store;
        for (const StepRecord& r : want) store.push_back(r);
        expect_same(store, want);
        // Backwards, at random, and back and forth between two places.
        for (size_t i = want.size(); i-- > 0;) {
            ASSERT_EQ(store[i].rip, want[i].rip) << i;
        }
        std::mt19937_64 rng(seed);
        for (int k = 0; k < 5000; k++) {
            const size_t i = rng() % want.size();
            const StepRecord got = store[i];
            ASSERT_EQ(got.rip, want[i].rip) << i;
            ASSERT_EQ(got.rsp, want[i].rsp) << i;
            ASSERT_EQ(got.cpl, want[i].cpl) << i;
            ASSERT_EQ(got.syscall, want[i].syscall) << i;
            const size_t j = (i * 7 + 12345) % want.size();
            ASSERT_EQ(store[j].rsp, want[j].rsp) << j;
        }
    }
}

TEST(StepStore, ReadsWhileRecordingSeeEveryStep) {
    // The engine and the GUI read the last steps while more are recorded.
    std::vector<StepRecord> want = like_code(5000, 7);
    StepStore store;
    for (size_t i = 0; i < want.size(); i++) {
        store.push_back(want[i]);
        ASSERT_EQ(store[i].rip, want[i].rip) << i;
        ASSERT_EQ(store[i / 2].rsp, want[i / 2].rsp) << i;
        if (i > 3000) {
            ASSERT_EQ(store[i - 3000].cpl, want[i - 3000].cpl) << i;
        }
    }
    expect_same(store, want);
}

TEST(StepStore, ResizesInsideABlockAndGoesOnFromTheRightStep) {
    std::vector<StepRecord> want = like_code(20000, 11);
    StepStore store;
    for (const StepRecord& r : want) store.push_back(r);
    std::mt19937_64 rng(11);
    for (size_t keep : {size_t(19999), size_t(17000), size_t(16384), size_t(16385), size_t(9000),
                        size_t(1025), size_t(1024), size_t(1023), size_t(1)}) {
        ASSERT_EQ(store[keep - 1].rip, want[keep - 1].rip);  // decoded before it shrinks
        store.resize(keep);
        want.resize(keep);
        expect_same(store, want);
        // Record on from the kept step: the next is stored as a change from it.
        std::vector<StepRecord> more = like_code(1 + rng() % 3000, static_cast<uint32_t>(keep));
        for (const StepRecord& r : more) {
            want.push_back(r);
            store.push_back(r);
        }
        expect_same(store, want);
    }
}

TEST(StepStore, StraightLineCodeCostsAboutAByteAStep) {
    // Mostly one byte a step: a loop of short instructions with calls and returns.
    StepStore store;
    std::vector<StepRecord> want;
    StepRecord r;
    r.rip = 0xffffffff81000000ull;
    r.rsp = 0xffffc90000004000ull;
    for (size_t i = 0; i < 400000; i++) {
        if (i % 20 == 0) {
            r.rip = 0xffffffff81000000ull + (i % 7) * 0x12345;  // a call
            r.rsp -= 8;
        } else if (i % 20 == 10) {
            r.rip = 0xffffffff81000000ull + (i % 5) * 0x100;  // its return
            r.rsp += 8;
        } else {
            r.rip += 1 + i % 7;
        }
        want.push_back(r);
        store.push_back(r);
    }
    expect_same(store, want);
    EXPECT_LT(store.bytes_held(), want.size() * 3 / 2);
}

TEST(StepStore, ALoopThatRepeatsItsStepsIsCompressed) {
    // A getpid loop: the same 81 steps each time round, one syscall each.
    StepStore store;
    std::vector<StepRecord> want;
    for (int32_t round = 0; round < 12000; round++) {
        StepRecord r;
        r.rip = 0x401000;
        r.rsp = 0x7ffffff000;
        r.cpl = 3;
        for (int i = 0; i < 81; i++) {
            if (i == 5) {  // SYSCALL: into the kernel, on its stack
                r.rip = 0xffffffff81000000ull;
                r.rsp = 0xffffc90000003f58ull;
                r.cpl = 0;
                r.syscall = round;
            } else if (i == 75) {  // SYSRET
                r.rip = 0x401007;
                r.rsp = 0x7ffffff000;
                r.cpl = 3;
                r.syscall = -1;
            } else {
                r.rip += 1 + i % 5;
                if (i % 9 == 0) r.rsp -= 8;
            }
            want.push_back(r);
            store.push_back(r);
        }
    }
    expect_same(store, want);
    EXPECT_LT(store.bytes_held(), want.size() * 3 / 5) << "well under a byte a step";
    // Shrunk into a compressed block, it records on from there.
    store.resize(500000);
    want.resize(500000);
    expect_same(store, want);
}

}  // namespace
}  // namespace slowpath
