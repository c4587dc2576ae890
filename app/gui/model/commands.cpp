#include "model/commands.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <stdexcept>

#include "model/model.h"
#include "slowpath/era.h"
#include "slowpath/scenario_line.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"

namespace slowpath::gui {

namespace {

std::string trim(std::string_view text) {
    size_t a = 0, b = text.size();
    while (a < b && std::isspace(static_cast<unsigned char>(text[a]))) a++;
    while (b > a && std::isspace(static_cast<unsigned char>(text[b - 1]))) b--;
    return std::string(text.substr(a, b - a));
}

const CommandInfo* find_command(const std::string& verb) {
    for (const CommandInfo& info : command_table())
        if (verb == info.verb) return &info;
    return nullptr;
}

bool parse_u64(const std::string& text, uint64_t& out) {
    if (text.empty()) return false;
    try {
        size_t used = 0;
        out = std::stoull(text, &used, 0);
        return used == text.size();
    } catch (const std::exception&) {
        return false;
    }
}

uint64_t parse_u64_or_throw(const std::string& text, const char* what) {
    uint64_t value = 0;
    if (!parse_u64(text, value))
        throw std::invalid_argument(std::string("'") + text + "' is not a " + what);
    return value;
}

std::optional<bool> parse_switch(const std::string& word, bool current) {
    if (word == "on" || word == "yes" || word == "1" || word == "true") return true;
    if (word == "off" || word == "no" || word == "0" || word == "false") return false;
    if (word == "toggle") return !current;
    return std::nullopt;
}

std::optional<EventKind> parse_event_kind(const std::string& word) {
    for (int k = 0; k <= static_cast<int>(EventKind::StepLimit); k++) {
        auto kind = static_cast<EventKind>(k);
        if (word == event_kind_name(kind)) return kind;
    }
    return std::nullopt;
}

// "SIGPENDING entry" / "SIGPENDING@entry" / "SIGPENDING now" -> (bit, when)
struct InjectArgs {
    int bit = 0;
    InjectWhen when = InjectWhen::Exit;
};
InjectArgs parse_inject_args(const std::vector<std::string>& args) {
    std::string text = args[0];
    if (args.size() > 1) text += "@" + args[1];
    if (text.find('@') == std::string::npos) text += "@exit";
    size_t at = text.find('@');
    std::string when = text.substr(at + 1);
    for (char& c : when) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (when == "now") {
        auto bit = parse_tif(text.substr(0, at));
        if (!bit) throw std::invalid_argument("'" + text.substr(0, at) + "' is not a TIF flag");
        return {*bit, InjectWhen::Now};
    }
    Injection injection = parse_injection(text);  // throws with a one-line reason
    return {injection.bit, injection.when};
}

// Checks the arguments of a model command without running it.
void validate(const Command& command) {
    const std::string& v = command.verb;
    const auto& a = command.args;
    if ((v == "step" || v == "back") && !a.empty()) parse_u64_or_throw(a[0], "step count");
    if (v == "seek") parse_u64_or_throw(a[0], "step number");
    if (v == "focus") parse_u64_or_throw(a[0], "syscall index");
    if (v == "era" && !parse_era(a[0])) throw std::invalid_argument("'" + a[0] + "' is not an era");
    if (v == "syscall" && !parse_syscall(a[0]))
        throw std::invalid_argument("'" + a[0] + "' is not a syscall");
    if ((v == "inject" || v == "uninject")) parse_inject_args(a);
    if (v == "event" && !parse_event_kind(a[0]))
        throw std::invalid_argument("'" + a[0] + "' is not an event kind");
    if (v == "edit") parse_u64_or_throw(a[1], "value");
    if (v == "tamper") parse_tamper(a[0]);  // throws with the reason
    if (v == "signal-action" && !parse_signal_action(a[0]))
        throw std::invalid_argument("'" + a[0] + "': expected handler, ignore or block");
    if (v == "bad-pointer" && !parse_switch(a[0], false))
        throw std::invalid_argument("'" + a[0] + "': expected on, off or toggle");
    if (v == "compare" && !parse_switch(a[0], false)) parse_era_list(a[0]);
    if (v == "wait" && !a.empty()) parse_u64_or_throw(a[0], "frame count");
    if (v == "record-gif" && a.size() > 1) parse_u64_or_throw(a[1], "step count");
    if (v == "toggle-flag" && !parse_tif(a[0]))
        throw std::invalid_argument("'" + a[0] + "' is not a TIF flag");
    if (v == "inject-when" && a[0] != "entry" && a[0] != "exit")
        throw std::invalid_argument("'" + a[0] + "': expected entry or exit");
}

// focus N: syscall #N becomes the focus syscall (the injections, tampers
// and flag chips follow it: the run is made again with it as the focus),
// then the window goes to its SYSCALL instruction.
std::string focus_syscall(Model& model, const std::string& arg) {
    const Trace* trace = model.primary().trace();
    uint64_t k = parse_u64_or_throw(arg, "syscall index");
    if (!trace) return "no machine: " + model.primary().error();
    auto missing = [&] {
        return "no syscall #" + arg + " in this run (it made " +
               std::to_string(trace->syscalls.size()) + ")";
    };
    if (k >= trace->syscalls.size()) return missing();
    if (trace->focus != static_cast<int>(k)) {
        Scenario s = model.scenario();
        s.focus_index = static_cast<int>(k);
        model.load_scenario(s);
        trace = model.primary().trace();
        if (!trace) return "no machine: " + model.primary().error();
        if (k >= trace->syscalls.size()) return missing();
        model.set_status("syscall #" + arg + " (" + trace->syscalls[k].name +
                         ") is the focus: injections apply to it");
    }
    model.seek(trace->syscalls[k].entry_step);
    return model.status_is_error() ? model.status() : "";
}

}  // namespace

const std::vector<CommandInfo>& command_table() {
    static const std::vector<CommandInfo> table = {
        {"step", 0, 1, false, "step [N]: run N instructions (default 1)"},
        {"back", 0, 1, false, "back [N]: go back N instructions"},
        {"over", 0, 0, false, "over: step over a call"},
        {"out", 0, 0, false, "out: run until the current C function returns"},
        {"next-label", 0, 0, false, "next-label: run to the next label of the entry code"},
        {"prev-label", 0, 0, false, "prev-label: go back to the previous label"},
        {"next-event", 0, 0, false, "next-event: run to the next event"},
        {"prev-event", 0, 0, false, "prev-event: go back to the previous event"},
        {"decision", 0, 0, false, "decision: run to the sysret/iret decision"},
        {"ring3", 0, 0, false, "ring3: run until the CPU is back in user mode"},
        {"end", 0, 0, false, "end: run to the end of the program"},
        {"reset", 0, 0, false, "reset: back to the focus syscall's SYSCALL instruction"},
        {"seek", 1, 1, false, "seek STEP: go to a step"},
        {"focus", 1, 1, false,
         "focus N: make syscall #N of the run (its index in the Syscalls list) the focus syscall, "
         "the one injections apply to, and go to its SYSCALL instruction"},
        {"program", 1, 64, false,
         "program PATH [ARGS...]: run a static x86-64 Linux ELF with these arguments (as "
         "--program)"},
        {"label", 1, 1, false, "label NAME: run until the label is reached"},
        {"event", 1, 1, false, "event KIND: run to the next event of a kind (e.g. decision)"},
        {"era", 1, 1, false, "era v3.13|rfc|modern"},
        {"syscall", 1, 1, false, "syscall NAME|NUMBER"},
        {"bad-pointer", 1, 1, false, "bad-pointer on|off: pass an unmapped user pointer"},
        {"inject", 1, 2, false, "inject FLAG entry|exit|now"},
        {"uninject", 1, 2, false, "uninject FLAG entry|exit"},
        {"clear-injections", 0, 0, false, "clear-injections"},
        {"tamper", 1, 1, false,
         "tamper REG=VALUE: a tracer rewrites a pt_regs slot at the exit stop (rax rcx r11 rip "
         "rsp eflags cs ss)"},
        {"clear-tampers", 0, 0, false, "clear-tampers: no tracer rewrites pt_regs"},
        {"signal-action", 1, 1, false,
         "signal-action handler|ignore|block: how the demo sets up SIGUSR1"},
        {"scenario", 1, 1, false,
         "scenario LINE: load a scenario line, e.g. "
         "slowpath:rfc/getpid/SIGPENDING@exit/at=decision"},
        {"copy-scenario", 0, 0, true,
         "copy-scenario: the scenario on screen to the clipboard, as a line"},
        {"copy-command-line", 0, 0, true,
         "copy-command-line: the scenario on screen to the clipboard, as a slowpath command line"},
        {"paste", 0, 0, true, "paste: load the scenario line or command line on the clipboard"},
        {"edit", 2, 2, false, "edit TARGET VALUE: set a register or pt_regs.<slot> now"},
        {"compare", 1, 1, false,
         "compare on|off|toggle|ERAS: eras side by side, e.g. compare v3.13,rfc,modern (or all)"},
        {"theme", 1, 1, true, "theme dark|light|toggle"},
        {"presenter", 1, 1, true, "presenter on|off|toggle: large fonts"},
        {"animate", 1, 1, true, "animate on|off|toggle"},
        {"zoom", 1, 1, true, "zoom FACTOR: text size (1 = normal)"},
        {"play", 0, 0, true, "play"},
        {"pause", 0, 0, true, "pause"},
        {"toggle-play", 0, 0, true, "toggle-play"},
        {"speed", 1, 1, true, "speed N: play N moves per second"},
        {"play-unit", 1, 1, true, "play-unit step|label|event"},
        {"help", 0, 1, true, "help [on|off|toggle]"},
        {"table", 0, 1, true, "table [on|off|toggle]: every flag in every era, one matrix"},
        {"point", 1, 1, true, "point PANEL[:ITEM]: highlight a panel, field, flag or label"},
        {"unpoint", 0, 0, true, "unpoint"},
        {"wait", 0, 1, true, "wait [FRAMES]: draw frames (animations finish)"},
        {"screenshot", 1, 1, true, "screenshot FILE.png"},
        {"dump", 1, 1, true, "dump FILE.json: write what the panels show"},
        {"record-gif", 1, 2, true,
         "record-gif FILE.gif [N]: a GIF, a frame per step; with N, take N steps from here and "
         "save it, else record the moves until record-stop"},
        {"open", 1, 1, true,
         "open FILE: a static ELF to run, a scenario file (era, program, setup, at), a "
         "walkthrough, or a file "
         "holding a scenario line"},
        {"program-browse", 0, 1, true,
         "program-browse [on|off|toggle|DIR]: the Open program chooser (in folder DIR)"},
        {"program-browse-open", 0, 0, true,
         "program-browse-open: run the program picked in the chooser with its arguments"},
        {"record-stop", 0, 0, true, "record-stop: save the GIF being recorded"},
        {"stop-recording", 0, 0, true,
         "stop-recording: end a long run's recording where it is (as a step limit)"},
        {"record-toggle", 0, 0, true,
         "record-toggle: start a GIF in the pictures folder, or save the one being recorded"},
        {"quit", 0, 0, true, "quit"},
        {"faster", 0, 0, true, "faster: play faster"},
        {"slower", 0, 0, true, "slower: play slower"},
        {"cycle-play-unit", 0, 0, true, "cycle-play-unit: play by step, label or event"},
        {"cycle-era", 0, 0, true, "cycle-era: the next era (v3.13, rfc, modern, v3.13...)"},
        {"inject-when", 1, 1, true, "inject-when entry|exit: what the flag chips and keys do"},
        {"cycle-when", 0, 0, true, "cycle-when: flag chips inject at entry or at exit"},
        {"toggle-flag", 1, 1, true, "toggle-flag FLAG: inject it at the chosen time, or stop"},
        {"zoom-in", 0, 0, true, "zoom-in: larger text"},
        {"zoom-out", 0, 0, true, "zoom-out: smaller text"},
        {"zoom-reset", 0, 0, true, "zoom-reset: normal text size"},
        {"snapshot", 0, 0, true,
         "snapshot: save a screenshot in the pictures folder, named after the scenario"},
        {"escape", 0, 0, true, "escape: close help, stop pointing"},
        {"tour-next", 0, 0, true, "tour-next: the walkthrough's next page (skips a question)"},
        {"tour-prev", 0, 0, true, "tour-prev: the page before (the run starts again)"},
        {"tour-answer", 1, 1, true, "tour-answer N: answer the question with choice N (from 1)"},
        {"tour-goto", 1, 1, true, "tour-goto PAGE: go to a page of the walkthrough (from 1)"},
        {"tour-era", 1, 1, true, "tour-era E: play the walkthrough in era E (same moment)"},
        {"tour-open", 1, 64, true, "tour-open FILE: open a walkthrough"},
        {"tour-close", 0, 0, true, "tour-close: leave tour mode"},
        {"tour-checks", 0, 1, true,
         "tour-checks [on|off|toggle]: the teacher's view, with the walkthrough's checks"},
        {"tour-browse", 0, 1, true, "tour-browse [on|off]: the Open walkthrough chooser"},
        {"press", 1, 1, true,
         "press KEY: a key press as the keyboard sends it (Right, shift+N, F1, 1)"},
    };
    return table;
}

// Words split at spaces; a word in '...' or "..." keeps its spaces (a path
// with a space in it), the quotes are dropped.
std::vector<std::string> command_words(const std::string& text) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (char c : text) {
        if (quote) {
            if (c == quote)
                quote = 0;
            else
                word += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (quote) throw std::invalid_argument("'" + text + "': a quote is not closed");
    if (in_word) words.push_back(std::move(word));
    return words;
}

std::string command_word(const std::string& word) {
    bool has_single = word.find('\'') != std::string::npos;
    bool has_double = word.find('"') != std::string::npos;
    if ((has_single && has_double) || word.find('\n') != std::string::npos) return "";
    if (!word.empty() && word.find_first_of(" \t;#'\"") == std::string::npos) return word;
    return has_double ? "'" + word + "'" : "\"" + word + "\"";
}

bool is_window_command(const std::string& verb) {
    const CommandInfo* info = find_command(verb);
    return info && info->for_window;
}

std::vector<Command> parse_commands(std::string_view script) {
    std::vector<Command> commands;
    std::string current;
    auto flush = [&] {
        std::string text = trim(current);
        current.clear();
        if (text.empty()) return;
        std::vector<std::string> words = command_words(text);
        Command command;
        command.verb = words[0];
        command.args.assign(words.begin() + 1, words.end());
        command.text = text;
        const CommandInfo* info = find_command(command.verb);
        if (!info) throw std::invalid_argument("'" + command.verb + "': unknown command");
        int n = static_cast<int>(command.args.size());
        if (n < info->min_args || n > info->max_args)
            throw std::invalid_argument("'" + text + "': usage: " + info->usage);
        validate(command);
        commands.push_back(std::move(command));
    };
    bool in_comment = false;
    char quote = 0;  // ';' and '#' inside quotes are part of a word
    for (char c : script) {
        if (c == '\n') {
            in_comment = false;
            quote = 0;
            flush();
        } else if (in_comment) {
            continue;
        } else if (quote) {
            if (c == quote) quote = 0;
            current += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            current += c;
        } else if (c == '#') {
            in_comment = true;
        } else if (c == ';') {
            flush();
        } else {
            current += c;
        }
    }
    flush();
    return commands;
}

std::string run_model_command(Model& model, const Command& command) {
    const std::string& v = command.verb;
    const auto& a = command.args;
    try {
        validate(command);
        model.set_status("");
        if (auto nav = parse_nav(v)) {
            uint64_t count = a.empty() ? 1 : parse_u64_or_throw(a[0], "step count");
            model.nav(*nav, count);
        } else if (v == "seek") {
            model.seek(parse_u64_or_throw(a[0], "step number"));
        } else if (v == "focus") {
            return focus_syscall(model, a[0]);
        } else if (v == "program") {
            if (!std::ifstream(a[0], std::ios::binary)) return a[0] + ": cannot read";
            Scenario s = model.scenario();
            s.user_program = a[0];
            s.user_args.assign(a.begin() + 1, a.end());
            s.focus_index = -1;
            // A new program: what was set up for the last one's syscalls goes.
            s.injections.clear();
            s.edits.clear();
            s.tampers.clear();
            model.load_scenario(s);
        } else if (v == "label") {
            if (!model.run_to_label(a[0])) return a[0] + " is not reached again in this run";
        } else if (v == "event") {
            if (!model.run_to_event(*parse_event_kind(a[0])))
                return "no " + a[0] + " event after this step";
        } else if (v == "era") {
            model.set_era(*parse_era(a[0]));
        } else if (v == "syscall") {
            model.set_syscall(*parse_syscall(a[0]));
        } else if (v == "bad-pointer") {
            model.set_bad_pointer(*parse_switch(a[0], model.scenario().bad_pointer));
        } else if (v == "inject") {
            InjectArgs args = parse_inject_args(a);
            if (args.when == InjectWhen::Now)
                model.inject_now(args.bit);
            else
                model.set_injection(args.bit, args.when, true);
        } else if (v == "uninject") {
            InjectArgs args = parse_inject_args(a);
            if (args.when == InjectWhen::Now) return "an injection made now cannot be undone";
            model.set_injection(args.bit, args.when, false);
        } else if (v == "clear-injections") {
            model.clear_injections();
        } else if (v == "tamper") {
            std::vector<Tamper> tampers = model.scenario().tampers;
            Tamper t = parse_tamper(a[0]);
            auto same = std::find_if(tampers.begin(), tampers.end(),
                                     [&](const Tamper& x) { return x.slot == t.slot; });
            if (same != tampers.end())
                *same = t;
            else
                tampers.push_back(t);
            model.set_tampers(std::move(tampers));
        } else if (v == "clear-tampers") {
            model.set_tampers({});
        } else if (v == "signal-action") {
            model.set_signal_action(*parse_signal_action(a[0]));
        } else if (v == "scenario") {
            ScenarioLine line = parse_scenario_line(a[0]);
            model.load_scenario(line.scenario);
            if (!model.primary().ok()) return "";
            switch (line.at.kind) {
                case ScenarioPoint::Kind::Decision:
                    model.nav(Nav::Decision, 1);
                    break;
                case ScenarioPoint::Kind::Label:
                    if (!model.run_to_label(line.at.label))
                        return line.at.label + " is not reached in this run";
                    break;
                case ScenarioPoint::Kind::Step:
                    model.seek(line.at.step);
                    break;
                case ScenarioPoint::Kind::Start:
                    break;
            }
        } else if (v == "edit") {
            model.edit_now(a[0], parse_u64_or_throw(a[1], "value"));
        } else if (v == "compare") {
            if (auto on = parse_switch(a[0], model.comparing()))
                model.set_compare(*on);
            else
                model.set_compare_eras(parse_era_list(a[0]));
        } else {
            return "'" + v + "' is not a model command";
        }
    } catch (const std::exception& e) {
        return e.what();
    }
    if (model.status_is_error()) return model.status();
    return "";
}

}  // namespace slowpath::gui
