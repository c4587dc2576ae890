// slowpath-cli as a user meets it: the JSON contract, and one-line errors
// with exit status 2 for a bad command line.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <string>

#include "run_cli.h"
#include "slowpath/session.h"

namespace {

using cli_test::Result;
using cli_test::run_cli;

int count_lines(const std::string& s) {
    int lines = 0;
    for (char c : s) lines += c == '\n';
    return lines;
}

TEST(Cli, JsonContractForPlainGetpid) {
    Result r = run_cli("run --era v3.13 --syscall getpid --json");
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["era"], "v3.13");
    EXPECT_EQ(j["outcome"], "exited");
    EXPECT_EQ(j["exit_code"], 0);
    ASSERT_TRUE(j["focus"].is_number_integer());
    const auto& focus = j["syscalls"][j["focus"].get<int>()];
    EXPECT_EQ(focus["nr"], 39);
    EXPECT_EQ(focus["name"], "getpid");
    EXPECT_EQ(focus["exit"], "sysret");
    EXPECT_TRUE(focus["ret"].is_number_integer());
    EXPECT_TRUE(focus["path"].is_array());
    EXPECT_TRUE(focus["tif_checks"].is_array());
    EXPECT_NE(j["stdout"].get<std::string>().find("getpid"), std::string::npos);
}

TEST(Cli, JsonContractWithSignalAtExit) {
    Result r = run_cli("run --era rfc --syscall getpid --inject sigpending@exit --json");
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["era"], "rfc");
    const auto& focus = j["syscalls"][j["focus"].get<int>()];
    EXPECT_EQ(focus["exit"], "iret");
    bool saw_sigpending = false;
    for (const auto& c : focus["tif_checks"])
        saw_sigpending |= (c["flags"].get<unsigned>() & (1u << 2)) != 0;
    EXPECT_TRUE(saw_sigpending);
}

TEST(Cli, ExitGroupNeverReturns) {
    Result r = run_cli("run --syscall exit_group --json");
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    const auto& focus = j["syscalls"][j["focus"].get<int>()];
    EXPECT_TRUE(focus["exit"].is_null());
    EXPECT_EQ(j["outcome"], "exited");
}

TEST(Cli, ReadableTraceMarksCpuWork) {
    Result r = run_cli("run --syscall getpid");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("[cpu] SYSCALL getpid"), std::string::npos);
    EXPECT_NE(r.out.find("sysretq"), std::string::npos);
    EXPECT_NE(r.out.find("outcome: exited"), std::string::npos);
}

// --focus N moves the focus to the run's syscall #N: injections at exit
// land there, and the report's star and "focus" say so.
TEST(Cli, FocusPicksTheSyscallInjectionsApplyTo) {
    Result plain = run_cli("run --inject SIGPENDING@exit --json");
    Result moved = run_cli("run --focus 0 --inject SIGPENDING@exit --json");
    ASSERT_EQ(plain.status, 0) << plain.err;
    ASSERT_EQ(moved.status, 0) << moved.err;
    nlohmann::json a = nlohmann::json::parse(plain.out), b = nlohmann::json::parse(moved.out);
    ASSERT_EQ(b.at("focus"), 0);
    EXPECT_NE(a.at("focus"), 0);
    // The signal now comes at the exit of syscall #0 (rt_sigaction), which
    // leaves by iret, where without --focus #0 left by sysret.
    EXPECT_EQ(a.at("syscalls").at(0).at("exit"), "sysret");
    EXPECT_EQ(b.at("syscalls").at(0).at("name"), "rt_sigaction");
    EXPECT_EQ(b.at("syscalls").at(0).at("exit"), "iret");
    Result text = run_cli("run --focus 1");
    ASSERT_EQ(text.status, 0) << text.err;
    EXPECT_NE(text.out.find("* syscall #1: "), std::string::npos) << text.out;
}

struct BadArgs {
    const char* args;
    const char* mentions;
};

void PrintTo(const BadArgs& b, std::ostream* os) {
    *os << "'" << b.args << "'";
}

class CliBadInput : public testing::TestWithParam<BadArgs> {};

