// The desktop app: a GLFW window with an OpenGL 3 context, Dear ImGui, the
// panels in a fixed grid, keyboard shortcuts, play, screenshots, the test
// hooks (--commands, --dump-state) and the benchmarks.
//
// The app redraws only when something needs it: input, an animation, play,
// or a queued command. An idle window waits in glfwWaitEvents.
#pragma once
#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/anim.h"
#include "model/commands.h"
#include "model/gif.h"
#include "model/model.h"
#include "model/settings.h"
#include "model/source.h"
#include "options.h"
#include "panels/program_browser.h"
#include "slowpath/scenario_line.h"
#include "slowpath/walkthrough.h"
#include "ui/actions.h"
#include "ui/damage_renderer.h"
#include "ui/layout.h"
#include "ui/panel.h"
#include "ui/solid_program.h"
#include "ui/theme.h"

struct GLFWwindow;
struct ImFontAtlas;

namespace slowpath::gui {

class ControlsPanel;
class NarrationPanel;

class App {
 public:
    App(Options options, std::chrono::steady_clock::time_point main_started);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Runs until the window closes (or the unattended script ends). Returns
    // the process exit status.
    int run();

    // ---- for panels and for features built on the app (walkthroughs) ----
    Model& model() { return *model_; }
    PanelRegistry& panels() { return panels_; }
    Settings& settings() { return settings_; }
    // Queues a command line (in the --commands language) for the next frame.
    void queue_command(const std::string& text);
    // Runs one command now. Returns "" or a one-line reason it failed.
    std::string run_command(const Command& command);
    // Parses and runs `text`; errors go to the status bar.
    void run_command_text(const std::string& text);
    // A scenario line or `slowpath ...` command line (pasted, dropped):
    // queues it and returns "", or says what is wrong with it.
    std::string load_scenario_text(const std::string& text, const std::string& from);
    // `open FILE`, a dropped file: a scenario file, a walkthrough or a file
    // holding a scenario line. "" or what is wrong.
    std::string open_file(const std::string& path);
    // Highlights a panel (item "") or something in it until unpoint;
    // point_at_targets for several at once (see point_targets()).
    void point_at(const std::string& panel, const std::string& item);
    // `pulse` false: the outline is drawn solid at once (for unattended shots).
    void point_at_targets(std::vector<Pointer::Target> targets, bool pulse = true);
    // A walkthrough's `view:` (window size, presenter mode); --size and
    // --presenter on the command line win.
    void apply_lesson_view(const ViewSettings& view);
    // A tour page's view: presenter mode and the panels shown (not the size).
    void apply_page_view(const ViewSettings& view);
    // An animation is still running (a screenshot now would catch it midway).
    bool animating() const { return clock_.busy(); }
    // Called once per frame before the panels draw (a tour player steps here).
    void add_frame_hook(std::function<void(App&)> hook) { frame_hooks_.push_back(std::move(hook)); }
    // Registers a panel for the aside column (shown while `visible` says so).
    void set_aside_panel(const std::string& id, std::function<bool()> visible) {
        aside_id_ = id;
        aside_visible_ = std::move(visible);
    }
    // What the panels show, as written by --dump-state.
    nlohmann::json dump_state() const;
    nlohmann::json pointer_json() const;
    bool save_screenshot_next_frame(const std::string& path);

 private:
    bool init_window();
    void shutdown_window();
    void load_settings_and_options();
    void frame();
    void draw_panels();
    void draw_status_bar(UiContext& ctx, const Rect& r);
    void update_title();
    void draw_group(UiContext& ctx, const std::string& slot, const std::vector<std::string>& ids,
                    const Rect& rect);
    void draw_error_body(const Rect& r);
    void handle_splitters(const Layout& layout);
    void handle_keys();
    void tick_play(double now);
    void start_play(bool on);
    // Playing so fast that moves snap instead of easing.
    bool fast_play() const;
    // When the next play move is due (HUGE_VAL when not playing).
    double next_play_move() const;
    void feed_keys();
    void run_queued_commands();
    void step_script();
    bool script_finished() const;
    void apply_view_changes();
    float ui_scale() const;
    void capture_if_requested();
    bool write_png(const std::string& path, std::string* error);
    // The back buffer just rendered, as RGB rows top-down.
    bool read_pixels(std::vector<unsigned char>& pixels, int& w, int& h);
    // A GIF being recorded (record-gif, Shift+F12): a frame each time the
    // step changes and the animations are done.
    struct Recording {
        GifRecorder gif;
        std::string path;
        uint64_t steps_left = 0;  // record-gif FILE N: steps still to take
        bool stepping = false;    // the recorder takes the steps itself
        bool captured = false;
        uint64_t last_step = 0;
    };
    std::unique_ptr<Recording> recording_;
    std::string start_recording(const std::string& path, bool stepping, uint64_t steps);
    // Where the primary pane is, as a scenario line names it.
    ScenarioPoint shown_point() const;
    // A new file in the pictures folder named after the scenario on screen
    // (F12's PNGs, Shift+F12's GIFs); "" with *error when the folder cannot be made.
    std::string picture_path(const std::string& extension, std::string* error) const;
    void finish_recording();
    void record_frame();
    void save_settings_now();
    void wait_for_input();
    // Waits for input, the next frame's time or the next play move, at most until `limit`.
    void wait_until(double limit);
    bool needs_frame() const;
    // Long runs record between frames: a slice of each pane still recording.
    void record_on();
    bool recording_on() const;  // a pane is still recording
    void stop_recording(const std::string& why);
    struct LongRun {
        double seconds = 0;        // spent recording between frames
        uint64_t steps = 0;        // recorded in that time
        double records_at = -1e9;  // when the panels last took in new syscall records
        double records_cost = 0;   // what the frame that did it took, in seconds
        bool records_frame = false;
        double bytes_at = -1e9;  // when the recording's size was last looked at
    } long_run_;
    void write_state(const std::string& path, bool atomically);
    nlohmann::json windows_json() const;
    std::string window_command(const Command& command);

