// --bench: the speed figures of the desktop app. Not a test: it prints what
// it measured (run it under the renderer you care about, e.g. Xvfb + llvmpipe).
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <sstream>
#include <tuple>

#include "slowpath/era.h"
#include "slowpath/log.h"
#include "slowpath/tif.h"
#include "ui/app.h"

namespace slowpath::gui {

namespace {

double cpu_ms(clockid_t which) {
    timespec ts{};
    clock_gettime(which, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double wall_ms() {
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Milliseconds since the process was created (10 ms resolution: clock ticks).
double ms_since_exec() {
    std::ifstream in("/proc/self/stat");
    std::string line;
    if (!std::getline(in, line)) return -1;
    size_t close = line.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream fields(line.substr(close + 2));
    std::string field;
    unsigned long long start_ticks = 0;
    for (int i = 3; i <= 22 && fields >> field; i++)
        if (i == 22) start_ticks = std::stoull(field);
    timespec boot{};
    clock_gettime(CLOCK_BOOTTIME, &boot);
    double now_ms = boot.tv_sec * 1e3 + boot.tv_nsec / 1e6;
    return now_ms - start_ticks * 1000.0 / sysconf(_SC_CLK_TCK);
}

struct Stats {
    double mean = 0, median = 0, p95 = 0, max = 0;
};
Stats stats(std::vector<double> v) {
    Stats s;
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    s.mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
    s.median = v[v.size() / 2];
    s.p95 = v[std::min(v.size() - 1, v.size() * 95 / 100)];
    s.max = v.back();
    return s;
}

// What each window's draw list costs the GL driver alone: its triangles
// drawn again and again over the frame (process CPU, glFinish each time),
// the window's vertices and draw commands beside. The bench's "drawn whole"
// frame is about the sum of these plus the clear.
void print_list_costs(ImDrawData* data, int fb_w, int fb_h) {
    if (!data) return;
    const int kRepeats = 15;
    auto cost_of = [&](ImDrawList* const* lists, int count) {
        ImDrawData part = *data;
        part.CmdLists = const_cast<ImDrawList**>(lists);
        part.CmdListsCount = count;
        glViewport(0, 0, fb_w, fb_h);
        glFinish();
        std::vector<double> each;
        for (int r = 0; r < kRepeats; r++) {
            double p0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID);
            glClear(GL_COLOR_BUFFER_BIT);
            if (count > 0) ImGui_ImplOpenGL3_RenderDrawData(&part);
            glFinish();
            each.push_back(cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - p0);
        }
        return stats(each).median;
    };
    double clear_only = cost_of(nullptr, 0);
    std::vector<std::tuple<double, int, int, std::string>> costs;
    for (int i = 0; i < data->CmdListsCount; i++) {
        ImDrawList* list = data->CmdLists[i];
        costs.push_back({cost_of(&data->CmdLists[i], 1) - clear_only, list->VtxBuffer.Size,
                         list->CmdBuffer.Size, list->_OwnerName ? list->_OwnerName : "?"});
    }
    std::sort(costs.rbegin(), costs.rend());
    std::printf(
        "    GL cost of each window alone (process CPU medians over the clear's %.2f ms):\n",
        clear_only);
    for (const auto& [ms, vertices, commands, name] : costs)
        std::printf("      %6.2f ms %6d vtx %3d cmds  %s\n", ms, vertices, commands, name.c_str());
}

// What drawing `data` whole costs the process (median of 15, clear included).
double draw_cost(ImDrawData* data, int fb_w, int fb_h) {
    glViewport(0, 0, fb_w, fb_h);
    glFinish();
    std::vector<double> each;
    for (int r = 0; r < 15; r++) {
        double p0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(data);
        glFinish();
        each.push_back(cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - p0);
    }
    return stats(each).median;
}

// The frame's GL cost split by what its triangles draw: glyphs and other
// pictures from the font atlas, against flat fills (every corner on the
// atlas's white pixel). The others are made empty (one index thrice), which
// the rasteriser drops before it shades a pixel.
void print_kind_costs(ImDrawData* data, int fb_w, int fb_h) {
    if (!data) return;
    const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
    auto flat = [&](const ImDrawVert& v) { return v.uv.x == white.x && v.uv.y == white.y; };
    std::vector<ImVector<ImDrawIdx>> kept(data->CmdListsCount);
    int counts[2] = {0, 0};
    auto keep_only = [&](int kind) {  // -1: everything; 0: flat; 1: from the atlas
        for (int i = 0; i < data->CmdListsCount; i++) {
            ImDrawList* l = data->CmdLists[i];
            if (kind < 0) {
                l->IdxBuffer = kept[i];
                continue;
            }
            for (const ImDrawCmd& cmd : l->CmdBuffer)
                for (unsigned k = 0; k + 2 < cmd.ElemCount; k += 3) {
                    ImDrawIdx* idx = l->IdxBuffer.Data + cmd.IdxOffset + k;
                    const ImDrawVert* v = l->VtxBuffer.Data + cmd.VtxOffset;
                    int of = flat(v[idx[0]]) && flat(v[idx[1]]) && flat(v[idx[2]]) ? 0 : 1;
                    if (kind == 0) counts[of]++;
                    if (of != kind) idx[1] = idx[2] = idx[0];
                }
        }
    };
    auto cost = [&] { return draw_cost(data, fb_w, fb_h); };
    for (int i = 0; i < data->CmdListsCount; i++) kept[i] = data->CmdLists[i]->IdxBuffer;
    double all = cost();
    keep_only(0);
    double fills = cost();
    keep_only(-1);
    keep_only(1);
    double atlas = cost();
    keep_only(-1);
    std::printf(
        "    GL cost by kind (process CPU medians, clear included): all %.2f ms; flat fills "
        "alone %.2f ms (%d triangles); glyphs and atlas pictures alone %.2f ms (%d triangles)\n",
        all, fills, counts[0], atlas, counts[1]);
}

// Calls visit(list index, draw command, corner, corner, corner) for each
// triangle of the frame, in drawing order.
template <typename Visit>
void each_triangle(ImDrawData* data, Visit visit) {
    for (int i = 0; i < data->CmdListsCount; i++) {
        const ImDrawList* l = data->CmdLists[i];
        for (const ImDrawCmd& cmd : l->CmdBuffer)
            for (unsigned k = 0; k + 2 < cmd.ElemCount; k += 3) {
                const ImDrawIdx* idx = l->IdxBuffer.Data + cmd.IdxOffset + k;
                const ImDrawVert* v = l->VtxBuffer.Data + cmd.VtxOffset;
                visit(i, cmd, v[idx[0]], v[idx[1]], v[idx[2]]);
            }
    }
}

// The pixels the frame's triangles fill (their areas summed, cut to their
// clip rectangles' bounds; an estimate of the overdraw), and of them the flat
// fills, the largest by colour: a fill in the colour the frame is cleared to
// paints nothing new.
void print_fill_areas(ImDrawData* data, ImU32 clear) {
    if (!data) return;
    const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
    std::map<ImU32, double> by_colour;
    double total = 0, flat_total = 0;
    each_triangle(data, [&](int, const ImDrawCmd&, const ImDrawVert& a, const ImDrawVert& b,
                            const ImDrawVert& c) {
        double area = std::fabs((b.pos.x - a.pos.x) * (c.pos.y - a.pos.y) -
                                (c.pos.x - a.pos.x) * (b.pos.y - a.pos.y)) /
                      2;
        total += area;
        bool flat = a.uv.x == white.x && a.uv.y == white.y && b.uv.x == white.x &&
                    b.uv.y == white.y && c.uv.x == white.x && c.uv.y == white.y;
        if (!flat) return;
        flat_total += area;
        by_colour[a.col] += area;
    });
    std::vector<std::pair<double, ImU32>> order;
    order.reserve(by_colour.size());
    for (const auto& [col, area] : by_colour) order.push_back({area, col});
    std::sort(order.rbegin(), order.rend());
    const ImGuiIO& io = ImGui::GetIO();
    std::printf(
        "    pixels filled: %.3f Mpx (%.2f of the window's), flat fills %.3f Mpx; largest by "
        "colour (RGBA):",
        total / 1e6, total / (io.DisplaySize.x * io.DisplaySize.y), flat_total / 1e6);
    for (size_t i = 0; i < order.size() && i < 6; i++) {
        ImU32 c = order[i].second;
        std::printf(
            " %02x%02x%02x%02x %.0fk%s", c & 0xff, (c >> 8) & 0xff, (c >> 16) & 0xff, c >> 24,
            order[i].first / 1e3,
            (c | IM_COL32_A_MASK) == (clear | IM_COL32_A_MASK) ? " (the clear colour)" : "");
    }
    std::printf("\n");
}

// The frame's overdraw, counted on the CPU: each triangle's pixels (centres
// inside it and inside its clip rectangle; edges not ruled as GL does, so
// a pixel or so off along them) are shaded in turn; a pixel whose
// earlier shading a later opaque flat fill covers was shaded for nothing.
// Prints the pixels shaded, the window's pixels shaded at all, and the
// wasted ones by the window that drew them.
void print_overdraw(ImDrawData* data, int fb_w, int fb_h) {
    if (!data || fb_w <= 0 || fb_h <= 0) return;
    const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
    const ImVec2 off = data->DisplayPos;
    std::vector<int> last(static_cast<size_t>(fb_w) * fb_h, -1);
    std::vector<double> wasted(data->CmdListsCount, 0);
    double shaded = 0;
    each_triangle(data, [&](int i, const ImDrawCmd& cmd, const ImDrawVert& c0, const ImDrawVert& c1,
                            const ImDrawVert& c2) {
        const ImDrawVert* t[3] = {&c0, &c1, &c2};
        bool opaque_flat = true;
        for (const ImDrawVert* q : t)
            if (q->uv.x != white.x || q->uv.y != white.y || (q->col >> 24) != 0xff)
                opaque_flat = false;
        ImVec2 a(t[0]->pos.x - off.x, t[0]->pos.y - off.y),
            b(t[1]->pos.x - off.x, t[1]->pos.y - off.y),
            c(t[2]->pos.x - off.x, t[2]->pos.y - off.y);
        float area = (b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y);
        if (area == 0) return;
        float x0 = std::max({std::min({a.x, b.x, c.x}), cmd.ClipRect.x - off.x, 0.0f});
        float y0 = std::max({std::min({a.y, b.y, c.y}), cmd.ClipRect.y - off.y, 0.0f});
        float x1 =
            std::min({std::max({a.x, b.x, c.x}), cmd.ClipRect.z - off.x, static_cast<float>(fb_w)});
        float y1 =
            std::min({std::max({a.y, b.y, c.y}), cmd.ClipRect.w - off.y, static_cast<float>(fb_h)});
        auto edge = [](ImVec2 p, ImVec2 q, float x, float y) {
            return (q.x - p.x) * (y - p.y) - (q.y - p.y) * (x - p.x);
        };
        for (int y = static_cast<int>(std::floor(y0)); static_cast<float>(y) < y1; y++)
            for (int x = static_cast<int>(std::floor(x0)); static_cast<float>(x) < x1; x++) {
                float px = static_cast<float>(x) + 0.5f, py = static_cast<float>(y) + 0.5f;
                float e0 = edge(a, b, px, py), e1 = edge(b, c, px, py), e2 = edge(c, a, px, py);
                bool in = area > 0 ? e0 >= 0 && e1 >= 0 && e2 >= 0 : e0 <= 0 && e1 <= 0 && e2 <= 0;
                if (!in || px < x0 || py < y0 || px > x1 || py > y1) continue;
                shaded++;
                int& owner = last[static_cast<size_t>(y) * fb_w + x];
                if (opaque_flat && owner >= 0) wasted[owner]++;
                owner = i;
            }
    });
    double covered =
        static_cast<double>(std::count_if(last.begin(), last.end(), [](int o) { return o >= 0; }));
    double all_wasted = std::accumulate(wasted.begin(), wasted.end(), 0.0);
    std::printf(
        "    pixels shaded: %.3f Mpx (%.2f a window pixel) over %.3f Mpx of the window; %.0fk "
        "shaded then covered by an opaque flat fill",
        shaded / 1e6, shaded / (static_cast<double>(fb_w) * fb_h), covered / 1e6, all_wasted / 1e3);
    std::vector<std::pair<double, int>> order;
    order.reserve(data->CmdListsCount);
    for (int i = 0; i < data->CmdListsCount; i++) order.push_back({wasted[i], i});
    std::sort(order.rbegin(), order.rend());
    for (size_t i = 0; i < order.size() && i < 4 && order[i].first > 0; i++)
        std::printf("%s %s %.0fk", i ? "," : ":",
                    data->CmdLists[order[i].second]->_OwnerName
                        ? data->CmdLists[order[i].second]->_OwnerName
                        : "?",
                    order[i].first / 1e3);
    std::printf("\n");
}

}  // namespace

int App::run_bench() {
    // ---- 1. start to the first frame, guest booted and the run recorded ----
    take_prepared_model();  // made while the window opened (App::start_preparing)
    last_frame_time_ = glfwGetTime();
    frame();
    glFinish();
    double first_main =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - main_started_)
            .count();
    double first_exec = ms_since_exec();
    if (!model_->primary().ok()) {
        host::error("--bench needs a working guest: " + model_->primary().error());
        return 1;
    }
    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(window_, &fb_w, &fb_h);
    const char* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    std::printf("slowpath --bench: renderer %s, window %dx%d, UI scale %.2f\n",
                renderer ? renderer : "?", fb_w, fb_h, ui_scale());
    std::printf(
        "start to first frame (guest booted, run recorded): %.1f ms from main(), %.0f ms from "
        "exec\n",
        first_main, first_exec);

    // Let the opening animations finish.
    for (int i = 0; i < 200 && (clock_.busy() || i < 5); i++) frame();

    // ---- 2. frame cost of the full layout ----
    auto measure_frames = [&](int count, const std::function<void()>& before_each) {
        std::vector<double> thread_cpu, process_cpu, wall, build, draw, present, share, scan;
        measure_frames_ = true;
        for (int i = 0; i < count; i++) {
            if (before_each) before_each();
            double t0 = cpu_ms(CLOCK_THREAD_CPUTIME_ID), p0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID),
                   w0 = wall_ms();
            frame();
            glFinish();  // count the rendering too, not just its submission
            thread_cpu.push_back(cpu_ms(CLOCK_THREAD_CPUTIME_ID) - t0);
            process_cpu.push_back(cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - p0);
            wall.push_back(wall_ms() - w0);
            build.push_back(last_timing_.build_ms);
            draw.push_back(last_timing_.draw_ms);
            present.push_back(last_timing_.present_ms);
            scan.push_back(last_timing_.scan_cpu_ms);
            share.push_back(last_render_.damaged_share);
        }
        measure_frames_ = false;
        Stats t = stats(thread_cpu), p = stats(process_cpu), w = stats(wall);
        std::printf("    main thread CPU  mean %.2f  median %.2f  p95 %.2f ms\n", t.mean, t.median,
                    t.p95);
        std::printf(
            "    process CPU      mean %.2f  median %.2f  p95 %.2f ms (includes the GL driver's "
            "threads)\n",
            p.mean, p.median, p.p95);
        std::printf("    wall clock       mean %.2f  median %.2f  p95 %.2f ms\n", w.mean, w.median,
                    w.p95);
        std::printf(
            "    of which (wall medians): building the UI %.2f ms, GL drawing %.2f ms, present "
            "%.2f ms\n",
            stats(build).median, stats(draw).median, stats(present).median);
        std::printf(
            "    the damage scan (hashing the triangles by tile): %.2f ms main-thread CPU\n",
            stats(scan).median);
        std::printf("    %s (back buffer age %d)\n",
                    last_render_.offscreen ? "drawn into an offscreen copy, copied whole"
                                           : "drawn straight into the back buffer",
                    last_render_.back_buffer_age);
        std::printf("    share of the window drawn again: mean %.0f%%, median %.0f%%\n",
                    100 * stats(share).mean, 100 * stats(share).median);
    };
    model_->nav(Nav::NextLabel);
    for (int i = 0; i < 100 && clock_.busy(); i++) frame();
    {
        ImDrawData* data = ImGui::GetDrawData();
        int commands = 0;
        for (int i = 0; data && i < data->CmdListsCount; i++)
            commands += data->CmdLists[i]->CmdBuffer.Size;
        std::printf("draw data: %d vertices, %d indices, %d draw commands in %d lists\n",
                    data ? data->TotalVtxCount : 0, data ? data->TotalIdxCount : 0, commands,
                    data ? data->CmdListsCount : 0);
        // The windows that cost the most vertices (what llvmpipe pays for).
        std::vector<std::tuple<double, int, std::string>> lists;
        double total_area = 0;
        for (int i = 0; data && i < data->CmdListsCount; i++) {
            const ImDrawList* l = data->CmdLists[i];
            double area = 0;
            for (const ImDrawCmd& cmd : l->CmdBuffer) {
                for (unsigned k = 0; k + 2 < cmd.ElemCount; k += 3) {
                    const ImDrawIdx* idx = l->IdxBuffer.Data + cmd.IdxOffset + k;
                    ImVec2 a = l->VtxBuffer[cmd.VtxOffset + idx[0]].pos,
                           b = l->VtxBuffer[cmd.VtxOffset + idx[1]].pos,
                           c = l->VtxBuffer[cmd.VtxOffset + idx[2]].pos;
                    area += std::fabs((b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y)) / 2;
                }
            }
            total_area += area;
            lists.push_back({area, l->VtxBuffer.Size, l->_OwnerName ? l->_OwnerName : "?"});
        }
        std::sort(lists.rbegin(), lists.rend());
        std::printf("    triangles cover %.2f Mpx (unclipped); most:", total_area / 1e6);
        for (size_t i = 0; i < lists.size() && i < 8; i++)
            std::printf(" %s %.0fk px %d vtx,", std::get<2>(lists[i]).c_str(),
                        std::get<0>(lists[i]) / 1e3, std::get<1>(lists[i]));
        std::printf("\n");
        print_fill_areas(data, palette(settings_.dark).panel_bg);
        print_overdraw(data, fb_w, fb_h);
        print_list_costs(data, fb_w, fb_h);
        print_kind_costs(data, fb_w, fb_h);
        // The same frame with ImGui's fans and with them zig-zagged, in turns.
        std::vector<double> as_made, zigzagged;
        for (int round = 0; round < 6; round++) {
            zigzag_ = round % 2 == 1;
            measure_frames_ = true;  // drawn although nothing changed
            frame();
            measure_frames_ = false;
            (zigzag_ ? zigzagged : as_made).push_back(draw_cost(ImGui::GetDrawData(), fb_w, fb_h));
        }
        std::printf(
            "    GL cost of the frame with ImGui's fans %.2f ms, with its %d fans zig-zagged %.2f "
            "ms "
            "(process CPU medians)\n",
            stats(as_made).median, last_fans_, stats(zigzagged).median);
        zigzag_ = true;
        frame();
        // The same frame with its opaque fills blended and drawn without
        // blending (the pass runs on frames drawn whole).
        std::vector<double> blended, unblended;
        bench_full_redraw_ = true;
        for (int round = 0; round < 16; round++) {
            unblend_ = round % 2 == 1;
            measure_frames_ = true;
            frame();
            measure_frames_ = false;
            (unblend_ ? unblended : blended).push_back(draw_cost(ImGui::GetDrawData(), fb_w, fb_h));
        }
        std::printf(
            "    GL cost of the frame with its opaque fills blended %.2f ms, with %d runs of them "
            "drawn without blending %.2f ms (process CPU medians)\n",
            stats(blended).median, last_unblended_, stats(unblended).median);
        unblend_ = true;
        // The same again with the opaque runs drawn by the shader without
        // the atlas and the commands cut into rectangle batches, each alone
        // and both, in turns.
        const char* names[4] = {"as before", "solid shader", "quads batched as rectangles", "both"};
        std::vector<double> by_way[4];
        int batches = 0;
        for (int round = 0; round < 40; round++) {
            int way = round % 4;
            solid_fills_ = way & 1;
            batch_rects_ = way & 2;
            measure_frames_ = true;
            frame();
            measure_frames_ = false;
            if (way & 2) batches = last_batches_;
            by_way[way].push_back(draw_cost(ImGui::GetDrawData(), fb_w, fb_h));
        }
        std::printf(
            "    GL cost of the frame drawn whole (process CPU medians, %d commands batched):",
            batches);
        for (int way = 0; way < 4; way++)
            std::printf("%s %s %.2f (min %.2f) ms", way ? "," : "", names[way],
                        stats(by_way[way]).median,
                        *std::min_element(by_way[way].begin(), by_way[way].end()));
        std::printf("\n");
        solid_fills_ = batch_rects_ = true;
        bench_full_redraw_ = false;
        frame();
        renderer_->invalidate();
    }
    // The worst case: every pixel drawn again (a resize, a theme change,
    // the first frame), as every frame was before damage-based drawing.
    bench_full_redraw_ = true;
    std::printf("frame drawn whole, nothing changing (300 frames, the worst case):\n");
    measure_frames(300, nullptr);
    std::printf("frame drawn whole, one step per frame with animations (300 frames):\n");
    model_->nav(Nav::Reset);
    auto step_once = [&] {
        if (model_->primary().now().step >= model_->primary().now().last_step)
            model_->nav(Nav::Reset);
        model_->nav(Nav::Step);
    };
    measure_frames(300, step_once);
    bench_full_redraw_ = false;
    // What a user sees: after a step, only the panels that changed are
    // drawn again. First the frame right after each step (the animations
    // start), then a step and every frame until its animations end.
    std::printf("frame after a step, changed regions only (300 steps):\n");
    model_->nav(Nav::Reset);
    measure_frames(300, step_once);
    {
        model_->nav(Nav::Reset);
        std::vector<double> per_step;
        for (int i = 0; i < 40; i++) {
            step_once();
            double c0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID);
            int frames = 0;
            do {
                frame();
                glFinish();
                frames++;
            } while (clock_.busy() && frames < 200);
            per_step.push_back((cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - c0) / frames);
        }
        Stats s = stats(per_step);
        std::printf(
            "frames of a step until its animations end, changed regions only: process CPU per "
            "frame mean %.2f median %.2f ms\n",
            s.mean, s.median);
        // The regions drawn step after step add up to the frame a full
        // redraw makes.
        std::vector<unsigned char> by_damage = renderer_->read_copy();
        bench_full_redraw_ = true;
        measure_frames_ = true;  // drawn although nothing changed
        frame();
        measure_frames_ = false;
        bench_full_redraw_ = false;
        std::vector<unsigned char> whole = renderer_->read_copy();
        // The top-right pixel is the back buffer's marker (DamageRenderer).
        size_t differ = 0, marker = (static_cast<size_t>(fb_h) * fb_w - 1) * 4;
        for (size_t i = 0; i + 3 < whole.size() && whole.size() == by_damage.size(); i += 4)
            if (i != marker && std::memcmp(&whole[i], &by_damage[i], 3) != 0) differ++;
        std::printf(
            "after 40 steps drawn by regions: %zu pixels differ from a full redraw (the marker "
            "pixel aside, %s: two frames were read)%s\n",
            differ,
            whole.size() == by_damage.size() && marker + 3 <= whole.size() &&
                    std::memcmp(&whole[marker], &by_damage[marker], 3) != 0
                ? "it differs"
                : "it does not",
            whole.size() == by_damage.size() ? "" : " (nothing to read)");
    }
    {
        Scenario compare = options_.scenario;
        model_->set_compare(true);
        for (int i = 0; i < 100 && clock_.busy(); i++) frame();
        std::printf("frame, compare mode, nothing changing (300 frames):\n");
        measure_frames(300, nullptr);
        model_->set_compare(false);
    }

