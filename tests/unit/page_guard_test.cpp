// The host page protection that tells a recording which guest pages were
// written: on its own (each page's first write is reported once, before it
// lands, and again after the page is closed), and in a recording, whose
// every seek must find the same memory as one made with the write hook.
#include "../../emu/src/page_guard.h"

#include <gtest/gtest.h>
#include <slowpath/abi.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "slowpath/session.h"

namespace {

using slowpath::PageGuard;

struct Seen {
    PageGuard* guard = nullptr;
    std::vector<uint64_t> pages;
    std::vector<uint8_t> before;  // the first byte of the page when its write was reported
};

void remember(void* owner, uint64_t page) {
    auto* s = static_cast<Seen*>(owner);
    s->pages.push_back(page);
    s->before.push_back(s->guard->data()[page * PageGuard::kPage]);
}

TEST(PageGuard, ReportsEachPagesFirstWriteOnceBeforeItLands) {
    PageGuard guard(16 * PageGuard::kPage);
    Seen seen;
    seen.guard = &guard;
    guard.data()[3 * PageGuard::kPage] = 7;  // before start: not seen
    guard.start(&remember, &seen);
    volatile uint8_t* ram = guard.data();
    ram[3 * PageGuard::kPage] = 9;
    ram[3 * PageGuard::kPage + 100] = 1;  // the same page again: no report
    ram[5 * PageGuard::kPage + 4095] = 2;
    EXPECT_EQ(ram[0], 0);  // a read is no write
    ASSERT_EQ(seen.pages, (std::vector<uint64_t>{3, 5}));
    EXPECT_EQ(seen.before[0], 7);             // reported before the store ran
    EXPECT_EQ(ram[3 * PageGuard::kPage], 9);  // and then it ran
    guard.close(3);                           // a checkpoint: page 3 is clean again
    ram[3 * PageGuard::kPage] = 10;
    ram[5 * PageGuard::kPage] = 3;  // still open since its first write
    EXPECT_EQ(seen.pages, (std::vector<uint64_t>{3, 5, 3}));
    EXPECT_EQ(seen.before[2], 9);
    EXPECT_FALSE(guard.lost());
}

// Every byte of the guest's RAM and the registers at a step.
struct State {
    std::vector<uint8_t> ram;
    slowpath::CpuState cpu;
};
void state_at(slowpath::Session& s, uint64_t step, State& out) {
    s.seek(step);
    out.ram.resize(SP_RAM_SIZE);  // kept between calls: touched once
    EXPECT_TRUE(s.machine().read(0, out.ram.data(), out.ram.size()));
    out.cpu = s.machine().cpu();
}

TEST(PageGuard, ARecordingSeeksToTheSameMemoryAsWithTheWriteHook) {
    slowpath::Scenario sc;  // the demo, a signal delivered at the exit: frames on both stacks
    sc.injections.push_back(slowpath::parse_injection("SIGPENDING@exit"));
    setenv("SLOWPATH_WRITE_HOOK", "1", 1);
    auto hooked = std::make_unique<slowpath::Session>(sc);
    unsetenv("SLOWPATH_WRITE_HOOK");
    slowpath::Session guarded(sc);
    ASSERT_EQ(guarded.last_step(), hooked->last_step());
    ASSERT_GT(guarded.last_step(), 4u * 8192);  // several checkpoints apart
    // Forwards, backwards and across checkpoints, in an order fixed by the seed.
    std::mt19937_64 rng(42);
    std::vector<uint64_t> steps = {guarded.last_step(), 0, 8192, 8191};
    for (int i = 0; i < 6; i++) steps.push_back(rng() % (guarded.last_step() + 1));
    State a, b;
    for (uint64_t step : steps) {
        SCOPED_TRACE(step);
        state_at(*hooked, step, a);
        state_at(guarded, step, b);
        EXPECT_EQ(a.cpu.rip, b.cpu.rip);
        for (int r = 0; r < slowpath::GPR_COUNT; r++) EXPECT_EQ(a.cpu.gpr[r], b.cpu.gpr[r]) << r;
        size_t differ = 0;
        for (size_t page = 0; page < SP_RAM_SIZE / SP_PAGE_SIZE; page++)
            if (std::memcmp(a.ram.data() + page * SP_PAGE_SIZE, b.ram.data() + page * SP_PAGE_SIZE,
                            SP_PAGE_SIZE))
                differ++;
        EXPECT_EQ(differ, 0u) << "pages that differ";
    }
}

}  // namespace
