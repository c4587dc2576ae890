// Walkthroughs: parsing `expect` (value tests, syscall selectors, route and
// label lists). See walkthrough_internal.h for the map of files.
#include <algorithm>
#include <cctype>

#include "slowpath/syscalls.h"
#include "slowpath/tif.h"
#include "walkthrough_internal.h"

namespace slowpath::walkthrough_detail {

const std::vector<std::string>& Parser::value_test_keys() {
    static const std::vector<std::string> keys = {"eq", "ne", "lt",   "le",
                                                  "gt", "ge", "mask", "canonical"};
    return keys;
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
    std::vector<std::string> keys = value_test_keys();
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
    ok &= optional_field(n, "mask", what + " mask", &Parser::bits, t.mask);
    if (n["mask"] && t.op == ValueTest::Op::Any) {
        error(n["mask"], "a mask needs a comparison (eq or ne)");
        ok = false;
    }
    ok &= optional_field(n, "canonical", "canonical", &Parser::boolean, t.canonical);
    ok &= optional_field(n, "state", "state", &Parser::slot_state, t.state);
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
    if (!list.IsSequence() && !list.IsScalar()) {
        error(list, what + " must list names");
        return false;
    }
    const std::vector<YAML::Node> items = one_or_many(list);
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

// Each expect key and what reads it, in the order the error message lists them.
const std::vector<std::pair<const char*, Parser::ExpectHandler>>& Parser::expect_table() {
    static const std::vector<std::pair<const char*, ExpectHandler>> handlers = {
        {"at", &Parser::expect_at},
        {"ring", &Parser::expect_ring},
        {"exit", &Parser::expect_exit},
        {"ret", &Parser::expect_ret},
        {"register", &Parser::expect_named_values},
        {"pt_regs", &Parser::expect_named_values},
        {"tif", &Parser::expect_tif},
        {"route", &Parser::expect_route},
        {"labels", &Parser::expect_route},
        {"console", &Parser::expect_console},
        {"outcome", &Parser::expect_outcome},
        {"returned", &Parser::expect_named_values},
        {"count", &Parser::expect_count},
        {"sigframe", &Parser::expect_sigframe},
        {"why", &Parser::expect_console},
        {"exception_frame", &Parser::expect_named_values},
        {"frame", &Parser::expect_frame},
    };
    return handlers;
}

std::vector<std::string> Parser::expect_keys() {
    std::vector<std::string> keys;
    for (const auto& [key, handler] : expect_table()) keys.emplace_back(key);
    keys.emplace_back("syscall");  // the selector, read first: the others use it
    keys.emplace_back("left");     // one side of a comparison
    keys.emplace_back("right");
    return keys;
}

// `left: {...}` / `right: {...}`: the usual expectations, judged on one side
// of the comparison a compare step started (names in that side's era).
bool Parser::expect_side(const YAML::Node& key, const YAML::Node& value,
                         std::vector<Expectation>& out) {
    const bool right = key.Scalar() == "right";
    if (side_ != Expectation::Side::Both) {
        error(key, "'" + key.Scalar() + "' inside a left:/right: block (they do not nest)");
        return false;
    }
    if (!compare_right_era_) {
        error(key, "'" + key.Scalar() +
                       "' judges one side of a comparison: put a compare step before it");
        return false;
    }
    const Era here = era_;
    if (right) era_ = *compare_right_era_;
    side_ = right ? Expectation::Side::Right : Expectation::Side::Left;
    size_t before = out.size();
    bool ok = expect(value, out);
    for (size_t i = before; i < out.size(); i++) out[i].side = side_;
    side_ = Expectation::Side::Both;
    era_ = here;
    return ok;
}

bool Parser::expect(const YAML::Node& n, std::vector<Expectation>& out) {
    const auto& handlers = expect_table();
    if (!map_with(n, "expect", expect_keys())) return false;

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
    // In the file's order, so the expectations check in the order written.
    for (const auto& kv : n) {
        ExpectKey k;
        k.key = kv.first.Scalar();
        if (k.key == "syscall") continue;
        if (k.key == "left" || k.key == "right") {
            if (!expect_side(kv.first, kv.second, out)) ok = false;
            continue;
        }
        k.map.reset(n);
        k.raw.reset(kv.second);
        k.value.reset(for_era(k.raw));
        if (k.value.IsNull() && is_era_map(k.raw)) continue;  // nothing to check in this era
        k.base.line = kv.first.Mark().line + 1;
        k.base.column = kv.first.Mark().column + 1;
        k.base.syscall = sel;
        k.has_selector = has_selector;
        for (const auto& [key, handler] : handlers)
            if (k.key == key && !(this->*handler)(k, out)) ok = false;
    }
    if (ok && out.size() == before && !n.IsNull() && !expect_left_out(n)) {
        error(n, "expect has nothing to check");
        ok = false;
    }
    return ok;
}

// Every key but `syscall` is an era map whose value for this era is ~.
bool Parser::expect_left_out(const YAML::Node& n) {
    bool all_left_out = n.size() > (n["syscall"] ? 1u : 0u);
    for (const auto& kv : n)
        if (kv.first.Scalar() != "syscall" &&
            !(is_era_map(kv.second) && for_era(kv.second).IsNull()))
            all_left_out = false;
    return all_left_out;
}

bool Parser::expect_at(const ExpectKey& k, std::vector<Expectation>& out) {
    Expectation e = k.base;
    e.kind = Expectation::Kind::At;
    auto name = text(k.value, "at");
    if (!name || !symbol(k.value, *name, true)) return false;
    e.name = *name;
    out.push_back(e);
    return true;
}

bool Parser::expect_ring(const ExpectKey& k, std::vector<Expectation>& out) {
    Expectation e = k.base;
    e.kind = Expectation::Kind::Ring;
    auto r = integer(k.value, "ring");
    if (!r || (*r != 0 && *r != 3)) {
        if (r) error(k.value, "ring must be 0 or 3");
        return false;
    }
    e.ring = static_cast<int>(*r);
    out.push_back(e);
    return true;
}

bool Parser::expect_exit(const ExpectKey& k, std::vector<Expectation>& out) {
    Expectation e = k.base;
    e.kind = Expectation::Kind::Exit;
    auto x = text(k.value, "exit");
    if (!x) return false;
    if (*x == "sysret")
        e.exit = ExitKind::Sysret;
    else if (*x == "iret")
        e.exit = ExitKind::Iret;
    else if (*x == "none")
        e.exit = ExitKind::None;
    else {
        error(k.value, "unknown exit '" + *x + "' (sysret, iret or none)");
        return false;
    }
    out.push_back(e);
    return true;
}

bool Parser::expect_ret(const ExpectKey& k, std::vector<Expectation>& out) {
    Expectation e = k.base;
    e.kind = Expectation::Kind::Ret;
    auto t = value_test(k.value, "ret", false);
    if (!t) return false;
    e.value = *t;
    out.push_back(e);
    return true;
}

// register, pt_regs and returned: a map of name: value test.
bool Parser::expect_named_values(const ExpectKey& k, std::vector<Expectation>& out) {
    const YAML::Node& v = k.value;
    if (!v.IsMap() || v.size() == 0) {
        error(k.raw, k.key + " must be a map of name: value");
        return false;
    }
    bool ok = true;
    for (const auto& item : v) {
        Expectation x = k.base;
        x.line = item.first.Mark().line + 1;
        x.column = item.first.Mark().column + 1;
        std::string name = item.first.IsScalar() ? item.first.Scalar() : "?";
        if (k.key == "register") {
            x.kind = Expectation::Kind::Register;
            const auto& regs = walkthrough_registers();
            if (std::find(regs.begin(), regs.end(), name) == regs.end()) {
                error(item.first, "unknown register '" + name + "' (" + register_list() + ")");
                ok = false;
                continue;
            }
        } else if (k.key == "pt_regs") {
            x.kind = Expectation::Kind::PtRegs;
            if (pt_regs_slot_index(name) < 0) {
                error(item.first, "unknown pt_regs slot '" + name + "' (" + slot_list() + ")");
                ok = false;
                continue;
            }
        } else if (k.key == "exception_frame") {
            x.kind = Expectation::Kind::ExceptionFrame;
            const auto& fields = exception_frame_fields();
            if (std::find(fields.begin(), fields.end(), name) == fields.end()) {
                error(item.first, "unknown exception_frame field '" + name + "' (" +
                                      join({fields.begin(), fields.end()}) + ")");
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
        auto t = value_test(item.second, k.key + " " + name, k.key == "pt_regs");
        if (!t) {
            ok = false;
            continue;
        }
        x.value = *t;
        out.push_back(x);
    }
    return ok;
}

bool Parser::expect_tif(const ExpectKey& k, std::vector<Expectation>& out) {
    const YAML::Node& v = k.value;
    if (!map_with(v, "tif", {"set", "clear"}) || v.size() == 0) {
        if (v.IsMap()) error(v, "tif needs set or clear");
        return false;
    }
    bool ok = true;
    for (const char* which : {"set", "clear"}) {
        if (!v[which]) continue;
        const YAML::Node list = for_era(v[which]);
        if (!list.IsSequence() && !list.IsScalar()) {
            error(v[which], std::string("tif ") + which + " must list flag names");
            ok = false;
            continue;
        }
        for (const auto& item : one_or_many(list)) {
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
            Expectation x = k.base;
            x.line = item.Mark().line + 1;
            x.column = item.Mark().column + 1;
            x.kind = std::string(which) == "set" ? Expectation::Kind::TifSet
                                                 : Expectation::Kind::TifClear;
            x.name = std::string(tif_flag(*bit)->name);
            out.push_back(x);
        }
    }
    return ok;
}

// route and labels: which labels (and C calls) the selected syscall has passed.
bool Parser::expect_route(const ExpectKey& k, std::vector<Expectation>& out) {
    Expectation e = k.base;
    e.kind = k.key == "route" ? Expectation::Kind::Route : Expectation::Kind::Labels;
    if (k.has_selector && e.syscall.kind == SyscallSelector::Kind::All) {
        error(k.map["syscall"], k.key + " is about one syscall: syscall cannot be all");
        return false;
    }
    if (!match_list(k.value, k.key, k.key == "labels", e)) return false;
    out.push_back(e);
    return true;
}

// console (the program's output) and why (the decision's reason): text that
// contains (a plain string), equals or excludes.
bool Parser::expect_console(const ExpectKey& k, std::vector<Expectation>& out) {
    const YAML::Node& v = k.value;
    Expectation e = k.base;
    e.kind = k.key == "why" ? Expectation::Kind::Why : Expectation::Kind::Console;
    if (k.key == "why" && k.has_selector && e.syscall.kind == SyscallSelector::Kind::All) {
        error(k.map["syscall"], "why is about one syscall: syscall cannot be all");
        return false;
    }
    if (!v.IsMap()) {
        auto t = text(v, k.key);
        if (!t) return false;
        e.text = *t;
        out.push_back(e);
        return true;
    }
    if (!map_with(v, k.key, {"contains", "excludes", "equals"})) return false;
    bool ok = true;
    for (const auto& item : v) {
        Expectation x = e;
        std::string how = item.first.Scalar();
        x.match = how == "excludes" ? Expectation::Match::Excludes
                  : how == "equals" ? Expectation::Match::Equals
                                    : Expectation::Match::Contains;
        auto t = text(item.second, k.key + " " + how);
        if (!t) {
            ok = false;
            continue;
        }
        x.text = *t;
        out.push_back(x);
    }
    return ok;
}

bool Parser::expect_outcome(const ExpectKey& k, std::vector<Expectation>& out) {
    Expectation e = k.base;
    e.kind = Expectation::Kind::Outcome;
    auto t = text(k.value, "outcome");
    if (!t) return false;
    auto o = parse_outcome(*t);
    if (!o) {
        error(k.value, "unknown outcome '" + *t + "' (exited, livelock, fault or step-limit)");
        return false;
    }
    e.outcome = *o;
    out.push_back(e);
    return true;
}

// count: event kind: number, or (calls, returns, labels, checks) name: number.
bool Parser::expect_count(const ExpectKey& k, std::vector<Expectation>& out) {
    const YAML::Node& v = k.value;
    if (!v.IsMap() || v.size() == 0) {
        error(k.raw, "count must be a map of event kind: number");
        return false;
    }
    bool ok = true;
    for (const auto& item : v) {
        std::string kind = item.first.IsScalar() ? item.first.Scalar() : "?";
        auto event = parse_event_kind(kind);
        if (!event) {
            error(item.first,
                  "unknown event kind '" + kind + "' (expected one of: " + event_kind_list() + ")");
            ok = false;
            continue;
        }
        const YAML::Node val = for_era(item.second);
        Expectation x = k.base;
        x.kind = Expectation::Kind::Count;
        x.line = item.first.Mark().line + 1;
        x.column = item.first.Mark().column + 1;
        x.name = std::string(event_kind_name(*event));
        bool by_name_kind = *event == EventKind::Call || *event == EventKind::Label ||
                            *event == EventKind::Return || *event == EventKind::TifCheck;
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
            } else if (!expect_count_by_name(val, *event, x, out)) {
                ok = false;
            }
            continue;
        }
        auto t = value_test(val, "count " + kind, false);
        if (!t) {
            ok = false;
            continue;
        }
        x.value = *t;
        out.push_back(x);
    }
    return ok;
}

// `count: {call: {do_notify_resume: 1}}`: one expectation per name.
bool Parser::expect_count_by_name(const YAML::Node& per_name, EventKind kind, const Expectation& x,
                                  std::vector<Expectation>& out) {
    bool ok = true;
    for (const auto& per : per_name) {
        Expectation y = x;
        y.line = per.first.Mark().line + 1;
        y.column = per.first.Mark().column + 1;
        y.count_of = per.first.Scalar();
        bool known = kind == EventKind::Label      ? label(per.first, y.count_of)
                     : kind == EventKind::TifCheck ? symbol(per.first, y.count_of)
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
        out.push_back(y);
    }
    return ok;
}

bool Parser::expect_sigframe(const ExpectKey& k, std::vector<Expectation>& out) {
    const YAML::Node& v = k.value;
    Expectation e = k.base;
    e.kind = Expectation::Kind::Sigframe;
    if (v.IsScalar()) {
        auto b = boolean(v, "sigframe");
        if (!b) return false;
        e.present = *b;
    } else {
        if (!map_with(v, "sigframe", {"present", "signo"})) return false;
        if (!optional_field(v, "present", "sigframe present", &Parser::boolean, e.present))
            return false;
        if (v["signo"]) {
            auto t = value_test(v["signo"], "sigframe signo", false);
            if (!t) return false;
            e.value = *t;
        }
    }
    out.push_back(e);
    return true;
}

// `frame: {do_page_fault: {returns_to: page_fault, saved_rbp: {ne: 0}}}`:
// one expectation per field; `present: false` says the function is not running.
bool Parser::expect_frame(const ExpectKey& k, std::vector<Expectation>& out) {
    const YAML::Node& v = k.value;
    if (!v.IsMap() || v.size() == 0) {
        error(k.raw, "frame must be a map of C function: {field: value}");
        return false;
    }
    std::vector<std::string> fields(function_frame_fields().begin(), function_frame_fields().end());
    fields.emplace_back("present");
    bool ok = true;
    for (const auto& per : v) {
        std::string fn = per.first.IsScalar() ? per.first.Scalar() : "?";
        if (!function(per.first, fn) || !map_with(per.second, "frame " + fn, fields)) {
            ok = false;
            continue;
        }
        if (per.second.size() == 0) {
            error(per.second, "frame " + fn + " needs a field (" + join(fields) + ")");
            ok = false;
            continue;
        }
        for (const auto& item : per.second) {
            Expectation x = k.base;
            x.kind = Expectation::Kind::Frame;
            x.line = item.first.Mark().line + 1;
            x.column = item.first.Mark().column + 1;
            x.name = fn;
            x.field = item.first.Scalar();
            if (frame_field(item.second, "frame " + fn + " " + x.field, x))
                out.push_back(x);
            else
                ok = false;
        }
    }
    return ok;
}

// One field's value: `present` a boolean, `returns_to` a name, the rest value tests.
bool Parser::frame_field(const YAML::Node& value, const std::string& what, Expectation& x) {
    if (x.field == "present") {
        auto b = boolean(value, what);
        if (b) x.present = *b;
        return b.has_value();
    }
    if (x.field == "returns_to") {
        auto t = text(value, what);
        if (t) x.text = *t;
        return t && symbol(value, *t);
    }
    auto t = value_test(value, what, false);
    if (t) x.value = *t;
    return t.has_value();
}

}  // namespace slowpath::walkthrough_detail
