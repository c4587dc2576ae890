// The guided tour (`slowpath --walkthrough FILE`): the narration panel in
// the aside column, the "Open walkthrough" chooser, and the player that keeps
// the window's machine on the tour's steps.
//
// The tour's WalkRunner owns the machine; the primary pane shows it (see
// Pane::show), so what the panels draw is exactly what the walkthrough's
// expectations were checked against. The viewer may still step around;
// Next and Previous put the machine back on the lesson first.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/commands.h"
#include "model/handout.h"
#include "model/tour.h"
#include "ui/panel.h"

namespace slowpath::gui {

class App;

class NarrationPanel : public Panel {
 public:
    explicit NarrationPanel(App& app);
    const char* id() const override { return "narration"; }
    const char* title() const override { return "Walkthrough"; }
    void draw(UiContext& ctx, Pane& pane, int pane_index) override;
    std::string describe() const override;

    // Opens a file; on problems keeps them to show (and returns false).
    bool open(const std::string& path);
    void close();
    bool active() const { return tour_ != nullptr || !errors_.empty(); }
    // Plays every page of every era unattended: answers right, saves the
    // shots into `screenshot_dir` ("" = none), then `finished()`.
    void start_autoplay() { autoplay_ = true; }
    bool autoplay_finished() const { return autoplay_done_; }
    size_t failed_checks() const { return failed_total_; }
    // The number of choices of a question asked and not answered yet (0: none).
    size_t awaiting_choices() const;
    void set_screenshot_dir(std::string dir) { shot_dir_ = std::move(dir); }
    // Autoplay also keeps each page (its text and a screenshot into `dir`)
    // for write_handout.
    void set_handout_dir(std::string dir) { handout_dir_ = std::move(dir); }
    // DIR/index.html from the pages kept; "" or a one-line reason.
    std::string write_handout() const;

    // tour-next, tour-prev, tour-answer N, tour-goto PAGE, tour-era E,
    // tour-open FILE, tour-close, tour-browse. "" or a one-line reason.
    std::string command(const Command& command);
    // Once per frame, before the panels draw (App::add_frame_hook).
    void frame(App& app);
    nlohmann::json dump() const;
    // The "Open walkthrough" chooser, over everything (drawn after the panels).
    void draw_browser(UiContext& ctx);

 private:
    void after_move(const std::string& error);  // show the tour's machine, point, shoot
    bool diverged();                            // the viewer moved the machine off the page
    std::string ensure_on_page();
    void take_shots();
    void draw_tour(UiContext& ctx, Pane& pane);  // the page, by section:
    void tour_header(UiContext& ctx, const Tour& t);
    void tour_verdict(UiContext& ctx, const Tour& t);
    void tour_text(UiContext& ctx, const Tour& t);
    void tour_question(UiContext& ctx, const Tour& t);
    void tour_teacher_notes(UiContext& ctx, const Tour& t);
    void tour_checks(UiContext& ctx, const Tour& t);
    void tour_shots(UiContext& ctx, const Tour& t);
    void tour_problems(UiContext& ctx, const Tour& t);
    void tour_buttons(UiContext& ctx, const Tour& t);
    void draw_errors(UiContext& ctx);
    void autoplay_tick();

    App& app_;
    std::unique_ptr<Tour> tour_;
    std::vector<std::string> errors_;  // file:line:column: reason
    std::string error_file_;
    uint64_t shown_revision_ = ~0ull;
    uint64_t shown_trace_revision_ = 0;
    uint64_t shown_step_ = 0;
    std::string status_;  // the last move's failure, shown in the panel

    bool browser_open_ = false;
    bool browser_focus_ = false;
    char path_buffer_[1024] = {};
    std::vector<std::pair<std::string, std::string>> files_;  // path, title

    std::string shot_dir_;
    std::vector<std::string> shots_saved_;  // on this page
    // The teacher's view: the page's checks (PASS/FAIL) and screenshots are
    // shown. Off for students; always on while playing unattended.
    bool show_checks_ = false;
    size_t checks_drawn_ = 0;  // check lines drawn in the last frame
    bool autoplay_ = false;
    bool autoplay_done_ = false;
    int settle_ = 0;
    size_t failed_total_ = 0;
    std::string handout_dir_;
    std::vector<HandoutPage> handout_;
    bool handout_shot_ = false;  // the current page's screenshot is taken
    bool keep_for_handout();     // true while the page still has to be kept
};

}  // namespace slowpath::gui
