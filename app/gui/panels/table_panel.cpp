#include "panels/table_panel.h"

#include <algorithm>
#include <chrono>

#include "slowpath/era.h"
#include "slowpath/tif.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

bool same_injections(const Scenario& a, const Scenario& b) {
    if (a.injections.size() != b.injections.size()) return false;
    for (size_t i = 0; i < a.injections.size(); i++)
        if (a.injections[i].bit != b.injections[i].bit ||
            a.injections[i].when != b.injections[i].when)
            return false;
    return true;
}

bool same_tampers(const Scenario& a, const Scenario& b) {
    return std::equal(
        a.tampers.begin(), a.tampers.end(), b.tampers.begin(), b.tampers.end(),
        [](const Tamper& x, const Tamper& y) { return x.slot == y.slot && x.value == y.value; });
}

// The scenario a cell stands for is the one shown (so the cell is outlined).
bool shows(const Scenario& shown, const Scenario& cell) {
    return shown.era == cell.era && shown.syscall_nr == cell.syscall_nr &&
           shown.bad_pointer == cell.bad_pointer && same_injections(shown, cell) &&
           same_tampers(shown, cell) && shown.signal_action == cell.signal_action;
}

// Column widths in the mono font the cells use: the longest label, and the
// longest cell there can be ("livelock " and the longest flag name).
struct Widths {
    float label = 0, cell = 0;
};
Widths measure(const UiContext& ctx, const std::vector<TableRow>& rows) {
    Widths w;
    ImGui::PushFont(ctx.fonts.mono);
    for (const TableRow& r : rows)
        w.label = std::max(w.label, ImGui::CalcTextSize(r.label.c_str()).x);
    for (const TifFlagInfo& f : tif_flags())
        w.cell =
            std::max(w.cell, ImGui::CalcTextSize(("livelock " + std::string(f.name)).c_str()).x);
    ImGui::PopFont();
    w.cell += 2 * ImGui::GetStyle().FramePadding.x;
    return w;
}

// Rows a little taller than the text, so that all of them fit at 720 pixels.
float row_height(const UiContext& ctx) {
    return ImGui::GetTextLineHeight() + 4.0f * ctx.scale;
}
float cell_padding_y(const UiContext& ctx) {
    return 1.0f * ctx.scale;
}
// The header row and every row, with their cell padding.
float table_height(const UiContext& ctx, size_t rows) {
    float pad = 2 * cell_padding_y(ctx);
    return ImGui::GetTextLineHeight() + pad + static_cast<float>(rows) * (row_height(ctx) + pad) +
           2.0f * ctx.scale;
}

}  // namespace

std::string scenario_commands(const Scenario& from, const Scenario& to) {
    std::string out;
    if (from.era != to.era) out += "era " + std::string(era_info(to.era).name) + "; ";
    if (from.syscall_nr != to.syscall_nr) out += "syscall " + std::to_string(to.syscall_nr) + "; ";
    if (from.bad_pointer != to.bad_pointer)
        out += std::string("bad-pointer ") + (to.bad_pointer ? "on" : "off") + "; ";
    if (!same_injections(from, to)) {
        out += "clear-injections; ";
        for (const Injection& i : to.injections) out += "inject " + injection_text(i) + "; ";
    }
    if (!same_tampers(from, to)) {
        out += "clear-tampers; ";
        for (const Tamper& t : to.tampers) out += "tamper " + tamper_text(t) + "; ";
    }
    if (from.signal_action != to.signal_action)
        out += "signal-action " + std::string(signal_action_name(to.signal_action)) + "; ";
    return out + "reset";
}

TablePanel::TablePanel() : rows_(table_rows()) {
    for (const EraInfo& e : all_eras()) eras_.push_back(e.era);
}

TablePanel::~TablePanel() {
    stop_ = true;
    if (worker_.joinable()) worker_.join();
}

