// The table (X, or `table on`): every row of slowpath/scenario_table.h in
// every era, as one matrix of exits coloured like the rest of the app.
// The cells are real runs, made on worker threads the first time the view
// opens, so a frame never waits for them; a cell shows as soon as its run
// ends. Clicking a cell loads its scenario (era and changes) in the main
// view, through the same commands the controls use.
#pragma once
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "model/commands.h"
#include "slowpath/scenario_table.h"
#include "ui/panel.h"

namespace slowpath::gui {

class TablePanel : public Panel {
 public:
    TablePanel();
    ~TablePanel() override;
    const char* id() const override { return "table"; }
    const char* title() const override { return "The table: every flag in every era"; }
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;
    std::string describe() const override;  // "12/78 cells" while running, "78 cells" after

    bool open() const { return open_; }
    // Draws the view as a window over the panels while it is open.
    void draw_window(UiContext& ctx);
    // `table [on|off|toggle]`; returns "" or a one-line reason.
    std::string command(const Command& command);

 private:
    void start();
    size_t cells_done() const;

    bool open_ = false;
    std::vector<TableRow> rows_;
    std::vector<Era> eras_;
    mutable std::mutex mutex_;
    std::vector<TableCell> cells_;  // row-major, filled in by the workers under mutex_
    std::atomic<bool> stop_{false};
    std::thread worker_;
    double started_ = -1.0, finished_ = -1.0;  // clock times, for the status line
};

// The commands that turn the scenario `from` into `to` (era, syscall, bad
// pointer, injections), changing only what differs, then `reset`.
std::string scenario_commands(const Scenario& from, const Scenario& to);

}  // namespace slowpath::gui
