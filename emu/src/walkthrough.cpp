// Walkthroughs: loading (with every problem reported before anything runs)
// and playing them against a Session. See docs/walkthroughs.md.
#include "slowpath/walkthrough.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <tuple>

#include "format.h"
#include "slowpath/era_symbols.h"
#include "slowpath/guest_image.h"
#include "slowpath/machine.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"

namespace slowpath {

// ---- names ---------------------------------------------------------------------

const std::vector<std::string_view>& walkthrough_panels() {
    static const std::vector<std::string_view> panels = {"controls", "code",     "path", "stack",
                                                         "regs",     "tif",      "user", "events",
                                                         "compare",  "narration"};
    return panels;
}

const std::vector<std::string_view>& walkthrough_registers() {
    static const std::vector<std::string_view> regs = {
        "rax", "rcx", "rdx", "rbx", "rsp",     "rbp",     "rsi",           "rdi", "r8",
        "r9",  "r10", "r11", "r12", "r13",     "r14",     "r15",           "rip", "rflags",
        "cs",  "ss",  "cpl", "cr2", "fs_base", "gs_base", "kernel_gs_base"};
    return regs;
}

std::string_view step_kind_name(StepKind kind) {
    switch (kind) {
        case StepKind::Setup:
            return "setup";
        case StepKind::Move:
            return "move";
        case StepKind::Say:
            return "say";
        case StepKind::Point:
            return "point";
        case StepKind::Ask:
            return "ask";
        case StepKind::Expect:
            return "expect";
        case StepKind::Shoot:
            return "shoot";
    }
    return "?";
}

namespace {

// Small numbers read best in decimal, addresses and masks in hex.
std::string number(int64_t v) {
    if (v > -4096 && v < 4096) return std::to_string(v);
    return hex(static_cast<uint64_t>(v));
}

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
    std::string s;
    for (size_t i = 0; i < items.size(); i++) s += (i ? sep : "") + items[i];
    return s;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool is_canonical(uint64_t v) {
    // 48-bit virtual addresses: bits 63..47 all equal.
    uint64_t top = v >> 47;
    return top == 0 || top == 0x1ffff;
}

// errno values a walkthrough may name ("-ENOSYS").
const std::map<std::string, int64_t>& errno_names() {
    static const std::map<std::string, int64_t> names = {
        {"EPERM", 1},   {"ENOENT", 2},  {"ESRCH", 3},   {"EINTR", 4},
        {"EIO", 5},     {"EBADF", 9},   {"EAGAIN", 11}, {"ENOMEM", 12},
        {"EFAULT", 14}, {"EINVAL", 22}, {"ENOSYS", 38}, {"ERESTARTSYS", 512}};
    return names;
}

// "42", "-38", "0x800000000000", "-ENOSYS", "0b101", "1_000".
std::optional<int64_t> parse_integer(std::string text) {
    text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
    if (text.empty()) return std::nullopt;
    bool negative = false;
    size_t i = 0;
    if (text[0] == '-' || text[0] == '+') {
        negative = text[0] == '-';
        i = 1;
    }
    std::string body = text.substr(i);
    if (body.empty()) return std::nullopt;
    uint64_t magnitude = 0;
    auto errno_it = errno_names().find(body);
    if (errno_it != errno_names().end()) {
        magnitude = static_cast<uint64_t>(errno_it->second);
    } else {
        int base = 10;
        if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
            base = 16;
            body = body.substr(2);
        } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'b' || body[1] == 'B')) {
            base = 2;
            body = body.substr(2);
        }
        for (char c : body) {
            int d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                return std::nullopt;
            if (d >= base) return std::nullopt;
            if (magnitude > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base))
                return std::nullopt;
            magnitude = magnitude * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
        }
    }
    uint64_t bits = negative ? ~magnitude + 1 : magnitude;
    return static_cast<int64_t>(bits);
}

std::optional<EventKind> parse_event_kind(const std::string& name) {
    if (name == "check") return EventKind::TifCheck;
    if (name == "syscall") return EventKind::SyscallEntry;
    for (int k = 0; k <= static_cast<int>(EventKind::StepLimit); k++)
        if (event_kind_name(static_cast<EventKind>(k)) == name) return static_cast<EventKind>(k);
    return std::nullopt;
}

std::string event_kind_list() {
    std::vector<std::string> names = {"check", "syscall"};
    for (int k = 0; k <= static_cast<int>(EventKind::StepLimit); k++)
        names.emplace_back(event_kind_name(static_cast<EventKind>(k)));
    return join(names);
}

std::optional<Outcome> parse_outcome(const std::string& name) {
    for (Outcome o : {Outcome::Exited, Outcome::Livelock, Outcome::Fault, Outcome::StepLimit})
        if (outcome_name(o) == name) return o;
    return std::nullopt;
}

// ---- the labels and functions of each era -----------------------------------------

struct EraSymbols {
    std::set<std::string> labels;     // entry-code labels
    std::set<std::string> functions;  // C functions
    std::set<std::string> user;       // the demo program's symbols
};

// What the eras define when their kernel image is not at hand (the shared
// table in era_symbols.h).
EraSymbols builtin_symbols(Era era) {
    EraSymbols s;
    for (std::string_view name : era_symbol_names(era, EraSymbolKind::Label))
        s.labels.emplace(name);
    for (std::string_view name : era_symbol_names(era, EraSymbolKind::Function))
        s.functions.emplace(name);
    s.user = {"_start", "main", "focus_call", "focus_syscall", "__restore_rt", "on_sigusr1"};
    return s;
}

const EraSymbols& era_symbols(Era era, bool use_kernel) {
    static std::mutex mutex;
    static std::map<std::pair<Era, bool>, EraSymbols> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto key = std::make_pair(era, use_kernel);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    EraSymbols s = builtin_symbols(era);
    if (use_kernel) {
        try {
            GuestImage image =
                GuestImage::load(guest_path(std::string(era_info(era).kernel_image)));
            auto entry = image.section_range(".entry.text");
            EraSymbols from_elf;
            for (const Symbol& sym : image.symbols()) {
                bool in_entry = entry ? sym.addr >= entry->first && sym.addr < entry->second
                                      : sym.section == ".entry.text";
                if (in_entry)
                    from_elf.labels.insert(sym.name);
                else if (sym.is_function)
                    from_elf.functions.insert(sym.name);
            }
            if (!from_elf.labels.empty()) {
                s.labels = std::move(from_elf.labels);
                s.functions = std::move(from_elf.functions);
            }
        } catch (const std::exception&) {
            // No image yet (or a broken one): the built-in names serve.
        }
        try {
            GuestImage demo = GuestImage::load(guest_path("demo.elf"));
            std::set<std::string> user;
            for (const Symbol& sym : demo.symbols()) user.insert(sym.name);
            if (!user.empty()) s.user = std::move(user);
        } catch (const std::exception&) {
        }
    }
    return cache.emplace(key, std::move(s)).first->second;
}

