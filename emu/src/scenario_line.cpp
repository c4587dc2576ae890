#include "slowpath/scenario_line.h"

#include <cctype>
#include <set>
#include <stdexcept>
#include <vector>

#include "slowpath/numbers.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"

namespace slowpath {

namespace {

// The name when it reads back as the same number, else the number.
std::string syscall_word(long nr) {
    std::string name = syscall_name(nr);
    auto back = parse_syscall(name);
    return back && *back == nr && name.rfind("syscall_", 0) != 0 ? name : std::to_string(nr);
}

bool edit_target_known(const std::string& target) {
    if (target == "rip" || target == "rflags") return true;
    for (int i = 0; i < GPR_COUNT; i++)
        if (target == gpr_name(i)) return true;
    return target.rfind("pt_regs.", 0) == 0 && pt_regs_slot_index(target.substr(8)) >= 0;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) b++;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) e--;
    return std::string(s.substr(b, e - b));
}

uint64_t number(std::string_view text, const std::string& what) {
    auto v = parse_unsigned(text);
    if (!v) throw std::invalid_argument(what + ": '" + std::string(text) + "' is not a number");
    return *v;
}

std::string point_text(const ScenarioPoint& at) {
    switch (at.kind) {
        case ScenarioPoint::Kind::Decision:
            return "at=decision";
        case ScenarioPoint::Kind::Label:
            return "at=label:" + at.label;
        case ScenarioPoint::Kind::Step:
            return "at=step:" + std::to_string(at.step);
        case ScenarioPoint::Kind::Start:
            break;
    }
    return "";
}

ScenarioPoint parse_point(std::string_view text) {
    ScenarioPoint p;
    if (text == "decision") {
        p.kind = ScenarioPoint::Kind::Decision;
    } else if (text == "start") {
        p.kind = ScenarioPoint::Kind::Start;
    } else if (text.rfind("label:", 0) == 0 && text.size() > 6) {
        p.kind = ScenarioPoint::Kind::Label;
        p.label = std::string(text.substr(6));
    } else if (text.rfind("step:", 0) == 0) {
        p.kind = ScenarioPoint::Kind::Step;
        p.step = number(text.substr(5), "at=step");
    } else {
        throw std::invalid_argument("at=" + std::string(text) +
                                    ": expected decision, start, label:NAME or step:N");
    }
    return p;
}

// "SIGPENDING@now:123": an injection at a step, which parse_injection
// (entry and exit only) does not take.
Injection parse_any_injection(std::string_view text) {
    auto colon = text.find(":");
    auto at = text.find('@');
    if (at != std::string_view::npos && colon != std::string_view::npos && colon > at &&
        lower(text.substr(at + 1, colon - at - 1)) == "now") {
        Injection i = parse_injection(std::string(text.substr(0, at)) + "@exit");
        i.when = InjectWhen::Now;
        i.step = number(text.substr(colon + 1), "injection step");
        return i;
    }
    return parse_injection(text);
}

Edit parse_edit(std::string_view text) {
    auto colon = text.find(':');
    auto eq = text.find('=');
    if (colon == std::string_view::npos || eq == std::string_view::npos || eq < colon)
        throw std::invalid_argument("expected edit:STEP:TARGET=VALUE");
    Edit e;
    e.step = number(text.substr(0, colon), "edit step");
    e.target = lower(text.substr(colon + 1, eq - colon - 1));
    if (!edit_target_known(e.target))
        throw std::invalid_argument("unknown register or pt_regs slot '" + e.target + "'");
    e.value = number(text.substr(eq + 1), "edit value");
    return e;
}

