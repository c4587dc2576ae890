// The coded event store reads back exactly what was pushed: every kind,
// extreme values (steps near 2^38, negative arguments, kernel and
// non-canonical rips, rare texts), in order, backwards, at random, across
// block edges and after truncation.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "slowpath/trace.h"

namespace slowpath {
namespace {

constexpr unsigned kKinds = static_cast<unsigned>(EventKind::StepLimit) + 1;

void expect_same_event(const Event& got, const Event& want, size_t i) {
    ASSERT_EQ(got.step, want.step) << "event " << i;
    ASSERT_EQ(got.kind, want.kind) << "event " << i;
    ASSERT_EQ(got.by_cpu, want.by_cpu) << "event " << i;
    ASSERT_EQ(got.from_entry, want.from_entry) << "event " << i;
    ASSERT_EQ(got.text_id, want.text_id) << "event " << i;
    ASSERT_EQ(got.rip, want.rip) << "event " << i;
    ASSERT_EQ(got.a, want.a) << "event " << i;
    ASSERT_EQ(got.name, want.name) << "event " << i;
    ASSERT_EQ(got.syscall, want.syscall) << "event " << i;
    ASSERT_EQ(got.text(), want.text()) << "event " << i;
    ASSERT_EQ(describe_event(got), describe_event(want)) << "event " << i;
}

void expect_same(const EventStore& store, const std::vector<Event>& want) {
    ASSERT_EQ(store.size(), want.size());
    for (size_t i = 0; i < want.size(); i++) expect_same_event(store[i], want[i], i);
}

// A run-like stream: a loop of syscalls whose events repeat with small
// changes, and now and then an event with extreme values.
std::vector<Event> run_like(size_t n, uint64_t first_step, std::mt19937_64& rng) {
    static const char* const names[] = {"system_call",    "sys_getpid", "ret_from_sys_call",
                                        "_TIF_WORK_MASK", "",           "syscall_exit_work"};
    std::vector<Event> out;
    uint64_t step = first_step;
    int32_t syscall = -1;
    for (size_t i = 0; i < n; i++) {
        Event e;
        const unsigned r = static_cast<unsigned>(rng() % 100);
        step += r < 70 ? rng() % 8 : r < 95 ? rng() % 1000 : rng() % (uint64_t(1) << 30);
        if (step >= (uint64_t(1) << 38)) step = (uint64_t(1) << 38) - 1 - rng() % 4;
        e.step = step;
        e.kind = static_cast<EventKind>(rng() % kKinds);
        if (e.kind == EventKind::SyscallEntry && syscall < Event::kMaxSyscalls - 1) syscall++;
        if (rng() % 50 == 0) syscall = -1;
        if (rng() % 90 == 0) syscall = Event::kMaxSyscalls;
        e.syscall = syscall;
        e.by_cpu = rng() % 3 == 0;
        e.from_entry = rng() % 2 == 0;
        e.name = names[rng() % 6];
        e.rip = 0xffffffff81000000ull + (rng() % 64) * 0x10;
        if (rng() % 20 == 0) e.rip = rng();                  // any 64-bit value
        if (rng() % 40 == 0) e.rip = 0x00007ffff7a00000ull;  // user space
        for (unsigned k = 0; k < 4; k++) {
            const unsigned v = static_cast<unsigned>(rng() % 10);
            e.a[k] = v < 4   ? k * 0x10
                     : v < 6 ? static_cast<uint64_t>(-static_cast<int64_t>(rng() % 4096))
                     : v < 8 ? rng()
                             : 0x7ffc00000000ull + (rng() % 4096) * 8;
        }
        if (rng() % 7 == 0) e.set_text(e.kind == EventKind::Call ? "(regs,nr)" : "why: a reason");
        if (rng() % 500 == 0) e.set_text("rare text " + std::to_string(rng()));
        out.push_back(e);
    }
    return out;
}

TEST(EventStore, EveryKindWithExtremeValuesReadsBack) {
    EventStore store;
    std::vector<Event> want;
    for (unsigned k = 0; k < kKinds; k++) {
        for (uint64_t v :
             std::vector<uint64_t>{0, ~uint64_t(0), uint64_t(1) << 63, uint64_t(0) - 4095,
                                   0xffffffff81234567ull, 0x0000800000000000ull}) {
            Event e;
            e.step = (uint64_t(1) << 38) - 5000 + want.size();
            e.kind = static_cast<EventKind>(k);
            e.rip = v;
            e.a = {v, ~v, v >> 1, 0 - v};
            e.name = k % 2 ? Name("") : Name("entry_SYSCALL_64_after_hwframe");
            e.syscall = k % 3 == 0 ? -1 : k % 3 == 1 ? Event::kMaxSyscalls : 7;
            e.by_cpu = k % 2 == 0;
            e.from_entry = v & 1;
            if (k % 4 == 0) e.set_text("");
            if (k % 4 == 1) e.set_text("a text seen once in " + std::to_string(k));
            if (e.kind == EventKind::Call) e.set_text("(a,b,c,d,...)");
            store.push_back(e);
            want.push_back(e);
        }
    }
    expect_same(store, want);
    EXPECT_EQ(store.back().step, want.back().step);
}

TEST(EventStore, RunLikeEventsReadBackInOrderBackwardsAndAtRandom) {
    std::mt19937_64 rng(11);
    EventStore store;
    std::vector<Event> want = run_like(20 * EventStore::kBlockSize + 77, 5, rng);
    for (const Event& e : want) store.push_back(e);
    expect_same(store, want);
    for (size_t i = want.size(); i > 0; i--) expect_same_event(store[i - 1], want[i - 1], i - 1);
    for (int n = 0; n < 5000; n++) {
        size_t i = rng() % want.size();
        expect_same_event(store[i], want[i], i);
    }
    size_t i = 0;
    for (const Event& e : store) expect_same_event(e, want[i], i), i++;
    EXPECT_EQ(i, want.size());
    EXPECT_EQ(store.end() - store.begin(), static_cast<std::ptrdiff_t>(want.size()));
}

TEST(EventStore, FirstEventAtOrAfterAnyStep) {
    std::mt19937_64 rng(3);
    EventStore store;
    std::vector<Event> want = run_like(9 * EventStore::kBlockSize + 3, 0, rng);
    // Many events at one step, across a block edge.
    for (Event& e : want)
        if (&e - want.data() >= 250 && &e - want.data() < 520) e.step = want[250].step;
    uint64_t last = 0;
    for (Event& e : want) {
        if (e.step < last) e.step = last;  // sorted by step, as a trace is
        last = e.step;
        store.push_back(e);
    }
    auto expected = [&](uint64_t step) {
        size_t k = 0;
        while (k < want.size() && want[k].step < step) k++;
        return k;
    };
    for (size_t i = 0; i < want.size(); i += 7) {
        const uint64_t at = want[i].step;
        for (uint64_t s : {at, at + 1, at - 1}) {
            ASSERT_EQ(store.first_at_or_after(s), expected(s)) << "step " << s;
        }
    }
    EXPECT_EQ(store.first_at_or_after(0), 0u);
    EXPECT_EQ(store.first_at_or_after(want.back().step + 1), want.size());
    EXPECT_EQ(store.first_at_or_after(UINT64_MAX), want.size());
    EventStore none;
    EXPECT_EQ(none.first_at_or_after(5), 0u);
}

TEST(EventStore, TruncatesAndRecordsAgain) {
    std::mt19937_64 rng(5);
    EventStore store;
    std::vector<Event> want = run_like(6 * EventStore::kBlockSize, 100, rng);
    for (const Event& e : want) store.push_back(e);
    for (size_t keep : {size_t(5 * EventStore::kBlockSize + 9), size_t(3 * EventStore::kBlockSize),
                        size_t(EventStore::kBlockSize - 1), size_t(0)}) {
        (void)store[keep / 2];  // a decoded block from before the cut
        store.truncate(keep);
        want.resize(keep);
        expect_same(store, want);
        std::vector<Event> more =
            run_like(EventStore::kBlockSize + 40, want.empty() ? 0 : want.back().step, rng);
        for (const Event& e : more) {
            store.push_back(e);
            want.push_back(e);
        }
        expect_same(store, want);
    }
    // The event pushed last can be finished after the push.
    store.last_pushed().from_entry = !want.back().from_entry;
    EXPECT_NE(store.back().from_entry, want.back().from_entry);
}

// A loop of the same syscall costs a few bytes an event, not an Event's 56.
TEST(EventStore, ARepeatingLoopCostsAFewBytesAnEvent) {
    EventStore store;
    const char* const labels[] = {"system_call", "system_call_fastpath", "ret_from_sys_call",
                                  "sysret_check", "restore_args"};
    uint64_t step = 30000;
    size_t n = 0;
    for (int32_t call = 0; call < 20000; call++) {
        Event entry;
        entry.kind = EventKind::SyscallEntry;
        entry.step = step;
        entry.syscall = call;
        entry.by_cpu = true;
        entry.a = {39, 0x401234, 0x7ffc12345678, 0x246};
        store.push_back(entry);
        for (int k = 0; k < 5; k++) {
            Event e;
            e.kind = EventKind::Label;
            e.step = step += 3 + k;
            e.syscall = call;
            e.name = labels[k];
            e.rip = 0xffffffff81600000ull + 0x40 * k;
            store.push_back(e);
        }
        step += 40;
        n += 6;
    }
    ASSERT_EQ(store.size(), n);
    EXPECT_LT(store.bytes_held(), n * 6) << store.bytes_held() << " bytes for " << n << " events";
    Event e = store[n - 2];
    EXPECT_EQ(e.name, "sysret_check");
    EXPECT_EQ(e.syscall, 19999);
}

}  // namespace
}  // namespace slowpath
