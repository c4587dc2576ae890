#include "panels/tif_panel.h"

#include <slowpath/abi.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "model/fit.h"
#include "model/pane.h"
#include "slowpath/era.h"
#include "slowpath/tif.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

// The register names of a check, from the note kind the event carries.
struct CheckRegs {
    const char* mask;
    const char* found;
};
CheckRegs check_regs(const Trace& trace, const TifCheckRecord& check) {
    size_t i = trace.first_event_at_or_after(check.step);
    for (; i < trace.events.size() && trace.events[i].step == check.step; i++) {
        const Event& e = trace.events[i];
        if (e.kind != EventKind::TifCheck) continue;
        switch (e.tif_test_kind()) {  // the note kind the guest wrote (abi.h)
            case SP_NOTE_TIF_BITTEST:
                return {"mask (imm)", "found (edx)"};
            case SP_NOTE_TIF_MEMTEST:
                return {"mask (imm)", "found"};
            default:
                return {"mask (edi)", "found (edx)"};
        }
    }
    return {"mask", "found"};
}

struct Cell {
    int bit;
    std::string name;
    bool set, in_mask, found, faint;
    uint64_t value;  // the bit's value in its word
    std::string tip;
};

// Where the grid's cells go and how large, shared by both words.
struct CellGrid {
    int cols = 1;
    float cell_w = 0, cell_h = 0, gap = 0, fs = 0, avail = 0, flash = 0;
    ImFont* name_font = nullptr;
};

// One word's bits as a grid of cells: set, tested by the last check, found.
void draw_cells(UiContext& ctx, const char* panel, const CellGrid& g, const std::vector<Cell>& list,
                const char* id_prefix, uint32_t flipped) {
    const Palette& c = ctx.colors;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const int cols = g.cols;
    const float cell_w = g.cell_w, cell_h = g.cell_h, gap = g.gap, fs = g.fs, avail = g.avail;
    const float flash = g.flash;
    ImFont* name_font = g.name_font;
    ImVec2 origin = ImGui::GetCursorScreenPos();
    for (size_t i = 0; i < list.size(); i++) {
        const Cell& cell = list[i];
        int col = static_cast<int>(i) % cols, row = static_cast<int>(i) / cols;
        ImVec2 a(origin.x + col * (cell_w + gap), origin.y + row * (cell_h + gap));
        ImVec2 b(a.x + cell_w, a.y + cell_h);
        float r = 4.0f * ctx.scale;
        if (cell.set) draw->AddRectFilled(a, b, c.flag_set_bg, r);
        if ((flipped >> cell.bit & 1u) && flash > 0)
            draw->AddRectFilled(a, b, with_alpha(c.flip, flash), r);
        draw->AddRect(a, b,
                      cell.found ? c.found_bit
                      : cell.set ? c.flag_set
                                 : ImGui::GetColorU32(ImGuiCol_Border),
                      r, 0, cell.found ? 2.0f * ctx.scale : 1.0f);
        if (cell.in_mask)  // the tested bits get a bar along the bottom
            draw->AddRectFilled(ImVec2(a.x + r, b.y - 3.0f * ctx.scale), ImVec2(b.x - r, b.y - 1),
                                c.mask_bit, 1.0f);
        std::string number = std::to_string(cell.bit);
        float pad = fs * 0.35f;
        draw->AddText(ctx.fonts.small, fs, ImVec2(a.x + pad, a.y + (cell_h - fs) * 0.5f),
                      c.text_faint, number.c_str());
        draw->AddText(name_font, fs, ImVec2(a.x + pad + fs * 1.25f, a.y + (cell_h - fs) * 0.5f),
                      cell.set     ? c.flag_set
                      : cell.faint ? c.text_faint
                                   : c.text_dim,
                      cell.name.c_str());
        if (cell.found)
            draw->AddText(name_font, fs, ImVec2(b.x - fs * 1.1f, a.y + (cell_h - fs) * 0.5f),
                          c.found_bit, "\xe2\x9c\x93");
        ImGui::SetCursorScreenPos(a);
        ImGui::PushID(id_prefix);
        ImGui::PushID(static_cast<int>(i));
        ImGui::InvisibleButton("##flag", ImVec2(cell_w, cell_h));
        ImGui::PopID();
        ImGui::PopID();
        tooltip(cell.tip, 34.0f);
        ctx.outline_if_pointed(panel, cell.name, a, b);
    }
    int rows = (static_cast<int>(list.size()) + cols - 1) / cols;
    ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + rows * (cell_h + gap)));
    ImGui::Dummy(ImVec2(avail, 1));
}

