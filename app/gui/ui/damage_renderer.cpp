#include "ui/damage_renderer.h"

#include <GLFW/glfw3.h>
// After GLFW's header, which brings the GL types glext.h builds on.
#include <GL/glext.h>
#include <backends/imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>
#include <cstring>

// Last: Xlib's macros (None, Bool, Status) would collide with names above.
#include <GL/glx.h>
// From GLFW's native access header, which would also need the Xrandr headers.
extern "C" Display* glfwGetX11Display(void);
extern "C" GLXWindow glfwGetGLXWindow(GLFWwindow* window);

namespace slowpath::gui {

namespace {

// The framebuffer calls of OpenGL 3.0, which GLFW's header does not declare.
struct FramebufferCalls {
    PFNGLGENFRAMEBUFFERSPROC gen = nullptr;
    PFNGLDELETEFRAMEBUFFERSPROC del = nullptr;
    PFNGLBINDFRAMEBUFFERPROC bind = nullptr;
    PFNGLGENRENDERBUFFERSPROC gen_rb = nullptr;
    PFNGLDELETERENDERBUFFERSPROC del_rb = nullptr;
    PFNGLBINDRENDERBUFFERPROC bind_rb = nullptr;
    PFNGLRENDERBUFFERSTORAGEPROC storage = nullptr;
    PFNGLFRAMEBUFFERRENDERBUFFERPROC attach = nullptr;
    PFNGLCHECKFRAMEBUFFERSTATUSPROC status = nullptr;
    PFNGLBLITFRAMEBUFFERPROC blit = nullptr;
    bool ok = false;
};

const FramebufferCalls& gl() {
    static FramebufferCalls f = [] {
        FramebufferCalls c;
        auto get = [](const char* name) { return glfwGetProcAddress(name); };
        c.gen = reinterpret_cast<PFNGLGENFRAMEBUFFERSPROC>(get("glGenFramebuffers"));
        c.del = reinterpret_cast<PFNGLDELETEFRAMEBUFFERSPROC>(get("glDeleteFramebuffers"));
        c.bind = reinterpret_cast<PFNGLBINDFRAMEBUFFERPROC>(get("glBindFramebuffer"));
        c.gen_rb = reinterpret_cast<PFNGLGENRENDERBUFFERSPROC>(get("glGenRenderbuffers"));
        c.del_rb = reinterpret_cast<PFNGLDELETERENDERBUFFERSPROC>(get("glDeleteRenderbuffers"));
        c.bind_rb = reinterpret_cast<PFNGLBINDRENDERBUFFERPROC>(get("glBindRenderbuffer"));
        c.storage = reinterpret_cast<PFNGLRENDERBUFFERSTORAGEPROC>(get("glRenderbufferStorage"));
        c.attach =
            reinterpret_cast<PFNGLFRAMEBUFFERRENDERBUFFERPROC>(get("glFramebufferRenderbuffer"));
        c.status =
            reinterpret_cast<PFNGLCHECKFRAMEBUFFERSTATUSPROC>(get("glCheckFramebufferStatus"));
        c.blit = reinterpret_cast<PFNGLBLITFRAMEBUFFERPROC>(get("glBlitFramebuffer"));
        c.ok = c.gen && c.del && c.bind && c.gen_rb && c.del_rb && c.bind_rb && c.storage &&
               c.attach && c.status && c.blit;
        return c;
    }();
    return f;
}

// How many swaps ago the window's back buffer was drawn (GLX_EXT_buffer_age):
// 1 when it still holds the last frame (Mesa's software rasteriser keeps one
// back buffer), 0 when its contents are undefined, -1 when nobody can say.
int back_buffer_age() {
    using QueryDrawable = void (*)(Display*, GLXDrawable, int, unsigned int*);
    static const QueryDrawable query = []() -> QueryDrawable {
        if (!glfwExtensionSupported("GLX_EXT_buffer_age")) return nullptr;
        return reinterpret_cast<QueryDrawable>(glfwGetProcAddress("glXQueryDrawable"));
    }();
    GLFWwindow* window = glfwGetCurrentContext();
    if (!query || !window) return -1;
    Display* display = glfwGetX11Display();
    GLXWindow drawable = glfwGetGLXWindow(window);
    if (!display || !drawable) return -1;
    const int kBackBufferAge = 0x20F4;  // GLX_BACK_BUFFER_AGE_EXT
    unsigned int age = 0;
    query(display, drawable, kBackBufferAge, &age);
    return static_cast<int>(age);
}

// FNV-1a, eight bytes at a time (a frame holds some 400 KB of vertices).
struct Hasher {
    uint64_t h = 1469598103934665603ull;
    void add(const void* bytes, size_t size) {
        const unsigned char* p = static_cast<const unsigned char*>(bytes);
        size_t i = 0;
        for (; i + 8 <= size; i += 8) {
            uint64_t word;
            std::memcpy(&word, p + i, 8);
            h = (h ^ word) * 1099511628211ull;
        }
        for (; i < size; i++) h = (h ^ p[i]) * 1099511628211ull;
    }
};

// A rectangle of whole pixels, top-down: x0, y0 inclusive; x1, y1 exclusive.
bool empty(const ImVec4& r) {
    return r.z <= r.x || r.w <= r.y;
}
ImVec4 intersect(const ImVec4& a, const ImVec4& b) {
    return ImVec4(std::max(a.x, b.x), std::max(a.y, b.y), std::min(a.z, b.z), std::min(a.w, b.w));
}
ImVec4 unite(const ImVec4& a, const ImVec4& b) {
    if (empty(a)) return b;
    if (empty(b)) return a;
    return ImVec4(std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.z, b.z), std::max(a.w, b.w));
}
float area(const ImVec4& r) {
    return empty(r) ? 0.0f : (r.z - r.x) * (r.w - r.y);
}

// The pixels the OpenGL backend scissors a command's clip rectangle to: it
// truncates x, y, width and height to integers (imgui_impl_opengl3.cpp), so
// the same truncation here makes a clip narrowed to a damaged region cut
// exactly where the full frame's clip cut.
ImVec4 backend_scissor(const ImVec4& clip, float fb_h) {
    if (clip.z <= clip.x || clip.w <= clip.y) return ImVec4(0, 0, 0, 0);
    float x = static_cast<float>(static_cast<int>(clip.x));
    float w = static_cast<float>(static_cast<int>(clip.z - clip.x));
    float gl_y = static_cast<float>(static_cast<int>(fb_h - clip.w));
    float h = static_cast<float>(static_cast<int>(clip.w - clip.y));
    return ImVec4(x, fb_h - (gl_y + h), x + w, fb_h - gl_y);
}

}  // namespace