TEST_P(CliBadInput, OneLineErrorAndStatus2) {
    Result r = run_cli(GetParam().args);
    EXPECT_EQ(r.status, 2) << r.out << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(GetParam().mentions), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Errors, CliBadInput,
    testing::Values(
        BadArgs{"run --era v2.6", "v2.6"}, BadArgs{"run --syscall frobnicate", "frobnicate"},
        BadArgs{"run --inject SIGWHATEVER@exit", "SIGWHATEVER"},
        BadArgs{"run --inject SIGPENDING@later", "later"},
        BadArgs{"run --inject SIGPENDING", "SIGPENDING"},
        BadArgs{"run --inject SECCOMP@exit", "SECCOMP"}, BadArgs{"run --max-steps 0", "max-steps"},
        BadArgs{"run --max-steps -1", "-1"},
        BadArgs{"run --max-steps 18446744073709551616", "18446744073709551616"},
        BadArgs{"run --max-steps 0x10000000000000000", "0x10000000000000000"},
        BadArgs{"run --max-steps 12abc", "12abc"}, BadArgs{"run --max-steps 0x", "max-steps"},
        BadArgs{"run --syscall 0xzz", "0xzz"}, BadArgs{"run --syscall 1000000", "1000000"},
        BadArgs{"run --syscall 0x27x", "0x27x"}, BadArgs{"run --no-such-option", "no-such-option"},
        BadArgs{"run --focus two", "two"}, BadArgs{"run --focus -1", "-1"},
        BadArgs{"run --focus 1000001", "1000001"}, BadArgs{"run --focus 99", "made 5 syscalls"},
        BadArgs{"run --memory 1k", "at least 16M"}, BadArgs{"run --memory 2T", "'2T'"},
        BadArgs{"run --memory -1G", "'-1G'"}, BadArgs{"", "subcommand"}),
    [](const testing::TestParamInfo<BadArgs>& info) {
        std::string name = "case" + std::to_string(info.index) + "_" + info.param.mentions;
        for (char& c : name)
            if (!isalnum(static_cast<unsigned char>(c))) c = '_';
        return name;
    });

TEST(Cli, BrokenProgramIsOneLineNamingTheFile) {
    // A --program that cannot be loaded is a bad argument: status 2.
    std::string path = testing::TempDir() + "slowpath-cli-not-an-elf";
    std::ofstream(path) << "#!/bin/sh\necho hello\n";
    Result r = run_cli("run --program " + path);
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

// ---- hostile input (tests/data/hostile) --------------------------------------------

const std::string kHostile = std::string(SLOWPATH_TEST_DATA) + "/hostile";

void expect_one_line_status_2(const Result& r, const std::string& mentions) {
    EXPECT_EQ(r.status, 2) << r.out << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(mentions), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(CliHostile, ProgramWhoseSegmentOffsetWrapsIsRefused) {
    const std::string elf = kHostile + "/elf/offset-wraps.elf";
    expect_one_line_status_2(run_cli("run --program " + elf), elf + ": truncated");
}

TEST(CliHostile, ProgramWhoseSegmentSizeWrapsIsRefused) {
    const std::string elf = kHostile + "/elf/memsz-wraps.elf";
    expect_one_line_status_2(run_cli("run --program " + elf), elf + ": a segment at 0x400000");
}

TEST(CliHostile, ArgumentsTooLongForTheBootPage) {
    const std::string elf = kHostile + "/elf/prints-ff.elf";
    expect_one_line_status_2(run_cli("run --program " + elf + " --args " + std::string(4000, 'x')),
                             "too long");
}

TEST(CliHostile, JsonKeepsBytesThatAreNotUtf8Escaped) {
    // The guest writes "a", 0xff, "b".
    Result r = run_cli("run --program " + kHostile + "/elf/prints-ff.elf --json");
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["outcome"], "exited");
    EXPECT_EQ(j["stdout"], "a\\xffb");
    // The text report prints the byte itself.
    Result text = run_cli("run --program " + kHostile + "/elf/prints-ff.elf");
    ASSERT_EQ(text.status, 0) << text.err;
    EXPECT_NE(text.out.find("a\xff"
                            "b"),
              std::string::npos);
}

TEST(CliHostile, WalkJsonKeepsBytesThatAreNotUtf8Escaped) {
    Result r = run_cli("walk --json " + kHostile + "/walkthrough/bad-byte.yaml");
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["walkthroughs"].size(), 1u);
    const auto& w = j["walkthroughs"][0];
    EXPECT_EQ(w["title"], "A byte that is not UTF-8 \\xff in the title");
    // A Latin-1 byte, an overlong "/", a UTF-16 surrogate: escaped; real UTF-8 kept.
    EXPECT_EQ(w["runs"][0]["steps"][0]["narration"],
              "caf\\xe9 \\xc0\\xaf overlong, \\xed\\xa0\\x80 surrogate, fine: caf\xc3\xa9");
}

TEST(CliHostile, WalkJsonErrorsKeepBytesThatAreNotUtf8Escaped) {
    Result r = run_cli("walk --json " + kHostile + "/walkthrough/bad-byte-error.yaml");
    EXPECT_EQ(r.status, 2) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["passed"], false);
    bool found = false;
    for (const auto& e : j["errors"])
        found |= e["message"].get<std::string>().find("'sysret\\xfe'") != std::string::npos;
    EXPECT_TRUE(found) << r.out;
}

