#include "model/stack_rows.h"

#include <cstdio>
#include <map>
#include <set>

#include "model/pane.h"

namespace slowpath::gui {

namespace {

bool is_pt_regs_slot(const StackWord& w) {
    return w.label.rfind("pt_regs.", 0) == 0;
}

ShownSlotState state_of(const StackWord& w, uint32_t released) {
    int index = is_pt_regs_slot(w) ? pt_regs_slot_index(w.label.substr(8)) : -1;
    return shown_slot_state(w.state, index, released);
}

std::string meaning_of(const StackWord& w, ShownSlotState state, uint64_t frame_base) {
    // The frame header already says pt_regs: name the slot alone.
    std::string m = is_pt_regs_slot(w) ? w.label.substr(8) : w.label;
    if (w.kind == StackWordKind::PtRegs && state != ShownSlotState::Saved)
        m += std::string("  (") + shown_slot_state_name(state) + ")";
    if (w.addr == frame_base) m += "  \xe2\x97\x80 base";
    return m;
}

}  // namespace

StackRows build_stack_rows(const Trace& trace, const Snapshot& now, const Snapshot& before) {
    StackRows out;
    const KernelStackView& ks = now.kernel_stack;
    if (!ks.present || ks.words.empty()) return out;
    std::set<uint64_t> old_addrs;
    std::map<uint64_t, uint64_t> old_values;
    if (before.valid && before.kernel_stack.present)
        for (const StackWord& w : before.kernel_stack.words) {
            old_addrs.insert(w.addr);
            old_values[w.addr] = w.value;
        }
    uint32_t released = released_frame_mask(trace, now.shown_syscall, now.step);
    auto word_row = [&](const StackWord& w, int frame, bool ghost) {
        StackRow r;
        r.word = &w;
        r.frame = frame;
        r.ghost = ghost;
        r.fresh = !ghost && !old_addrs.empty() && !old_addrs.count(w.addr);
        auto old = old_values.find(w.addr);
        r.changed = !ghost && old != old_values.end() && old->second != w.value;
        r.state = w.kind == StackWordKind::PtRegs ? state_of(w, released) : ShownSlotState::Saved;
        r.meaning = meaning_of(w, state_of(w, released), ks.frame_base);
        return r;
    };
    auto frame_of = [&](uint64_t addr) {
        for (size_t f = 0; f < ks.frames.size(); f++)
            if (addr >= ks.frames[f].low && addr < ks.frames[f].high) return static_cast<int>(f);
        return -1;
    };
    // Frame headers and words, top of stack first.
    int last_frame = -2;
    for (auto it = ks.words.rbegin(); it != ks.words.rend(); ++it) {
        int f = frame_of(it->addr);
        if (f != last_frame && f >= 0) {
            StackRow h;
            h.header = true;
            h.frame = f;
            h.title = ks.frames[f].function;
            if (h.title == "pt_regs") out.pt_regs_header = static_cast<int>(out.rows.size());
            out.rows.push_back(h);
        }
        last_frame = f;
        if (it->addr == ks.rsp) out.rsp_row = static_cast<int>(out.rows.size());
        if (it->addr == ks.frame_base) out.base_row = static_cast<int>(out.rows.size());
        out.rows.push_back(word_row(*it, f, false));
    }
    // Below them, what the last move popped off the same stack.
    uint64_t lowest = ks.words.front().addr;
    const KernelStackView& old = before.kernel_stack;
    if (old.present && old.stack_top == ks.stack_top)
        for (auto it = old.words.rbegin(); it != old.words.rend(); ++it)
            if (it->addr < lowest) out.rows.push_back(word_row(*it, -1, true));
    return out;
}

StackValueText stack_value_text(uint64_t value, int chars) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
    StackValueText v{buf, 0};
    if (chars < 16) {
        // Narrow: the low digits, the high ones cut with an ellipsis if not zeros.
        size_t cut = static_cast<size_t>(16 - chars);
        bool zeros = v.text.find_first_not_of('0') >= cut;
        v.text = zeros ? v.text.substr(cut) : "\xe2\x80\xa6" + v.text.substr(cut + 1);
    }
    while (v.lead + 1 < v.text.size() && v.text[v.lead] == '0') v.lead++;
    return v;
}

}  // namespace slowpath::gui
