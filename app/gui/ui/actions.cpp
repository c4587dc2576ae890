#include "ui/actions.h"

#include <GLFW/glfw3.h>

#include <cctype>

#include "slowpath/tif.h"

namespace slowpath::gui {

namespace {

std::string key_name(int key) {
    switch (key) {
        case GLFW_KEY_RIGHT:
            return "Right";
        case GLFW_KEY_LEFT:
            return "Left";
        case GLFW_KEY_UP:
            return "Up";
        case GLFW_KEY_DOWN:
            return "Down";
        case GLFW_KEY_HOME:
            return "Home";
        case GLFW_KEY_END:
            return "End";
        case GLFW_KEY_SPACE:
            return "Space";
        case GLFW_KEY_ESCAPE:
            return "Esc";
        case GLFW_KEY_F1:
            return "F1";
        case GLFW_KEY_F12:
            return "F12";
        case GLFW_KEY_PAGE_DOWN:
            return "PageDown";
        case GLFW_KEY_PAGE_UP:
            return "PageUp";
        case GLFW_KEY_LEFT_BRACKET:
            return "[";
        case GLFW_KEY_RIGHT_BRACKET:
            return "]";
        case GLFW_KEY_EQUAL:
            return "=";
        case GLFW_KEY_MINUS:
            return "-";
        default:
            break;
    }
    if (key >= GLFW_KEY_A && key <= GLFW_KEY_Z)
        return std::string(1, static_cast<char>('A' + key - GLFW_KEY_A));
    if (key >= GLFW_KEY_0 && key <= GLFW_KEY_9)
        return std::string(1, static_cast<char>('0' + key - GLFW_KEY_0));
    return "?";
}

std::string one_key(const Shortcut& k) {
    std::string s;
    if (k.mods & kCtrl) s += "Ctrl+";
    if (k.mods & kShift) s += "Shift+";
    if (k.typed)
        s += k.typed;
    else
        s += key_name(k.key);
    return s;
}

}  // namespace

bool parse_key(const std::string& text, Shortcut& out) {
    out = Shortcut{};
    std::string rest = text;
    auto lower = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    for (;;) {
        std::string l = lower(rest);
        if (l.rfind("shift+", 0) == 0) {
            out.mods |= kShift;
            rest = rest.substr(6);
        } else if (l.rfind("ctrl+", 0) == 0) {
            out.mods |= kCtrl;
            rest = rest.substr(5);
        } else {
            break;
        }
    }
    std::string l = lower(rest);
    static const std::pair<const char*, int> named[] = {
        {"right", GLFW_KEY_RIGHT},     {"left", GLFW_KEY_LEFT},
        {"up", GLFW_KEY_UP},           {"down", GLFW_KEY_DOWN},
        {"home", GLFW_KEY_HOME},       {"end", GLFW_KEY_END},
        {"space", GLFW_KEY_SPACE},     {"esc", GLFW_KEY_ESCAPE},
        {"escape", GLFW_KEY_ESCAPE},   {"f1", GLFW_KEY_F1},
        {"f12", GLFW_KEY_F12},         {"[", GLFW_KEY_LEFT_BRACKET},
        {"]", GLFW_KEY_RIGHT_BRACKET}, {"=", GLFW_KEY_EQUAL},
        {"-", GLFW_KEY_MINUS},         {"pagedown", GLFW_KEY_PAGE_DOWN},
        {"pageup", GLFW_KEY_PAGE_UP},
    };
    for (const auto& [name, key] : named)
        if (l == name) {
            out.key = key;
            return true;
        }
    if (l.size() == 1 && l[0] >= 'a' && l[0] <= 'z') {
        out.key = GLFW_KEY_A + (l[0] - 'a');
        return true;
    }
    if (l.size() == 1 && l[0] >= '0' && l[0] <= '9') {
        out.key = GLFW_KEY_0 + (l[0] - '0');
        return true;
    }
    return false;
}

const std::vector<int>& chip_flags() {
    static const std::vector<int> flags = [] {
        std::vector<int> out;
        // The order a lesson meets them in, most common first.
        for (const char* name :
             {"SIGPENDING", "NEED_RESCHED", "NOTIFY_RESUME", "SYSCALL_AUDIT", "SYSCALL_TRACE",
              "SINGLESTEP", "SYSCALL_TRACEPOINT", "MCE_NOTIFY", "USER_RETURN_NOTIFY", "UPROBE"})
            if (auto bit = parse_tif(name)) out.push_back(*bit);
        return out;
    }();
    return flags;
}

const std::vector<Action>& actions() {
    static const std::vector<Action> table = [] {
        std::vector<Action> a = {
            {"step", "Move", "step one instruction", {{GLFW_KEY_RIGHT}, {GLFW_KEY_S}}, true},
            {"back", "Move", "step back one instruction", {{GLFW_KEY_LEFT}, {GLFW_KEY_B}}, true},
            {"over", "Move", "step over a call", {{GLFW_KEY_DOWN}, {GLFW_KEY_O}}, true},
            {"out", "Move", "run until the current C function returns", {{GLFW_KEY_UP}}, true},
            {"next-label", "Move", "run to the next label", {{GLFW_KEY_N}}, true},
            {"prev-label", "Move", "back to the previous label", {{GLFW_KEY_N, kShift}}, true},
            {"next-event", "Move", "run to the next event", {{GLFW_KEY_E}}, true},
            {"prev-event", "Move", "back to the previous event", {{GLFW_KEY_E, kShift}}, true},
            {"decision", "Move", "run to the sysret/iret decision", {{GLFW_KEY_D}}},
            {"ring3", "Move", "run until the CPU is back in ring 3", {{GLFW_KEY_U}}},
            {"end", "Move", "run to the end of the program", {{GLFW_KEY_END}}},
            {"reset", "Move", "back to the SYSCALL instruction", {{GLFW_KEY_HOME}, {GLFW_KEY_R}}},
            {"tour-next",
             "Tour",
             "walkthrough: next page (skips a question)",
             {{GLFW_KEY_PAGE_DOWN}}},
            {"tour-prev", "Tour", "walkthrough: the page before", {{GLFW_KEY_PAGE_UP}}},
            {"tour-browse", "Tour", "open a walkthrough (a guided tour)", {{GLFW_KEY_O, kCtrl}}},
            {"program-browse",
             "Scenario",
             "open a program of your own (a static x86-64 ELF)",
             {{GLFW_KEY_O, kCtrl | kShift}}},
            {"tour-answer",
             "Tour",
             "walkthrough: answer a question (its choice)",
             {{GLFW_KEY_1},
              {GLFW_KEY_2},
              {GLFW_KEY_3},
              {GLFW_KEY_4},
              {GLFW_KEY_5},
              {GLFW_KEY_6},
              {GLFW_KEY_7},
              {GLFW_KEY_8},
              {GLFW_KEY_9}}},
            {"toggle-play", "Play", "play or pause", {{GLFW_KEY_SPACE}, {GLFW_KEY_P}}},
            {"faster", "Play", "play faster", {{GLFW_KEY_RIGHT_BRACKET}}},
            {"slower", "Play", "play slower", {{GLFW_KEY_LEFT_BRACKET}}},
            {"cycle-play-unit", "Play", "play by instruction, label or event", {{GLFW_KEY_L}}},
            {"cycle-era", "Scenario", "next era (v3.13, rfc, modern)", {{GLFW_KEY_V}}},
            {"cycle-when", "Scenario", "flag keys inject at entry or at exit", {{GLFW_KEY_W}}},
            {"compare toggle", "Scenario", "compare eras side by side", {{GLFW_KEY_C}}},
            {"theme toggle", "View", "light or dark theme", {{GLFW_KEY_T}}},
            {"presenter toggle", "View", "presenter mode: large text", {{GLFW_KEY_M}}},
            {"animate toggle", "View", "animations on or off", {{GLFW_KEY_A}}},
            {"zoom-in", "View", "larger text", {{GLFW_KEY_EQUAL, kCtrl}, {0, kNoMods, '+'}}},
            {"zoom-out", "View", "smaller text", {{GLFW_KEY_MINUS, kCtrl}, {0, kNoMods, '-'}}},
            {"zoom-reset", "View", "normal text size", {{GLFW_KEY_0, kCtrl}}},
            {"snapshot",
             "View",
             "save a screenshot in the pictures folder (slowpath/)",
             {{GLFW_KEY_F12}}},
            {"record-toggle",
             "View",
             "record a GIF of the steps you take; again: save it (pictures folder)",
             {{GLFW_KEY_F12, kShift}}},
            {"copy-scenario",
             "Scenario",
             "copy the scenario on screen as a line",
             {{GLFW_KEY_C, kCtrl}}},
            {"copy-command-line",
             "Scenario",
             "copy it as a slowpath command line",
             {{GLFW_KEY_C, kCtrl | kShift}}},
            {"paste",
             "Scenario",
             "load a scenario line or command line from the clipboard",
             {{GLFW_KEY_V, kCtrl}}},
            {"table toggle", "View", "the table: every flag in every era", {{GLFW_KEY_X}}},
            {"help toggle", "View", "this help", {{GLFW_KEY_F1}, {0, kNoMods, '?'}, {GLFW_KEY_H}}},
            {"escape", "View", "close help, stop pointing", {{GLFW_KEY_ESCAPE}}},
            {"quit", "View", "quit", {{GLFW_KEY_Q, kCtrl}}},
        };
        // Number keys: toggle a flag's injection; with Shift: inject it now.
        const auto& flags = chip_flags();
        for (size_t i = 0; i < flags.size() && i < 10; i++) {
            int key = GLFW_KEY_0 + static_cast<int>((i + 1) % 10);
            std::string name(tif_flag(flags[i])->name);
            a.push_back({"toggle-flag " + name,
                         "Flags",
                         "inject " + name + " at entry/exit (on/off)",
                         {{key}}});
            a.push_back(
                {"inject " + name + " now", "Flags", "inject " + name + " now", {{key, kShift}}});
        }
        return a;
    }();
    return table;
}

std::string shortcut_text(const Action& action) {
    // A run of number keys reads as one range: "1-9".
    const auto& k = action.keys;
    bool run = k.size() > 2;
    for (size_t i = 0; run && i < k.size(); i++)
        run = !k[i].typed && k[i].mods == kNoMods && k[i].key >= GLFW_KEY_0 &&
              k[i].key <= GLFW_KEY_9 && (i == 0 || k[i].key == k[i - 1].key + 1);
    if (run) return one_key(k.front()) + "-" + one_key(k.back());
    std::string s;
    for (const Shortcut& k : action.keys) {
        if (!s.empty()) s += " / ";
        s += one_key(k);
    }
    return s;
}

std::string shortcut_for(const std::string& command) {
    for (const Action& a : actions())
        if (a.command == command) return shortcut_text(a);
    return "";
}

}  // namespace slowpath::gui
