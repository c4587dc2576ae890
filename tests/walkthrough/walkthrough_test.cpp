// Walkthroughs: the loader's diagnostics (broken files, exact positions and
// reasons), the per-era plans, and the runner against the real machine
// (the narration parser: narration_test.cpp).
#include "slowpath/walkthrough.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "parse_problems.h"
#include "slowpath/report.h"

namespace slowpath {
namespace {

using namespace walkthrough_test;

const std::string kBroken = WALKTHROUGH_BROKEN_DIR;
const std::string kAssets = WALKTHROUGH_ASSETS_DIR;
const std::string kDocs = WALKTHROUGH_DOCS;

// The diagnostics of a file that must not load, as "line:column: message".
std::vector<std::string> problems(const std::string& file) {
    try {
        load_walkthrough(kBroken + "/" + file, builtin_names());
    } catch (const WalkthroughError& e) {
        std::vector<std::string> out;
        for (const auto& d : e.diagnostics()) {
            EXPECT_EQ(d.file, kBroken + "/" + file);
            out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " +
                          d.message);
        }
        return out;
    }
    ADD_FAILURE() << file << " loaded without a problem";
    return {};
}

Walkthrough parse(const std::string& text, const LoadOptions& options = builtin_names()) {
    return parse_walkthrough(text, "test.yaml", options);
}

// ---- broken files ------------------------------------------------------------------

TEST(WalkthroughLoad, UnknownStepKind) {
    EXPECT_EQ(
        problems("unknown-step.yaml"),
        Lines{"6:5: unknown step kind 'dance' (expected one of: setup, move, say, point, ask, "
              "expect, shoot, compare, view)"});
}

TEST(WalkthroughLoad, BadFlagName) {
    EXPECT_EQ(problems("bad-flag.yaml"), Lines{"5:21: unknown TIF flag 'SIGPENDNG'"});
}

TEST(WalkthroughLoad, BadLabel) {
    EXPECT_EQ(problems("bad-label.yaml"),
              Lines{"8:14: unknown label 'sysret_chek' in the v3.13 entry code"});
}

TEST(WalkthroughLoad, BadLabelAgainstTheKernelImage) {
    // The same answer when the names come from the era's kernel ELF (or,
    // without a built guest, from the built-in list).
    try {
        load_walkthrough(kBroken + "/bad-label.yaml");
        ADD_FAILURE() << "loaded";
    } catch (const WalkthroughError& e) {
        ASSERT_EQ(e.diagnostics().size(), 1u);
        EXPECT_EQ(
            e.diagnostics()[0].text(),
            kBroken + "/bad-label.yaml:8:14: unknown label 'sysret_chek' in the v3.13 entry code");
    }
}

TEST(WalkthroughLoad, LabelOfAnotherEra) {
    EXPECT_EQ(problems("label-not-in-era.yaml"),
              Lines{"6:19: unknown label 'sysret_audit' in the rfc entry code"});
}

TEST(WalkthroughLoad, MissingField) {
    EXPECT_EQ(problems("missing-field.yaml"), Lines{"6:7: ask is missing 'answer'"});
}

TEST(WalkthroughLoad, WrongType) {
    EXPECT_EQ(problems("wrong-type.yaml"), Lines{"5:19: steps must be a number, not 'many'"});
}

TEST(WalkthroughLoad, MalformedYaml) {
    EXPECT_EQ(problems("malformed.yaml"), Lines{"4:6: YAML syntax: end of map flow not found"});
}

TEST(WalkthroughLoad, IncompleteEraMap) {
    EXPECT_EQ(problems("era-map-incomplete.yaml"),
              Lines{"7:13: era map has no value for rfc (write `rfc: ~` to leave it out)"});
}

TEST(WalkthroughLoad, EveryProblemIsReportedInFileOrder) {
    EXPECT_EQ(
        problems("many-errors.yaml"),
        (Lines{
            "3:6: unknown era 'v3.14' (v3.13, rfc or modern)", "4:20: unknown syscall 'getpidd'",
            "6:20: unknown panel 'tiff' (expected one of: controls, code, path, stack, regs, tif, "
            "user, events, compare, narration)",
            "7:38: unknown TIF flag 'FOO'", "7:51: ring must be 0 or 3",
            "8:21: TIF_SECCOMP cannot be injected (slowpath has no cause to simulate for it)",
            "9:51: the answer 'c' is not one of the choices",
            "10:16: unknown move target 'somewhere' (expected focus, ring3, end, over, out, or an "
            "event kind (check, syscall, syscall-entry, swapgs, stack-switch, label, call, return, "
            "tif-check, frame, schedule, signal, sigreturn, audit, tracer-stop, task-work, "
            "notifier, "
            "tracepoint, handler-return, inject, edit, sysret, iret, fault, sysret-check, "
            "decision, "
            "exit, oops, "
            "livelock, step-limit))"}));
}

TEST(WalkthroughLoad, MissingFile) {
    try {
        load_walkthrough(kBroken + "/no-such-file.yaml");
        ADD_FAILURE() << "loaded";
    } catch (const WalkthroughError& e) {
        ASSERT_EQ(e.diagnostics().size(), 1u);
        EXPECT_EQ(e.diagnostics()[0].text(), kBroken + "/no-such-file.yaml: cannot open the file");
    }
}

TEST(WalkthroughLoad, SmallerMistakes) {
    const std::string head = "title: t\nera: v3.13\nprogram: {syscall: getpid}\nsteps:\n";
    EXPECT_EQ(parse_problems(head + "  - say: a\n    move: end\n"),
              Lines{"test.yaml:6:5: a step has one kind: 'say' and 'move' belong in two steps"});
    EXPECT_EQ(parse_problems(head + "  - move: {steps: 2, colour: red}\n"),
              Lines{"test.yaml:5:22: unknown key 'colour' in move (expected one of: steps, back, "
                    "label, to, name, count, in)"});
    EXPECT_EQ(
        parse_problems(head + "  - expect: {register: {rzz: 1}}\n"),
        Lines{"test.yaml:5:25: unknown register 'rzz' (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, "
              "r8, r9, r10, r11, r12, r13, r14, r15, rip, rflags, cs, ss, cpl, cr2, fs_base, "
              "gs_base, kernel_gs_base)"});
    EXPECT_EQ(parse_problems(head + "  - expect: {pt_regs: {rcx: {state: lost}}}\n"),
              Lines{"test.yaml:5:37: unknown slot state 'lost' (valid, not-saved or not-fixed)"});
    EXPECT_EQ(parse_problems(head + "  - setup: {inject: SIGPENDING}\n"),
              Lines{"test.yaml:5:12: setup with inject is missing 'at' (entry, exit or now)"});
    EXPECT_EQ(parse_problems(head + "  - setup: {edit: {cr3: 0}}\n"),
              Lines{"test.yaml:5:20: cannot edit 'cr3' (a register rax..r15, rip, rflags, or "
                    "pt_regs.<slot>)"});
    EXPECT_EQ(parse_problems(head + "  - expect: {ret: {eq: no_such_symbol}}\n"),
              Lines{"test.yaml:5:24: unknown symbol 'no_such_symbol' (not a number, nor a kernel "
                    "or demo symbol)"});
    EXPECT_EQ(parse_problems(head + "  - move: {to: call, name: sysret_check}\n"),
              Lines{"test.yaml:5:28: unknown function 'sysret_check' in the v3.13 kernel "
                    "(sysret_check is an "
                    "entry-code label)"});
    EXPECT_EQ(parse_problems("title: t\nera: v3.13\nprogram: {syscall: getpid}\n"),
              Lines{"test.yaml:1:1: the walkthrough is missing 'steps'"});
    EXPECT_EQ(parse_problems("title: t\neras: [v3.13, rfc]\nprogram: {syscall: getpid}\nsteps:\n"
                             "  - setup: {era: rfc}\n"),
              Lines{"test.yaml:5:18: this walkthrough runs once per era (eras:); a step cannot "
                    "choose the era (a compare side can)"});
}

// ---- plans, eras, values ------------------------------------------------------------

TEST(WalkthroughLoad, OnePlanPerEraWithEraMapsResolved) {
    Walkthrough w = parse(R"(
title: Two eras
eras: [v3.13, rfc]
program: {syscall: getpid}
steps:
  - say: {v3.13: old, rfc: new}
  - expect:
      exit: {v3.13: iret, rfc: sysret}
      returned: {v3.13: ~, rfc: {syscall_exit_slowpath: 0}}
  - say: only in the RFC
    only: rfc
  - move: {label: {v3.13: sysret_signal, rfc: sysret_using_iret}}
)");
    ASSERT_EQ(w.plans.size(), 2u);
    EXPECT_EQ(w.step_count(), 4u);
    const EraPlan& v = w.plans[0];
    const EraPlan& r = w.plans[1];
    EXPECT_EQ(v.era, Era::V3_13);
    EXPECT_EQ(r.era, Era::Rfc);
    EXPECT_EQ(v.steps[0].text, "old");
    EXPECT_EQ(r.steps[0].text, "new");
    ASSERT_EQ(v.steps[1].expectations.size(), 1u);
    EXPECT_EQ(v.steps[1].expectations[0].exit, ExitKind::Iret);
    ASSERT_EQ(r.steps[1].expectations.size(), 2u);
    EXPECT_EQ(r.steps[1].expectations[0].exit, ExitKind::Sysret);
    EXPECT_EQ(r.steps[1].expectations[1].kind, Expectation::Kind::Returned);
    EXPECT_TRUE(v.steps[2].skipped);
    EXPECT_FALSE(r.steps[2].skipped);
    EXPECT_EQ(v.steps[3].move.name, "sysret_signal");
    EXPECT_EQ(r.steps[3].move.name, "sysret_using_iret");
    EXPECT_EQ(r.steps[3].line, 12);
}

TEST(WalkthroughLoad, ValuesAndDescriptions) {
    Walkthrough w = parse(R"(
title: Values
era: v3.13
program: {syscall: 500, bad_pointer: true, max_steps: 100000}
steps:
  - expect:
      ret: -ENOSYS
      register: {rcx: focus_syscall+2, rflags: {mask: 0x200, ne: 0}}
      pt_regs: {rip: {canonical: false}, rcx: {state: not-fixed}}
      count: {call: {schedule: 1}, audit: {ge: 2}}
      syscall: rt_sigreturn
)");
    EXPECT_EQ(w.program.syscall_nr, 500);
    EXPECT_TRUE(w.program.bad_pointer);
    EXPECT_EQ(w.program.max_steps, 100000u);
    const auto& e = w.plans[0].steps[0].expectations;
    ASSERT_EQ(e.size(), 7u);
    EXPECT_EQ(e[0].value.value, -38);
    EXPECT_EQ(e[0].describe(), "rt_sigreturn returns == -ENOSYS");
    EXPECT_EQ(e[1].value.symbol, "focus_syscall");
    EXPECT_EQ(e[1].value.value, 2);
    EXPECT_EQ(e[2].describe(), "rflags & 0x200 != 0");
    EXPECT_TRUE(e[2].value.test(0x202));
    EXPECT_FALSE(e[2].value.test(0x2));
    EXPECT_EQ(e[3].describe(), "pt_regs.rip is not canonical");
    EXPECT_TRUE(e[3].value.test(0x800000000000));
    EXPECT_FALSE(e[3].value.test(0x7fffffffe000));
    EXPECT_FALSE(e[3].value.test(0xffff800000000000));  // kernel half: canonical
    EXPECT_EQ(e[4].value.state, SlotState::Unfixed);
    EXPECT_EQ(e[5].count_of, "schedule");
    EXPECT_EQ(e[6].describe(), "audit events in rt_sigreturn so far >= 2");
}

// ---- the shipped walkthroughs load --------------------------------------------------------

TEST(ShippedWalkthroughs, AllLoadAndAtLeastTenExist) {
    std::vector<std::string> files;
    if (DIR* d = opendir(kAssets.c_str())) {
        while (dirent* e = readdir(d)) {
            std::string name = e->d_name;
            if (name.size() > 5 && name.substr(name.size() - 5) == ".yaml") files.push_back(name);
        }
        closedir(d);
    }
    EXPECT_GE(files.size(), 10u);
    for (const auto& f : files) {
        try {
            Walkthrough w = load_walkthrough(kAssets + "/" + f);
            EXPECT_FALSE(w.title.empty()) << f;
            EXPECT_GT(w.step_count(), 5u) << f;
        } catch (const WalkthroughError& e) {
            ADD_FAILURE() << e.what();
        }
    }
}

// ---- the documentation's example is a working walkthrough ---------------------------------

TEST(Documentation, CompleteExampleLoadsAndPasses) {
    std::ifstream in(kDocs);
    ASSERT_TRUE(in) << kDocs;
    std::string line, yaml;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line.rfind("## ", 0) == 0) {
            if (inside) break;
            inside = line == "## A complete example";
            continue;
        }
        if (!inside) continue;
        if (line.rfind("    ", 0) == 0)
            yaml += line.substr(4) + "\n";
        else if (line.empty())
            yaml += "\n";
    }
    ASSERT_FALSE(yaml.empty()) << "no example found in " << kDocs;
    Walkthrough w = parse_walkthrough(yaml, "docs example");
    ASSERT_EQ(w.plans.size(), 2u);
    for (size_t p = 0; p < w.plans.size(); p++) {
        WalkRunner runner(w, p);
        size_t checks = 0;
        for (const auto& r : runner.run_all())
            for (const auto& c : r.checks) {
                checks++;
                EXPECT_TRUE(c.passed) << "line " << r.line << ": " << c.what << ": " << c.detail;
            }
        EXPECT_GT(checks, 8u);
    }
}

