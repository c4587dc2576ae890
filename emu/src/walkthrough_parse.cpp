// Walkthroughs: the parser's core (values, era maps, names, the header and
// the steps' shape). See walkthrough_internal.h for the map of files.
#include <algorithm>
#include <cctype>

#include "slowpath/syscalls.h"
#include "slowpath/tif.h"
#include "walkthrough_internal.h"

namespace slowpath::walkthrough_detail {

std::vector<YAML::Node> one_or_many(const YAML::Node& n) {
    std::vector<YAML::Node> items;
    if (n.IsSequence()) {
        for (const auto& item : n) items.push_back(item);
    } else {
        items.push_back(n);
    }
    return items;
}

namespace {
const char* const kStepKinds[] = {"setup",  "move",  "say",     "point", "ask",
                                  "expect", "shoot", "compare", "view"};
}  // namespace

const std::vector<std::string>& Parser::step_kinds() {
    static const std::vector<std::string> kinds(std::begin(kStepKinds), std::end(kStepKinds));
    return kinds;
}

const std::vector<std::string>& Parser::header_keys() {
    static const std::vector<std::string> keys = {"title",   "summary", "era",  "eras",
                                                  "program", "view",    "steps"};
    return keys;
}

const std::vector<std::string>& Parser::program_keys() {
    static const std::vector<std::string> keys = {"syscall", "bad_pointer", "max_steps"};
    return keys;
}

std::string slot_list() {
    std::vector<std::string> names(pt_regs_slot_names().begin(), pt_regs_slot_names().end());
    for (const auto& [alias, slot] : pt_regs_slot_aliases()) names.emplace_back(alias);
    return join(names);
}

std::string register_list() {
    return join(
        std::vector<std::string>(walkthrough_registers().begin(), walkthrough_registers().end()));
}

void Parser::error(const YAML::Mark& mark, const std::string& message) {
    int line = mark.line >= 0 ? mark.line + 1 : 1;
    int column = mark.column >= 0 ? mark.column + 1 : 1;
    // Each era parses the steps again: report each problem once.
    if (!seen_.insert({line, column, message}).second) return;
    // One line each: a name quoted from the file may hold a line break.
    std::string text;
    for (char c : message) {
        if (c == '\n')
            text += "\\n";
        else if (c == '\r')
            text += "\\r";
        else if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
            text += '?';
        else
            text += c;
    }
    diagnostics_.push_back({file_, line, column, text});
}

bool Parser::is_era_map(const YAML::Node& n) const {
    if (!n.IsMap() || n.size() == 0) return false;
    for (const auto& kv : n)
        if (!kv.first.IsScalar() || !parse_era(kv.first.Scalar())) return false;
    return true;
}

YAML::Node Parser::for_era(const YAML::Node& n) {
    if (!is_era_map(n)) return n;
    YAML::Node found;
    bool have = false;
    for (const auto& kv : n) {
        Era e = *parse_era(kv.first.Scalar());
        if (std::find(eras_.begin(), eras_.end(), e) == eras_.end()) {
            error(kv.first, "era map names " + kv.first.Scalar() +
                                ", which this walkthrough does not run in");
            continue;
        }
        if (e == plan_era_) {
            found.reset(kv.second);  // rebind: assignment would rewrite the document
            have = true;
        }
    }
    if (!have) {
        error(n, "era map has no value for " + std::string(era_info(plan_era_).name) + " (write `" +
                     std::string(era_info(plan_era_).name) + ": ~` to leave it out)");
        return YAML::Node(YAML::NodeType::Null);
    }
    return found;
}

bool Parser::lacks_era(const YAML::Node& n) const {
    if (!is_era_map(n)) return false;
    for (const auto& kv : n)
        if (*parse_era(kv.first.Scalar()) == plan_era_) return false;
    return true;
}

std::optional<std::string> Parser::text(const YAML::Node& raw, const std::string& what) {
    const YAML::Node n = for_era(raw);
    if (!n.IsScalar()) {
        if (!lacks_era(raw)) error(raw, what + " must be text");
        return std::nullopt;
    }
    return n.Scalar();
}

std::optional<int64_t> Parser::integer(const YAML::Node& raw, const std::string& what) {
    const YAML::Node n = for_era(raw);
    if (!n.IsScalar()) {
        if (!lacks_era(raw)) error(raw, what + " must be a number");
        return std::nullopt;
    }
    auto v = parse_integer(n.Scalar());
    if (!v) error(n, what + " must be a number, not '" + n.Scalar() + "'");
    return v;
}

std::optional<uint64_t> Parser::bits(const YAML::Node& raw, const std::string& what) {
    auto v = integer(raw, what);
    if (!v) return std::nullopt;
    return static_cast<uint64_t>(*v);
}

std::optional<bool> Parser::boolean(const YAML::Node& raw, const std::string& what) {
    const YAML::Node n = for_era(raw);
    if (n.IsScalar()) {
        std::string s = lower(n.Scalar());
        if (s == "true" || s == "yes" || s == "on") return true;
        if (s == "false" || s == "no" || s == "off") return false;
    }
    if (!lacks_era(raw)) error(raw, what + " must be true or false");
    return std::nullopt;
}

std::optional<std::vector<std::string>> Parser::text_list(const YAML::Node& raw,
                                                          const std::string& what) {
    const YAML::Node n = for_era(raw);
    std::vector<std::string> out;
    if (n.IsScalar()) {
        out.push_back(n.Scalar());
        return out;
    }
    if (!n.IsSequence()) {
        if (!lacks_era(raw)) error(raw, what + " must be a name or a list of names");
        return std::nullopt;
    }
    bool ok = true;
    for (const auto& item : n) {
        if (!item.IsScalar()) {
            error(item, what + ": each item must be a name");
            ok = false;
            continue;
        }
        out.push_back(item.Scalar());
    }
    if (!ok) return std::nullopt;
    return out;
}

std::optional<SlotState> Parser::slot_state(const YAML::Node& raw, const std::string& what) {
    auto s = text(raw, what);
    if (!s) return std::nullopt;
    std::string v = lower(*s);
    if (v == "valid") return SlotState::Valid;
    if (v == "not-saved" || v == "not saved") return SlotState::NotSaved;
    if (v == "not-fixed" || v == "not fixed up" || v == "unfixed") return SlotState::Unfixed;
    error(raw, "unknown slot state '" + *s + "' (valid, not-saved or not-fixed)");
    return std::nullopt;
}

// A map whose keys are all among `keys`; an unknown key is an error.
bool Parser::map_with(const YAML::Node& n, const std::string& what,
                      const std::vector<std::string>& keys) {
    if (!n.IsMap()) {
        error(n, what + " must be a map with some of: " + join(keys));
        return false;
    }
    bool ok = true;
    for (const auto& kv : n) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            error(kv.first, "unknown key '" + key + "' in " + what +
                                " (expected one of: " + join(keys) + ")");
            ok = false;
        }
    }
    return ok;
}