void TablePanel::start() {
    if (worker_.joinable()) return;
    cells_.assign(rows_.size() * eras_.size(), TableCell{});
    worker_ = std::thread([this] {
        auto began = std::chrono::steady_clock::now();
        run_table(
            rows_, eras_, 0,
            [this](size_t index, const TableCell& cell) {
                std::lock_guard<std::mutex> lock(mutex_);
                cells_[index] = cell;
            },
            &stop_);
        std::lock_guard<std::mutex> lock(mutex_);
        finished_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    });
}

size_t TablePanel::cells_done() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<size_t>(
        std::count_if(cells_.begin(), cells_.end(), [](const TableCell& c) { return c.done; }));
}

std::string TablePanel::describe() const {
    size_t done = cells_done();
    size_t all = rows_.size() * eras_.size();
    return done < all ? std::to_string(done) + "/" + std::to_string(all) + " cells"
                      : std::to_string(all) + " cells";
}

std::string TablePanel::command(const Command& command) {
    const std::string word = command.args.empty() ? "toggle" : command.args[0];
    if (word == "on")
        open_ = true;
    else if (word == "off")
        open_ = false;
    else if (word == "toggle")
        open_ = !open_;
    else
        return "table takes on, off or toggle";
    if (open_) start();
    return "";
}

void TablePanel::draw_window(UiContext& ctx) {
    if (!open_) return;
    start();
    ImGuiIO& io = ImGui::GetIO();
    const ImGuiStyle& style = ImGui::GetStyle();
    Widths w = measure(ctx, rows_);
    float table_width = w.label + static_cast<float>(eras_.size()) * w.cell +
                        static_cast<float>(eras_.size() + 1) * 2 * style.CellPadding.x;
    float width = table_width + 2 * style.WindowPadding.x + style.ScrollbarSize;
    // Tall enough for every row (title, two lines, the header, the rows, the legend).
    float line = ImGui::GetTextLineHeightWithSpacing();
    float height = 2 * style.WindowPadding.y + ImGui::GetFrameHeight() + 3 * line +
                   table_height(ctx, rows_.size()) + 2 * style.ItemSpacing.y;
    ImVec2 size(std::min(io.DisplaySize.x * 0.94f, width),
                std::min(io.DisplaySize.y * 0.94f, height));
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f),
                            ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(size, ImGuiCond_Always);
    ImGui::SetNextWindowBgAlpha(1.0f);
    bool keep = true;
    std::string title = std::string(this->title()) + "###table";
    if (ImGui::Begin(title.c_str(), &keep,
                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                         ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove))
        draw(ctx, ctx.model.primary(), 0);
    ImGui::End();
    if (!keep) open_ = false;
}

