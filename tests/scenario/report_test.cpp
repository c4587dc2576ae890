// The JSON report tells the same story as the derived routes.
#include "slowpath/report.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "route_match.h"
#include "slowpath/session.h"

namespace slowpath {
namespace {

using testing::join;
using testing::Names;

Names labels_of(const nlohmann::json& record) {
    Names path;
    for (const auto& p : record.at("path")) path.push_back(p.get<std::string>());
    return testing::only_labels(path);
}

const nlohmann::json& focus_record(const nlohmann::json& j) {
    const int focus = j.at("focus").get<int>();
    EXPECT_GE(focus, 0);
    return j.at("syscalls").at(static_cast<size_t>(focus));
}

TEST(Report, PlainGetpidOnV313) {
    Scenario sc;
    sc.era = Era::V3_13;
    Session s(sc);
    const nlohmann::json j = report_json(s);
    EXPECT_EQ(j.at("era"), "v3.13");
    EXPECT_EQ(j.at("outcome"), "exited");
    EXPECT_EQ(j.at("exit_code"), 0);
    const std::string out = j.at("stdout").get<std::string>();
    EXPECT_NE(out.find("demo: getpid returned 1"), std::string::npos) << out;

    const auto& f = focus_record(j);
    EXPECT_EQ(f.at("nr"), 39);
    EXPECT_EQ(f.at("name"), "getpid");
    EXPECT_EQ(f.at("ret"), 1);
    EXPECT_EQ(f.at("exit"), "sysret");
    EXPECT_EQ(join(labels_of(f)),
              "system_call system_call_after_swapgs system_call_fastpath ret_from_sys_call "
              "sysret_check");
    ASSERT_TRUE(f.at("tif_checks").is_array());
    EXPECT_FALSE(f.at("tif_checks").empty());

    // Every syscall record has the contract's fields.
    for (const auto& rec : j.at("syscalls")) {
        for (const char* key : {"nr", "name", "ret", "path", "exit", "tif_checks"})
            EXPECT_TRUE(rec.contains(key)) << key << " missing in " << rec.dump();
    }
}

TEST(Report, SignalOnRfcLeavesByIret) {
    Scenario sc;
    sc.era = Era::Rfc;
    sc.injections = {parse_injection("SIGPENDING@exit")};
    Session s(sc);
    const nlohmann::json j = report_json(s);
    EXPECT_EQ(j.at("era"), "rfc");
    EXPECT_EQ(j.at("outcome"), "exited");
    const auto& f = focus_record(j);
    EXPECT_EQ(f.at("exit"), "iret");
    EXPECT_EQ(join(labels_of(f)),
              "system_call system_call_after_swapgs system_call_fastpath ret_from_sys_call "
              "sysret_check sysret_careful sysret_using_iret int_with_check retint_swapgs "
              "restore_args irq_return");
    const std::string out = j.at("stdout").get<std::string>();
    EXPECT_NE(out.find("demo: SIGUSR1 handler ran"), std::string::npos) << out;
}

TEST(Report, RfcTraceAtExitIsALivelockWithNoExit) {
    Scenario sc;
    sc.era = Era::Rfc;
    sc.injections = {parse_injection("SYSCALL_TRACE@exit")};
    Session s(sc);
    const nlohmann::json j = report_json(s);
    EXPECT_EQ(j.at("outcome"), "livelock");
    const auto& f = focus_record(j);
    EXPECT_TRUE(f.at("exit").is_null()) << f.at("exit").dump();
}

// The modern era: the JSON says why in do_syscall_64's words, and the
// handler's rt_sigreturn leaves by sysret because every check passes.
TEST(Report, ModernSignalNamesTheFailedSysretCheck) {
    Scenario sc;
    sc.era = Era::Modern;
    sc.injections = {parse_injection("SIGPENDING@exit")};
    Session s(sc);
    const nlohmann::json j = report_json(s);
    EXPECT_EQ(j.at("era"), "modern");
    const auto& f = focus_record(j);
    EXPECT_EQ(f.at("exit"), "iret");
    const std::string why = f.at("why").get<std::string>();
    EXPECT_NE(why.find("SYSRET check rcx == rip failed"), std::string::npos) << why;
    bool sigreturn_by_sysret = false;
    for (const auto& rec : j.at("syscalls"))
        if (rec.at("nr") == 15) {
            sigreturn_by_sysret = rec.at("exit") == "sysret";
            const std::string w = rec.at("why").get<std::string>();
            EXPECT_NE(w.find("all SYSRET checks passed"), std::string::npos) << w;
        }
    EXPECT_TRUE(sigreturn_by_sysret);
}

TEST(Report, ModernPlainGetpidPassesEveryCheck) {
    Scenario sc;
    sc.era = Era::Modern;
    Session s(sc);
    const nlohmann::json j = report_json(s);
    const auto& f = focus_record(j);
    EXPECT_EQ(f.at("exit"), "sysret");
    EXPECT_EQ(f.at("ret"), 1);
    EXPECT_EQ(join(labels_of(f)),
              "entry_SYSCALL_64 entry_SYSCALL_64_safe_stack entry_SYSCALL_64_after_hwframe "
              "syscall_return_via_sysret entry_SYSRETQ_unsafe_stack");
    EXPECT_EQ(f.at("why"), "do_syscall_64() returned true: all SYSRET checks passed");
    // The C path is in the record, not only the stub's labels.
    Names path;
    for (const auto& p : f.at("path")) path.push_back(p.get<std::string>());
    EXPECT_TRUE(
        testing::is_subsequence({"do_syscall_64", "syscall_enter_from_user_mode", "sys_getpid",
                                 "syscall_exit_to_user_mode", "exit_to_user_mode_prepare"},
                                path))
        << join(path);
}

}  // namespace
}  // namespace slowpath