// The docs list every name a lesson may use, as walk --vocabulary prints it.
TEST(Documentation, VocabularyMatchesTheParsersTables) {
    std::ifstream in(kDocs);
    ASSERT_TRUE(in) << kDocs;
    std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string begin = "<!-- vocabulary: begin -->\n", end = "<!-- vocabulary: end -->";
    size_t b = doc.find(begin), e = doc.find(end);
    ASSERT_NE(b, std::string::npos) << kDocs << " has no " << begin;
    ASSERT_NE(e, std::string::npos) << kDocs << " has no " << end;
    std::string listed = doc.substr(b + begin.size(), e - b - begin.size());
    EXPECT_EQ(listed, walkthrough_vocabulary())
        << "docs/walkthroughs.md's vocabulary is out of date: replace the lines between the "
           "vocabulary markers with the output of `slowpath-cli walk --vocabulary`";
    std::string v = walkthrough_vocabulary();
    for (const char* name : {"why", "explain", "in", "orig_ax = orig_rax", "SIGPENDING",
                             "sysret_check", "syscall_exit_slowpath", "do_syscall_64"})
        EXPECT_NE(v.find(name), std::string::npos) << name;
}

TEST(WalkthroughLoad, KernelSlotNamesAndValidNamesInErrors) {
    Walkthrough w = parse(R"(
title: t
era: v3.13
program: {syscall: getpid}
steps:
  - expect: {pt_regs: {di: 0, orig_ax: 39, ip: 0, flags: 0, sp: 0, rflags: 0}}
)");
    const auto& e = w.plans[0].steps[0].expectations;
    ASSERT_EQ(e.size(), 6u);
    EXPECT_EQ(pt_regs_slot_index("di"), pt_regs_slot_index("rdi"));
    EXPECT_EQ(pt_regs_slot_index("orig_ax"), pt_regs_slot_index("orig_rax"));
    EXPECT_EQ(pt_regs_slot_index("rflags"), pt_regs_slot_index("eflags"));
    auto p = parse_problems(R"(
title: t
era: v3.13
program: {syscall: getpid}
steps:
  - expect: {pt_regs: {dii: 0}, register: {xax: 1}}
)");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].rfind("test.yaml:6:24: unknown pt_regs slot 'dii' (r15, r14, ", 0), 0u) << p[0];
    EXPECT_NE(p[0].find("orig_rax, rip, cs, eflags, rsp, ss, bp, bx, ax"), std::string::npos);
    EXPECT_EQ(p[1].rfind("test.yaml:6:44: unknown register 'xax' (rax, rcx, ", 0), 0u) << p[1];
}

// ---- running against the machine ------------------------------------------------------------

const char* const kGetpid = R"(
title: getpid
eras: [v3.13, rfc]
program: {syscall: getpid}
steps:
  - say: hello
  - move: {to: focus}
  - expect: {ring: 3, register: {rax: 39, rcx: {ne: 0}}}
  - move: {label: sysret_check}
  - expect: {at: sysret_check, pt_regs: {rax: 1}, labels: {contains: [system_call, ret_from_sys_call]}}
  - move: {to: decision}
  - expect: {exit: sysret, ret: 1, register: {rcx: focus_syscall+2}}
  - expect: {exit: iret}
  - move: {label: tracesys}
  - move: {to: end}
  - expect: {outcome: exited, console: "getpid returned 1"}
)";

