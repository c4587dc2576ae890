// Source and disassembly views shared by the kernel Code panel and the User
// panel: the current line marked, lines already run tinted, labels as links
// that run to them, smooth scrolling to keep the current line in view.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/anim.h"
#include "model/source.h"
#include "ui/panel.h"

namespace slowpath::gui {

struct SourceViewState {
    std::string shown_file;  // line-table name of the file drawn last
    int last_line = -1;
    uint64_t last_generation = UINT64_MAX;
    Tween scroll;
    bool scrolling = false;
    // Rows shown (1-based line numbers), rebuilt when the file or the
    // notes toggle changes.
    std::vector<int> rows;
    std::string rows_file;
    int rows_notes = -1;
    float widest = 0.0f;  // the longest shown line's width, set with `rows`
};

struct SourceViewArgs {
    const char* panel_id = "code";  // for pointing at labels
    const SourceFile* file = nullptr;
    int current_line = -1;          // 1-based, -1: none
    const LinesRun* run = nullptr;  // lines run so far (tinted)
    uint64_t step = 0;
    uint64_t generation = 0;
    bool clickable_labels = true;
    bool dim_current = false;  // the CPU is elsewhere; the line is where it was
    bool show_notes = false;   // show the project's own NOTE lines (marked as such)
};

void draw_source_view(UiContext& ctx, SourceViewState& state, const SourceViewArgs& args,
                      ImVec2 size);

struct DisasmViewState {
    uint64_t key_generation = UINT64_MAX;
    uint64_t key_rip = 0;
    uint64_t scrolled_for = UINT64_MAX;  // generation the view last scrolled for
    std::vector<DisasmLine> lines;
};

// Disassembly around `rip` (recomputed when the pane moves).
void draw_disasm_view(UiContext& ctx, DisasmViewState& state, const Machine& machine, uint64_t rip,
                      uint64_t generation, const LinesRun* run, uint64_t step, bool current,
                      ImVec2 size, const char* panel_id);

}  // namespace slowpath::gui