// Single quotes for a shell, unless the word needs none.
std::string shell_word(const std::string& w) {
    bool plain = !w.empty();
    for (char c : w)
        if (!std::isalnum(static_cast<unsigned char>(c)) &&
            std::string("@=.,:_-/+").find(c) == std::string::npos)
            plain = false;
    if (plain) return w;
    std::string out = "'";
    for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

bool looks_like_scenario_line(std::string_view text) {
    return lower(trim(text)).rfind(kScenarioLinePrefix, 0) == 0;
}

std::string scenario_line_text(const Scenario& s, const ScenarioPoint& at) {
    std::string out(kScenarioLinePrefix);
    out += std::string(era_info(s.era).name) + "/" + syscall_word(s.syscall_nr);
    if (s.focus_index >= 0) out += "/focus:" + std::to_string(s.focus_index);
    for (const Injection& i : s.injections) out += "/" + injection_text(i);
    for (const Tamper& t : s.tampers) out += "/tamper:" + tamper_text(t);
    if (s.signal_action != SignalAction::Handler)
        out += "/signal:" + std::string(signal_action_name(s.signal_action));
    if (s.bad_pointer) out += "/bad-pointer";
    for (const Edit& e : s.edits)
        out += "/edit:" + std::to_string(e.step) + ":" + e.target + "=" + hex(e.value);
    std::string point = point_text(at);
    if (!point.empty()) out += "/" + point;
    return out;
}

ScenarioLine parse_scenario_line(std::string_view raw) {
    std::string text = trim(raw);
    if (!looks_like_scenario_line(text))
        throw std::invalid_argument("a scenario line starts with '" +
                                    std::string(kScenarioLinePrefix) + "'");
    std::vector<std::string> parts;
    std::string rest = text.substr(kScenarioLinePrefix.size());
    size_t from = 0;
    for (;;) {
        size_t slash = rest.find('/', from);
        parts.push_back(rest.substr(from, slash - from));
        if (slash == std::string::npos) break;
        from = slash + 1;
    }
    if (parts.size() < 2 || parts[0].empty() || parts[1].empty())
        throw std::invalid_argument("a scenario line needs an era and a syscall: " +
                                    std::string(kScenarioLinePrefix) + "ERA/SYSCALL/...");
    ScenarioLine line;
    Scenario& s = line.scenario;
    auto era = parse_era(parts[0]);
    if (!era) throw std::invalid_argument("unknown era '" + parts[0] + "' (" + era_names() + ")");
    s.era = *era;
    auto nr = parse_syscall(parts[1]);
    if (!nr) throw std::invalid_argument("unknown syscall '" + parts[1] + "'");
    s.syscall_nr = *nr;
    bool have_point = false;
    for (size_t i = 2; i < parts.size(); i++) {
        const std::string& p = parts[i];
        std::string key = lower(p);
        try {
            if (p.empty()) {
                throw std::invalid_argument("empty part");
            } else if (key.rfind("at=", 0) == 0) {
                if (have_point) throw std::invalid_argument("a second at=");
                line.at = parse_point(std::string_view(p).substr(3));
                have_point = true;
            } else if (key.rfind("tamper:", 0) == 0) {
                s.tampers.push_back(parse_tamper(std::string_view(p).substr(7)));
            } else if (key.rfind("signal:", 0) == 0) {
                auto action = parse_signal_action(key.substr(7));
                if (!action) throw std::invalid_argument("expected signal:handler|ignore|block");
                s.signal_action = *action;
            } else if (key.rfind("focus:", 0) == 0) {
                auto k = parse_unsigned(key.substr(6));
                if (!k || *k > 1000000)
                    throw std::invalid_argument("expected focus:N (a syscall index)");
                s.focus_index = static_cast<int>(*k);
            } else if (key == "bad-pointer") {
                s.bad_pointer = true;
            } else if (key.rfind("edit:", 0) == 0) {
                s.edits.push_back(parse_edit(std::string_view(p).substr(5)));
            } else {
                s.injections.push_back(parse_any_injection(p));
            }
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("scenario line, part '" + p + "': " + e.what());
        }
    }
    return line;
}

std::string scenario_command_line(const Scenario& s, const ScenarioPoint& at) {
    std::string out = "slowpath --era " + std::string(era_info(s.era).name) + " --syscall " +
                      syscall_word(s.syscall_nr);
    std::vector<std::string> commands;
    if (s.focus_index >= 0) commands.push_back("focus " + std::to_string(s.focus_index));
    for (const Injection& i : s.injections) {
        if (i.when == InjectWhen::Now) {
            commands.push_back("seek " + std::to_string(i.step));
            commands.push_back("inject " +
                               std::string(tif_flag(i.bit) ? tif_flag(i.bit)->name : "") + " now");
        } else {
            out += " --inject " + injection_text(i);
        }
    }
    for (const Tamper& t : s.tampers) out += " --tamper " + tamper_text(t);
    if (s.signal_action != SignalAction::Handler)
        out += " --signal-action " + std::string(signal_action_name(s.signal_action));
    if (s.bad_pointer) out += " --bad-pointer";
    for (const Edit& e : s.edits) {
        commands.push_back("seek " + std::to_string(e.step));
        commands.push_back("edit " + e.target + " " + hex(e.value));
    }
    if (!commands.empty()) commands.push_back("reset");
    switch (at.kind) {
        case ScenarioPoint::Kind::Decision:
            commands.push_back("decision");
            break;
        case ScenarioPoint::Kind::Label:
            commands.push_back("label " + at.label);
            break;
        case ScenarioPoint::Kind::Step:
            commands.push_back("seek " + std::to_string(at.step));
            break;
        case ScenarioPoint::Kind::Start:
            break;
    }
    if (!commands.empty()) {
        std::string script;
        for (const std::string& c : commands) script += (script.empty() ? "" : "; ") + c;
        out += " --commands " + shell_word(script);
    }
    return out;
}

ScenarioPoint point_of(const Trace& trace, uint64_t start, uint64_t step) {
    ScenarioPoint p;
    if (step == start) return p;
    if (trace.focus >= 0 && trace.focus < static_cast<int>(trace.syscalls.size())) {
        const SyscallRecord& r = trace.syscalls[trace.focus];
        for (size_t i = r.first_event; i < r.end_event && i < trace.events.size(); i++)
            if (trace.events[i].kind == EventKind::Decision) {
                if (trace.events[i].step == step && step > start) {
                    p.kind = ScenarioPoint::Kind::Decision;
                    return p;
                }
                break;
            }
    }
    // A label reached at this step, for the first time since the start:
    // one pass, remembering the labels already reached (the status bar's
    // tooltip asks this every frame it is hovered, late in long runs too).
    if (step > start) {
        std::set<std::string> reached;
        for (size_t i = trace.first_event_at_or_after(start + 1);
             i < trace.events.size() && trace.events[i].step <= step; i++) {
            const Event& e = trace.events[i];
            if (e.kind != EventKind::Label) continue;
            if (e.step == step && !reached.count(e.name)) {
                p.kind = ScenarioPoint::Kind::Label;
                p.label = e.name;
                return p;
            }
            reached.insert(e.name);
        }
    }
    p.kind = ScenarioPoint::Kind::Step;
    p.step = step;
    return p;
}

}  // namespace slowpath
