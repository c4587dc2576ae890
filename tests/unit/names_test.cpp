// Syscall names, eras and injection strings: the words a user types.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "slowpath/era.h"
#include "slowpath/session.h"
#include "slowpath/syscalls.h"

namespace slowpath {
namespace {

TEST(Syscalls, NamesAndNumbersOfTheX8664Abi) {
    EXPECT_EQ(syscall_name(0), "read");
    EXPECT_EQ(syscall_name(1), "write");
    EXPECT_EQ(syscall_name(13), "rt_sigaction");
    EXPECT_EQ(syscall_name(14), "rt_sigprocmask");
    EXPECT_EQ(syscall_name(15), "rt_sigreturn");
    EXPECT_EQ(syscall_name(24), "sched_yield");
    EXPECT_EQ(syscall_name(39), "getpid");
    EXPECT_EQ(syscall_name(60), "exit");
    EXPECT_EQ(syscall_name(62), "kill");
    EXPECT_EQ(syscall_name(127), "rt_sigpending");
    EXPECT_EQ(syscall_name(186), "gettid");
    EXPECT_EQ(syscall_name(200), "tkill");
    EXPECT_EQ(syscall_name(231), "exit_group");
    EXPECT_EQ(syscall_name(234), "tgkill");
}

TEST(Syscalls, UnknownNumbersGetAGenericName) {
    EXPECT_EQ(syscall_name(500), "syscall_500");
    EXPECT_EQ(syscall_name(-1), "syscall_-1");
}

TEST(Syscalls, ParseNamesAndNumbers) {
    EXPECT_EQ(parse_syscall("getpid"), 39);
    EXPECT_EQ(parse_syscall("GETPID"), 39);
    EXPECT_EQ(parse_syscall("sys_getpid"), 39);
    EXPECT_EQ(parse_syscall("39"), 39);
    EXPECT_EQ(parse_syscall("0"), 0);
    EXPECT_EQ(parse_syscall("500"), 500);  // numbers need not be known: badsys is a scenario
    EXPECT_EQ(parse_syscall("exit_group"), 231);
    EXPECT_EQ(parse_syscall("kill"), 62);
}

TEST(Syscalls, ParseRejectsNonsense) {
    EXPECT_FALSE(parse_syscall(""));
    EXPECT_FALSE(parse_syscall("nosuchcall"));
    EXPECT_FALSE(parse_syscall("-1"));
    EXPECT_FALSE(parse_syscall("39x"));
    EXPECT_FALSE(parse_syscall(" 39"));
    EXPECT_FALSE(parse_syscall("99999999999999999999"));  // no overflow into a valid number
    EXPECT_FALSE(parse_syscall("sys_"));
}

TEST(Syscalls, EveryKnownNameRoundTrips) {
    for (long nr = 0; nr < 460; nr++) {
        const std::string name = syscall_name(nr);
        if (name.rfind("syscall_", 0) == 0) continue;
        EXPECT_EQ(parse_syscall(name), nr) << name;
    }
}

TEST(Eras, ThreeErasWithTheirImages) {
    ASSERT_EQ(all_eras().size(), 3u);
    EXPECT_EQ(era_info(Era::V3_13).name, "v3.13");
    EXPECT_EQ(era_info(Era::Rfc).name, "rfc");
    EXPECT_EQ(era_info(Era::Modern).name, "modern");
    EXPECT_EQ(era_info(Era::Modern).kernel_image, "kernel-modern.elf");
    EXPECT_NE(era_info(Era::V3_13).kernel_image, era_info(Era::Rfc).kernel_image);
    EXPECT_EQ(era_names(), "v3.13, rfc or modern");
    EXPECT_FALSE(era_info(Era::V3_13).title.empty());
    EXPECT_FALSE(era_info(Era::Rfc).entry_source.empty());
}

TEST(Eras, ParseIsCaseInsensitive) {
    EXPECT_EQ(parse_era("v3.13"), Era::V3_13);
    EXPECT_EQ(parse_era("V3.13"), Era::V3_13);
    EXPECT_EQ(parse_era("rfc"), Era::Rfc);
    EXPECT_EQ(parse_era("RFC"), Era::Rfc);
    EXPECT_EQ(parse_era("Modern"), Era::Modern);
    for (const auto& info : all_eras()) EXPECT_EQ(parse_era(info.name), info.era);
}

TEST(Eras, ParseRejectsUnknownEras) {
    EXPECT_FALSE(parse_era(""));
    EXPECT_FALSE(parse_era("v4.0"));
    EXPECT_FALSE(parse_era("modern2"));
    EXPECT_FALSE(parse_era("6.1"));
    EXPECT_FALSE(parse_era("rfc "));
}

TEST(Injection, ParsesFlagAndTime) {
    Injection a = parse_injection("SIGPENDING@exit");
    EXPECT_EQ(a.bit, 2);
    EXPECT_EQ(a.when, InjectWhen::Exit);
    Injection b = parse_injection("tif_need_resched@entry");
    EXPECT_EQ(b.bit, 3);
    EXPECT_EQ(b.when, InjectWhen::Entry);
    Injection c = parse_injection("syscall_audit@exit");
    EXPECT_EQ(c.bit, 7);
    EXPECT_EQ(injection_text(a), "SIGPENDING@exit");
    EXPECT_EQ(injection_text(b), "NEED_RESCHED@entry");
    EXPECT_EQ(parse_injection(injection_text(c)).bit, c.bit);
    EXPECT_EQ(inject_when_name(InjectWhen::Entry), "entry");
    EXPECT_EQ(inject_when_name(InjectWhen::Exit), "exit");
}

// The reason must be one line a CLI can print as is.
void expect_rejected(const std::string& text, const std::string& mentions) {
    try {
        parse_injection(text);
        ADD_FAILURE() << "accepted \"" << text << "\"";
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_FALSE(what.empty()) << text;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        if (!mentions.empty()) {
            EXPECT_NE(what.find(mentions), std::string::npos) << what;
        }
    }
}

TEST(Injection, RejectsUnknownFlag) {
    expect_rejected("BOGUS@exit", "BOGUS");
}
TEST(Injection, RejectsUnknownTime) {
    expect_rejected("SIGPENDING@later", "later");
}
TEST(Injection, RejectsMissingAt) {
    expect_rejected("SIGPENDING", "");
}
TEST(Injection, RejectsEmptyParts) {
    expect_rejected("", "");
    expect_rejected("@exit", "");
    expect_rejected("SIGPENDING@", "");
    expect_rejected("@", "");
}
TEST(Injection, RejectsTwoTimes) {
    expect_rejected("SIGPENDING@exit@entry", "");
}

}  // namespace
}  // namespace slowpath
