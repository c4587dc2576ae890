// Hostile ring-3 programs (programs/hostile.c) in both eras: each must end
// the way Linux ends it, a signal or an exit status, with the guest kernel
// intact. Where running the case on this machine is meaningful, the program
// also runs natively and must end the same way.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <slowpath/abi.h>
#include <slowpath/session.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using slowpath::Era;
using slowpath::EventKind;
using slowpath::Outcome;

// How a run ended: killed by a signal, or exited with a status.
struct End {
    int signal = 0;
    int status = 0;
    bool operator==(const End& o) const { return signal == o.signal && status == o.status; }
};

std::string show(const End& e) {
    return e.signal ? std::string("killed by ") + strsignal(e.signal)
                    : "exit status " + std::to_string(e.status);
}

End killed(int sig) {
    return {sig, 0};
}
End exited(int status) {
    return {0, status};
}

struct GuestRun {
    End end;
    std::string detail;
    std::vector<slowpath::Event> faults;  // [cpu] exception deliveries
};

int signal_number(const std::string& name) {
    static const std::pair<const char*, int> names[] = {
        {"SIGILL", SIGILL},   {"SIGTRAP", SIGTRAP}, {"SIGBUS", SIGBUS},  {"SIGFPE", SIGFPE},
        {"SIGSEGV", SIGSEGV}, {"SIGKILL", SIGKILL}, {"SIGUSR1", SIGUSR1}};
    for (const auto& [n, v] : names)
        if (name == n) return v;
    return -1;
}

GuestRun run_guest(Era era, const std::vector<std::string>& args) {
    slowpath::Scenario s;
    s.era = era;
    s.user_program = HOSTILE_PROGRAM;
    s.user_args = args;
    s.max_steps = 3'000'000;
    slowpath::Session session(s);
    const slowpath::Trace& t = session.trace();
    GuestRun r;
    r.detail = t.outcome_detail;
    const std::string killed_prefix = "the program was killed by ";
    if (t.outcome == Outcome::Exited)
        r.end = exited(t.exit_code);
    else if (t.outcome == Outcome::Fault && t.outcome_detail.rfind(killed_prefix, 0) == 0)
        r.end = killed(signal_number(t.outcome_detail.substr(killed_prefix.size())));
    else
        r.end = {-1, -1};  // a kernel oops, a machine fault, a step limit: never right
    for (const auto& e : t.events)
        if (e.kind == EventKind::Fault && e.by_cpu) r.faults.push_back(e);
    return r;
}

End run_native(const std::vector<std::string>& args) {
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none);  // no core files from the expected crashes
        // A regular file, not /dev/null: writes must really read the buffer.
        std::string out = testing::TempDir() + "hostile_native_" + std::to_string(getpid());
        int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        unlink(out.c_str());
        dup2(fd, 1);
        dup2(fd, 2);
        std::vector<char*> argv = {const_cast<char*>(HOSTILE_PROGRAM)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(HOSTILE_PROGRAM, argv.data());
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st)) return killed(WTERMSIG(st));
    return exited(WEXITSTATUS(st));
}

bool any_fault_mentions(const GuestRun& r, const std::string& text) {
    for (const auto& e : r.faults)
        if (e.text().find(text) != std::string::npos) return true;
    return false;
}

// ---------------------------------------------------------------------------

struct Case {
    const char* name;
    End linux_end;                   // what Linux (v3.13 on this machine's CPU model) does
    bool native;                     // run it here too and expect the same
    const char* cpu_text = nullptr;  // a [cpu] fault whose text has this
};

