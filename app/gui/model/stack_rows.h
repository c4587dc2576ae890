// The kernel stack panel's rows, with no ImGui in it: the words of the
// task's kernel stack top down, a header row where each frame begins (the
// pt_regs frame, the C functions' frames), each word's slot name and shown
// state ("orig_rax  (not fixed up)"), the frame base and rsp marked, what
// changed since the step before and the words the last move popped (kept at
// the bottom to fade out). The panel measures and draws these rows.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/frame_view.h"
#include "slowpath/decode.h"
#include "slowpath/trace.h"

namespace slowpath::gui {

struct Snapshot;

struct StackRow {
    bool header = false;              // a frame begins: `title` names it
    std::string title;                // header rows: "pt_regs", "do_signal", "entry code"
    int frame = -1;                   // index into KernelStackView::frames, -1 outside any
    const StackWord* word = nullptr;  // word rows (points into a snapshot's view)
    bool ghost = false;               // popped by the last move (a word of the step before)
    bool fresh = false;               // pushed by the last move (not on the stack before it)
    bool changed = false;             // its value differs from the step before
    ShownSlotState state = ShownSlotState::Saved;  // pt_regs slots; Saved for other words
    std::string meaning;  // the slot name (no "pt_regs." before it), its state, "◀ base"
};

struct StackRows {
    std::vector<StackRow> rows;
    int rsp_row = -1;         // the word rsp points at (not a ghost), -1 when off this stack
    int base_row = -1;        // the pt_regs frame base's word, -1 without a frame
    int pt_regs_header = -1;  // the pt_regs frame's header row, -1 without
};

// The rows of `now`'s kernel stack; `before` is the snapshot of the step
// before the last move (fresh, changed and ghost rows come from it).
StackRows build_stack_rows(const Trace& trace, const Snapshot& now, const Snapshot& before);

// A 64-bit value in `chars` hex digits (16 down to 6): the low digits, the
// high ones cut with "…" unless they are zeros; `lead` is how many leading
// zeros are drawn faint (the last digit is never one of them).
struct StackValueText {
    std::string text;
    size_t lead = 0;
};
StackValueText stack_value_text(uint64_t value, int chars);

}  // namespace slowpath::gui