// The modern era's second word, syscall_work, its cells and its two tests
// (in its line's tooltip instead when `test_lines` is off).
void draw_syscall_work(UiContext& ctx, const char* panel, const Snapshot& s, const CellGrid& g,
                       const std::vector<SyscallWorkTestView>& work_tests,
                       const SyscallWorkTestView* work_test, bool work_test_lines) {
    const Palette& c = ctx.colors;
    ImGui::PushFont(ctx.fonts.mono);
    text(c.text_dim, "syscall_work");
    ImGui::SameLine();
    text(s.tif.syscall_work ? c.flag_set : c.text, hex(s.tif.syscall_work));
    ImGui::SameLine();
    text(c.text_dim, "= " + syscall_work_names(s.tif.syscall_work));
    ImGui::PopFont();
    std::string work_tip = "thread_info->syscall_work at " +
                           hex(s.tif.thread_info + SP_TI_syscall_work) +
                           ": the work only the system-call path looks at (6.12 "
                           "moved it out of the TIF "
                           "word), tested once at entry and once at exit";
    if (!work_test_lines)
        for (const SyscallWorkTestView& t : work_tests)
            work_tip +=
                "\n" + std::string(t.test->function) + ": " + std::string(t.test->mask_name) +
                " & " + hex(s.tif.syscall_work) + " -> " +
                (!t.made   ? std::string("not yet")
                 : t.found ? syscall_work_names(t.found) + ": " + std::string(t.test->runs) + "()"
                           : std::string("no work"));
    tooltip(work_tip);
    std::vector<Cell> work_cells;
    for (const auto& bit : s.tif.work_bits) {
        uint64_t m = uint64_t{1} << bit.bit;
        bool in_mask = work_test && (work_test->test->mask & m);
        Cell cell{bit.bit,
                  std::string(bit.name),
                  bit.set,
                  in_mask,
                  in_mask && work_test->made && bit.set,
                  false,
                  m,
                  {}};
        const SyscallWorkInfo* info = syscall_work_flag(bit.bit);
        cell.tip = "SYSCALL_WORK_" + cell.name + " (bit " + std::to_string(bit.bit) +
                   "): " + (bit.set ? "set" : "clear") + "\n" +
                   (info ? std::string(info->short_help) : std::string());
        if (info && info->tif_bit >= 0)
            cell.tip += "\nthe older eras: TIF_" + std::string(tif_flag(info->tif_bit)->name);
        for (const SyscallWorkTestView& t : work_tests)
            cell.tip += "\n" + std::string(t.test->mask_name) + " (" +
                        std::string(t.test->function) +
                        "): " + ((t.test->mask & m) ? "tests it" : "does not test it");
        work_cells.push_back(std::move(cell));
    }
    draw_cells(ctx, panel, g, work_cells, "work", 0);
    ImGui::PushFont(ctx.fonts.mono);
    for (const SyscallWorkTestView& t : work_tests) {
        if (!work_test_lines) break;
        bool entry = &t == &work_tests.front();
        text(t.made ? c.text : c.text_faint, entry ? "entry:" : "exit: ");
        ImGui::SameLine();
        text(t.made ? c.text : c.text_faint, std::string(t.test->function));
        ImGui::SameLine();
        text(c.mask_bit, std::string(t.test->mask_name));
        tooltip(hex(t.test->mask) + " = " + syscall_work_names(t.test->mask) + "\na hit calls " +
                    std::string(t.test->runs) + "()",
                40.0f);
        ImGui::SameLine(0, 0);
        text(c.text_dim, " & " + hex(s.tif.syscall_work) + " \xe2\x86\x92");
        ImGui::SameLine();
        if (!t.made)
            text(c.text_faint, "not yet");
        else
            text(t.found ? c.found_bit : c.ok,
                 t.found ? syscall_work_names(t.found) + ": " + std::string(t.test->runs) + "()"
                         : "no work");
    }
    ImGui::PopFont();
}