// ---- the parser ----------------------------------------------------------------------

const char* const kStepKinds[] = {"setup", "move", "say", "point", "ask", "expect", "shoot"};

class Parser {
 public:
    Parser(std::string file, LoadOptions options) : file_(std::move(file)), options_(options) {}

    Walkthrough parse(const YAML::Node& root);
    void error(const YAML::Mark& mark, const std::string& message);
    void error(const YAML::Node& at, const std::string& message) { error(at.Mark(), message); }
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
    // Era maps: a map whose keys are all era names gives one value per era.
    bool is_era_map(const YAML::Node& n) const;
    // The node for the era being parsed; a null node means "nothing for this era".
    YAML::Node for_era(const YAML::Node& n);
    // An era map without this era: already reported, so say nothing more about it.
    bool lacks_era(const YAML::Node& n) const;

    std::optional<std::string> text(const YAML::Node& n, const std::string& what);
    std::optional<int64_t> integer(const YAML::Node& n, const std::string& what);
    std::optional<bool> boolean(const YAML::Node& n, const std::string& what);
    std::optional<std::vector<std::string>> text_list(const YAML::Node& n, const std::string& what);
    bool map_with(const YAML::Node& n, const std::string& what,
                  const std::vector<std::string>& keys);
    bool require(const YAML::Node& map, const char* key, const std::string& what);

    std::optional<Era> era_name(const YAML::Node& n);
    std::optional<int> flag(const YAML::Node& n, bool must_inject);
    bool label(const YAML::Node& n, const std::string& name);
    bool function(const YAML::Node& n, const std::string& name);
    bool symbol(const YAML::Node& n, const std::string& name, bool user_too = false);
    bool symbol_value(const YAML::Node& n, const std::string& text, ValueTest& t);
    std::optional<int64_t> number_or_symbol(const YAML::Node& n, const std::string& what,
                                            ValueTest& t);

    std::optional<Step> step(const YAML::Node& n);
    bool setup(const YAML::Node& n, SetupStep& out);
    bool move(const YAML::Node& n, MoveStep& out);
    bool point(const YAML::Node& n, std::vector<PointTarget>& out);
    bool ask(const YAML::Node& n, Question& out);
    bool expect(const YAML::Node& n, std::vector<Expectation>& out);
    std::optional<ValueTest> value_test(const YAML::Node& n, const std::string& what,
                                        bool allow_state);
    std::optional<SyscallSelector> selector(const YAML::Node& n);
    bool match_list(const YAML::Node& n, const std::string& what, bool labels_only, Expectation& e);

    std::string file_;
    LoadOptions options_;
    std::vector<Diagnostic> diagnostics_;
    std::set<std::tuple<int, int, std::string>> seen_;
    std::vector<Era> eras_;
    Era plan_era_ = Era::V3_13;  // the era whose plan is being parsed (era maps, only:)
    Era era_ = Era::V3_13;  // the era the run is in at this step (names are checked against it)
};

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
    if (s.labels.count(name)) return true;
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
    if (s.labels.count(name) || s.functions.count(name)) return true;
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
    if (!s.labels.count(name) && !s.functions.count(name) && !s.user.count(name)) {
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
    map_with(root, "the walkthrough", {"title", "summary", "era", "eras", "program", "steps"});

    if (require(root, "title", "the walkthrough"))
        if (auto t = text(root["title"], "title")) w.title = *t;
    if (root["summary"])
        if (auto t = text(root["summary"], "summary")) w.summary = *t;

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
        if (map_with(p, "program", {"syscall", "bad_pointer", "max_steps"})) {
            if (require(p, "syscall", "program")) {
                if (auto s = text(p["syscall"], "program syscall")) {
                    if (auto nr = parse_syscall(*s))
                        w.program.syscall_nr = *nr;
                    else
                        error(p["syscall"], "unknown syscall '" + *s + "'");
                }
            }
            if (p["bad_pointer"])
                if (auto b = boolean(p["bad_pointer"], "bad_pointer")) w.program.bad_pointer = *b;
            if (p["max_steps"]) {
                auto m = integer(p["max_steps"], "max_steps");
                if (m && *m <= 0)
                    error(p["max_steps"], "max_steps must be at least 1");
                else if (m)
                    w.program.max_steps = static_cast<uint64_t>(*m);
            }
        }
    }

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
            }
            plan.steps.push_back(parsed ? *parsed : Step{});
        }
        if (check_only) break;
        w.plans.push_back(std::move(plan));
    }
    return w;
}

