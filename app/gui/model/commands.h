// The app's small command language: what --commands runs, what every button
// and key does, and what a walkthrough step can reuse.
//
//   step [N] | back [N] | over | out | next-label | prev-label | next-event |
//   prev-event | decision | ring3 | end | reset | seek STEP | focus N | label NAME |
//   event KIND | era v3.13|rfc | syscall NAME|NR | bad-pointer on|off |
//   inject FLAG entry|exit|now | inject FLAG@WHEN | uninject FLAG@WHEN |
//   clear-injections | edit TARGET VALUE | compare on|off|toggle |
//   program PATH [ARGS...]
//
// and, handled by the window rather than the model:
//
//   theme dark|light|toggle | presenter on|off|toggle | animate on|off|toggle |
//   zoom FACTOR | play | pause | toggle-play | speed STEPS_PER_SECOND |
//   play-unit step|label|event | help on|off|toggle | point PANEL[:ITEM] |
//   unpoint | wait FRAMES | screenshot FILE | dump FILE | press KEY | quit |
//   tour-next | tour-prev | tour-answer N | tour-goto PAGE | tour-era E |
//   tour-open FILE | tour-close | tour-browse [on|off]
//
// Commands are separated by ';' or newlines; '#' starts a comment. A word in
// '...' or "..." keeps its spaces, ';' and '#' (a path with a space in it).
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace slowpath::gui {

class Model;

struct Command {
    std::string verb;
    std::vector<std::string> args;
    std::string text;  // as written, for messages
};

struct CommandInfo {
    const char* verb;
    int min_args, max_args;
    bool for_window;  // handled by the app window, not the model
    const char* usage;
};
const std::vector<CommandInfo>& command_table();

// Parses a script; throws std::invalid_argument("'frob': unknown command")
// for an unknown verb or a wrong number of arguments. Arguments of model
// commands (flag names, eras, syscalls) are checked too, so a bad script is
// rejected before anything runs.
std::vector<Command> parse_commands(std::string_view script);

// Runs a model command. Returns "" on success or a one-line reason.
std::string run_model_command(Model& model, const Command& command);

// The words of a command: split at spaces; a word in '...' or "..." keeps its
// spaces, without the quotes. Throws std::invalid_argument for an unclosed quote.
std::vector<std::string> command_words(const std::string& text);

// A word as a command must write it: as it is, or quoted when it holds a
// space, ';', '#' or a quote ("" for a word holding both kinds of quote, or a newline).
std::string command_word(const std::string& word);

// True when the verb belongs to the window (theme, play, point...).
bool is_window_command(const std::string& verb);

}  // namespace slowpath::gui