// The TIF word's cells; `moved_tif`: bits whose work is in syscall_work
// in this era (drawn faint).
std::vector<Cell> make_tif_cells(const std::vector<TifView::Bit>& tif_bits,
                                 const TifCheckRecord* last, uint32_t moved_tif) {
    std::vector<Cell> tif_cells;
    for (const auto& bit : tif_bits) {
        uint32_t m = 1u << bit.bit;
        Cell cell{bit.bit,
                  std::string(bit.name),
                  bit.set,
                  last && (last->mask & m),
                  last && (last->result & m),
                  (moved_tif & m) != 0,
                  m,
                  {}};
        if (const TifFlagInfo* info = tif_flag(bit.bit)) {
            cell.tip = "TIF_" + cell.name + " (bit " + std::to_string(bit.bit) + ", " + hex(m) +
                       "): " + (bit.set ? "set" : "clear") + "\n" + std::string(info->short_help) +
                       "\nset by: " + std::string(info->cause);
            if (cell.faint)
                cell.tip +=
                    "\nin this era the work is a syscall_work bit (below); the "
                    "system-call path does not test this TIF bit";
            if (last)
                cell.tip += std::string("\nlast check (") + last->where +
                            "): " + (cell.in_mask ? "tested" : "not tested") +
                            (cell.found ? ", found" : "");
        }
        tif_cells.push_back(std::move(cell));
    }
    return tif_cells;
}

// The flags word in hex and by name, the legend right-aligned after it.
void draw_flags_line(UiContext& ctx, const TifView& tif, const CheckRegs& regs) {
    const Palette& c = ctx.colors;
    ImGui::PushFont(ctx.fonts.mono);
    text(c.text_dim, "flags");
    glossary_tip("TIF");
    ImGui::SameLine();
    text(tif.flags ? c.flag_set : c.text, hex(tif.flags));
    ImGui::SameLine();
    text(c.text_dim, "= " + tif_names(tif.flags));
    ImGui::PopFont();
    tooltip("thread_info->flags at " + hex(tif.thread_info) + ", read from guest memory");

    // Legend, right-aligned on the flags line.
    {
        std::string legend = std::string("\xe2\x97\x8f set   \xe2\x96\xac ") + regs.mask +
                             "   \xe2\x9c\x93 " + regs.found;
        ImGui::PushFont(ctx.fonts.small);
        float w = ImGui::CalcTextSize(legend.c_str()).x;
        ImGui::SameLine();
        float x = ImGui::GetWindowContentRegionMax().x - w;
        if (x > ImGui::GetCursorPosX()) ImGui::SetCursorPosX(x);
        ImGui::AlignTextToFramePadding();
        text(c.text_dim, legend);
        ImGui::PopFont();
    }
}

// ---- the check: what was tested, what was found ----
void draw_check_line(UiContext& ctx, const char* panel, const TifCheckRecord* last,
                     bool checking_now) {
    const Palette& c = ctx.colors;
    ImGui::PushFont(ctx.fonts.mono);
    const std::string label = checking_now ? "checking now:" : "last check:";
    const std::string mask = tif_mask_name(last->mask);
    const std::string flags = " & " + hex(last->flags) + " \xe2\x86\x92";
    const std::string found = last->result ? tif_names(last->result) : "no work";
    // As many pieces on a line as fit; the rest on lines under the
    // function's name (the RFC's and modern's names are long).
    const float space = ImGui::GetStyle().ItemSpacing.x;
    const float left = ImGui::GetCursorPosX();
    const float room = ImGui::GetContentRegionAvail().x;
    const float indent = ImGui::CalcTextSize(label.c_str()).x + space;
    struct Piece {
        ImU32 color;
        std::string text;
        bool glued;  // follows the one before without a space
    };
    // A long mask ("_TIF_ALLWORK_MASK & ~_TIF_SYSCALL_TRACE") may break
    // before each "&".
    std::vector<Piece> pieces = {{checking_now ? c.found_bit : c.text_dim, label, false},
                                 {c.text, last->where, false}};
    const size_t first_mask = pieces.size();
    for (size_t from = 0; from < mask.size();) {
        size_t cut = mask.find(" & ", from + 1);
        if (cut == std::string::npos) cut = mask.size();
        pieces.push_back({c.mask_bit, mask.substr(from, cut - from), from > 0});
        from = cut;
    }
    const size_t last_mask = pieces.size() - 1;
    pieces.push_back({c.text_dim, flags, true});
    pieces.push_back({last->result ? c.found_bit : c.ok, found, false});
    float x = 0, drawn_right = 0;
    for (const Piece& p : pieces) {
        const size_t i = &p - pieces.data();
        const bool first = i == 0;
        std::string shown = p.text;
        float gap = p.glued ? 0 : space;
        float w = ImGui::CalcTextSize(shown.c_str()).x;
        if (!first && x + gap + w > room) {
            // A new line, under the name; a glued piece loses its space.
            if (p.glued && !shown.empty() && shown[0] == ' ') shown.erase(0, 1);
            w = ImGui::CalcTextSize(shown.c_str()).x;
            float at = indent + w <= room ? indent : 0.0f;  // too long to indent
            ImGui::SetCursorPosX(left + at);
            x = at + w;
        } else {
            if (!first) ImGui::SameLine(0, gap);
            x += (first ? 0 : gap) + w;
        }
        text(p.color, shown);
        drawn_right = std::max(drawn_right, ImGui::GetItemRectMax().x);
        if (i >= first_mask && i <= last_mask)
            tooltip(hex(last->mask) + " = " + tif_names(last->mask), 40.0f);
    }
    ImGui::PopFont();
    // What was drawn, measured against the panel's edge.
    const float edge = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (drawn_right > edge + 0.5f) {
        FitReport cut;
        cut.fits = false;
        cut.avail_w = room;
        cut.content_w = drawn_right - ImGui::GetWindowPos().x;
        cut.clipped.push_back("last check");
        report_fit(panel, cut, static_cast<uint64_t>(ImGui::GetFrameCount()));
    }
}

}  // namespace

