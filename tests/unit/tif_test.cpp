// thread_info flag names and the v3.13 masks.
#include "slowpath/tif.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "slowpath/abi.h"
#include "slowpath/decode.h"
#include "slowpath/era.h"
#include "slowpath/session.h"

namespace slowpath {
namespace {

TEST(ParseTif, AcceptsNamesInAnyCaseWithOrWithoutPrefix) {
    EXPECT_EQ(parse_tif("SIGPENDING"), 2);
    EXPECT_EQ(parse_tif("sigpending"), 2);
    EXPECT_EQ(parse_tif("SigPending"), 2);
    EXPECT_EQ(parse_tif("TIF_SIGPENDING"), 2);
    EXPECT_EQ(parse_tif("tif_need_resched"), 3);
    EXPECT_EQ(parse_tif("SYSCALL_TRACE"), 0);
    EXPECT_EQ(parse_tif("syscall_tracepoint"), 28);
    EXPECT_EQ(parse_tif("UPROBE"), 12);
    EXPECT_EQ(parse_tif("user_return_notify"), 11);
}

TEST(ParseTif, RejectsUnknownNames) {
    EXPECT_FALSE(parse_tif(""));
    EXPECT_FALSE(parse_tif("TIF_"));
    EXPECT_FALSE(parse_tif("BOGUS"));
    EXPECT_FALSE(parse_tif("TIF_BOGUS"));
    EXPECT_FALSE(parse_tif("SIGPENDING "));
    EXPECT_FALSE(parse_tif("SIG PENDING"));
    EXPECT_FALSE(parse_tif("SIGPENDINGX"));
    EXPECT_FALSE(parse_tif("SYSCALL"));  // a prefix of several names is none of them
    EXPECT_FALSE(parse_tif("2"));        // numbers are not names
}

TEST(TifNames, ListsFlagsByBitOrder) {
    EXPECT_EQ(tif_names(0), "0");
    EXPECT_EQ(tif_names(_TIF_SIGPENDING), "SIGPENDING");
    EXPECT_EQ(tif_names(_TIF_NEED_RESCHED | _TIF_SIGPENDING), "SIGPENDING|NEED_RESCHED");
    EXPECT_EQ(tif_names(_TIF_SYSCALL_TRACE | _TIF_SYSCALL_TRACEPOINT),
              "SYSCALL_TRACE|SYSCALL_TRACEPOINT");
    // A bit with no name still shows up rather than vanishing.
    const std::string unnamed = tif_names(1u << 5);
    EXPECT_NE(unnamed, "0");
    EXPECT_NE(unnamed.find('5'), std::string::npos) << unnamed;
}

TEST(TifFlags, TableMatchesV313Numbering) {
    // arch/x86/include/asm/thread_info.h, v3.13.
    const struct {
        int bit;
        const char* name;
    } v313[] = {{0, "SYSCALL_TRACE"},       {1, "NOTIFY_RESUME"}, {2, "SIGPENDING"},
                {3, "NEED_RESCHED"},        {4, "SINGLESTEP"},    {6, "SYSCALL_EMU"},
                {7, "SYSCALL_AUDIT"},       {8, "SECCOMP"},       {10, "MCE_NOTIFY"},
                {11, "USER_RETURN_NOTIFY"}, {12, "UPROBE"},       {19, "NOHZ"},
                {28, "SYSCALL_TRACEPOINT"}};
    for (const auto& f : v313) {
        const TifFlagInfo* info = tif_flag(f.bit);
        ASSERT_NE(info, nullptr) << f.name;
        EXPECT_EQ(info->name, f.name);
        EXPECT_EQ(parse_tif(f.name), f.bit);
        EXPECT_EQ(tif_names(1u << f.bit), f.name);
        EXPECT_FALSE(info->short_help.empty()) << f.name;
    }
    EXPECT_EQ(tif_flag(5), nullptr);
    EXPECT_EQ(tif_flag(31), nullptr);
}

TEST(TifFlags, EveryWorkFlagTheScenariosUseIsInjectable) {
    for (const char* name :
         {"SIGPENDING", "NEED_RESCHED", "NOTIFY_RESUME", "SYSCALL_AUDIT", "SYSCALL_TRACE",
          "SINGLESTEP", "SYSCALL_TRACEPOINT", "MCE_NOTIFY", "USER_RETURN_NOTIFY", "UPROBE"}) {
        auto bit = parse_tif(name);
        ASSERT_TRUE(bit) << name;
        const TifFlagInfo* info = tif_flag(*bit);
        ASSERT_NE(info, nullptr);
        EXPECT_TRUE(info->injectable) << name;
        EXPECT_FALSE(info->cause.empty()) << name;
    }
}

// The masks, rebuilt from their member flags as thread_info.h writes them,
// against the literal values in the ABI header.
TEST(TifMasks, MatchTheirV313Definitions) {
    const uint32_t entry = _TIF_SYSCALL_TRACE | _TIF_SYSCALL_EMU | _TIF_SYSCALL_AUDIT |
                           _TIF_SECCOMP | _TIF_SINGLESTEP | _TIF_SYSCALL_TRACEPOINT | _TIF_NOHZ;
    const uint32_t exit = _TIF_SYSCALL_TRACE | _TIF_SYSCALL_AUDIT | _TIF_SINGLESTEP |
                          _TIF_SYSCALL_TRACEPOINT | _TIF_NOHZ;
    const uint32_t work =
        0x0000FFFFu & ~uint32_t(_TIF_SYSCALL_TRACE | _TIF_SYSCALL_AUDIT | _TIF_SINGLESTEP |
                                _TIF_SECCOMP | _TIF_SYSCALL_EMU);
    const uint32_t allwork =
        (0x0000FFFFu & ~uint32_t(_TIF_SECCOMP)) | _TIF_SYSCALL_TRACEPOINT | _TIF_NOHZ;
    // v3.13 leaves UPROBE out of this one.
    const uint32_t notify =
        _TIF_SIGPENDING | _TIF_MCE_NOTIFY | _TIF_NOTIFY_RESUME | _TIF_USER_RETURN_NOTIFY;

    EXPECT_EQ(entry, 0x100801D1u);
    EXPECT_EQ(exit, 0x10080091u);
    EXPECT_EQ(work, 0x0000FE2Eu);
    EXPECT_EQ(allwork, 0x1008FEFFu);
    EXPECT_EQ(notify, 0x00000C06u);
    EXPECT_EQ(uint32_t(_TIF_WORK_SYSCALL_ENTRY), entry);
    EXPECT_EQ(uint32_t(_TIF_WORK_SYSCALL_EXIT), exit);
    EXPECT_EQ(uint32_t(_TIF_WORK_MASK), work);
    EXPECT_EQ(uint32_t(_TIF_ALLWORK_MASK), allwork);
    EXPECT_EQ(uint32_t(_TIF_DO_NOTIFY_MASK), notify);
    EXPECT_EQ(uint32_t(_TIF_DO_NOTIFY_MASK) & _TIF_UPROBE, 0u);
    EXPECT_NE(uint32_t(_TIF_WORK_MASK) & _TIF_UPROBE, 0u);

    std::set<uint32_t> values;
    for (const auto& m : tif_masks()) values.insert(m.value);
    for (uint32_t v : {entry, exit, work, allwork, notify})
        EXPECT_TRUE(values.count(v)) << std::hex << v;
    EXPECT_EQ(tif_mask_name(allwork), "_TIF_ALLWORK_MASK");
    EXPECT_EQ(tif_mask_name(work), "_TIF_WORK_MASK");
    EXPECT_EQ(tif_mask_name(notify), "_TIF_DO_NOTIFY_MASK");
    EXPECT_EQ(tif_mask_name(allwork & ~uint32_t(_TIF_SYSCALL_AUDIT)),
              "_TIF_ALLWORK_MASK & ~_TIF_SYSCALL_AUDIT");
}

// PTRACE_SINGLESTEP sets TIF_FORCED_TF beside TF (ptrace.c): the flags word
// read from the machine at the decision names it, rather than "bit24".
TEST(TifNames, ForcedTfIsNamedInARealRun) {
    for (Era era : {Era::V3_13, Era::Rfc, Era::Modern}) {
        Scenario s;
        s.era = era;
        s.injections = {parse_injection("SINGLESTEP@entry")};
        Session session(s);
        const Trace& t = session.trace();
        ASSERT_GE(t.focus, 0);
        session.seek(t.syscalls[t.focus].entry_step);
        session.run_to_decision();
        TifView v = decode_tif(session.machine());
        ASSERT_TRUE(v.present);
        EXPECT_TRUE(v.flags & (1u << TIF_FORCED_TF)) << era_info(era).name << " " << v.flags;
        EXPECT_NE(tif_names(v.flags).find("FORCED_TF"), std::string::npos) << tif_names(v.flags);
        EXPECT_EQ(tif_names(v.flags).find("bit"), std::string::npos) << tif_names(v.flags);
    }
}

}  // namespace
}  // namespace slowpath
