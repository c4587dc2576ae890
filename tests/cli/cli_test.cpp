// slowpath-cli as a user meets it: the JSON contract, and one-line errors
// with exit status 2 for a bad command line.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace {

struct Result {
    int status = -1;
    std::string out, err;
};

Result run_cli(const std::string& args) {
    // One file per test: ctest runs tests in parallel.
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    for (char& c : name)
        if (c == '/') c = '_';
    std::string err_file = testing::TempDir() + "cli_stderr_" + name + ".txt";
    std::string cmd = std::string(SLOWPATH_CLI) + " " + args + " 2>" + err_file;
    Result r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream in(err_file);
    r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return r;
}

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

INSTANTIATE_TEST_SUITE_P(Errors, CliBadInput,
                         testing::Values(BadArgs{"run --era v2.6", "v2.6"},
                                         BadArgs{"run --syscall frobnicate", "frobnicate"},
                                         BadArgs{"run --inject SIGWHATEVER@exit", "SIGWHATEVER"},
                                         BadArgs{"run --inject SIGPENDING@later", "later"},
                                         BadArgs{"run --inject SIGPENDING", "SIGPENDING"},
                                         BadArgs{"run --inject SECCOMP@exit", "SECCOMP"},
                                         BadArgs{"run --max-steps 0", "max-steps"},
                                         BadArgs{"run --no-such-option", "no-such-option"},
                                         BadArgs{"", "subcommand"}),
                         [](const testing::TestParamInfo<BadArgs>& info) {
                             std::string name =
                                 "case" + std::to_string(info.index) + "_" + info.param.mentions;
                             for (char& c : name)
                                 if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                             return name;
                         });

TEST(Cli, BrokenProgramIsOneLineNamingTheFile) {
    std::string path = testing::TempDir() + "slowpath-cli-not-an-elf";
    std::ofstream(path) << "#!/bin/sh\necho hello\n";
    Result r = run_cli("run --program " + path);
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
}

TEST(Cli, StepLimitIsAnOutcome) {
    Result r = run_cli("run --max-steps 50 --json");
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["outcome"], "step-limit");
}

}  // namespace