void TablePanel::draw(UiContext& ctx, Pane& /*pane*/, int /*pane_index*/) {
    const Palette& c = ctx.colors;
    std::vector<TableCell> cells;
    double finished;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        cells = cells_;
        finished = finished_;
    }
    const size_t all = rows_.size() * eras_.size();
    const size_t done = static_cast<size_t>(
        std::count_if(cells.begin(), cells.end(), [](const TableCell& t) { return t.done; }));
    if (done < all) ctx.keep_drawing(0.1);  // cells arrive from the workers

    text(c.text_dim,
         "How getpid (unless named) leaves the kernel, one real run per cell. Click a cell to "
         "load it.");
    if (done < all) {
        ImGui::ProgressBar(static_cast<float>(done) / static_cast<float>(all), ImVec2(-1, 0),
                           (std::to_string(done) + " of " + std::to_string(all) + " runs").c_str());
    } else {
        char line[96];
        std::snprintf(line, sizeof line, "%zu runs in %.1f s", all, finished);
        text(c.text_faint, line);
    }

    const Scenario& shown = ctx.model.scenario();
    ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_RowBg |
                            ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
    float legend_height = ImGui::GetTextLineHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y;
    ImVec2 outer(0, std::min(ImGui::GetContentRegionAvail().y - legend_height,
                             table_height(ctx, rows_.size())));
    ImGui::PushStyleVar(ImGuiStyleVar_CellPadding,
                        ImVec2(ImGui::GetStyle().CellPadding.x, cell_padding_y(ctx)));
    if (ImGui::BeginTable("##table", 1 + static_cast<int>(eras_.size()), flags, outer)) {
        ImGui::TableSetupScrollFreeze(1, 1);
        Widths widths = measure(ctx, rows_);
        ImGui::TableSetupColumn("scenario", ImGuiTableColumnFlags_WidthFixed, widths.label);
        for (Era era : eras_)
            ImGui::TableSetupColumn(std::string(era_info(era).name).c_str(),
                                    ImGuiTableColumnFlags_WidthStretch, widths.cell);
        ImGui::TableHeadersRow();
        const float cell_height = row_height(ctx);
        for (size_t r = 0; r < rows_.size(); r++) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::PushFont(ctx.fonts.mono);
            ImGui::SetCursorPosY(ImGui::GetCursorPosY() +
                                 (cell_height - ImGui::GetTextLineHeight()) * 0.5f);
            text(c.text, rows_[r].label);
            ImGui::PopFont();
            for (size_t e = 0; e < eras_.size(); e++) {
                ImGui::TableNextColumn();
                const TableCell& cell = cells[r * eras_.size() + e];
                std::string label = cell.done ? cell.text() : "...";
                ImU32 fg = c.text_faint, bg = 0;
                if (cell.exit == ExitKind::Sysret) {
                    fg = c.sysret;
                    bg = c.sysret_bg;
                } else if (cell.exit == ExitKind::Iret) {
                    fg = c.iret;
                    bg = c.iret_bg;
                } else if (cell.done &&
                           (cell.outcome == Outcome::Livelock || !cell.error.empty())) {
                    fg = c.error;
                    bg = c.error_bg;
                } else if (cell.done) {
                    fg = c.text_dim;
                }
                ImGui::PushID(static_cast<int>(r * eras_.size() + e));
                ImVec2 p = ImGui::GetCursorScreenPos();
                float w = std::max(1.0f, ImGui::GetContentRegionAvail().x);
                bool clicked = ImGui::InvisibleButton("##cell", ImVec2(w, cell_height));
                std::string mark =
                    "cell:" + rows_[r].label + ":" + std::string(era_info(eras_[e]).name);
                ctx.mark(mark);
                ImDrawList* draw = ImGui::GetWindowDrawList();
                ImVec2 q(p.x + w, p.y + cell_height);
                float round = 3.0f * ctx.scale;
                if (bg) draw->AddRectFilled(p, q, bg, round);
                Scenario scenario = row_scenario(rows_[r], eras_[e]);
                if (shows(shown, scenario))
                    draw->AddRect(p, q, c.text_strong, round, 0, 2.0f * ctx.scale);
                else if (ImGui::IsItemHovered())
                    draw->AddRect(p, q, with_alpha(fg, 0.8f), round, 0, 1.5f * ctx.scale);
                ImGui::PushFont(ctx.fonts.mono);
                ImVec2 ts = ImGui::CalcTextSize(label.c_str());
                draw->AddText(ImVec2(p.x + ImGui::GetStyle().FramePadding.x,
                                     p.y + (cell_height - ts.y) * 0.5f),
                              fg, label.c_str());
                ImGui::PopFont();
                if (ImGui::IsItemHovered() && cell.done) {
                    std::string tip = std::string(era_info(eras_[e]).name) + ", " + rows_[r].label;
                    tip += "\n" + std::string(outcome_name(cell.outcome)) + ", " +
                           std::to_string(cell.steps) + " instructions";
                    if (!cell.detail.empty()) tip += "\n" + cell.detail;
                    if (!cell.error.empty()) tip += "\n" + cell.error;
                    tooltip(tip);
                }
                if (clicked) {
                    ctx.command(scenario_commands(shown, scenario));
                    open_ = false;
                }
                ImGui::PopID();
            }
        }
        ImGui::EndTable();
    }
    ImGui::PopStyleVar();
    text(c.text_faint,
         "sysret / iret: the exit taken   livelock F: the exit loops on F   none: never left");
}

}  // namespace slowpath::gui