bool Parser::require(const YAML::Node& map, const char* key, const std::string& what) {
    if (map[key]) return true;
    error(map, what + " is missing '" + key + "'");
    return false;
}

std::optional<Era> Parser::era_name(const YAML::Node& n) {
    if (!n.IsScalar()) {
        error(n, "an era must be " + era_names());
        return std::nullopt;
    }
    auto e = parse_era(n.Scalar());
    if (!e) error(n, "unknown era '" + n.Scalar() + "' (" + era_names() + ")");
    return e;
}

std::optional<int> Parser::flag(const YAML::Node& n, bool must_inject) {
    auto bit = parse_tif(n.Scalar());
    if (!bit) {
        error(n, "unknown TIF flag '" + n.Scalar() + "'");
        return std::nullopt;
    }
    const TifFlagInfo* info = tif_flag(*bit);
    if (must_inject && (!info || !info->injectable)) {
        error(n, "TIF_" + std::string(info ? info->name : n.Scalar()) +
                     " cannot be injected (slowpath has no cause to simulate for it)");
        return std::nullopt;
    }
    return bit;
}

bool Parser::label(const YAML::Node& n, const std::string& name) {
    const EraSymbols& s = era_symbols(era_, options_.use_kernel_symbols);
    if (s.labels.count(name) || s.fixups.count(name)) return true;
    std::string why =
        s.functions.count(name) ? " (" + name + " is a C function: use `to: call`)" : "";
    error(n, "unknown label '" + name + "' in the " + std::string(era_info(era_).name) +
                 " entry code" + why);
    return false;
}

