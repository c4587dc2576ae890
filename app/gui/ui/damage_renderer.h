// Drawing a frame by its damage: the panels are tiled ImGui windows, and a
// step changes a few of them. The frame is kept in an offscreen framebuffer;
// each frame only the tiles of the screen whose triangles changed (by a hash
// of the vertices, textures and scissors that touch each tile) are cleared
// and drawn again, every draw command over them in ImGui's order. Then the whole
// framebuffer is copied to the window's back buffer. A software rasteriser
// (Mesa's llvmpipe) spends its time per pixel and per glyph, so a step that
// redraws a third of the window costs about a third.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace slowpath::gui {

class DamageRenderer {
 public:
    DamageRenderer() = default;
    ~DamageRenderer();
    DamageRenderer(const DamageRenderer&) = delete;
    DamageRenderer& operator=(const DamageRenderer&) = delete;

    // What the last render() did.
    struct Report {
        bool full = false;         // the whole window was drawn
        int rects = 0;             // damaged rectangles drawn
        float damaged_share = 0;   // of the window's pixels, 0..1
        bool changed = false;      // anything differed from the frame before
        bool offscreen = false;    // drawn through the offscreen copy
        int back_buffer_age = -1;  // GLX_EXT_buffer_age's answer (-1: none)
    };

    // Reads what `data` would draw (hashes and screen rectangles of its
    // draw lists, nothing drawn) and says whether it differs from what the
    // last render() drew. Call once a frame, before render().
    bool prepare(const ImDrawData* data, int fb_w, int fb_h, ImU32 clear);
    // Draws the prepared frame into the window's back buffer (framebuffer 0):
    // the damaged regions into the offscreen copy, then the copy. `full`
    // draws everything again (the benchmark's worst case).
    Report render(ImDrawData* data, bool full);
    // The pixels of the last frame drawn (RGBA, bottom-up), from the
    // offscreen copy or the back buffer that still holds it; empty if neither.
    std::vector<unsigned char> read_copy() const;
    // Run on the draw data before a render() that draws the whole window
    // (the split of opaque fills pays there; by regions its extra draw calls,
    // each cut to every region, cost more than it saves).
    void set_whole_frame_pass(std::function<void(ImDrawData*)> pass) {
        whole_frame_pass_ = std::move(pass);
    }
    // The next render() draws everything.
    void invalidate() {
        valid_ = false;
        history_.clear();
    }

 private:
    // The window in tiles of kTile pixels; each tile's hash covers every
    // triangle that can touch it (vertices, texture, scissor), in order.
    static constexpr int kTile = 32;
    void scan(const ImDrawData* data, int fb_w, int fb_h);
    // The regions to draw again: runs of tiles whose hash changed, merged
    // into a few rectangles that do not overlap.
    std::vector<ImVec4> damage(const std::vector<uint64_t>& before) const;
    bool ensure_target(int w, int h);
    void write_marker();
    bool marker_found() const;
    void draw_regions(ImDrawData* data, const std::vector<ImVec4>& regions);

    std::function<void(ImDrawData*)> whole_frame_pass_;
    unsigned fbo_ = 0, color_ = 0;  // the offscreen copy of the window
    int fbo_w_ = 0, fbo_h_ = 0;
    int w_ = 0, h_ = 0;  // the window's framebuffer at the last render()
    bool fbo_failed_ = false;
    bool valid_ = false;  // the copy holds what last_ describes
    ImU32 clear_ = 0;
    int tiles_x_ = 0, tiles_y_ = 0;
    std::vector<uint64_t> last_;  // tile hashes of what the copy holds
    // Tile hashes of the frames last drawn straight to the window, newest
    // first: the back buffer of age n holds history_[n - 1].
    std::vector<std::vector<uint64_t>> history_;
    bool offscreen_mode_ = false;  // the back buffer cannot be trusted: draw offscreen
    int misses_ = 0;               // frames in a row the back buffer was not the last
    unsigned marker_count_ = 0;
    unsigned char marker_[3] = {0, 0, 0};
    std::vector<uint64_t> scanned_;  // this frame's, from prepare()
    int scanned_w_ = 0, scanned_h_ = 0;
    ImU32 scanned_clear_ = 0;
};

}  // namespace slowpath::gui
