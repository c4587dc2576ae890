// How a pt_regs slot's state is put to a student. The machine's mask says
// which slots hold this syscall's values *now*; once the sysret path has
// restored the registers and released the frame, the mask is 0 and every
// slot would read "not saved", which is wrong: the partial frame was saved
// and has just been loaded back. These helpers tell the two apart.
#pragma once
#include <cstdint>
#include <string>

#include "slowpath/decode.h"
#include "slowpath/trace.h"

namespace slowpath::gui {

// The valid-slot mask the shown syscall's frame had just before it was
// released (its last FrameState event with a non-zero mask, when the
// latest one at or before `step` has mask 0); 0 when the frame is not
// released.
uint32_t released_frame_mask(const Trace& trace, int shown_syscall, uint64_t step);

enum class ShownSlotState { Saved, NotSaved, NotFixed, Restored };

ShownSlotState shown_slot_state(SlotState state, int slot_index, uint32_t released_mask);
const char* shown_slot_state_name(
    ShownSlotState s);  // "saved", "not saved", "not fixed up", "restored"

// The registers panel's header line about the frame.
std::string frame_summary(const PtRegsView& regs, uint32_t released_mask);

}  // namespace slowpath::gui
