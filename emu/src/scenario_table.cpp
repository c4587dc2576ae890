#include "slowpath/scenario_table.h"

#include <algorithm>
#include <exception>
#include <thread>

#include "slowpath/guest_image.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"

namespace slowpath {

void ScenarioChange::apply(Scenario& scenario) const {
    switch (kind) {
        case Kind::Inject:
            scenario.injections.push_back(injection);
            break;
        case Kind::Syscall:
            scenario.syscall_nr = syscall_nr;
            break;
        case Kind::BadPointer:
            scenario.bad_pointer = true;
            break;
        case Kind::Tamper:
            scenario.tampers.push_back(tamper);
            break;
        case Kind::SignalAction:
            scenario.signal_action = signal_action;
            break;
    }
}

std::string ScenarioChange::text() const {
    switch (kind) {
        case Kind::Inject:
            return "--inject " + injection_text(injection);
        case Kind::Syscall:
            return "--syscall " + syscall_name(syscall_nr);
        case Kind::BadPointer:
            return "--bad-pointer";
        case Kind::Tamper:
            return "--tamper " + tamper_text(tamper);
        case Kind::SignalAction:
            return "--signal-action " + std::string(signal_action_name(signal_action));
    }
    return "";
}

namespace {

ScenarioChange inject(std::string_view text) {
    ScenarioChange c;
    c.kind = ScenarioChange::Kind::Inject;
    c.injection = parse_injection(text);
    return c;
}

ScenarioChange syscall(long nr) {
    ScenarioChange c;
    c.kind = ScenarioChange::Kind::Syscall;
    c.syscall_nr = nr;
    return c;
}

ScenarioChange tamper(std::string_view text) {
    ScenarioChange c;
    c.kind = ScenarioChange::Kind::Tamper;
    c.tamper = parse_tamper(text);
    return c;
}

ScenarioChange signal_action(SignalAction action) {
    ScenarioChange c;
    c.kind = ScenarioChange::Kind::SignalAction;
    c.signal_action = action;
    return c;
}

ScenarioChange bad_pointer() {
    ScenarioChange c;
    c.kind = ScenarioChange::Kind::BadPointer;
    return c;
}

std::vector<TableRow> make_rows() {
    std::vector<TableRow> rows;
    rows.push_back({"no flag", {}});
    // Every injectable flag, in the order a lesson meets them (the app's chips').
    std::vector<std::string> flags = {
        "SIGPENDING", "NEED_RESCHED",       "NOTIFY_RESUME", "SYSCALL_AUDIT",      "SYSCALL_TRACE",
        "SINGLESTEP", "SYSCALL_TRACEPOINT", "MCE_NOTIFY",    "USER_RETURN_NOTIFY", "UPROBE"};
    for (const TifFlagInfo& flag : tif_flags())  // one added later still gets its rows
        if (flag.injectable &&
            std::find(flags.begin(), flags.end(), std::string(flag.name)) == flags.end())
            flags.emplace_back(flag.name);
    for (const char* when : {"entry", "exit"})
        for (const std::string& flag : flags) {
            std::string text = flag + "@" + when;
            rows.push_back({text, {inject(text)}});
        }
    // The pairs tests/scenario/scenario_test.cpp runs (EXPECTATIONS.md), in
    // the order the injections are made.
    for (auto [first, second] :
         {std::pair{"SIGPENDING", "SYSCALL_AUDIT"}, std::pair{"NEED_RESCHED", "SIGPENDING"},
          std::pair{"SYSCALL_AUDIT", "NOTIFY_RESUME"}})
        rows.push_back(
            {std::string(first) + "+" + second + "@exit",
             {inject(std::string(first) + "@exit"), inject(std::string(second) + "@exit")}});

    // A tracer at the exit stop rewrites pt_regs (each row implies the
    // tracer): the values SYSRET would use, a non-canonical return address
    // (CVE-2012-0217's class) and the last user page, and flags with TF.
    // The cases of tests/scenario/controls_test.cpp (EXPECTATIONS.md).
    for (const char* t : {"rax=0x1234", "rcx=0x800000000000", "r11=0x10202", "eflags=0x10202",
                          "cs=0x2b", "ss=0x33"})
        rows.push_back({std::string("tamper ") + t, {tamper(t)}});
    rows.push_back(
        {"tamper rip+rcx=2^47", {tamper("rip=0x800000000000"), tamper("rcx=0x800000000000")}});
    rows.push_back(
        {"tamper rip+rcx=last page", {tamper("rip=0x7ffffffff000"), tamper("rcx=0x7ffffffff000")}});
    rows.push_back({"tamper eflags+r11=TF", {tamper("eflags=0x10302"), tamper("r11=0x10302")}});
    // SIGUSR1 sent at exit to a demo that ignores or blocks it.
    rows.push_back({"SIGPENDING@exit ignored",
                    {inject("SIGPENDING@exit"), signal_action(SignalAction::Ignore)}});
    rows.push_back({"SIGPENDING@exit blocked",
                    {inject("SIGPENDING@exit"), signal_action(SignalAction::Block)}});

    // The demo's write passes an unmapped buffer (-EFAULT); 500 is past the
    // end of the table (-ENOSYS).
    rows.push_back({"write bad pointer", {syscall(*parse_syscall("write")), bad_pointer()}});
    rows.push_back({"syscall 500", {syscall(500)}});
    return rows;
}

}  // namespace

const std::vector<TableRow>& table_rows() {
    static const std::vector<TableRow> rows = make_rows();
    return rows;
}

Scenario row_scenario(const TableRow& row, Era era) {
    Scenario s;
    s.era = era;
    for (const ScenarioChange& change : row.changes) change.apply(s);
    return s;
}

std::string TableCell::text() const {
    if (!error.empty()) return "error";
    if (exit != ExitKind::None) return std::string(exit_kind_name(exit));
    if (outcome == Outcome::Livelock) return "livelock " + livelock;
    return "none";
}

TableCell table_cell(const Session& session) {
    const Trace& t = session.trace();
    TableCell cell;
    cell.done = true;
    cell.outcome = t.outcome;
    cell.detail = t.outcome_detail;
    cell.steps = t.last_step();
    if (t.focus >= 0 && static_cast<size_t>(t.focus) < t.syscalls.size())
        cell.exit = t.syscalls[t.focus].exit;
    // The engine names the looping flags in the Livelock event it ends with.
    for (size_t i = t.events.size(); i > 0; i--)
        if (t.events[i - 1].kind == EventKind::Livelock) {
            cell.livelock = t.events[i - 1].name;
            break;
        }
    return cell;
}

TableCell run_cell(const Scenario& scenario) {
    try {
        Session session(scenario);
        return table_cell(session);
    } catch (const std::exception& e) {
        TableCell cell;
        cell.done = true;
        cell.error = e.what();
        return cell;
    }
}

ScenarioTable run_table(std::vector<TableRow> rows, std::vector<Era> eras, unsigned threads,
                        const std::function<void(size_t, const TableCell&)>& on_cell,
                        const std::atomic<bool>* stop) {
    ScenarioTable table;
    table.rows = std::move(rows);
    table.eras = std::move(eras);
    const size_t count = table.rows.size() * table.eras.size();
    table.cells.resize(count);
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(count, 1)));
    // Each session is a machine of its own; the workers share only the next index.
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < count;) {
            if (stop && stop->load()) return;
            const size_t era = i % table.eras.size();
            table.cells[i] =
                run_cell(row_scenario(table.rows[i / table.eras.size()], table.eras[era]));
            if (on_cell) on_cell(i, table.cells[i]);
        }
    };
    std::vector<std::thread> workers;
    for (unsigned k = 1; k < threads; k++) workers.emplace_back(work);
    work();
    for (std::thread& w : workers) w.join();
    return table;
}

}  // namespace slowpath