DamageRenderer::~DamageRenderer() {
    if (fbo_ && gl().ok) gl().del(1, &fbo_);
    if (color_ && gl().ok) gl().del_rb(1, &color_);
}

bool DamageRenderer::ensure_target(int w, int h) {
    if (fbo_failed_ || !gl().ok) return false;
    if (fbo_ && w == fbo_w_ && h == fbo_h_) return true;
    const FramebufferCalls& f = gl();
    if (!fbo_) {
        f.gen(1, &fbo_);
        f.gen_rb(1, &color_);
    }
    f.bind_rb(GL_RENDERBUFFER, color_);
    f.storage(GL_RENDERBUFFER, GL_RGB8, w, h);
    f.bind_rb(GL_RENDERBUFFER, 0);
    f.bind(GL_FRAMEBUFFER, fbo_);
    f.attach(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color_);
    bool complete = f.status(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
    f.bind(GL_FRAMEBUFFER, 0);
    if (!complete) {
        // Draw straight to the window from now on, every frame in full.
        fbo_failed_ = true;
        return false;
    }
    fbo_w_ = w;
    fbo_h_ = h;
    valid_ = false;
    return true;
}

void DamageRenderer::scan(const ImDrawData* data, int fb_w, int fb_h) {
    tiles_x_ = (fb_w + kTile - 1) / kTile;
    tiles_y_ = (fb_h + kTile - 1) / kTile;
    scanned_.assign(static_cast<size_t>(tiles_x_) * tiles_y_, 1469598103934665603ull);
    if (!data) return;
    const float fb_hf = static_cast<float>(fb_h);
    const ImVec4 window(0, 0, static_cast<float>(fb_w), fb_hf);
    const ImVec2 off = data->DisplayPos;
    for (int i = 0; i < data->CmdListsCount; i++) {
        const ImDrawList* list = data->CmdLists[i];
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback || cmd.ElemCount == 0) continue;
            ImVec4 clip(cmd.ClipRect.x - off.x, cmd.ClipRect.y - off.y, cmd.ClipRect.z - off.x,
                        cmd.ClipRect.w - off.y);
            ImVec4 scissor = intersect(backend_scissor(clip, fb_hf), window);
            if (empty(scissor)) continue;
            Hasher base;
            base.add(&scissor, sizeof scissor);
            base.add(&cmd.TextureId, sizeof cmd.TextureId);
            const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
            const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
            for (unsigned k = 0; k + 2 < cmd.ElemCount; k += 3) {
                const ImDrawVert& a = vtx[idx[k]];
                const ImDrawVert& b = vtx[idx[k + 1]];
                const ImDrawVert& c = vtx[idx[k + 2]];
                // The pixels it can cover, a pixel more each side.
                ImVec4 box(std::floor(std::min({a.pos.x, b.pos.x, c.pos.x}) - off.x) - 1,
                           std::floor(std::min({a.pos.y, b.pos.y, c.pos.y}) - off.y) - 1,
                           std::ceil(std::max({a.pos.x, b.pos.x, c.pos.x}) - off.x) + 1,
                           std::ceil(std::max({a.pos.y, b.pos.y, c.pos.y}) - off.y) + 1);
                box = intersect(box, scissor);
                if (empty(box)) continue;
                Hasher t = base;
                t.add(&a, sizeof a);
                t.add(&b, sizeof b);
                t.add(&c, sizeof c);
                int tx0 = static_cast<int>(box.x) / kTile, ty0 = static_cast<int>(box.y) / kTile;
                int tx1 = (static_cast<int>(box.z) - 1) / kTile,
                    ty1 = (static_cast<int>(box.w) - 1) / kTile;
                for (int ty = ty0; ty <= ty1; ty++)
                    for (int tx = tx0; tx <= tx1; tx++) {
                        uint64_t& h = scanned_[static_cast<size_t>(ty) * tiles_x_ + tx];
                        h = (h ^ t.h) * 1099511628211ull;
                    }
            }
        }
    }
}

