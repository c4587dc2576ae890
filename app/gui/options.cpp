#include "options.h"

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "model/gif.h"
#include "model/model.h"
#include "slowpath/era.h"
#include "slowpath/log.h"
#include "slowpath/numbers.h"
#include "slowpath/scenario_line.h"
#include "slowpath/syscalls.h"
#include "slowpath/version.h"

namespace slowpath::gui {

namespace {

// CLI11 messages can span lines; the contract is one line.
std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

bool parse_size(const std::string& text, int& w, int& h) {
    char x = 0;
    std::istringstream in(text);
    if (!(in >> w >> x >> h) || (x != 'x' && x != 'X')) return false;
    return w >= 320 && h >= 240 && w <= 16384 && h <= 16384;
}

std::optional<bool> parse_on_off(const std::string& text) {
    if (text == "on" || text == "yes" || text == "true" || text == "1") return true;
    if (text == "off" || text == "no" || text == "false" || text == "0") return false;
    return std::nullopt;
}

}  // namespace

std::vector<std::string> shell_words(const std::string& text) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (size_t i = 0; i < text.size(); i++) {
        char c = text[i];
        if (quote == '\'') {
            if (c == '\'')
                quote = 0;
            else
                word += c;
        } else if (quote == '"') {
            if (c == '"')
                quote = 0;
            else if (c == '\\' && i + 1 < text.size())
                word += text[++i];
            else
                word += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && i + 1 < text.size()) {
            word += text[++i];
            in_word = true;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            if (in_word) words.push_back(word);
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (quote) throw std::invalid_argument(std::string("unclosed ") + quote + " quote");
    if (in_word) words.push_back(word);
    return words;
}

std::optional<Options> parse_options(int argc, char** argv, int& exit_code, std::string* error) {
    Options options;
    CLI::App app{"slowpath: watch the x86-64 system-call path run, step by step", "slowpath"};
    std::string era_text, syscall_text, size_text, theme_text, animate_text, commands_file;
    std::vector<std::string> injections, tampers;
    std::string program;
    std::vector<std::string> program_args;
    std::string signal_action_text;
    bool presenter = false;
    float zoom = 0.0f;
    std::string max_steps_text;
    std::string memory_text;
    app.set_version_flag("--version", [] { return version_text("slowpath"); });
    app.set_help_all_flag("--help-all", "print this help and exit (as --help)");

    app.add_option(
        "--era", era_text,
        "v3.13 (asm decides), rfc (2014 RFC: C decides) or modern (6.12: do_syscall_64 decides)");
    app.add_option("--syscall", syscall_text, "the syscall the demo makes: a name or a number");
    app.add_option("--inject", injections, "FLAG@entry or FLAG@exit, e.g. SIGPENDING@exit");
    app.add_option("--program", program,
                   "a static x86-64 Linux ELF to run instead of the demo (as slowpath-cli run "
                   "--program)");
    app.add_option("--args", program_args, "arguments for --program")->expected(0, -1);
    app.add_flag("--bad-pointer", options.scenario.bad_pointer,
                 "the demo passes an unmapped user pointer");
    app.add_option("--tamper", tampers,
                   "REG=VALUE: a tracer at the focus syscall's exit stop sets this pt_regs slot "
                   "(rax rcx r11 rip rsp eflags cs ss); implies SYSCALL_TRACE@entry");
    app.add_option("--signal-action", signal_action_text,
                   "how the demo sets up SIGUSR1: handler, ignore (SIG_IGN) or block");
    app.add_option("--max-steps", max_steps_text,
                   "stop the run after this many instructions (decimal or 0x hex)");
    app.add_option("--memory", memory_text,
                   "the most a recording may hold, e.g. 512M or 4G (default 1G): past it old "
                   "checkpoints are thinned, then the run stops");
    app.add_option("--screenshot", options.screenshot, "draw the window, save it as PNG, exit");
    app.add_option("--frames", options.frames, "draw this many frames, then exit");
    app.add_option("--commands", options.commands_text,
                   "run commands after the first frame, e.g. \"step 5; inject SIGPENDING now\"");
    app.add_option("--commands-file", commands_file, "run the commands in a file");
    app.add_option("--dump-state", options.dump_state,
                   "write what the panels show as JSON at the end");
    app.add_option("--state-on-quit", options.state_on_quit,
                   "write the --dump-state JSON when the window is quit (Ctrl+Q, closed)");
    app.add_option("--state-live", options.state_live,
                   "rewrite the --dump-state JSON after every frame drawn (for tests)");
    app.add_flag("--bench", options.bench, "measure frame time, idle CPU, start-up and seek time");
    app.add_option("--bench-idle", options.bench_idle_seconds, "seconds of idle to measure");
    app.add_option("--size", size_text, "window size, e.g. 1600x1000");
    app.add_option("--theme", theme_text, "dark or light");
    app.add_flag("--presenter", presenter, "large fonts for a projector");
    app.add_option("--animate", animate_text, "on or off");
    app.add_option("--zoom", zoom, "text size factor (1 = normal)");
    std::string compare_text;
    app.add_option("--compare", compare_text,
                   "eras side by side, moved together: --compare (this era and another), "
                   "--compare v3.13,rfc,modern, --compare rfc,modern or --compare all")
        ->expected(0, 1);
    app.add_option("--walkthrough", options.walkthrough,
                   "play a walkthrough (assets/walkthroughs/*.yaml) as a guided tour");
    app.add_option("--screenshot-dir", options.screenshot_dir,
                   "save the walkthrough's screenshots (its shoot steps) here");
    app.add_option("--snapshot-dir", options.snapshot_dir,
                   "where F12 saves its PNGs (default: $XDG_PICTURES_DIR/slowpath)");
    app.add_flag("--exit-at-end", options.exit_at_end,
                 "play the walkthrough unattended, answering its questions, then exit "
                 "(status 1 if an expectation failed)");
    std::vector<std::string> record_gif;
    app.add_option("--record-gif", record_gif,
                   "FILE.gif FROM..TO: record steps FROM to TO (as the status bar numbers them) "
                   "as an animated GIF, a frame per step, then exit")
        ->expected(2);
    app.add_option("--handout", options.handout_dir,
                   "play the --walkthrough unattended and write it as a handout: DIR/index.html "
                   "with each page's text and a screenshot of it");
    bool no_settings = false;
    app.add_flag("--no-settings", no_settings, "do not read or write the settings file");
    std::string line_text;
    app.add_option("scenario", line_text,
                   "a scenario line, e.g. slowpath:rfc/getpid/SIGPENDING@exit/at=decision "
                   "(Ctrl+C in the app copies the one on screen), or a scenario file "
                   "(FILE.yaml: era, program, setup, at)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        exit_code = app.exit(e);
        return std::nullopt;
    } catch (const CLI::CallForAllHelp& e) {
        exit_code = app.exit(e);
        return std::nullopt;
    } catch (const CLI::CallForVersion&) {
        std::fputs(version_text("slowpath").c_str(), stdout);
        exit_code = 0;
        return std::nullopt;
    } catch (const CLI::ParseError& e) {
        if (error)
            *error = one_line(e.what());
        else
            host::error(one_line(e.what()));
        exit_code = 2;
        return std::nullopt;
    }

    auto fail = [&](const std::string& message) -> std::optional<Options> {
        if (error)
            *error = one_line(message);
        else
            host::error(one_line(message));
        exit_code = 2;
        return std::nullopt;
    };

    // A scenario line as the argument: the scenario, then its point.
    std::string point_script;
    if (!line_text.empty()) {
        try {
            ScenarioLine line = looks_like_scenario_line(line_text) ? parse_scenario_line(line_text)
                                                                    : load_scenario_file(line_text);
            Scenario s = line.scenario;
            s.max_steps = options.scenario.max_steps;
            options.scenario = s;
            options.scenario_given = true;
            if (line.at.kind == ScenarioPoint::Kind::Decision) point_script = "decision";
            if (line.at.kind == ScenarioPoint::Kind::Label) point_script = "label " + line.at.label;
            if (line.at.kind == ScenarioPoint::Kind::Step)
                point_script = "seek " + std::to_string(line.at.step);
        } catch (const std::invalid_argument& e) {
            return fail(e.what());
        }
    }

    if (!era_text.empty()) {
        auto era = parse_era(era_text);
        if (!era) return fail("unknown era '" + era_text + "' (use " + era_names() + ")");
        options.scenario.era = *era;
        options.scenario_given = true;
    }
    if (!syscall_text.empty()) {
        auto nr = parse_syscall(syscall_text);
        if (!nr) return fail("unknown syscall '" + syscall_text + "'");
        options.scenario.syscall_nr = *nr;
        options.scenario_given = true;
    }
    for (const std::string& text : injections) {
        try {
            options.scenario.injections.push_back(parse_injection(text));
        } catch (const std::exception& e) {
            return fail(e.what());
        }
        options.scenario_given = true;
    }
    if (!program.empty()) {
        if (!std::ifstream(program, std::ios::binary)) return fail(program + ": cannot read");
        options.scenario.user_program = program;
        options.scenario.user_args = program_args;
        options.scenario_given = true;
    } else if (!program_args.empty()) {
        return fail("--args are for a --program");
    }
    for (const std::string& text : tampers) {
        try {
            options.scenario.tampers.push_back(parse_tamper(text));
        } catch (const std::exception& e) {
            return fail(std::string("--tamper ") + e.what());
        }
        options.scenario_given = true;
    }
    if (!signal_action_text.empty()) {
        auto action = parse_signal_action(signal_action_text);
        if (!action)
            return fail("--signal-action: unknown action '" + signal_action_text +
                        "' (handler, ignore or block)");
        options.scenario.signal_action = *action;
        options.scenario_given = true;
    }
    if (!max_steps_text.empty()) {
        auto max_steps = parse_unsigned(max_steps_text);
        if (!max_steps || *max_steps == 0)
            return fail("--max-steps must be a number from 1 to 2^64-1 (decimal or 0x hex), not '" +
                        max_steps_text + "'");
        options.scenario.max_steps = *max_steps;
    } else {
        options.scenario.max_steps = kGuiMaxSteps;  // a long run records in the background
    }
    if (!memory_text.empty()) {
        auto budget = parse_memory_budget(memory_text);
        if (!budget) return fail(memory_budget_error(memory_text));
        options.scenario.memory_budget = *budget;
    }
    if (!size_text.empty() && !parse_size(size_text, options.width, options.height))
        return fail("bad --size '" + size_text + "' (use WIDTHxHEIGHT, e.g. 1600x1000)");
    if (!theme_text.empty()) {
        if (theme_text != "dark" && theme_text != "light")
            return fail("unknown theme '" + theme_text + "' (use dark or light)");
        options.dark = theme_text == "dark";
    }
    if (app.count("--compare")) {
        options.compare = true;
        if (!compare_text.empty()) {
            try {
                options.compare_eras = parse_era_list(compare_text);
            } catch (const std::exception& e) {
                return fail(std::string("--compare: ") + e.what());
            }
        }
    }
    if (presenter) options.presenter = true;
    if (!animate_text.empty()) {
        options.animate = parse_on_off(animate_text);
        if (!options.animate) return fail("--animate takes on or off");
    }
    if (zoom != 0.0f) {
        if (!(zoom >= 0.5f && zoom <= 4.0f)) return fail("--zoom must be between 0.5 and 4");
        options.zoom = zoom;
    }
    if (options.frames < -1 || options.frames > 1000000) return fail("--frames out of range");
    if (!(options.bench_idle_seconds >= 0.0 && options.bench_idle_seconds <= 600.0))
        return fail("--bench-idle out of range");
    options.use_settings = !no_settings;
    if (!options.handout_dir.empty()) {
        if (options.walkthrough.empty()) return fail("--handout needs --walkthrough FILE");
        options.exit_at_end = true;  // the tour plays itself, page by page
        // The walkthrough's own shoot steps land beside the handout.
        if (options.screenshot_dir.empty()) options.screenshot_dir = options.handout_dir;
    }
    if (options.exit_at_end && options.walkthrough.empty())
        return fail("--exit-at-end needs --walkthrough FILE");

    // --record-gif: the range's first step, then a frame per step to its last
    // (after the scenario line's point and the --commands).
    std::string record_script;
    if (!record_gif.empty()) {
        const std::string& range = record_gif[1];
        size_t dots = range.find("..");
        std::optional<uint64_t> from, to;
        if (dots != std::string::npos) {
            from = parse_unsigned(range.substr(0, dots));
            to = parse_unsigned(range.substr(dots + 2));
        }
        if (!from || !to || *to < *from)
            return fail("--record-gif: '" + range +
                        "' is not a range of steps FROM..TO (e.g. 100..140)");
        if (*to - *from + 1 > kGifMaxFrames)
            return fail("--record-gif: " + range + " is more than " +
                        std::to_string(kGifMaxFrames) + " steps");
        if (record_gif[0].empty() || record_gif[0].find_first_of(";\n#\"' ") != std::string::npos)
            return fail("--record-gif: '" + record_gif[0] +
                        "': use a file name without spaces, quotes, ';' or '#'");
        options.record_gif = record_gif[0];
        record_script = "\nseek " + std::to_string(*from) + "\nrecord-gif " + record_gif[0] + " " +
                        std::to_string(*to - *from);
    }
    std::string script = point_script + "\n" + options.commands_text;
    if (!commands_file.empty()) {
        std::ifstream in(commands_file);
        if (!in) return fail(commands_file + ": cannot read");
        std::stringstream text;
        text << in.rdbuf();
        script += "\n" + text.str();
    }
    script += record_script;
    try {
        options.commands = parse_commands(script);
    } catch (const std::exception& e) {
        return fail(std::string("--commands: ") + e.what());
    }
    exit_code = 0;
    return options;
}

}  // namespace slowpath::gui
