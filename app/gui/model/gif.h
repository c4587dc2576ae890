// An animated GIF of a stretch of steps, for a slide: frames scaled down to
// a size a slide takes (at most kGifMaxWidth x kGifMaxHeight), each with
// its own 256-colour palette, looping, the last frame held longer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace slowpath::gui {

constexpr int kGifMaxWidth = 960;
constexpr int kGifMaxHeight = 720;
constexpr int kGifFrameCentiseconds = 60;  // each step shows for 0.6 s
constexpr int kGifLastFrameCentiseconds = 250;
constexpr size_t kGifMaxFrames = 1000;

// The size a w x h frame is scaled to (the aspect kept, never enlarged).
void gif_frame_size(int w, int h, int& out_w, int& out_h);

class GifRecorder {
 public:
    // `rgb`: w x h pixels, 3 bytes each, rows top-down. Every frame must be
    // the size of the first; returns false (and says why) otherwise or when
    // kGifMaxFrames are held already.
    bool add_frame(const std::vector<uint8_t>& rgb, int w, int h, std::string* error);
    size_t frames() const { return frames_.size(); }
    int width() const { return width_; }
    int height() const { return height_; }
    // Writes the file (an empty recording is refused); the frames are kept.
    bool write(const std::string& path, std::string* error) const;

 private:
    struct Frame {
        std::vector<uint8_t> indices;  // width_ x height_
        std::vector<uint8_t> palette;  // 3 bytes per colour
        int colours = 0;
    };
    std::vector<Frame> frames_;
    int source_w_ = 0, source_h_ = 0, width_ = 0, height_ = 0;
};

}  // namespace slowpath::gui