TEST(CliHostile, WalkErrorsAreOneLineEach) {
    // Keys quoted with a line break in them.
    const std::string file = kHostile + "/walkthrough/two-line-error.yaml";
    Result r = run_cli("walk " + file);
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(count_lines(r.err), 3) << r.err;
    size_t start = 0;
    while (start < r.err.size()) {
        EXPECT_EQ(r.err.compare(start, file.size(), file), 0) << r.err.substr(start);
        start = r.err.find('\n', start) + 1;
    }
    EXPECT_NE(r.err.find("unknown key 'to\\nwhere'"), std::string::npos) << r.err;
}

TEST(CliHostile, WalkWithAListNumberTooBigForAnInt) {
    // Found by fuzz_walkthrough: "12345678901. " made std::stoi throw, and walk aborted.
    Result r = run_cli("walk " + kHostile + "/walkthrough/long-list-number.yaml");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("123456789. the largest list number"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("12345678901. not a list item"), std::string::npos) << r.out;
}

TEST(CliHostile, WalkOfADirectory) {
    expect_one_line_status_2(run_cli("walk " + kHostile), kHostile + ": is a directory");
}

TEST(CliHostile, WalkOfAHugeFileIsBounded) {
    std::string path = testing::TempDir() + "slowpath-cli-huge.yaml";
    {
        std::ofstream out(path);
        out << "title: big\n# " << std::string(5 << 20, 'x') << "\n";
    }
    expect_one_line_status_2(run_cli("walk " + path), path + ": too large");
    std::remove(path.c_str());
}

TEST(CliHostile, WalkOfDevZeroEnds) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "no memory limit under AddressSanitizer; the huge-file test covers the bound";
#else
    // Bounded, so a regression fails instead of eating the machine's memory.
    Result r = run_cli("walk /dev/zero", "ulimit -v 4000000; timeout 60 ");
    expect_one_line_status_2(r, "/dev/zero: too large");
#endif
}

TEST(Cli, NumbersReadTheSameEverywhere) {
    // 0x27 is getpid, as 39 is.
    Result r = run_cli("run --syscall 0x27 --json");
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["syscalls"][j["focus"].get<int>()]["nr"], 39);
    Result hex_steps = run_cli("run --max-steps 0x10 --json");
    ASSERT_EQ(hex_steps.status, 0) << hex_steps.err;
    EXPECT_EQ(nlohmann::json::parse(hex_steps.out)["outcome"], "step-limit");
    // The largest count there is: the run ends on its own.
    Result most = run_cli("run --max-steps 18446744073709551615 --json");
    ASSERT_EQ(most.status, 0) << most.err;
    EXPECT_EQ(nlohmann::json::parse(most.out)["outcome"], "exited");
}

TEST(Cli, StepLimitIsAnOutcome) {
    Result r = run_cli("run --max-steps 50 --json");
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["outcome"], "step-limit");
}

}  // namespace

// ---- --tamper and --signal-action --------------------------------------------

// The same one-line error and status 2 as the options above.
INSTANTIATE_TEST_SUITE_P(
    Controls, CliBadInput,
    testing::Values(BadArgs{"run --tamper rbx=1", "rbx"}, BadArgs{"run --tamper rip", "REG=VALUE"},
                    BadArgs{"run --tamper rip=", "bad value"}, BadArgs{"run --tamper rip=-1", "-1"},
                    BadArgs{"run --tamper rip=0x10000000000000000", "0x10000000000000000"},
                    BadArgs{"run --tamper rcx=12abc", "12abc"},
                    BadArgs{"run --tamper cs=0x10", "ptrace refuses"},
                    BadArgs{"run --tamper ss=0", "ptrace refuses"},
                    BadArgs{"run --tamper rax=1 --tamper eflags=0xzz", "0xzz"},
                    BadArgs{"run --signal-action catch", "catch"},
                    BadArgs{"run --signal-action", "signal-action"}),
    [](const testing::TestParamInfo<BadArgs>& info) {
        std::string name = "case" + std::to_string(info.index) + "_" + info.param.mentions;
        for (char& c : name)
            if (!isalnum(static_cast<unsigned char>(c))) c = '_';
        return name;
    });

