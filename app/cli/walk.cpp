// `slowpath-cli walk FILE...`: walkthroughs run headless.
//
// Every file is loaded and checked first; if any has a problem, each one is
// printed as file:line:column: reason and nothing runs (exit status 2).
// Otherwise each walkthrough runs once per era: narration as plain text,
// PASS/FAIL for each expectation, and exit status 1 if any failed.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "slowpath/era.h"
#include "slowpath/report.h"
#include "slowpath/walkthrough.h"

namespace slowpath {

namespace {

std::string indent(const std::string& text, const std::string& prefix) {
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        out += line.empty() ? "\n" : prefix + line + "\n";
        start = end + 1;
    }
    return out;
}

nlohmann::json step_json(const StepResult& r) {
    using nlohmann::json;
    json j;
    j["index"] = r.index;
    j["line"] = r.line;
    j["kind"] = std::string(step_kind_name(r.kind));
    j["description"] = r.description;
    j["skipped"] = r.skipped;
    if (!r.narration.empty()) {
        j["narration"] = r.narration;
        j["narration_plain"] = narration_plain(r.narration);
    }
    if (!r.note.empty()) j["note"] = r.note;
    if (r.restarted) j["restarted"] = true;
    if (!r.points.empty()) {
        json points = json::array();
        for (const auto& p : r.points) points.push_back(p.text());
        j["points"] = points;
    }
    if (r.question) {
        const Question& q = *r.question;
        j["question"] = {{"question", q.question},
                         {"choices", q.choices},
                         {"answer", q.choices[q.answer]},
                         {"explain", q.explanation}};
        // The feedback each answer gets (its own text, else the common one).
        json per_choice = json::object();
        for (size_t i = 0; i < q.choices.size(); i++)
            per_choice[q.choices[i]] = q.explanation_for(i);
        j["question"]["explain_choices"] = per_choice;
    }
    if (!r.screenshot.empty()) j["screenshot"] = r.screenshot;
    j["machine_step"] = r.machine_step;
    if (!r.where.empty()) j["where"] = r.where;
    if (r.comparing) j["right_machine_step"] = r.right_machine_step;  // after a compare step
    json checks = json::array();
    for (const auto& c : r.checks)
        checks.push_back({{"what", c.what},
                          {"passed", c.passed},
                          {"detail", c.detail},
                          {"line", c.line},
                          {"column", c.column},
                          {"judged_at", c.judged_at}});
    j["checks"] = checks;
    j["passed"] = r.passed();
    return j;
}

void print_step(const StepResult& r, bool quiet) {
    if (r.skipped) {
        if (!quiet)
            std::cout << "  [" << r.index + 1 << "] (not in this era) " << r.description << "\n";
        return;
    }
    bool show = !quiet || !r.passed();
    if (!show && r.checks.empty()) return;
    if (!quiet || !r.passed()) {
        // The question itself follows below.
        std::cout << "  [" << r.index + 1 << "] line " << r.line << ": "
                  << (r.kind == StepKind::Ask ? std::string("ask") : r.description);
        if (r.kind == StepKind::Move || (r.kind == StepKind::Setup && !r.note.empty()))
            std::cout << "  (" << r.note << (r.where.empty() ? "" : ", at " + r.where) << ")";
        std::cout << "\n";
    }
    if (!quiet) {
        if (!r.narration.empty()) std::cout << indent(narration_plain(r.narration), "      ");
        if (r.question) {
            const Question& q = *r.question;
            std::cout << "      Q: " << q.question << "\n";
            for (size_t i = 0; i < q.choices.size(); i++)
                std::cout << "         " << static_cast<char>('a' + i) << ") " << q.choices[i]
                          << "\n";
            std::cout << "      A: " << q.choices[q.answer] << "\n";
            if (!q.explanation_for(q.answer).empty())
                std::cout << indent(narration_plain(q.explanation_for(q.answer)), "         ");
            // A wrong answer's own feedback, after the answer.
            for (size_t i = 0; i < q.choices.size(); i++) {
                if (i == q.answer || i >= q.explanations.size() || q.explanations[i].empty())
                    continue;
                std::cout << "      if " << q.choices[i] << ":\n"
                          << indent(narration_plain(q.explanations[i]), "         ");
            }
        }
        if (!r.screenshot.empty())
            std::cout << "      (screenshot " << r.screenshot << ": GUI only)\n";
    }
    for (const auto& c : r.checks) {
        if (quiet && c.passed) continue;
        std::cout << "      " << (c.passed ? "PASS " : "FAIL ") << c.what;
        if (!c.detail.empty()) std::cout << ": " << c.detail;
        std::cout << "\n";
        if (!c.passed && !c.judged_at.empty())
            std::cout << "           judged at " << c.judged_at << "\n";
    }
}

}  // namespace

