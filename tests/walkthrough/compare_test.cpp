// Walkthrough steps that set up a contrast or a screen: compare (two sides,
// each judged by left:/right:), ghost routes, the lesson's and a page's view,
// and ask shots, parsed and run against the machine.
#include <gtest/gtest.h>

#include <string>

#include "parse_problems.h"
#include "slowpath/walkthrough.h"

namespace slowpath {
namespace {

using namespace walkthrough_test;

Walkthrough parse(const std::string& text, const LoadOptions& options = builtin_names()) {
    return parse_walkthrough(text, "test.yaml", options);
}

// ---- compare, ghost, view and ask shots -----------------------------------------------------

TEST(WalkthroughLoad, CompareGhostViewAndAskShotParse) {
    Walkthrough w = parse(R"(
title: t
era: v3.13
program: {syscall: getpid}
view: {size: 1280x720, presenter: true, compare: false}
steps:
  - compare:
      left: {inject: NEED_RESCHED, at: exit}
      right: "slowpath:rfc/getpid/SIGPENDING@exit"
  - expect:
      left: {at: sysret_careful}
      right: {at: sysret_using_iret}
      exit: iret
  - setup: {restart: true, inject: SIGPENDING, at: exit, ghost: true}
  - ask: {question: q, choices: [a, b], answer: a, shoot: q.png}
  - compare: off
)");
    EXPECT_EQ(w.view.width, 1280);
    EXPECT_EQ(w.view.height, 720);
    EXPECT_EQ(w.view.presenter, true);
    EXPECT_EQ(w.view.compare, false);
    const auto& steps = w.plans[0].steps;
    ASSERT_EQ(steps.size(), 5u);
    EXPECT_EQ(steps[0].kind, StepKind::Compare);
    ASSERT_EQ(steps[0].compare.left.setup.inject.size(), 1u);
    ASSERT_TRUE(steps[0].compare.right.line);
    EXPECT_EQ(steps[0].compare.right.line->era, Era::Rfc);
    EXPECT_EQ(steps[0].describe(),
              "compare inject NEED_RESCHED at exit with rfc/getpid/SIGPENDING@exit");
    // A right: name is checked against the right side's era (sysret_using_iret is the RFC's).
    ASSERT_EQ(steps[1].expectations.size(), 3u);
    EXPECT_EQ(steps[1].expectations[0].side, Expectation::Side::Left);
    EXPECT_EQ(steps[1].expectations[1].side, Expectation::Side::Right);
    EXPECT_EQ(steps[1].expectations[2].side, Expectation::Side::Both);
    EXPECT_TRUE(steps[2].setup.ghost);
    EXPECT_EQ(steps[3].question.shot, "q.png");
    EXPECT_TRUE(steps[4].compare.off);
}

// `view: {panels}` and view steps: the view in force at each step is the
// header's with every view step so far on top; a view step takes no size.
TEST(WalkthroughLoad, PanelsAndAViewStepPerPage) {
    Walkthrough w = parse(R"(
title: t
era: v3.13
program: {syscall: getpid}
view: {size: 1280x720, panels: [path, stack]}
steps:
  - move: {to: focus}
  - say: one
  - view: {panels: [code, regs], presenter: true}
  - say: two
  - view: {panels: stack}
)");
    const auto& steps = w.plans[0].steps;
    ASSERT_EQ(steps.size(), 5u);
    EXPECT_EQ(steps[2].kind, StepKind::View);
    EXPECT_EQ(steps[2].describe(), "view: presenter, panels code, regs");
    EXPECT_EQ(w.view_at(0, 1).panels, (std::vector<std::string>{"path", "stack"}));
    EXPECT_FALSE(w.view_at(0, 1).presenter);
    ViewSettings second = w.view_at(0, 3);
    EXPECT_EQ(second.panels, (std::vector<std::string>{"code", "regs"}));
    EXPECT_EQ(second.presenter, true);
    EXPECT_EQ(second.width, 1280);  // the header's size stays
    EXPECT_EQ(w.view_at(0, 4).panels, (std::vector<std::string>{"stack"}));
    EXPECT_EQ(w.view_at(0, 4).presenter, true);
    EXPECT_EQ(parse_problems(R"(
title: t
era: v3.13
program: {syscall: getpid}
view: {panels: [path, graph]}
steps:
  - view: {size: 800x600}
  - view: {panels: [regs], zoom: 2}
)"),
              (Lines{"test.yaml:5:23: unknown panel 'graph' (expected one of: controls, code, "
                     "path, stack, regs, tif, user, events, compare, narration)",
                     "test.yaml:7:18: size is the lesson's: give it in the header's view",
                     "test.yaml:8:28: unknown key 'zoom' in view (expected one of: size, "
                     "presenter, compare, panels)"}));
}

TEST(WalkthroughLoad, CompareGhostViewAndAskShotProblems) {
    EXPECT_EQ(
        parse_problems(R"(
title: t
era: v3.13
program: {syscall: getpid}
view: {size: big, zoom: 2}
steps:
  - expect: {left: {at: sysret_check}}
  - compare: {left: {inject: SIGPENDING, at: now}}
  - compare: {left: {}, right: "slowpath:nosuch/getpid"}
  - compare: {left: {}, right: 5}
  - setup: {ghost: true, edit: {rax: 1}}
  - compare: {left: {}, right: {era: rfc}}
  - expect: {right: {at: sysret_audit}, left: {left: {at: sysret_audit}}}
  - ask: {question: q, choices: [a, b], answer: a, shoot: dir/q.png}
  - compare: maybe
)"),
        (Lines{
            "test.yaml:5:19: unknown key 'zoom' in view (expected one of: size, presenter, "
            "compare, panels)",
            "test.yaml:7:14: 'left' judges one side of a comparison: put a compare step "
            "before it",
            "test.yaml:8:14: compare is missing 'right'",
            "test.yaml:9:32: compare side: unknown era 'nosuch' (v3.13, rfc or modern)",
            "test.yaml:10:32: compare side: a scenario line starts with 'slowpath:'",
            "test.yaml:11:20: ghost keeps the last scene's route when the scenario changes: "
            "give it with restart, era, syscall, bad_pointer or an injection at entry or exit",
            "test.yaml:13:26: unknown label or function 'sysret_audit' in the rfc kernel or "
            "the demo program",
            "test.yaml:13:48: 'left' inside a left:/right: block (they do not nest)",
            "test.yaml:14:59: shoot takes a plain file name (the GUI chooses the directory)",
            "test.yaml:15:14: compare takes {left: ..., right: ...} or off",
        }));
}

// Both sides run and both are judged; a failure names its side.
TEST(WalkRunner, CompareJudgesBothSidesAndNamesTheFailingOne) {
    Walkthrough w = parse(R"(
title: t
era: v3.13
program: {syscall: getpid}
steps:
  - compare:
      left: {inject: NEED_RESCHED, at: exit}
      right: {inject: SIGPENDING, at: exit}
  - move: {to: decision}
  - expect:
      left: {exit: sysret}
      right: {exit: sysret}
      route: {contains: [sysret_careful]}
  - move: {label: sysret_signal}
)");
    WalkRunner runner(w, 0);
    auto results = runner.run_all();
    ASSERT_EQ(results.size(), 4u);
    EXPECT_TRUE(results[0].comparing);
    EXPECT_TRUE(runner.comparing());
    EXPECT_EQ(runner.side_caption(false), "v3.13/getpid/NEED_RESCHED@exit");
    EXPECT_EQ(runner.side_caption(true), "v3.13/getpid/SIGPENDING@exit");
    // The two machines are real and different runs: the signal's is longer.
    EXPECT_NE(results[1].machine_step, results[1].right_machine_step);
    ASSERT_EQ(results[2].checks.size(), 4u);
    EXPECT_TRUE(results[2].checks[0].passed);
    EXPECT_EQ(results[2].checks[0].what, "left: the focus syscall leaves by sysret");
    EXPECT_FALSE(results[2].checks[1].passed);
    EXPECT_EQ(results[2].checks[1].what, "right: the focus syscall leaves by sysret");
    EXPECT_EQ(results[2].checks[1].detail, "getpid (syscall #1) left by iret");
    EXPECT_TRUE(results[2].checks[2].passed) << results[2].checks[2].detail;
    EXPECT_TRUE(results[2].checks[3].passed) << results[2].checks[3].detail;
    // A move both sides make: only the signal's route has sysret_signal (after the decision,
    // neither finds it: the left never, the right has passed it).
    ASSERT_EQ(results[3].checks.size(), 2u);
    EXPECT_EQ(results[3].checks[0].what.rfind("left: ", 0), 0u);
    EXPECT_EQ(results[3].checks[1].what.rfind("right: ", 0), 0u);
}

// In a lesson that runs once per era, a compare side may still choose its era: the
// left side is the plan's era, the right the one it names (an era map: per plan).
TEST(WalkRunner, CompareSidesChooseTheirEraInAMultiEraLesson) {
    // v3.13's plan: itself against modern; the RFC's plan: modern against v3.13.
    const char* text = R"(
title: t
eras: [v3.13, rfc]
program: {syscall: getpid}
steps:
  - compare:
      left: {era: {v3.13: v3.13, rfc: modern}}
      right: {era: {v3.13: modern, rfc: v3.13}}
  - move: {to: decision}
  - expect:
      left: {route: {contains: {v3.13: [system_call_fastpath], rfc: [entry_SYSCALL_64]}}}
      right: {route: {contains: {v3.13: [entry_SYSCALL_64], rfc: [system_call_fastpath]}}}
      exit: sysret
)";
    Walkthrough w = parse(text);
    ASSERT_EQ(w.plans.size(), 2u);
    const char* left_era[] = {"v3.13/getpid", "modern/getpid"};
    const char* right_era[] = {"modern/getpid", "v3.13/getpid"};
    for (size_t plan = 0; plan < 2; plan++) {
        WalkRunner runner(w, plan);
        auto results = runner.run_all();
        ASSERT_EQ(results.size(), 3u);
        EXPECT_EQ(runner.side_caption(false), left_era[plan]);
        EXPECT_EQ(runner.side_caption(true), right_era[plan]);
        // Two different kernels ran: their decisions lie at different steps.
        EXPECT_NE(results[1].machine_step, results[1].right_machine_step);
        ASSERT_EQ(results[2].checks.size(), 4u);
        for (const auto& c : results[2].checks) EXPECT_TRUE(c.passed) << c.what << ": " << c.detail;
    }
    // A step outside a compare side still cannot choose the era, and names under right:
    // are the right side's era's.
    EXPECT_EQ(parse_problems(R"(
title: t
eras: [v3.13, rfc]
program: {syscall: getpid}
steps:
  - compare: {left: {}, right: {era: modern}}
  - expect: {right: {route: {contains: [sysret_check]}}}
  - setup: {era: modern}
)"),
              (Lines{"test.yaml:7:41: unknown label or function 'sysret_check' in the modern "
                     "kernel",
                     "test.yaml:8:18: this walkthrough runs once per era (eras:); a step cannot "
                     "choose the era (a compare side can)"}));
}

TEST(WalkRunner, GhostKeepsTheLastScenesRoute) {
    Walkthrough w = parse(R"(
title: t
era: v3.13
program: {syscall: getpid}
steps:
  - setup: {inject: NEED_RESCHED, at: exit}
  - move: {to: decision}
  - setup: {restart: true, inject: SIGPENDING, at: exit, ghost: true}
  - move: {to: decision}
  - setup: {restart: true}
)");
    WalkRunner runner(w, 0);
    runner.run_to(4);
    const auto& ghost = runner.ghost_route();
    auto has = [&](const char* name) {
        return std::find(ghost.begin(), ghost.end(), name) != ghost.end();
    };
    EXPECT_TRUE(has("sysret_careful"));
    EXPECT_TRUE(has("schedule"));
    EXPECT_TRUE(has("sysretq"));
    EXPECT_FALSE(has("sysret_signal"));
    runner.run_next();  // a scenario change without ghost drops it
    EXPECT_TRUE(runner.ghost_route().empty());
}

}  // namespace
}  // namespace slowpath
