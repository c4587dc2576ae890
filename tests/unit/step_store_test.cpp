// The packed step records read back exactly what was recorded, including
// steps too wide to pack, syscall changes, block edges and truncation.
#include <gtest/gtest.h>

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
    // 8 bytes a step and little else, where a StepRecord alone is 24.
    EXPECT_LT(store.bytes_held(), want.size() * 9);
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

}  // namespace
}  // namespace slowpath