TEST(WalkRunner, RunsStepsAndReportsPassAndFail) {
    Walkthrough w = parse(kGetpid);
    for (size_t p = 0; p < w.plans.size(); p++) {
        WalkRunner runner(w, p);
        std::vector<StepResult> results = runner.run_all();
        ASSERT_EQ(results.size(), w.step_count());
        EXPECT_EQ(results[0].narration, "hello");
        for (size_t i : {2u, 4u, 6u, 10u}) {
            EXPECT_TRUE(results[i].passed()) << "step " << i << ": " << results[i].checks[0].what
                                             << ": " << results[i].checks[0].detail;
        }
        // A wrong expectation fails with what was found.
        ASSERT_EQ(results[7].checks.size(), 1u);
        EXPECT_FALSE(results[7].checks[0].passed);
        EXPECT_EQ(results[7].checks[0].what, "the focus syscall leaves by iret");
        EXPECT_EQ(results[7].checks[0].detail, "getpid (syscall #1) left by sysret");
        EXPECT_EQ(results[7].checks[0].line, 13);
        // A move that cannot be made fails too, and stays put.
        ASSERT_EQ(results[8].checks.size(), 1u);
        EXPECT_FALSE(results[8].checks[0].passed);
        EXPECT_EQ(results[8].machine_step, results[6].machine_step);
    }
}