    // ---- 3. idle: the normal wait logic with no input ----
    // The loops above never poll, so the window's start-up events (map,
    // expose, focus) are still queued: take them and their redraws first,
    // or the idle window would count the bench's own backlog.
    glfwPollEvents();
    for (int i = 0; i < 300 && (clock_.busy() || frames_pending_ > 0); i++) {
        frame();
        glfwPollEvents();
    }
    frames_pending_ = 0;
    double idle_s = options_.bench_idle_seconds;
    double p0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID), w0 = wall_ms();
    double end = glfwGetTime() + idle_s;
    uint64_t frames_before = frame_count_;
    while (glfwGetTime() < end) {
        wait_until(end);
        if (needs_frame()) frame();
    }
    double idle_cpu = cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - p0, idle_wall = wall_ms() - w0;
    std::printf(
        "idle for %.1f s with no input: %.3f%% of one core (%.1f ms CPU, %llu frames drawn)\n",
        idle_wall / 1e3, 100.0 * idle_cpu / idle_wall, idle_cpu,
        static_cast<unsigned long long>(frame_count_ - frames_before));

    // ---- 3a. frames after an input that changes nothing (a mouse move
    // over empty space): built, found identical, not drawn again ----
    {
        uint64_t presented0 = presented_count_;
        double c0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID);
        const int count = 60;
        for (int i = 0; i < count; i++) {
            frame();
            glFinish();
        }
        double each = (cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - c0) / count;
        std::printf(
            "frame after an input that changes nothing: %.2f ms process CPU (%llu of %d drawn)\n",
            each, static_cast<unsigned long long>(presented_count_ - presented0), count);
    }

    // ---- 3b. playing at 4 steps a second: the normal loop, animations on ----
    {
        model_->nav(Nav::Reset);
        for (int i = 0; i < 300 && (clock_.busy() || frames_pending_ > 0); i++) frame();
        float rate = settings_.play_rate;
        std::string unit = settings_.play_unit;
        settings_.play_rate = 4.0f;
        settings_.play_unit = "step";
        start_play(true);
        double play_s = std::max(2.0, options_.bench_idle_seconds * 0.5);
        double q0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID), v0 = wall_ms();
        double stop = glfwGetTime() + play_s;
        uint64_t frames0 = frame_count_, presented0 = presented_count_,
                 step0 = model_->primary().now().step;
        while (glfwGetTime() < stop && playing_) {
            wait_until(stop);
            if (needs_frame()) frame();
        }
        double play_cpu = cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - q0, play_wall = wall_ms() - v0;
        std::printf(
            "playing at 4 steps/s for %.1f s: %.1f%% of one core (%llu frames built, %llu drawn, "
            "%llu steps)\n",
            play_wall / 1e3, 100.0 * play_cpu / play_wall,
            static_cast<unsigned long long>(frame_count_ - frames0),
            static_cast<unsigned long long>(presented_count_ - presented0),
            static_cast<unsigned long long>(model_->primary().now().step - step0));
        playing_ = false;
        settings_.play_rate = rate;
        settings_.play_unit = unit;
    }

    // ---- 4. seek from the last step of a long run to the first ----
    // A flag that keeps the RFC's exit loop busy, with the livelock guard
    // lifted, makes a run that ends at the step limit.
    struct Long {
        Era era;
        const char* flag;
    };
    std::unique_ptr<Model> best;
    for (Long candidate : {Long{Era::Rfc, "SYSCALL_TRACE"}, Long{Era::Rfc, "SINGLESTEP"},
                           Long{Era::V3_13, "SYSCALL_TRACE"}}) {
        Scenario s = options_.scenario;
        s.era = candidate.era;
        s.max_steps = 100'000;
        s.livelock_bound = 1'000'000;
        Injection injection;
        injection.bit = *parse_tif(candidate.flag);
        injection.when = InjectWhen::Exit;
        s.injections = {injection};
        double t0 = wall_ms();
        auto m = std::make_unique<Model>(s);
        double load = wall_ms() - t0;
        if (!m->primary().ok()) continue;
        uint64_t last = m->primary().now().last_step;
        std::printf("long run: %s + %s@exit, %llu steps (%s), recorded in %.0f ms\n",
                    std::string(era_info(candidate.era).name).c_str(), candidate.flag,
                    static_cast<unsigned long long>(last),
                    std::string(outcome_name(m->primary().trace()->outcome)).c_str(), load);
        if (!best || last > best->primary().now().last_step) best = std::move(m);
        if (best && best->primary().now().last_step >= 99'000) break;
    }
    if (best) {
        model_ = std::move(best);
        model_->nav(Nav::End);
        for (int i = 0; i < 100 && clock_.busy(); i++) frame();
        std::vector<double> seek_ms, frame_ms;
        for (int i = 0; i < 5; i++) {
            model_->seek(model_->primary().now().last_step);
            frame();
            double t0 = wall_ms();
            model_->seek(0);
            double t1 = wall_ms();
            frame();
            glFinish();
            double t2 = wall_ms();
            seek_ms.push_back(t1 - t0);
            frame_ms.push_back(t2 - t0);
        }
        // And the other way, which replays from the nearest checkpoint.
        std::vector<double> forward_ms;
        for (int i = 0; i < 5; i++) {
            model_->seek(0);
            frame();
            double t0 = wall_ms();
            model_->seek(model_->primary().now().last_step - 1 - i);
            forward_ms.push_back(wall_ms() - t0);
        }
        Stats s = stats(seek_ms), f = stats(frame_ms), back = stats(forward_ms);
        std::printf(
            "seek last step (%llu) -> step 0: session seek + views median %.2f ms (max %.2f); "
            "with the next frame drawn median %.2f ms (max %.2f)\n",
            static_cast<unsigned long long>(model_->primary().now().last_step), s.median, s.max,
            f.median, f.max);
        std::printf(
            "seek step 0 -> near the last step: session seek + views median %.2f ms (max %.2f)\n",
            back.median, back.max);
    } else {
        std::printf("seek: no long run could be made\n");
    }
    return 0;
}

}  // namespace slowpath::gui
