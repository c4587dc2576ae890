// Scenario lines: every scenario the table knows reads back as itself, the
// point shown survives the trip through a real run, and a bad part is named.
#include "slowpath/scenario_line.h"

#include <gtest/gtest.h>

#include "slowpath/scenario_table.h"
#include "slowpath/session.h"

namespace slowpath {
namespace {

bool same(const Scenario& a, const Scenario& b) {
    return scenario_line_text(a) == scenario_line_text(b) && a.era == b.era &&
           a.syscall_nr == b.syscall_nr && a.bad_pointer == b.bad_pointer &&
           a.injections.size() == b.injections.size() && a.tampers.size() == b.tampers.size() &&
           a.edits.size() == b.edits.size() && a.signal_action == b.signal_action;
}

TEST(ScenarioLine, TheShortFormReadsAsOneExpects) {
    Scenario s;
    s.era = Era::Rfc;
    s.injections = {parse_injection("SIGPENDING@exit")};
    ScenarioPoint at;
    at.kind = ScenarioPoint::Kind::Decision;
    EXPECT_EQ(scenario_line_text(s, at), "slowpath:rfc/getpid/SIGPENDING@exit/at=decision");
    EXPECT_EQ(scenario_command_line(s, at),
              "slowpath --era rfc --syscall getpid --inject SIGPENDING@exit --commands decision");
}

TEST(ScenarioLine, EveryTableRowInEveryEraRoundTrips) {
    for (const TableRow& row : table_rows())
        for (Era era : {Era::V3_13, Era::Rfc, Era::Modern}) {
            Scenario s = row_scenario(row, era);
            s.edits = {Edit{70000, "pt_regs.rcx", 0x1234}};
            for (ScenarioPoint::Kind kind :
                 {ScenarioPoint::Kind::Start, ScenarioPoint::Kind::Decision,
                  ScenarioPoint::Kind::Label, ScenarioPoint::Kind::Step}) {
                ScenarioPoint at;
                at.kind = kind;
                at.label = kind == ScenarioPoint::Kind::Label ? "sysret_check" : "";
                at.step = kind == ScenarioPoint::Kind::Step ? 67123 : 0;
                std::string text = scenario_line_text(s, at);
                ScenarioLine back = parse_scenario_line(text);
                EXPECT_TRUE(same(back.scenario, s)) << text;
                EXPECT_TRUE(back.at == at) << text;
                EXPECT_EQ(scenario_line_text(back.scenario, back.at), text);
            }
        }
}

TEST(ScenarioLine, ThePointOfARealRunIsFoundAgainInTheSameRun) {
    Scenario s;
    s.era = Era::Modern;
    s.injections = {parse_injection("NOTIFY_RESUME@exit")};
    Session session(s);
    const Trace& t = session.trace();
    ASSERT_GE(t.focus, 0);
    uint64_t start = t.syscalls[t.focus].entry_step;
    session.seek(start);
    EXPECT_EQ(point_of(t, start, start).kind, ScenarioPoint::Kind::Start);
    uint64_t decision = session.run_to_decision();
    ScenarioPoint at = point_of(t, start, decision);
    EXPECT_EQ(at.kind, ScenarioPoint::Kind::Decision);
    // The first label after the start is named by label; a later step by number.
    session.seek(start);
    session.next_label();
    uint64_t label_step = session.step();
    at = point_of(t, start, label_step);
    ASSERT_EQ(at.kind, ScenarioPoint::Kind::Label);
    EXPECT_FALSE(at.label.empty());
    at = point_of(t, start, label_step + 1);
    EXPECT_EQ(at.kind, ScenarioPoint::Kind::Step);
    EXPECT_EQ(at.step, label_step + 1);
}

TEST(ScenarioLine, ABadPartIsNamedInOneLine) {
    struct Case {
        const char* text;
        const char* says;
    } cases[] = {
        {"rfc/getpid", "starts with 'slowpath:'"},
        {"slowpath:rfc", "needs an era and a syscall"},
        {"slowpath:v2.6/getpid", "unknown era 'v2.6'"},
        {"slowpath:rfc/nosuchcall", "unknown syscall 'nosuchcall'"},
        {"slowpath:rfc/getpid/SIGPENDING@later", "part 'SIGPENDING@later'"},
        {"slowpath:rfc/getpid/NOPE@exit", "unknown TIF flag 'NOPE'"},
        {"slowpath:rfc/getpid/tamper:rbx=1", "part 'tamper:rbx=1'"},
        {"slowpath:rfc/getpid/signal:maybe", "signal:handler|ignore|block"},
        {"slowpath:rfc/getpid/edit:5:xmm0=1", "unknown register or pt_regs slot 'xmm0'"},
        {"slowpath:rfc/getpid/at=somewhere", "expected decision, start, label:NAME or step:N"},
        {"slowpath:rfc/getpid/at=decision/at=start", "a second at="},
        {"slowpath:rfc/getpid//at=decision", "empty part"},
    };
    for (const Case& c : cases) {
        try {
            parse_scenario_line(c.text);
            ADD_FAILURE() << c.text << " was taken";
        } catch (const std::invalid_argument& e) {
            std::string what = e.what();
            EXPECT_NE(what.find(c.says), std::string::npos) << c.text << ": " << what;
            EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        }
    }
}

// A scenario file (the setup part of a walkthrough) gives the scenario its
// line gives: era, syscall, injections at entry, at exit and now, a tamper,
// the signal action, an edit, the point.
TEST(ScenarioFile, GivesTheSameScenarioAsItsLine) {
    const std::string file =
        "# the setup part of a walkthrough\n"
        "era: rfc\n"
        "program: {syscall: getpid}\n"
        "setup:\n"
        "  - {inject: [SIGPENDING, NOTIFY_RESUME], at: exit}\n"
        "  - {inject: SYSCALL_AUDIT, at: entry}\n"
        "  - {tamper: {rcx: 0x800000000000}}\n"
        "at: decision\n";
    ASSERT_TRUE(looks_like_scenario_file(file));
    ScenarioLine from_file = parse_scenario_file(file, "s.yaml");
    ScenarioLine from_line =
        parse_scenario_line(scenario_line_text(from_file.scenario, from_file.at));
    EXPECT_TRUE(same(from_file.scenario, from_line.scenario));
    EXPECT_EQ(from_file.scenario.era, Era::Rfc);
    EXPECT_EQ(from_file.scenario.syscall_nr, 39);
    EXPECT_EQ(from_file.scenario.injections.size(), 3u);
    ASSERT_EQ(from_file.scenario.tampers.size(), 1u);
    EXPECT_EQ(tamper_text(from_file.scenario.tampers[0]), "rcx=0x800000000000");
    EXPECT_EQ(from_file.at.kind, ScenarioPoint::Kind::Decision);
    // The same scenario written as a line by hand.
    ScenarioLine by_hand = parse_scenario_line(
        "slowpath:rfc/getpid/SIGPENDING@exit/NOTIFY_RESUME@exit/SYSCALL_AUDIT@entry/"
        "tamper:rcx=0x800000000000/at=decision");
    EXPECT_EQ(scenario_line_text(from_file.scenario, from_file.at),
              scenario_line_text(by_hand.scenario, by_hand.at));
}

TEST(ScenarioFile, AWalkthroughIsNotOne) {
    EXPECT_FALSE(looks_like_scenario_file("title: t\nera: rfc\nsteps:\n  - move: end\n"));
    EXPECT_FALSE(looks_like_scenario_file("slowpath:rfc/getpid"));
    EXPECT_TRUE(looks_like_scenario_file("era: modern\nsetup: []\n"));
}

TEST(ScenarioFile, ABadOneIsOneLineNamingTheFile) {
    for (const char* text :
         {"era: rfc\nsetup:\n  - {inject: NO_SUCH, at: exit}\n",
          "era: rfc\nsetup: []\ncolour: red\n", "era: [rfc, modern]\nsetup: []\n",
          "era: rfc\nsetup: []\nat: nowhere\n", "era: rfc\nsetup: [\n"}) {
        try {
            parse_scenario_file(text, "bad.yaml");
            ADD_FAILURE() << "accepted: " << text;
        } catch (const std::invalid_argument& e) {
            std::string what = e.what();
            EXPECT_EQ(what.rfind("bad.yaml", 0), 0u) << what;
            EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        }
    }
}

}  // namespace
}  // namespace slowpath
