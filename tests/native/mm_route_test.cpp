// The routes memory faults take, read from the trace of real programs
// (tests/native/programs/mm_*.c) in every era: a first touch is a #PF that
// the kernel handles without a signal and that reruns the instruction; the
// kernel's own first touch of a user page inside a system call is paged in
// the same way; a write to a read-only page is a protection fault that ends
// in a SIGSEGV frame.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "slowpath/abi.h"
#include "slowpath/era.h"
#include "slowpath/session.h"
#include "slowpath/trace.h"

namespace slowpath {
namespace {

constexpr uint64_t kVectorPF = 14;
constexpr uint64_t kPfPresent = 1, kPfWrite = 2, kPfUser = 4;
constexpr int kSigsegv = 11;
constexpr long kNrRtSigprocmask = 14;

class MmRoute : public ::testing::TestWithParam<Era> {
 protected:
    const Trace& run(const std::string& program, std::vector<std::string> args = {}) {
        Scenario sc;
        sc.era = GetParam();
        sc.user_program = program;
        sc.user_args = std::move(args);
        sc.max_steps = 20'000'000;
        session_ = std::make_unique<Session>(sc);
        return session_->trace();
    }
    std::unique_ptr<Session> session_;
};

// Indices of the #PF deliveries in t.events.
std::vector<size_t> page_faults(const Trace& t) {
    std::vector<size_t> out;
    for (size_t i = 0; i < t.events.size(); i++) {
        const Event& e = t.events[i];
        if (e.kind == EventKind::Fault && e.by_cpu && e.a[0] == kVectorPF) out.push_back(i);
    }
    return out;
}

// The first event of the given kind after event `index`, or null.
std::optional<Event> next_of(const Trace& t, size_t index, EventKind kind) {
    for (size_t i = index + 1; i < t.events.size(); i++)
        if (t.events[i].kind == kind) return t.events[i];
    return std::nullopt;
}

TEST_P(MmRoute, FirstTouchIsAPageFaultThatRerunsTheInstruction) {
    const Trace& t = run(MM_MALLOC_PROGRAM, {"1"});
    ASSERT_EQ(t.outcome, Outcome::Exited) << t.outcome_detail;
    EXPECT_EQ(t.exit_code, 0);
    size_t demand = 0;
    for (size_t i : page_faults(t)) {
        std::optional<Event> f = t.events[i];
        if (!(f->a[1] & kPfUser)) continue;
        // Not present (P clear), in user memory, from the program's code.
        EXPECT_EQ(f->a[1] & kPfPresent, 0u) << "cr2 " << std::hex << f->a[2];
        EXPECT_GE(f->a[2], uint64_t(SP_USER_BASE));
        EXPECT_LT(f->a[2], uint64_t(SP_RAM_SIZE));
        // Back to user mode at the faulting instruction, no signal between.
        std::optional<Event> iret = next_of(t, i, EventKind::Iret);
        std::optional<Event> sig = next_of(t, i, EventKind::SignalDelivered);
        ASSERT_TRUE(iret);
        EXPECT_EQ(iret->a[0], f->a[3]) << "the faulting rip runs again";
        EXPECT_TRUE(!sig || sig->step > iret->step);
        demand++;
    }
    // The 1 MiB block alone is 256 fresh pages.
    EXPECT_GE(demand, 256u);
}

TEST_P(MmRoute, KernelFirstTouchInsideASyscallIsPagedInToo) {
    const Trace& t = run(MM_SEGV_PROGRAM);
    ASSERT_EQ(t.outcome, Outcome::Exited) << t.outcome_detail;
    bool seen = false;
    for (size_t i : page_faults(t)) {
        std::optional<Event> f = t.events[i];
        if ((f->a[1] & kPfUser) || f->syscall < 0) continue;
        const SyscallRecord& call = t.syscalls.at(f->syscall);
        if (call.nr != kNrRtSigprocmask || !(f->a[1] & kPfWrite)) continue;
        if (f->a[1] & kPfPresent) {
            EXPECT_EQ(call.ret, -14) << "a read-only page: EFAULT";
        } else {
            EXPECT_EQ(call.ret, 0) << "an untouched page: paged in, the copy completes";
            seen = true;
        }
    }
    EXPECT_TRUE(seen) << "no kernel-mode demand fault inside rt_sigprocmask";
}

TEST_P(MmRoute, WriteToAReadOnlyPageEndsInASigsegvFrame) {
    const Trace& t = run(MM_SEGV_PROGRAM);
    ASSERT_EQ(t.outcome, Outcome::Exited) << t.outcome_detail;
    size_t accerr = 0;
    for (size_t i : page_faults(t)) {
        std::optional<Event> f = t.events[i];
        if ((f->a[1] & (kPfPresent | kPfWrite | kPfUser)) != (kPfPresent | kPfWrite | kPfUser))
            continue;
        std::optional<Event> sig = next_of(t, i, EventKind::SignalDelivered);
        ASSERT_TRUE(sig);
        EXPECT_EQ(sig->a[0], uint64_t(kSigsegv));
        std::optional<Event> iret = next_of(t, i, EventKind::Iret);
        ASSERT_TRUE(iret);
        EXPECT_GT(iret->step, sig->step) << "the frame is built before the return";
        accerr++;
    }
    // mm_segv.c writes to present read-only pages twice; its third such
    // write hits a page never touched (P clear: the VMA decides ACCERR).
    EXPECT_EQ(accerr, 2u);
}

// The guest maps every page at its own address (abi.h), so only addresses
// that are RAM can be mapped: the rest fails as Linux fails for addresses it cannot
// map (past TASK_SIZE: ENOMEM; below mmap_min_addr: EPERM), and a hint
// there is not taken. Linux itself maps all of these: no native run.
TEST_P(MmRoute, AddressesWithoutRamFailAsLinuxFailsPastItsLimits) {
    const Trace& t = run(MM_MMAP_PROGRAM, {"high"});
    ASSERT_EQ(t.outcome, Outcome::Exited) << t.outcome_detail;
    EXPECT_EQ(t.console,
              "MAP_FIXED at 1<<46: errno 12\n"
              "MAP_FIXED_NOREPLACE at 1<<46: errno 12\n"
              "hint 1<<46: ok, at the hint: no\n"
              "MAP_FIXED below the first user page: errno 1\n"
              "1 TiB with MAP_NORESERVE: errno 12\n");
}

INSTANTIATE_TEST_SUITE_P(Eras, MmRoute, ::testing::Values(Era::V3_13, Era::Rfc, Era::Modern),
                         [](const auto& info) {
                             std::string n(era_info(info.param).name);
                             for (char& c : n)
                                 if (c == '.') c = '_';
                             return n;
                         });

}  // namespace
}  // namespace slowpath