std::optional<Step> Parser::step(const YAML::Node& n) {
    Step st;
    st.line = n.Mark().line + 1;
    st.column = n.Mark().column + 1;
    const std::string kinds = "setup, move, say, point, ask, expect, shoot";
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
        std::vector<YAML::Node> items;
        if (only.IsSequence()) {
            for (const auto& item : only) items.push_back(item);
        } else {
            items.push_back(only);
        }
        bool for_this_era = false;
        for (const auto& item : items) {
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
            if (auto t = text(v, "say"))
                st.text = *t;
            else
                parsed = false;
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

bool Parser::setup(const YAML::Node& n, SetupStep& out) {
    if (!map_with(n, "setup",
                  {"restart", "era", "syscall", "bad_pointer", "inject", "at", "edit", "tamper",
                   "signal_action"}))
        return false;
    if (n.size() == 0) {
        error(n, "setup has nothing to set");
        return false;
    }
    bool ok = true;
    if (n["restart"]) {
        if (auto b = boolean(n["restart"], "restart"))
            out.restart = *b;
        else
            ok = false;
    }
    if (n["era"]) {
        if (eras_.size() > 1) {
            error(n["era"],
                  "this walkthrough runs once per era (eras:); a step cannot choose the era");
            ok = false;
        } else if (auto e = era_name(for_era(n["era"]))) {
            out.era = *e;
        } else {
            ok = false;
        }
    }
    if (n["syscall"]) {
        if (auto s = text(n["syscall"], "syscall")) {
            if (auto nr = parse_syscall(*s))
                out.syscall_nr = *nr;
            else {
                error(n["syscall"], "unknown syscall '" + *s + "'");
                ok = false;
            }
        }
    }
    if (n["bad_pointer"]) {
        if (auto b = boolean(n["bad_pointer"], "bad_pointer"))
            out.bad_pointer = *b;
        else
            ok = false;
    }
    if (n["inject"]) {
        if (auto flags = text_list(n["inject"], "inject")) {
            const YAML::Node list = for_era(n["inject"]);
            std::vector<YAML::Node> nodes;
            if (list.IsSequence()) {
                for (const auto& item : list) nodes.push_back(item);
            } else {
                nodes.push_back(list);
            }
            for (const auto& item : nodes) {
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
            ok = false;
        } else if (auto when = text(n["at"], "at")) {
            std::string w = lower(*when);
            if (w == "entry")
                out.inject_when = InjectWhen::Entry;
            else if (w == "exit")
                out.inject_when = InjectWhen::Exit;
            else if (w == "now")
                out.inject_when = InjectWhen::Now;
            else {
                error(n["at"], "unknown injection time '" + *when + "' (entry, exit or now)");
                ok = false;
            }
        }
    } else if (n["at"]) {
        error(n["at"], "'at' belongs with 'inject'");
        ok = false;
    }
    if (n["edit"]) {
        const YAML::Node edits = for_era(n["edit"]);
        if (!edits.IsMap() || edits.size() == 0) {
            error(n["edit"],
                  "edit must be a map of target: value, e.g. {pt_regs.rip: 0x800000000000}");
            ok = false;
        } else {
            for (const auto& kv : edits) {
                std::string target = kv.first.IsScalar() ? kv.first.Scalar() : "?";
                bool known = target == "rip" || target == "rflags";
                for (int i = 0; i < GPR_COUNT; i++) known |= target == gpr_name(i);
                if (target.rfind("pt_regs.", 0) == 0)
                    known = pt_regs_slot_index(target.substr(8)) >= 0;
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
        }
    }
    if (n["tamper"]) {
        const YAML::Node tampers = for_era(n["tamper"]);
        if (!tampers.IsMap() || tampers.size() == 0) {
            error(n["tamper"],
                  "tamper must be a map of register: value, e.g. {rip: 0x800000000000}");
            ok = false;
        } else {
            for (const auto& kv : tampers) {
                if (!kv.first.IsScalar() || !kv.second.IsScalar()) {
                    error(kv.first, "tamper takes register: value pairs");
                    ok = false;
                    continue;
                }
                try {
                    out.tampers.push_back(
                        parse_tamper(kv.first.Scalar() + "=" + kv.second.Scalar()));
                } catch (const std::invalid_argument& e) {
                    error(kv.first, std::string("tamper ") + e.what());
                    ok = false;
                }
            }
        }
    }
    if (n["signal_action"]) {
        if (auto a = text(for_era(n["signal_action"]), "signal_action")) {
            if (auto action = parse_signal_action(*a)) {
                out.signal_action = *action;
            } else {
                error(n["signal_action"],
                      "unknown signal_action '" + *a + "' (handler, ignore or block)");
                ok = false;
            }
        } else {
            ok = false;
        }
    }
    return ok;
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
        if (!map_with(n, "move", {"steps", "back", "label", "to", "name", "count"})) return false;
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
    std::vector<YAML::Node> maps;
    if (raw.IsSequence()) {
        for (const auto& item : raw) maps.push_back(item);
    } else {
        maps.push_back(raw);
    }
    bool ok = true;
    for (const auto& m : maps) {
        if (!map_with(m, "point", {"panel", "flag", "label", "field", "register"})) {
            ok = false;
            continue;
        }
        for (const auto& kv : m) {
            std::string kind = kv.first.Scalar();
            const YAML::Node values = for_era(kv.second);
            if (values.IsNull()) continue;
            std::vector<YAML::Node> items;
            if (values.IsSequence()) {
                for (const auto& item : values) items.push_back(item);
            } else {
                items.push_back(values);
            }
            for (const auto& item : items) {
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
                        error(item,
                              "unknown field '" + name + "' (pt_regs.<slot>, e.g. pt_regs.rcx)");
                        ok = false;
                        continue;
                    }
                } else if (kind == "register") {
                    const auto& regs = walkthrough_registers();
                    if (std::find(regs.begin(), regs.end(), name) == regs.end()) {
                        error(item, "unknown register '" + name + "'");
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
    if (!map_with(n, "ask", {"question", "choices", "answer", "explain"})) return false;
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
    if (n["explain"]) {
        if (auto e = text(n["explain"], "explain"))
            out.explanation = *e;
        else
            ok = false;
    }
    return ok;
}

std::optional<ValueTest> Parser::value_test(const YAML::Node& raw, const std::string& what,
                                            bool allow_state) {
    const YAML::Node n = for_era(raw);
    ValueTest t;
    if (n.IsScalar()) {
        auto v = number_or_symbol(n, what, t);
        if (!v) return std::nullopt;
        t.op = ValueTest::Op::Eq;
        t.value = *v;
        return t;
    }
    std::vector<std::string> keys = {"eq", "ne", "lt", "le", "gt", "ge", "mask", "canonical"};
    if (allow_state) keys.push_back("state");
    if (!map_with(n, what, keys)) return std::nullopt;
    bool ok = true;
    const std::pair<const char*, ValueTest::Op> ops[] = {
        {"eq", ValueTest::Op::Eq}, {"ne", ValueTest::Op::Ne}, {"lt", ValueTest::Op::Lt},
        {"le", ValueTest::Op::Le}, {"gt", ValueTest::Op::Gt}, {"ge", ValueTest::Op::Ge}};
    for (const auto& [key, op] : ops) {
        if (!n[key]) continue;
        if (t.op != ValueTest::Op::Any) {
            error(n[key], what + " takes one comparison");
            ok = false;
            continue;
        }
        if (auto v = number_or_symbol(n[key], what, t)) {
            t.op = op;
            t.value = *v;
        } else {
            ok = false;
        }
    }
    if (n["mask"]) {
        if (auto m = integer(n["mask"], what + " mask"))
            t.mask = static_cast<uint64_t>(*m);
        else
            ok = false;
        if (t.op == ValueTest::Op::Any) {
            error(n["mask"], "a mask needs a comparison (eq or ne)");
            ok = false;
        }
    }
    if (n["canonical"]) {
        if (auto b = boolean(n["canonical"], "canonical"))
            t.canonical = *b;
        else
            ok = false;
    }
    if (n["state"]) {
        if (auto s = text(n["state"], "state")) {
            std::string v = lower(*s);
            if (v == "valid")
                t.state = SlotState::Valid;
            else if (v == "not-saved" || v == "not saved")
                t.state = SlotState::NotSaved;
            else if (v == "not-fixed" || v == "not fixed up" || v == "unfixed")
                t.state = SlotState::Unfixed;
            else {
                error(n["state"],
                      "unknown slot state '" + *s + "' (valid, not-saved or not-fixed)");
                ok = false;
            }
        } else {
            ok = false;
        }
    }
    if (ok && t.op == ValueTest::Op::Any && !t.canonical && !t.state) {
        error(n, what + " has nothing to compare");
        ok = false;
    }
    if (!ok) return std::nullopt;
    return t;
}

std::optional<int64_t> Parser::number_or_symbol(const YAML::Node& raw, const std::string& what,
                                                ValueTest& t) {
    const YAML::Node n = for_era(raw);
    if (n.IsScalar()) {
        t.written = n.Scalar();
        if (auto v = parse_integer(n.Scalar())) return v;
        if (symbol_value(n, n.Scalar(), t)) return t.value;
    }
    return integer(raw, what);
}

std::optional<SyscallSelector> Parser::selector(const YAML::Node& raw) {
    const YAML::Node n = for_era(raw);
    SyscallSelector s;
    if (!n.IsScalar()) {
        error(raw, "syscall must be focus, current, all, an index or a syscall name");
        return std::nullopt;
    }
    std::string v = n.Scalar();
    if (v == "focus")
        s.kind = SyscallSelector::Kind::Focus;
    else if (v == "current")
        s.kind = SyscallSelector::Kind::Current;
    else if (v == "all")
        s.kind = SyscallSelector::Kind::All;
    else if (!v.empty() && std::isdigit(static_cast<unsigned char>(v[0]))) {
        auto i = parse_integer(v);
        if (!i || *i < 0 || *i > 100000) {
            error(n, "syscall index must be a small number");
            return std::nullopt;
        }
        s.kind = SyscallSelector::Kind::Index;
        s.index = static_cast<int>(*i);
    } else if (auto nr = parse_syscall(v)) {
        s.kind = SyscallSelector::Kind::Name;
        s.name = syscall_name(*nr);
    } else {
        error(n, "unknown syscall '" + v + "' (focus, current, all, an index or a syscall name)");
        return std::nullopt;
    }
    return s;
}

bool Parser::match_list(const YAML::Node& raw, const std::string& what, bool labels_only,
                        Expectation& e) {
    const YAML::Node n = for_era(raw);
    YAML::Node list(n);
    e.match = Expectation::Match::Contains;
    if (n.IsMap()) {
        if (!map_with(n, what, {"contains", "equals", "excludes"})) return false;
        if (n.size() != 1) {
            error(
                n,
                what +
                    " takes one of contains, equals or excludes (write two expectations for more)");
            return false;
        }
        std::string key = n.begin()->first.Scalar();
        e.match = key == "equals"     ? Expectation::Match::Equals
                  : key == "excludes" ? Expectation::Match::Excludes
                                      : Expectation::Match::Contains;
        list.reset(for_era(n.begin()->second));
    }
    std::vector<YAML::Node> items;
    if (list.IsSequence()) {
        for (const auto& item : list) items.push_back(item);
    } else if (list.IsScalar()) {
        items.push_back(list);
    } else {
        error(list, what + " must list names");
        return false;
    }
    bool ok = true;
    for (const auto& item : items) {
        if (!item.IsScalar()) {
            error(item, what + ": each item must be a name");
            ok = false;
            continue;
        }
        bool known = labels_only ? label(item, item.Scalar()) : symbol(item, item.Scalar());
        if (!known) ok = false;
        e.names.push_back(item.Scalar());
    }
    if (ok && items.empty() && e.match != Expectation::Match::Equals) {
        error(list, what + " lists nothing");
        ok = false;
    }
    return ok;
}

bool Parser::expect(const YAML::Node& n, std::vector<Expectation>& out) {
    if (!map_with(n, "expect",
                  {"at", "ring", "exit", "ret", "register", "pt_regs", "tif", "route", "labels",
                   "console", "outcome", "returned", "count", "sigframe", "syscall"}))
        return false;
    bool ok = true;
    SyscallSelector sel;
    bool has_selector = false;
    if (n["syscall"]) {
        if (auto s = selector(n["syscall"])) {
            sel = *s;
            has_selector = true;
        } else {
            ok = false;
        }
    }
    size_t before = out.size();
    for (const auto& kv : n) {
        const std::string key = kv.first.Scalar();
        if (key == "syscall") continue;
        const YAML::Node raw = kv.second;
        const YAML::Node v = for_era(raw);
        if (v.IsNull() && is_era_map(raw)) continue;  // nothing to check in this era
        Expectation e;
        e.line = kv.first.Mark().line + 1;
        e.column = kv.first.Mark().column + 1;
        e.syscall = sel;
        auto add = [&](Expectation x) { out.push_back(std::move(x)); };
        if (key == "at") {
            e.kind = Expectation::Kind::At;
            auto name = text(v, "at");
            if (!name || !symbol(v, *name, true)) {
                ok = false;
                continue;
            }
            e.name = *name;
            add(e);
        } else if (key == "ring") {
            e.kind = Expectation::Kind::Ring;
            auto r = integer(v, "ring");
            if (!r || (*r != 0 && *r != 3)) {
                if (r) error(v, "ring must be 0 or 3");
                ok = false;
                continue;
            }
            e.ring = static_cast<int>(*r);
            add(e);
        } else if (key == "exit") {
            e.kind = Expectation::Kind::Exit;
            auto x = text(v, "exit");
            if (!x) {
                ok = false;
                continue;
            }
            if (*x == "sysret")
                e.exit = ExitKind::Sysret;
            else if (*x == "iret")
                e.exit = ExitKind::Iret;
            else if (*x == "none")
                e.exit = ExitKind::None;
            else {
                error(v, "unknown exit '" + *x + "' (sysret, iret or none)");
                ok = false;
                continue;
            }
            add(e);
        } else if (key == "ret") {
            e.kind = Expectation::Kind::Ret;
            auto t = value_test(v, "ret", false);
            if (!t) {
                ok = false;
                continue;
            }
            e.value = *t;
            add(e);
        } else if (key == "register" || key == "pt_regs" || key == "returned") {
            if (!v.IsMap() || v.size() == 0) {
                error(raw, key + " must be a map of name: value");
                ok = false;
                continue;
            }
            for (const auto& item : v) {
                Expectation x = e;
                x.line = item.first.Mark().line + 1;
                x.column = item.first.Mark().column + 1;
                std::string name = item.first.IsScalar() ? item.first.Scalar() : "?";
                if (key == "register") {
                    x.kind = Expectation::Kind::Register;
                    const auto& regs = walkthrough_registers();
                    if (std::find(regs.begin(), regs.end(), name) == regs.end()) {
                        error(item.first, "unknown register '" + name + "'");
                        ok = false;
                        continue;
                    }
                } else if (key == "pt_regs") {
                    x.kind = Expectation::Kind::PtRegs;
                    if (pt_regs_slot_index(name) < 0) {
                        error(item.first, "unknown pt_regs slot '" + name + "'");
                        ok = false;
                        continue;
                    }
                } else {
                    x.kind = Expectation::Kind::Returned;
                    if (!function(item.first, name)) {
                        ok = false;
                        continue;
                    }
                }
                x.name = name;
                auto t = value_test(item.second, key + " " + name, key == "pt_regs");
                if (!t) {
                    ok = false;
                    continue;
                }
                x.value = *t;
                add(x);
            }
        } else if (key == "tif") {
            if (!map_with(v, "tif", {"set", "clear"}) || v.size() == 0) {
                if (v.IsMap()) error(v, "tif needs set or clear");
                ok = false;
                continue;
            }
            for (const char* which : {"set", "clear"}) {
                if (!v[which]) continue;
                const YAML::Node list = for_era(v[which]);
                std::vector<YAML::Node> items;
                if (list.IsSequence()) {
                    for (const auto& item : list) items.push_back(item);
                } else if (list.IsScalar()) {
                    items.push_back(list);
                } else {
                    error(v[which], std::string("tif ") + which + " must list flag names");
                    ok = false;
                    continue;
                }
                for (const auto& item : items) {
                    if (!item.IsScalar()) {
                        error(item, "a TIF flag must be a name");
                        ok = false;
                        continue;
                    }
                    auto bit = flag(item, false);
                    if (!bit) {
                        ok = false;
                        continue;
                    }
                    Expectation x = e;
                    x.line = item.Mark().line + 1;
                    x.column = item.Mark().column + 1;
                    x.kind = std::string(which) == "set" ? Expectation::Kind::TifSet
                                                         : Expectation::Kind::TifClear;
                    x.name = std::string(tif_flag(*bit)->name);
                    add(x);
                }
            }
        } else if (key == "route" || key == "labels") {
            e.kind = key == "route" ? Expectation::Kind::Route : Expectation::Kind::Labels;
            if (has_selector && sel.kind == SyscallSelector::Kind::All) {
                error(n["syscall"], key + " is about one syscall: syscall cannot be all");
                ok = false;
                continue;
            }
            if (!match_list(v, key, key == "labels", e)) {
                ok = false;
                continue;
            }
            add(e);
        } else if (key == "console") {
            e.kind = Expectation::Kind::Console;
            if (v.IsMap()) {
                if (!map_with(v, "console", {"contains", "excludes", "equals"})) {
                    ok = false;
                    continue;
                }
                for (const auto& item : v) {
                    Expectation x = e;
                    std::string how = item.first.Scalar();
                    x.match = how == "excludes" ? Expectation::Match::Excludes
                              : how == "equals" ? Expectation::Match::Equals
                                                : Expectation::Match::Contains;
                    auto t = text(item.second, "console " + how);
                    if (!t) {
                        ok = false;
                        continue;
                    }
                    x.text = *t;
                    add(x);
                }
            } else if (auto t = text(v, "console")) {
                e.text = *t;
                add(e);
            } else {
                ok = false;
            }
        } else if (key == "outcome") {
            e.kind = Expectation::Kind::Outcome;
            auto t = text(v, "outcome");
            if (!t) {
                ok = false;
                continue;
            }
            auto o = parse_outcome(*t);
            if (!o) {
                error(v, "unknown outcome '" + *t + "' (exited, livelock, fault or step-limit)");
                ok = false;
                continue;
            }
            e.outcome = *o;
            add(e);
        } else if (key == "count") {
            if (!v.IsMap() || v.size() == 0) {
                error(raw, "count must be a map of event kind: number");
                ok = false;
                continue;
            }
            for (const auto& item : v) {
                std::string kind = item.first.IsScalar() ? item.first.Scalar() : "?";
                auto k = parse_event_kind(kind);
                if (!k) {
                    error(item.first, "unknown event kind '" + kind +
                                          "' (expected one of: " + event_kind_list() + ")");
                    ok = false;
                    continue;
                }
                const YAML::Node val = for_era(item.second);
                Expectation x = e;
                x.kind = Expectation::Kind::Count;
                x.line = item.first.Mark().line + 1;
                x.column = item.first.Mark().column + 1;
                x.name = std::string(event_kind_name(*k));
                bool by_name_kind = *k == EventKind::Call || *k == EventKind::Label ||
                                    *k == EventKind::Return || *k == EventKind::TifCheck;
                bool test_map = false;
                if (val.IsMap())
                    for (const char* op : {"eq", "ne", "lt", "le", "gt", "ge"})
                        test_map |= val[op].IsDefined();
                if (val.IsMap() && !test_map) {
                    if (!by_name_kind) {
                        error(item.second, "count " + kind +
                                               " must be a number (a map of name: number "
                                               "only for call, return, label and check)");
                        ok = false;
                        continue;
                    }
                    for (const auto& per : val) {
                        Expectation y = x;
                        y.line = per.first.Mark().line + 1;
                        y.column = per.first.Mark().column + 1;
                        y.count_of = per.first.Scalar();
                        bool known = *k == EventKind::Label      ? label(per.first, y.count_of)
                                     : *k == EventKind::TifCheck ? symbol(per.first, y.count_of)
                                                                 : function(per.first, y.count_of);
                        if (!known) {
                            ok = false;
                            continue;
                        }
                        auto t = value_test(per.second, "count", false);
                        if (!t) {
                            ok = false;
                            continue;
                        }
                        y.value = *t;
                        add(y);
                    }
                    continue;
                }
                auto t = value_test(val, "count " + kind, false);
                if (!t) {
                    ok = false;
                    continue;
                }
                x.value = *t;
                add(x);
            }
        } else if (key == "sigframe") {
            e.kind = Expectation::Kind::Sigframe;
            if (v.IsScalar()) {
                auto b = boolean(v, "sigframe");
                if (!b) {
                    ok = false;
                    continue;
                }
                e.present = *b;
            } else {
                if (!map_with(v, "sigframe", {"present", "signo"})) {
                    ok = false;
                    continue;
                }
                if (v["present"]) {
                    auto b = boolean(v["present"], "sigframe present");
                    if (!b) {
                        ok = false;
                        continue;
                    }
                    e.present = *b;
                }
                if (v["signo"]) {
                    auto t = value_test(v["signo"], "sigframe signo", false);
                    if (!t) {
                        ok = false;
                        continue;
                    }
                    e.value = *t;
                }
            }
            add(e);
        }
    }
    if (ok && out.size() == before && !n.IsNull()) {
        bool all_left_out = n.size() > (n["syscall"] ? 1u : 0u);
        for (const auto& kv : n)
            if (kv.first.Scalar() != "syscall" &&
                !(is_era_map(kv.second) && for_era(kv.second).IsNull()))
                all_left_out = false;
        if (!all_left_out) {
            error(n, "expect has nothing to check");
            ok = false;
        }
    }
    return ok;
}

}  // namespace

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
        case Kind::Outcome:
            return "the run ends: " + std::string(outcome_name(outcome));
        case Kind::Returned:
            return name + "() returned " + value.text();
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
    }
    return "?";
}

// ---- loading ------------------------------------------------------------------------------

Walkthrough parse_walkthrough(const std::string& text, const std::string& name,
                              const LoadOptions& options) {
    Parser parser(name, options);
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

// ---- narration -------------------------------------------------------------------------------

static std::vector<NarrationSpan> parse_spans(const std::string& s) {
    std::vector<NarrationSpan> spans;
    NarrationSpan cur;
    bool bold = false;
    auto flush = [&]() {
        if (!cur.text.empty()) spans.push_back(cur);
        cur = NarrationSpan{};
        cur.bold = bold;
    };
    for (size_t i = 0; i < s.size();) {
        if (s[i] == '`') {
            size_t end = s.find('`', i + 1);
            if (end != std::string::npos) {
                flush();
                spans.push_back({s.substr(i + 1, end - i - 1), bold, true});
                i = end + 1;
                continue;
            }
        }
        if (s.compare(i, 2, "**") == 0) {
            // Only a marker if it has a partner (or closes an open one).
            if (bold || s.find("**", i + 2) != std::string::npos) {
                flush();
                bold = !bold;
                cur.bold = bold;
                i += 2;
                continue;
            }
        }
        cur.text += s[i++];
    }
    flush();
    return spans;
}

std::vector<NarrationLine> parse_narration(const std::string& text) {
    std::vector<NarrationLine> lines;
    std::istringstream in(text);
    std::string raw;
    while (std::getline(in, raw)) {
        while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\r' || raw.back() == '\t'))
            raw.pop_back();
        NarrationLine line;
        size_t i = raw.find_first_not_of(' ');
        if (i == std::string::npos) {
            line.kind = NarrationLine::Kind::Blank;
            lines.push_back(line);
            continue;
        }
        std::string body = raw.substr(i);
        bool in_item = !lines.empty() && (lines.back().kind == NarrationLine::Kind::Bullet ||
                                          lines.back().kind == NarrationLine::Kind::Numbered ||
                                          lines.back().continues);
        if (i > 0 && in_item) {
            line.continues = true;
        } else if (body.size() > 2 && (body[0] == '-' || body[0] == '*') && body[1] == ' ') {
            line.kind = NarrationLine::Kind::Bullet;
            body = body.substr(2);
        } else {
            size_t d = 0;
            while (d < body.size() && std::isdigit(static_cast<unsigned char>(body[d]))) d++;
            // At most nine digits, as in CommonMark: the number fits an int.
            if (d > 0 && d <= 9 && d + 1 < body.size() && body[d] == '.' && body[d + 1] == ' ') {
                line.kind = NarrationLine::Kind::Numbered;
                line.number = std::stoi(body.substr(0, d));
                body = body.substr(d + 2);
            }
        }
        line.spans = parse_spans(body);
        lines.push_back(line);
    }
    while (!lines.empty() && lines.back().kind == NarrationLine::Kind::Blank) lines.pop_back();
    return lines;
}

std::string narration_plain(const std::string& text) {
    std::string out;
    for (const auto& line : parse_narration(text)) {
        switch (line.kind) {
            case NarrationLine::Kind::Blank:
                break;
            case NarrationLine::Kind::Bullet:
                out += "- ";
                break;
            case NarrationLine::Kind::Numbered:
                out += std::to_string(line.number) + ". ";
                break;
            case NarrationLine::Kind::Paragraph:
                if (line.continues) out += "  ";
                break;
        }
        for (const auto& span : line.spans) out += span.text;
        out += "\n";
    }
    return out;
}

// ---- running ----------------------------------------------------------------------------------

bool StepResult::passed() const {
    return std::all_of(checks.begin(), checks.end(), [](const CheckResult& c) { return c.passed; });
}

WalkRunner::WalkRunner(const Walkthrough& walkthrough, size_t plan_index)
    : walkthrough_(walkthrough), plan_index_(plan_index) {
    if (plan_index_ >= walkthrough_.plans.size())
        throw std::out_of_range("no such era in this walkthrough");
    restart();
}

WalkRunner::~WalkRunner() = default;

void WalkRunner::restart() {
    position_ = 0;
    scenario_ = walkthrough_.program;
    scenario_.era = plan().era;
    session_.reset();
    used_ = false;
}

Session& WalkRunner::session() {
    if (!session_) session_ = std::make_unique<Session>(scenario_);
    return *session_;
}

std::vector<StepResult> WalkRunner::run_all() {
    std::vector<StepResult> results;
    while (!done()) results.push_back(run_next());
    return results;
}

std::vector<StepResult> WalkRunner::run_to(size_t count) {
    restart();
    std::vector<StepResult> results;
    while (!done() && position_ < count) results.push_back(run_next());
    return results;
}

StepResult WalkRunner::run_next() {
    if (done()) throw std::out_of_range("the walkthrough has no more steps");
    const Step& step = plan().steps[position_];
    StepResult r;
    r.index = position_++;
    r.kind = step.kind;
    r.line = step.line;
    r.skipped = step.skipped;
    r.description = step.describe();
    if (!step.skipped) {
        switch (step.kind) {
            case StepKind::Setup:
                apply_setup(step, r);
                break;
            case StepKind::Move:
                apply_move(step, r);
                break;
            case StepKind::Say:
                r.narration = step.text;
                break;
            case StepKind::Point:
                r.points = step.points;
                break;
            case StepKind::Ask:
                r.question = &step.question;
                break;
            case StepKind::Expect:
                session();
                used_ = true;
                for (const auto& e : step.expectations) r.checks.push_back(check(e));
                break;
            case StepKind::Shoot:
                r.screenshot = step.text;
                break;
        }
    }
    if (session_) {
        r.machine_step = session_->step();
        r.where = session_->where();
    }
    return r;
}

void WalkRunner::apply_setup(const Step& step, StepResult& r) {
    const SetupStep& s = step.setup;
    if (s.changes_scenario()) {
        if (s.restart) {
            scenario_ = walkthrough_.program;
            scenario_.era = plan().era;
        }
        if (s.era) scenario_.era = *s.era;
        if (s.syscall_nr) scenario_.syscall_nr = *s.syscall_nr;
        if (s.bad_pointer) scenario_.bad_pointer = *s.bad_pointer;
        for (const auto& t : s.tampers) scenario_.tampers.push_back(t);
        if (s.signal_action) scenario_.signal_action = *s.signal_action;
        if (s.inject_when != InjectWhen::Now)
            for (int bit : s.inject) {
                Injection inj;
                inj.bit = bit;
                inj.when = s.inject_when;
                scenario_.injections.push_back(inj);
            }
        // A run that has been looked at starts again; an unused one is just rebuilt.
        if (used_) {
            r.restarted = true;
            std::vector<std::string> injections;
            for (const auto& inj : scenario_.injections) injections.push_back(injection_text(inj));
            r.note = "the run starts again from step 0: era " +
                     std::string(era_info(scenario_.era).name) + ", syscall " +
                     syscall_name(scenario_.syscall_nr) +
                     (scenario_.bad_pointer ? ", bad pointer" : "") +
                     (injections.empty() ? "" : ", inject " + join(injections));
        }
        session_.reset();
        used_ = false;
    }
    if (!s.acts_now()) return;
    Session& session = this->session();
    used_ = true;
    // inject_now/edit_now record the new future to its end; stay where the
    // change was made, with the change applied.
    const uint64_t at = session.step();
    std::vector<std::string> done;
    if (s.inject_when == InjectWhen::Now)
        for (int bit : s.inject) {
            try {
                session.inject_now(bit);
                done.push_back("injected " + tif_names(1u << bit));
            } catch (const std::exception& e) {
                r.checks.push_back({"inject " + tif_names(1u << bit) + " now", false, e.what(),
                                    step.line, step.column});
            }
        }
    for (const auto& [target, value] : s.edits) {
        try {
            session.edit_now(target, value);
            done.push_back(target + " = " + hex(value));
        } catch (const std::exception& e) {
            r.checks.push_back({"edit " + target, false, e.what(), step.line, step.column});
        }
    }
    session.seek(at);
    if (!done.empty())
        r.note =
            (r.note.empty() ? "" : r.note + "; ") + join(done) + " at step " + std::to_string(at);
}

void WalkRunner::apply_move(const Step& step, StepResult& r) {
    Session& s = session();
    used_ = true;
    const MoveStep& m = step.move;
    const uint64_t from = s.step();
    auto fail = [&](const std::string& why) {
        r.checks.push_back({step.describe(), false, why, step.line, step.column});
    };
    const Trace& t = s.trace();
    switch (m.kind) {
        case MoveKind::Steps:
            s.step_forward(m.count);
            if (s.step() < from + m.count)
                fail("the run ends at step " + std::to_string(s.last_step()) + ", " +
                     std::to_string(from + m.count - s.step()) + " short");
            break;
        case MoveKind::Back:
            s.step_back(m.count);
            if (from < m.count) fail("only " + std::to_string(from) + " steps to go back");
            break;
        case MoveKind::Label:
            for (uint64_t i = 0; i < m.count; i++)
                if (!s.run_to_label(m.name)) {
                    fail("label " + m.name + " is not reached after step " +
                         std::to_string(s.step()));
                    break;
                }
            break;
        case MoveKind::Focus:
            if (t.focus < 0 || static_cast<size_t>(t.focus) >= t.syscalls.size()) {
                fail("the focus syscall (" + syscall_name(scenario_.syscall_nr) + ") never ran");
                break;
            }
            s.seek(t.syscalls[static_cast<size_t>(t.focus)].entry_step);
            break;
        case MoveKind::Event:
            for (uint64_t i = 0; i < m.count; i++) {
                std::optional<uint64_t> found;
                for (size_t k = t.first_event_at_or_after(s.step() + 1); k < t.events.size(); k++) {
                    const Event& e = t.events[k];
                    if (e.kind == m.event && (m.name.empty() || e.name == m.name)) {
                        found = e.step;
                        break;
                    }
                }
                if (!found) {
                    fail("no " + std::string(event_kind_name(m.event)) +
                         (m.name.empty() ? "" : " " + m.name) + " event after step " +
                         std::to_string(s.step()));
                    break;
                }
                s.seek(*found);
            }
            break;
        case MoveKind::Ring3:
            for (uint64_t i = 0; i < m.count; i++) {
                uint64_t before = s.step();
                s.run_to_ring3();
                if (s.step() == before) {
                    fail("no return to ring 3 after step " + std::to_string(before));
                    break;
                }
            }
            break;
        case MoveKind::End:
            s.run_to_end();
            break;
        case MoveKind::Over:
            for (uint64_t i = 0; i < m.count; i++) s.step_over();
            break;
        case MoveKind::Out:
            for (uint64_t i = 0; i < m.count; i++) s.step_out();
            break;
    }
    r.note = "step " + std::to_string(from) + " -> " + std::to_string(s.step());
}

int WalkRunner::select_syscall(const SyscallSelector& sel, std::string* why) {
    Session& s = session();
    const Trace& t = s.trace();
    const int count = static_cast<int>(t.syscalls.size());
    const uint64_t now = s.step();
    switch (sel.kind) {
        case SyscallSelector::Kind::Focus:
            if (t.focus >= 0 && t.focus < count) return t.focus;
            *why = "the focus syscall never ran";
            return -1;
        case SyscallSelector::Kind::Current: {
            int cur = s.current_syscall();
            if (cur >= 0 && cur < count) return cur;
            for (int i = count - 1; i >= 0; i--)
                if (t.syscalls[static_cast<size_t>(i)].entry_step <= now) return i;
            *why = "no syscall has started yet";
            return -1;
        }
        case SyscallSelector::Kind::All:
            return -1;
        case SyscallSelector::Kind::Index:
            if (sel.index < count) return sel.index;
            *why = "the run made only " + std::to_string(count) + " syscalls";
            return -1;
        case SyscallSelector::Kind::Name: {
            int latest = -1, next = -1;
            for (int i = 0; i < count; i++) {
                const SyscallRecord& rec = t.syscalls[static_cast<size_t>(i)];
                if (rec.name != sel.name) continue;
                if (rec.entry_step <= now)
                    latest = i;
                else if (next < 0)
                    next = i;
            }
            if (latest >= 0) return latest;
            if (next >= 0) return next;
            *why = "the run made no " + sel.name + " syscall";
            return -1;
        }
    }
    return -1;
}

std::vector<std::pair<std::string, bool>> WalkRunner::route_so_far(int syscall) const {
    std::vector<std::pair<std::string, bool>> route;
    const Trace& t = session_->trace();
    const uint64_t now = session_->step();
    const SyscallRecord& rec = t.syscalls[static_cast<size_t>(syscall)];
    // An event at the current step has happened: the machine is about to run
    // the instruction it belongs to (a label reached, a call entered).
    for (size_t i = rec.first_event; i < rec.end_event && i < t.events.size(); i++) {
        const Event& e = t.events[i];
        if (e.step > now) break;
        if (e.syscall != syscall) continue;
        if (e.kind == EventKind::Label)
            route.emplace_back(e.name, true);
        else if (e.kind == EventKind::Call && e.from_entry)
            route.emplace_back(e.name, false);
    }
    return route;
}

static bool is_subsequence(const std::vector<std::string>& needle,
                           const std::vector<std::string>& hay) {
    size_t j = 0;
    for (size_t i = 0; i < hay.size() && j < needle.size(); i++)
        if (hay[i] == needle[j]) j++;
    return j == needle.size();
}

static std::optional<uint64_t> register_value(const CpuState& c, const std::string& name) {
    for (int i = 0; i < GPR_COUNT; i++)
        if (gpr_name(i) == name) return c.gpr[static_cast<size_t>(i)];
    if (name == "rip") return c.rip;
    if (name == "rflags") return c.rflags;
    if (name == "cs") return c.cs;
    if (name == "ss") return c.ss;
    if (name == "cpl") return static_cast<uint64_t>(c.cpl);
    if (name == "cr2") return c.cr2;
    if (name == "fs_base") return c.fs_base;
    if (name == "gs_base") return c.gs_base;
    if (name == "kernel_gs_base") return c.kernel_gs_base;
    return std::nullopt;
}

CheckResult WalkRunner::check(const Expectation& e) {
    CheckResult c;
    c.what = e.describe();
    c.line = e.line;
    c.column = e.column;
    Session& s = session();
    const Trace& t = s.trace();
    const uint64_t now = s.step();
    const CpuState cpu = s.machine().cpu();
    std::string why;

    // `eq: focus_syscall+2`: the symbol's address in this run's images.
    ValueTest value = e.value;
    if (!value.symbol.empty()) {
        auto addr = s.machine().kernel().symbol_addr(value.symbol);
        if (!addr) addr = s.machine().user().symbol_addr(value.symbol);
        if (!addr) {
            c.detail = "no symbol " + value.symbol + " in this run's kernel or program";
            return c;
        }
        value.value += static_cast<int64_t>(*addr);
        value.symbol.clear();
    }

    switch (e.kind) {
        case Expectation::Kind::At: {
            const Symbol* sym = s.machine().symbol_containing(cpu.rip);
            c.passed = sym && sym->name == e.name;
            c.detail = "at " + s.where();
            break;
        }
        case Expectation::Kind::Ring:
            c.passed = cpu.cpl == e.ring;
            c.detail = "ring " + std::to_string(cpu.cpl);
            break;
        case Expectation::Kind::Exit:
        case Expectation::Kind::Ret: {
            int k = select_syscall(e.syscall, &why);
            if (k < 0) {
                c.detail = why;
                break;
            }
            const SyscallRecord& rec = t.syscalls[static_cast<size_t>(k)];
            std::string who = rec.name + " (syscall #" + std::to_string(k) + ")";
            if (e.kind == Expectation::Kind::Exit) {
                c.passed = rec.exit == e.exit;
                c.detail = who + (rec.exit == ExitKind::None
                                      ? " never returned to user mode"
                                      : " left by " + std::string(exit_kind_name(rec.exit)));
            } else {
                c.passed = rec.has_ret && value.test(static_cast<uint64_t>(rec.ret));
                c.detail =
                    rec.has_ret ? who + " returned " + number(rec.ret) : who + " never returned";
            }
            break;
        }
        case Expectation::Kind::Register: {
            auto v = register_value(cpu, e.name);
            c.passed = v && value.test(*v);
            c.detail = e.name + " = " + (v ? hex(*v) : std::string("?"));
            break;
        }
        case Expectation::Kind::PtRegs: {
            PtRegsView view = s.pt_regs();
            int slot = pt_regs_slot_index(e.name);
            if (!view.present || slot < 0 || static_cast<size_t>(slot) >= view.slots.size()) {
                c.detail = "no pt_regs frame at this step";
                break;
            }
            const PtRegsSlot& ps = view.slots[static_cast<size_t>(slot)];
            bool state_ok = !value.state || ps.state == *value.state;
            bool value_ok =
                (value.op == ValueTest::Op::Any && !value.canonical) || value.test(ps.value);
            c.passed = state_ok && value_ok;
            c.detail = "pt_regs." + e.name + " = " + hex(ps.value) + " (" +
                       std::string(slot_state_name(ps.state)) + ")";
            break;
        }
        case Expectation::Kind::TifSet:
        case Expectation::Kind::TifClear: {
            TifView tif = s.tif();
            auto bit = parse_tif(e.name);
            bool set = tif.present && bit && (tif.flags >> *bit) & 1u;
            c.passed = tif.present && (e.kind == Expectation::Kind::TifSet ? set : !set);
            c.detail =
                tif.present ? "flags " + tif_names(tif.flags) : "no thread_info at this step";
            break;
        }
        case Expectation::Kind::Route:
        case Expectation::Kind::Labels: {
            int k = select_syscall(e.syscall, &why);
            if (k < 0) {
                c.detail = why;
                break;
            }
            std::vector<std::string> route;
            for (const auto& [name, is_label] : route_so_far(k))
                if (e.kind == Expectation::Kind::Route || is_label) route.push_back(name);
            switch (e.match) {
                case Expectation::Match::Contains:
                    c.passed = is_subsequence(e.names, route);
                    break;
                case Expectation::Match::Equals:
                    c.passed = e.names == route;
                    break;
                case Expectation::Match::Excludes:
                    c.passed =
                        std::none_of(e.names.begin(), e.names.end(), [&](const std::string& n) {
                            return std::find(route.begin(), route.end(), n) != route.end();
                        });
                    break;
            }
            c.detail =
                "so far: " + (route.empty() ? std::string("(nothing)") : join(route, " -> "));
            break;
        }
        case Expectation::Kind::Console: {
            std::string console = s.console();
            switch (e.match) {
                case Expectation::Match::Contains:
                    c.passed = console.find(e.text) != std::string::npos;
                    break;
                case Expectation::Match::Equals:
                    c.passed = console == e.text;
                    break;
                case Expectation::Match::Excludes:
                    c.passed = console.find(e.text) == std::string::npos;
                    break;
            }
            std::string shown = console;
            for (char& ch : shown)
                if (ch == '\n') ch = '|';
            c.detail = "console: \"" + shown + "\"";
            break;
        }
        case Expectation::Kind::Outcome:
            c.passed = t.outcome == e.outcome;
            c.detail = "the run ends: " + std::string(outcome_name(t.outcome)) +
                       (t.outcome_detail.empty() ? "" : " (" + t.outcome_detail + ")");
            break;
        case Expectation::Kind::Returned: {
            const Event* last = nullptr;
            for (const Event& ev : t.events) {
                if (ev.step > now) break;
                if (ev.kind == EventKind::Return && ev.name == e.name) last = &ev;
            }
            if (!last) {
                c.detail = e.name + "() has not returned to the entry code yet";
                break;
            }
            // C functions return int or long: compare either width.
            uint64_t raw = last->a[0];
            uint64_t as_int =
                static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(raw)));
            c.passed = value.test(raw) || value.test(as_int);
            c.detail = e.name + "() returned " + number(static_cast<int64_t>(as_int)) + " (rax " +
                       hex(raw) + ")";
            break;
        }
        case Expectation::Kind::Count: {
            int k = -1;
            if (e.syscall.kind != SyscallSelector::Kind::All) {
                k = select_syscall(e.syscall, &why);
                if (k < 0) {
                    c.detail = why;
                    break;
                }
            }
            auto kind = parse_event_kind(e.name);
            uint64_t n = 0;
            for (const Event& ev : t.events) {
                if (ev.step > now) break;
                if (k >= 0 && ev.syscall != k) continue;
                if (kind && ev.kind != *kind) continue;
                if (!e.count_of.empty() && ev.name != e.count_of) continue;
                n++;
            }
            c.passed = value.test(n);
            c.detail = "counted " + std::to_string(n);
            break;
        }
        case Expectation::Kind::Sigframe: {
            UserStackView us = s.user_stack();
            bool signo_ok =
                value.op == ValueTest::Op::Any || value.test(static_cast<uint64_t>(us.signo));
            c.passed = us.has_sigframe == e.present && (!e.present || signo_ok);
            c.detail = us.has_sigframe ? "signal frame at " + hex(us.sigframe) + " for signal " +
                                             std::to_string(us.signo)
                                       : "no signal frame (user rsp " + hex(us.rsp) + ")";
            break;
        }
    }
    if (c.passed) c.detail.clear();
    return c;
}

}  // namespace slowpath
