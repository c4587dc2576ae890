#include "model/gif.h"

#include <gif_lib.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace slowpath::gui {

void gif_frame_size(int w, int h, int& out_w, int& out_h) {
    double scale = std::min({1.0, static_cast<double>(kGifMaxWidth) / std::max(1, w),
                             static_cast<double>(kGifMaxHeight) / std::max(1, h)});
    out_w = std::max(1, static_cast<int>(std::lround(w * scale)));
    out_h = std::max(1, static_cast<int>(std::lround(h * scale)));
}

namespace {

// Each output pixel is the mean of the source pixels it covers (text stays
// readable where nearest-neighbour would drop strokes).
void scale_down(const std::vector<uint8_t>& rgb, int w, int h, int ow, int oh,
                std::vector<uint8_t>& r, std::vector<uint8_t>& g, std::vector<uint8_t>& b) {
    size_t n = static_cast<size_t>(ow) * oh;
    r.assign(n, 0);
    g.assign(n, 0);
    b.assign(n, 0);
    for (int y = 0; y < oh; y++) {
        int y0 = static_cast<int>(static_cast<int64_t>(y) * h / oh);
        int y1 = std::max(y0 + 1, static_cast<int>(static_cast<int64_t>(y + 1) * h / oh));
        for (int x = 0; x < ow; x++) {
            int x0 = static_cast<int>(static_cast<int64_t>(x) * w / ow);
            int x1 = std::max(x0 + 1, static_cast<int>(static_cast<int64_t>(x + 1) * w / ow));
            unsigned sum[3] = {0, 0, 0};
            for (int sy = y0; sy < y1; sy++)
                for (int sx = x0; sx < x1; sx++) {
                    const uint8_t* p = &rgb[(static_cast<size_t>(sy) * w + sx) * 3];
                    sum[0] += p[0];
                    sum[1] += p[1];
                    sum[2] += p[2];
                }
            unsigned count = static_cast<unsigned>((y1 - y0) * (x1 - x0));
            size_t i = static_cast<size_t>(y) * ow + x;
            r[i] = static_cast<uint8_t>((sum[0] + count / 2) / count);
            g[i] = static_cast<uint8_t>((sum[1] + count / 2) / count);
            b[i] = static_cast<uint8_t>((sum[2] + count / 2) / count);
        }
    }
}

std::string gif_error(const std::string& path, int code) {
    const char* text = GifErrorString(code);
    return path + ": " + (text ? text : "cannot write the GIF");
}

}  // namespace

bool GifRecorder::add_frame(const std::vector<uint8_t>& rgb, int w, int h, std::string* error) {
    if (w <= 0 || h <= 0 || rgb.size() < static_cast<size_t>(w) * h * 3) {
        if (error) *error = "the frame has no pixels";
        return false;
    }
    if (frames_.empty()) {
        source_w_ = w;
        source_h_ = h;
        gif_frame_size(w, h, width_, height_);
    } else if (w != source_w_ || h != source_h_) {
        if (error) *error = "the window changed size while recording";
        return false;
    }
    if (frames_.size() >= kGifMaxFrames) {
        if (error) *error = "a GIF holds at most " + std::to_string(kGifMaxFrames) + " frames";
        return false;
    }
    std::vector<uint8_t> r, g, b;
    scale_down(rgb, w, h, width_, height_, r, g, b);
    Frame frame;
    frame.indices.resize(r.size());
    int colours = 256;
    std::vector<GifColorType> map(256);
    if (GifQuantizeBuffer(static_cast<unsigned>(width_), static_cast<unsigned>(height_), &colours,
                          r.data(), g.data(), b.data(), frame.indices.data(),
                          map.data()) != GIF_OK) {
        if (error) *error = "cannot reduce the frame to 256 colours";
        return false;
    }
    frame.colours = colours;
    for (int i = 0; i < 256; i++) {
        frame.palette.push_back(map[i].Red);
        frame.palette.push_back(map[i].Green);
        frame.palette.push_back(map[i].Blue);
    }
    frames_.push_back(std::move(frame));
    return true;
}

bool GifRecorder::write(const std::string& path, std::string* error) const {
    if (frames_.empty()) {
        if (error) *error = path + ": no frames were recorded";
        return false;
    }
    int code = 0;
    GifFileType* gif = EGifOpenFileName(path.c_str(), false, &code);
    if (!gif) {
        if (error) *error = gif_error(path, code);
        return false;
    }
    EGifSetGifVersion(gif, true);
    bool ok = EGifPutScreenDesc(gif, width_, height_, 8, 0, nullptr) == GIF_OK;
    // NETSCAPE2.0: loop for ever.
    static const unsigned char kLoop[3] = {1, 0, 0};
    ok = ok && EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_OK &&
         EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0") == GIF_OK &&
         EGifPutExtensionBlock(gif, 3, kLoop) == GIF_OK && EGifPutExtensionTrailer(gif) == GIF_OK;
    for (size_t f = 0; ok && f < frames_.size(); f++) {
        const Frame& frame = frames_[f];
        GraphicsControlBlock gcb{};
        gcb.DisposalMode = DISPOSE_DO_NOT;
        gcb.DelayTime = f + 1 == frames_.size() ? kGifLastFrameCentiseconds : kGifFrameCentiseconds;
        gcb.TransparentColor = NO_TRANSPARENT_COLOR;
        GifByteType ext[4];
        size_t len = EGifGCBToExtension(&gcb, ext);
        ok = EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(len), ext) == GIF_OK;
        std::vector<GifColorType> colours(256);
        for (int i = 0; i < 256; i++)
            colours[i] = {frame.palette[i * 3], frame.palette[i * 3 + 1], frame.palette[i * 3 + 2]};
        ColorMapObject* map = GifMakeMapObject(256, colours.data());
        ok = ok && map && EGifPutImageDesc(gif, 0, 0, width_, height_, false, map) == GIF_OK;
        for (int y = 0; ok && y < height_; y++)
            ok = EGifPutLine(gif,
                             const_cast<GifPixelType*>(frame.indices.data() +
                                                       static_cast<size_t>(y) * width_),
                             width_) == GIF_OK;
        GifFreeMapObject(map);
    }
    if (!ok) code = gif->Error;
    if (EGifCloseFile(gif, &code) != GIF_OK || !ok) {
        if (error) *error = gif_error(path, code);
        return false;
    }
    return true;
}

}  // namespace slowpath::gui
