#include "panels/registers_panel.h"

#include <slowpath/abi.h>

#include <algorithm>

#include "model/fit.h"
#include "model/frame_view.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

// One value cell: highlighted when it changed, with the old value on hover.
void value_cell(UiContext& ctx, uint64_t value, uint64_t old, bool have_old, float flash,
                ImU32 color, int digits = 16) {
    bool changed = have_old && old != value;
    ImVec2 pos = ImGui::GetCursorScreenPos();
    if (changed) {
        ImVec2 size(ImGui::CalcTextSize("0").x * digits, ImGui::GetTextLineHeight());
        ImGui::GetWindowDrawList()->AddRectFilled(
            ImVec2(pos.x - 2, pos.y), ImVec2(pos.x + size.x + 2, pos.y + size.y),
            with_alpha(ctx.colors.changed_bg, 0.35f + 0.65f * flash), 2.0f);
    }
    ImGui::BeginGroup();
    hex_word(ctx, value, changed ? ctx.colors.changed : color, digits);
    ImGui::EndGroup();
    if (ImGui::IsItemHovered()) {
        std::string tip = hex(value) + " = " + std::to_string(value);
        if (static_cast<int64_t>(value) < 0)
            tip += " = " + std::to_string(static_cast<int64_t>(value));
        if (changed) tip += "\nwas " + hex(old) + " before the last move";
        tooltip(tip);
    }
}