TEST(CliControls, TamperAndSignalActionInTheJson) {
    Result r = run_cli(
        "run --era modern --tamper rip=0x800000000000 --tamper rcx=0x800000000000 "
        "--signal-action block --json");
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["tampers"], nlohmann::json({"rip=0x800000000000", "rcx=0x800000000000"}));
    EXPECT_EQ(j["signal_action"], "block");
    const auto& focus = j["syscalls"][j["focus"].get<size_t>()];
    EXPECT_EQ(focus["exit"], "iret");
    EXPECT_NE(focus["why"].get<std::string>().find("rip < TASK_SIZE_MAX"), std::string::npos)
        << focus["why"];
    EXPECT_NE(focus["why"].get<std::string>().find("CVE-2012-0217"), std::string::npos)
        << focus["why"];
    EXPECT_EQ(j["outcome"], "fault");
}

// ---- a program run as strace runs it -----------------------------------------------

#ifdef SLOWPATH_PASSTHROUGH_PROGRAM
namespace {

const std::string kProgram = SLOWPATH_PASSTHROUGH_PROGRAM;

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(CliPassthrough, ArgumentsAfterDoubleDashMayStartWithADash) {
    Result r = run_cli("run --program " + kProgram + " -- 0 -m --json -- x", "</dev/null ");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "argv[1]=0\nargv[2]=-m\nargv[3]=--json\nargv[4]=--\nargv[5]=x\n");
    // --args still works.
    Result old = run_cli("run --program " + kProgram + " --args 0 y", "</dev/null ");
    EXPECT_EQ(old.out, "argv[1]=0\nargv[2]=y\n");
}

// `--` right after a repeatable option (--env, --inject, --tamper) ends the
// options, as it does after any other: what follows is the program's, even
// when it looks like an option of ours.
TEST(CliPassthrough, DoubleDashAfterEnvStartsTheProgramsArguments) {
    Result r = run_cli(
        "run --env K=V --program " + kProgram + " -o /dev/null --env L=W -- 0 -c 'echo hi' --env X",
        "</dev/null ");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "argv[1]=0\nargv[2]=-c\nargv[3]=echo hi\nargv[4]=--env\nargv[5]=X\n");
    Result inject =
        run_cli("run --program " + kProgram + " -o /dev/null --inject SIGPENDING@exit -- 0 -m",
                "</dev/null ");
    EXPECT_EQ(inject.status, 0) << inject.err;
    EXPECT_EQ(inject.out, "argv[1]=0\nargv[2]=-m\n");
}

TEST(CliPassthrough, StreamsAreTheProgramsAndTheReportGoesToStderrAfterThem) {
    Result r = run_cli("run --program " + kProgram + " -- 5", "</dev/null ");
    EXPECT_EQ(r.status, 5);
    EXPECT_EQ(r.out, "argv[1]=5\n");  // nothing of the report on stdout
    ASSERT_EQ(r.err.rfind("to stderr\n", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("outcome: exited (exited with status 5)"), std::string::npos) << r.err;
}

TEST(CliPassthrough, DashOWritesTheReportToAFile) {
    std::string report = testing::TempDir() + "slowpath-cli-report.txt";
    Result r = run_cli("run --program " + kProgram + " -o " + report + " -- 0", "</dev/null ");
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, "argv[1]=0\n");
    EXPECT_EQ(r.err, "to stderr\n");
    std::string text = slurp(report);
    EXPECT_NE(text.find("outcome: exited (exited with status 0)"), std::string::npos) << text;
    EXPECT_NE(text.find("exit_group (231)"), std::string::npos) << text;
}

TEST(CliPassthrough, StdinReachesTheProgram) {
    Result r = run_cli("run --program " + kProgram + " -o /dev/null -- 0 cat",
                       "printf 'piped\\nbytes' | ");
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, "argv[1]=0\nargv[2]=cat\npiped\nbytes");
}

TEST(CliPassthrough, KilledBySignalIs128PlusN) {
    Result r = run_cli("run --program " + kProgram + " -o /dev/null -- abort", "</dev/null ");
    EXPECT_EQ(r.status, 128 + 6);  // SIGABRT
    EXPECT_EQ(r.out, "argv[1]=abort\n");
}

TEST(CliPassthrough, AClosedReaderGivesTheProgramSigpipe) {
    // head leaves after 10 bytes; the program's next write finds no reader.
    std::string report = testing::TempDir() + "slowpath-cli-sigpipe.txt";
    std::string cmd = "bash -c '" + std::string(SLOWPATH_CLI) +
                      " run --max-steps 100000000 --program " + kProgram + " -o " + report +
                      " -- 0 flood </dev/null | head -c 10 >/dev/null; exit ${PIPESTATUS[0]}'";
    int st = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(st));
    EXPECT_EQ(WEXITSTATUS(st), 128 + 13);  // SIGPIPE, as on Linux
    // The program got it, not slowpath-cli: the report was written after the run.
    std::string text = slurp(report);
    EXPECT_NE(text.find("killed by SIGPIPE"), std::string::npos) << text;
}