void TifPanel::draw(UiContext& ctx, Pane& pane, int pane_index) {
    PerPane& st = panes_[pane_index & 1];
    // A message instead of content fits; the content's own report (same
    // frame) merges with this one.
    report_fit(id(), FitReport{}, static_cast<uint64_t>(ImGui::GetFrameCount()));
    const Palette& c = ctx.colors;
    if (draw_no_machine(ctx, pane)) return;
    const Snapshot& s = pane.now();
    const Snapshot& b = pane.before();
    if (st.generation != pane.generation()) {
        st.generation = pane.generation();
        uint32_t flipped = b.valid && b.tif.present ? (b.tif.flags ^ s.tif.flags) : 0;
        if (flipped) {
            st.flipped = flipped;
            st.flip.trigger(ctx.clock, 4.0);
        }
    }
    float flash = st.flip.strength(ctx.clock.now);
    if (flash <= 0) st.flipped = 0;

    if (!s.tif.present) {
        centered_message(ctx, "thread_info is not readable at this step", c.text_dim);
        return;
    }
    if (compact) {
        checks_list(ctx, pane);
        return;
    }
    const TifCheckRecord* last = s.checks.empty() ? nullptr : &s.checks.back();
    bool checking_now = last && last->step == s.step;
    CheckRegs regs = last ? check_regs(*pane.trace(), *last) : CheckRegs{"mask", "found"};

    draw_flags_line(ctx, s.tif, regs);

    // ---- every flag as a cell: set, tested by the last check, found ----
    // The modern era has a second word, syscall_work, drawn the same way
    // under the first, with its two tests.
    bool modern = pane.scenario().era == Era::Modern;
    std::vector<SyscallWorkTestView> work_tests;
    if (modern) work_tests = syscall_work_tests_at(s);
    // The work test shown on the cells: the latest made, else the entry test.
    const SyscallWorkTestView* work_test = nullptr;
    for (const SyscallWorkTestView& t : work_tests)
        if (t.made || !work_test) work_test = &t;
    uint32_t moved_tif = 0;  // TIF bits whose work lives in syscall_work in this era
    if (modern)
        for (const SyscallWorkInfo& f : syscall_work_flags())
            if (f.tif_bit >= 0) moved_tif |= 1u << f.tif_bit;

    ImFont* name_font = ctx.fonts.small;
    float fs0 = name_font->FontSize;
    float cell_h0 = fs0 + 6.0f * ctx.scale;
    float name_w = 0;
    for (const auto& bit : s.tif.bits)
        name_w = std::max(
            name_w, name_font->CalcTextSizeA(fs0, FLT_MAX, 0, std::string(bit.name).c_str()).x);
    if (modern)
        for (const auto& bit : s.tif.work_bits)
            name_w = std::max(
                name_w, name_font->CalcTextSizeA(fs0, FLT_MAX, 0, std::string(bit.name).c_str()).x);
    float cell_w0 = name_w + fs0 * 3.0f;
    float avail = ImGui::GetContentRegionAvail().x;
    // Room for the grid: the panel less the check line and two lines of the
    // checks list under it (model/fit.h picks columns and size); in the
    // modern era also the syscall_work line and its two tests.
    float line = ImGui::GetTextLineHeightWithSpacing();
    float below = line * (modern ? 4.3f : 2.3f);
    float grid_h = ImGui::GetContentRegionAvail().y - below;
    float gap = 4.0f;
    // 6.12 has no TIF bits for the syscall work (it moved to syscall_work):
    // those cells are left out in the modern era.
    std::vector<TifView::Bit> tif_bits;
    for (const auto& bit : s.tif.bits)
        if (!(moved_tif >> bit.bit & 1u)) tif_bits.push_back(bit);
    int cells = static_cast<int>(tif_bits.size());
    GridFit grid = fit_grid(cells, cell_w0, cell_h0, gap, avail, grid_h, 0.75f);
    // In a short panel the two syscall_work test lines go into the
    // syscall_work line's tooltip, so the flags keep a readable size.
    bool work_test_lines = modern;
    if (modern) {
        // Both grids with the same cells, fitted together (a partial last
        // row in each: room for up to three more cells).
        int both = cells + static_cast<int>(s.tif.work_bits.size()) + 2;
        grid = fit_grid(both, cell_w0, cell_h0, gap, avail, grid_h, 0.75f);
        if (!grid.fits) {
            work_test_lines = false;
            grid_h += line * 2.0f;
            grid = fit_grid(both, cell_w0, cell_h0, gap, avail, grid_h, 0.75f);
        }
    }
    int cols = grid.cols;
    float fs = fs0 * grid.factor;
    float cell_h = cell_h0 * grid.factor;
    float cell_w = std::floor((avail - (cols - 1) * gap) / cols);
    {
        FitReport report;
        report.fits = grid.fits;
        report.avail_w = avail;
        report.avail_h = grid_h;
        report.content_w = cell_w0 * grid.factor * cols;
        report.content_h = grid.rows * (cell_h + gap);
        report.font = fs;
        if (!grid.fits) report.clipped.push_back("TIF flags");
        report_fit(id(), report, static_cast<uint64_t>(ImGui::GetFrameCount()));
    }
    CellGrid g{cols, cell_w, cell_h, gap, fs, avail, flash, name_font};
    std::vector<Cell> tif_cells = make_tif_cells(tif_bits, last, moved_tif);
    draw_cells(ctx, id(), g, tif_cells, "tif", st.flipped);

    if (modern) draw_syscall_work(ctx, id(), s, g, work_tests, work_test, work_test_lines);

    if (last) draw_check_line(ctx, id(), last, checking_now);
    ImGui::BeginChild("##checks", ImVec2(0, 0));
    checks_list(ctx, pane);
    ImGui::EndChild();
}