TEST(WalkRunner, RunToIsDeterministic) {
    Walkthrough w = parse(kGetpid);
    WalkRunner runner(w, 0);
    auto first = runner.run_to(6);
    ASSERT_EQ(first.size(), 6u);
    uint64_t step = runner.session().step();
    std::string where = runner.session().where();
    runner.run_to(2);
    EXPECT_EQ(runner.position(), 2u);
    auto again = runner.run_to(6);
    EXPECT_EQ(runner.session().step(), step);
    EXPECT_EQ(runner.session().where(), where);
    EXPECT_EQ(again.back().machine_step, first.back().machine_step);
}

TEST(WalkRunner, SetupAfterAMoveStartsAgainAndInjectNowActsHere) {
    Walkthrough w = parse(R"(
title: setups
era: v3.13
program: {syscall: getpid}
steps:
  - setup: {inject: NEED_RESCHED, at: exit}
  - move: {to: focus}
  - expect: {exit: sysret, count: {schedule: 0}}
  - move: {to: call, name: schedule}
  - setup: {inject: SIGPENDING, at: now}
  - expect: {tif: {set: [SIGPENDING]}, at: schedule, exit: iret}
  - setup: {restart: true, era: rfc, inject: NOTIFY_RESUME, at: exit}
  - move: {to: focus}
  - move: {to: decision}
  - expect: {exit: sysret, returned: {syscall_exit_slowpath: 0}, count: {task-work: 1}}
)");
    WalkRunner runner(w, 0);
    auto results = runner.run_all();
    ASSERT_EQ(results.size(), 10u);
    for (const auto& r : results)
        for (const auto& c : r.checks)
            EXPECT_TRUE(c.passed) << "line " << r.line << ": " << c.what << ": " << c.detail;
    EXPECT_FALSE(results[0].restarted);  // before the first move: just the scenario
    EXPECT_FALSE(results[4].restarted);  // inject now acts at the current step
    EXPECT_EQ(results[4].machine_step, results[3].machine_step);
    EXPECT_TRUE(results[6].restarted);
    EXPECT_EQ(runner.scenario().era, Era::Rfc);
    ASSERT_EQ(runner.scenario().injections.size(), 1u);
}

