// "Open program": a small file chooser of our own (ImGui 1.86 has none) over
// the window. A folder's listing (model/file_browser.h), a filter, the
// program's arguments, and Open, which queues `program PATH ARGS...`; what
// is wrong with a file is said in the chooser before anything runs, and what
// the loader finds wrong after it, in the window's error body.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "model/commands.h"
#include "model/file_browser.h"
#include "ui/panel.h"

namespace slowpath::gui {

class ProgramBrowser {
 public:
    bool open() const { return open_; }
    // program-browse [on|off|toggle|DIR]: opens (in DIR), closes, or toggles;
    // program-browse-open: the picked file with the arguments typed, as the
    // `program` command take_pending() then hands over. "" or why not.
    std::string command(const Command& command);
    std::string take_pending() { return std::exchange(pending_, std::string()); }
    void draw(UiContext& ctx);  // over everything, after the panels
    nlohmann::json dump() const;

 private:
    void draw_list(UiContext& ctx, float height);
    void draw_footer(UiContext& ctx);
    void sync_buffers();

    FileBrowser browser_;
    bool open_ = false;
    bool focus_ = false;
    std::string message_;  // why Open did nothing
    std::string pending_;  // the program command to run
    char dir_buffer_[1024] = {};
    char filter_buffer_[256] = {};
    char args_buffer_[1024] = {};
};

}  // namespace slowpath::gui