TEST(CliPassthrough, JsonHoldsBothStreamsAndTheStatusIsTheProgramsToo) {
    Result r = run_cli("run --program " + kProgram + " --json -- 9", "</dev/null ");
    EXPECT_EQ(r.status, 9);
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["exit_code"], 9);
    EXPECT_EQ(j["stdout"], "argv[1]=9\n");
    EXPECT_EQ(j["stderr"], "to stderr\n");
    EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(CliPassthrough, BadRootIsOneLineStatus2) {
    expect_one_line_status_2(run_cli("run --program " + kProgram + " --root /no/such/dir"),
                             "--root: '/no/such/dir' is not a directory");
    expect_one_line_status_2(run_cli("run --program " + kProgram + " --root " + kProgram),
                             "is not a directory");
    expect_one_line_status_2(run_cli("run --root /tmp"), "--root needs a --program");
    expect_one_line_status_2(run_cli("run -- x"), "are for a --program");
}

// Time travel re-executes the program: it must neither read stdin again
// nor write its output again, and the output at a step is what it had
// written by then.
TEST(CliPassthrough, ReexecutionReplaysTheLoggedIo) {
    int in[2], out[2];
    ASSERT_EQ(pipe(in), 0);
    ASSERT_EQ(pipe(out), 0);
    const std::string data = "read once\n";
    ASSERT_EQ(write(in[1], data.data(), data.size()), static_cast<ssize_t>(data.size()));
    close(in[1]);
    fflush(stdout);
    int saved = dup(1);
    dup2(out[1], 1);
    close(out[1]);
    std::string at_end, at_middle, again;
    uint64_t last = 0;
    {
        slowpath::Scenario s;
        s.user_program = kProgram;
        s.user_args = {"0", "cat"};
        s.stdin_fd = in[0];
        s.stream_output = true;
        slowpath::Session session(s);
        last = session.last_step();
        session.seek(last);
        at_end = session.program_output(1);
        session.seek(0);
        EXPECT_EQ(session.program_output(1), "");
        session.seek(last / 2);
        at_middle = session.program_output(1);
        session.seek(last);
        again = session.console();
    }
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(in[0]);
    std::string streamed;
    char buf[256];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0) streamed.append(buf, static_cast<size_t>(n));
    close(out[0]);
    const std::string want = "argv[1]=0\nargv[2]=cat\n" + data;
    EXPECT_EQ(at_end, want);
    EXPECT_EQ(streamed, want);               // written to our stdout once, in the first run
    EXPECT_EQ(again, want + "to stderr\n");  // the console: both streams in order
    EXPECT_EQ(want.rfind(at_middle, 0), 0u) << at_middle;
    EXPECT_GT(last, 0u);
}

}  // namespace
#endif

// ---- --env -------------------------------------------------------------------------

// Each variable must be NAME=VALUE; one that does not fit the boot page is
// refused like a long argument, in one line.
TEST(CliEnv, BadVariablesAreOneLineAndStatus2) {
    const std::string elf = std::string(SLOWPATH_TEST_DATA) + "/hostile/elf/prints-ff.elf";
    for (const std::string& var : {std::string("NOEQUALS"), std::string("=value")}) {
        Result r = run_cli("run --program " + elf + " --env " + var);
        EXPECT_EQ(r.status, 2) << r.out << r.err;
        EXPECT_EQ(count_lines(r.err), 1) << r.err;
        EXPECT_NE(r.err.find("'" + var + "' is not NAME=VALUE"), std::string::npos) << r.err;
        EXPECT_TRUE(r.out.empty()) << r.out;
    }
    Result r = run_cli("run --program " + elf + " --env BIG=" + std::string(4000, 'x'));
    EXPECT_EQ(r.status, 2) << r.out << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("arguments and environment are too long"), std::string::npos) << r.err;
}