TEST(WalkRunner, PointAskAndShootPassThrough) {
    Walkthrough w = parse(R"(
title: gui things
era: rfc
program: {syscall: getpid}
steps:
  - point: {panel: [tif, path], flag: need_resched, field: pt_regs.rcx, label: sysret_using_iret}
  - ask: {question: "sysret or iret?", choices: [sysret, iret], answer: iret, explain: "**signals**"}
  - shoot: picture.png
)");
    WalkRunner runner(w, 0);
    auto results = runner.run_all();
    ASSERT_EQ(results.size(), 3u);
    std::vector<std::string> points;
    for (const auto& p : results[0].points) points.push_back(p.text());
    EXPECT_EQ(points, (Lines{"panel:tif", "panel:path", "flag:NEED_RESCHED", "field:pt_regs.rcx",
                             "label:sysret_using_iret"}));
    ASSERT_NE(results[1].question, nullptr);
    EXPECT_EQ(results[1].question->answer, 1u);
    EXPECT_EQ(results[2].screenshot, "picture.png");
    EXPECT_EQ(runner.session_if_started(), nullptr);  // nothing needed the machine
}

TEST(WalkthroughLoad, ExplainPerChoice) {
    Walkthrough w = parse(R"(
title: t
era: v3.13
program: {syscall: getpid}
steps:
  - ask: {question: q, choices: [a, b, c], answer: a, explain: {b: "not b", a: "yes a"}}
  - ask: {question: q, choices: [a, b], answer: b, explain: "one for all"}
)");
    const Question& q = w.plans[0].steps[0].question;
    EXPECT_EQ(q.explanation_for(0), "yes a");
    EXPECT_EQ(q.explanation_for(1), "not b");
    EXPECT_EQ(q.explanation_for(2), "");
    const Question& old = w.plans[0].steps[1].question;
    EXPECT_EQ(old.explanation_for(0), "one for all");
    EXPECT_EQ(old.explanation_for(1), "one for all");
    EXPECT_EQ(parse_problems(R"(
title: t
era: v3.13
program: {syscall: getpid}
steps:
  - ask: {question: q, choices: [a, b], answer: a, explain: {d: x}}
)"),
              (Lines{"test.yaml:6:62: explain names 'd', which is not one of the choices (a, b)"}));
}