const Case kCases[] = {
    // privileged instructions: #GP (or #UD) from Unicorn itself
    {"hlt", killed(SIGSEGV), true},
    {"cli", killed(SIGSEGV), true},
    {"sti", killed(SIGSEGV), true},
    {"rdmsr", killed(SIGSEGV), true},
    {"wrmsr", killed(SIGSEGV), true},
    {"read_cr0", killed(SIGSEGV), true},
    {"read_cr3", killed(SIGSEGV), true},
    {"write_cr0", killed(SIGSEGV), true},
    {"write_cr3", killed(SIGSEGV), true},
    {"write_cr4", killed(SIGSEGV), true},
    {"read_dr7", killed(SIGSEGV), true},
    {"write_dr7", killed(SIGSEGV), true},
    {"lgdt", killed(SIGSEGV), true},
    {"lidt", killed(SIGSEGV), true},
    {"lldt", killed(SIGSEGV), true},
    {"ltr", killed(SIGSEGV), true},
    {"lmsw", killed(SIGSEGV), true},
    {"clts", killed(SIGSEGV), true},
    {"invd", killed(SIGSEGV), true},
    {"wbinvd", killed(SIGSEGV), true},
    {"invlpg", killed(SIGSEGV), true},
    {"swapgs", killed(SIGSEGV), true},
    {"sysretq", killed(SIGSEGV), true},
    {"ud2", killed(SIGILL), true},
    {"popf_iopl", exited(0), true},
    {"popf_if", exited(0), true},
    {"rdtsc", exited(0), true},
    // Not privileged before UMIP (2014's CPUs; Unicorn's CR4.UMIP is clear).
    // This machine's CPU may have UMIP, and its Linux then sends SIGSEGV.
    {"sgdt", exited(0), false},
    {"into", killed(SIGILL), true},
    // the engine's own checks
    {"in_imm", killed(SIGSEGV), true, "with IOPL 0"},
    {"in_dx", killed(SIGSEGV), true, "in port 0x3f8"},
    {"in_dx16", killed(SIGSEGV), true, "in port 0xcf8"},
    {"out_imm", killed(SIGSEGV), true, "out port 0x80"},
    {"out_dx", killed(SIGSEGV), true, "out port 0x3f8"},
    {"out_dx32", killed(SIGSEGV), true, "out port 0xcf8"},
    {"insb", killed(SIGSEGV), true, "ins port 0x60"},
    {"outsb", killed(SIGSEGV), true, "outs port 0x60"},
    {"rep_outsw", killed(SIGSEGV), true, "outs port 0x60"},
    // sysexit at CPL 3: #GP, which the Intel model raises itself
    {"sysexit", killed(SIGSEGV), true, nullptr},
    {"icebp", killed(SIGTRAP), true, "icebp"},
    // sysenter: #GP in 64-bit mode on Intel (the emulated CPU's vendor)
    // while IA32_SYSENTER_CS is 0; AMD CPUs give #UD. The host's Linux has
    // 32-bit emulation and enters its compat entry: no native comparison.
    {"sysenter", killed(SIGSEGV), false, "sysenter with IA32_SYSENTER_CS = 0"},
    // segments and far transfers to ring 0
    {"mov_ss_kernel", killed(SIGSEGV), true},
    {"mov_ds_kernel", killed(SIGSEGV), true},
    {"mov_ds_tss", killed(SIGSEGV), true},
    {"iretq_cs10", killed(SIGSEGV), true},
    {"iretq_cs13", killed(SIGSEGV), true},
    {"iretq_ss18", killed(SIGSEGV), true},
    {"lret_cs10", killed(SIGSEGV), true},
    {"ljmp_cs10", killed(SIGSEGV), true},
    {"lcall_cs10", killed(SIGSEGV), true},
    {"ljmp_tss", killed(SIGSEGV), true},
    {"lcall_tss", killed(SIGSEGV), true},
    // compatibility mode (CS 0x23): the probe's hlt only runs in 32-bit code
    {"probe64", killed(SIGILL), true},
    {"ljmp_compat", killed(SIGSEGV), true},
    {"lret_compat", killed(SIGSEGV), true},
    {"iretq_compat", killed(SIGSEGV), true},
    // Linux here has 32-bit emulation: a compat syscall, not a signal.
    {"compat_syscall", killed(SIGILL), false, "syscall in compatibility mode"},
    // int $0x80 is a 32-bit system call in both kernels; the hlt after it
    // is #GP in ring 3.
    {"compat_int80", killed(SIGSEGV), true},
    // software interrupts
    {"int3_resume", exited(0), true},
    // the kernel's memory
    {"read_kernel", killed(SIGSEGV), true},
    {"write_kernel", killed(SIGSEGV), true},
    {"write_kernel_data", killed(SIGSEGV), true},
    {"write_boot_params", killed(SIGSEGV), true},
    {"exec_kernel", killed(SIGSEGV), true},
    {"null", killed(SIGSEGV), true},
    // garbage for every system call that takes a pointer, brk into the kernel
    {"bad_pointers", exited(0), true},
    // forged signal frames: rt_sigreturn sanitizes CS and RFLAGS
    {"sigreturn_cs10", killed(SIGSEGV), true},
    {"sigreturn_cs23", killed(SIGSEGV), true},
    {"sigreturn_cs33probe", killed(SIGILL), true},
    {"sigreturn_iopl3", exited(0), true},
    {"sigreturn_iopl3cli", killed(SIGSEGV), true},
    {"sigreturn_if0", exited(0), true},
    {"sigreturn_tf", killed(SIGTRAP), true},
    {"sigreturn_kernelrip", killed(SIGSEGV), true},
    {"sigreturn_highrip", killed(SIGSEGV), true},
    {"sigreturn_noncanonical", killed(SIGSEGV), true},
};

