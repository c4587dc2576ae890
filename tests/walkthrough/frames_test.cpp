// Frames by name in walkthroughs: `exception_frame`, `frame: <C function>`,
// moves to the return of a nested call and `returned` for any caller. The
// parser's good and bad input, then the checks against the real machine:
// what they find must be what the trace and the stack hold.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parse_problems.h"
#include "slowpath/walkthrough.h"

namespace slowpath {
namespace {

using walkthrough_test::Lines;

// Names are checked against the kernel image (do_page_fault and
// fixup_exception are not in the built-in list of the eras' path functions).
Walkthrough parse(const std::string& text) {
    return parse_walkthrough(text, "frames.yaml");
}

Lines parse_problems(const std::string& text) {
    return walkthrough_test::parse_problems(text, "frames.yaml", LoadOptions{});
}

const char* const kHeader = R"(title: frames
era: rfc
program: {syscall: write, bad_pointer: true}
steps:
)";

TEST(FramesLoad, ExceptionFrameAndFunctionFramesParse) {
    Walkthrough w = parse(std::string(kHeader) + R"(
  - expect:
      exception_frame: {rip: copy_from_user+0x48, cs: 0x10, error_code: 0, vector: 14}
      frame:
        do_page_fault: {returns_to: page_fault, saved_rbp: {ne: 0}, present: true}
        sys_write: {present: false}
  - move: {to: return, name: fixup_exception}
  - expect: {returned: {fixup_exception: 1}}
)");
    const auto& e = w.plans[0].steps[0].expectations;
    ASSERT_EQ(e.size(), 8u);
    EXPECT_EQ(e[0].kind, Expectation::Kind::ExceptionFrame);
    EXPECT_EQ(e[0].name, "rip");
    EXPECT_EQ(e[0].value.symbol, "copy_from_user");
    EXPECT_EQ(e[0].value.value, 0x48);
    EXPECT_EQ(e[0].describe(), "exception_frame.rip == copy_from_user+0x48");
    EXPECT_EQ(e[3].name, "vector");
    EXPECT_EQ(e[4].kind, Expectation::Kind::Frame);
    EXPECT_EQ(e[4].name, "do_page_fault");
    EXPECT_EQ(e[4].field, "returns_to");
    EXPECT_EQ(e[4].text, "page_fault");
    EXPECT_EQ(e[4].describe(), "do_page_fault() returns into page_fault");
    EXPECT_EQ(e[4].line, 9);
    EXPECT_EQ(e[4].column, 25);
    EXPECT_EQ(e[5].field, "saved_rbp");
    EXPECT_EQ(e[5].describe(), "frame do_page_fault.saved_rbp != 0");
    EXPECT_EQ(e[6].field, "present");
    EXPECT_TRUE(e[6].present);
    const auto& last = w.plans[0].steps[2].expectations;
    ASSERT_EQ(last.size(), 1u);
    EXPECT_EQ(last[0].kind, Expectation::Kind::Returned);
    EXPECT_EQ(w.plans[0].steps[1].move.event, EventKind::Return);
    EXPECT_EQ(w.plans[0].steps[1].move.name, "fixup_exception");
    EXPECT_EQ(e[7].name, "sys_write");
    EXPECT_FALSE(e[7].present);
}

TEST(FramesLoad, BadInputIsOneLineEachWithItsPlace) {
    EXPECT_EQ(parse_problems(std::string(kHeader) + R"(
  - expect: {exception_frame: {rip: 1, eip: 2}}
  - expect: {exception_frame: 5}
  - expect: {frame: {do_pagefault: {present: true}}}
  - expect: {frame: {do_page_fault: {return: 1}}}
  - expect: {frame: {do_page_fault: {present: maybe}}}
  - expect: {frame: {do_page_fault: {returns_to: nowhere}}}
  - expect: {frame: {do_page_fault: {}}}
  - expect: {frame: do_page_fault}
)"),
              (Lines{"frames.yaml:6:40: unknown exception_frame field 'eip' (rip, cs, rflags, "
                     "rsp, ss, error_code, vector)",
                     "frames.yaml:7:31: exception_frame must be a map of name: value",
                     "frames.yaml:8:22: unknown function 'do_pagefault' in the rfc kernel",
                     "frames.yaml:9:38: unknown key 'return' in frame do_page_fault (expected one "
                     "of: return_address, address, saved_rbp, returns_to, present)",
                     "frames.yaml:10:47: frame do_page_fault present must be true or false",
                     "frames.yaml:11:50: unknown label or function 'nowhere' in the rfc kernel",
                     "frames.yaml:12:37: frame do_page_fault needs a field (return_address, "
                     "address, saved_rbp, returns_to, present)",
                     "frames.yaml:13:21: frame must be a map of C function: {field: value}"}));
}

bool starts_with(const std::string& line, const std::string& prefix) {
    return line.rfind(prefix, 0) == 0;
}

// The checks' findings, step by step, as "PASS what" or "FAIL what: detail".
std::vector<Lines> run(const std::string& text) {
    Walkthrough w = parse(text);
    WalkRunner runner(w, 0);
    std::vector<Lines> out;
    for (const StepResult& r : runner.run_all()) {
        Lines lines;
        for (const CheckResult& c : r.checks)
            lines.push_back((c.passed ? "PASS " : "FAIL ") + c.what +
                            (c.passed ? "" : ": " + c.detail));
        out.push_back(lines);
    }
    return out;
}

TEST(FramesRun, ExceptionFrameHoldsWhatTheCpuPushedAndTheFixupRewrites) {
    // Right values pass; wrong ones fail and say what the frame holds.
    auto r = run(std::string(kHeader) + R"(
  - move: {to: focus}
  - expect: {exception_frame: {rip: 0}, frame: {sys_write: {present: true}}}
  - move: {to: fault}
  - expect: {exception_frame: {cs: 0x10}}
  - move: {to: call, name: do_page_fault}
  - expect:
      exception_frame: {cs: 0x10, ss: 0x18, error_code: 0, vector: 14, rip: copy_from_user+0x48}
      frame: {do_page_fault: {returns_to: page_fault}, copy_from_user: {returns_to: file_write}}
  - expect:
      exception_frame: {cs: 0x33, error_code: 2}
      frame: {copy_from_user: {returns_to: sys_write}, fixup_exception: {saved_rbp: 0}}
  - move: {to: return, name: fixup_exception}
  - expect:
      returned: {fixup_exception: 1}
      exception_frame: {rip: {ne: copy_from_user+0x48}}
      frame: {do_page_fault: {saved_rbp: {ne: 0}}, fixup_exception: {present: false}}
  - move: {to: return, name: copy_from_user}
  - expect: {returned: {copy_from_user: 16}, exception_frame: {rip: 0}}
)");
    ASSERT_EQ(r.size(), 11u);
    const std::string none = "no exception frame: no exception is being handled at step ";
    // In user mode, and at the faulting instruction itself: nothing yet.
    ASSERT_EQ(r[1].size(), 2u);
    EXPECT_PRED2(starts_with, r[1][0], "FAIL exception_frame.rip == 0: " + none);
    EXPECT_EQ(r[1][1],
              "FAIL sys_write() has a frame on the kernel stack: on the kernel stack: "
              "no C function");
    ASSERT_EQ(r[3].size(), 1u);
    EXPECT_PRED2(starts_with, r[3][0], "FAIL exception_frame.cs == 0x10: " + none);
    // In do_page_fault: the CPU's frame of a ring-0 #PF on a read of a
    // page that is not there (error code 0), at the copy's rep movsb.
    EXPECT_EQ(r[5],
              (Lines{"PASS exception_frame.cs == 0x10", "PASS exception_frame.ss == 0x18",
                     "PASS exception_frame.error_code == 0", "PASS exception_frame.vector == 14",
                     "PASS exception_frame.rip == copy_from_user+0x48",
                     "PASS do_page_fault() returns into page_fault",
                     "PASS copy_from_user() returns into file_write"}));
    // Wrong values fail with what the frames hold.
    const Lines wrong = {
        "FAIL exception_frame.cs == 0x33: exception_frame.cs = 0x10 (vector 14, frame at 0x",
        "FAIL exception_frame.error_code == 2: exception_frame.error_code = 0x0 (vector 14, "
        "frame at 0x",
        "FAIL copy_from_user() returns into sys_write: copy_from_user() returns to file_write+0x",
        "FAIL frame fixup_exception.saved_rbp == 0: no frame of fixup_exception(): it is not "
        "running at step "};
    ASSERT_EQ(r[6].size(), wrong.size());
    for (size_t i = 0; i < wrong.size(); i++) EXPECT_PRED2(starts_with, r[6][i], wrong[i]);
    EXPECT_NE(r[6][3].find("(on the kernel stack: do_page_fault <- copy_from_user <- file_write "
                           "<- sys_write)"),
              std::string::npos)
        << r[6][3];
    // fixup_exception() returned to do_page_fault, not to the entry code, and
    // rewrote the saved rip; the copy then reports 16 bytes not copied.
    EXPECT_EQ(r[8], (Lines{"PASS fixup_exception() returned == 1",
                           "PASS exception_frame.rip != copy_from_user+0x48",
                           "PASS frame do_page_fault.saved_rbp != 0",
                           "PASS fixup_exception() has no frame on the kernel stack"}));
    ASSERT_EQ(r[10].size(), 2u);
    EXPECT_EQ(r[10][0], "PASS copy_from_user() returned == 16");
    EXPECT_PRED2(starts_with, r[10][1], "FAIL exception_frame.rip == 0: " + none);
}

}  // namespace
}  // namespace slowpath