// Before the focus syscall a move searches from the focus syscall's entry
// (the one checks judge); `in: run` searches the whole run from here.
TEST(WalkRunner, MovesBeforeTheFocusSearchFromItAndFailuresSayWhere) {
    Walkthrough w = parse(R"(
title: scope
era: v3.13
program: {syscall: getpid}
steps:
  - move: {to: check, name: sysret_check}
  - expect: {syscall: current, why: "no work flags"}
  - setup: {restart: true}
  - move: {to: check, name: sysret_check, in: run}
  - expect: {syscall: focus, exit: sysret}
  - expect: {syscall: current, ret: 1}
  - setup: {restart: true}
  - move: {label: sysret_check}
  - expect: {ring: 3}
)");
    WalkRunner runner(w, 0);
    auto results = runner.run_all();
    ASSERT_EQ(results.size(), 9u);
    const Trace& t = runner.session().trace();
    ASSERT_GE(t.focus, 1);  // rt_sigaction first: the demo installs its handler
    uint64_t focus_entry = t.syscalls[static_cast<size_t>(t.focus)].entry_step;
    // Scoped: the check of the focus syscall, not the earlier rt_sigaction's.
    EXPECT_GT(results[0].machine_step, focus_entry);
    EXPECT_TRUE(results[1].passed());
    // in: run: the first sysret_check of the run, in rt_sigaction.
    EXPECT_LT(results[3].machine_step, focus_entry);
    EXPECT_TRUE(results[4].passed());
    ASSERT_EQ(results[5].checks.size(), 1u);
    const CheckResult& c = results[5].checks[0];
    EXPECT_FALSE(c.passed);
    EXPECT_EQ(c.detail, "rt_sigaction (syscall #0) returned 0");
    EXPECT_EQ(c.judged_at.rfind(
                  "step " + std::to_string(results[3].machine_step) + " at sysret_check", 0),
              0u)
        << c.judged_at;
    EXPECT_NE(c.judged_at.find(", in rt_sigaction (syscall #0, not the focus syscall)"),
              std::string::npos)
        << c.judged_at;
    // A label move is scoped the same way; a failed check says where it was judged.
    EXPECT_GT(results[7].machine_step, focus_entry);
    ASSERT_EQ(results[8].checks.size(), 1u);
    EXPECT_NE(results[8].checks[0].judged_at.find("in getpid (syscall #1, the focus syscall)"),
              std::string::npos)
        << results[8].checks[0].judged_at;
    EXPECT_EQ(parse_problems(R"(
title: t
era: v3.13
program: {syscall: getpid}
steps:
  - move: {to: check, in: everywhere}
)"),
              (Lines{"test.yaml:6:27: unknown scope 'everywhere' (focus: search from the focus "
                     "syscall, the default; run: from the current step)"}));
}