bool DamageRenderer::prepare(const ImDrawData* data, int fb_w, int fb_h, ImU32 clear) {
    scan(data, fb_w, fb_h);
    scanned_w_ = fb_w;
    scanned_h_ = fb_h;
    scanned_clear_ = clear;
    const std::vector<uint64_t>* shown = !history_.empty() ? &history_[0]
                                         : valid_          ? &last_
                                                           : nullptr;
    if (!shown || fb_w != w_ || fb_h != h_ || clear != clear_) return true;
    return scanned_ != *shown;
}

std::vector<ImVec4> DamageRenderer::damage(const std::vector<uint64_t>& before) const {
    // Runs of changed tiles in each row, then runs of the same columns in
    // consecutive rows joined.
    std::vector<ImVec4> rects;
    std::vector<size_t> open;  // rects that end at the row above
    for (int ty = 0; ty < tiles_y_; ty++) {
        std::vector<size_t> now;
        for (int tx = 0; tx < tiles_x_;) {
            size_t at = static_cast<size_t>(ty) * tiles_x_ + tx;
            if (scanned_[at] == before[at]) {
                tx++;
                continue;
            }
            int start = tx;
            while (tx < tiles_x_ && scanned_[static_cast<size_t>(ty) * tiles_x_ + tx] !=
                                        before[static_cast<size_t>(ty) * tiles_x_ + tx])
                tx++;
            ImVec4 r(static_cast<float>(start * kTile), static_cast<float>(ty * kTile),
                     static_cast<float>(tx * kTile), static_cast<float>((ty + 1) * kTile));
            bool joined = false;
            for (size_t k : open)
                if (rects[k].x == r.x && rects[k].z == r.z) {
                    rects[k].w = r.w;
                    now.push_back(k);
                    joined = true;
                    break;
                }
            if (!joined) {
                rects.push_back(r);
                now.push_back(rects.size() - 1);
            }
        }
        open = std::move(now);
    }
    // Each draw command is drawn once per region it crosses: join the two
    // regions whose union adds the fewest pixels while there are many, and
    // any that then overlap (a pixel drawn twice would blend twice).
    auto overlaps = [](const ImVec4& a, const ImVec4& b) {
        return a.x < b.z && b.x < a.z && a.y < b.w && b.y < a.w;
    };
    auto settle = [&] {
        for (bool again = true; again;) {
            again = false;
            for (size_t i = 0; i < rects.size() && !again; i++)
                for (size_t j = i + 1; j < rects.size() && !again; j++)
                    if (overlaps(rects[i], rects[j])) {
                        rects[i] = unite(rects[i], rects[j]);
                        rects.erase(rects.begin() + j);
                        again = true;
                    }
        }
    };
    const size_t kMaxRegions = 10;
    while (rects.size() > kMaxRegions) {
        size_t bi = 0, bj = 1;
        float best = FLT_MAX;
        for (size_t i = 0; i < rects.size(); i++)
            for (size_t j = i + 1; j < rects.size(); j++) {
                float extra = area(unite(rects[i], rects[j])) - area(rects[i]) - area(rects[j]);
                if (extra < best) best = extra, bi = i, bj = j;
            }
        rects[bi] = unite(rects[bi], rects[bj]);
        rects.erase(rects.begin() + bj);
        settle();
    }
    const ImVec4 window(0, 0, static_cast<float>(w_), static_cast<float>(h_));
    for (ImVec4& r : rects) r = intersect(r, window);
    return rects;
}