bool Parser::function(const YAML::Node& n, const std::string& name) {
    const EraSymbols& s = era_symbols(era_, options_.use_kernel_symbols);
    if (s.functions.count(name)) return true;
    std::string why = s.labels.count(name) ? " (" + name + " is an entry-code label)" : "";
    error(n, "unknown function '" + name + "' in the " + std::string(era_info(era_).name) +
                 " kernel" + why);
    return false;
}

bool Parser::symbol(const YAML::Node& n, const std::string& name, bool user_too) {
    const EraSymbols& s = era_symbols(era_, options_.use_kernel_symbols);
    if (s.labels.count(name) || s.functions.count(name) || s.fixups.count(name)) return true;
    if (user_too && s.user.count(name)) return true;
    error(n, "unknown label or function '" + name + "' in the " + std::string(era_info(era_).name) +
                 " kernel" + (user_too ? " or the demo program" : ""));
    return false;
}

// "focus_syscall+2", "on_sigusr1": a symbol and an offset.
bool Parser::symbol_value(const YAML::Node& n, const std::string& text, ValueTest& t) {
    size_t split = text.find_first_of("+-", 1);
    std::string name = text.substr(0, split);
    int64_t offset = 0;
    if (split != std::string::npos) {
        auto o = parse_integer(text.substr(split + 1));
        if (!o) return false;
        offset = text[split] == '-' ? -*o : *o;
    }
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_'))
        return false;
    const EraSymbols& s = era_symbols(era_, options_.use_kernel_symbols);
    if (!s.labels.count(name) && !s.functions.count(name) && !s.user.count(name) &&
        !s.fixups.count(name)) {
        error(n, "unknown symbol '" + name + "' (not a number, nor a kernel or demo symbol)");
        t.symbol = "?";
        return true;
    }
    t.symbol = name;
    t.value = offset;
    return true;
}