struct Param {
    Era era;
    const Case* c;
};

std::string param_name(const testing::TestParamInfo<Param>& info) {
    return std::string(info.param.era == Era::V3_13 ? "v3_13_" : "rfc_") + info.param.c->name;
}

std::vector<Param> all_params() {
    std::vector<Param> out;
    for (Era era : {Era::V3_13, Era::Rfc})
        for (const Case& c : kCases) out.push_back({era, &c});
    return out;
}

class Hostile : public testing::TestWithParam<Param> {};

TEST_P(Hostile, EndsAsLinuxEndsIt) {
    const Case& c = *GetParam().c;
    GuestRun g = run_guest(GetParam().era, {c.name});
    EXPECT_EQ(show(g.end), show(c.linux_end)) << g.detail;
    EXPECT_EQ(g.detail.find("oops"), std::string::npos) << g.detail;
    if (c.cpu_text) {
        EXPECT_TRUE(any_fault_mentions(g, c.cpu_text)) << "no [cpu] step for it";
    }
    if (c.native && GetParam().era == Era::V3_13) {
        EXPECT_EQ(show(run_native({c.name})), show(c.linux_end)) << "natively";
    }
}

INSTANTIATE_TEST_SUITE_P(Cases, Hostile, testing::ValuesIn(all_params()), param_name);

// A user-mode #GP is taken in ring 3's name: the frame's RIP is the user's.
TEST(HostileCpl, FailedIretqToKernelCsFaultsInUserMode) {
    for (const char* name : {"iretq_cs10", "lret_cs10", "sigreturn_cs10"}) {
        GuestRun g = run_guest(Era::V3_13, {name});
        bool user_gp = false, kernel_gp = false;
        for (const auto& e : g.faults)
            if (e.a[0] == 13) (e.rip >= SP_USER_BASE ? user_gp : kernel_gp) = true;
        if (std::string(name) == "sigreturn_cs10") {
            // Here the kernel's own iretq fails on the sanitized CS 0x13.
            EXPECT_TRUE(kernel_gp) << name;
        } else {
            EXPECT_TRUE(user_gp) << name;
        }
        EXPECT_EQ(g.end, killed(SIGSEGV)) << name << ": " << g.detail;
    }
}