// Right-click on a value: set it from here on, as a tracer or sigreturn would.
void edit_popup(UiContext& ctx, const std::string& target, uint64_t value) {
    static char buffer[32];
    std::string popup = "set##" + target;
    if (ImGui::IsItemClicked(ImGuiMouseButton_Right)) {
        std::snprintf(buffer, sizeof buffer, "%s", hex(value).c_str());
        ImGui::OpenPopup(popup.c_str());
    }
    if (ImGui::BeginPopup(popup.c_str())) {
        ImGui::Text("set %s from this step on", target.c_str());
        ImGui::TextDisabled("the run is recorded again from here");
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
        if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
        if (ImGui::InputText("##value", buffer, sizeof buffer,
                             ImGuiInputTextFlags_EnterReturnsTrue)) {
            ctx.command("edit " + target + " " + buffer);
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
}

// A note in the last column of a table: wrapped at the column's edge, so a
// narrow panel (1280 px wide, the full grid) shows all of it on two lines
// instead of cutting it off. A word wider than the column is reported.
void note_text(ImU32 color, const std::string& note, const std::string& what,
               std::vector<std::string>& cut) {
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(note.c_str(), note.c_str() + note.size());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    if (ImGui::GetItemRectMax().x > ImGui::GetWindowPos().x + ImGui::GetContentRegionMax().x + 0.5f)
        cut.push_back(what + " note");
}

// Puts the next item on this line when `width` more fits, else on the next.
void same_line_if_fits(float width) {
    float spacing = ImGui::GetFontSize() * 0.6f;
    float right = ImGui::GetItemRectMax().x + spacing + width;
    if (right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x)
        ImGui::SameLine(0, spacing);
}

std::string selector_text(uint16_t sel) {
    switch (sel) {
        case SP_KERNEL_CS:
            return "kernel code";
        case SP_KERNEL_DS:
            return "kernel data";
        case SP_USER_CS:
            return "user code (64-bit)";
        case SP_USER_DS:
            return "user data";
        case SP_USER32_CS:
            return "user code (32-bit)";
        case 0:
            return "null";
        default:
            return "selector";
    }
}

// The table's rows, top down: the GPRs, then the slots the CPU fills on
// entry; `gpr` picks the CPU's value (-2 rip, -3 rflags, -4 cs, -5 ss).
struct Row {
    const char* name;  // as people say it
    int gpr;           // -1: not a GPR
    const char* slot;  // pt_regs slot, nullptr if none
};
const Row kRows[] = {
    {"rax", RAX, "rax"},
    {"rbx", RBX, "rbx"},
    {"rcx", RCX, "rcx"},
    {"rdx", RDX, "rdx"},
    {"rsi", RSI, "rsi"},
    {"rdi", RDI, "rdi"},
    {"rbp", RBP, "rbp"},
    {"rsp", RSP, "rsp"},
    {"r8", R8, "r8"},
    {"r9", R9, "r9"},
    {"r10", R10, "r10"},
    {"r11", R11, "r11"},
    {"r12", R12, "r12"},
    {"r13", R13, "r13"},
    {"r14", R14, "r14"},
    {"r15", R15, "r15"},
    {"orig_rax", -1, "orig_rax"},
    {"rip", -2, "rip"},
    {"rflags", -3, "eflags"},
    {"cs", -4, "cs"},
    {"ss", -5, "ss"},
};
uint64_t cpu_value(const CpuState& st, int which) {
    if (which >= 0) return st.gpr[which];
    switch (which) {
        case -2:
            return st.rip;
        case -3:
            return st.rflags;
        case -4:
            return st.cs;
        case -5:
            return st.ss;
    }
    return 0;
}

}  // namespace

void RegistersPanel::draw(UiContext& ctx, Pane& pane, int pane_index) {
    PerPane& st = panes_[pane_index & 1];
    if (draw_no_machine(ctx, pane)) return;
    if (st.generation != pane.generation()) {
        st.generation = pane.generation();
        st.changed.trigger(ctx.clock, 3.0);
    }
    float flash = st.changed.strength(ctx.clock.now);
    ImGui::BeginChild("##regs", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
    cut_.clear();
    table(ctx, pane, flash);
    if (show_cpu) {
        ImGui::Spacing();
        special_registers(ctx, pane, flash);
    }
    // What the lesson needs is all in view: no note cut at the column's
    // edge, no column pushed past the panel's right side.
    FitReport report;
    report.avail_w = ImGui::GetWindowContentRegionMax().x - ImGui::GetWindowContentRegionMin().x;
    report.content_w = report.avail_w + ImGui::GetScrollMaxX();
    report.font = ImGui::GetFontSize();
    report.scrolls = ImGui::GetScrollMaxY() > 0;
    if (ImGui::GetScrollMaxX() > 0.5f) cut_.push_back("wider than the panel");
    report.clipped = cut_;
    report.fits = cut_.empty();
    report_fit(id(), report, static_cast<uint64_t>(ImGui::GetFrameCount()));
    ImGui::EndChild();
}

// The header: where the CPU is and how much of the frame exists. Returns
// the frame's released slots (restored by the exit path).
uint32_t RegistersPanel::frame_header(UiContext& ctx, Pane& pane) {
    const Palette& c = ctx.colors;
    const Snapshot& s = pane.now();
    const CpuState& cpu = s.cpu;
    if (show_cpu) {
        text(cpu.cpl == 0 ? c.ring0 : c.ring3, cpu.cpl == 0 ? "ring 0" : "ring 3");
        tooltip("CPL " + std::to_string(cpu.cpl) + ", from the CPU's hidden state; CS " +
                hex(cpu.cs) + " is " + selector_text(cpu.cs));
        ctx.outline_if_pointed(id(), "cpl", ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
        std::string flags_text =
            "rflags " +
            (rflags_names(cpu.rflags).empty() ? std::string("-") : rflags_names(cpu.rflags));
        same_line_if_fits(ImGui::CalcTextSize(flags_text.c_str()).x);
        text(c.text_dim, flags_text);
    }
    uint32_t released =
        pane.trace() ? released_frame_mask(*pane.trace(), s.shown_syscall, s.step) : 0;
    std::string summary = frame_summary(s.pt_regs, released);
    if (show_cpu) same_line_if_fits(ImGui::CalcTextSize(summary.c_str()).x);
    ImGui::PushTextWrapPos(0.0f);
    text(c.text_dim, summary);
    ImGui::PopTextWrapPos();
    if (!released) glossary_tip("pt_regs");
    if (released)
        tooltip(
            "The exit path restored the saved registers from pt_regs and moved rsp off the "
            "frame: the slots still hold what was saved, nothing reads them again.");
    return released;
}

void RegistersPanel::table(UiContext& ctx, Pane& pane, float flash) {
    const Palette& c = ctx.colors;
    const Snapshot& s = pane.now();
    const Snapshot& b = pane.before();
    const CpuState& cpu = s.cpu;
    const CpuState& old = b.cpu;
    bool have_old = b.valid;
    bool have_old_regs = b.valid && b.pt_regs.present && b.pt_regs.base == s.pt_regs.base &&
                         b.pt_regs.slots.size() == s.pt_regs.slots.size();

    uint32_t released = frame_header(ctx, pane);

    ImGui::PushFont(ctx.fonts.mono);
    ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_NoPadOuterX;
    // The notes ("not saved", "restored") get a column of their own when it
    // fits; in a narrow panel (the full grid at 1280 px) each goes under its
    // value in the pt_regs column instead of off the right edge.
    float pad = ImGui::GetStyle().CellPadding.x * 2;
    float value_w = ImGui::CalcTextSize("0000000000000000").x + pad;
    float wide_w = ImGui::CalcTextSize("orig_rax").x + pad + value_w * (show_cpu ? 2 : 1) +
                   ImGui::CalcTextSize("not fixed up").x + pad;
    bool notes_beside = wide_w <= ImGui::GetContentRegionAvail().x;
    int columns = (show_cpu ? 3 : 2) + (notes_beside ? 1 : 0);
    if (ImGui::BeginTable("##regs", columns, flags)) {
        ImGui::TableSetupColumn("");
        if (show_cpu) ImGui::TableSetupColumn("CPU");
        ImGui::TableSetupColumn("pt_regs (saved)");
        if (notes_beside) ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        for (const Row& row : kRows) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            text(c.text_dim, row.name);
            std::string extra =
                row.gpr == -2   ? ": " + pane.session()->machine().describe(cpu.rip)
                : row.gpr == -4 ? ": " + selector_text(cpu.cs) + ", CPL " + std::to_string(cpu.cpl)
                : row.gpr == -5 ? ": " + selector_text(cpu.ss)
                                : "";
            tooltip(row.gpr == -1   ? "orig_rax: the syscall number as it came in (rax is "
                                      "overwritten by the return value)"
                    : row.gpr == -3 ? std::string("rflags: ") + rflags_names(cpu.rflags)
                                    : std::string(row.name) + extra);
            ImVec2 row_min = ImGui::GetItemRectMin();
            if (show_cpu) {
                ImGui::TableNextColumn();
                if (row.gpr != -1) {
                    int digits = (row.gpr == -4 || row.gpr == -5) ? 4 : 16;
                    value_cell(ctx, cpu_value(cpu, row.gpr), cpu_value(old, row.gpr), have_old,
                               flash, row.gpr == -4 ? (cpu.cpl == 0 ? c.ring0 : c.ring3) : c.text,
                               digits);
                    if (row.gpr >= 0 || row.gpr == -2 || row.gpr == -3)
                        edit_popup(ctx, row.name, cpu_value(cpu, row.gpr));
                    ctx.outline_if_pointed(id(), row.name, ImGui::GetItemRectMin(),
                                           ImGui::GetItemRectMax());
                }
            }
            ImGui::TableNextColumn();
            int index = pt_regs_slot_index(row.slot);
            std::string note;
            if (s.pt_regs.present && index >= 0 &&
                index < static_cast<int>(s.pt_regs.slots.size())) {
                const PtRegsSlot& slot = s.pt_regs.slots[index];
                ShownSlotState shown = shown_slot_state(slot.state, index, released);
                ImU32 color = shown == ShownSlotState::Saved || shown == ShownSlotState::Restored
                                  ? c.slot_valid
                              : shown == ShownSlotState::NotFixed ? c.slot_unfixed
                                                                  : c.slot_not_saved;
                if (shown == ShownSlotState::NotSaved) {
                    ImVec2 p = ImGui::GetCursorScreenPos();
                    float w = ImGui::CalcTextSize("0").x * 16;
                    hatch(ImGui::GetWindowDrawList(), p,
                          ImVec2(p.x + w, p.y + ImGui::GetTextLineHeight()),
                          with_alpha(c.slot_not_saved, 0.35f), 6.0f * ctx.scale);
                }
                uint64_t before = have_old_regs ? b.pt_regs.slots[index].value : 0;
                value_cell(ctx, slot.value, before, have_old_regs, flash, color);
                edit_popup(ctx, "pt_regs." + std::string(slot.name), slot.value);
                ctx.outline_if_pointed(id(), "pt_regs." + std::string(slot.name),
                                       ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
                bool became_valid = have_old_regs &&
                                    b.pt_regs.slots[index].state != SlotState::Valid &&
                                    slot.state == SlotState::Valid;
                if (shown == ShownSlotState::Restored)
                    note = "restored";
                else if (shown == ShownSlotState::NotSaved)
                    note = "not saved";
                else if (shown == ShownSlotState::NotFixed)
                    note = "not fixed up";
                else if (became_valid)
                    note = "just saved";
                if (notes_beside) ImGui::TableNextColumn();
                if (notes_beside || !note.empty())
                    note_text(became_valid ? c.changed : color, note, row.name, cut_);
                if (!note.empty())
                    tooltip(
                        shown == ShownSlotState::Restored
                            ? "Saved on entry; the exit path has loaded it back into the CPU "
                              "(RESTORE_ARGS) and released the frame."
                        : slot.state == SlotState::NotSaved
                            ? "The syscall fast path has not written this slot (SAVE_ARGS saves "
                              "only part "
                              "of the frame); SAVE_REST or FIXUP_TOP_OF_STACK would."
                        : slot.state == SlotState::Unfixed
                            ? "Top of stack: FIXUP_TOP_OF_STACK has not copied this value in yet."
                            : "SAVE_REST, FIXUP_TOP_OF_STACK or the handler wrote it in the last "
                              "move.");
            } else if (notes_beside) {
                ImGui::TableNextColumn();
            }
            (void)row_min;
        }
        ImGui::EndTable();
    }
    ImGui::PopFont();
}

void RegistersPanel::special_registers(UiContext& ctx, Pane& pane, float flash) {
    const Palette& c = ctx.colors;
    const Snapshot& s = pane.now();
    const Snapshot& b = pane.before();
    const CpuState& cpu = s.cpu;
    const CpuState& old = b.cpu;
    bool have_old = b.valid;
    const Machine& machine = pane.session()->machine();

    ImGui::PushFont(ctx.fonts.mono);
    ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_NoPadOuterX;
    // Name, value and what it means on one row when a third of the row is
    // left for the meaning; else the meaning on its own line under them.
    float pad = ImGui::GetStyle().CellPadding.x * 2;
    float name_w = ImGui::CalcTextSize("kernel_gs_base").x + pad;
    float value_w = ImGui::CalcTextSize("0000000000000000").x + pad;
    bool notes_beside = (name_w + value_w) * 1.5f <= ImGui::GetContentRegionAvail().x;
    float x0 = ImGui::GetCursorPosX();
    auto row = [&](const char* name, uint64_t value, uint64_t before, const std::string& note,
                   ImU32 note_color, int digits = 16) {
        if (notes_beside) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
        }
        text(c.text_dim, name);
        ImVec2 min = ImGui::GetItemRectMin();
        if (notes_beside)
            ImGui::TableNextColumn();
        else
            ImGui::SameLine(x0 + name_w);
        value_cell(ctx, value, before, have_old, flash, c.text, digits);
        if (notes_beside) {
            ImGui::TableNextColumn();
        } else {
            ImGui::Indent(ImGui::GetFontSize());
        }
        note_text(note_color, note, name, cut_);
        if (!notes_beside) ImGui::Unindent(ImGui::GetFontSize());
        tooltip(std::string(name) + ": " + note);
        ctx.outline_if_pointed(id(), name, min, ImGui::GetItemRectMax());
    };
    if (!notes_beside || ImGui::BeginTable("##special", 3, flags)) {
        if (notes_beside) {
            ImGui::TableSetupColumn("");
            ImGui::TableSetupColumn("");
            ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch);
        }
        std::string gs =
            cpu.gs_base == 0 ? std::string("0: user value") : machine.describe(cpu.gs_base);
        row("gs_base", cpu.gs_base, old.gs_base, gs, c.text_dim);
        row("kernel_gs_base", cpu.kernel_gs_base, old.kernel_gs_base,
            "swapgs swaps it with gs_base", c.text_faint);
        uint16_t syscall_cs = static_cast<uint16_t>((cpu.star >> 32) & 0xffff);
        uint16_t sysret_base = static_cast<uint16_t>((cpu.star >> 48) & 0xffff);
        row("star", cpu.star, old.star,
            "SYSCALL CS " + hex(syscall_cs) + ", SYSRET CS " + hex(sysret_base + 16) + " SS " +
                hex(sysret_base + 8),
            c.text_dim);
        row("lstar", cpu.lstar, old.lstar, "SYSCALL enters at " + machine.describe(cpu.lstar),
            c.text_dim);
        row("fmask", cpu.fmask, old.fmask, "SYSCALL clears " + rflags_names(cpu.fmask), c.text_dim);
        if (notes_beside) ImGui::EndTable();
    }
    ImGui::PopFont();
}

}  // namespace slowpath::gui