Walkthrough Parser::parse(const YAML::Node& root) {
    Walkthrough w;
    w.path = file_;
    if (!root.IsMap()) {
        error(root, "a walkthrough is a map with title, era or eras, program and steps");
        return w;
    }
    map_with(root, "the walkthrough", header_keys());

    if (require(root, "title", "the walkthrough"))
        if (auto t = text(root["title"], "title")) w.title = *t;
    optional_field(root, "summary", "summary", &Parser::text, w.summary);

    // Eras: one (`era:`) or several (`eras:`, each run separately).
    if (root["era"] && root["eras"]) {
        error(root["eras"], "give either era or eras, not both");
    } else if (root["era"]) {
        if (auto e = era_name(root["era"])) eras_.push_back(*e);
    } else if (root["eras"]) {
        const YAML::Node list = root["eras"];
        if (!list.IsSequence() || list.size() == 0) {
            error(list, "eras must be a list such as [v3.13, rfc]");
        } else {
            for (const auto& item : list)
                if (auto e = era_name(item)) {
                    if (std::find(eras_.begin(), eras_.end(), *e) != eras_.end())
                        error(item, "era " + item.Scalar() + " is listed twice");
                    else
                        eras_.push_back(*e);
                }
        }
    } else {
        error(root, "the walkthrough is missing 'era' (or 'eras')");
    }
    if (!eras_.empty()) w.program.era = eras_.front();

    if (require(root, "program", "the walkthrough")) {
        const YAML::Node p = root["program"];
        if (map_with(p, "program", program_keys())) {
            if (require(p, "syscall", "program")) {
                if (auto s = text(p["syscall"], "program syscall")) {
                    if (auto nr = parse_syscall(*s))
                        w.program.syscall_nr = *nr;
                    else
                        error(p["syscall"], "unknown syscall '" + *s + "'");
                }
            }
            optional_field(p, "bad_pointer", "bad_pointer", &Parser::boolean,
                           w.program.bad_pointer);
            if (p["max_steps"]) {
                auto m = integer(p["max_steps"], "max_steps");
                if (m && *m <= 0)
                    error(p["max_steps"], "max_steps must be at least 1");
                else if (m)
                    w.program.max_steps = static_cast<uint64_t>(*m);
            }
        }
    }

    if (root["view"]) view(root["view"], w.view);

    const YAML::Node steps = root["steps"];
    if (!steps) {
        error(root, "the walkthrough is missing 'steps'");
        return w;
    }
    if (!steps.IsSequence() || steps.size() == 0) {
        error(steps, "steps must be a list of steps");
        return w;
    }
    // With no valid era the steps are still checked (as v3.13) for their own problems.
    const bool check_only = eras_.empty();
    if (check_only) eras_.push_back(Era::V3_13);
    for (Era era : eras_) {
        plan_era_ = era_ = era;
        compare_right_era_.reset();
        EraPlan plan;
        plan.era = era;
        for (const auto& s : steps) {
            auto parsed = step(s);
            // A setup that changes the era makes later names that era's.
            if (parsed && !parsed->skipped && parsed->kind == StepKind::Setup) {
                if (parsed->setup.era)
                    era_ = *parsed->setup.era;
                else if (parsed->setup.restart)
                    era_ = plan_era_;
                if (parsed->setup.changes_scenario()) compare_right_era_.reset();
            }
            // After a compare, names are the left side's era (under right:, the right's).
            if (parsed && !parsed->skipped && parsed->kind == StepKind::Compare) {
                const CompareStep& c = parsed->compare;
                auto side_era = [&](const CompareSide& side) {
                    if (side.line) return side.line->era;
                    return side.setup.era ? *side.setup.era : plan_era_;
                };
                if (c.off) {
                    compare_right_era_.reset();
                } else {
                    era_ = side_era(c.left);
                    compare_right_era_ = side_era(c.right);
                }
            }
            plan.steps.push_back(parsed ? *parsed : Step{});
        }
        if (check_only) break;
        w.plans.push_back(std::move(plan));
    }
    return w;
}

void Parser::narration(const YAML::Node& n, const std::string& text) {
    auto problem = check_narration(text);
    if (!problem) return;
    YAML::Mark at = n.Mark();
    // Where the text's line `problem->line` is in the file: a block scalar
    // (`|` or `>`) starts on the line below its indicator, indented; a
    // quoted one after its quote; a plain one where it starts.
    std::vector<std::string> lines;
    for (size_t start = 0; start <= source_.size();) {
        size_t end = source_.find('\n', start);
        if (end == std::string::npos) end = source_.size();
        lines.push_back(source_.substr(start, end - start));
        start = end + 1;
    }
    auto char_at = [&](int line, int column) -> char {
        if (line < 0 || static_cast<size_t>(line) >= lines.size()) return '\0';
        const std::string& l = lines[static_cast<size_t>(line)];
        if (column < 0 || static_cast<size_t>(column) >= l.size()) return '\0';
        return l[static_cast<size_t>(column)];
    };
    char first = char_at(at.line, at.column);
    if (first == '|' || first == '>') {
        int line = at.line + 1;
        while (static_cast<size_t>(line) < lines.size() &&
               lines[static_cast<size_t>(line)].find_first_not_of(' ') == std::string::npos)
            line++;
        int indent = static_cast<size_t>(line) < lines.size()
                         ? static_cast<int>(lines[static_cast<size_t>(line)].find_first_not_of(' '))
                         : 0;
        at.line = line + problem->line;
        at.column = indent + problem->column;
    } else {
        int quote = first == '"' || first == '\'' ? 1 : 0;
        if (problem->line == 0) {
            at.column += quote + problem->column;
        } else {
            at.line += problem->line;
            int indent = static_cast<int>(
                lines[std::min(lines.size() - 1, static_cast<size_t>(at.line))].find_first_not_of(
                    ' '));
            at.column = std::max(0, indent) + problem->column;
        }
    }
    error(at, problem->message);
}