CLI::App* add_walk_command(CLI::App& app, WalkOptions& options) {
    CLI::App* cmd = app.add_subcommand(
        "walk",
        "run walkthroughs headless: print the narration and PASS/FAIL for each expectation");
    cmd->add_option("files", options.files,
                    "walkthrough files (YAML), e.g. assets/walkthroughs/*.yaml");
    cmd->add_flag("--json", options.json, "print one JSON object");
    cmd->add_flag("--vocabulary", options.vocabulary,
                  "print every name a lesson may use (the list in docs/walkthroughs.md)");
    cmd->add_flag("--quiet", options.quiet, "print only failures and the summary");
    return cmd;
}

int walk_command(const WalkOptions& options) {
    using nlohmann::json;

    if (options.vocabulary) {
        if (!options.files.empty()) throw UsageError("walk --vocabulary takes no files");
        std::cout << walkthrough_vocabulary();
        return 0;
    }
    if (options.files.empty()) throw UsageError("walk needs at least one walkthrough file");

    // Check every file before anything runs.
    std::vector<Walkthrough> walkthroughs;
    std::vector<Diagnostic> problems;
    for (const auto& file : options.files) {
        try {
            walkthroughs.push_back(load_walkthrough(file));
        } catch (const WalkthroughError& e) {
            problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
        }
    }
    if (!problems.empty()) {
        if (options.json) {
            json errors = json::array();
            for (const auto& d : problems)
                errors.push_back({{"file", d.file},
                                  {"line", d.line},
                                  {"column", d.column},
                                  {"message", d.message}});
            json out{{"schema", kJsonSchemaVersion}, {"passed", false}, {"errors", errors}};
            make_json_text(out);  // a file may hold bytes that are not UTF-8
            std::cout << out.dump(2) << "\n";
        } else {
            for (const auto& d : problems) std::cerr << d.text() << "\n";
        }
        return 2;
    }

    size_t checks = 0, failed = 0, runs = 0;
    json files = json::array();
    for (const Walkthrough& w : walkthroughs) {
        json file{{"file", w.path}, {"title", w.title}};
        json era_runs = json::array();
        for (size_t p = 0; p < w.plans.size(); p++) {
            const char* era = era_info(w.plans[p].era).name.data();
            if (!options.json)
                std::cout << "== " << w.path << ": " << w.title << " [" << era << "]\n";
            WalkRunner runner(w, p);
            json steps = json::array();
            size_t run_checks = 0, run_failed = 0;
            std::string error;
            try {
                while (!runner.done()) {
                    StepResult r = runner.run_next();
                    for (const auto& c : r.checks) {
                        run_checks++;
                        if (!c.passed) run_failed++;
                    }
                    if (options.json)
                        steps.push_back(step_json(r));
                    else
                        print_step(r, options.quiet);
                }
            } catch (const std::exception& e) {
                // The guest could not be loaded or the run broke: the whole run fails.
                error = e.what();
                run_failed++;
            }
            runs++;
            checks += run_checks;
            failed += run_failed;
            if (options.json) {
                json run{{"era", era},
                         {"steps", steps},
                         {"checks", run_checks},
                         {"failed", run_failed},
                         {"passed", run_failed == 0}};
                if (!error.empty()) run["error"] = error;
                era_runs.push_back(run);
            } else {
                if (!error.empty()) std::cout << "  ERROR " << error << "\n";
                std::cout << "-- " << era << ": " << run_checks << " checks, "
                          << run_checks - std::min(run_checks, run_failed) << " passed, "
                          << run_failed << " failed\n\n";
            }
        }
        file["runs"] = era_runs;
        files.push_back(file);
    }
    if (options.json) {
        json out{{"schema", kJsonSchemaVersion},
                 {"passed", failed == 0},
                 {"checks", checks},
                 {"failed", failed},
                 {"walkthroughs", files}};
        make_json_text(out);
        std::cout << out.dump(2) << "\n";
    } else {
        std::cout << "== " << walkthroughs.size() << " walkthrough"
                  << (walkthroughs.size() == 1 ? "" : "s") << ", " << runs << " run"
                  << (runs == 1 ? "" : "s") << ", " << checks << " checks, " << failed
                  << " failed: " << (failed ? "FAIL" : "PASS") << "\n";
    }
    return failed ? 1 : 0;
}

}  // namespace slowpath