namespace slowpath {
namespace {

// A number the kernel has no handler for is flagged: in the record, in the
// JSON report (per call and in the summary list) and in the text report.
// io_pgetevents (333) is in the table as sys_ni_syscall; 500 is past the table
// (badsys in the old eras). uname (63) is implemented: the demo's NULL
// buffer makes it fail with -EFAULT, which is no reason to flag it.
TEST(Report, UnimplementedSyscallsAreFlagged) {
    for (Era era : {Era::V3_13, Era::Rfc, Era::Modern}) {
        for (long nr : {333L, 500L, 63L}) {
            Scenario sc;
            sc.era = era;
            sc.syscall_nr = nr;
            Session s(sc);
            const bool missing = nr != 63;
            const SyscallRecord& r = s.trace().syscalls.at(static_cast<size_t>(s.trace().focus));
            EXPECT_EQ(r.nr, nr);
            EXPECT_EQ(r.ret, missing ? -38 : -14) << era_info(era).name << " nr " << nr;
            EXPECT_EQ(r.unimplemented, missing) << era_info(era).name << " nr " << nr;

            const nlohmann::json j = report_json(s);
            EXPECT_EQ(focus_record(j).at("unimplemented"), missing);
            const nlohmann::json& list = j.at("unimplemented");
            ASSERT_TRUE(list.is_array());
            bool listed = false;
            for (const auto& e : list) listed |= e.at("nr") == nr;
            EXPECT_EQ(listed, missing) << list.dump();
            // The demo's own calls (write, rt_sigaction...) are all implemented.
            EXPECT_EQ(list.size(), missing ? 1u : 0u) << list.dump();

            const std::string text = report_text(s);
            EXPECT_EQ(text.find("(ENOSYS: not implemented)") != std::string::npos, missing);
            EXPECT_EQ(text.find("not implemented (returned -ENOSYS): ") != std::string::npos,
                      missing);
        }
    }
}

// The streamed reports are the whole documents, byte for byte: the JSON
// with its syscalls spliced in one by one, the text written as it goes.
TEST(Report, StreamedReportsAreTheWholeDocuments) {
    for (Era era : {Era::V3_13, Era::Rfc, Era::Modern}) {
        Scenario sc;
        sc.era = era;
        sc.injections.push_back(parse_injection("SIGPENDING@exit"));
        Session s(sc);
        ASSERT_GT(s.trace().syscalls.size(), 3u);
        std::ostringstream json_out, text_out;
        write_report_json(s, json_out);
        EXPECT_EQ(json_out.str(), report_json(s).dump(2) + "\n") << era_info(era).name;
        // And it parses back to the same document.
        EXPECT_EQ(nlohmann::json::parse(json_out.str()), report_json(s));
        write_report_text(s, text_out);
        EXPECT_EQ(text_out.str(), report_text(s));
        // `fix` reaches every piece, the syscalls' too.
        std::ostringstream fixed_out;
        int pieces = 0;
        write_report_json(s, fixed_out, [&](nlohmann::json&) { pieces++; });
        EXPECT_EQ(pieces, 1 + static_cast<int>(s.trace().syscalls.size()));
    }
}

}  // namespace
}  // namespace slowpath