#ifdef SLOWPATH_GETPID_LOOP_PROGRAM
// A program of three million getpid calls, recorded whole (--summary-recorded)
// into 16 MiB: the recording stops when thinning can free no more, the
// program did not finish (125), and the summary says which bound it met.
TEST(Cli, MemoryBudgetStopsALongRunAsAStepLimit) {
    const std::string program =
        " --program " + std::string(SLOWPATH_GETPID_LOOP_PROGRAM) + " -- 3000000 0";
    const std::string run =
        "run --memory 16M --max-steps 0x10000000000 --summary "
        "--summary-recorded";
    Result text = run_cli(run + program);
    EXPECT_EQ(text.status, 125) << text.err;
    const std::string budget = "the recording reached its memory budget of 16 MiB (--memory)";
    EXPECT_NE(text.err.find("outcome: step-limit (stopped at "), std::string::npos) << text.err;
    EXPECT_NE(text.err.find(budget), std::string::npos) << text.err;
    Result json = run_cli(run + " --json" + program);
    EXPECT_EQ(json.status, 125) << json.err;
    auto j = nlohmann::json::parse(json.out);
    EXPECT_EQ(j["outcome"], "step-limit");
    EXPECT_NE(j["detail"].get<std::string>().find(budget), std::string::npos) << j["detail"];
    // Stopped short of the program's end: fewer calls than it would make.
    EXPECT_LT(j["total"]["calls"].get<int>(), 3'000'000);
    EXPECT_GT(j["total"]["calls"].get<int>(), 10'000);
}

// A long --summary run holds a bounded number of records: the rest are
// counted per name as it goes, and the counts are the whole run's.
TEST(CliSummary, ALongRunKeepsABoundedNumberOfRecords) {
    slowpath::Scenario s;
    s.user_program = SLOWPATH_GETPID_LOOP_PROGRAM;
    s.user_args = {"300000", "5"};
    s.max_steps = 1'000'000'000;
    const slowpath::Trace t = slowpath::run_summary(s, slowpath::kSummaryFoldEvery);
    ASSERT_EQ(t.outcome, slowpath::Outcome::Exited) << t.outcome_detail;
    EXPECT_LE(t.syscalls.size(), slowpath::kSummaryFoldEvery);
    EXPECT_GE(t.folded, 300'000u - slowpath::kSummaryFoldEvery);
    uint64_t getpid = 0, close_errors = 0;
    for (const slowpath::SyscallTally& f : t.folded_tallies)
        if (f.name.str() == "getpid") getpid += f.calls;
    for (const slowpath::SyscallRecord& r : t.syscalls) {
        getpid += r.name.str() == "getpid";
        close_errors += r.name.str() == "close" && r.ret == -9;  // EBADF
    }
    EXPECT_EQ(getpid, 300'000u);
    EXPECT_EQ(close_errors, 5u) << "the last calls are still records";
}

// --summary counts what the run did: a static program making 500 getpid
// calls and 7 close(-1) calls (EBADF) shows exactly those, beside the few
// calls musl's start-up and exit make, and the totals add up.
TEST(CliSummary, CountsEachSyscallOfAStaticProgram) {
    const std::string prog = SLOWPATH_GETPID_LOOP_PROGRAM;
    Result r = run_cli("run --summary --json --max-steps 50000000 --program " + prog + " -- 500 7");
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    std::map<std::string, nlohmann::json> rows;
    uint64_t calls = 0, errors = 0, sysret = 0, iret = 0, insns = 0;
    for (const auto& row : j["syscalls"]) {
        rows[row["name"].get<std::string>()] = row;
        calls += row["calls"].get<uint64_t>();
        errors += row["errors"].get<uint64_t>();
        sysret += row["sysret"].get<uint64_t>();
        iret += row["iret"].get<uint64_t>();
        insns += row["instructions"].get<uint64_t>();
    }
    ASSERT_EQ(rows.count("getpid"), 1u) << r.out;
    const auto& getpid = rows["getpid"];
    EXPECT_EQ(getpid["calls"], 500);
    EXPECT_EQ(getpid["errors"], 0);
    EXPECT_EQ(getpid["sysret"].get<uint64_t>() + getpid["iret"].get<uint64_t>(), 500u);
    // Each getpid is a few dozen to a few hundred guest instructions, never none.
    EXPECT_GE(getpid["instructions"].get<uint64_t>(), 500u * 20);
    ASSERT_EQ(rows.count("close"), 1u) << r.out;
    EXPECT_EQ(rows["close"]["calls"], 7);
    EXPECT_EQ(rows["close"]["errors"], 7);
    ASSERT_EQ(rows.count("exit_group"), 1u) << r.out;
    EXPECT_EQ(
        rows["exit_group"]["sysret"].get<uint64_t>() + rows["exit_group"]["iret"].get<uint64_t>(),
        0u);  // it never returns
    const auto& total = j["total"];
    EXPECT_EQ(total["name"], "total");
    EXPECT_EQ(total["calls"], calls);
    EXPECT_EQ(total["errors"], errors);
    EXPECT_EQ(total["sysret"], sysret);
    EXPECT_EQ(total["iret"], iret);
    EXPECT_EQ(total["instructions"], insns);
    EXPECT_EQ(total["calls"].get<uint64_t>(),
              total["sysret"].get<uint64_t>() + total["iret"].get<uint64_t>() + 1);

    // The text form: the same figures, a row per name and the totals last.
    Result t = run_cli("run --summary --max-steps 50000000 --program " + prog + " -- 500 7");
    ASSERT_EQ(t.status, 0) << t.err;
    std::istringstream lines(t.err);  // a program's report goes to stderr
    std::string line, last;
    bool saw_getpid = false;
    while (std::getline(lines, line)) {
        std::istringstream f(line);
        std::string share, name;
        uint64_t i = 0, per = 0, c = 0, e = 0, sr = 0, ir = 0;
        if (!(f >> share >> i >> per >> c >> e >> sr >> ir >> name)) continue;
        if (name == "getpid") {
            saw_getpid = true;
            EXPECT_EQ(c, 500u) << line;
            EXPECT_EQ(i, getpid["instructions"].get<uint64_t>()) << line;
        }
        last = name;
    }
    EXPECT_TRUE(saw_getpid) << t.err;
    EXPECT_EQ(last, "total") << t.err;
}

// The summary comes from a run that keeps no steps unless asked for the
// recorded one: both must print the same bytes (text and JSON, every era),
// the program's own output and exit status included.
struct SummaryCase {
    const char* name;
    std::string args;  // after `run --era E --summary`
};

std::vector<SummaryCase> summary_cases() {
    std::vector<SummaryCase> cases = {
        {"demo", ""},
        {"getpid_loop", "--max-steps 50000000 --program " +
                            std::string(SLOWPATH_GETPID_LOOP_PROGRAM) + " -- 700 9"},
#ifdef SLOWPATH_PROC_PIPE_PROGRAM
        {"proc_pipe", "--program " + std::string(SLOWPATH_PROC_PIPE_PROGRAM)},
        {"sig_restart", "--program " + std::string(SLOWPATH_SIG_RESTART_PROGRAM)},
#endif
#ifdef SLOWPATH_BUSYBOX
        {"busybox_sh", "--program " + std::string(SLOWPATH_BUSYBOX) +
                           " -- sh -c 'for i in 1 2 3; do echo line $i | cat; done; "
                           "echo to stderr >&2; exit 3'"},
#endif
    };
    return cases;
}

TEST(CliSummary, FastRunPrintsWhatTheRecordedOnePrints) {
    int compared = 0;
    for (const SummaryCase& c : summary_cases())
        for (const char* era : {"v3.13", "rfc", "modern"})
            for (const char* json : {"", " --json"}) {
                const std::string args =
                    "run --era " + std::string(era) + " --summary" + json + " " + c.args;
                SCOPED_TRACE(std::string(c.name) + " " + era + json);
                Result fast = run_cli(args);
                Result recorded = run_cli(args, "SLOWPATH_SUMMARY_RECORDED=1 ");
                Result flag =
                    run_cli("run --summary-recorded" + args.substr(std::string("run").size()));
                EXPECT_EQ(fast.status, recorded.status);
                EXPECT_EQ(fast.out, recorded.out);
                EXPECT_EQ(fast.err, recorded.err);
                EXPECT_EQ(flag.out, recorded.out);
                EXPECT_EQ(flag.err, recorded.err);
                // A real table: the totals row, and syscalls that took instructions.
                const std::string& table = *json ? fast.out : c.args.empty() ? fast.out : fast.err;
                EXPECT_NE(table.find("total"), std::string::npos) << table;
                if (*json) {
                    auto j = nlohmann::json::parse(fast.out);
                    EXPECT_GT(j["total"]["calls"].get<uint64_t>(), 1u);
                    EXPECT_GT(j["total"]["instructions"].get<uint64_t>(), 20u);
                }
                compared++;
            }
    EXPECT_GE(compared, 12);
}

// The records themselves: what the summary reads, the same from both runs,
// and the summary run kept no steps (it is not a recording in disguise).
TEST(CliSummary, SummaryRunKeepsTheRecordsAndNoSteps) {
    std::vector<std::pair<std::string, std::vector<std::string>>> programs = {
        {SLOWPATH_GETPID_LOOP_PROGRAM, {"40", "3"}}};
#ifdef SLOWPATH_SIG_RESTART_PROGRAM
    programs.push_back({SLOWPATH_SIG_RESTART_PROGRAM, {}});
#endif
    for (const auto& [program, args] : programs)
        for (slowpath::Era era :
             {slowpath::Era::V3_13, slowpath::Era::Rfc, slowpath::Era::Modern}) {
            SCOPED_TRACE(program + " " + std::string(slowpath::era_info(era).name));
            slowpath::Scenario s;
            s.era = era;
            s.user_program = program;
            s.user_args = args;
            s.max_steps = 50'000'000;
            const slowpath::Trace fast = slowpath::run_summary(s);
            EXPECT_EQ(fast.summary_fallback, "");  // followed by blocks throughout
            slowpath::Session session(s);
            const slowpath::Trace& t = session.trace();
            EXPECT_TRUE(fast.steps.empty());
            EXPECT_GT(t.steps.size(), 1000u);
            EXPECT_EQ(fast.outcome, t.outcome);
            EXPECT_EQ(fast.exit_code, t.exit_code);
            ASSERT_EQ(fast.syscalls.size(), t.syscalls.size());
            ASSERT_GT(t.syscalls.size(), 5u);
            int iret = 0;
            for (size_t k = 0; k < t.syscalls.size(); k++) {
                const slowpath::SyscallRecord &a = fast.syscalls[k], &b = t.syscalls[k];
                EXPECT_EQ(a.name, b.name) << k;
                EXPECT_EQ(a.nr, b.nr) << k;
                EXPECT_EQ(a.has_ret, b.has_ret) << k;
                EXPECT_EQ(a.ret, b.ret) << k;
                EXPECT_EQ(a.exit, b.exit) << k;
                EXPECT_EQ(a.entry_step, b.entry_step) << k;
                EXPECT_EQ(a.return_step, b.return_step) << k;
                iret += b.exit == slowpath::ExitKind::Iret;
            }
            (void)iret;
        }
    EXPECT_THROW(
        {
            slowpath::Scenario s;
            s.injections.push_back(slowpath::parse_injection("SIGPENDING@exit"));
            slowpath::run_summary(s);
        },
        std::invalid_argument);
}

// --memory-split: one table of what the recording holds, a row per part and
// the total; the parts add up to the total, each bytes/step is its bytes
// over the steps, and the step records cost what StepStore encodes them in
// (mostly a byte a step: more after jumps, a few bytes a block).
TEST(CliMemorySplit, PartsOfAGetpidLoopAddUp) {
    const std::string prog = SLOWPATH_GETPID_LOOP_PROGRAM;
    Result r = run_cli("run --memory-split --max-steps 50000000 --program " + prog + " -- 2000");
    ASSERT_EQ(r.status, 0) << r.err;
    std::istringstream lines(r.err);  // a program's report goes to stderr
    std::string line;
    std::map<std::string, std::pair<uint64_t, double>> parts;
    uint64_t steps = 0;
    while (std::getline(lines, line)) {
        if (line.rfind("part", 0) == 0) continue;
        // The part names may hold a space ("page versions"): the numbers are the last two.
        size_t b = line.find_first_of("0123456789");
        if (b == std::string::npos) continue;
        std::string name = line.substr(0, line.find_last_not_of(' ', b - 1) + 1);
        std::istringstream f(line.substr(b));
        uint64_t bytes = 0;
        double per = 0;
        if (name == "steps recorded" && (f >> steps)) continue;
        ASSERT_TRUE(f >> bytes >> per) << line;
        parts[name] = {bytes, per};
    }
    ASSERT_GT(steps, 2000u * 20) << r.err;
    for (const char* p : {"events", "steps", "syscalls", "page versions", "base pages",
                          "checkpoints", "other", "total"})
        ASSERT_EQ(parts.count(p), 1u) << p << "\n" << r.err;
    uint64_t sum = 0;
    for (const auto& [name, v] : parts) {
        if (name == "total") continue;
        sum += v.first;
        EXPECT_NEAR(v.second, static_cast<double>(v.first) / static_cast<double>(steps), 0.01)
            << name;
    }
    EXPECT_EQ(parts["total"].first, sum) << r.err;
    // The loop's step records repeat, and their blocks are compressed:
    // under a byte a step (a StepRecord is 24).
    EXPECT_GT(parts["steps"].second, 0.1) << r.err;
    EXPECT_LT(parts["steps"].second, 1.0) << r.err;
    // A checkpoint keeps a page only when it differs from the page's last
    // version: the loop writes its stack frames back the same each time
    // round. A copy of every page written, at each checkpoint, took 6.6
    // bytes a step here.
    EXPECT_GT(parts["page versions"].first, 0u) << r.err;
    EXPECT_LT(parts["page versions"].second, 4.0) << r.err;
    for (const char* p : {"events", "syscalls", "checkpoints"})
        EXPECT_GT(parts[p].first, 0u) << p << "\n" << r.err;

    Result bad = run_cli("run --memory-split --json");
    EXPECT_EQ(bad.status, 2) << bad.out << bad.err;
}
#endif
