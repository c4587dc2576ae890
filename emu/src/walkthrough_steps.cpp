// Walkthroughs: parsing the setup, move, point and ask steps. See
// walkthrough_internal.h for the map of files.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "slowpath/scenario_line.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"
#include "walkthrough_internal.h"

namespace slowpath::walkthrough_detail {

// Each setup key and what reads it, in the order they are read (and listed
// in the error message), whatever the file's order.
const std::vector<std::pair<const char*, Parser::SetupHandler>>& Parser::setup_table() {
    static const std::vector<std::pair<const char*, SetupHandler>> handlers = {
        {"restart", &Parser::setup_restart},
        {"era", &Parser::setup_era},
        {"syscall", &Parser::setup_syscall},
        {"bad_pointer", &Parser::setup_bad_pointer},
        {"inject", &Parser::setup_inject},
        {"at", &Parser::setup_at},
        {"edit", &Parser::setup_edit},
        {"tamper", &Parser::setup_tamper},
        {"signal_action", &Parser::setup_signal_action},
        {"ghost", &Parser::setup_ghost},
    };
    return handlers;
}

std::vector<std::string> Parser::setup_keys() {
    std::vector<std::string> keys;
    for (const auto& [key, handler] : setup_table()) keys.emplace_back(key);
    return keys;
}

const std::vector<std::string>& Parser::move_keys() {
    static const std::vector<std::string> keys = {"steps", "back",  "label", "to",
                                                  "name",  "count", "in"};
    return keys;
}

const std::vector<std::string>& Parser::point_keys() {
    static const std::vector<std::string> keys = {"panel", "flag", "label", "field", "register"};
    return keys;
}

const std::vector<std::string>& Parser::ask_keys() {
    static const std::vector<std::string> keys = {"question", "choices", "answer", "explain",
                                                  "shoot"};
    return keys;
}

const std::vector<std::string>& Parser::compare_keys() {
    static const std::vector<std::string> keys = {"left", "right"};
    return keys;
}

const std::vector<std::string>& Parser::view_keys() {
    static const std::vector<std::string> keys = {"size", "presenter", "compare", "panels"};
    return keys;
}

bool Parser::setup(const YAML::Node& n, SetupStep& out) {
    const auto& handlers = setup_table();
    if (!map_with(n, "setup", setup_keys())) return false;
    if (n.size() == 0) {
        error(n, "setup has nothing to set");
        return false;
    }
    bool ok = true;
    for (const auto& [key, handler] : handlers)
        if (n[key] && !(this->*handler)(n, out)) ok = false;
    return ok;
}

bool Parser::setup_restart(const YAML::Node& n, SetupStep& out) {
    return optional_field(n, "restart", "restart", &Parser::boolean, out.restart);
}

bool Parser::setup_era(const YAML::Node& n, SetupStep& out) {
    // A compare side may: it is the other machine, the lesson's era goes on.
    if (eras_.size() > 1 && !in_compare_side_) {
        error(n["era"],
              "this walkthrough runs once per era (eras:); a step cannot choose the era (a "
              "compare side can)");
        return false;
    }
    auto e = era_name(for_era(n["era"]));
    if (!e) return false;
    out.era = *e;
    return true;
}

bool Parser::setup_syscall(const YAML::Node& n, SetupStep& out) {
    auto s = text(n["syscall"], "syscall");
    // Not text: reported, but the step stands (so an era it sets still
    // applies to the names in later steps).
    if (!s) return true;
    auto nr = parse_syscall(*s);
    if (!nr) {
        error(n["syscall"], "unknown syscall '" + *s + "'");
        return false;
    }
    out.syscall_nr = *nr;
    return true;
}

bool Parser::setup_bad_pointer(const YAML::Node& n, SetupStep& out) {
    return optional_field(n, "bad_pointer", "bad_pointer", &Parser::boolean, out.bad_pointer);
}

// inject: a flag or a list of flags, and `at` (entry, exit or now) with it.
bool Parser::setup_inject(const YAML::Node& n, SetupStep& out) {
    bool ok = true;
    if (text_list(n["inject"], "inject")) {
        const YAML::Node list = for_era(n["inject"]);
        for (const auto& item : one_or_many(list)) {
            if (auto bit = flag(item, true))
                out.inject.push_back(*bit);
            else
                ok = false;
        }
    } else {
        ok = false;
    }
    if (!n["at"]) {
        error(n, "setup with inject is missing 'at' (entry, exit or now)");
        return false;
    }
    auto when = text(n["at"], "at");
    if (!when) return ok;
    std::string w = lower(*when);
    if (w == "entry")
        out.inject_when = InjectWhen::Entry;
    else if (w == "exit")
        out.inject_when = InjectWhen::Exit;
    else if (w == "now")
        out.inject_when = InjectWhen::Now;
    else {
        error(n["at"], "unknown injection time '" + *when + "' (entry, exit or now)");
        return false;
    }
    return ok;
}

bool Parser::setup_at(const YAML::Node& n, SetupStep&) {
    if (n["inject"]) return true;  // read with it
    error(n["at"], "'at' belongs with 'inject'");
    return false;
}

bool Parser::setup_edit(const YAML::Node& n, SetupStep& out) {
    const YAML::Node edits = for_era(n["edit"]);
    if (!edits.IsMap() || edits.size() == 0) {
        error(n["edit"], "edit must be a map of target: value, e.g. {pt_regs.rip: 0x800000000000}");
        return false;
    }
    bool ok = true;
    for (const auto& kv : edits) {
        std::string target = kv.first.IsScalar() ? kv.first.Scalar() : "?";
        bool known = target == "rip" || target == "rflags";
        for (int i = 0; i < GPR_COUNT; i++) known |= target == gpr_name(i);
        if (target.rfind("pt_regs.", 0) == 0) known = pt_regs_slot_index(target.substr(8)) >= 0;
        if (!known) {
            error(kv.first, "cannot edit '" + target +
                                "' (a register rax..r15, rip, rflags, or pt_regs.<slot>)");
            ok = false;
            continue;
        }
        if (auto v = integer(kv.second, "edit value"))
            out.edits.emplace_back(target, static_cast<uint64_t>(*v));
        else
            ok = false;
    }
    return ok;
}

bool Parser::setup_tamper(const YAML::Node& n, SetupStep& out) {
    const YAML::Node tampers = for_era(n["tamper"]);
    if (!tampers.IsMap() || tampers.size() == 0) {
        error(n["tamper"], "tamper must be a map of register: value, e.g. {rip: 0x800000000000}");
        return false;
    }
    bool ok = true;
    for (const auto& kv : tampers) {
        if (!kv.first.IsScalar() || !kv.second.IsScalar()) {
            error(kv.first, "tamper takes register: value pairs");
            ok = false;
            continue;
        }
        try {
            out.tampers.push_back(parse_tamper(kv.first.Scalar() + "=" + kv.second.Scalar()));
        } catch (const std::invalid_argument& e) {
            // The scenario's own parser says what is wrong; it becomes the diagnostic.
            error(kv.first, std::string("tamper ") + e.what());
            ok = false;
        }
    }
    return ok;
}

bool Parser::setup_signal_action(const YAML::Node& n, SetupStep& out) {
    auto a = text(for_era(n["signal_action"]), "signal_action");
    if (!a) return false;
    auto action = parse_signal_action(*a);
    if (!action) {
        error(n["signal_action"], "unknown signal_action '" + *a + "' (handler, ignore or block)");
        return false;
    }
    out.signal_action = *action;
    return true;
}

bool Parser::setup_ghost(const YAML::Node& n, SetupStep& out) {
    if (!optional_field(n, "ghost", "ghost", &Parser::boolean, out.ghost)) return false;
    if (out.ghost && !out.changes_scenario()) {
        error(n["ghost"],
              "ghost keeps the last scene's route when the scenario changes: "
              "give it with restart, era, syscall, bad_pointer or an injection at "
              "entry or exit");
        return false;
    }
    return true;
}

bool Parser::compare(const YAML::Node& n, CompareStep& out) {
    if (n.IsScalar()) {
        std::string v = lower(n.Scalar());
        if (v == "off" || v == "false" || v == "no") {
            out.off = true;
            return true;
        }
        error(n, "compare takes {left: ..., right: ...} or off");
        return false;
    }
    if (!map_with(n, "compare", compare_keys())) return false;
    bool ok = require(n, "left", "compare") & require(n, "right", "compare");
    if (!ok) return false;
    ok = compare_side(n["left"], out.left);
    return compare_side(n["right"], out.right) && ok;
}

bool Parser::compare_side(const YAML::Node& raw, CompareSide& out) {
    const YAML::Node n = for_era(raw);
    if (n.IsScalar()) {
        try {
            out.line = parse_scenario_line(n.Scalar()).scenario;
        } catch (const std::invalid_argument& e) {
            error(n, std::string("compare side: ") + e.what());
            return false;
        }
        return true;
    }
    if (!n.IsMap()) {
        if (!lacks_era(raw))
            error(raw,
                  "a compare side is a setup map ({inject: SIGPENDING, at: exit}) or a "
                  "scenario line (\"slowpath:rfc/getpid/SIGPENDING@exit\")");
        return false;
    }
    // Each side starts from the header's program: {} is the program as it is.
    if (n.size() == 0) return true;
    in_compare_side_ = true;
    const bool parsed = setup(n, out.setup);
    in_compare_side_ = false;
    if (!parsed) return false;
    if (out.setup.acts_now() || out.setup.ghost) {
        error(n, "a compare side is a scenario: inject at entry or exit, no edit, no ghost");
        return false;
    }
    return true;
}

void Parser::view(const YAML::Node& n, ViewSettings& out) {
    if (!map_with(n, "view", view_keys())) return;
    if (n["size"]) {
        auto s = text(n["size"], "size");
        int w = 0, h = 0;
        char x = 0, rest = 0;
        if (s && (std::sscanf(s->c_str(), "%d%c%d%c", &w, &x, &h, &rest) != 3 || x != 'x' ||
                  w < 320 || h < 240 || w > 7680 || h > 4320))
            error(n["size"], "size must be WIDTHxHEIGHT, e.g. 1280x720 (320x240 to 7680x4320)");
        else if (s) {
            out.width = w;
            out.height = h;
        }
    }
    optional_field(n, "presenter", "presenter", &Parser::boolean, out.presenter);
    optional_field(n, "compare", "compare", &Parser::boolean, out.compare);
    if (n["panels"]) {
        std::vector<std::string> names;
        for (const YAML::Node& item : one_or_many(n["panels"])) {
            auto name = text(item, "panels");
            if (!name) continue;
            const auto& known = walkthrough_panels();
            if (std::find(known.begin(), known.end(), *name) == known.end()) {
                std::string list;
                for (std::string_view k : known)
                    list += (list.empty() ? "" : ", ") + std::string(k);
                error(item, "unknown panel '" + *name + "' (expected one of: " + list + ")");
                continue;
            }
            names.push_back(*name);
        }
        out.panels = std::move(names);
    }
}

bool Parser::move(const YAML::Node& raw, MoveStep& out) {
    const std::string targets =
        "focus, ring3, end, over, out, or an event kind (" + event_kind_list() + ")";
    const YAML::Node& n = raw;
    YAML::Node to_node(raw);
    std::string to;
    if (n.IsScalar()) {
        to = n.Scalar();
    } else {
        if (!map_with(n, "move", move_keys())) return false;
        if (n["in"]) {
            auto in = text(n["in"], "in");
            if (!in) return false;
            if (*in != "run" && *in != "focus") {
                error(n["in"], "unknown scope '" + *in +
                                   "' (focus: search from the focus syscall, the default; run: "
                                   "from the current step)");
                return false;
            }
            out.in_run = *in == "run";
        }
        int forms =
            (n["steps"] ? 1 : 0) + (n["back"] ? 1 : 0) + (n["label"] ? 1 : 0) + (n["to"] ? 1 : 0);
        if (forms != 1) {
            error(n, forms ? "move takes one of steps, back, label or to"
                           : "move needs steps, back, label or to");
            return false;
        }
        if (n["count"]) {
            auto c = integer(n["count"], "count");
            if (!c) return false;
            if (*c < 1) {
                error(n["count"], "count must be at least 1");
                return false;
            }
            out.count = static_cast<uint64_t>(*c);
        }
        if (n["steps"] || n["back"]) {
            const YAML::Node v = n["steps"] ? n["steps"] : n["back"];
            auto c = integer(v, n["steps"] ? "steps" : "back");
            if (!c) return false;
            if (*c < 1) {
                error(v, "the number of steps must be at least 1");
                return false;
            }
            if (n["count"])
                error(n["count"], "count goes with label or to; write the number of steps");
            out.kind = n["steps"] ? MoveKind::Steps : MoveKind::Back;
            out.count = static_cast<uint64_t>(*c);
            if (n["name"]) error(n["name"], "'name' goes with 'to'");
            return true;
        }
        if (n["label"]) {
            auto l = text(n["label"], "label");
            if (!l || !label(n["label"], *l)) return false;
            out.kind = MoveKind::Label;
            out.name = *l;
            if (n["name"]) error(n["name"], "'name' goes with 'to'");
            return true;
        }
        auto t = text(n["to"], "to");
        if (!t) return false;
        to = *t;
        to_node.reset(n["to"]);
    }
    if (to == "focus")
        out.kind = MoveKind::Focus;
    else if (to == "ring3")
        out.kind = MoveKind::Ring3;
    else if (to == "end")
        out.kind = MoveKind::End;
    else if (to == "over")
        out.kind = MoveKind::Over;
    else if (to == "out")
        out.kind = MoveKind::Out;
    else if (auto k = parse_event_kind(to)) {
        out.kind = MoveKind::Event;
        out.event = *k;
    } else {
        error(to_node, "unknown move target '" + to + "' (expected " + targets + ")");
        return false;
    }
    if (raw.IsMap() && raw["name"]) {
        if (out.kind != MoveKind::Event) {
            error(raw["name"], "'name' goes with an event kind");
            return false;
        }
        auto nm = text(raw["name"], "name");
        if (!nm) return false;
        if (out.event == EventKind::Label) {
            if (!label(raw["name"], *nm)) return false;
        } else if (out.event == EventKind::Call || out.event == EventKind::Return) {
            if (!function(raw["name"], *nm)) return false;
        } else if (out.event == EventKind::TifCheck) {
            if (!symbol(raw["name"], *nm)) return false;
        }
        out.name = *nm;
    }
    return true;
}

bool Parser::point(const YAML::Node& raw, std::vector<PointTarget>& out) {
    bool ok = true;
    for (const auto& m : one_or_many(raw)) {
        if (!map_with(m, "point", point_keys())) {
            ok = false;
            continue;
        }
        for (const auto& kv : m) {
            std::string kind = kv.first.Scalar();
            const YAML::Node values = for_era(kv.second);
            if (values.IsNull()) continue;
            for (const auto& item : one_or_many(values)) {
                if (!item.IsScalar()) {
                    error(item, "point " + kind + " must be a name");
                    ok = false;
                    continue;
                }
                std::string name = item.Scalar();
                if (kind == "panel") {
                    const auto& panels = walkthrough_panels();
                    if (std::find(panels.begin(), panels.end(), name) == panels.end()) {
                        std::vector<std::string> list(panels.begin(), panels.end());
                        error(item,
                              "unknown panel '" + name + "' (expected one of: " + join(list) + ")");
                        ok = false;
                        continue;
                    }
                } else if (kind == "flag") {
                    auto bit = flag(item, false);
                    if (!bit) {
                        ok = false;
                        continue;
                    }
                    name = std::string(tif_flag(*bit)->name);
                } else if (kind == "label") {
                    if (!symbol(item, name, true)) {
                        ok = false;
                        continue;
                    }
                } else if (kind == "field") {
                    bool known =
                        name.rfind("pt_regs.", 0) == 0 && pt_regs_slot_index(name.substr(8)) >= 0;
                    if (!known) {
                        error(item, "unknown field '" + name +
                                        "' (pt_regs.<slot>, the slot one of: " + slot_list() + ")");
                        ok = false;
                        continue;
                    }
                } else if (kind == "register") {
                    const auto& regs = walkthrough_registers();
                    if (std::find(regs.begin(), regs.end(), name) == regs.end()) {
                        error(item, "unknown register '" + name + "' (" + register_list() + ")");
                        ok = false;
                        continue;
                    }
                }
                out.push_back({kind, name});
            }
        }
    }
    if (ok && out.empty()) {
        error(raw, "point names nothing to look at");
        ok = false;
    }
    return ok;
}

bool Parser::ask(const YAML::Node& n, Question& out) {
    if (!map_with(n, "ask", ask_keys())) return false;
    bool ok =
        require(n, "question", "ask") & require(n, "choices", "ask") & require(n, "answer", "ask");
    if (!ok) return false;
    if (auto q = text(n["question"], "question"))
        out.question = *q;
    else
        ok = false;
    auto choices = text_list(n["choices"], "choices");
    if (!choices) return false;
    if (choices->size() < 2) {
        error(n["choices"], "a question needs at least two choices");
        return false;
    }
    out.choices = *choices;
    if (auto a = text(n["answer"], "answer")) {
        auto it = std::find(out.choices.begin(), out.choices.end(), *a);
        if (it == out.choices.end()) {
            error(for_era(n["answer"]), "the answer '" + *a + "' is not one of the choices");
            ok = false;
        } else {
            out.answer = static_cast<size_t>(it - out.choices.begin());
        }
    } else {
        ok = false;
    }
    if (n["shoot"]) {
        auto t = text(n["shoot"], "shoot");
        if (t && (t->empty() || t->find('/') != std::string::npos)) {
            error(n["shoot"], "shoot takes a plain file name (the GUI chooses the directory)");
            ok = false;
        } else if (t) {
            out.shot = *t;
        } else {
            ok = false;
        }
    }
    if (!n["explain"]) return ok;
    // One text for every answer, or a map choice: text (feedback per answer).
    const YAML::Node explain = for_era(n["explain"]);
    if (!explain.IsMap()) {
        ok &= optional_field(n, "explain", "explain", &Parser::text, out.explanation);
        if (explain.IsScalar()) narration(explain, out.explanation);
        return ok;
    }
    out.explanations.assign(out.choices.size(), std::string());
    for (const auto& kv : explain) {
        std::string choice = kv.first.IsScalar() ? kv.first.Scalar() : "?";
        auto it = std::find(out.choices.begin(), out.choices.end(), choice);
        if (it == out.choices.end()) {
            error(kv.first, "explain names '" + choice + "', which is not one of the choices (" +
                                join(out.choices) + ")");
            ok = false;
            continue;
        }
        if (auto t = text(kv.second, "explain " + choice)) {
            out.explanations[static_cast<size_t>(it - out.choices.begin())] = *t;
            narration(for_era(kv.second), *t);
        } else
            ok = false;
    }
    return ok;
}

}  // namespace slowpath::walkthrough_detail

namespace slowpath {

ViewSettings ViewSettings::with(const ViewSettings& later) const {
    ViewSettings out = *this;
    if (later.width > 0) {
        out.width = later.width;
        out.height = later.height;
    }
    if (later.presenter) out.presenter = later.presenter;
    if (later.compare) out.compare = later.compare;
    if (later.panels) out.panels = later.panels;
    return out;
}

ViewSettings Walkthrough::view_at(size_t plan, size_t step) const {
    ViewSettings out = view;
    if (plan >= plans.size()) return out;
    const std::vector<Step>& steps = plans[plan].steps;
    for (size_t i = 0; i <= step && i < steps.size(); i++)
        if (steps[i].kind == StepKind::View && !steps[i].skipped) out = out.with(steps[i].view);
    return out;
}

}  // namespace slowpath
