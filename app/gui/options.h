// The desktop app's command line.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/commands.h"
#include "slowpath/session.h"

namespace slowpath::gui {

// Long runs. The app records a run's first kGuiFirstSlice steps before the
// window shows it, and the rest in slices between frames. With no
// --max-steps a run may go on to kGuiMaxSteps (the CLI stops at the
// Scenario's 2,000,000); long before that its memory budget (--memory,
// 1 GiB: some 500 million steps) thins its checkpoints and then stops it.
constexpr uint64_t kGuiFirstSlice = 262'144;
constexpr uint64_t kGuiMaxSteps = 10'000'000'000;

struct Options {
    Scenario scenario;
    bool scenario_given = false;  // --era/--syscall/--inject: do not restore anything else

    std::string screenshot;     // --screenshot FILE.png: draw, save, exit
    int frames = -1;            // --frames N: draw N frames, then exit (-1: run until closed)
    std::string commands_text;  // --commands "step 5; back 2"
    std::vector<Command> commands;
    std::string dump_state;  // --dump-state FILE.json: write what the panels show at the end
    // Test hooks for an attended window (neither makes the run unattended):
    std::string state_on_quit;  // --state-on-quit FILE.json: the dump, written when the user quits
    std::string state_live;     // --state-live FILE.json: the dump, rewritten after every frame

    bool bench = false;  // --bench: print speed figures and exit
    double bench_idle_seconds = 10.0;

    int width = 0, height = 0;  // --size WxH (0: from settings)
    std::optional<bool> dark;   // --theme
    std::optional<bool> presenter;
    std::optional<bool> animate;
    std::optional<float> zoom;
    bool compare = false;
    std::vector<Era> compare_eras;  // --compare ERAS (empty: this era and another)
    bool use_settings = true;       // --no-settings: neither read nor write the settings file

    std::string walkthrough;     // --walkthrough FILE: tour mode
    std::string screenshot_dir;  // --screenshot-dir DIR: where the tour's `shoot` steps go
    std::string snapshot_dir;    // --snapshot-dir DIR: where F12 saves (default: pictures/slowpath)
    bool exit_at_end = false;    // --exit-at-end: play the tour unattended, then exit
    std::string handout_dir;     // --handout DIR: the walkthrough as DIR/index.html, then exit
    std::string record_gif;      // --record-gif FILE FROM..TO: a GIF of those steps, then exit

    // Whether the app runs unattended and quits by itself.
    bool unattended() const {
        return !screenshot.empty() || frames >= 0 || !dump_state.empty() || bench || exit_at_end ||
               !record_gif.empty();
    }
};

// Parses argv. On a bad argument prints one line to stderr (or, given
// `error`, puts it there) and returns exit status 2 through `exit_code`; for
// --help prints usage and returns 0.
std::optional<Options> parse_options(int argc, char** argv, int& exit_code,
                                     std::string* error = nullptr);

// A command line split into words as a shell would (quotes, backslashes);
// throws std::invalid_argument for an unclosed quote.
std::vector<std::string> shell_words(const std::string& text);

}  // namespace slowpath::gui