void DamageRenderer::draw_regions(ImDrawData* data, const std::vector<ImVec4>& regions) {
    const float fb_h = static_cast<float>(h_);
    const ImVec2 off = data->DisplayPos;
    const ImVec4 whole(0, 0, static_cast<float>(w_), static_cast<float>(h_));
    if (whole_frame_pass_ && regions.size() == 1 && area(regions[0]) >= area(whole))
        whole_frame_pass_(data);
    glEnable(GL_SCISSOR_TEST);
    ImVec4 bg = ImGui::ColorConvertU32ToFloat4(clear_);
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    for (const ImVec4& r : regions) {
        glScissor(static_cast<int>(r.x), static_cast<int>(fb_h - r.w), static_cast<int>(r.z - r.x),
                  static_cast<int>(r.w - r.y));
        glClear(GL_COLOR_BUFFER_BIT);
    }
    glDisable(GL_SCISSOR_TEST);
    // Each command once for every region it crosses, its clip cut to the
    // region: one upload of the vertices, one pass.
    std::vector<ImDrawList*> lists;
    std::vector<ImVector<ImDrawCmd>> originals;
    lists.reserve(data->CmdListsCount);
    originals.reserve(data->CmdListsCount);
    for (int i = 0; i < data->CmdListsCount; i++) {
        ImDrawList* list = data->CmdLists[i];
        ImVector<ImDrawCmd> cut;
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback) {
                cut.push_back(cmd);
                continue;
            }
            ImVec4 clip(cmd.ClipRect.x - off.x, cmd.ClipRect.y - off.y, cmd.ClipRect.z - off.x,
                        cmd.ClipRect.w - off.y);
            ImVec4 scissor = backend_scissor(clip, fb_h);
            for (const ImVec4& r : regions) {
                ImVec4 part = intersect(scissor, r);
                if (empty(part)) continue;
                ImDrawCmd piece = cmd;
                piece.ClipRect =
                    ImVec4(part.x + off.x, part.y + off.y, part.z + off.x, part.w + off.y);
                cut.push_back(piece);
            }
        }
        if (cut.empty()) continue;
        list->CmdBuffer.swap(cut);
        lists.push_back(list);
        originals.push_back(std::move(cut));
    }
    if (!lists.empty()) {
        ImDrawData part = *data;
        part.CmdLists = lists.data();
        part.CmdListsCount = static_cast<int>(lists.size());
        ImGui_ImplOpenGL3_RenderDrawData(&part);
    }
    for (size_t k = 0; k < lists.size(); k++) lists[k]->CmdBuffer.swap(originals[k]);
}

