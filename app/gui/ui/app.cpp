#include "ui/app.h"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "model/fit.h"
#include "model/keep.h"
#include "model/state_dump.h"
#include "options.h"
#include "panels/code_panel.h"
#include "panels/compare_panel.h"
#include "panels/controls_panel.h"
#include "panels/events_panel.h"
#include "panels/help_overlay.h"
#include "panels/kernel_stack_panel.h"
#include "panels/narration_panel.h"
#include "panels/path_panel.h"
#include "panels/registers_panel.h"
#include "panels/syscalls_panel.h"
#include "panels/table_panel.h"
#include "panels/tasks_panel.h"
#include "panels/tif_panel.h"
#include "panels/user_panel.h"
#include "slowpath/era.h"
#include "slowpath/log.h"
#include "slowpath/scenario_line.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"
#include "slowpath/walkthrough.h"
#include "ui/actions.h"
#include "ui/fan_order.h"
#include "ui/opaque_fills.h"
#include "ui/rect_batches.h"
#include "ui/widgets.h"

namespace slowpath::gui {

// ---- input callbacks: any input means "draw a few frames" ----

void on_input_event(GLFWwindow* window) {
    if (auto* app = static_cast<App*>(glfwGetWindowUserPointer(window))) {
        app->frames_pending_ = std::max(app->frames_pending_, 3);
        app->last_input_ = glfwGetTime();
    }
}

// Keys are queued here and fed to ImGui's backend by App::feed_keys: the
// backend (1.86) only sets io.KeysDown, so a press and release that arrive
// before the same frame would cancel out and the tap be lost.
void on_key(GLFWwindow* window, int key, int scancode, int action, int mods) {
    auto* app = static_cast<App*>(glfwGetWindowUserPointer(window));
    if (!app) return;
    app->key_queue_.push_back({key, scancode, action, mods});
    on_input_event(window);
}

// The window system lost the window's pixels (exposed, resized): the next
// frame is presented even when it draws what the last one did.
void on_refresh(GLFWwindow* window) {
    if (auto* app = static_cast<App*>(glfwGetWindowUserPointer(window))) app->must_present_ = true;
    on_input_event(window);
}

void on_drop(GLFWwindow* window, int count, const char** paths) {
    auto* app = static_cast<App*>(glfwGetWindowUserPointer(window));
    if (!app) return;
    for (int i = 0; i < count; i++) app->dropped_.push_back(paths[i]);
    on_input_event(window);
}

namespace {

void key_cb(GLFWwindow* w, int, int, int, int) {
    on_input_event(w);
}
void char_cb(GLFWwindow* w, unsigned int) {
    on_input_event(w);
}
void mouse_cb(GLFWwindow* w, int, int, int) {
    on_input_event(w);
}
void scroll_cb(GLFWwindow* w, double, double) {
    on_input_event(w);
}
void focus_cb(GLFWwindow* w, int) {
    on_input_event(w);
}
void enter_cb(GLFWwindow* w, int) {
    on_input_event(w);
}
void cursor_cb(GLFWwindow* w, double, double) {
    on_input_event(w);
}
void size_cb(GLFWwindow* w, int, int) {
    on_refresh(w);
}
void scale_cb(GLFWwindow* w, float, float) {
    on_input_event(w);
}

void glfw_error(int code, const char* text) {
    host::error("GLFW " + std::to_string(code) + ": " + text);
}

}  // namespace

App::App(Options options, std::chrono::steady_clock::time_point main_started)
    : options_(std::move(options)), main_started_(main_started) {
    load_settings_and_options();
    auto controls = std::make_unique<ControlsPanel>();
    controls_ = controls.get();
    panels_.add(std::move(controls));
    panels_.add(std::make_unique<PathPanel>());
    panels_.add(std::make_unique<TifPanel>());
    panels_.add(std::make_unique<CodePanel>());
    panels_.add(std::make_unique<KernelStackPanel>());
    panels_.add(std::make_unique<RegistersPanel>());
    panels_.add(std::make_unique<EventsPanel>());
    panels_.add(std::make_unique<SyscallsPanel>());
    panels_.add(std::make_unique<TasksPanel>());
    panels_.add(std::make_unique<UserPanel>());
    panels_.add(std::make_unique<ComparePanel>());
    panels_.add(std::make_unique<TablePanel>());  // a window of its own (X), see draw_panels
    auto narration = std::make_unique<NarrationPanel>(*this);
    narration_ = narration.get();
    panels_.add(std::move(narration));
    set_aside_panel("narration", [this] { return narration_->active(); });
    add_frame_hook([this](App& app) { narration_->frame(app); });
    narration_->set_screenshot_dir(options_.screenshot_dir);
    narration_->set_handout_dir(options_.handout_dir);
}

App::~App() {
    shutdown_window();
}

void App::load_settings_and_options() {
    if (options_.use_settings) {
        settings_path_ = settings_path();
        std::string error;
        std::vector<std::string> dropped;
        settings_ = load_settings(settings_path_, &error, &dropped);
        if (!error.empty()) host::warn("ignoring settings: " + error);
        if (!dropped.empty()) {
            std::string keys;
            for (const std::string& key : dropped) keys += (keys.empty() ? "" : ", ") + key;
            host::warn(settings_path_ + ": kept the defaults for " + keys +
                       " (wrong type or out of range)");
        }
    }
    // Unattended runs (tests, figures) look the same wherever they run:
    // defaults plus what the command line asks, never the user's settings.
    if (options_.unattended()) settings_ = Settings{};
    if (options_.dark) settings_.dark = *options_.dark;
    if (options_.presenter) settings_.presenter = *options_.presenter;
    // An unattended tour waits for each animation before its shots: skip them.
    if (options_.exit_at_end) settings_.animate = false;
    if (options_.animate) settings_.animate = *options_.animate;
    if (options_.zoom) settings_.zoom = *options_.zoom;
    if (options_.width > 0) {
        settings_.window_width = options_.width;
        settings_.window_height = options_.height;
    }
    clock_.enabled = settings_.animate;
    clock_.duration = settings_.anim_seconds;
}

bool App::init_window() {
    glfwSetErrorCallback(glfw_error);
    if (!glfwInit()) {
        host::error("cannot open a window (is there a display? try xvfb-run)");
        return false;
    }
    const char* glsl = glsl_;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    // ImGui draws no depth, stencil or multisampled pixels: a software
    // renderer need not keep (or clear) buffers for them.
    glfwWindowHint(GLFW_DEPTH_BITS, 0);
    glfwWindowHint(GLFW_STENCIL_BITS, 0);
    glfwWindowHint(GLFW_SAMPLES, 0);
    bool interactive = !options_.unattended();
    if (interactive && settings_.window_maximized) glfwWindowHint(GLFW_MAXIMIZED, GLFW_TRUE);
    window_ = glfwCreateWindow(settings_.window_width, settings_.window_height, "slowpath", nullptr,
                               nullptr);
    if (!window_) {
        // An older driver: a 3.0 context with GLSL 1.30.
        glfwDefaultWindowHints();
        glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
        glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
        glsl = glsl_ = "#version 130";
        window_ = glfwCreateWindow(settings_.window_width, settings_.window_height, "slowpath",
                                   nullptr, nullptr);
    }
    if (!window_) {
        host::error("cannot create an OpenGL 3 window");
        glfwTerminate();
        return false;
    }
    if (interactive && settings_.window_x >= 0 && settings_.window_y >= 0 &&
        !settings_.window_maximized)
        glfwSetWindowPos(window_, settings_.window_x, settings_.window_y);
    glfwMakeContextCurrent(window_);
    glfwSwapInterval(interactive ? 1 : 0);
    glfwSetWindowUserPointer(window_, this);
    // Installed before ImGui's backend, which chains to them.
    glfwSetKeyCallback(window_, key_cb);
    glfwSetCharCallback(window_, char_cb);
    glfwSetMouseButtonCallback(window_, mouse_cb);
    glfwSetScrollCallback(window_, scroll_cb);
    glfwSetWindowFocusCallback(window_, focus_cb);
    glfwSetDropCallback(window_, on_drop);
    glfwSetCursorEnterCallback(window_, enter_cb);

    IMGUI_CHECKVERSION();
    if (!atlas_) atlas_ = std::make_unique<ImFontAtlas>();
    if (fonts_building_.valid()) fonts_building_.wait();  // the context may read the atlas
    ImGui::CreateContext(atlas_.get());
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;               // the layout is ours; settings.json keeps it
    io.ConfigInputTextCursorBlink = false;  // a blinking cursor would keep redrawing
    ImGui_ImplGlfw_InitForOpenGL(window_, true);
    ImGui_ImplOpenGL3_Init(glsl);
    // Keys go through our queue first (see on_key); the backend still gets
    // every event, from feed_keys, and chains to key_cb.
    glfwSetKeyCallback(window_, on_key);
    // Not chained by the backend: ours alone.
    glfwSetCursorPosCallback(window_, cursor_cb);
    glfwSetWindowSizeCallback(window_, size_cb);
    glfwSetWindowRefreshCallback(window_, on_refresh);
    glfwSetWindowContentScaleCallback(window_, scale_cb);
    float xs = 1.0f, ys = 1.0f;
    glfwGetWindowContentScale(window_, &xs, &ys);
    dpi_scale_ = std::clamp(xs, 0.5f, 4.0f);
    return true;
}

void App::shutdown_window() {
    if (!window_) return;
    renderer_.reset();
    solid_.reset();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    atlas_.reset();
    glfwDestroyWindow(window_);
    glfwTerminate();
    window_ = nullptr;
}

float App::ui_scale() const {
    // DPI x zoom x a factor of the window size (larger again in presenter
    // mode), held under what the window can show without cutting the
    // lesson: see model/fit.h.
    int w = 0, h = 0;
    if (window_) glfwGetWindowSize(window_, &w, &h);
    return ui_scale_for(dpi_scale_, settings_.zoom, static_cast<float>(w), static_cast<float>(h),
                        settings_.presenter);
}

void App::apply_view_changes() {
    float xs = 1.0f, ys = 1.0f;
    glfwGetWindowContentScale(window_, &xs, &ys);
    dpi_scale_ = std::clamp(xs, 0.5f, 4.0f);
    // Playing fast, the easing of one move would fill the time to the next:
    // moves snap, and frames are drawn only when a move is due.
    clock_.enabled = settings_.animate && !fast_play();
    clock_.duration = settings_.anim_seconds;
    float scale = ui_scale();
    if (fonts_building_.valid()) {
        fonts_ = fonts_building_.get();
        fonts_scale_ = fonts_building_scale_;
    }
    if (std::fabs(scale - fonts_scale_) > 1e-3f) {
        fonts_ = load_fonts(ImGui::GetIO().Fonts, scale);
        // The first frame's NewFrame builds the texture; later rebuilds upload it here.
        if (frame_count_ > 0) {
            ImGui_ImplOpenGL3_DestroyFontsTexture();
            ImGui_ImplOpenGL3_CreateFontsTexture();
            // The new texture may reuse the old one's name: tiles hashed
            // with it would look unchanged.
            if (renderer_) renderer_->invalidate();
        }
        fonts_scale_ = scale;
        style_dirty_ = true;
    }
    ImGui::GetIO().FontDefault = fonts_.sans;
    if (style_dirty_ || style_dark_ != settings_.dark) {
        apply_style(settings_.dark, scale);
        style_dark_ = settings_.dark;
        style_dirty_ = false;
    }
}

void App::apply_lesson_view(const ViewSettings& view) {
    if (view.width > 0 && options_.width <= 0) {
        settings_.window_width = view.width;
        settings_.window_height = view.height;
        if (window_) glfwSetWindowSize(window_, view.width, view.height);
    }
    if (view.presenter && !options_.presenter) settings_.presenter = *view.presenter;
    lesson_panels_ = view.panels;
}

void App::apply_page_view(const ViewSettings& view) {
    if (view.presenter && !options_.presenter) settings_.presenter = *view.presenter;
    lesson_panels_ = view.panels;
}

void App::start_preparing() {
    // The scale the window will most likely want: its requested size at the
    // usual DPI. apply_view_changes() builds the atlas again if it differs.
    fonts_building_scale_ =
        ui_scale_for(1.0f, settings_.zoom, static_cast<float>(settings_.window_width),
                     static_cast<float>(settings_.window_height), settings_.presenter);
    atlas_ = std::make_unique<ImFontAtlas>();
    fonts_building_ =
        std::async(std::launch::async, load_fonts, atlas_.get(), fonts_building_scale_);
    // A long run shows its first slice at once and records on between frames.
    Pane::set_record_in_slices(RecordInSlices{kGuiFirstSlice, 2.0});
    // The Model is plain data and the emulator: nothing here needs the window.
    model_building_ = std::async(std::launch::async, [scenario = options_.scenario] {
        return std::make_unique<Model>(scenario);
    });
}

void App::take_prepared_model() {
    if (model_building_.valid()) model_ = model_building_.get();
}

int App::run() {
    if (!options_.walkthrough.empty()) {
        // A broken file is reported like slowpath-cli walk does, before any window.
        try {
            apply_lesson_view(load_walkthrough(options_.walkthrough).view);
        } catch (const WalkthroughError& e) {
            for (const Diagnostic& d : e.diagnostics())
                std::fprintf(stderr, "%s\n", d.text().c_str());
            return 2;
        }
    }
    start_preparing();
    if (!init_window()) return 1;
    take_prepared_model();
    if (options_.bench) return run_bench();

    if (!options_.compare_eras.empty())
        model_->set_compare_eras(options_.compare_eras);
    else if (options_.compare)
        model_->set_compare(true);
    if (!model_->primary().ok()) host::error(model_->primary().error());
    if (!options_.walkthrough.empty()) {
        if (options_.exit_at_end) narration_->start_autoplay();
        narration_->open(options_.walkthrough);
    }

    last_frame_time_ = glfwGetTime();
    while (!quit_ && !glfwWindowShouldClose(window_)) {
        wait_for_input();
        if (!options_.unattended() && !needs_frame()) continue;
        frame();
        if (frame_count_ == 1) {
            bench_first_frame_ms_ = std::chrono::duration<double, std::milli>(
                                        std::chrono::steady_clock::now() - main_started_)
                                        .count();
        }
        if (!options_.unattended() || !script_finished()) continue;
        if (options_.exit_at_end && !narration_->autoplay_finished()) continue;
        settle_frames_++;
        bool done;
        if (options_.frames >= 0)
            done = frame_count_ >= static_cast<uint64_t>(options_.frames) && settle_frames_ >= 1;
        else  // a long run recording still: its end is what a script waits for
            done = (!clock_.busy() && !recording_on() && settle_frames_ >= 3) ||
                   (!recording_on() && settle_frames_ > 600);
        if (done) {
            // One last frame that saves what was asked for.
            pending_screenshot_ = options_.screenshot;
            pending_dump_ = options_.dump_state;
            frame();
            quit_ = true;
        }
    }
    finish_recording();  // a recording still open is saved, not lost
    if (!options_.handout_dir.empty()) {
        std::string error = narration_->write_handout();
        if (!error.empty()) {
            host::error(error);
            exit_code_ = 1;
        }
    }
    if (!options_.unattended()) save_settings_now();
    if (!options_.state_on_quit.empty()) write_state(options_.state_on_quit, true);
    if (script_failed_ && exit_code_ == 0) exit_code_ = 1;
    if (options_.exit_at_end && narration_->failed_checks() > 0) {
        host::error(std::to_string(narration_->failed_checks()) +
                    " expectation(s) of the walkthrough failed");
        if (exit_code_ == 0) exit_code_ = 1;
    }
    return exit_code_;
}

bool App::fast_play() const {
    return playing_ && settings_.play_rate * settings_.anim_seconds >= 0.5f;
}

double App::next_play_move() const {
    if (!playing_ || settings_.play_rate <= 0.0f) return HUGE_VAL;
    return play_last_tick_ + (1.0 - play_accumulator_) / settings_.play_rate;
}

// A long run records between frames on the GUI thread (the trace is read by
// the panels while it grows, and its structures are not made for two
// threads): about 12 ms a frame, shared by the panes still recording, so
// the window keeps moving at some 40 frames a second meanwhile; 40 ms a
// frame when nobody has touched the window for a second (the bar and the
// timeline still move, and the run is recorded sooner).
constexpr double kRecordSliceSeconds = 0.012, kRecordSliceUnwatched = 0.040;
// How often the panels take in the syscall records rebuilt meanwhile (their
// caches rebuild then), and how often the recording's size is looked at.
constexpr double kRecordsEvery = 0.5, kBytesEvery = 0.25;

bool App::recording_on() const {
    if (!model_) return false;
    if (model_->primary().recording()) return true;
    for (const Pane* p : model_->partners())
        if (p->recording()) return true;
    return false;
}

void App::record_on() {
    if (!recording_on()) return;
    std::vector<Pane*> panes = model_->panes_by_era();
    size_t n = 0;
    for (Pane* p : panes) n += p->recording() ? 1 : 0;
    double now = glfwGetTime();
    // The panels' caches rebuild over the whole trace when they take in new
    // records: the frame that did it last says what that costs, and the
    // next one waits for eight times as long, so a long trace is not
    // rebuilt frame after frame.
    bool records =
        now - long_run_.records_at >= std::max(kRecordsEvery, 8 * long_run_.records_cost);
    bool bytes = now - long_run_.bytes_at >= kBytesEvery;
    if (records) {
        long_run_.records_at = now;
        long_run_.records_frame = true;
    }
    if (bytes) long_run_.bytes_at = now;
    for (Pane* p : panes) {
        if (!p->recording()) continue;
        Session& s = *p->session();
        uint64_t before = s.recorded_steps();
        auto t0 = std::chrono::steady_clock::now();
        double slice =
            now - last_input_ < 1.0 || clock_.busy() ? kRecordSliceSeconds : kRecordSliceUnwatched;
        s.record_more(UINT64_MAX, slice / static_cast<double>(n));
        long_run_.seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        long_run_.steps += s.recorded_steps() - before;
        if (bytes && !s.recording_finished()) p->set_recording_bytes_seen(s.budget_bytes());
        p->grew(records);
    }
}

void App::stop_recording(const std::string& why) {
    if (!model_) return;
    for (Pane* p : model_->panes_by_era())
        if (p->recording()) {
            p->session()->stop_recording(why + " at " +
                                         std::to_string(p->session()->recorded_steps()) + " steps");
            p->grew(true);
        }
}

bool App::needs_frame() const {
    if (recording_on()) return true;
    if (frames_pending_ > 0 || clock_.busy() || !queued_.empty()) return true;
    if (recording_ && recording_->stepping) return true;
    // Playing draws when the next move is due, not every frame in between.
    if (playing_ && glfwGetTime() >= next_play_move() - 0.001) return true;
    if (!key_queue_.empty()) return true;  // one key event per frame, see feed_keys
    // A script (--commands) still running: `wait N` counts frames, so draw them.
    if (script_index_ < options_.commands.size() || wait_frames_ != 0) return true;
    if (pointer_.active() && clock_.now - pointer_.since < 3.0) return true;  // the pulse
    return false;
}

void App::wait_for_input() {
    if (options_.unattended()) {
        glfwPollEvents();
        return;
    }
    wait_until(HUGE_VAL);
}

void App::wait_until(double limit) {
    double now = glfwGetTime();
    if (needs_frame()) {
        double wait = std::min(1.0 / 60.0 - (now - last_frame_time_), limit - now);
        if (wait > 0.0005)
            glfwWaitEventsTimeout(wait);
        else
            glfwPollEvents();
        return;
    }
    double until = std::min(limit, next_play_move());
    if (until == HUGE_VAL)
        glfwWaitEvents();
    else if (until - now > 0.0005)
        glfwWaitEventsTimeout(until - now);
    else
        glfwPollEvents();
}

namespace {
// The callbacks' data is the solid program, or null for ImGui's own.
void gl_blend_off(const ImDrawList*, const ImDrawCmd* cmd) {
    glDisable(GL_BLEND);
    if (auto* solid = static_cast<SolidProgram*>(cmd->UserCallbackData)) solid->use();
}
void gl_blend_on(const ImDrawList*, const ImDrawCmd* cmd) {
    glEnable(GL_BLEND);
    if (auto* solid = static_cast<SolidProgram*>(cmd->UserCallbackData)) solid->give_back();
}
}  // namespace

void App::frame() {
    double now = glfwGetTime();
    last_frame_time_ = now;
    clock_.now = now;
    apply_view_changes();
    feed_keys();

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // Nobody holds the mouse of an unattended run: X's pointer (in the middle
    // of the screen) would hover something and put a tooltip in the shots.
    if (options_.unattended()) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    ImGui::NewFrame();
    ImGui::PushFont(fonts_.sans);

    record_on();
    run_queued_commands();
    step_script();
    handle_keys();
    tick_play(now);
    for (auto& hook : frame_hooks_) hook(*this);

    drawn_panels_.clear();
    drawn_rects_.clear();
    marks_.clear();
    draw_panels();
    update_title();

    ImGui::PopFont();
    ImGui::Render();
    last_fans_ = zigzag_ ? zigzag_fans(ImGui::GetDrawData()) : 0;
    double t_built = glfwGetTime();
    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(window_, &fb_w, &fb_h);
    ImU32 bg_color = palette(settings_.dark).panel_bg;
    // A frame that draws exactly what is on the screen (a mouse move over
    // nothing, the frames after an input) is not drawn again, and one that
    // changes a few panels redraws only their rectangles: the software
    // renderer's cost is all in drawing. A screenshot reads what is drawn.
    if (!renderer_) {
        renderer_ = std::make_unique<DamageRenderer>();
        solid_ = std::make_unique<SolidProgram>(glsl_);
        // A run of opaque fills under 1024 px is not worth its draw call
        // (measured); the batches go last, over the commands as cut.
        renderer_->set_whole_frame_pass([this](ImDrawData* data) {
            const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
            last_unblended_ =
                unblend_ ? unblend_opaque_fills(data, white, 1024.0f, gl_blend_off, gl_blend_on,
                                                solid_fills_ ? solid_.get() : nullptr)
                         : 0;
            last_batches_ = batch_rects_ ? batch_rects(data) : 0;
        });
    }
    timespec scan0{}, scan1{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &scan0);
    bool differs = renderer_->prepare(ImGui::GetDrawData(), fb_w, fb_h, bg_color);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &scan1);
    bool present =
        differs || must_present_ || measure_frames_ || !pending_screenshot_.empty() || recording_;
    if (present) last_render_ = renderer_->render(ImGui::GetDrawData(), bench_full_redraw_);
    if (measure_frames_) glFinish();
    double t_drawn = glfwGetTime();
    capture_if_requested();
    record_frame();
    if (!options_.state_live.empty()) write_state(options_.state_live, true);
    if (present) {
        glfwSwapBuffers(window_);
        must_present_ = false;
        presented_count_++;
    }
    if (measure_frames_) {
        glFinish();
        double t_swapped = glfwGetTime();
        last_timing_ = {
            (t_built - now) * 1e3, (t_drawn - t_built) * 1e3, (t_swapped - t_drawn) * 1e3,
            (scan1.tv_sec - scan0.tv_sec) * 1e3 + (scan1.tv_nsec - scan0.tv_nsec) / 1e6};
    }
    frame_count_++;
    if (frames_pending_ > 0) frames_pending_--;
    if (long_run_.records_frame) {
        long_run_.records_frame = false;
        long_run_.records_cost = glfwGetTime() - now;
    }
}

}  // namespace slowpath::gui
