// What every panel gets to draw with, and the registry of panels.
//
// A panel draws one pane (a Session and its snapshot) into the current ImGui
// window. Panels never change the model directly: they queue commands in the
// same language as --commands, so a click, a key and a test all do the same.
//
// "Pointing" is how a guided tour (or `point PANEL:ITEM`) draws the eye: a
// panel asks ctx.pointed(id, item) for the things it draws and outlines them.
// Items are field names the panel documents: a register ("rax"), a pt_regs
// slot ("pt_regs.rip"), a flag ("SIGPENDING"), a label ("sysret_check").
#pragma once
#include <imgui.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/anim.h"
#include "model/model.h"
#include "model/settings.h"
#include "model/source.h"
#include "ui/theme.h"

namespace slowpath::gui {

// What a tour (or `point`) asks the viewer to look at: one or more panel
// items, e.g. a label is outlined in the path graph and in the code.
struct Pointer {
    struct Target {
        std::string panel;  // panel id
        std::string item;   // "" = the whole panel
    };
    std::vector<Target> targets;
    double since = 0.0;

    bool active() const { return !targets.empty(); }
    bool matches(std::string_view p, std::string_view i) const {
        for (const Target& t : targets)
            if (t.panel == p && t.item == i) return true;
        return false;
    }
    bool points_into(std::string_view p) const {
        for (const Target& t : targets)
            if (t.panel == p) return true;
        return false;
    }
};

// The panel items a walkthrough's point target means. `kind` is one of
// panel, flag, label, field, register (see slowpath/walkthrough.h); unknown
// kinds are taken as a panel id with `name` as the item.
std::vector<Pointer::Target> point_targets(const std::string& kind, const std::string& name);

// Where a named clickable item was drawn this frame (the state dump lists
// them, so a test can click it with real mouse input).
struct ItemMark {
    ImVec2 min, max;
    bool hovered = false;
};

struct UiContext {
    Model& model;
    Settings& settings;
    const Palette& colors;
    const Fonts& fonts;
    AnimClock& clock;
    Pointer& pointer;
    SourceCache& sources;
    Disassembler& disassembler;
    float scale = 1.0f;                               // the UI scale (DPI x zoom x presenter)
    std::function<void(const std::string&)> command;  // queue a command
    bool playing = false;
    bool help_open = false;
    bool tour_open = false;  // a walkthrough (or its error list) is in the aside column
    std::map<std::string, ItemMark>* marks = nullptr;  // the app's, for this frame

    // Names the last item drawn ("button:Step", "chip:SIGPENDING"...).
    void mark(const std::string& name) const {
        if (marks)
            (*marks)[name] = {ImGui::GetItemRectMin(), ImGui::GetItemRectMax(),
                              ImGui::IsItemHovered()};
    }

    bool pointed(std::string_view panel, std::string_view item) const {
        return pointer.matches(panel, item);
    }
    // Draws the pulsing outline a pointed-at item gets.
    void outline_if_pointed(std::string_view panel, std::string_view item, ImVec2 min,
                            ImVec2 max) const;
    // Keeps the app drawing frames for `seconds` more (a flash, a pulse...).
    void keep_drawing(double seconds) {
        clock.busy_until = std::max(clock.busy_until, clock.now + seconds);
    }
};

class Panel {
 public:
    virtual ~Panel() = default;
    virtual const char* id() const = 0;     // "code", "path", ... (used by `point`)
    virtual const char* title() const = 0;  // shown in the title bar
    // On a tab (presenter mode, beside a tour), where the room is a share
    // of one slot's width.
    virtual const char* tab_title() const { return title(); }
    // Draws the panel for one pane. pane_index is 0 for the primary pane and
    // 1 for compare mode's partner, so a panel can keep per-pane state.
    virtual void draw(UiContext& ctx, Pane& pane, int pane_index) = 0;
    // What the panel shows right now that a test may check ("" = nothing extra).
    virtual std::string describe() const { return ""; }
};

// Panels by id. The layout places them; a later panel (the walkthrough's
// narration) registers itself and takes the aside slot.
class PanelRegistry {
 public:
    Panel& add(std::unique_ptr<Panel> panel) {
        panels_.push_back(std::move(panel));
        return *panels_.back();
    }
    Panel* find(std::string_view id) const {
        for (const auto& p : panels_)
            if (id == p->id()) return p.get();
        return nullptr;
    }
    const std::vector<std::unique_ptr<Panel>>& all() const { return panels_; }

 private:
    std::vector<std::unique_ptr<Panel>> panels_;
};

}  // namespace slowpath::gui