// The marker: the window's top-right pixel with the two low bits of each
// colour channel set from a counter (a change of at most 3 in 255).
void DamageRenderer::write_marker() {
    unsigned char px[4] = {0, 0, 0, 0};
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(w_ - 1, h_ - 1, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
    marker_count_++;
    for (int i = 0; i < 3; i++)
        px[i] = static_cast<unsigned char>((px[i] & ~3u) | ((marker_count_ >> (2 * i)) & 3u));
    glEnable(GL_SCISSOR_TEST);
    glScissor(w_ - 1, h_ - 1, 1, 1);
    glClearColor(px[0] / 255.0f, px[1] / 255.0f, px[2] / 255.0f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    glDisable(GL_SCISSOR_TEST);
    std::memcpy(marker_, px, 3);
}

bool DamageRenderer::marker_found() const {
    unsigned char px[4] = {0, 0, 0, 0};
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(w_ - 1, h_ - 1, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE, px);
    return std::memcmp(px, marker_, 3) == 0;
}

std::vector<unsigned char> DamageRenderer::read_copy() const {
    std::vector<unsigned char> pixels;
    bool offscreen = offscreen_mode_ && valid_ && fbo_ && !fbo_failed_;
    if (!offscreen && history_.empty()) return pixels;
    pixels.resize(static_cast<size_t>(w_) * h_ * 4);
    gl().bind(GL_READ_FRAMEBUFFER, offscreen ? fbo_ : 0);
    if (!offscreen) glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w_, h_, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    gl().bind(GL_READ_FRAMEBUFFER, 0);
    return pixels;
}

DamageRenderer::Report DamageRenderer::render(ImDrawData* data, bool full) {
    Report report;
    const int fb_w = scanned_w_, fb_h = scanned_h_;
    const ImVec4 whole(0, 0, static_cast<float>(fb_w), static_cast<float>(fb_h));
    const float window_area = static_cast<float>(fb_w) * fb_h;
    bool plain_scale = data && data->FramebufferScale.x == 1.0f && data->FramebufferScale.y == 1.0f;
    if (scanned_clear_ != clear_ || fb_w != w_ || fb_h != h_) {
        valid_ = false;
        history_.clear();
    }
    clear_ = scanned_clear_;
    w_ = fb_w;
    h_ = fb_h;
    // The regions to draw again since `before` was on the target.
    auto regions_since = [&](const std::vector<uint64_t>* before) {
        std::vector<ImVec4> regions;
        if (!before || full) return std::vector<ImVec4>{whole};
        regions = damage(*before);
        float total = 0;
        for (const ImVec4& r : regions) total += area(r);
        if (total > 0.75f * window_area) regions = {whole};
        return regions;
    };
    auto finish = [&](const std::vector<ImVec4>& regions) {
        float drawn = 0;
        for (const ImVec4& r : regions) drawn += area(r);
        report.rects = static_cast<int>(regions.size());
        report.damaged_share = window_area > 0 ? drawn / window_area : 0;
        report.full = report.damaged_share >= 0.999f;
        report.changed = !regions.empty();
    };
    // Best: the back buffer still holds a frame we know: draw the difference
    // straight into it, nothing to copy. GLX_EXT_buffer_age says how old it
    // is where the driver tells; otherwise a marker pixel written after each
    // frame and found again before the next shows it is the last frame
    // (Mesa's software rasteriser keeps one back buffer). Three misses in a
    // row and the offscreen copy takes over.
    int age = plain_scale ? back_buffer_age() : -1;
    report.back_buffer_age = age;
    if (plain_scale && data && !offscreen_mode_) {
        const std::vector<uint64_t>* before = nullptr;
        if (age >= 1 && static_cast<size_t>(age) <= history_.size())
            before = &history_[age - 1];
        else if (age < 0 && !history_.empty() && marker_found())
            before = &history_[0];
        if (before || history_.empty())
            misses_ = 0;
        else if (++misses_ >= 3)
            offscreen_mode_ = true;
        if (!offscreen_mode_) {
            std::vector<ImVec4> regions = regions_since(before);
            glViewport(0, 0, fb_w, fb_h);
            if (!regions.empty()) draw_regions(data, regions);
            if (age < 0) write_marker();
            history_.insert(history_.begin(), scanned_);
            if (history_.size() > 3) history_.pop_back();
            finish(regions);
            return report;
        }
        history_.clear();
    }
    if (!data || !plain_scale || !ensure_target(fb_w, fb_h)) {
        // No offscreen copy: the whole frame, straight to the window.
        glViewport(0, 0, fb_w, fb_h);
        ImVec4 bg = ImGui::ColorConvertU32ToFloat4(scanned_clear_);
        glClearColor(bg.x, bg.y, bg.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        if (data && whole_frame_pass_) whole_frame_pass_(data);
        if (data) ImGui_ImplOpenGL3_RenderDrawData(data);
        finish({whole});
        valid_ = false;
        return report;
    }
    // Otherwise an offscreen copy, updated by regions and copied whole.
    report.offscreen = true;
    std::vector<ImVec4> regions = regions_since(valid_ ? &last_ : nullptr);
    const FramebufferCalls& f = gl();
    f.bind(GL_FRAMEBUFFER, fbo_);
    glViewport(0, 0, w_, h_);
    if (!regions.empty()) draw_regions(data, regions);
    f.bind(GL_READ_FRAMEBUFFER, fbo_);
    f.bind(GL_DRAW_FRAMEBUFFER, 0);
    f.blit(0, 0, w_, h_, 0, 0, w_, h_, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    f.bind(GL_FRAMEBUFFER, 0);
    last_ = scanned_;
    valid_ = true;
    finish(regions);
    return report;
}

}  // namespace slowpath::gui
