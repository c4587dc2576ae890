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
#include "panels/table_panel.h"
#include "panels/tif_panel.h"
#include "panels/user_panel.h"
#include "slowpath/era.h"
#include "slowpath/scenario_line.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"
#include "slowpath/walkthrough.h"
#include "ui/actions.h"
#include "ui/widgets.h"

namespace slowpath::gui {

// ---- input callbacks: any input means "draw a few frames" ----

void on_input_event(GLFWwindow* window) {
    if (auto* app = static_cast<App*>(glfwGetWindowUserPointer(window)))
        app->frames_pending_ = std::max(app->frames_pending_, 3);
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
    std::fprintf(stderr, "slowpath: GLFW %d: %s\n", code, text);
}

std::optional<bool> switch_value(const std::string& word, bool current) {
    if (word == "on" || word == "yes" || word == "1" || word == "true" || word == "dark")
        return true;
    if (word == "off" || word == "no" || word == "0" || word == "false" || word == "light")
        return false;
    if (word == "toggle") return !current;
    return std::nullopt;
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
    panels_.add(std::make_unique<UserPanel>());
    panels_.add(std::make_unique<ComparePanel>());
    panels_.add(std::make_unique<TablePanel>());  // a window of its own (X), see draw_panels
    auto narration = std::make_unique<NarrationPanel>(*this);
    narration_ = narration.get();
    panels_.add(std::move(narration));
    set_aside_panel("narration", [this] { return narration_->active(); });
    add_frame_hook([this](App& app) { narration_->frame(app); });
    narration_->set_screenshot_dir(options_.screenshot_dir);
}

App::~App() {
    shutdown_window();
}

void App::load_settings_and_options() {
    if (options_.use_settings) {
        settings_path_ = settings_path();
        std::string error;
        settings_ = load_settings(settings_path_, &error);
        if (!error.empty())
            std::fprintf(stderr, "slowpath: ignoring settings: %s\n", error.c_str());
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
        std::fprintf(stderr, "slowpath: cannot open a window (is there a display? try xvfb-run)\n");
        return false;
    }
    const char* glsl = "#version 330 core";
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
        glsl = "#version 130";
        window_ = glfwCreateWindow(settings_.window_width, settings_.window_height, "slowpath",
                                   nullptr, nullptr);
    }
    if (!window_) {
        std::fprintf(stderr, "slowpath: cannot create an OpenGL 3 window\n");
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
    ImGui::CreateContext();
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
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
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
    if (std::fabs(scale - fonts_scale_) > 1e-3f) {
        fonts_ = load_fonts(scale);
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
    if (style_dirty_ || style_dark_ != settings_.dark) {
        apply_style(settings_.dark, scale);
        style_dark_ = settings_.dark;
        style_dirty_ = false;
    }
}

int App::run() {
    if (!options_.walkthrough.empty()) {
        // A broken file is reported like slowpath-cli walk does, before any window.
        try {
            load_walkthrough(options_.walkthrough);
        } catch (const WalkthroughError& e) {
            for (const Diagnostic& d : e.diagnostics())
                std::fprintf(stderr, "%s\n", d.text().c_str());
            return 2;
        }
    }
    if (!init_window()) return 1;
    if (options_.bench) return run_bench();

    Scenario scenario = options_.scenario;
    model_ = std::make_unique<Model>(scenario);
    if (!options_.compare_eras.empty())
        model_->set_compare_eras(options_.compare_eras);
    else if (options_.compare)
        model_->set_compare(true);
    if (!model_->primary().ok())
        std::fprintf(stderr, "slowpath: %s\n", model_->primary().error().c_str());
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
        else
            done = (!clock_.busy() && settle_frames_ >= 3) || settle_frames_ > 600;
        if (done) {
            // One last frame that saves what was asked for.
            pending_screenshot_ = options_.screenshot;
            pending_dump_ = options_.dump_state;
            frame();
            quit_ = true;
        }
    }
    if (!options_.unattended()) save_settings_now();
    if (!options_.state_on_quit.empty()) write_state(options_.state_on_quit, true);
    if (script_failed_ && exit_code_ == 0) exit_code_ = 1;
    if (options_.exit_at_end && narration_->failed_checks() > 0) {
        std::fprintf(stderr, "slowpath: %zu expectation(s) of the walkthrough failed\n",
                     narration_->failed_checks());
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

bool App::needs_frame() const {
    if (frames_pending_ > 0 || clock_.busy() || !queued_.empty()) return true;
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
    double t_built = glfwGetTime();
    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(window_, &fb_w, &fb_h);
    ImU32 bg_color = palette(settings_.dark).panel_bg;
    // A frame that draws exactly what is on the screen (a mouse move over
    // nothing, the frames after an input) is not drawn again, and one that
    // changes a few panels redraws only their rectangles: the software
    // renderer's cost is all in drawing. A screenshot reads what is drawn.
    if (!renderer_) renderer_ = std::make_unique<DamageRenderer>();
    bool differs = renderer_->prepare(ImGui::GetDrawData(), fb_w, fb_h, bg_color);
    bool present = differs || must_present_ || measure_frames_ || !pending_screenshot_.empty();
    if (present) last_render_ = renderer_->render(ImGui::GetDrawData(), bench_full_redraw_);
    if (measure_frames_) glFinish();
    double t_drawn = glfwGetTime();
    capture_if_requested();
    if (!options_.state_live.empty()) write_state(options_.state_live, true);
    if (present) {
        glfwSwapBuffers(window_);
        must_present_ = false;
        presented_count_++;
    }
    if (measure_frames_) {
        glFinish();
        double t_swapped = glfwGetTime();
        last_timing_ = {(t_built - now) * 1e3, (t_drawn - t_built) * 1e3,
                        (t_swapped - t_drawn) * 1e3};
    }
    frame_count_++;
    if (frames_pending_ > 0) frames_pending_--;
}

void App::draw_panels() {
    UiContext ctx{*model_,
                  settings_,
                  palette(settings_.dark),
                  fonts_,
                  clock_,
                  pointer_,
                  sources_,
                  disassembler_,
                  ui_scale(),
                  [this](const std::string& text) { queue_command(text); }};
    ctx.playing = playing_;
    ctx.help_open = help_open_;
    ctx.tour_open = narration_->active();
    ctx.marks = &marks_;

    ImGuiIO& io = ImGui::GetIO();
    LayoutInput in;
    in.display = io.DisplaySize;
    in.controls_height = controls_->desired_height();
    in.status_height = ImGui::GetFrameHeight() + 2.0f;
    in.gap = std::round(4.0f * ctx.scale);
    in.comparing = model_->comparing();
    in.machine_ok = model_->primary().ok();
    in.presenter = settings_.presenter;
    in.path_min_height = std::round(16.5f * ImGui::GetFontSize());
    in.aside = !aside_id_.empty() && aside_visible_ && aside_visible_() && panels_.find(aside_id_);
    Layout layout = compute_layout(in, settings_);
    handle_splitters(layout);

    const ImGuiWindowFlags base = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                  ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                  ImGuiWindowFlags_NoBringToFrontOnFocus;
    for (const auto& [slot, rect] : layout.slots) {
        if (slot == "status") {
            draw_status_bar(ctx, rect);
            continue;
        }
        if (slot == "error") {
            draw_error_body(rect);
            continue;
        }
        if (auto group = layout.groups.find(slot); group != layout.groups.end()) {
            draw_group(ctx, slot, group->second, rect);
            continue;
        }
        std::string panel_id = slot == "aside" ? aside_id_ : slot;
        Panel* panel = panels_.find(panel_id);
        if (!panel) continue;
        ImGui::SetNextWindowPos(rect.min);
        ImGui::SetNextWindowSize(rect.size);
        ImGuiWindowFlags flags = base;
        if (slot == "controls") flags |= ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar;
        if (slot == "path" || slot == "stack" || slot == "user" || slot == "compare" ||
            slot == "events")
            flags |= ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse;
        std::string title = std::string(panel->title()) + "###" + panel_id;
        if (ImGui::Begin(title.c_str(), nullptr, flags)) panel->draw(ctx, model_->primary(), 0);
        ImGui::End();
        drawn_panels_.push_back(panel_id);
        drawn_rects_[panel_id] = rect;
        if (pointer_.matches(panel_id, "")) {
            double age = clock_.now - pointer_.since;
            float pulse =
                age < 3.0 ? 0.55f + 0.45f * std::sin(static_cast<float>(age) * 6.0f) : 1.0f;
            ImGui::GetForegroundDrawList()->AddRect(
                ImVec2(rect.min.x + 1, rect.min.y + 1), ImVec2(rect.max().x - 1, rect.max().y - 1),
                with_alpha(ctx.colors.pointer, pulse), 4.0f * ctx.scale, 0, 3.0f * ctx.scale);
        }
    }
    narration_->draw_browser(ctx);
    if (auto* table = static_cast<TablePanel*>(panels_.find("table")); table->open()) {
        table->draw_window(ctx);
        drawn_panels_.push_back("table");
    }
    if (help_open_) {
        draw_help_overlay(ctx, &help_open_);
        drawn_panels_.push_back("help");
    }
    // Whether a tooltip shows this frame (ImGui hides a new one for a frame
    // while it measures it).
    tooltip_shown_ = false;
    for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows)
        if (w->Active && !w->Hidden && std::strncmp(w->Name, "##Tooltip_", 10) == 0)
            tooltip_shown_ = true;
}

void App::draw_group(UiContext& ctx, const std::string& slot, const std::vector<std::string>& ids,
                     const Rect& rect) {
    ImGui::SetNextWindowPos(rect.min);
    ImGui::SetNextWindowSize(rect.size);
    std::string title = "##" + slot;
    ImGui::Begin(title.c_str(), nullptr,
                 ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                     ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
    std::string& open = settings_.tabs[slot];
    // Pointing at a panel in the group brings its tab forward.
    std::string wanted;
    for (const std::string& id : ids)
        if (pointer_.points_into(id) && pointer_.since > group_pointer_seen_) wanted = id;
    if (!wanted.empty()) group_pointer_seen_ = pointer_.since;
    {
        // ImGui shrinks tabs that do not fit and cuts their labels: report
        // which would be cut (a tab is its label plus the frame padding).
        const ImGuiStyle& style = ImGui::GetStyle();
        float room = ImGui::GetContentRegionAvail().x, used = 0;
        FitReport report;
        report.avail_w = room;
        for (const std::string& id : ids)
            if (Panel* panel = panels_.find(id))
                used += ImGui::CalcTextSize(panel->tab_title()).x + 2 * style.FramePadding.x +
                        (used > 0 ? style.ItemInnerSpacing.x : 0);
        report.content_w = used;
        report.font = ImGui::GetFontSize();
        if (used > room + 0.5f) {
            report.fits = false;
            report.clipped.push_back("tab labels");
        }
        report_fit("tabs:" + slot, report, static_cast<uint64_t>(ImGui::GetFrameCount()));
    }
    if (ImGui::BeginTabBar(title.c_str())) {
        for (const std::string& id : ids) {
            Panel* panel = panels_.find(id);
            if (!panel) continue;
            ImGuiTabItemFlags flags = id == wanted ? ImGuiTabItemFlags_SetSelected : 0;
            std::string label = std::string(panel->tab_title()) + "###" + id;
            bool selected = ImGui::BeginTabItem(label.c_str(), nullptr, flags);
            ctx.mark("tab:" + id);
            if (selected) {
                open = id;
                ImGui::BeginChild(
                    ("##tab-" + id).c_str(), ImVec2(0, 0), false,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
                panel->draw(ctx, model_->primary(), 0);
                ImGui::EndChild();
                ImGui::EndTabItem();
                drawn_panels_.push_back(id);
                drawn_rects_[id] = rect;
                if (pointer_.matches(id, ""))
                    ImGui::GetForegroundDrawList()->AddRect(
                        ImVec2(rect.min.x + 1, rect.min.y + 1),
                        ImVec2(rect.max().x - 1, rect.max().y - 1), ctx.colors.pointer,
                        4.0f * ctx.scale, 0, 3.0f * ctx.scale);
            }
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
}

// Each splitter is a window of its own, exactly the size of its gap between
// panels. One window over the whole display would take every click and hover:
// ImGui 1.86 files a new NoBringToFrontOnFocus window *behind* all existing
// ones, so the panels, created after it, would sit under it.
void App::handle_splitters(const Layout& layout) {
    ImGuiIO& io = ImGui::GetIO();
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowMinSize, ImVec2(1, 1));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    for (const Splitter& s : layout.splitters) {
        ImVec2 size(std::max(1.0f, s.hit.size.x), std::max(1.0f, s.hit.size.y));
        ImGui::SetNextWindowPos(s.hit.min);
        ImGui::SetNextWindowSize(size);
        ImGui::Begin(("##split-" + s.name).c_str(), nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBringToFrontOnFocus |
                         ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground |
                         ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoScrollWithMouse);
        ImGui::SetCursorScreenPos(s.hit.min);
        ImGui::InvisibleButton(s.name.c_str(), size);
        bool active = ImGui::IsItemActive();
        if (ImGui::IsItemHovered() || active) {
            ImGui::SetMouseCursor(s.vertical ? ImGuiMouseCursor_ResizeEW
                                             : ImGuiMouseCursor_ResizeNS);
            ImGui::GetWindowDrawList()->AddRectFilled(
                s.hit.min, s.hit.max(), ImGui::GetColorU32(ImGuiCol_SeparatorHovered));
        }
        if (active && s.span > 1.0f) {
            float delta = (s.vertical ? io.MouseDelta.x : io.MouseDelta.y) / s.span;
            if (s.inverted) delta = -delta;
            float value = settings_.split(s.name, default_split(s.name)) + delta;
            settings_.splits[s.name] = std::clamp(value, s.min_ratio, s.max_ratio);
        }
        if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left))
            settings_.splits.erase(s.name);  // double-click: back to the default
        ImGui::End();
    }
    ImGui::PopStyleVar(3);
}

void App::update_title() {
    const Scenario& s = model_->scenario();
    std::string title =
        "slowpath: " + std::string(era_info(s.era).name) + " " + syscall_name(s.syscall_nr);
    for (const Injection& i : s.injections) title += " " + injection_text(i);
    if (model_->comparing()) title += " (compare)";
    if (title != window_title_) {
        glfwSetWindowTitle(window_, title.c_str());
        window_title_ = title;
    }
}

void App::draw_status_bar(UiContext& ctx, const Rect& r) {
    const Palette& c = palette(settings_.dark);
    ImGui::SetNextWindowPos(r.min);
    ImGui::SetNextWindowSize(r.size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6 * ui_scale(), 1));
    // The bar is one line, lower than ImGui's least window height (32 px at
    // scale 1), which would push it past the bottom of the window.
    ImGui::PushStyleVar(ImGuiStyleVar_WindowMinSize, ImVec2(1, 1));
    ImGui::Begin("##status", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::AlignTextToFramePadding();
    const Scenario& s = model_->scenario();
    std::string scenario = std::string(era_info(s.era).name) + "  " + syscall_name(s.syscall_nr);
    for (const Injection& i : s.injections) scenario += "  " + injection_text(i);
    if (s.bad_pointer) scenario += "  bad-pointer";
    for (const Tamper& t : s.tampers) scenario += "  tamper " + tamper_text(t);
    if (s.signal_action != SignalAction::Handler)
        scenario += "  SIGUSR1 " + std::string(signal_action_name(s.signal_action));
    text_font(fonts_.bold, c.text, scenario);
    const Pane& pane = model_->primary();
    if (pane.ok()) {
        const Trace& trace = *pane.trace();
        ImGui::SameLine(0, ImGui::GetFontSize());
        std::string run = std::string(outcome_name(trace.outcome));
        if (trace.outcome == Outcome::Exited) run += " (" + std::to_string(trace.exit_code) + ")";
        run += ", " + std::to_string(trace.last_step()) + " steps";
        text(trace.outcome == Outcome::Exited ? c.text_dim : c.error, "run: " + run);
        if (!trace.outcome_detail.empty()) tooltip(trace.outcome_detail);
    }
    if (playing_) {
        ImGui::SameLine(0, ImGui::GetFontSize());
        text(c.token, "\xe2\x96\xb6 playing " + std::to_string(settings_.play_rate).substr(0, 5) +
                          "/s by " + settings_.play_unit);
    }
    if (!model_->status().empty()) {
        ImGui::SameLine(0, ImGui::GetFontSize());
        text(model_->status_is_error() ? c.error : c.ok, model_->status());
    }
    std::string hint = "F1 help";
    const char* copy = "copy scenario";
    float gap = ImGui::GetFontSize();
    float x = ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(hint.c_str()).x -
              ImGui::CalcTextSize(copy).x - gap;
    ImGui::SameLine();
    if (x > ImGui::GetCursorPosX()) ImGui::SetCursorPosX(x);
    if (link(ctx, copy, "##copy-scenario")) queue_command("copy-scenario");
    ctx.mark("button:copy-scenario");
    if (ImGui::IsItemHovered()) {
        const Pane& shown = model_->primary();
        ScenarioPoint at;
        if (shown.ok()) at = point_of(*shown.trace(), shown.start_step(), shown.now().step);
        tooltip(
            "copy this screen as one line, to paste into another slowpath (Ctrl+V) or "
            "start one with it:\n" +
            scenario_line_text(s, at) + "\n[" + shortcut_for("copy-scenario") +
            "; as a command line: " + shortcut_for("copy-command-line") + "]");
    }
    ImGui::SameLine(0, gap);
    text(c.text_faint, hint);
    ImGui::End();
    ImGui::PopStyleVar(2);
    drawn_panels_.push_back("status");
    drawn_rects_["status"] = r;
}

void App::draw_error_body(const Rect& r) {
    const Palette& c = palette(settings_.dark);
    ImGui::SetNextWindowPos(r.min);
    ImGui::SetNextWindowSize(r.size);
    ImGui::Begin("The machine could not start###error", nullptr,
                 ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImGui::Dummy(ImVec2(1, ImGui::GetFontSize() * 2));
    ImGui::Indent(ImGui::GetFontSize() * 2);
    text_font(fonts_.heading, c.error, "The guest could not be loaded or run");
    ImGui::Spacing();
    ImGui::PushTextWrapPos(r.size.x - ImGui::GetFontSize() * 2);
    ImGui::PushFont(fonts_.mono);
    text(c.text, model_->primary().error());
    ImGui::PopFont();
    ImGui::Spacing();
    text(c.text_dim,
         "The guest kernels and the demo program are built with the project "
         "(cmake --build build). SLOWPATH_GUEST_DIR can point at another directory "
         "holding kernel-v3.13.elf, kernel-rfc.elf and the demo. You can still change the "
         "era or the syscall above.");
    ImGui::PopTextWrapPos();
    ImGui::Unindent();
    ImGui::End();
    drawn_panels_.push_back("error");
    drawn_rects_["error"] = r;
}

// ---- commands ----

void App::queue_command(const std::string& text) {
    queued_.push_back(text);
    frames_pending_ = std::max(frames_pending_, 2);
}

void App::run_queued_commands() {
    // A dropped walkthrough opens (its problems show in the narration panel).
    for (const std::string& path : dropped_) {
        std::string ext = path.size() > 5 ? path.substr(path.rfind('.') + 1) : "";
        if (ext == "yaml" || ext == "yml") {
            narration_->open(path);
            continue;
        }
        // Anything else may hold a scenario line (a file a classmate saved).
        std::ifstream in(path);
        std::string first;
        while (in && std::getline(in, first) && (first.empty() || first[0] == '#')) {
        }
        std::string error = load_scenario_text(first, path);
        if (!error.empty()) model_->set_status(error, true);
    }
    dropped_.clear();
    // Run what panels asked for in the last frame, before anything draws.
    while (!queued_.empty()) {
        std::string text = std::move(queued_.front());
        queued_.pop_front();
        try {
            for (const Command& command : parse_commands(text)) {
                std::string error = run_command(command);
                if (!error.empty()) model_->set_status(error, true);
            }
        } catch (const std::exception& e) {
            model_->set_status(e.what(), true);
        }
    }
}

bool App::script_finished() const {
    return script_index_ >= options_.commands.size() && wait_frames_ == 0;
}

void App::step_script() {
    if (frame_count_ < 1) return;  // the first frame shows the opening state
    if (wait_frames_ > 0) {
        wait_frames_--;
        return;
    }
    if (wait_frames_ < 0) {  // "wait" alone: until the animations are done
        if (clock_.busy()) return;
        wait_frames_ = 0;
    }
    if (script_index_ >= options_.commands.size()) return;
    const Command& command = options_.commands[script_index_++];
    std::string error = run_command(command);
    if (!error.empty()) {
        std::fprintf(stderr, "slowpath: '%s': %s\n", command.text.c_str(), error.c_str());
        script_failed_ = true;
    }
}

std::string App::run_command(const Command& command) {
    frames_pending_ = std::max(frames_pending_, 2);
    if (is_window_command(command.verb)) return window_command(command);
    return run_model_command(*model_, command);
}

void App::point_at(const std::string& panel, const std::string& item) {
    point_at_targets({{panel, item}});
}

void App::point_at_targets(std::vector<Pointer::Target> targets, bool pulse) {
    pointer_.targets = std::move(targets);
    pointer_.since = pulse ? clock_.now : clock_.now - 3.0;
    frames_pending_ = std::max(frames_pending_, 2);
}

std::string App::window_command(const Command& command) {
    const std::string& v = command.verb;
    const auto& a = command.args;
    if (v.rfind("tour-", 0) == 0) return narration_->command(command);
    if (v == "table") return static_cast<TablePanel*>(panels_.find("table"))->command(command);
    auto arg_switch = [&](bool current) -> std::optional<bool> {
        return a.empty() ? std::optional<bool>(!current) : switch_value(a[0], current);
    };
    if (v == "theme") {
        auto dark = arg_switch(settings_.dark);
        if (!dark) return "theme takes dark, light or toggle";
        settings_.dark = *dark;
    } else if (v == "presenter") {
        auto on = arg_switch(settings_.presenter);
        if (!on) return "presenter takes on, off or toggle";
        settings_.presenter = *on;
    } else if (v == "animate") {
        auto on = arg_switch(settings_.animate);
        if (!on) return "animate takes on, off or toggle";
        settings_.animate = *on;
        clock_.enabled = *on;
        if (!*on) clock_.busy_until = 0;
    } else if (v == "zoom") {
        try {
            float z = std::stof(a[0]);
            if (!(z >= 0.5f && z <= 4.0f)) return "zoom must be between 0.5 and 4";
            settings_.zoom = z;
        } catch (const std::exception&) {
            return "'" + a[0] + "' is not a number";
        }
    } else if (v == "zoom-in") {
        settings_.zoom = std::min(4.0f, std::round(settings_.zoom * 10.0f + 1.0f) / 10.0f);
    } else if (v == "zoom-out") {
        settings_.zoom = std::max(0.5f, std::round(settings_.zoom * 10.0f - 1.0f) / 10.0f);
    } else if (v == "zoom-reset") {
        settings_.zoom = 1.0f;
    } else if (v == "play") {
        start_play(true);
    } else if (v == "pause") {
        playing_ = false;
    } else if (v == "toggle-play") {
        start_play(!playing_);
    } else if (v == "speed") {
        try {
            float rate = std::stof(a[0]);
            if (!(rate > 0.0f && rate <= 10000.0f)) return "speed must be between 0 and 10000";
            settings_.play_rate = rate;
        } catch (const std::exception&) {
            return "'" + a[0] + "' is not a number";
        }
    } else if (v == "faster") {
        settings_.play_rate = std::min(1000.0f, settings_.play_rate * 2.0f);
    } else if (v == "slower") {
        settings_.play_rate = std::max(0.5f, settings_.play_rate / 2.0f);
    } else if (v == "play-unit") {
        if (a[0] != "step" && a[0] != "label" && a[0] != "event")
            return "play-unit takes step, label or event";
        settings_.play_unit = a[0];
    } else if (v == "cycle-play-unit") {
        settings_.play_unit = settings_.play_unit == "step"    ? "label"
                              : settings_.play_unit == "label" ? "event"
                                                               : "step";
    } else if (v == "cycle-era") {
        model_->set_era(next_era(model_->scenario().era));
    } else if (v == "inject-when") {
        settings_.inject_when = a[0];
    } else if (v == "cycle-when") {
        settings_.inject_when = settings_.inject_when == "entry" ? "exit" : "entry";
        model_->set_status("flag chips and keys inject at " + settings_.inject_when);
    } else if (v == "toggle-flag") {
        auto bit = parse_tif(a[0]);
        if (!bit) return "'" + a[0] + "' is not a TIF flag";
        InjectWhen when = settings_.inject_when == "entry" ? InjectWhen::Entry : InjectWhen::Exit;
        model_->set_injection(*bit, when, !model_->injected(*bit, when));
    } else if (v == "help") {
        auto on = arg_switch(help_open_);
        if (!on) return "help takes on, off or toggle";
        help_open_ = *on;
    } else if (v == "escape") {
        if (help_open_)
            help_open_ = false;
        else
            pointer_ = Pointer{};
    } else if (v == "point") {
        // PANEL[:ITEM], or a walkthrough target KIND:NAME (flag:SIGPENDING,
        // label:sysret_check, field:pt_regs.rcx, register:rcx, panel:stack).
        size_t colon = a[0].find(':');
        std::string first = a[0].substr(0, colon);
        std::string rest = colon == std::string::npos ? "" : a[0].substr(colon + 1);
        point_at_targets(point_targets(first, rest));
    } else if (v == "unpoint") {
        pointer_ = Pointer{};
    } else if (v == "wait") {
        wait_frames_ = a.empty() ? -1 : std::stoi(a[0]);
    } else if (v == "screenshot") {
        pending_screenshot_ = a[0];
    } else if (v == "snapshot") {
        // Into the pictures folder, named after the scenario (which the
        // PNG's text chunk also holds, see write_png).
        const Pane& pane = model_->primary();
        ScenarioPoint at;
        if (pane.ok()) at = point_of(*pane.trace(), pane.start_step(), pane.now().step);
        std::string dir = snapshot_dir(options_.snapshot_dir);
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec) return dir + ": cannot create the folder (" + ec.message() + ")";
        std::string path =
            dir + "/" +
            snapshot_name(scenario_line_text(model_->scenario(), at), std::time(nullptr));
        pending_screenshot_ = path;
        model_->set_status("saved " + path);
    } else if (v == "dump") {
        pending_dump_ = a[0];
    } else if (v == "copy-scenario" || v == "copy-command-line") {
        const Pane& pane = model_->primary();
        ScenarioPoint at;
        if (pane.ok()) at = point_of(*pane.trace(), pane.start_step(), pane.now().step);
        std::string text = v == "copy-scenario" ? scenario_line_text(model_->scenario(), at)
                                                : scenario_command_line(model_->scenario(), at);
        glfwSetClipboardString(window_, text.c_str());
        model_->set_status("copied " + text);
    } else if (v == "paste") {
        const char* clip = glfwGetClipboardString(window_);
        return load_scenario_text(clip ? clip : "", "the clipboard");
    } else if (v == "press") {
        Shortcut key;
        if (!parse_key(a[0], key)) return "'" + a[0] + "' is not a key slowpath knows";
        // Into the queue real keys go through: modifiers down, the key down
        // and up, modifiers up, fed one press per frame.
        int mods = ((key.mods & kShift) ? GLFW_MOD_SHIFT : 0) |
                   ((key.mods & kCtrl) ? GLFW_MOD_CONTROL : 0);
        if (key.mods & kShift) key_queue_.push_back({GLFW_KEY_LEFT_SHIFT, 0, GLFW_PRESS, mods});
        if (key.mods & kCtrl) key_queue_.push_back({GLFW_KEY_LEFT_CONTROL, 0, GLFW_PRESS, mods});
        key_queue_.push_back({key.key, 0, GLFW_PRESS, mods});
        key_queue_.push_back({key.key, 0, GLFW_RELEASE, mods});
        if (key.mods & kCtrl) key_queue_.push_back({GLFW_KEY_LEFT_CONTROL, 0, GLFW_RELEASE, 0});
        if (key.mods & kShift) key_queue_.push_back({GLFW_KEY_LEFT_SHIFT, 0, GLFW_RELEASE, 0});
        wait_frames_ = std::max(wait_frames_, 1);
    } else if (v == "quit") {
        quit_ = true;
    } else {
        return "'" + v + "' is not a window command";
    }
    return "";
}

// A scenario line, or a `slowpath ...` command line, from the clipboard or
// a dropped file; "" when it loaded, else what is wrong with it.
std::string App::load_scenario_text(const std::string& raw, const std::string& from) {
    std::string text = raw.substr(0, raw.find_first_of("\r\n"));
    if (looks_like_scenario_line(text)) {
        queue_command("scenario " + text.substr(text.find_first_not_of(" \t")));
        return "";
    }
    std::vector<std::string> words;
    try {
        words = shell_words(text);
    } catch (const std::invalid_argument& e) {
        return from + ": " + e.what();
    }
    auto is_slowpath = [](const std::string& w) {
        const std::string tail = "/slowpath";
        return w == "slowpath" || (w.size() > tail.size() &&
                                   w.compare(w.size() - tail.size(), tail.size(), tail) == 0);
    };
    if (words.empty() || !is_slowpath(words[0]))
        return from + " holds no scenario (slowpath:ERA/SYSCALL/... or a slowpath command line)";
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    int status = 0;
    std::string error;
    std::optional<Options> options =
        parse_options(static_cast<int>(argv.size()), argv.data(), status, &error);
    if (!options) return from + ": " + (error.empty() ? "not a scenario" : error);
    std::string script = "scenario " + scenario_line_text(options->scenario);
    for (const Command& c : options->commands) {
        script += ";";
        script += c.verb;
        for (const std::string& arg : c.args) script += " " + arg;
    }
    queue_command(script);
    return "";
}

// ---- keys and play ----

void App::handle_keys() {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;  // typing in a field
    // A tour's question, asked and not answered yet, takes the number keys:
    // 1 to 9 pick its choices (the flags they toggle otherwise wait).
    size_t choices = narration_->awaiting_choices();
    for (const Action& action : actions()) {
        bool answers = action.command == "tour-answer";
        bool flag_key =
            action.command.rfind("toggle-flag ", 0) == 0 || action.command.rfind("inject ", 0) == 0;
        if (answers ? choices == 0 : choices > 0 && flag_key) continue;
        bool fired = false;
        std::string command = action.command;
        for (const Shortcut& key : action.keys) {
            bool ctrl = (key.mods & kCtrl) != 0, shift = (key.mods & kShift) != 0;
            if (key.typed) {
                if (io.KeyCtrl) continue;
                for (ImWchar ch : io.InputQueueCharacters)
                    if (ch == static_cast<ImWchar>(key.typed)) fired = true;
            } else if (io.KeyCtrl == ctrl && io.KeyShift == shift && !io.KeyAlt &&
                       ImGui::IsKeyPressed(key.key, action.repeat)) {
                fired = true;
                if (answers) command += " " + std::to_string(key.key - GLFW_KEY_0);
            }
        }
        if (!fired) continue;
        try {
            for (const Command& command : parse_commands(command)) {
                std::string error = run_command(command);
                if (!error.empty()) model_->set_status(error, true);
            }
        } catch (const std::exception& e) {
            model_->set_status(e.what(), true);
        }
        break;  // one action per frame: a key means one thing
    }
}

void App::feed_keys() {
    // Events in order, up to the first press of a key that is not a
    // modifier (one action per frame) and never two events of one key.
    auto modifier = [](int key) {
        return key == GLFW_KEY_LEFT_SHIFT || key == GLFW_KEY_RIGHT_SHIFT ||
               key == GLFW_KEY_LEFT_CONTROL || key == GLFW_KEY_RIGHT_CONTROL ||
               key == GLFW_KEY_LEFT_ALT || key == GLFW_KEY_RIGHT_ALT ||
               key == GLFW_KEY_LEFT_SUPER || key == GLFW_KEY_RIGHT_SUPER;
    };
    std::vector<int> fed;
    while (!key_queue_.empty()) {
        KeyEvent e = key_queue_.front();
        if (e.action == GLFW_REPEAT) {  // ImGui repeats a held key itself
            key_queue_.pop_front();
            continue;
        }
        if (std::find(fed.begin(), fed.end(), e.key) != fed.end()) break;
        key_queue_.pop_front();
        ImGui_ImplGlfw_KeyCallback(window_, e.key, e.scancode, e.action, e.mods);
        fed.push_back(e.key);
        if (e.action == GLFW_PRESS && !modifier(e.key)) break;
    }
    if (!key_queue_.empty()) frames_pending_ = std::max(frames_pending_, 2);
}

void App::start_play(bool on) {
    playing_ = on && model_->primary().ok();
    play_accumulator_ = 0.0;
    play_last_tick_ = glfwGetTime();
}

void App::tick_play(double now) {
    // Frames come only when a move is due, so the time since the last one
    // counts (held under a second: a stalled window does not race ahead).
    double dt = std::clamp(now - play_last_tick_, 0.0, 1.0);
    play_last_tick_ = now;
    if (!playing_ || !model_->primary().ok()) return;
    play_accumulator_ += dt * settings_.play_rate;
    int moves = static_cast<int>(play_accumulator_);
    if (moves <= 0) return;
    play_accumulator_ -= moves;
    uint64_t before = model_->primary().now().step;
    if (settings_.play_unit == "step") {
        model_->nav(Nav::Step, static_cast<uint64_t>(moves));
    } else {
        Nav op = settings_.play_unit == "label" ? Nav::NextLabel : Nav::NextEvent;
        for (int i = 0; i < std::min(moves, 50); i++) model_->nav(op);
    }
    if (model_->primary().now().step == before) {
        playing_ = false;
        model_->set_status("reached the end of the run");
    }
}

// ---- screenshots and dumps ----

bool App::save_screenshot_next_frame(const std::string& path) {
    pending_screenshot_ = path;
    frames_pending_ = std::max(frames_pending_, 1);
    return true;
}

void App::capture_if_requested() {
    if (!pending_screenshot_.empty()) {
        std::string error;
        if (!write_png(pending_screenshot_, &error)) {
            std::fprintf(stderr, "slowpath: %s\n", error.c_str());
            exit_code_ = 1;
        }
        pending_screenshot_.clear();
    }
    if (!pending_dump_.empty()) {
        std::ofstream out(pending_dump_);
        if (!out) {
            std::fprintf(stderr, "slowpath: %s: cannot write\n", pending_dump_.c_str());
            exit_code_ = 1;
        } else {
            out << dump_state().dump(2) << "\n";
        }
        pending_dump_.clear();
    }
}

void App::write_state(const std::string& path, bool atomically) {
    std::string target = atomically ? path + ".tmp" : path;
    {
        std::ofstream out(target);
        if (!out) {
            std::fprintf(stderr, "slowpath: %s: cannot write\n", target.c_str());
            exit_code_ = 1;
            return;
        }
        out << dump_state().dump(2) << "\n";
    }
    // A reader polling the file never sees half of it.
    if (atomically && std::rename(target.c_str(), path.c_str()) != 0) {
        std::fprintf(stderr, "slowpath: %s: cannot write\n", path.c_str());
        exit_code_ = 1;
    }
}

// ImGui's windows this frame (panels, their scrolling regions, popups and
// tooltips): where they are and how far they are scrolled.
nlohmann::json App::windows_json() const {
    nlohmann::json out = nlohmann::json::array();
    if (!ImGui::GetCurrentContext()) return out;
    for (const ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
        if (!w->Active || w->Hidden) continue;
        out.push_back({{"name", w->Name},
                       {"rect", {w->Pos.x, w->Pos.y, w->Size.x, w->Size.y}},
                       {"scroll", {w->Scroll.x, w->Scroll.y}},
                       {"scroll_max", {w->ScrollMax.x, w->ScrollMax.y}}});
    }
    return out;
}

nlohmann::json App::dump_state() const {
    nlohmann::json out = dump_model(*model_);
    out["tour"] = narration_->active() || !options_.walkthrough.empty() ? narration_->dump()
                                                                        : nlohmann::json(nullptr);
    nlohmann::json panels = nlohmann::json::array();
    for (const std::string& id : drawn_panels_) {
        auto it = drawn_rects_.find(id);
        nlohmann::json p = {{"id", id}};
        if (it != drawn_rects_.end())
            p["rect"] = {it->second.min.x, it->second.min.y, it->second.size.x, it->second.size.y};
        if (const Panel* panel = panels_.find(id)) {
            std::string extra = panel->describe();
            if (!extra.empty()) p["shows"] = extra;
        }
        panels.push_back(p);
    }
    int w = 0, h = 0;
    if (window_) glfwGetFramebufferSize(window_, &w, &h);
    out["ui"] = {{"frame", frame_count_},
                 {"dark", settings_.dark},
                 {"presenter", settings_.presenter},
                 {"zoom", settings_.zoom},
                 {"scale", ui_scale()},
                 {"animate", settings_.animate},
                 {"playing", playing_},
                 {"play_rate", settings_.play_rate},
                 {"play_unit", settings_.play_unit},
                 {"inject_when", settings_.inject_when},
                 {"help_open", help_open_},
                 {"pointer", pointer_json()},
                 {"fonts_bundled", fonts_.bundled},
                 {"framebuffer", {w, h}},
                 {"panels", panels}};
    nlohmann::json items = nlohmann::json::object();
    for (const auto& [name, m] : marks_)
        items[name] = {{"rect", {m.min.x, m.min.y, m.max.x - m.min.x, m.max.y - m.min.y}},
                       {"hovered", m.hovered}};
    out["ui"]["items"] = items;
    out["ui"]["windows"] = windows_json();
    out["ui"]["tooltip"] = tooltip_shown_;
    out["ui"]["tabs"] = settings_.tabs;
    if (window_) {
        double mx = 0, my = 0;
        glfwGetCursorPos(window_, &mx, &my);
        out["ui"]["mouse"] = {mx, my};
    }
    return out;
}

nlohmann::json App::pointer_json() const {
    if (!pointer_.active()) return nullptr;
    nlohmann::json targets = nlohmann::json::array();
    for (const Pointer::Target& t : pointer_.targets)
        targets.push_back({{"panel", t.panel}, {"item", t.item}});
    // The first target at top level keeps the common case short.
    return {{"panel", pointer_.targets.front().panel},
            {"item", pointer_.targets.front().item},
            {"targets", targets}};
}

void App::save_settings_now() {
    if (settings_path_.empty() || !window_) return;
    settings_.window_maximized = glfwGetWindowAttrib(window_, GLFW_MAXIMIZED) != 0;
    if (!settings_.window_maximized) {
        glfwGetWindowSize(window_, &settings_.window_width, &settings_.window_height);
        glfwGetWindowPos(window_, &settings_.window_x, &settings_.window_y);
    }
    std::string error;
    if (!save_settings(settings_, settings_path_, &error))
        std::fprintf(stderr, "slowpath: settings not saved: %s\n", error.c_str());
}

}  // namespace slowpath::gui