    // Benchmarks (--bench), in bench.cpp.
    int run_bench();
    double bench_first_frame_ms_ = -1;
    struct FrameTiming {
        double build_ms = 0, draw_ms = 0, present_ms = 0;  // ImGui, GL drawing, swap
        double scan_cpu_ms = 0;  // main-thread CPU of the damage scan (part of draw_ms)
    };
    bool measure_frames_ = false;
    bool bench_full_redraw_ = false;  // draw every frame whole (the worst case)
    bool zigzag_ = true;              // zigzag_fans() on each frame (the bench turns it off)
    int last_fans_ = 0;               // fans it turned in the last frame
    bool unblend_ = true;      // unblend_opaque_fills() on each frame (the bench turns it off)
    int last_unblended_ = 0;   // runs it drew without blending in the last frame
    bool solid_fills_ = true;  // those runs drawn by solid_ (the bench turns it off)
    bool batch_rects_ = true;  // batch_rects() on frames drawn whole (likewise)
    int last_batches_ = 0;     // the commands it made in the last frame
    FrameTiming last_timing_;
    DamageRenderer::Report last_render_;
    double bench_first_frame_from_exec_ms_ = -1;

    Options options_;
    std::chrono::steady_clock::time_point main_started_;
    Settings settings_;
    std::string settings_path_;
    std::unique_ptr<Model> model_;
    PanelRegistry panels_;
    ControlsPanel* controls_ = nullptr;
    NarrationPanel* narration_ = nullptr;
    ProgramBrowser program_browser_;    // "Open program" (program-browse)
    std::vector<std::string> dropped_;  // files dropped onto the window, opened next frame
    SourceCache sources_;
    Disassembler disassembler_;
    AnimClock clock_;
    Pointer pointer_;
    double group_pointer_seen_ = -1.0;  // the pointer a tab group last followed
    Fonts fonts_;
    // The window takes a while to open (GLX, the GL driver): the fonts and
    // the first run are made meanwhile, on threads of their own, so the first
    // frame does not wait for them in turn. See start_preparing().
    std::unique_ptr<ImFontAtlas> atlas_;  // ImGui's context shares it, never owns it
    std::future<Fonts> fonts_building_;
    float fonts_building_scale_ = 0.0f;
    std::future<std::unique_ptr<Model>> model_building_;
    void start_preparing();
    void take_prepared_model();

    GLFWwindow* window_ = nullptr;
    std::string window_title_;
    float dpi_scale_ = 1.0f;
    float fonts_scale_ = 0.0f;  // scale the atlas was built for
    bool style_dark_ = true;
    bool style_dirty_ = true;

    bool playing_ = false;
    double play_accumulator_ = 0.0;
    double play_last_tick_ = 0.0;  // the time tick_play last counted from
    bool help_open_ = false;

    std::deque<std::string> queued_;
    size_t script_index_ = 0;
    int wait_frames_ = 0;
    int settle_frames_ = 0;
    bool script_failed_ = false;
    std::string pending_screenshot_;
    std::string pending_dump_;
    // Key events as GLFW delivered them (or `press` made them), fed to ImGui's
    // backend at the start of a frame: a press and its release never share a
    // frame, so a tap shorter than a frame still counts.
    struct KeyEvent {
        int key = 0, scancode = 0, action = 0, mods = 0;
    };
    std::deque<KeyEvent> key_queue_;
    std::map<std::string, ItemMark> marks_;  // named clickable items of the last frame
    bool tooltip_shown_ = false;             // a tooltip was drawn in the last frame
    std::string status_shown_;               // the status message as drawn (cut to fit)
    std::vector<std::string> drawn_panels_;
    std::map<std::string, Rect> drawn_rects_;

    uint64_t frame_count_ = 0;
    uint64_t presented_count_ = 0;  // frames drawn and swapped (the rest were unchanged)
    // Draws only the regions that changed; owns the offscreen copy (freed
    // before the GL context goes).
    std::unique_ptr<DamageRenderer> renderer_;
    // The shader without the atlas for the opaque fills (freed with the context).
    std::unique_ptr<SolidProgram> solid_;
    const char* glsl_ = "#version 330 core";
    bool must_present_ = true;  // the window lost its pixels: present the next frame
    int frames_pending_ = 3;    // frames still to draw after an input
    double last_input_ = 0.0;   // glfwGetTime() of the last input event
    double last_frame_time_ = 0.0;
    bool quit_ = false;
    int exit_code_ = 0;

    std::vector<std::function<void(App&)>> frame_hooks_;
    std::string aside_id_;
    std::optional<std::vector<std::string>> lesson_panels_;  // a tour page's `panels`
    std::function<bool()> aside_visible_;

    friend void on_input_event(GLFWwindow*);
    friend void on_key(GLFWwindow*, int, int, int, int);
    friend void on_drop(GLFWwindow*, int, const char**);
    friend void on_refresh(GLFWwindow*);
};

}  // namespace slowpath::gui
