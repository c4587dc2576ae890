#include "model/frame_view.h"

#include <algorithm>

namespace slowpath::gui {

uint32_t released_frame_mask(const Trace& trace, int shown_syscall, uint64_t step) {
    if (shown_syscall < 0 || shown_syscall >= static_cast<int>(trace.syscalls.size())) return 0;
    const SyscallRecord& r = trace.syscalls[shown_syscall];
    uint32_t seen = 0, latest = 0;
    size_t end = std::min(r.end_event ? r.end_event : trace.events.size(), trace.events.size());
    for (size_t i = r.first_event; i < end; i++) {
        const Event& e = trace.events[i];
        if (e.step > step) break;
        if (e.kind != EventKind::FrameState) continue;
        latest = e.frame_valid_mask();
        seen |= latest;
    }
    return seen & ~latest;
}

ShownSlotState shown_slot_state(SlotState state, int slot_index, uint32_t released_mask) {
    if (released_mask && slot_index >= 0 && slot_index < 32 && (released_mask & (1u << slot_index)))
        return ShownSlotState::Restored;
    switch (state) {
        case SlotState::Valid:
            return ShownSlotState::Saved;
        case SlotState::Unfixed:
            return ShownSlotState::NotFixed;
        default:
            return ShownSlotState::NotSaved;
    }
}

const char* shown_slot_state_name(ShownSlotState s) {
    switch (s) {
        case ShownSlotState::Saved:
            return "saved";
        case ShownSlotState::NotFixed:
            return "not fixed up";
        case ShownSlotState::Restored:
            return "restored";
        default:
            return "not saved";
    }
}

std::string frame_summary(const PtRegsView& regs, uint32_t released_mask) {
    if (!regs.present) return "no pt_regs frame now";
    size_t n = regs.slots.size();
    int restored = 0, valid = 0;
    for (size_t i = 0; i < n && i < 32; i++)
        restored += static_cast<int>((released_mask >> i) & 1u);
    for (const PtRegsSlot& slot : regs.slots) valid += slot.state == SlotState::Valid;
    if (restored && valid == 0)
        return "pt_regs: " + std::to_string(restored) + " slots restored, frame released";
    std::string out =
        "pt_regs: " + std::to_string(valid) + " of " + std::to_string(n) + " slots saved";
    if (restored) out += ", " + std::to_string(restored) + " restored";
    return out;
}

}  // namespace slowpath::gui
