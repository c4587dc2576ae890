// Walkthroughs: what each step and expectation says in words, and loading a
// file (every problem reported before anything runs).
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <tuple>

#include "slowpath/numbers.h"
#include "slowpath/scenario_line.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"
#include "walkthrough_internal.h"

namespace slowpath {

using namespace walkthrough_detail;

// ---- descriptions ----------------------------------------------------------------------

std::string Diagnostic::text() const {
    if (line <= 0) return file + ": " + message;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

static std::string join_diagnostics(const std::vector<Diagnostic>& d) {
    std::string s;
    for (size_t i = 0; i < d.size(); i++) s += (i ? "\n" : "") + d[i].text();
    return s;
}

WalkthroughError::WalkthroughError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_diagnostics(diagnostics)), diagnostics_(std::move(diagnostics)) {}

bool SetupStep::changes_scenario() const {
    return restart || era || syscall_nr || bad_pointer || !tampers.empty() || signal_action ||
           (!inject.empty() && inject_when != InjectWhen::Now);
}

bool SetupStep::acts_now() const {
    return (!inject.empty() && inject_when == InjectWhen::Now) || !edits.empty();
}

bool ValueTest::test(uint64_t v) const {
    if (canonical && is_canonical(v) != *canonical) return false;
    uint64_t x = mask ? (v & *mask) : v;
    int64_t s = static_cast<int64_t>(x);
    switch (op) {
        case Op::Any:
            return true;
        case Op::Eq:
            return x == static_cast<uint64_t>(value);
        case Op::Ne:
            return x != static_cast<uint64_t>(value);
        case Op::Lt:
            return s < value;
        case Op::Le:
            return s <= value;
        case Op::Gt:
            return s > value;
        case Op::Ge:
            return s >= value;
    }
    return false;
}

std::string ValueTest::text() const {
    std::vector<std::string> parts;
    if (state) parts.push_back("is " + std::string(slot_state_name(*state)));
    if (canonical) parts.push_back(*canonical ? "is canonical" : "is not canonical");
    if (op != Op::Any) {
        static const char* ops[] = {"", "==", "!=", "<", "<=", ">", ">="};
        std::string s = mask ? "& " + hex(*mask) + " " : "";
        std::string v = written.empty() ? number(value) : written;
        parts.push_back(s + ops[static_cast<int>(op)] + " " + v);
    }
    return join(parts, " and ");
}

std::string SyscallSelector::text() const {
    switch (kind) {
        case Kind::Focus:
            return "the focus syscall";
        case Kind::Current:
            return "the current syscall";
        case Kind::All:
            return "all syscalls";
        case Kind::Index:
            return "syscall #" + std::to_string(index);
        case Kind::Name:
            return name;
    }
    return "?";
}

std::string Expectation::describe() const {
    const std::string who = syscall.text();
    switch (kind) {
        case Kind::At:
            return "at " + name;
        case Kind::Ring:
            return "in ring " + std::to_string(ring);
        case Kind::Exit:
            if (exit == ExitKind::None) return who + " never returns to user mode";
            return who + " leaves by " + std::string(exit_kind_name(exit));
        case Kind::Ret:
            return who + " returns " + value.text();
        case Kind::Register:
            return name + " " + value.text();
        case Kind::PtRegs:
            return "pt_regs." + name + " " + value.text();
        case Kind::TifSet:
            return "TIF_" + name + " is set";
        case Kind::TifClear:
            return "TIF_" + name + " is clear";
        case Kind::Route:
        case Kind::Labels: {
            std::string what = kind == Kind::Route ? "route" : "labels";
            switch (match) {
                case Match::Contains:
                    return what + " of " + who + " so far passes " + join(names, " -> ");
                case Match::Equals:
                    return what + " of " + who + " so far is exactly " + join(names, " -> ");
                case Match::Excludes:
                    return what + " of " + who + " so far has none of " + join(names);
            }
            return what;
        }
        case Kind::Console:
            switch (match) {
                case Match::Contains:
                    return "console shows \"" + text + "\"";
                case Match::Equals:
                    return "console is exactly \"" + text + "\"";
                case Match::Excludes:
                    return "console does not show \"" + text + "\"";
            }
            return "console";
        case Kind::Why:
            switch (match) {
                case Match::Contains:
                    return "the decision of " + who + " says \"" + text + "\"";
                case Match::Equals:
                    return "the decision of " + who + " says exactly \"" + text + "\"";
                case Match::Excludes:
                    return "the decision of " + who + " does not say \"" + text + "\"";
            }
            return "why";
        case Kind::Outcome:
            return "the run ends: " + std::string(outcome_name(outcome));
        case Kind::Returned:
            return name + "() returned " + value.text();
        case Kind::ExceptionFrame:
            return "exception_frame." + name + " " + value.text();
        case Kind::Frame:
            if (field == "present")
                return present ? name + "() has a frame on the kernel stack"
                               : name + "() has no frame on the kernel stack";
            if (field == "returns_to") return name + "() returns into " + text;
            return "frame " + name + "." + field + " " + value.text();
        case Kind::Count: {
            std::string what = count_of.empty() ? name + " events" : name + " " + count_of;
            std::string scope = syscall.kind == SyscallSelector::Kind::All ? "the run" : who;
            return what + " in " + scope + " so far " + value.text();
        }
        case Kind::Sigframe:
            if (!present) return "no signal frame on the user stack";
            return "a signal frame on the user stack" +
                   (value.op != ValueTest::Op::Any ? " with signo " + value.text() : std::string());
    }
    return "?";
}

std::string Step::describe() const {
    switch (kind) {
        case StepKind::Setup: {
            std::vector<std::string> parts;
            if (setup.restart) parts.push_back("start again from the program");
            if (setup.era) parts.push_back("era " + std::string(era_info(*setup.era).name));
            if (setup.syscall_nr) parts.push_back("syscall " + syscall_name(*setup.syscall_nr));
            if (setup.bad_pointer)
                parts.push_back(*setup.bad_pointer ? "bad pointer" : "good pointer");
            if (!setup.inject.empty()) {
                std::vector<std::string> flags;
                for (int bit : setup.inject) flags.push_back(tif_names(1u << bit));
                parts.push_back("inject " + join(flags, " ") + " at " +
                                std::string(inject_when_name(setup.inject_when)));
            }
            for (const auto& [target, value] : setup.edits)
                parts.push_back("edit " + target + " = " + hex(value));
            for (const auto& t : setup.tampers) parts.push_back("tamper " + tamper_text(t));
            if (setup.signal_action)
                parts.push_back("SIGUSR1 " + std::string(signal_action_name(*setup.signal_action)));
            if (setup.ghost) parts.push_back("keep the last route as a ghost");
            return "setup: " + join(parts);
        }
        case StepKind::Move: {
            std::string times = move.count > 1 ? " (" + std::to_string(move.count) + " times)" : "";
            switch (move.kind) {
                case MoveKind::Steps:
                    return "move " + std::to_string(move.count) + " instruction" +
                           (move.count > 1 ? "s" : "");
                case MoveKind::Back:
                    return "move back " + std::to_string(move.count) + " instruction" +
                           (move.count > 1 ? "s" : "");
                case MoveKind::Label:
                    return "move to label " + move.name + times;
                case MoveKind::Focus:
                    return "move to the focus syscall";
                case MoveKind::Event:
                    return "move to the next " + std::string(event_kind_name(move.event)) +
                           (move.name.empty() ? "" : " " + move.name) + " event" + times;
                case MoveKind::Ring3:
                    return "move to ring 3" + times;
                case MoveKind::End:
                    return "move to the end";
                case MoveKind::Over:
                    return "step over" + times;
                case MoveKind::Out:
                    return "step out" + times;
            }
            return "move";
        }
        case StepKind::Say:
            return "say";
        case StepKind::Point: {
            std::vector<std::string> t;
            for (const auto& p : points) t.push_back(p.text());
            return "point at " + join(t);
        }
        case StepKind::Ask:
            return "ask: " + question.question;
        case StepKind::Expect:
            return "expect " + std::to_string(expectations.size()) + " thing" +
                   (expectations.size() == 1 ? "" : "s");
        case StepKind::Shoot:
            return "shoot " + text;
        case StepKind::View: {
            std::vector<std::string> t;
            if (view.presenter) t.push_back(*view.presenter ? "presenter" : "no presenter");
            if (view.compare) t.push_back(*view.compare ? "compare" : "no compare");
            if (view.panels) t.push_back("panels " + join(*view.panels));
            return "view: " + (t.empty() ? std::string("as it is") : join(t));
        }
        case StepKind::Compare: {
            if (compare.off) return "compare off";
            auto side = [](const CompareSide& c) {
                if (c.line) return scenario_line_text(*c.line).substr(kScenarioLinePrefix.size());
                Step s;
                s.kind = StepKind::Setup;
                s.setup = c.setup;
                std::string d = s.describe().substr(7);  // less "setup: "
                return d.empty() ? std::string("the program") : d;
            };
            return "compare " + side(compare.left) + " with " + side(compare.right);
        }
    }
    return "?";
}

// ---- the vocabulary --------------------------------------------------------------------

std::string walkthrough_vocabulary(const LoadOptions& options) {
    std::string out;
    auto line = [&](const std::string& what, const std::vector<std::string>& names) {
        out += "- " + what + ": " + join(names) + "\n";
    };
    auto views = [](const std::vector<std::string_view>& v) {
        return std::vector<std::string>(v.begin(), v.end());
    };
    out += "Keys:\n\n";
    line("step kinds", Parser::step_kinds());
    line("the walkthrough", Parser::header_keys());
    line("`program`", Parser::program_keys());
    line("`setup`", Parser::setup_keys());
    line("`move`", Parser::move_keys());
    std::vector<std::string> targets = {"focus", "ring3", "end", "over", "out"};
    targets.emplace_back("check");
    targets.emplace_back("syscall");
    for (int k = 0; k <= static_cast<int>(EventKind::StepLimit); k++)
        targets.emplace_back(event_kind_name(static_cast<EventKind>(k)));
    line("`move` `to:`", targets);
    line("`point`", Parser::point_keys());
    line("`ask`", Parser::ask_keys());
    line("`shoot`", {"file"});
    line("`compare`", Parser::compare_keys());
    line("`view`", Parser::view_keys());
    line("`expect` (the expectation names)", Parser::expect_keys());
    std::vector<std::string> tests = Parser::value_test_keys();
    tests.emplace_back("state");
    line("value tests", tests);
    line("`state` (pt_regs)", {"valid", "not-saved", "not-fixed"});
    line("`route`, `labels`, `console`, `why`", {"contains", "equals", "excludes"});
    line("`syscall` (in expect)", {"focus", "current", "all", "an index", "a syscall name"});
    line("`outcome`", {"exited", "livelock", "fault", "step-limit"});
    line("`exit`", {"sysret", "iret", "none"});
    line("`in` (move)", {"focus", "run"});
    line("`exception_frame` fields", views(exception_frame_fields()));
    std::vector<std::string> frame_fields = views(function_frame_fields());
    frame_fields.emplace_back("present");
    line("`frame` fields (per C function)", frame_fields);
    out += "\nNames:\n\n";
    line("panels", views(walkthrough_panels()));
    line("registers", views(walkthrough_registers()));
    line("pt_regs slots", views(pt_regs_slot_names()));
    std::vector<std::string> aliases;
    for (const auto& [alias, slot] : pt_regs_slot_aliases())
        aliases.push_back(std::string(alias) + " = " + std::string(slot));
    line("pt_regs aliases (the kernel's field names)", aliases);
    std::vector<std::string> flags, injectable;
    for (const TifFlagInfo& f : tif_flags()) {
        flags.emplace_back(f.name);
        if (f.injectable) injectable.emplace_back(f.name);
    }
    line("TIF flags", flags);
    line("injections (`inject`)", injectable);
    line("injection times (`at`)", {"entry", "exit", "now"});
    for (Era era : {Era::V3_13, Era::Rfc, Era::Modern}) {
        const EraSymbols& s = era_symbols(era, options.use_kernel_symbols);
        std::string name(era_info(era).name);
        line(name + " labels", std::vector<std::string>(s.labels.begin(), s.labels.end()));
        line(name + " C functions",
             std::vector<std::string>(s.functions.begin(), s.functions.end()));
        line(name + " exception-table fixup targets (labels)",
             std::vector<std::string>(s.fixups.begin(), s.fixups.end()));
    }
    const auto& user = era_symbols(Era::V3_13, options.use_kernel_symbols).user;
    line("the demo program's symbols", std::vector<std::string>(user.begin(), user.end()));
    return out;
}

// ---- loading ------------------------------------------------------------------------------

Walkthrough parse_walkthrough(const std::string& text, const std::string& name,
                              const LoadOptions& options) {
    Parser parser(name, options);
    parser.set_source(text);
    YAML::Node root;
    try {
        root.reset(YAML::Load(text));
    } catch (const YAML::ParserException& e) {
        parser.error(e.mark, "YAML syntax: " + e.msg);
        throw WalkthroughError(parser.diagnostics());
    }
    Walkthrough w;
    try {
        w = parser.parse(root);
    } catch (const YAML::Exception& e) {
        // yaml-cpp refuses some lookups on odd shapes; report where, not crash.
        parser.error(e.mark, "cannot read this part of the file: " + e.msg);
    }
    if (!parser.diagnostics().empty()) {
        // In file order, whichever era's pass found them.
        std::vector<Diagnostic> d = parser.diagnostics();
        std::stable_sort(d.begin(), d.end(), [](const Diagnostic& x, const Diagnostic& y) {
            return std::tie(x.line, x.column) < std::tie(y.line, y.column);
        });
        throw WalkthroughError(std::move(d));
    }
    return w;
}

Walkthrough load_walkthrough(const std::string& path, const LoadOptions& options) {
    // No walkthrough is anywhere near this big; /dev/zero would never end.
    constexpr size_t kMaxBytes = 4 << 20;
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        throw WalkthroughError({{path, 0, 0, "is a directory, not a walkthrough file"}});
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw WalkthroughError({{path, 0, 0, "cannot open the file"}});
    std::string text;
    char buf[4096];
    size_t n;
    while (text.size() <= kMaxBytes && (n = std::fread(buf, 1, sizeof buf, f)) > 0)
        text.append(buf, n);
    bool read_error = std::ferror(f);
    int err = errno;
    std::fclose(f);
    if (read_error)
        throw WalkthroughError({{path, 0, 0, std::string("cannot read: ") + std::strerror(err)}});
    if (text.size() > kMaxBytes)
        throw WalkthroughError({{path, 0, 0, "too large for a walkthrough (over 4 MiB)"}});
    return parse_walkthrough(text, path, options);
}

}  // namespace slowpath
