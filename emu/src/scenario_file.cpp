// A scenario file: the setup part of a walkthrough, for a scenario too long
// for one line.
//
//   # slowpath scenario
//   era: rfc
//   program: {syscall: getpid}
//   setup:
//     - {inject: SIGPENDING, at: exit}
//     - {tamper: {rcx: 0x800000000000}}
//   at: decision
//
// `era` and `program` are a walkthrough's header keys, each `setup` entry is
// what a walkthrough's setup step takes, and `at` is a scenario line's point
// (decision, label:NAME, step:N). The file is read as a one-era walkthrough
// of those setup steps, run, and its machine's scenario taken.
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "slowpath/scenario_line.h"
#include "slowpath/walkthrough.h"

namespace slowpath {

namespace {

std::string where(const std::string& name, const YAML::Mark& mark) {
    if (mark.line < 0) return name + ": ";
    return name + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) +
           ": ";
}

}  // namespace

bool looks_like_scenario_file(const std::string& text) {
    try {
        YAML::Node root = YAML::Load(text);
        return root.IsMap() && root["setup"] && !root["steps"];
    } catch (const YAML::Exception&) {
        return false;
    }
}

ScenarioLine parse_scenario_file(const std::string& text, const std::string& name) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw std::invalid_argument(where(name, e.mark) + e.msg);
    }
    if (!root.IsMap())
        throw std::invalid_argument(name + ": a scenario file is a map (era, program, setup, at)");
    for (const auto& kv : root) {
        const std::string key = kv.first.as<std::string>("");
        if (key != "era" && key != "program" && key != "setup" && key != "at" && key != "title")
            throw std::invalid_argument(where(name, kv.first.Mark()) + "unknown key '" + key +
                                        "' (a scenario file has era, program, setup and at)");
    }
    YAML::Node setup = root["setup"];
    if (setup && !setup.IsSequence() && !setup.IsNull())
        throw std::invalid_argument(
            where(name, setup.Mark()) +
            "setup: a list of setup steps, e.g. - {inject: SIGPENDING, at: exit}");
    // The same as a walkthrough of setup steps (one era: the file's).
    YAML::Node doc(YAML::NodeType::Map);
    doc["title"] = "scenario";
    if (root["era"]) doc["era"] = root["era"];
    if (root["program"]) doc["program"] = root["program"];
    YAML::Node steps(YAML::NodeType::Sequence);
    if (setup && setup.IsSequence())
        for (size_t i = 0; i < setup.size(); i++) {
            YAML::Node step(YAML::NodeType::Map);
            step["setup"] = setup[i];
            steps.push_back(step);
        }
    if (steps.size() == 0) {
        YAML::Node step(YAML::NodeType::Map);
        step["setup"] = YAML::Load("{restart: true}");
        steps.push_back(step);
    }
    doc["steps"] = steps;
    YAML::Emitter out;
    out << doc;
    Walkthrough w;
    try {
        w = parse_walkthrough(out.c_str(), name);
    } catch (const WalkthroughError& e) {
        // Lines of the walkthrough made from the file are not the file's.
        std::string message = e.diagnostics().empty() ? e.what() : e.diagnostics()[0].message;
        throw std::invalid_argument(name + ": " + message);
    }
    if (w.plans.size() != 1)
        throw std::invalid_argument(name +
                                    ": a scenario file has one era (era: v3.13, rfc or modern)");
    WalkRunner runner(w, 0);
    for (const StepResult& r : runner.run_all())
        for (const CheckResult& c : r.checks)
            if (!c.passed)
                throw std::invalid_argument(name + ": setup " + std::to_string(r.index + 1) + ": " +
                                            c.what + (c.detail.empty() ? "" : ": " + c.detail));
    // The machine's scenario: now-injections and edits included.
    std::string line = scenario_line_text(runner.session().scenario());
    if (YAML::Node at = root["at"]) {
        const std::string point = at.as<std::string>("");
        if (point.empty() || point == "start") return parse_scenario_line(line);
        try {
            return parse_scenario_line(line + "/at=" + point);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(where(name, at.Mark()) + "at: " + e.what());
        }
    }
    return parse_scenario_line(line);
}

ScenarioLine load_scenario_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument(path + ": cannot read");
    std::stringstream text;
    text << in.rdbuf();
    return parse_scenario_file(text.str(), path);
}

}  // namespace slowpath
