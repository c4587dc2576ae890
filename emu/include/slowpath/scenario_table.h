// The table: one row per change to the demo's scenario (each work flag at
// entry and at exit, the pairs the lessons use, a bad pointer, a bad
// number), one column per era, and in each cell how the focus syscall left
// the kernel in a real run of that scenario: sysret, iret, a livelock (with
// the flags that loop) or none (it never returned to ring 3).
#pragma once
#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "slowpath/era.h"
#include "slowpath/session.h"
#include "slowpath/trace.h"

namespace slowpath {

// One change to the base scenario, written as `slowpath-cli run` takes it.
struct ScenarioChange {
    enum class Kind { Inject, Syscall, BadPointer, Tamper, SignalAction };
    Kind kind = Kind::Inject;
    Injection injection;                                 // Inject
    long syscall_nr = 0;                                 // Syscall
    Tamper tamper;                                       // Tamper
    SignalAction signal_action = SignalAction::Handler;  // SignalAction

    void apply(Scenario& scenario) const;
    // "--inject SIGPENDING@exit", "--syscall 500", "--bad-pointer",
    // "--tamper rcx=0x800000000000", "--signal-action block"
    std::string text() const;
};

struct TableRow {
    std::string label;  // short enough for a slide: "SIGPENDING@exit"
    std::vector<ScenarioChange> changes;
};

// The rows in lesson order: no flag, every injectable flag at entry, at
// exit, the pairs of the scenario tests, a tracer's rewrites of pt_regs,
// the signal's dispositions, then the bad pointer and number.
const std::vector<TableRow>& table_rows();
// The demo's default scenario in `era` with the row's changes made.
Scenario row_scenario(const TableRow& row, Era era);

struct TableCell {
    bool done = false;               // false: not run (yet)
    ExitKind exit = ExitKind::None;  // how the focus syscall left, as its SyscallRecord says
    Outcome outcome = Outcome::Running;
    std::string livelock;  // the flags of the Livelock event when the run ended in one
    std::string detail;    // the trace's outcome detail
    std::string error;     // the session could not start (a guest image missing...)
    uint64_t steps = 0;

    // "sysret", "iret", "livelock SYSCALL_TRACE", "none" or "error".
    std::string text() const;
};
// What a finished session's focus syscall did.
TableCell table_cell(const Session& session);
TableCell run_cell(const Scenario& scenario);  // a session of its own, then table_cell

struct ScenarioTable {
    std::vector<TableRow> rows;
    std::vector<Era> eras;
    std::vector<TableCell> cells;  // row-major: cells[row * eras.size() + era]

    const TableCell& at(size_t row, size_t era) const { return cells[row * eras.size() + era]; }
};

// Runs every cell, each in a session of its own, on `threads` threads (0: one
// per core). `on_cell(index, cell)` is called from the worker that ran it
// (index into cells); a set `stop` makes the workers give up after their
// current cell.
ScenarioTable run_table(std::vector<TableRow> rows, std::vector<Era> eras, unsigned threads = 0,
                        const std::function<void(size_t, const TableCell&)>& on_cell = {},
                        const std::atomic<bool>* stop = nullptr);

}  // namespace slowpath