void TifPanel::checks_list(UiContext& ctx, Pane& pane) {
    const Palette& c = ctx.colors;
    const Snapshot& s = pane.now();
    const Trace& trace = *pane.trace();
    if (s.shown_syscall < 0) {
        text(c.text_dim, "no syscall yet");
        return;
    }
    const SyscallRecord& r = trace.syscalls[s.shown_syscall];
    text(c.text_dim, "Checks in " + r.name + ": " + std::to_string(s.checks.size()) + " of " +
                         std::to_string(r.tif_checks().size()));
    ImGui::PushFont(ctx.fonts.mono);
    for (size_t i = 0; i < r.tif_checks().size(); i++) {
        const TifCheckRecord& check = r.tif_checks()[i];
        bool done = check.step <= s.step;
        bool latest = done && i + 1 == s.checks.size();
        std::string line = check.where + ": " + (check.result ? tif_names(check.result) : "none");
        ImU32 color = !done ? c.text_faint : check.result ? c.found_bit : c.ok;
        ImGui::PushID(static_cast<int>(i));
        ImVec2 pos = ImGui::GetCursorScreenPos();
        if (latest) row_background(pos, ImGui::GetTextLineHeight(), c.current_line);
        ImGui::PushStyleColor(ImGuiCol_Text, color);
        if (ImGui::Selectable(line.c_str(), false))
            ctx.command("seek " + std::to_string(check.step));
        ImGui::PopStyleColor();
        ImGui::PopID();
        tooltip("step " + std::to_string(check.step) + ": " + tif_mask_name(check.mask) + " & " +
                    hex(check.flags) + " = " + hex(check.result) + "\nclick to go there",
                40.0f);
    }
    ImGui::PopFont();
}

}  // namespace slowpath::gui
