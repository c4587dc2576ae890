// The engine's ways of running the same program give the same run: a
// summary by translated blocks against a hook on every instruction, and the
// CPU state patched in place against a saved and restored image.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <map>
#include <string>

#include "run_cli.h"
#include "slowpath/era.h"
#include "slowpath/session.h"
#include "slowpath/trace.h"

namespace {

using cli_test::Result;
using cli_test::run_cli;

// A summary run follows blocks, not instructions (engine_blocks.cpp): it
// must print what a hook on every instruction prints, with programs that
// fault, take the timer tick between threads, make int $0x80 calls, single
// step and arm debug registers (those two are made again by instruction).
TEST(CliSummary, BlocksCountWhatEveryInstructionCounts) {
    const std::string dir = SLOWPATH_TEST_PROGRAMS_DIR;
    int compared = 0;
    for (const char* name : {"mm_segv", "proc_threads", "proc_spin", "proc_futex", "sys_int80",
                             "proc_hwbreak", "sig_restart", "fsgsbase_64", "syscall_arg_fault_64",
                             "sysret_rip_64", "single_step_syscall_64"}) {
        const std::string program = dir + "/" + name;
        if (access(program.c_str(), X_OK) != 0) continue;  // a selftest not built here
        for (const char* era : {"v3.13", "rfc", "modern"}) {
            SCOPED_TRACE(std::string(name) + " " + era);
            const std::string args =
                "run --era " + std::string(era) + " --summary --json --program " + program;
            Result blocks = run_cli(args + " </dev/null");
            Result every = run_cli(args + " </dev/null", "SLOWPATH_SUMMARY_PER_INSTRUCTION=1 ");
            EXPECT_EQ(blocks.status, every.status);
            EXPECT_EQ(blocks.out, every.out);
            EXPECT_EQ(blocks.err, every.err);
            compared++;
        }
    }
    EXPECT_GE(compared, 6 * 3);
    // The blocks did the threads' run themselves; the debug registers sent it back.
    slowpath::Scenario s;
    s.user_program = dir + "/proc_threads";
    s.max_steps = 50'000'000;
    EXPECT_EQ(slowpath::run_summary(s).summary_fallback, "");
    s.user_program = dir + "/proc_hwbreak";
    EXPECT_NE(slowpath::run_summary(s).summary_fallback.find("debug register"), std::string::npos);
}

// Every name's counts from a summary run, folded records and kept ones.
std::map<std::string, std::array<uint64_t, 5>> tallies_of(const slowpath::Trace& t) {
    std::map<std::string, std::array<uint64_t, 5>> out;
    for (const slowpath::SyscallTally& c : slowpath::syscall_tallies(t))
        out[c.name.str()] = {c.calls, c.errors, c.sysret, c.iret, c.instructions};
    return out;
}

// A summary run that folds its records as it goes (run --summary does,
// every 65,536) counts what one that keeps them all counts: with programs
// whose threads sleep in syscalls, take signals and restart calls, folded
// every few records so that open records sit among the settled ones.
TEST(CliSummary, FoldedRecordsCountWhatKeptRecordsCount) {
    const std::string dir = SLOWPATH_TEST_PROGRAMS_DIR;
    int folded_runs = 0;
    for (const char* name : {"mm_segv", "proc_threads", "proc_spin", "proc_futex", "sys_int80",
                             "sig_restart", "fsgsbase_64", "sysret_rip_64"}) {
        const std::string program = dir + "/" + name;
        if (access(program.c_str(), X_OK) != 0) continue;
        for (slowpath::Era era :
             {slowpath::Era::V3_13, slowpath::Era::Rfc, slowpath::Era::Modern}) {
            SCOPED_TRACE(std::string(name) + " " + std::string(slowpath::era_info(era).name));
            slowpath::Scenario s;
            s.era = era;
            s.user_program = program;
            s.max_steps = 50'000'000;
            const slowpath::Trace all = slowpath::run_summary(s);
            EXPECT_EQ(all.folded, 0u);
            for (size_t every : {2, 5}) {
                const slowpath::Trace folded = slowpath::run_summary(s, every);
                EXPECT_EQ(folded.outcome, all.outcome);
                EXPECT_EQ(folded.folded + folded.syscalls.size(), all.syscalls.size());
                EXPECT_EQ(tallies_of(folded), tallies_of(all));
                folded_runs += folded.folded > 0;
            }
        }
    }
    EXPECT_GE(folded_runs, 12) << "the runs folded records";
}

// SYSCALL, exceptions and interrupts change CPL and the segment caches in
// Unicorn's own CPU state (CpuContext::live); SLOWPATH_CPU_CONTEXT=image
// makes each change on a saved image instead. A recorded run of programs
// that fault, take signals, make int $0x80 calls, trace a child and load
// segments from the LDT must come out the same either way.
TEST(CliContext, LiveStateRunsAsTheSavedImage) {
    const std::string dir = SLOWPATH_TEST_PROGRAMS_DIR;
    int compared = 0;
    for (const char* name :
         {"mm_segv", "sys_int80", "sig_restart", "proc_ptrace", "sigreturn_64"}) {
        const std::string program = dir + "/" + name;
        if (access(program.c_str(), X_OK) != 0) continue;  // a selftest not built here
        for (const char* era : {"v3.13", "rfc", "modern"}) {
            SCOPED_TRACE(std::string(name) + " " + era);
            const std::string args =
                "run --era " + std::string(era) + " --json --program " + program + " </dev/null";
            Result live = run_cli(args);
            Result image = run_cli(args, "SLOWPATH_CPU_CONTEXT=image ");
            EXPECT_EQ(live.status, image.status);
            EXPECT_EQ(live.out, image.out);
            EXPECT_EQ(live.err, image.err);
            EXPECT_NE(live.out.find("\"syscalls\""), std::string::npos) << live.err;
            compared++;
        }
    }
    EXPECT_GE(compared, 4 * 3);
}

}  // namespace