// `why` checks the reason the decision banner shows: decision_why(), the
// same text the report's "why" holds.
TEST(WalkRunner, WhyChecksTheDecisionBannersReason) {
    Walkthrough w = parse(R"(
title: why
era: v3.13
program: {syscall: getpid}
steps:
  - setup: {inject: SIGPENDING, at: exit}
  - move: {to: focus}
  - expect: {why: "signal"}
  - move: {to: decision}
  - expect: {why: {excludes: "fast sysret"}}
  - expect: {why: "the fast sysret"}
  - expect: {syscall: rt_sigaction, why: {contains: "no work flags at sysret_check"}}
)");
    WalkRunner runner(w, 0);
    auto results = runner.run_all();
    ASSERT_EQ(results.size(), 7u);
    const Trace& t = runner.session().trace();
    ASSERT_GE(t.focus, 0);
    std::optional<Event> d = decision_event(t, t.focus);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->kind, EventKind::Decision);
    std::string why = decision_why(t, t.focus);
    EXPECT_EQ(why, d->text());
    EXPECT_NE(why.find("signal"), std::string::npos) << why;
    for (size_t i : {2u, 4u, 6u})
        for (const auto& c : results[i].checks)
            EXPECT_TRUE(c.passed) << "step " << i << ": " << c.what << ": " << c.detail;
    ASSERT_EQ(results[5].checks.size(), 1u);
    EXPECT_FALSE(results[5].checks[0].passed);
    EXPECT_EQ(results[5].checks[0].what,
              "the decision of the focus syscall says \"the fast sysret\"");
    EXPECT_EQ(results[5].checks[0].detail, "getpid (syscall #1): \"" + why + "\"");
    // The report's "why" is the same text.
    EXPECT_EQ(report_json(runner.session())["syscalls"][t.focus]["why"], why);
    EXPECT_EQ(parse_problems(R"(
title: t
era: v3.13
program: {syscall: getpid}
steps:
  - expect: {syscall: all, why: x}
  - expect: {why: {has: x}}
)"),
              (Lines{"test.yaml:6:23: why is about one syscall: syscall cannot be all",
                     "test.yaml:7:20: unknown key 'has' in why (expected one of: contains, "
                     "excludes, equals)"}));
}

}  // namespace
}  // namespace slowpath
