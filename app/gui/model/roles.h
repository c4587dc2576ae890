// Where each part of a system call (its role: entry, handler, exit work,
// decision, exit; see era_symbols.h) lies in a recorded run, and how to find
// the same part in another era's run. Compare mode moves its columns with
// this, so each column shows the same role however long its era takes.
#pragma once
#include <array>
#include <cstdint>
#include <optional>

#include "slowpath/era.h"
#include "slowpath/era_symbols.h"
#include "slowpath/trace.h"

namespace slowpath::gui {

struct RoleSpan {
    PathRole role = PathRole::Entry;
    uint64_t begin = 0, end = 0;  // steps [begin, end); empty when the era skips the role
    uint64_t size() const { return end > begin ? end - begin : 0; }
};

struct RoleSpans {
    bool present = false;  // the syscall ran
    int syscall = -1;      // its index in Trace::syscalls
    uint64_t entry_step = 0;
    uint64_t return_step = 0;         // first step back in ring 3, 0 if it never returned
    uint64_t last_step = 0;           // of the whole run
    std::array<RoleSpan, 5> spans{};  // in kPathRoles order, back to back
    const RoleSpan& of(PathRole role) const { return spans[static_cast<size_t>(role)]; }
};

// The roles of syscall `index` of a run in `era`, by default its focus.
RoleSpans role_spans(const Trace& trace, Era era, int index);
RoleSpans role_spans(const Trace& trace, Era era);

// The syscall of `other` that is `index` of `trace`: the same call of the
// same program, so the same index with the same number; else other's focus
// (runs that part ways, e.g. one era's task was killed earlier).
int same_syscall_in(const Trace& trace, int index, const Trace& other);

// Where a step is: before the focus syscall, inside one of its roles (so
// many steps into it), or after it returned.
struct RolePosition {
    enum class Where { Before, Inside, After } where = Where::Before;
    PathRole role = PathRole::Entry;
    uint64_t offset =
        0;  // Before: steps to the SYSCALL; Inside: into the role; After: since the return
};
RolePosition role_position(const RoleSpans& spans, uint64_t step);
std::optional<PathRole> role_at(const RoleSpans& spans, uint64_t step);

// The step of another run that shows the same role as `where`. `candidate`
// (that run's own move, e.g. one instruction on) is kept while it stays in
// that role; otherwise the role's step at the same offset, or its last step
// when the role is shorter there.
uint64_t align_by_role(const RolePosition& where, const RoleSpans& other,
                       std::optional<uint64_t> candidate);

}  // namespace slowpath::gui
