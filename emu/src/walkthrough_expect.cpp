// Walkthroughs: parsing `expect` (value tests, syscall selectors, route and
// label lists). See walkthrough_internal.h for the map of files.
#include <algorithm>
#include <cctype>

#include "slowpath/syscalls.h"
#include "slowpath/tif.h"
#include "walkthrough_internal.h"

namespace slowpath::walkthrough_detail {

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

}  // namespace slowpath::walkthrough_detail
