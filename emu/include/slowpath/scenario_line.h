// A scenario in one line, to hand to a classmate or paste into a slide:
//
//   slowpath:rfc/getpid/SIGPENDING@exit/at=decision
//
// era, syscall, then any of: FLAG@entry, FLAG@exit, FLAG@now:STEP,
// focus:N (the run's syscall #N is the one injections apply to),
// tamper:REG=VALUE, signal:ignore|block, bad-pointer,
// edit:STEP:TARGET=VALUE, and last the point shown: at=decision,
// at=label:NAME or at=step:N (none: the focus syscall's SYSCALL
// instruction). The same scenario also reads as a `slowpath` command line.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "slowpath/session.h"

namespace slowpath {

struct ScenarioPoint {
    enum class Kind : uint8_t { Start, Decision, Label, Step };
    Kind kind = Kind::Start;
    std::string label;  // Kind::Label: the first time the run reaches it after the start
    uint64_t step = 0;  // Kind::Step
    bool operator==(const ScenarioPoint& o) const {
        return kind == o.kind && label == o.label && step == o.step;
    }
};

struct ScenarioLine {
    Scenario scenario;
    ScenarioPoint at;
};

inline constexpr std::string_view kScenarioLinePrefix = "slowpath:";

std::string scenario_line_text(const Scenario& scenario, const ScenarioPoint& at = {});
// Throws std::invalid_argument with a one-line reason naming the bad part.
ScenarioLine parse_scenario_line(std::string_view text);
bool looks_like_scenario_line(std::string_view text);

// `slowpath --era rfc --syscall getpid --inject SIGPENDING@exit --commands 'decision'`
std::string scenario_command_line(const Scenario& scenario, const ScenarioPoint& at = {});

// A scenario file (YAML): the setup part of a walkthrough, for scenarios
// too long for a line: era, program, setup (a list of setup steps) and at
// (decision, label:NAME or step:N). Each throws std::invalid_argument with a
// one-line reason starting with the file's name (scenario_file.cpp).
ScenarioLine load_scenario_file(const std::string& path);
ScenarioLine parse_scenario_file(const std::string& text, const std::string& name);
// A YAML map with `setup` and no `steps` (those are walkthroughs).
bool looks_like_scenario_file(const std::string& text);

// The point a session shows, in the terms above: the start, the focus
// syscall's decision, the first reach of a label since the start, or a step.
ScenarioPoint point_of(const Trace& trace, uint64_t start, uint64_t step);

}  // namespace slowpath