std::optional<Step> Parser::step(const YAML::Node& n) {
    Step st;
    st.line = n.Mark().line + 1;
    st.column = n.Mark().column + 1;
    const std::string kinds = join(step_kinds());
    if (!n.IsMap()) {
        error(n, "a step is a map with one of: " + kinds);
        return std::nullopt;
    }
    YAML::Node body;
    std::string kind_name;
    bool ok = true;
    for (const auto& kv : n) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
        if (key == "only") continue;
        bool known =
            std::find(std::begin(kStepKinds), std::end(kStepKinds), key) != std::end(kStepKinds);
        if (!known) {
            error(kv.first, "unknown step kind '" + key + "' (expected one of: " + kinds + ")");
            ok = false;
            continue;
        }
        if (!kind_name.empty()) {
            error(kv.first,
                  "a step has one kind: '" + kind_name + "' and '" + key + "' belong in two steps");
            ok = false;
            continue;
        }
        kind_name = key;
        body.reset(kv.second);
    }
    if (!ok) return std::nullopt;
    if (kind_name.empty()) {
        error(n, "the step has no kind (expected one of: " + kinds + ")");
        return std::nullopt;
    }
    for (size_t i = 0; i < std::size(kStepKinds); i++)
        if (kind_name == kStepKinds[i]) st.kind = static_cast<StepKind>(i);

    if (n["only"]) {
        const YAML::Node only = n["only"];
        bool for_this_era = false;
        for (const auto& item : one_or_many(only)) {
            auto e = era_name(item);
            if (!e) continue;
            if (std::find(eras_.begin(), eras_.end(), *e) == eras_.end())
                error(item, "only: " + item.Scalar() + " is not one of this walkthrough's eras");
            if (*e == plan_era_) for_this_era = true;
        }
        if (!for_this_era) st.skipped = true;
    }

    // An era map whose value for this era is ~ leaves the step out here.
    const YAML::Node v = for_era(body);
    if (v.IsNull()) {
        if (is_era_map(body)) {
            st.skipped = true;
            return st;
        }
        error(n, kind_name + " needs a value");
        return std::nullopt;
    }

    bool parsed = true;
    switch (st.kind) {
        case StepKind::Setup:
            parsed = setup(v, st.setup);
            break;
        case StepKind::Move:
            parsed = move(v, st.move);
            break;
        case StepKind::Say:
            if (auto t = text(v, "say")) {
                st.text = *t;
                narration(v, *t);
            } else {
                parsed = false;
            }
            break;
        case StepKind::Point:
            parsed = point(v, st.points);
            break;
        case StepKind::Ask:
            parsed = ask(v, st.question);
            break;
        case StepKind::Expect:
            parsed = expect(v, st.expectations);
            break;
        case StepKind::Compare:
            parsed = compare(v, st.compare);
            break;
        case StepKind::View:
            if (v.IsMap() && v["size"]) {
                error(v["size"], "size is the lesson's: give it in the header's view");
                parsed = false;
            } else {
                view(v, st.view);
            }
            break;
        case StepKind::Shoot: {
            const YAML::Node file = v.IsMap() ? v["file"] : v;
            if (v.IsMap()) map_with(v, "shoot", {"file"});
            if (!file) {
                error(v, "shoot is missing 'file'");
                parsed = false;
            } else if (auto t = text(file, "shoot")) {
                if (t->find('/') != std::string::npos || t->empty())
                    error(file, "shoot takes a plain file name (the GUI chooses the directory)");
                st.text = *t;
            } else {
                parsed = false;
            }
            break;
        }
    }
    if (!parsed) return std::nullopt;
    return st;
}

}  // namespace slowpath::walkthrough_detail