// Compatibility mode is really entered, and left for the kernel again:
// the #GP comes from the probe's hlt, which only 32-bit code reaches.
TEST(HostileCompat, CompatModeRunsThirtyTwoBitCode) {
    for (const char* name : {"ljmp_compat", "lret_compat", "iretq_compat", "sigreturn_cs23"}) {
        slowpath::Scenario s;
        s.user_program = HOSTILE_PROGRAM;
        s.user_args = {name};
        slowpath::Session session(s);
        auto probe = session.machine().user().symbol_addr("mode_probe");
        ASSERT_TRUE(probe);
        bool at_hlt = false;
        for (const auto& e : session.trace().events)
            if (e.kind == EventKind::Fault && e.by_cpu && e.a[0] == 13 && e.rip == *probe + 6)
                at_hlt = true;
        EXPECT_TRUE(at_hlt) << name << ": " << session.trace().outcome_detail;
        EXPECT_EQ(session.trace().outcome_detail, "the program was killed by SIGSEGV") << name;
    }
}

// Item 8: a range above the user limit must be refused by access_ok itself,
// not by a page fault the exception table happens to catch.
TEST(HostileUaccess, AccessOkRefusesRangesAboveTheUserLimit) {
    for (Era era : {Era::V3_13, Era::Rfc}) {
        GuestRun g = run_guest(era, {"bad_pointers"});
        EXPECT_EQ(g.end, exited(0)) << g.detail;
        for (const auto& e : g.faults)
            EXPECT_GE(e.rip, uint64_t(SP_USER_BASE))
                << "the kernel touched a bad user pointer: " << e.text();
    }
}

// Every `int $N`, with a SIGSEGV handler that checks what Linux reports:
// trap 13 and error code N*8+2 for a gate ring 3 may not use.
struct IntGroup {
    Era era;
    int first;
};

class HostileInt : public testing::TestWithParam<IntGroup> {};

TEST_P(HostileInt, EveryVectorEndsAsLinuxEndsIt) {
    for (int v = GetParam().first; v < GetParam().first + 32; v++) {
        // 3: int3's gate has DPL 3 (SIGTRAP); 4: so has into's (#OF, the
        // handler sees trap 4, status 104); 0x80: the 32-bit system call
        // (its gate has DPL 3 too), after which the program returns 2. The
        // rest: #GP(v*8+2), status 0.
        bool user_gate = v == 3 || v == 4 || v == 0x80;
        End want = v == 3      ? killed(SIGTRAP)
                   : v == 4    ? exited(104)
                   : v == 0x80 ? exited(2)
                               : exited(0);
        std::string arg = std::to_string(v);
        GuestRun g = run_guest(GetParam().era, {"int_errcode", arg});
        EXPECT_EQ(show(g.end), show(want)) << "int $" << v << ": " << g.detail;
        if (!user_gate) {
            EXPECT_TRUE(any_fault_mentions(g, "gate's DPL is below the CPL")) << "int $" << v;
        }
        if (GetParam().era == Era::V3_13) {
            EXPECT_EQ(show(run_native({"int_errcode", arg})), show(want)) << "natively, int $" << v;
        }
    }
}

std::vector<IntGroup> int_groups() {
    std::vector<IntGroup> out;
    for (Era era : {Era::V3_13, Era::Rfc})
        for (int first = 0; first < 256; first += 32) out.push_back({era, first});
    return out;
}

INSTANTIATE_TEST_SUITE_P(Vectors, HostileInt, testing::ValuesIn(int_groups()),
                         [](const testing::TestParamInfo<IntGroup>& info) {
                             return std::string(info.param.era == Era::V3_13 ? "v3_13_" : "rfc_") +
                                    std::to_string(info.param.first) + "_" +
                                    std::to_string(info.param.first + 31);
                         });

// Killed by default action for a few vectors, no handler in the way.
TEST(HostileIntDefault, RefusedVectorsKillWithSigsegv) {
    for (const char* v : {"0", "1", "8", "13", "14", "18", "32", "128", "255"}) {
        // 128 is the 32-bit system call: the program goes on and exits 0.
        End want = std::string(v) == "128" ? exited(0) : killed(SIGSEGV);
        GuestRun g = run_guest(Era::V3_13, {"int", v});
        EXPECT_EQ(g.end, want) << "int $" << v << ": " << g.detail;
        EXPECT_EQ(run_native({"int", v}), want) << v;
    }
}

}  // namespace
