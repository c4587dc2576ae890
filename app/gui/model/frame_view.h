// How a pt_regs slot's state is put to a student. The machine's mask says
// which slots hold this syscall's values *now*; once the exit path has
// restored registers from the frame (and on sysret released it, mask 0),
// those slots would read "not saved", which is wrong: they were saved and
// have just been loaded back. These helpers tell the two apart.
#pragma once
#include <cstdint>
#include <string>

#include "slowpath/decode.h"
#include "slowpath/trace.h"

namespace slowpath::gui {

// The slots of the shown syscall's frame that held its values earlier in
// this syscall and no longer do at `step` (RESTORE_REST, RESTORE_ARGS and
// the frame's release loaded them back into the CPU): the union of its
// FrameState masks so far, less the latest one.
uint32_t released_frame_mask(const Trace& trace, int shown_syscall, uint64_t step);

enum class ShownSlotState { Saved, NotSaved, NotFixed, Restored };

ShownSlotState shown_slot_state(SlotState state, int slot_index, uint32_t released_mask);
const char* shown_slot_state_name(
    ShownSlotState s);  // "saved", "not saved", "not fixed up", "restored"

// The registers panel's header line about the frame.
std::string frame_summary(const PtRegsView& regs, uint32_t released_mask);

}  // namespace slowpath::gui
