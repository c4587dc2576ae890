// Recording a GIF of a stretch of steps: `record-gif FILE N` (and
// --record-gif FILE FROM..TO) takes N steps from here, a frame each;
// Shift+F12 starts a recording of the steps the user takes and, pressed
// again, saves it into the pictures folder.
#include <filesystem>

#include "model/keep.h"
#include "slowpath/log.h"
#include "slowpath/scenario_line.h"
#include "ui/app.h"

namespace slowpath::gui {

std::string App::start_recording(const std::string& path, bool stepping, uint64_t steps) {
    if (recording_) return "a GIF is being recorded already (" + recording_->path + ")";
    if (!model_->primary().ok()) return "nothing to record: " + model_->primary().error();
    recording_ = std::make_unique<Recording>();
    recording_->path = path;
    recording_->stepping = stepping;
    recording_->steps_left = steps;
    return "";
}

void App::finish_recording() {
    if (!recording_) return;
    std::unique_ptr<Recording> r = std::move(recording_);
    std::string error;
    if (!r->gif.write(r->path, &error)) {
        model_->set_status(error);
        host::error(error);
        exit_code_ = 1;
        return;
    }
    model_->set_status("saved " + r->path + " (" + std::to_string(r->gif.frames()) + " frames, " +
                       std::to_string(r->gif.width()) + "x" + std::to_string(r->gif.height()) +
                       ")");
}

// After a frame is drawn: a frame for the GIF when the step changed and the
// moves have finished easing, then the next step when the recorder steps.
void App::record_frame() {
    if (!recording_ || clock_.busy()) return;
    Recording& r = *recording_;
    const Pane& pane = model_->primary();
    if (!pane.ok()) {
        finish_recording();
        return;
    }
    uint64_t step = pane.now().step;
    if (r.captured && step == r.last_step) {
        if (r.stepping) finish_recording();  // the run's end: no step to take
        return;
    }
    std::vector<unsigned char> pixels;
    int w = 0, h = 0;
    std::string error;
    if (!read_pixels(pixels, w, h) || !r.gif.add_frame(pixels, w, h, &error)) {
        std::string message = r.path + ": " + (error.empty() ? "the window has no pixels" : error);
        recording_.reset();
        model_->set_status(message);
        host::error(message);
        exit_code_ = 1;
        return;
    }
    r.captured = true;
    r.last_step = step;
    if (!r.stepping) {
        model_->set_status("recording " + r.path + ": " + std::to_string(r.gif.frames()) +
                           " frame(s); Shift+F12 saves it");
        return;
    }
    if (r.steps_left == 0) {
        finish_recording();
        return;
    }
    r.steps_left--;
    run_model_command(*model_, Command{"step", {}, "step"});
    frames_pending_ = std::max(frames_pending_, 2);
}

}  // namespace slowpath::gui
